package admin

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/rbac"
	"gongkai/web"
	"gongkai/workday"
)

// RequestAdmin is what the back office does with disclosure requests; the
// server checks rights beyond the route's and audits.
type RequestAdmin interface {
	// List lists a unit's requests ("" for all), newest first.
	List(ctx context.Context, unit string) ([]foi.Request, error)
	// Pending lists a unit's open requests ("" for all), soonest due
	// first, at most limit.
	Pending(ctx context.Context, unit string, limit int) ([]foi.Request, error)
	// Office is the unit that receives applications.
	Office(ctx context.Context) (string, error)
	// Find returns a request; ENOTFOUND.
	Find(ctx context.Context, number string) (*foi.Request, error)
	Events(ctx context.Context, number string) ([]foi.Event, error)
	Clock(r *foi.Request) (foi.Clock, error)
	// Reveal checks by's right to see the full numbers and audits the
	// view; EFORBIDDEN.
	Reveal(ctx context.Context, r *foi.Request, by catalog.Actor) error
	// Register stores a request registered by staff; EINVALID.
	Register(ctx context.Context, r *foi.Request, by catalog.Actor) error
	// Step takes a step of the statutory procedure; EINVALID, ECONFLICT.
	Step(ctx context.Context, number string, s foi.Step, by catalog.Actor) (*foi.Request, error)
	// Split replaces a request by one per description (一事一申请).
	Split(ctx context.Context, number string, descriptions []string, by catalog.Actor) ([]foi.Request, error)
	// Notices lists the papers issued for a request.
	Notices(ctx context.Context, number string) ([]foi.Notice, error)
	// LetterText is the answer letter, paragraph by paragraph.
	LetterText(ctx context.Context, r *foi.Request) ([]string, error)
	Annual(ctx context.Context, year int, unit string) (foi.Report, error)
	// ReviewCounts is the table 四 entered by staff ("" for the county);
	// SaveReviewCounts stores a unit's; EINVALID.
	ReviewCounts(ctx context.Context, unit string, year int) (foi.ReviewCounts, error)
	SaveReviewCounts(ctx context.Context, unit string, year int, counts foi.ReviewCounts, by catalog.Actor) error
	// SetCalendarYear stores a year's holiday arrangement and recomputes
	// the open requests' due dates (how many moved); CalendarYear reads
	// one; CalendarWarning says when the next is due and missing.
	SetCalendarYear(ctx context.Context, year int, days []workday.Day, by catalog.Actor) (int, error)
	CalendarYear(year int) ([]workday.Day, bool)
	CalendarWarning(today time.Time) string
	// The whole annual report: AnnualDoc assembles it, SaveAnnualParts
	// keeps what the unit writes, AnnualDraft puts it in its 年报 column,
	// AnnualStatuses tells who published by 31 January.
	AnnualDoc(ctx context.Context, year int, unit string) (foi.AnnualDoc, error)
	SaveAnnualParts(ctx context.Context, year int, unit string, p foi.AnnualParts, by catalog.Actor) error
	AnnualDraft(ctx context.Context, year int, unit string, by catalog.Actor) (*catalog.Publication, error)
	AnnualStatuses(ctx context.Context, year int) ([]foi.AnnualStatus, error)
}

type requestRow struct {
	R     foi.Request
	Clock foi.Clock
	// Same is the first other open request with the same applicant and
	// description: a likely flood or repeat, to be merged.
	Same string
	// UnitName is the answering unit's name, shown where the list spans
	// units.
	UnitName string
}

// sameKey groups open requests of one applicant asking the same thing.
func sameKey(r foi.Request) string {
	return r.Display() + "\x00" + strings.Join(strings.Fields(r.Description), "")
}

type requestsPage struct {
	Unit, UnitName         string
	DueSoon, Overdue, Wait []requestRow
	Open, Done             []requestRow
	Year                   int
}

