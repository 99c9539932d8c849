package foi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gongkai/catalog"
	"gongkai/workday"
)

// Throttle counts tries by key in windows shared by every instance
// (package throttle implements it on the database).
type Throttle interface {
	// Take counts a try and tells whether it was within the limit; the
	// count and the check are one step.
	Take(ctx context.Context, key, scope string, now time.Time) (until time.Time, n int, ok bool)
	// Refund gives back a try that did not count after all.
	Refund(ctx context.Context, key string)
	// Limit is how many tries a window allows.
	Limit() int
}

// Desk is the applicant's side of the request desk: applications made at
// the kiosk or online, the receipt and status pages an applicant reaches
// by proof (the receipt's token or the phone's last four digits), and the
// answer letter.
type Desk struct {
	Requests Service
	Units    catalog.UnitService
	Calendar *workday.Calendar
	// Days keeps the calendar's arrangements (SetCalendarYear).
	Days CalendarStore
	// County names the unit that handles applications (its Office, the
	// 政府信息公开工作机构) and the review body and court of the letters'
	// remedy sentence.
	County interface {
		County(ctx context.Context) (catalog.County, error)
	}
	// Applications counts applications by address, ScreenApplications
	// those of registered kiosk screens (IsScreen), where many residents
	// apply one after another; Lookups counts wrong proofs by address and
	// by number.
	Applications, ScreenApplications, Lookups Throttle
	IsScreen                                  func(ctx context.Context, ip string) bool
	// AddressKey is what an address is counted by (an IPv6 client by its
	// /64, say).
	AddressKey func(ip string) string
	// MayReveal tells whether by may see a unit's applicants' full
	// numbers; Audit records each view.
	MayReveal func(by catalog.Actor, unit string) bool
	// Reviews keeps the table 四 figures staff enter.
	Reviews ReviewStore
	Audit   func(ctx context.Context, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error
	// Annuals keeps the parts of the annual reports units write; Items and
	// Pubs suggest table 二 from the catalogue and take the report's draft
	// into the unit's 年度报告 column, with its Word file (Attach).
	Annuals AnnualStore
	Items   catalog.ItemService
	Pubs    catalog.PublicationService
	Attach  func(ctx context.Context, pubID int64, name string, r io.Reader, size int64, by catalog.Actor) error
}

// Submit registers an application made by the applicant at the kiosk or
// online: received today (art. 31), answered by the unit it is addressed
// to (r.UnitCode: a township or department answers for the information it
// holds), by Office when none is named. A refused form costs no
// allowance; EINVALID names the field, ERATELIMIT when the address has
// used its hour's allowance.
func (d *Desk) Submit(ctx context.Context, r *Request, ch Channel, ip string) error {
	office, err := d.Office(ctx)
	if err != nil {
		return err
	}
	if r.UnitCode == "" {
		r.UnitCode = office
	} else if u, err := d.Units.FindUnit(ctx, r.UnitCode); err != nil || u.RetiredOn != nil {
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
		return catalog.Invalid("unit", "请选择受理单位：所选单位不是本县现有的行政机关")
	}
	r.Channel, r.ReceivedOn = ch, time.Now().In(catalog.Shanghai)
	if err := r.Validate(); err != nil {
		return err
	}
	// The same confirmed form sent again (its answer was lost on the way):
	// the request it made, not a second one.
	if !ValidSubmitKey(r.SubmitKey) {
		r.SubmitKey = ""
	} else if made, err := d.Requests.FindRequests(ctx, Filter{SubmitKey: r.SubmitKey, Limit: 1}); err != nil {
		return err
	} else if len(made) == 1 {
		*r = made[0]
		return nil
	}
	g := d.Applications
	if d.IsScreen != nil && d.IsScreen(ctx, ip) {
		g = d.ScreenApplications
	}
	if _, _, ok := g.Take(ctx, d.AddressKey(ip), "", time.Now()); !ok {
		return catalog.Errorf(catalog.ERATELIMIT, "本机一小时内已提交%d件申请，请稍后再试；如需继续申请，请到受理窗口当面提交或联系工作人员", g.Limit())
	}
	return d.Requests.Create(ctx, r, catalog.Actor{Username: "申请人", IP: ip})
}

// FindByProof finds a request for its applicant, who proves it is theirs
// by its receipt token or by the last four digits of the phone given;
// wrong guesses are throttled by address and by number, and a wrong number
// answers as a wrong proof. The number is read into its one canonical form
// first: a database's collation would match full-width or zero-width
// spellings to the same number, each with a throttle of its own. EINVALID
// for a malformed number, ENOTFOUND for a wrong proof, ERATELIMIT.
func (d *Desk) FindByProof(ctx context.Context, number, phone4, token, ip string) (*Request, error) {
	now := time.Now()
	number, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	if token == "" {
		if phone4, err = ParsePhone4(phone4); err != nil {
			return nil, err
		}
	}
	// Each try is counted before it is checked, and given back when right.
	ipKey, noKey := "ip:"+d.AddressKey(ip), "no:"+number
	_, _, ipOK := d.Lookups.Take(ctx, ipKey, "", now)
	_, _, noOK := d.Lookups.Take(ctx, noKey, "", now)
	if !ipOK || !noOK {
		return nil, catalog.Errorf(catalog.ERATELIMIT, "查询错误次数过多，请一分钟后再试")
	}
	wrong := func() error {
		if token != "" {
			return catalog.Errorf(catalog.ENOTFOUND, "回执链接不正确或已失效，请用登记号和电话号码后四位查询")
		}
		return catalog.Errorf(catalog.ENOTFOUND, "登记号或电话号码后四位不正确")
	}
	r, err := d.Requests.Find(ctx, number)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return nil, wrong()
		}
		return nil, err
	}
	if token != "" && !TokenMatches(r, token) || token == "" && !strings.HasSuffix(r.Phone, phone4) {
		return nil, wrong()
	}
	d.Lookups.Refund(ctx, ipKey)
	d.Lookups.Refund(ctx, noKey)
	return r, nil
}

