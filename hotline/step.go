package hotline

import (
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/catalog"
	"gongkai/workday"
)

// Rules are a county's limits, in working days on the statutory calendar
// (the start day not counted). Defaults are 旌德县's (the seed's 政民互动
// 办理要求): claim within a day, 一般咨询 answered in 1 working day and
// 投诉意见 in 3, one extension of at most 5.
type Rules struct {
	// ClaimDays: a dispatched order is claimed or sent back within them
	// (the rubric deducts 2 for an order unclaimed over a day).
	ClaimDays int `json:"claim_days"`
	// Limits: the days to reply, by category, from the claim.
	Limits map[Category]int `json:"limits"`
	// MaxExtension: the one extension's most days.
	MaxExtension int `json:"max_extension"`
	// RemindAfter: a 催办 goes out this many working days after a missed
	// deadline (1: the next working day); SuperviseAfter: a 督办.
	RemindAfter    int `json:"remind_after"`
	SuperviseAfter int `json:"supervise_after"`
	// SatisfactionTarget is the rubric's satisfaction line, in percent.
	SatisfactionTarget int `json:"satisfaction_target"`
}

// DefaultRules are 旌德县's.
func DefaultRules() Rules {
	return Rules{ClaimDays: 1, Limits: map[Category]int{Consult: 1, Complaint: 3, Help: 3, Suggestion: 3, Report: 3, Praise: 1},
		MaxExtension: 5, RemindAfter: 1, SuperviseAfter: 5, SatisfactionTarget: 90}
}

// Validate checks rules a county sets.
func (r *Rules) Validate() error {
	if r.ClaimDays < 1 || r.ClaimDays > 10 {
		return catalog.Invalid("claim_days", "认领时限应为1至10个工作日")
	}
	for _, c := range Categories {
		if n := r.Limits[c]; n < 1 || n > 60 {
			return catalog.Invalid("limits", "%s类诉求的办理时限应为1至60个工作日", c.Name())
		}
	}
	if r.MaxExtension < 0 || r.MaxExtension > 30 {
		return catalog.Invalid("max_extension", "延期最多0至30个工作日")
	}
	if r.RemindAfter < 1 || r.SuperviseAfter <= r.RemindAfter || r.SuperviseAfter > 30 {
		return catalog.Invalid("supervise_after", "催办应在逾期后至少1个工作日，督办在催办之后、30个工作日以内")
	}
	if r.SatisfactionTarget < 50 || r.SatisfactionTarget > 100 {
		return catalog.Invalid("satisfaction_target", "满意度目标应为50%%至100%%")
	}
	return nil
}

// Actions on an order (the API's {action}).
const (
	ActDirect    = "direct"    // 直办: the operator answers from the knowledge base
	ActTransfer  = "transfer"  // 转办 to a unit
	ActReturn    = "return"    // 申退: the unit sends it back, with its reason
	ActClaim     = "claim"     // 认领
	ActReply     = "reply"     // 答复, under the unit head's check
	ActRedo      = "redo"      // 退回重办: the county office returns the reply
	ActClose     = "close"     // 办结
	ActCallback  = "callback"  // 回访
	ActRemind    = "remind"    // 催办
	ActSupervise = "supervise" // 督办
	ActExtend    = "extend"    // 延期, approved by the county office
	ActLeak      = "leak"      // the county office finds the unit leaked the caller's identity (保密要求)
	ActWithhold  = "withhold"  // the county office takes a closed message off public pages
)

// Actions lists every action.
var Actions = []string{ActDirect, ActTransfer, ActReturn, ActClaim, ActReply, ActRedo, ActClose, ActCallback, ActRemind, ActSupervise, ActExtend, ActLeak, ActWithhold}

// ActionName is an action in Chinese.
func ActionName(a string) string {
	return map[string]string{"receive": "受理", ActDirect: "直办", ActTransfer: "转办", ActReturn: "申退", ActClaim: "认领", ActReply: "答复",
		ActRedo: "退回重办", ActClose: "办结", ActCallback: "回访", ActRemind: "催办", ActSupervise: "督办", ActExtend: "延期", ActLeak: "泄露来电人信息", ActWithhold: "不予公开"}[a]
}

// ByUnit tells whether the handling unit takes the action (the others are
// the county office's: the operator's desk and its checks).
func ByUnit(action string) bool {
	return action == ActReturn || action == ActClaim || action == ActReply
}

// ByHead tells whether the action needs the unit head's right: a reply
// goes out checked by its unit's head (the rubric deducts 2 for one that
// was not).
func ByHead(action string) bool { return action == ActReply }