func (h handler) handleRequests(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	unit := strings.Clone(c.Query("unit"))
	rs, err := h.Requests.List(c.UserContext(), unit)
	if err != nil {
		return err
	}
	us, err := h.Units.FindUnits(c.UserContext())
	if err != nil {
		return err
	}
	names := make(map[string]string, len(us))
	for _, u := range us {
		names[u.Code] = u.Name
	}
	p := requestsPage{Unit: unit, UnitName: names[unit], Year: h.now().Year()}
	// The oldest open request of each applicant and description.
	first := map[string]foi.Request{}
	for _, r := range rs {
		if f, ok := first[sameKey(r)]; r.State.Open() && (!ok || r.ReceivedOn.Before(f.ReceivedOn) || r.ReceivedOn.Equal(f.ReceivedOn) && r.Number < f.Number) {
			first[sameKey(r)] = r
		}
	}
	for _, r := range rs {
		cl, err := h.Requests.Clock(&r)
		if err != nil {
			return err
		}
		row := requestRow{R: r, Clock: cl}
		if unit == "" || r.UnitCode != unit {
			row.UnitName = names[r.UnitCode]
		}
		if f, ok := first[sameKey(r)]; ok && r.State.Open() && f.Number != r.Number {
			row.Same = f.Number
		}
		switch {
		case !r.State.Open():
			if len(p.Done) < 50 {
				p.Done = append(p.Done, row)
			}
			continue
		case cl.Overdue:
			p.Overdue = append(p.Overdue, row)
		case !cl.Paused && cl.Left <= 3:
			p.DueSoon = append(p.DueSoon, row)
		}
		if r.State == foi.Correction || r.State == foi.Consulting || r.State == foi.Forwarded || r.State == foi.AwaitingFee {
			p.Wait = append(p.Wait, row)
		}
		p.Open = append(p.Open, row)
	}
	sort.SliceStable(p.Open, func(i, j int) bool { return p.Open[i].R.DueOn.Before(p.Open[j].R.DueOn) })
	return render(c, 200, "requests.html", page{Title: "依申请公开", Me: m, Flash: map[string]string{"registered": "申请已登记。"}[c.Query("flash")], Data: p})
}

type requestPage struct {
	R        foi.Request
	Clock    foi.Clock
	Events   []foi.Event
	Revealed bool
	Outcomes []foi.OutcomeInfo
	Units    []catalog.Unit
	Letter   []string
	Notices  []foi.Notice
	Today    string
	// Reassign: the county office may move the request to another unit.
	Reassign bool
	// The answering unit's name and the unit it was forwarded to.
	UnitName, ForwardedName string
}

