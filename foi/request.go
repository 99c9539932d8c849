package foi

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/catalog"
	"gongkai/workday"
)

// Channel is how a request arrived; it decides its receipt date (art. 31).
type Channel string

// Channels.
const (
	Kiosk   Channel = "kiosk"   // the kiosk at the 受理点: the day it is submitted
	Counter Channel = "counter" // 当面: the day of submission
	Letter  Channel = "letter"  // 信函: the day it is signed for (签收日)
	Fax     Channel = "fax"     // the day both sides confirm it
	Online  Channel = "online"  // the day both sides confirm it
)

// Name is the channel as the answer letter says it.
func (c Channel) Name() string {
	return map[Channel]string{Kiosk: "查询机当面", Counter: "当面", Letter: "信函", Fax: "传真", Online: "网络"}[c]
}

// State is where a request stands.
type State string

// States.
const (
	Registered  State = "registered" // being handled; the clock runs
	Correction  State = "correction" // 待补正: waiting for the corrected application
	Consulting  State = "consulting" // 征求第三方或协办机关意见: the clock is paused
	Forwarded   State = "forwarded"  // 交办: a department prepares the answer
	AwaitingFee State = "fee"        // 待缴费: a fee notice is out; the clock is paused (国办函〔2020〕109号)
	Answered    State = "answered"   // the answer letter is written
	Closed      State = "closed"     // delivered, or ended without an answer
)

// Name is the state in Chinese.
func (s State) Name() string {
	return map[State]string{Registered: "办理中", Correction: "待补正", Consulting: "征求意见中", Forwarded: "已交办",
		Answered: "已答复", Closed: "已办结", AwaitingFee: "待缴费"}[s]
}

// OpenStates are the states of a request that still needs an answer.
var OpenStates = []State{Registered, Correction, Consulting, Forwarded, AwaitingFee}

// Open tells whether the request still needs an answer.
func (s State) Open() bool {
	for _, o := range OpenStates {
		if s == o {
			return true
		}
	}
	return false
}

// Pause is a consultation whose working days do not count (arts. 32–34):
// from the day it was opened until the reply arrived, and never beyond the
// 15 working days the third party (art. 32) or the co-agency (art. 34)
// has from receiving the consultation letter (Delivered).
type Pause struct {
	Kind  string     `json:"kind"` // third_party or agency
	Party string     `json:"party"`
	From  time.Time  `json:"from"`
	To    *time.Time `json:"to,omitempty"`
	// Delivered is the day the consultation letter reached the party
	// (the day it was opened when not recorded).
	Delivered *time.Time `json:"delivered_on,omitempty"`
}

// Limit is the last day of the party's 15 working days, or of the
// applicant's 20 to pay a fee.
func (p Pause) Limit(cal *workday.Calendar) (time.Time, error) {
	from := p.From
	if p.Delivered != nil {
		from = *p.Delivered
	}
	n := ConsultDays
	if p.Kind == PauseFee {
		n = FeeDays
	}
	return cal.Provisional().AddWorkdays(day(from), n)
}

// PauseFee is the kind of the pause from a fee notice to the payment.
const PauseFee = "fee"