// Step is one action with what it needs.
type Step struct {
	Action string `json:"-"`
	// Unit: transfer's target; leak's unit when the order has left it.
	Unit string `json:"unit,omitempty"`
	// Text: the reply, or the direct answer.
	Text string `json:"text,omitempty"`
	// Reason: return, redo, extend; a note for remind and supervise.
	Reason string `json:"reason,omitempty"`
	// Days: extend.
	Days int `json:"days,omitempty"`
	// Untrue: redo, because the reply was not true (回复意见不真实).
	Untrue bool `json:"untrue,omitempty"`
	// Result: callback.
	Result Callback `json:"result,omitempty"`
	// KnowledgeID: direct, the knowledge-base entry the answer cites.
	KnowledgeID int64 `json:"knowledge_id,omitempty"`
	// Withhold: close or direct, keeping off public pages a message its
	// caller agreed to publish (it names others, say).
	Withhold bool `json:"withhold,omitempty"`
	// AsUnit is the unit whose right a unit's step (ByUnit) was checked
	// for: the store refuses the step if the order is no longer there.
	AsUnit string `json:"-"`
}

// Day is t's calendar day in Shanghai, at midnight.
func Day(t time.Time) time.Time {
	y, m, d := t.In(catalog.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
}

// late tells whether now is past the end of due's day.
func late(due *time.Time, now time.Time) bool {
	return due != nil && Day(now).After(Day(*due))
}

// perfunctory are the replies the seed forbids as too simple
// (杜绝"正在联系处理中""已前去执法""将现场核实""已解释"等过于简单敷衍的反馈内容).
var perfunctory = []string{"正在联系处理中", "正在处理中", "已前去执法", "将现场核实", "已解释", "已处理", "已转交"}

func checkReply(text string) error {
	t := strings.Trim(strings.TrimSpace(text), "。.！!")
	if t == "" {
		return catalog.Invalid("text", "请填写答复内容")
	}
	if utf8.RuneCountInString(text) > MaxReply {
		return catalog.Invalid("text", "答复内容不超过%d个字", MaxReply)
	}
	for _, p := range perfunctory {
		if t == p {
			return catalog.Invalid("text", "答复“%s”过于简单：请写明核实的情况、处理的结果和依据", t)
		}
	}
	if utf8.RuneCountInString(t) < 15 {
		return catalog.Invalid("text", "答复内容过于简单：请写明核实的情况、处理的结果和依据（至少15个字）")
	}
	return nil
}

func needReason(reason, what string) error {
	if strings.TrimSpace(reason) == "" {
		return catalog.Invalid("reason", "请写明%s", what)
	}
	if utf8.RuneCountInString(reason) > MaxReason {
		return catalog.Invalid("reason", "%s不超过%d个字", what, MaxReason)
	}
	return nil
}

func (o *Order) handlingDue(rules Rules, cal *workday.Calendar, now time.Time) error {
	n := rules.Limits[o.Category]
	if n < 1 {
		n = DefaultRules().Limits[o.Category]
	}
	d, err := cal.Provisional().AddWorkdays(Day(now), n)
	if err != nil {
		return err
	}
	o.Due = &d
	return nil
}

// Apply takes the order one step on at now, by the person named by; it
// checks that the step is allowed in the order's state (ECONFLICT when
// not) and what it needs (EINVALID, the field named). It does not check
// who may take it (ByUnit, ByHead): the service does.
func Apply(o *Order, s Step, by string, rules Rules, cal *workday.Calendar, now time.Time) error {
	conflict := func() error {
		return catalog.Errorf(catalog.ECONFLICT, "工单%s%s，不能%s", o.Number, o.State.Name(), ActionName(s.Action))
	}
	at := now.In(catalog.Shanghai)
	switch s.Action {
	case ActDirect:
		if o.State != Received {
			return conflict()
		}
		if err := checkReply(s.Text); err != nil {
			return err
		}
		o.Direct, o.KnowledgeID, o.Reply, o.ReplyBy, o.RepliedAt, o.ClosedAt, o.State = true, s.KnowledgeID, strings.TrimSpace(s.Text), by, &at, &at, Closed
		if s.Withhold {
			o.Publish = false
		}
	case ActTransfer:
		if o.State != Received {
			return conflict()
		}
		if s.Unit == "" {
			return catalog.Invalid("unit", "请选择承办单位")
		}
		due, err := cal.Provisional().AddWorkdays(Day(now), max(rules.ClaimDays, 1))
		if err != nil {
			return err
		}
		o.UnitCode, o.TransferredAt, o.ClaimDue, o.State = s.Unit, &at, &due, Transferred
	case ActReturn:
		if o.State != Transferred && o.State != Handling {
			return conflict()
		}
		if err := needReason(s.Reason, "退回理由和依据"); err != nil {
			return err
		}
		o.Returns++
		// The next unit starts clean: the late marks were this one's (its
		// events keep them for the rates).
		o.UnitCode, o.TransferredAt, o.ClaimDue, o.ClaimedAt, o.Due, o.ExtensionDays, o.ExtensionReason, o.State = "", nil, nil, nil, nil, 0, "", Received
		o.LateClaim, o.LateReply = false, false
	case ActClaim:
		if o.State != Transferred {
			return conflict()
		}
		if late(o.ClaimDue, now) {
			o.LateClaim = true
		}
		if err := o.handlingDue(rules, cal, now); err != nil {
			return err
		}
		o.ClaimedAt, o.State = &at, Handling
	case ActReply:
		if o.State != Handling {
			return conflict()
		}
		if err := checkReply(s.Text); err != nil {
			return err
		}
		if late(o.Due, now) {
			o.LateReply = true
		}
		o.Reply, o.ReplyBy, o.RepliedAt, o.State = strings.TrimSpace(s.Text), by, &at, Replied
	case ActRedo:
		if o.State != Replied {
			return conflict()
		}
		if err := needReason(s.Reason, "退回重办的理由"); err != nil {
			return err
		}
		o.Redos++
		if s.Untrue {
			o.Untrue++
		}
		extended := o.Due
		if err := o.handlingDue(rules, cal, now); err != nil {
			return err
		}
		if extended != nil && o.ExtensionDays > 0 && extended.After(*o.Due) {
			o.Due = extended // the extension granted still stands
		}
		o.State = Handling
	case ActClose:
		if o.State != Replied {
			return conflict()
		}
		o.ClosedAt, o.State = &at, Closed
		if s.Withhold {
			o.Publish = false
		}
	case ActCallback:
		if o.State != Closed || (o.Callback != "" && o.Callback != Unreachable) {
			return conflict()
		}
		if s.Result.Name() == "" {
			return catalog.Invalid("result", "请选择回访结果：满意、基本满意、不满意或未接通")
		}
		o.Callback, o.CallbackAt = s.Result, &at
		if s.Result == Unsatisfied && !o.Reopened && !o.Direct {
			// 对群众首次评价不满意事项认真组织重新办理: once.
			if err := o.handlingDue(rules, cal, now); err != nil {
				return err
			}
			// The first result stays in the history; the order waits for
			// its next callback.
			o.Reopened, o.ClosedAt, o.Callback, o.CallbackAt, o.State = true, nil, "", nil, Handling
		}
	case ActRemind, ActSupervise:
		if o.State != Transferred && o.State != Handling {
			return conflict()
		}
		if utf8.RuneCountInString(s.Reason) > MaxReason {
			return catalog.Invalid("reason", "说明不超过%d个字", MaxReason)
		}
		due := o.Due
		if o.State == Transferred {
			due = o.ClaimDue
		}
		// One before the deadline (提前催办) is recorded, but the sweep
		// still sends the one after it.
		if !late(due, now) {
			due = nil
		}
		if s.Action == ActRemind {
			o.Reminders++
			if due != nil {
				o.RemindedFor = due
			}
		} else {
			o.Supervised++
			if due != nil {
				o.SupervisedFor = due
			}
		}
	case ActExtend:
		if o.State != Handling {
			return conflict()
		}
		if o.ExtensionDays > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "工单%s已延期一次：每件最多延期一次", o.Number)
		}
		if s.Days < 1 || s.Days > rules.MaxExtension {
			return catalog.Invalid("days", "延期天数应为1至%d个工作日", rules.MaxExtension)
		}
		if err := needReason(s.Reason, "延期的理由（将告知来电人）"); err != nil {
			return err
		}
		due, err := cal.Provisional().AddWorkdays(Day(*o.Due), s.Days)
		if err != nil {
			return err
		}
		o.Due, o.ExtensionDays, o.ExtensionReason = &due, s.Days, strings.TrimSpace(s.Reason)
	case ActLeak:
		if o.UnitCode == "" && s.Unit == "" {
			return catalog.Invalid("unit", "请选择泄露来电人信息的单位")
		}
		if err := needReason(s.Reason, "泄露来电人信息的经过"); err != nil {
			return err
		}
		o.Leaks++
	case ActWithhold:
		if o.State != Closed || !o.Publish {
			return conflict()
		}
		o.Publish = false
	default:
		return catalog.Invalid("action", "未知的办理操作：%s", s.Action)
	}
	return nil
}

// Overdue is what an order has missed at now: its claim or its reply
// deadline (the day it was due), and how many working days ago.
type Overdue struct {
	Claim bool
	Due   time.Time
	Days  int
}

// OverdueAt tells whether the order waits past a deadline at now.
func (o *Order) OverdueAt(cal *workday.Calendar, now time.Time) (Overdue, bool, error) {
	var due *time.Time
	switch o.State {
	case Transferred:
		due = o.ClaimDue
	case Handling:
		due = o.Due
	}
	if !late(due, now) {
		return Overdue{}, false, nil
	}
	n, err := cal.Provisional().Between(Day(*due), Day(now))
	if err != nil {
		return Overdue{}, false, err
	}
	return Overdue{Claim: o.State == Transferred, Due: Day(*due), Days: n}, true, nil
}