func (h handler) requestPage(c *fiber.Ctx, number string, reveal bool) (requestPage, error) {
	r, err := h.Requests.Find(c.UserContext(), number)
	if err != nil {
		return requestPage{}, err
	}
	if reveal {
		if err := h.Requests.Reveal(c.UserContext(), r, web.Actor(c)); err != nil {
			return requestPage{}, err
		}
	} else {
		r.IDNumber, r.Phone = foi.MaskID(r.IDNumber), foi.MaskPhone(r.Phone)
	}
	p := requestPage{R: *r, Revealed: reveal, Outcomes: foi.Outcomes, Today: h.now().In(catalog.Shanghai).Format("2006-01-02")}
	if p.Clock, err = h.Requests.Clock(r); err != nil {
		return p, err
	}
	if p.Events, err = h.Requests.Events(c.UserContext(), number); err != nil {
		return p, err
	}
	if p.Notices, err = h.Requests.Notices(c.UserContext(), number); err != nil {
		return p, err
	}
	if p.Units, err = h.Units.FindUnits(c.UserContext()); err != nil {
		return p, err
	}
	p.UnitName, p.ForwardedName = r.UnitCode, r.ForwardedTo
	for _, u := range p.Units {
		switch u.Code {
		case r.UnitCode:
			p.UnitName = u.FullName
		case r.ForwardedTo:
			p.ForwardedName = u.FullName
		}
	}
	if m, err := h.current(c); err == nil && m != nil && r.State == foi.Registered && r.ForwardedTo == "" {
		if office, err := h.Requests.Office(c.UserContext()); err == nil {
			p.Reassign = h.can(m, office, rbac.ObjRequest, rbac.ActWrite)
		}
	}
	if r.LetterNo != "" {
		if p.Letter, err = h.Requests.LetterText(c.UserContext(), r); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h handler) handleRequest(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.requestPage(c, c.Params("number"), c.Query("reveal") == "1")
	if err != nil {
		return err
	}
	return render(c, 200, "request.html", page{Title: "申请 " + p.R.Number, Me: m, Flash: map[string]string{"done": "已办理。"}[c.Query("flash")], Data: p})
}

func (h handler) handleRequestLetter(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.requestPage(c, c.Params("number"), false)
	if err != nil {
		return err
	}
	if p.Letter == nil {
		return catalog.Errorf(catalog.ENOTFOUND, "该申请尚未答复")
	}
	return render(c, 200, "letter.html", page{Title: "答复书 " + p.R.LetterNo, Me: m, Data: p})
}

// handleRequestNotice prints one of the papers the procedure issued.
func (h handler) handleRequestNotice(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ns, err := h.Requests.Notices(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.ID == id {
			return render(c, 200, "notice.html", page{Title: n.Title + " " + n.No, Me: m, Data: n})
		}
	}
	return catalog.Errorf(catalog.ENOTFOUND, "没有这份告知书")
}

func formDay(c *fiber.Ctx, field, label string) (time.Time, error) {
	v := strings.TrimSpace(c.FormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	return catalog.ParseDay(field, label, v)
}

func (h handler) handleRequestStep(c *fiber.Ctx) error {
	return h.requestStep(c, strings.Clone(c.Params("action")))
}

// handleRequestReassign is the county office's 改派 (a route of its own, so
// that only county-wide rights reach it).
func (h handler) handleRequestReassign(c *fiber.Ctx) error { return h.requestStep(c, foi.ActReassign) }

func (h handler) requestStep(c *fiber.Ctx, action string) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	number := strings.Clone(c.Params("number"))
	st := foi.Step{Action: action, Note: c.FormValue("note"), Kind: c.FormValue("kind"), Party: c.FormValue("party"),
		Unit: strings.Clone(c.FormValue("unit")), Outcome: foi.Outcome(c.FormValue("outcome")), Text: c.FormValue("text"),
		Into: strings.TrimSpace(c.FormValue("into")), Agency: c.FormValue("agency"), Contact: c.FormValue("contact"), Via: c.FormValue("via"),
		FeeBasis: c.FormValue("fee_basis")}
	st.Days, _ = strconv.Atoi(c.FormValue("days"))
	st.Pages, _ = strconv.Atoi(c.FormValue("pages"))
	if st.On, err = formDay(c, "on", "办理日期"); err == nil {
		st.Due, err = formDay(c, "due", "期限")
	}
	if err == nil {
		st.Delivered, err = formDay(c, "delivered_on", "征求意见书送达日期")
	}
	if err == nil && st.Action == "split" {
		_, err = h.Requests.Split(c.UserContext(), number, strings.Split(c.FormValue("descriptions"), "\n"), web.Actor(c))
	} else if err == nil {
		_, err = h.Requests.Step(c.UserContext(), number, st, web.Actor(c))
	}
	if err != nil {
		_, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		p, perr := h.requestPage(c, number, false)
		if perr != nil {
			return perr
		}
		return render(c, fiber.StatusBadRequest, "request.html", page{Title: "申请 " + number, Me: m, Error: msg, Data: p})
	}
	return c.Redirect("/admin/requests/"+number+"?flash=done", fiber.StatusSeeOther)
}

type registerPage struct {
	Unit  string
	In    map[string]string
	Today string
}

func (h handler) handleRequestNew(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	unit := strings.Clone(c.Query("unit"))
	return render(c, 200, "request_new.html", page{Title: "登记申请", Me: m, Data: registerPage{Unit: unit,
		In: map[string]string{"applicant_type": "person", "id_type": "resident_id", "form": "paper", "channel": "letter"}, Today: h.now().Format("2006-01-02")}})
}

func (h handler) handleRequestRegister(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	in := map[string]string{}
	for _, k := range []string{"unit", "applicant_type", "name", "org_name", "legal_rep", "id_type", "id_number", "credit_code", "address", "phone", "email",
		"description", "purpose", "form", "delivery", "channel", "received_on"} {
		in[k] = strings.Clone(c.FormValue(k))
	}
	r := foi.Request{UnitCode: in["unit"], Applicant: foi.Applicant{Type: foi.ApplicantType(in["applicant_type"]), Name: in["name"], OrgName: in["org_name"],
		LegalRep: in["legal_rep"], IDType: foi.IDType(in["id_type"]), IDNumber: in["id_number"], CreditCode: in["credit_code"], Address: in["address"],
		Phone: in["phone"], Email: in["email"]}, Description: in["description"], Purpose: in["purpose"], Form: foi.Form(in["form"]),
		Delivery: in["delivery"], Channel: foi.Channel(in["channel"])}
	if r.UnitCode == "" {
		if r.UnitCode, err = h.Requests.Office(c.UserContext()); err != nil {
			return err
		}
	}
	if r.ReceivedOn, err = formDay(c, "received_on", "收到申请的日期"); err == nil {
		err = h.Requests.Register(c.UserContext(), &r, web.Actor(c))
	}
	if err != nil {
		_, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		return render(c, fiber.StatusBadRequest, "request_new.html", page{Title: "登记申请", Me: m, Error: msg,
			Data: registerPage{Unit: in["unit"], In: in, Today: h.now().Format("2006-01-02")}})
	}
	return c.Redirect("/admin/requests/"+r.Number+"?flash=done", fiber.StatusSeeOther)
}

type annualPage struct {
	Report   foi.Report
	Unit     string
	Columns  []string
	CheckErr string
	Reviews  foi.ReviewCounts
	Blocks   []reviewBlock
	// Doc is the unit's whole report and Missing what keeps it from being
	// published; Statuses, for the county, who published by 31 January.
	Doc      foi.AnnualDoc
	Missing  string
	Statuses []foi.AnnualStatus
	Deadline time.Time
}

type reviewBlock struct {
	Name, Field string
	Counts      [4]int
	Total       int
}

func (h handler) handleAnnual(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	year := c.QueryInt("year", h.now().Year())
	unit := strings.Clone(c.Query("unit"))
	return h.annual(c, m, year, unit, 200, map[string]string{"saved": "已保存。"}[c.Query("flash")], "", nil)
}

// annual renders the year's report page; kept, when not nil, is a unit's
// refused input, shown again with the message.
func (h handler) annual(c *fiber.Ctx, m *me, year int, unit string, status int, flash, msg string, kept *foi.AnnualParts) error {
	rep, err := h.Requests.Annual(c.UserContext(), year, unit)
	if err != nil {
		return err
	}
	p := annualPage{Report: rep, Unit: unit, Columns: []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}}
	if err := rep.Check(); err != nil {
		p.CheckErr = err.Error()
	}
	if p.Reviews, err = h.Requests.ReviewCounts(c.UserContext(), unit, year); err != nil {
		return err
	}
	p.Blocks = blocks(p.Reviews)
	p.Deadline = foi.AnnualDeadline(year)
	if unit != "" {
		if p.Doc, err = h.Requests.AnnualDoc(c.UserContext(), year, unit); err != nil {
			return err
		}
		if err := p.Doc.Check(); err != nil {
			p.Missing = catalog.ErrorMessage(err)
		}
		if kept != nil {
			p.Doc.Parts = *kept
		}
	} else if m.County {
		if p.Statuses, err = h.Requests.AnnualStatuses(c.UserContext(), year); err != nil {
			return err
		}
	}
	return render(c, status, "annual.html", page{Title: strconv.Itoa(year) + "年政府信息公开工作年度报告", Me: m, Flash: flash, Error: msg, Data: p})
}