// Status is what the public status lookup shows of a request found by
// proof (see FindByProof): nothing personal but the masked name.
func (d *Desk) Status(ctx context.Context, number, phone4, token, ip string) (*PublicStatus, error) {
	r, err := d.FindByProof(ctx, number, phone4, token, ip)
	if err != nil {
		return nil, err
	}
	v := &PublicStatus{Number: r.Number, Applicant: MaskName(r.Display()), ReceivedOn: r.ReceivedOn.Format("2006-01-02"), State: r.State.Name()}
	if u, err := d.Units.FindUnit(ctx, r.UnitCode); err == nil {
		v.Unit = u.FullName
	}
	c, err := ClockOf(r, d.Calendar, time.Now().In(catalog.Shanghai))
	if err != nil {
		return nil, err
	}
	if !c.Due.IsZero() {
		v.DueOn = c.Due.Format("2006-01-02")
	}
	v.Paused, v.Provisional = c.Paused, c.Provisional
	ns, err := d.Requests.Notices(ctx, r.Number)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if n.Kind != NoticeConsultation { // the consulted party's paper is not the applicant's
			n.To, n.ID = MaskName(n.To), 0
			v.Papers = append(v.Papers, n)
		}
	}
	if r.State == Answered || r.State == Closed {
		if info, ok := OutcomeOf(r.Outcome); ok {
			v.Outcome = info.Label()
		}
		v.LetterNo = r.LetterNo
		if r.LetterNo != "" {
			l, err := d.Letter(ctx, r)
			if err != nil {
				return nil, err
			}
			l.To = MaskName(r.Display())
			v.Letter = l.Paragraphs()
		}
	}
	return v, nil
}

// AnswerLetter is the 政府信息公开答复书 of an answered request.
type AnswerLetter struct {
	No, To, Issuer, Body, Basis, Remedy string
	Received                            string
	Channel                             string
	Description                         string
	Decision, Text                      string
	Date                                string
}

