package catalog

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PubAction is a step of the review workflow (三级审核).
type PubAction string

// The steps of the workflow.
const (
	StepSubmit   PubAction = "submit"   // clerk: 一级审核 done, to the leader
	StepApprove  PubAction = "approve"  // leader: 二级审核, publish
	StepReject   PubAction = "reject"   // leader: back to draft, with a reason
	StepTakedown PubAction = "takedown" // county office: 三级审核 spot check finds a fault
	StepRectify  PubAction = "rectify"  // unit: corrected (整改), submitted again
	StepWithdraw PubAction = "withdraw" // unit: withdrawn, with a reason
)

// Right is what the acting user must hold in the publication's unit.
type Right string

// Rights a step needs; the server maps them to Casbin actions.
const (
	RightWrite     Right = "write"     // the unit's clerk (and leader, admin)
	RightPublish   Right = "publish"   // the unit's leader, admin
	RightSpotCheck Right = "spotcheck" // the county office
)

// Transition is one cell of the workflow: from a status, a step leads to a
// status and needs a right.
type Transition struct {
	From        PubStatus
	Step        PubAction
	To          PubStatus
	Right       Right
	NeedsReason bool
}

// Workflow is the one table of which step is open in which status and who may
// take it. A submitter may never approve their own submission (checked
// apart, on the person, not the role).
var Workflow = []Transition{
	{PubDraft, StepSubmit, PubSubmitted, RightWrite, false},
	{PubDraft, StepWithdraw, PubWithdrawn, RightWrite, true},
	{PubSubmitted, StepApprove, PubPublished, RightPublish, false},
	{PubSubmitted, StepReject, PubDraft, RightPublish, true},
	{PubPublished, StepTakedown, PubTakenDown, RightSpotCheck, true},
	{PubPublished, StepWithdraw, PubWithdrawn, RightPublish, true},
	{PubTakenDown, StepRectify, PubSubmitted, RightWrite, false},
	{PubTakenDown, StepWithdraw, PubWithdrawn, RightPublish, true},
	{PubScheduled, StepWithdraw, PubWithdrawn, RightPublish, true},
}

// Steps lists every step, for routes and tests.
var Steps = []PubAction{StepSubmit, StepApprove, StepReject, StepTakedown, StepRectify, StepWithdraw}

// Statuses lists every status.
var Statuses = []PubStatus{PubDraft, PubSubmitted, PubPublished, PubTakenDown, PubWithdrawn, PubScheduled, PubSuperseded}

// FindTransition returns the cell for a status and a step.
func FindTransition(from PubStatus, step PubAction) (Transition, bool) {
	for _, t := range Workflow {
		if t.From == from && t.Step == step {
			return t, true
		}
	}
	return Transition{}, false
}

// StepName is the step in Chinese.
func StepName(a PubAction) string {
	switch a {
	case StepSubmit:
		return "提交审核"
	case StepApprove:
		return "审核发布"
	case StepReject:
		return "退回修改"
	case StepTakedown:
		return "撤下整改"
	case StepRectify:
		return "整改后重新提交"
	case StepWithdraw:
		return "撤回"
	case "supersede":
		return "被新版本替代"
	case "release":
		return "到期发布"
	case "transfer":
		return "机构改革划转"
	}
	return string(a)
}

// TakedownReasons are the county office's fixed reasons for taking a
// publication down, by code.
var TakedownReasons = []struct{ Code, Name string }{
	{"privacy", "泄露隐私"}, {"secret", "涉密"}, {"untrue", "信息不实"},
	{"format", "格式不规范"}, {"typo", "错别字"}, {"other", "其他"},
}

// TakedownReasonName returns the Chinese name of a takedown reason code.
func TakedownReasonName(code string) (string, bool) {
	for _, r := range TakedownReasons {
		if r.Code == code {
			return r.Name, true
		}
	}
	return "", false
}