func blocks(r foi.ReviewCounts) []reviewBlock {
	return []reviewBlock{{"行政复议", "review", r.Review, foi.Total(r.Review)}, {"行政诉讼：未经复议直接起诉", "direct", r.SuitDirect, foi.Total(r.SuitDirect)},
		{"行政诉讼：复议后起诉", "after", r.SuitAfterReview, foi.Total(r.SuitAfterReview)}}
}

func (h handler) handleReviewCounts(c *fiber.Ctx) error {
	unit, year, err := formUnitYear(c)
	if err != nil {
		return err
	}
	var rc foi.ReviewCounts
	for _, b := range []struct {
		field string
		to    *[4]int
	}{{"review", &rc.Review}, {"direct", &rc.SuitDirect}, {"after", &rc.SuitAfterReview}} {
		for i := 0; i < 4; i++ {
			v := strings.TrimSpace(c.FormValue(b.field + strconv.Itoa(i)))
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return catalog.Invalid("reviews", "“%s %s”应为整数", b.field, foi.ReviewColumns[i])
			}
			b.to[i] = n
		}
	}
	if err := h.Requests.SaveReviewCounts(c.UserContext(), unit, year, rc, web.Actor(c)); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/reports/annual?year=%d&unit=%s&flash=saved", year, unit), fiber.StatusSeeOther)
}