// Paragraphs is the letter as lines of text, in the seed's order.
func (l AnswerLetter) Paragraphs() []string {
	out := []string{"政府信息公开答复书", l.No, l.To + "：",
		fmt.Sprintf("%s于%s收到你通过%s方式提出的政府信息公开申请，申请内容为：“%s”。现答复如下：", l.Issuer, l.Received, l.Channel, l.Description),
		l.Decision}
	if l.Text != "" {
		out = append(out, l.Text)
	}
	return append(out, l.Remedy, l.Issuer, l.Date)
}

// Letter composes a request's answer letter; ENOTFOUND for its unit or
// before the county is set up.
func (d *Desk) Letter(ctx context.Context, r *Request) (AnswerLetter, error) {
	u, err := d.Units.FindUnit(ctx, r.UnitCode)
	if err != nil {
		return AnswerLetter{}, err
	}
	county, err := d.County.County(ctx)
	if err != nil {
		return AnswerLetter{}, err
	}
	info, _ := OutcomeOf(r.Outcome)
	l := AnswerLetter{No: r.LetterNo, To: r.Display(), Issuer: u.FullName, Received: r.ReceivedOn.Format("2006年1月2日"),
		Channel: r.Channel.Name(), Description: r.Description, Decision: info.Letter, Text: r.AnswerText, Basis: info.Basis,
		Remedy: fmt.Sprintf(Remedy, county.ReviewBody, county.Court)}
	// A decided letter is what was sent, whatever changed since.
	if r.LetterIssuer != "" {
		l.Issuer = r.LetterIssuer
	}
	if r.LetterRemedy != "" {
		l.Remedy = r.LetterRemedy
	}
	if r.DecidedOn != nil {
		l.Date = r.DecidedOn.Format("2006年1月2日")
	}
	return l, nil
}

// ReviewStore keeps the table 四 figures (administrative reviews and
// lawsuits) staff enter for a unit and a year.
type ReviewStore interface {
	// ReviewCounts is a unit's figures ("" for the county's sum).
	ReviewCounts(ctx context.Context, unit string, year int) (ReviewCounts, error)
	// SaveReviewCounts stores a unit's figures; EINVALID.
	SaveReviewCounts(ctx context.Context, unit string, year int, c ReviewCounts, by catalog.Actor) error
}

// ReviewCounts is a unit's table 四 ("" for the county's sum).
func (d *Desk) ReviewCounts(ctx context.Context, unit string, year int) (ReviewCounts, error) {
	return d.Reviews.ReviewCounts(ctx, unit, year)
}

// SaveReviewCounts stores a unit's table 四; EINVALID.
func (d *Desk) SaveReviewCounts(ctx context.Context, unit string, year int, c ReviewCounts, by catalog.Actor) error {
	return d.Reviews.SaveReviewCounts(ctx, unit, year, c, by)
}

// The staff's side of the desk: a unit's requests, their history and
// clock, and the steps of the statutory procedure. The API and the back
// office share it.

// List lists a unit's requests ("" for all), newest first, a thousand at
// most.
func (d *Desk) List(ctx context.Context, unit string) ([]Request, error) {
	return d.Requests.FindRequests(ctx, Filter{UnitCode: unit, Limit: 1000})
}

// Pending lists a unit's open requests ("" for all), soonest due first,
// limit at most (0: all of them): the 工作台's to-do list.
func (d *Desk) Pending(ctx context.Context, unit string, limit int) ([]Request, error) {
	// Only the page is read (and its applicants' details unsealed), in
	// deadline order by the due_on index.
	return d.Requests.FindRequests(ctx, Filter{UnitCode: unit, Open: true, ByDue: true, Limit: limit})
}

// Find returns a request; ENOTFOUND.
func (d *Desk) Find(ctx context.Context, number string) (*Request, error) {
	return d.Requests.Find(ctx, number)
}

// Events lists a request's history, oldest first.
func (d *Desk) Events(ctx context.Context, number string) ([]Event, error) {
	return d.Requests.Events(ctx, number)
}

// Clock is a request's statutory clock today.
func (d *Desk) Clock(r *Request) (Clock, error) {
	return ClockOf(r, d.Calendar, time.Now().In(catalog.Shanghai))
}