// Request is a disclosure request (依申请公开申请).
type Request struct {
	ID     int64  `json:"id"`
	Number string `json:"number"` // registration number, e.g. 2026-00017
	// UnitCode answers the request; ForwardedTo holds the information.
	UnitCode string `json:"unit_code"`
	// UnitNo is its number in UnitCode's own register (依申请〔2026〕3号):
	// each organ numbers the requests it answers; a reassigned request
	// takes the next number of its new unit.
	UnitNo      string `json:"unit_no"`
	ForwardedTo string `json:"forwarded_to,omitempty"`
	Applicant
	Description string    `json:"description"`
	Purpose     string    `json:"purpose"`
	Form        Form      `json:"form"`
	Delivery    string    `json:"delivery"`
	Channel     Channel   `json:"channel"`
	ReceivedOn  time.Time `json:"received_on"`
	// ClockFrom is the day the 20 working days run from: the receipt, or
	// the arrival of the corrected application.
	ClockFrom time.Time `json:"clock_from"`
	State     State     `json:"state"`
	// The one correction notice (补正) and its deadline for the applicant.
	CorrectionSentOn *time.Time `json:"correction_sent_on,omitempty"`
	CorrectionDue    *time.Time `json:"correction_due,omitempty"`
	Pauses           []Pause    `json:"pauses"`
	// ExtensionDays is the one extension (at most 20 working days).
	ExtensionDays   int    `json:"extension_days"`
	ExtensionReason string `json:"extension_reason,omitempty"`
	// DelayedTo is the longer period an agency set under art. 35 for an
	// applicant's unreasonably many requests with reasonable grounds.
	DelayedTo *time.Time `json:"delayed_to,omitempty"`
	// ReasonsOn is when the applicant was asked for the reasons of
	// unreasonably many requests (art. 35).
	ReasonsOn *time.Time `json:"reasons_on,omitempty"`
	// The fee notice's basis (FeeByCount, FeeByPages), its detail and
	// amount in yuan.
	FeeBasis   string  `json:"fee_basis,omitempty"`
	FeeDetail  string  `json:"fee_detail,omitempty"`
	FeeAmount  int     `json:"fee_amount,omitempty"`
	Outcome    Outcome `json:"outcome,omitempty"`
	AnswerText string  `json:"answer_text,omitempty"`
	// LetterNo is the answer letter's number, NO.〔YYYY〕N号 of the unit.
	LetterNo string `json:"letter_no,omitempty"`
	// LetterIssuer and LetterRemedy are the letter's issuing organ and its
	// remedy sentence as they stood when it was decided: a later rename,
	// reform or change of the county's review body leaves them.
	LetterIssuer string     `json:"letter_issuer,omitempty"`
	LetterRemedy string     `json:"letter_remedy,omitempty"`
	DecidedOn    *time.Time `json:"decided_on,omitempty"`
	DeliveredOn  *time.Time `json:"delivered_on,omitempty"`
	DeliveryNote string     `json:"delivery_note,omitempty"`
	// SplitFrom is the number of the request this one was split from.
	SplitFrom string `json:"split_from,omitempty"`
	// ReceiptToken is the unguessable part of the receipt's and the status
	// page's address (the receipt's QR code carries it), so neither can be
	// found by counting numbers; it is the applicant's, never listed.
	ReceiptToken string `json:"-"`
	// SubmitKey is the random key of one application form as the applicant
	// confirmed it: sending it again (the answer was lost on the way) gives
	// the request it already made, not a second one.
	SubmitKey string `json:"-"`
	// MergedInto is the request this one was merged into (合并办理): one of
	// many identical applications from one applicant, answered with it and
	// counted once, as it.
	MergedInto string `json:"merged_into,omitempty"`
	// DueOn is the answer deadline as last computed (for lists); Clock
	// computes it afresh.
	DueOn     time.Time `json:"due_on"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

func day(t time.Time) time.Time {
	y, m, d := t.In(catalog.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
}

// Validate checks a new request received by today; messages name the field.
func (r *Request) Validate() error { return r.ValidateAt(time.Now()) }

// ValidateAt is Validate with today given (the store's clock).
func (r *Request) ValidateAt(today time.Time) error {
	if err := r.Applicant.Validate(); err != nil {
		return err
	}
	r.Description, r.Purpose, r.Delivery = strings.TrimSpace(r.Description), strings.TrimSpace(r.Purpose), strings.TrimSpace(r.Delivery)
	switch {
	case r.Description == "":
		return catalog.Invalid("description", "请写明所需政府信息的名称、文号或者便于查询的特征性描述")
	case utf8.RuneCountInString(r.Description) > 2000:
		return catalog.Invalid("description", "信息描述不能超过2000字")
	case utf8.RuneCountInString(r.Purpose) > 500:
		return catalog.Invalid("purpose", "用途不能超过500字")
	case r.Form.Name() == "":
		return catalog.Invalid("form", "请选择获取信息的方式：纸质、电子邮件、光盘或现场查阅")
	case r.Form == Email && r.Email == "":
		return catalog.Invalid("email", "选择以电子邮件获取时，请填写电子邮箱")
	case r.Channel.Name() == "":
		return catalog.Invalid("channel", "请选择申请方式：当面、信函、传真或网络")
	case r.ReceivedOn.IsZero():
		return catalog.Invalid("received_on", "请填写收到申请的日期")
	}
	r.ReceivedOn = day(r.ReceivedOn)
	if r.ReceivedOn.After(day(today)) {
		return catalog.Invalid("received_on", "收到申请的日期不能晚于今天")
	}
	r.ClockFrom = r.ReceivedOn
	r.State = Registered
	return nil
}

// Statutory periods in working days.
const (
	AnswerDays     = 20 // art. 33
	MaxExtension   = 20 // art. 33
	CorrectionDays = 7  // art. 30: the notice goes out within 7 working days
	ConsultDays    = 15 // arts. 32, 34: the third party's or co-agency's time
	// MaxConsultations bounds the consultations of one request: each
	// excludes up to 15 working days.
	MaxConsultations = 3
	// MaxDelay bounds art. 35's longer period beyond the due date.
	MaxDelay = 60
	// MaxDeliveryDays bounds how long after it was sent a consultation
	// letter may be recorded as delivered (the post within the county).
	MaxDeliveryDays = 5
)

// Clock is a request's statutory clock as of a day.
type Clock struct {
	// Due is the answer deadline; zero while waiting for a correction.
	Due time.Time `json:"due_on"`
	// Left is the working days from today to Due, negative when overdue.
	Left    int  `json:"working_days_left"`
	Overdue bool `json:"overdue"`
	// Paused: a consultation is open and within its 15 working days; Due
	// is then the deadline should no reply come before they run out.
	Paused bool `json:"paused"`
	// ConsultLapsed: an open consultation has run past its 15 working
	// days; the clock runs again and the agency decides (art. 32).
	ConsultLapsed bool `json:"consult_lapsed,omitempty"`
	// FeeLapsed: the applicant's time to pay a fee has run out; the
	// request may be closed as unpaid.
	FeeLapsed bool `json:"fee_lapsed,omitempty"`
	// PauseUntil is the last day of an open consultation's or fee
	// notice's time.
	PauseUntil *time.Time `json:"pause_until,omitempty"`
	// Provisional: Due counts days of a year whose holiday arrangement is
	// not entered yet, by its weekends alone (暂定); entering the year
	// recomputes it.
	Provisional bool `json:"provisional,omitempty"`
	// Explanation says how Due was reached: the holidays, make-up days and
	// pauses that moved it.
	Explanation []string `json:"explanation"`
}

// ClockOf computes the clock of r on today. It never fails for want of a
// year's holiday arrangement: such days are counted by their weekends and
// the clock says it is provisional.
func ClockOf(r *Request, known *workday.Calendar, today time.Time) (Clock, error) {
	cal := known.Provisional()
	today = day(today)
	var c Clock
	if r.State == Correction {
		c.Paused = true
		c.Explanation = append(c.Explanation, fmt.Sprintf("已于%s发出补正通知，补正期限至%s；答复期限自收到补正后的申请之日起重新计算。",
			r.CorrectionSentOn.Format("2006-01-02"), r.CorrectionDue.Format("2006-01-02")))
		return c, nil
	}
	n := AnswerDays + r.ExtensionDays
	paused := 0
	var notes []string
	for _, p := range r.Pauses {
		what := "征求第三方（" + p.Party + "）意见"
		switch p.Kind {
		case "agency":
			what = "征求协办机关（" + p.Party + "）意见"
		case PauseFee:
			what = "收费通知至缴费"
		}
		if p.From.Before(r.ClockFrom) {
			notes = append(notes, fmt.Sprintf("补正前%s的时间不再影响重新起算的期限", what))
			continue
		}
		limit, err := p.Limit(known)
		if err != nil {
			return c, err
		}
		end, tail := limit, ""
		fee := p.Kind == PauseFee
		if p.To == nil {
			until := limit
			c.PauseUntil = &until
		}
		switch {
		case p.To != nil && !day(*p.To).After(limit):
			end, tail = day(*p.To), "至"+p.To.Format("2006-01-02")+"收到意见"
			if fee {
				tail = "至" + p.To.Format("2006-01-02") + "缴费"
			}
		case p.To != nil:
			tail = fmt.Sprintf("，意见于%s才收到，只扣除至15个工作日期满（%s）", p.To.Format("2006-01-02"), limit.Format("2006-01-02"))
			if fee {
				tail = fmt.Sprintf("，缴费期限于%s届满", limit.Format("2006-01-02"))
			}
		case today.After(limit) && fee:
			c.FeeLapsed = true
			tail = fmt.Sprintf("，缴费期限（%s）已过仍未缴费：可按逾期未缴费终止办理", limit.Format("2006-01-02"))
		case today.After(limit):
			c.ConsultLapsed = true
			tail = fmt.Sprintf("，15个工作日期满（%s）仍未收到意见，此后恢复计算答复期限，由本机关依法决定", limit.Format("2006-01-02"))
		case fee:
			c.Paused = r.State == AwaitingFee
			tail = fmt.Sprintf("，尚未缴费；缴费期限至%s（送达后%d个工作日）", limit.Format("2006-01-02"), FeeDays)
		default:
			c.Paused = r.State == Consulting
			tail = fmt.Sprintf("，尚未收到意见；至迟扣除至%s（送达后15个工作日）", limit.Format("2006-01-02"))
		}
		k, err := cal.Between(p.From, end)
		if err != nil {
			return c, err
		}
		k = max(k, 0)
		paused += k
		notes = append(notes, fmt.Sprintf("%s：%s起%s，不计%d个工作日", what, p.From.Format("2006-01-02"), tail, k))
	}
	ex, err := cal.Explain(r.ClockFrom, n+paused)
	if err != nil {
		return c, err
	}
	c.Due = ex.Result
	if r.DelayedTo != nil && r.DelayedTo.After(c.Due) {
		c.Due = day(*r.DelayedTo)
		notes = append(notes, "依据条例第三十五条确定延迟答复期限至"+c.Due.Format("2006-01-02"))
	}
	start := "收到申请"
	if r.CorrectionSentOn != nil {
		start = "收到补正后的申请"
	}
	c.Explanation = append(c.Explanation, fmt.Sprintf("%s之日%s起算20个工作日（当日不计）", start, r.ClockFrom.Format("2006-01-02")))
	if r.ExtensionDays > 0 {
		c.Explanation = append(c.Explanation, fmt.Sprintf("经负责人同意延长%d个工作日：%s", r.ExtensionDays, r.ExtensionReason))
	}
	c.Explanation = append(c.Explanation, notes...)
	c.Explanation = append(c.Explanation, ex.String())
	last := c.Due
	if today.After(last) {
		last = today
	}
	if years := known.Unknown(r.ClockFrom, last); len(years) > 0 {
		c.Provisional = true
		c.Explanation = append(c.Explanation, fmt.Sprintf("%d年的法定节假日安排尚未录入，期限暂按双休日计算（暂定）；录入后自动重新计算", years[0]))
	}
	if r.State.Open() {
		if today.After(c.Due) {
			k, err := cal.Between(c.Due, today)
			if err != nil {
				return c, err
			}
			c.Left, c.Overdue = -k, true
		} else if c.Left, err = cal.Between(today, c.Due); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Step is one action on a request, with what it needs.
type Step struct {
	Action string    `json:"action"`
	On     time.Time `json:"on"` // the day it happened; today when zero
	Note   string    `json:"note"`
	Due    time.Time `json:"due"`   // correct: the applicant's deadline
	Kind   string    `json:"kind"`  // consult: third_party or agency
	Party  string    `json:"party"` // consult: who is consulted
	Unit   string    `json:"unit"`  // forward: the department
	// Delivered, for a consultation, is the day the letter reached the
	// party (the day of the step when zero): its 15 working days run from it.
	Delivered time.Time `json:"delivered_on"`
	Days      int       `json:"days"`    // extend
	Outcome   Outcome   `json:"outcome"` // answer
	Text      string    `json:"text"`    // answer: the clerk's answer
	// Agency and Contact, for an answer under 36(五), name the organ that
	// is responsible for disclosing the information and how to reach it.
	Agency  string `json:"agency"`
	Contact string `json:"contact"`
	Into    string `json:"into"` // merge: the request kept
	// Issuer and Remedy, for an answer, are the letter's organ and remedy
	// sentence as they stand today (the desk fills them).
	Issuer string `json:"-"`
	Remedy string `json:"-"`
	// Via is how the step's papers are delivered (当面交付, 邮寄 …).
	Via string `json:"via"`
	// MinCorrectionDays is the county's shortest correction period in
	// working days (the desk fills it).
	MinCorrectionDays int `json:"-"`
	// FeeBasis and Pages, for a fee notice; Nth is the application's rank
	// among its applicant's in the month (the desk counts it).
	FeeBasis string `json:"fee_basis"`
	Pages    int    `json:"pages"`
	Nth      int    `json:"-"`
}

// Actions, each a transition of the statutory procedure.
const (
	ActCorrect   = "correct"   // send the correction notice (补正通知)
	ActCorrected = "corrected" // the corrected application arrived: the clock restarts
	ActLapse     = "lapse"     // no correction by its deadline: closed (逾期不补正)
	ActConsult   = "consult"   // ask a third party or co-agency: the clock pauses
	ActConsulted = "consulted" // their reply arrived (or their time ran out)
	ActForward   = "forward"   // 交办 to the department that holds the information
	ActReturned  = "returned"  // the department's answer arrived
	ActExtend    = "extend"    // the one extension, with the section head's approval
	ActAnswer    = "answer"    // decide, and write the numbered answer letter
	ActDeliver   = "deliver"   // the letter was sent or handed over: closed
	ActMerge     = "merge"     // one of a flood of identical applications: answered with another
	ActReasons   = "reasons"   // art. 35: ask for the reasons of unreasonably many requests
	ActDelay     = "delay"     // art. 35: reasons accepted, a longer period set
	ActFee       = "fee"       // art. 42: the fee notice; the clock pauses until payment
	ActPaid      = "paid"      // the fee was paid: the clock runs again
	ActUnpaid    = "unpaid"    // not paid in time: closed (视为放弃申请)
	// ActReassign: the county office moves a request addressed to the wrong
	// unit to the one that holds the information (改派), before it is handled.
	ActReassign = "reassign"
)

// Actions lists them for routes and tests.
var Actions = []string{ActCorrect, ActCorrected, ActLapse, ActConsult, ActConsulted, ActForward, ActReturned, ActExtend, ActAnswer, ActDeliver, ActMerge,
	ActReasons, ActDelay, ActFee, ActPaid, ActUnpaid}

// ActionName is an action in Chinese, for the history.
func ActionName(a string) string {
	return map[string]string{ActCorrect: "发出补正通知", ActCorrected: "收到补正申请", ActLapse: "逾期未补正，终止办理", ActConsult: "征求意见",
		ActConsulted: "收到意见", ActForward: "交办", ActReturned: "收到承办单位答复材料", ActExtend: "延期答复", ActAnswer: "作出答复",
		ActDeliver: "送达", ActMerge: "合并办理", "register": "登记", "split": "拆分申请", "recompute": "期限重算",
		ActReasons: "要求说明理由", ActDelay: "确定延迟答复期限", ActFee: "发出收费通知", ActPaid: "申请人已缴费", ActUnpaid: "逾期未缴费，终止办理",
		"transfer": "机构改革划转", ActReassign: "改派受理单位"}[a]
}

// Apply takes step s on r, checking the 条例's conditions; cal counts the
// working days. The letter number of an answer is given by the store.
func Apply(r *Request, s Step, cal *workday.Calendar, today time.Time) error {
	if s.On.IsZero() {
		s.On = today
	}
	on := day(s.On)
	if on.After(day(today)) {
		return catalog.Invalid("on", "日期不能晚于今天")
	}
	if on.Before(r.ReceivedOn) {
		return catalog.Invalid("on", "日期不能早于收到申请之日（%s）", r.ReceivedOn.Format("2006-01-02"))
	}
	conflict := func() error {
		return catalog.Errorf(catalog.ECONFLICT, "申请处于“%s”状态，不能%s", r.State.Name(), ActionName(s.Action))
	}
	if err := s.checkText(); err != nil {
		return err
	}
	// Art. 33's period cannot be stopped once it has run out: no
	// consultation, fee notice or delay opens after the due date.
	notLate := func(what string) error {
		clock, err := ClockOf(r, cal, on)
		if err != nil {
			return err
		}
		if on.After(clock.Due) {
			return catalog.Errorf(catalog.ECONFLICT, "答复期限（%s）已过，不能再%s；请尽快答复", clock.Due.Format("2006-01-02"), what)
		}
		return clock.checkDue()
	}
	switch s.Action {
	case ActCorrect:
		if r.State != Registered {
			return conflict()
		}
		if r.CorrectionSentOn != nil {
			return catalog.Invalid("action", "补正通知只能发出一次，并应一次性告知需要补正的全部事项")
		}
		last, err := cal.Provisional().AddWorkdays(r.ReceivedOn, CorrectionDays)
		if err != nil {
			return err
		}
		if on.After(last) {
			return catalog.Invalid("on", "补正通知应在收到申请之日起7个工作日内发出（截至%s），已超过", last.Format("2006-01-02"))
		}
		if strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "请写明需要补正的全部事项")
		}
		if s.Due.IsZero() || !day(s.Due).After(on) {
			return catalog.Invalid("due", "请给出晚于今天的补正期限")
		}
		due := day(s.Due)
		if s.MinCorrectionDays > 0 {
			least, err := cal.Provisional().AddWorkdays(on, s.MinCorrectionDays)
			if err != nil {
				return err
			}
			if due.Before(least) {
				return catalog.Invalid("due", "补正期限应给予合理时间，本县规定不少于%d个工作日（不早于%s）", s.MinCorrectionDays, least.Format("2006-01-02"))
			}
		}
		r.CorrectionSentOn, r.CorrectionDue, r.State = &on, &due, Correction
	case ActCorrected:
		if r.State != Correction {
			return conflict()
		}
		// Art. 30: the period runs afresh from the corrected application;
		// an earlier extension and consultations stay in the history only.
		if on.After(*r.CorrectionDue) && strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "补正期限（%s）已过：有正当理由的请写明，否则应按逾期未补正终止办理", r.CorrectionDue.Format("2006-01-02"))
		}
		r.ClockFrom, r.State = on, Registered
		r.ExtensionDays, r.ExtensionReason, r.DelayedTo, r.ReasonsOn = 0, "", nil, nil
	case ActLapse:
		if r.State != Correction {
			return conflict()
		}
		if !on.After(*r.CorrectionDue) {
			return catalog.Invalid("on", "补正期限（%s）尚未届满", r.CorrectionDue.Format("2006-01-02"))
		}
		r.State, r.Outcome, r.DecidedOn = Closed, "other_no_correction", &on
	case ActConsult:
		if r.State != Registered && r.State != Forwarded {
			return conflict()
		}
		if s.Kind != "third_party" && s.Kind != "agency" {
			return catalog.Invalid("kind", "请选择征求第三方意见或征求协办机关意见")
		}
		if strings.TrimSpace(s.Party) == "" {
			return catalog.Invalid("party", "请填写被征求意见的第三方或机关")
		}
		if utf8.RuneCountInString(s.Party) > 200 {
			return catalog.Invalid("party", "被征求意见的第三方或机关不超过200字")
		}
		consulted := 0
		for _, p := range r.Pauses {
			if p.Kind != PauseFee && !p.From.Before(r.ClockFrom) {
				consulted++
				if p.Party == strings.TrimSpace(s.Party) {
					return catalog.Invalid("party", "已征求过“%s”的意见，同一对象不再重复征求", p.Party)
				}
			}
		}
		if consulted >= MaxConsultations {
			return catalog.Invalid("party", "一件申请最多征求%d次意见", MaxConsultations)
		}
		if err := notLate("征求意见"); err != nil {
			return err
		}
		delivered := on
		if !s.Delivered.IsZero() {
			delivered = day(s.Delivered)
		}
		latest, err := cal.Provisional().AddWorkdays(on, MaxDeliveryDays)
		if err != nil {
			return err
		}
		if delivered.Before(on) || delivered.After(day(today)) || delivered.After(latest) {
			return catalog.Invalid("delivered_on", "征求意见书送达日期应在发出之日（%s）起%d个工作日内，且不晚于今天", on.Format("2006-01-02"), MaxDeliveryDays)
		}
		r.Pauses = append(r.Pauses, Pause{Kind: s.Kind, Party: strings.TrimSpace(s.Party), From: on, Delivered: &delivered})
		r.State = Consulting
	case ActConsulted:
		if r.State != Consulting {
			return conflict()
		}
		p := &r.Pauses[len(r.Pauses)-1]
		if on.Before(p.From) {
			return catalog.Invalid("on", "收到意见的日期不能早于征求意见之日")
		}
		p.To = &on
		r.State = Registered
		if r.ForwardedTo != "" {
			r.State = Forwarded
		}
	case ActReassign:
		if r.State != Registered || r.ForwardedTo != "" {
			return catalog.Errorf(catalog.ECONFLICT, "只能改派尚未办理（未交办、未征求意见、未答复）的申请")
		}
		if s.Unit == "" || s.Unit == r.UnitCode {
			return catalog.Invalid("unit", "请选择改派到的单位")
		}
		r.UnitCode = s.Unit
	case ActForward:
		if r.State != Registered {
			return conflict()
		}
		if s.Unit == "" || s.Unit == r.UnitCode {
			return catalog.Invalid("unit", "请选择承办单位")
		}
		r.ForwardedTo, r.State = s.Unit, Forwarded
	case ActReturned:
		if r.State != Forwarded {
			return conflict()
		}
		r.State = Registered
	case ActExtend:
		if !r.State.Open() || r.State == Correction {
			return conflict()
		}
		if r.ExtensionDays > 0 {
			return catalog.Invalid("days", "答复期限只能延长一次")
		}
		if s.Days < 1 || s.Days > MaxExtension {
			return catalog.Invalid("days", "延长的期限为1至20个工作日")
		}
		if strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "请写明延期理由")
		}
		clock, err := ClockOf(r, cal, on)
		if err != nil {
			return err
		}
		if on.After(clock.Due) {
			return catalog.Invalid("on", "答复期限（%s）已过，不能再延期", clock.Due.Format("2006-01-02"))
		}
		r.ExtensionDays, r.ExtensionReason = s.Days, strings.TrimSpace(s.Note)
	case ActAnswer:
		if r.State == Consulting {
			// Art. 32: once the party's 15 working days have run out
			// without a reply, the agency decides; the excluded time ends
			// with them.
			p := &r.Pauses[len(r.Pauses)-1]
			limit, err := p.Limit(cal)
			if err != nil {
				return err
			}
			if !on.After(limit) {
				return catalog.Errorf(catalog.ECONFLICT, "征求意见的期限至%s尚未届满；收到意见后先登记“收到意见”再答复", limit.Format("2006-01-02"))
			}
			p.To = &limit
			r.State = Registered
			if r.ForwardedTo != "" {
				r.State = Forwarded
			}
		}
		if r.State != Registered && r.State != Forwarded {
			return conflict()
		}
		info, ok := OutcomeOf(s.Outcome)
		if !ok || s.Outcome == "other_no_correction" {
			return catalog.Invalid("outcome", "请选择办理结果")
		}
		if strings.TrimSpace(s.Text) == "" && (s.Outcome == "already_public" || s.Outcome == "other" || s.Outcome == "partial") {
			return catalog.Invalid("text", "“%s”须写明答复内容（如获取途径、承办机关或理由）", info.Label())
		}
		text := strings.TrimSpace(s.Text)
		if s.Outcome == "unable_not_ours" {
			agency, contact := strings.TrimSpace(s.Agency), strings.TrimSpace(s.Contact)
			if agency == "" {
				return catalog.Invalid("agency", "不属于本机关负责公开的，须写明负责公开该信息的行政机关名称（第三十六条第（五）项）；确实无法确定的，请选择“经检索没有”或“其他”并说明理由")
			}
			if contact == "" {
				return catalog.Invalid("contact", "请写明负责公开该信息的行政机关的联系方式（地址或电话）")
			}
			if utf8.RuneCountInString(agency) > 100 || utf8.RuneCountInString(contact) > 200 {
				return catalog.Invalid("agency", "行政机关名称不超过100字，联系方式不超过200字")
			}
			text = strings.TrimSpace(fmt.Sprintf("负责公开该政府信息的行政机关：%s，联系方式：%s。%s", agency, contact, text))
		}
		r.Outcome, r.AnswerText, r.DecidedOn, r.State = s.Outcome, text, &on, Answered
		r.LetterIssuer, r.LetterRemedy = s.Issuer, s.Remedy
	case ActMerge:
		// The store checks that the request kept is open, of the same unit
		// and not itself merged.
		if !r.State.Open() {
			return conflict()
		}
		into := strings.TrimSpace(s.Into)
		if into == "" || into == r.Number {
			return catalog.Invalid("into", "请填写合并到的申请登记号（另一件申请）")
		}
		if strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "请写明合并理由，如“同一申请人短时间内提交内容相同的申请”")
		}
		r.MergedInto, r.State, r.DecidedOn = into, Closed, &on
	case ActDeliver:
		if r.State != Answered {
			return conflict()
		}
		r.DeliveredOn, r.DeliveryNote, r.State = &on, strings.TrimSpace(s.Note), Closed
	case ActReasons:
		if r.State != Registered && r.State != Forwarded {
			return conflict()
		}
		if strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "请写明需要申请人说明的事项（如申请的数量、频次及用途）")
		}
		if s.Due.IsZero() || !day(s.Due).After(on) {
			return catalog.Invalid("due", "请给出晚于今天的说明期限")
		}
		if r.ReasonsOn != nil {
			return catalog.Invalid("action", "已于%s要求申请人说明理由", r.ReasonsOn.Format("2006-01-02"))
		}
		r.ReasonsOn = &on
	case ActDelay:
		if r.State != Registered && r.State != Forwarded {
			return conflict()
		}
		if strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "请写明无法在法定期限内答复的原因")
		}
		if r.ReasonsOn == nil {
			return catalog.Invalid("action", "延迟答复须先要求申请人说明理由（第三十五条）")
		}
		if r.DelayedTo != nil {
			return catalog.Invalid("due", "延迟答复的期限只能确定一次")
		}
		if err := notLate("确定延迟答复期限"); err != nil {
			return err
		}
		clock, err := ClockOf(r, cal, on)
		if err != nil {
			return err
		}
		latest, err := cal.Provisional().AddWorkdays(clock.Due, MaxDelay)
		if err != nil {
			return err
		}
		to := day(s.Due)
		if s.Due.IsZero() || !to.After(clock.Due) || to.After(latest) {
			return catalog.Invalid("due", "延迟答复的期限应晚于现在的答复期限（%s），且不超过其后%d个工作日（%s）", clock.Due.Format("2006-01-02"), MaxDelay, latest.Format("2006-01-02"))
		}
		if work, err := cal.Provisional().IsWorkday(to); err != nil || !work {
			return catalog.Invalid("due", "延迟答复的期限应为工作日")
		}
		r.DelayedTo = &to
	case ActFee:
		if r.State != Registered && r.State != Forwarded {
			return conflict()
		}
		if r.FeeBasis != "" {
			return catalog.Invalid("fee_basis", "每件申请只发一次收费通知（按件、按量二者择一）")
		}
		if err := notLate("发出收费通知"); err != nil {
			return err
		}
		switch s.FeeBasis {
		case FeeByCount:
			r.FeeAmount, r.FeeDetail = FeeForCount(s.Nth), fmt.Sprintf("本申请为申请人%d年%d月的第%d件申请", r.ReceivedOn.Year(), r.ReceivedOn.Month(), s.Nth)
		case FeeByPages:
			if s.Pages < 1 || s.Pages > 1000000 {
				return catalog.Invalid("pages", "请填写所提供信息的页数")
			}
			r.FeeAmount, r.FeeDetail = FeeForPages(s.Pages), fmt.Sprintf("所提供信息共%d页", s.Pages)
		default:
			return catalog.Invalid("fee_basis", "请选择按件计收或按量计收（二者择一）")
		}
		if r.FeeAmount == 0 {
			return catalog.Invalid("fee_basis", "%s，未达到收费标准（按件：同一申请人一个自然月内超过10件；按量：超过30页），不收费", r.FeeDetail)
		}
		if strings.TrimSpace(s.Note) == "" {
			return catalog.Invalid("note", "请写明缴纳方式（如缴款账户或缴费地点）")
		}
		r.FeeBasis = s.FeeBasis
		delivered := on
		if !s.Delivered.IsZero() {
			delivered = day(s.Delivered)
		}
		latest, err := cal.Provisional().AddWorkdays(on, MaxDeliveryDays)
		if err != nil {
			return err
		}
		if delivered.Before(on) || delivered.After(day(today)) || delivered.After(latest) {
			return catalog.Invalid("delivered_on", "收费通知送达日期应在发出之日（%s）起%d个工作日内，且不晚于今天", on.Format("2006-01-02"), MaxDeliveryDays)
		}
		r.Pauses = append(r.Pauses, Pause{Kind: PauseFee, Party: "申请人缴纳信息处理费", From: on, Delivered: &delivered})
		r.State = AwaitingFee
	case ActPaid, ActUnpaid:
		if r.State != AwaitingFee {
			return conflict()
		}
		p := &r.Pauses[len(r.Pauses)-1]
		if on.Before(p.From) {
			return catalog.Invalid("on", "日期不能早于发出收费通知之日")
		}
		limit, err := p.Limit(cal)
		if err != nil {
			return err
		}
		if s.Action == ActPaid {
			if on.After(limit) {
				return catalog.Invalid("on", "缴费期限（%s）已过，视为放弃申请；请按逾期未缴费终止办理", limit.Format("2006-01-02"))
			}
			p.To = &on
			r.State = Registered
			if r.ForwardedTo != "" {
				r.State = Forwarded
			}
			break
		}
		if !on.After(limit) {
			return catalog.Invalid("on", "缴费期限（%s）尚未届满", limit.Format("2006-01-02"))
		}
		p.To = &limit
		r.State, r.Outcome, r.DecidedOn = Closed, "other_unpaid", &on
	default:
		return catalog.Invalid("action", "未知的办理步骤“%s”", s.Action)
	}
	return nil
}

// Event is one entry of a request's history.
type Event struct {
	Action string    `json:"action"`
	Name   string    `json:"name"`
	On     time.Time `json:"on"`
	Note   string    `json:"note"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Filter selects requests.
type Filter struct {
	UnitCode string // handling or forwarded-to unit; "" for all
	Open     bool
	Year     int // received in this year
	Limit    int
	// After continues the list (newest received first) after this
	// request: its receipt day and id.
	After *catalog.Cursor
	// SubmitKey finds the request made by one confirmed form.
	SubmitKey string
	// ByDue lists the nearest deadline first (those without one before
	// all), then newest received first.
	ByDue bool
	// Sealed leaves the applicants' ID numbers and phones sealed (empty in
	// the requests): a reader that never shows them — the inspection reads
	// a whole province's — does not unseal them.
	Sealed bool
	// ActiveFrom and ActiveTo, when ActiveTo is set, keep the requests
	// that were before a unit at some day between them: received by
	// ActiveTo and not decided before ActiveFrom. An inspection reads its
	// quarters' requests, not the province's of every year.
	ActiveFrom, ActiveTo time.Time
}

// Service keeps requests.
type Service interface {
	// Create registers a request (and each split part) and gives it its
	// number in the same transaction; EINVALID.
	Create(ctx context.Context, r *Request, by catalog.Actor) error
	// Find returns a request by number; ENOTFOUND.
	Find(ctx context.Context, number string) (*Request, error)
	// FindRequests lists requests, newest first.
	FindRequests(ctx context.Context, f Filter) ([]Request, error)
	// Notices lists the papers issued for a request, in order.
	Notices(ctx context.Context, number string) ([]Notice, error)
	// Events lists a request's history, oldest first.
	Events(ctx context.Context, number string) ([]Event, error)
	// Step applies a step with Apply and stores the result; an answer gets
	// its letter number; ECONFLICT, EINVALID, ENOTFOUND.
	Step(ctx context.Context, number string, s Step, by catalog.Actor) (*Request, error)
	// Step's merge also refuses (EINVALID) a request kept that does not
	// exist, is closed, is another unit's or is itself merged.
	// Split replaces a registered request by one per description, each
	// with its own number and the same receipt date; ECONFLICT.
	Split(ctx context.Context, number string, descriptions []string, by catalog.Actor) ([]Request, error)
	// Recompute recomputes the due dates of open requests after a
	// calendar change and records each change; it returns how many moved.
	Recompute(ctx context.Context, by catalog.Actor) (int, error)
}

// PublicStatus is what the public status lookup shows: nothing personal
// but the masked name.
type PublicStatus struct {
	Number string `json:"number"`
	// Unit is the organ that answers it (after a reassignment, the new one).
	Unit       string `json:"unit,omitempty"`
	Applicant  string `json:"applicant"`
	ReceivedOn string `json:"received_on"`
	State      string `json:"state"`
	DueOn      string `json:"due_on,omitempty"`
	Paused     bool   `json:"paused"`
	// Provisional: the due date counts a year whose holidays are not
	// published yet (暂定).
	Provisional bool     `json:"provisional,omitempty"`
	Outcome     string   `json:"outcome,omitempty"`
	LetterNo    string   `json:"letter_no,omitempty"`
	Letter      []string `json:"letter,omitempty"`
	// Papers are those the applicant was sent (补正, 延期, 征求意见告知,
	// 说明理由, 延迟答复, 收费), as printed, the name masked.
	Papers []Notice `json:"papers,omitempty"`
}

// checkDue is nil: a clock's due date is known (not waiting for a
// correction).
func (c Clock) checkDue() error {
	if c.Due.IsZero() {
		return catalog.Errorf(catalog.ECONFLICT, "申请正等待补正，期限尚未起算")
	}
	return nil
}

// checkText refuses a step's text with control or invisible characters,
// or longer than a paper holds.
func (s Step) checkText() error {
	for _, f := range []struct {
		field, label, v string
		max             int
		lines           bool
	}{{"note", "说明", s.Note, 2000, true}, {"text", "答复内容", s.Text, 10000, true}, {"party", "征求意见对象", s.Party, 200, false},
		{"via", "送达方式", s.Via, 100, false}, {"agency", "负责公开的行政机关", s.Agency, 100, false}, {"contact", "联系方式", s.Contact, 200, false},
		{"unit", "承办单位", s.Unit, 40, false}, {"into", "并入的申请", s.Into, 40, false}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return catalog.Invalid(f.field, "%s不超过%d字", f.label, f.max)
		}
		check := catalog.CheckLine
		if f.lines {
			check = catalog.CheckText
		}
		if err := check(f.field, f.label, f.v); err != nil {
			return err
		}
	}
	return nil
}