// handleAnnualParts saves what a unit writes for its annual report: 一, 五,
// 六 and the checked table 二.
func (h handler) handleAnnualParts(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	unit, year, err := formUnitYear(c)
	if err != nil {
		return err
	}
	p := foi.AnnualParts{AnnualTexts: foi.AnnualTexts{Overview: c.FormValue("overview"), Problems: c.FormValue("problems"), Other: c.FormValue("other")},
		Entered: true}
	refuse := func(err error) error {
		if _, msg, ok := fieldError(err); ok {
			return h.annual(c, m, year, unit, fiber.StatusBadRequest, "", msg, &p)
		}
		return err
	}
	q := &p.Proactive
	for _, f := range []struct {
		key, label string
		to         *int
	}{{"rules_made", "规章本年制发件数", &q.RulesMade}, {"rules_repealed", "规章本年废止件数", &q.RulesRepealed}, {"rules_in_force", "规章现行有效件数", &q.RulesInForce},
		{"norms_made", "行政规范性文件本年制发件数", &q.NormsMade}, {"norms_repealed", "行政规范性文件本年废止件数", &q.NormsRepealed},
		{"norms_in_force", "行政规范性文件现行有效件数", &q.NormsInForce}, {"licensing", "行政许可处理决定数量", &q.Licensing},
		{"penalty", "行政处罚处理决定数量", &q.Penalty}, {"enforcement", "行政强制处理决定数量", &q.Enforcement}} {
		if v := strings.TrimSpace(c.FormValue(f.key)); v != "" {
			if *f.to, err = strconv.Atoi(v); err != nil {
				return refuse(catalog.Invalid(f.key, "“%s”应为整数", f.label))
			}
		}
	}
	if v := strings.TrimSpace(c.FormValue("fees_wan")); v != "" {
		if q.FeesWan, err = strconv.ParseFloat(v, 64); err != nil {
			return refuse(catalog.Invalid("fees_wan", "行政事业性收费金额应为数字（万元）"))
		}
	}
	if err := h.Requests.SaveAnnualParts(c.UserContext(), year, unit, p, web.Actor(c)); err != nil {
		return refuse(err)
	}
	return c.Redirect(fmt.Sprintf("/admin/reports/annual?year=%d&unit=%s&flash=saved", year, url.QueryEscape(unit)), fiber.StatusSeeOther)
}

// handleAnnualDraft puts the checked report in the unit's 年报 column.
func (h handler) handleAnnualDraft(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	unit, year, err := formUnitYear(c)
	if err != nil {
		return err
	}
	p, err := h.Requests.AnnualDraft(c.UserContext(), year, unit, web.Actor(c))
	if err != nil {
		if _, msg, ok := fieldError(err); ok {
			return h.annual(c, m, year, unit, fiber.StatusBadRequest, "", msg, nil)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=drafted", p.ID), fiber.StatusSeeOther)
}

// formUnitYear reads the unit and year an annual report form is for.
func formUnitYear(c *fiber.Ctx) (string, int, error) {
	unit := strings.Clone(c.FormValue("unit"))
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil || unit == "" {
		return "", 0, catalog.Invalid("year", "请选择单位和年份")
	}
	return unit, year, nil
}