// Reveal checks by's right to see the applicant's full numbers and
// records the view; EFORBIDDEN.
func (d *Desk) Reveal(ctx context.Context, r *Request, by catalog.Actor) error {
	if d.MayReveal == nil || !d.MayReveal(by, r.UnitCode) {
		return catalog.Errorf(catalog.EFORBIDDEN, "无权查看申请人的完整证件号码和电话")
	}
	return d.Audit(ctx, by, r.UnitCode, "request", "reveal", r.Number, "查看申请人完整个人信息 "+r.Number, nil, nil)
}

// Register stores a request registered by staff (a letter, a fax, one
// handed in at the counter or online); EINVALID.
func (d *Desk) Register(ctx context.Context, r *Request, by catalog.Actor) error {
	if r.Channel == Kiosk {
		return catalog.Invalid("channel", "申请方式应为当面（counter）、信函（letter）、传真（fax）或网络（online）")
	}
	if err := d.activeUnit(ctx, "unit_code", "受理单位", r.UnitCode); err != nil {
		return err
	}
	return d.Requests.Create(ctx, r, by)
}

// activeUnit refuses a unit that does not exist or ended in a reform.
func (d *Desk) activeUnit(ctx context.Context, field, label, code string) error {
	u, err := d.Units.FindUnit(ctx, code)
	if err != nil {
		return catalog.Invalid(field, "%s“%s”不存在", label, code)
	}
	if u.Retired() {
		return catalog.Invalid(field, "%s“%s”已在机构改革中撤销，其工作由“%s”承接", label, u.Name, u.Successor)
	}
	return nil
}

// Step takes a step of the statutory procedure; a forwarding names a unit
// that exists. EINVALID, ECONFLICT, ENOTFOUND.
func (d *Desk) Step(ctx context.Context, number string, st Step, by catalog.Actor) (*Request, error) {
	if st.Action == ActForward {
		if err := d.activeUnit(ctx, "unit", "承办单位", st.Unit); err != nil {
			return nil, err
		}
	}
	r, err := d.Requests.Find(ctx, number)
	if err != nil {
		return nil, err
	}
	// A step is dated when it happened: not before the step before it, and
	// not more than BackdateDays ago, so the clock cannot be reset by
	// entering a step in the past.
	today := day(time.Now())
	on := today
	if !st.On.IsZero() {
		on = day(st.On)
	}
	if on.Before(today.AddDate(0, 0, -BackdateDays)) {
		return nil, catalog.Invalid("on", "办理日期不能早于%s（%d日前）：期限按实际办理日期计算", today.AddDate(0, 0, -BackdateDays).Format("2006-01-02"), BackdateDays)
	}
	evs, err := d.Requests.Events(ctx, number)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if on.Before(day(e.On)) {
			return nil, catalog.Invalid("on", "办理日期不能早于上一办理步骤“%s”的日期（%s）", e.Name, e.On.Format("2006-01-02"))
		}
	}
	if PapersOf(st.Action) && strings.TrimSpace(st.Via) == "" {
		return nil, catalog.Invalid("via", "请填写告知书的送达方式（如当面交付、邮寄挂号信、电子邮件）")
	}
	// The papers and the letter are signed by the organ answering, in
	// the words the county uses today; they are frozen when issued.
	l, err := d.Letter(ctx, r)
	if err != nil {
		return nil, err
	}
	st.Issuer, st.Remedy = l.Issuer, l.Remedy
	county, err := d.County.County(ctx)
	if err != nil {
		return nil, err
	}
	st.MinCorrectionDays = county.MinCorrectionDays()
	if st.Action == ActFee && st.FeeBasis == FeeByCount {
		if st.Nth, err = d.monthRank(ctx, r); err != nil {
			return nil, err
		}
	}
	return d.Requests.Step(ctx, number, st, by)
}

// Split replaces a request by one per description (一事一申请); ECONFLICT.
func (d *Desk) Split(ctx context.Context, number string, descriptions []string, by catalog.Actor) ([]Request, error) {
	return d.Requests.Split(ctx, number, descriptions, by)
}