// Checklist is the clerk's first-level check (一级审核), confirmed item by item
// at submission; it is recorded with the step.
type Checklist struct {
	Wording bool `json:"wording"` // 文字表述
	Format  bool `json:"format"`  // 格式规范
	Secrecy bool `json:"secrecy"` // 保密审查
	Privacy bool `json:"privacy"` // 个人隐私
}

// Validate refuses a checklist with an item not confirmed, naming it.
func (c Checklist) Validate() error {
	field := ""
	var missing []string
	for _, x := range []struct {
		ok         bool
		field, msg string
	}{
		{c.Wording, "checklist.wording", "文字表述准确"},
		{c.Format, "checklist.format", "格式规范"},
		{c.Secrecy, "checklist.secrecy", "已通过保密审查"},
		{c.Privacy, "checklist.privacy", "不含个人隐私"},
	} {
		if !x.ok {
			if field == "" {
				field = x.field
			}
			missing = append(missing, "“"+x.msg+"”")
		}
	}
	if len(missing) > 0 {
		// Every point not confirmed, at once; the field is the first.
		return Invalid(field, "一级审核未完成：请确认%s", strings.Join(missing, "、"))
	}
	return nil
}

// Step is a request to take a workflow step.
type Step struct {
	Action PubAction
	Reason string // 退回, 撤回: free text; 撤下: a TakedownReasons code
	Note   string
	// Checklist is required to submit and to resubmit after rectification.
	Checklist *Checklist
	// RectifyDue is set by the caller for a takedown (N working days on).
	RectifyDue time.Time
	// PublishAt schedules an approval: the publication becomes public then.
	PublishAt time.Time
	// Privacy keeps, with a reason each, personal information the privacy
	// check finds at submission (a unit's public phone, say).
	Privacy []PrivacyConfirmation
	// AttachmentText is the text of the publication's attachments, read by
	// the caller, which the privacy check scans with the body.
	AttachmentText string
}

// Validate checks what the step itself must carry.
func (s *Step) Validate(t Transition) error {
	s.Reason, s.Note = strings.TrimSpace(s.Reason), strings.TrimSpace(s.Note)
	if utf8.RuneCountInString(s.Note) > 2000 {
		return Invalid("note", "说明不能超过2000字")
	}
	switch t.Step {
	case StepSubmit, StepRectify:
		if s.Checklist == nil {
			return Invalid("checklist", "提交前须完成一级审核（文字表述、格式、保密审查、个人隐私）")
		}
		if err := s.Checklist.Validate(); err != nil {
			return err
		}
	case StepTakedown:
		if _, ok := TakedownReasonName(s.Reason); !ok {
			return Invalid("reason", "撤下原因须为：泄露隐私、涉密、信息不实、格式不规范、错别字、其他（privacy, secret, untrue, format, typo, other）")
		}
		if s.Reason == "other" && s.Note == "" {
			return Invalid("note", "撤下原因为“其他”时须填写说明")
		}
		if s.RectifyDue.IsZero() {
			return Invalid("rectify_due", "撤下须给出整改期限")
		}
	case StepApprove:
		if !s.PublishAt.IsZero() && s.PublishAt.After(time.Now().AddDate(1, 0, 0)) {
			return Invalid("publish_at", "定时发布不能晚于一年之后")
		}
	}
	if t.NeedsReason && s.Reason == "" {
		return Invalid("reason", "%s须填写原因", StepName(t.Step))
	}
	return nil
}

// Event is one recorded workflow step.
type Event struct {
	ID        int64                 `json:"id"`
	PubID     int64                 `json:"publication_id"`
	Action    PubAction             `json:"action"`
	From      PubStatus             `json:"from"`
	To        PubStatus             `json:"to"`
	Actor     string                `json:"actor"`
	Reason    string                `json:"reason,omitempty"`
	Note      string                `json:"note,omitempty"`
	Checklist *Checklist            `json:"checklist,omitempty"`
	Privacy   []PrivacyConfirmation `json:"privacy,omitempty"`
	At        time.Time             `json:"at"`
}