// LetterText is a request's answer letter, paragraph by paragraph.
func (d *Desk) LetterText(ctx context.Context, r *Request) ([]string, error) {
	l, err := d.Letter(ctx, r)
	if err != nil {
		return nil, err
	}
	return l.Paragraphs(), nil
}

// Annual is a year's table 三 of the annual report for a unit ("" for the
// county), checked against its identities.
func (d *Desk) Annual(ctx context.Context, year int, unit string) (Report, error) {
	rs, err := d.Requests.FindRequests(ctx, Filter{UnitCode: unit})
	if err != nil {
		return Report{}, err
	}
	if unit != "" {
		// A request counts once, for the unit in whose name it is
		// answered; the department it was forwarded to (交办) prepared
		// the answer but does not count it.
		own := rs[:0]
		for _, r := range rs {
			if r.UnitCode == unit {
				own = append(own, r)
			}
		}
		rs = own
	}
	rep := AnnualReport(rs, year, unit)
	if err := rep.Check(); err != nil {
		return rep, fmt.Errorf("annual report %d %s: %w", year, unit, err)
	}
	return rep, nil
}

// CalendarStore keeps the holiday arrangements (workday/gormstore).
type CalendarStore interface {
	// SaveYear replaces a year's arrangement with its audit entry.
	SaveYear(ctx context.Context, year int, days, before []workday.Day, by catalog.Actor) error
}

// SetCalendarYear stores a year's arrangement, puts it in the calendar the
// statutory clock counts with, and moves every open request's due date with
// it (each move recorded); it returns how many moved.
func (d *Desk) SetCalendarYear(ctx context.Context, year int, days []workday.Day, by catalog.Actor) (int, error) {
	before, _ := d.Calendar.Year(year)
	if err := d.Days.SaveYear(ctx, year, days, before, by); err != nil {
		return 0, err
	}
	if err := d.Calendar.SetYear(year, days); err != nil {
		return 0, err
	}
	return d.Requests.Recompute(ctx, by)
}

// Receipt returns the request for its receipt, and the full name of the
// unit answering it, when token is its receipt token; ENOTFOUND otherwise
// (as for a number never given), ERATELIMIT after repeated wrong guesses.
func (d *Desk) Receipt(ctx context.Context, number, token, ip string) (*Request, string, error) {
	if token == "" {
		return nil, "", catalog.Errorf(catalog.ENOTFOUND, "回执不存在；请用登记号和电话号码后四位查询申请进度")
	}
	r, err := d.FindByProof(ctx, number, "", token, ip)
	if err != nil {
		return nil, "", err
	}
	u, err := d.Units.FindUnit(ctx, r.UnitCode)
	if err != nil {
		return nil, "", err
	}
	return r, u.FullName, nil
}

// Office is the code of the unit that receives applications (the
// county's identity); ENOTFOUND before the county is set up.
func (d *Desk) Office(ctx context.Context) (string, error) {
	c, err := d.County.County(ctx)
	return c.Office, err
}

// CalendarWarning tells the county office, from 1 October, that next
// year's holiday arrangement (which the State Council publishes in the
// autumn) is not entered yet, and at once when this year's is missing;
// "" when there is nothing to do. Until it is entered, due dates that
// reach the year are provisional.
func (d *Desk) CalendarWarning(today time.Time) string {
	today = day(today)
	if y := today.Year(); !d.Calendar.Known(y) {
		return fmt.Sprintf("%d年的法定节假日安排尚未录入：今年所有答复期限都按双休日暂定，请尽快录入国务院办公厅公布的安排。", y)
	}
	if next := today.Year() + 1; today.Month() >= time.October && !d.Calendar.Known(next) {
		return fmt.Sprintf("%d年的法定节假日安排尚未录入：国务院办公厅公布后请及时录入；在此之前，跨入%d年的答复期限按双休日暂定，录入后自动重算。", next, next)
	}
	return ""
}

// CalendarYear is a year's stored arrangement, and whether it is known.
func (d *Desk) CalendarYear(year int) ([]workday.Day, bool) {
	days, err := d.Calendar.Year(year)
	return days, err == nil
}

// monthRank is r's rank among its applicant's applications to the same
// unit received in the same natural month (按件计收 counts them).
func (d *Desk) monthRank(ctx context.Context, r *Request) (int, error) {
	rs, err := d.Requests.FindRequests(ctx, Filter{UnitCode: r.UnitCode, Year: r.ReceivedOn.Year()})
	if err != nil {
		return 0, err
	}
	same := func(x Request) bool {
		if r.Type == Person || x.Type == Person {
			return x.Type == r.Type && x.IDNumber != "" && x.IDNumber == r.IDNumber
		}
		return x.CreditCode != "" && x.CreditCode == r.CreditCode || x.OrgName == r.OrgName
	}
	n := 0
	for _, x := range rs {
		if x.UnitCode != r.UnitCode || x.ReceivedOn.Month() != r.ReceivedOn.Month() || !same(x) {
			continue
		}
		if x.ReceivedOn.Before(r.ReceivedOn) || x.ReceivedOn.Equal(r.ReceivedOn) && x.Number <= r.Number {
			n++
		}
	}
	return n, nil
}

// Notices lists the papers issued for a request.
func (d *Desk) Notices(ctx context.Context, number string) ([]Notice, error) {
	return d.Requests.Notices(ctx, number)
}

// AnnualDoc assembles a unit's whole annual report for a year: its texts,
// table 二 (as entered, or suggested from the catalogue until it is), 三
// and 四, and the fees charged.
func (d *Desk) AnnualDoc(ctx context.Context, year int, unit string) (AnnualDoc, error) {
	u, err := d.Units.FindUnit(ctx, unit)
	if err != nil {
		return AnnualDoc{}, err
	}
	a := AnnualDoc{Year: year, Unit: unit, UnitName: u.FullName}
	if a.Parts, _, err = d.Annuals.AnnualParts(ctx, unit, year); err != nil {
		return a, err
	}
	if !a.Parts.Entered && d.Items != nil && d.Pubs != nil {
		items, err := d.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: unit, IncludeRetired: true})
		if err != nil {
			return a, err
		}
		pubs, err := d.Pubs.FindPublications(ctx, catalog.PubFilter{UnitCode: unit, Statuses: []catalog.PubStatus{catalog.PubPublished, catalog.PubSuperseded, catalog.PubWithdrawn}})
		if err != nil {
			return a, err
		}
		a.Parts.Proactive = ProactiveFrom(items, pubs, year)
	}
	if a.Requests, err = d.Annual(ctx, year, unit); err != nil {
		return a, err
	}
	if a.Reviews, err = d.Reviews.ReviewCounts(ctx, unit, year); err != nil {
		return a, err
	}
	rs, err := d.Requests.FindRequests(ctx, Filter{UnitCode: unit})
	if err != nil {
		return a, err
	}
	for _, r := range rs {
		if r.UnitCode != unit || r.FeeAmount == 0 || r.Outcome == "other_unpaid" {
			continue
		}
		for _, p := range r.Pauses { // paid in the year: the fee pause closed by the payment
			if p.Kind == PauseFee && p.To != nil && p.To.In(catalog.Shanghai).Year() == year {
				a.FeesCharged += r.FeeAmount
			}
		}
	}
	return a, nil
}

// SaveAnnualParts stores what a unit wrote for its report.
func (d *Desk) SaveAnnualParts(ctx context.Context, year int, unit string, p AnnualParts, by catalog.Actor) error {
	if _, err := d.Units.FindUnit(ctx, unit); err != nil {
		return err
	}
	return d.Annuals.SaveAnnualParts(ctx, unit, year, p, by)
}

// AnnualDraft checks a unit's report and puts it as a draft publication in
// its 政府信息公开年报 column, the Word document attached, for the clerk to
// submit and the leader to approve; EINVALID names what is missing.
func (d *Desk) AnnualDraft(ctx context.Context, year int, unit string, by catalog.Actor) (*catalog.Publication, error) {
	a, err := d.AnnualDoc(ctx, year, unit)
	if err != nil {
		return nil, err
	}
	if err := a.Check(); err != nil {
		return nil, err
	}
	if now := time.Now().In(catalog.Shanghai); now.Year() <= year {
		return nil, catalog.Invalid("year", "%d年尚未结束，年度报告在次年1月编制", year)
	}
	items, err := d.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: unit, DomainCode: "ndbg"})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, catalog.Invalid("unit", "本单位目录中没有“政府信息公开年报”栏目，请先在目录中添加")
	}
	for _, it := range items {
		pubs, err := d.Pubs.FindPublications(ctx, catalog.PubFilter{ItemID: it.ID, Statuses: []catalog.PubStatus{catalog.PubDraft, catalog.PubSubmitted,
			catalog.PubScheduled, catalog.PubPublished, catalog.PubTakenDown}, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, p := range pubs {
			if p.Title == a.Title() {
				return nil, catalog.Errorf(catalog.ECONFLICT, "“%s”已在年报栏目中（%s），请在原稿上修改", p.Title, p.StatusName)
			}
		}
	}
	var body strings.Builder
	for _, part := range []struct{ head, text string }{{"一、总体情况", a.Parts.Overview}, {"二、主动公开政府信息情况", "详见附件表格。"},
		{"三、收到和处理政府信息公开申请情况", "详见附件表格。"}, {"四、政府信息公开行政复议、行政诉讼情况", "详见附件表格。"},
		{"五、存在的主要问题及改进情况", a.Parts.Problems}, {"六、其他需要报告的事项", a.OtherText()}} {
		body.WriteString(part.head + "\n" + part.text + "\n\n")
	}
	today := time.Now().In(catalog.Shanghai)
	p := &catalog.Publication{ItemID: items[0].ID, Title: a.Title(), Topic: "综合政务", Body: strings.TrimSpace(body.String()),
		GeneratedOn: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, catalog.Shanghai)}
	if err := d.Pubs.CreatePublication(ctx, p, by); err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	if err := a.DOCX(&doc); err != nil {
		return nil, err
	}
	if err := d.Attach(ctx, p.ID, a.Title()+".docx", &doc, int64(doc.Len()), by); err != nil {
		return nil, err
	}
	return p, nil
}

// AnnualStatus is whether a unit published its report for a year by the
// deadline (31 January of the next year, art. 49).
type AnnualStatus struct {
	Unit        string     `json:"unit"`
	Name        string     `json:"name"`
	PublishedOn *time.Time `json:"published_on,omitempty"`
	Late        bool       `json:"late"`
	Title       string     `json:"title,omitempty"`
}

// AnnualDeadline is the last day to publish a year's report.
func AnnualDeadline(year int) time.Time {
	return time.Date(year+1, 1, 31, 0, 0, 0, 0, catalog.Shanghai)
}

// AnnualStatuses tells, unit by unit, whether the year's report was
// published in its 年报 column, and whether by the deadline: the county
// office's check.
func (d *Desk) AnnualStatuses(ctx context.Context, year int) ([]AnnualStatus, error) {
	us, err := d.Units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	want := strconv.Itoa(year) + "年"
	deadline := AnnualDeadline(year)
	out := make([]AnnualStatus, 0, len(us))
	for _, u := range us {
		s := AnnualStatus{Unit: u.Code, Name: u.Name}
		items, err := d.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code, DomainCode: "ndbg"})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			pubs, err := d.Pubs.FindPublications(ctx, catalog.PubFilter{ItemID: it.ID, Statuses: []catalog.PubStatus{catalog.PubPublished}, Limit: 50})
			if err != nil {
				return nil, err
			}
			for _, p := range pubs {
				if strings.Contains(p.Title, want) && strings.Contains(p.Title, "年度报告") && (s.PublishedOn == nil || p.PublishedOn.Before(*s.PublishedOn)) {
					on := p.PublishedOn
					s.PublishedOn, s.Title = &on, p.Title
				}
			}
		}
		s.Late = s.PublishedOn == nil && time.Now().After(deadline.AddDate(0, 0, 1)) ||
			s.PublishedOn != nil && s.PublishedOn.In(catalog.Shanghai).After(deadline.AddDate(0, 0, 1).Add(-time.Nanosecond))
		out = append(out, s)
	}
	return out, nil
}
