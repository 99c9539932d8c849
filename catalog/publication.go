package catalog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PubStatus is where a publication stands.
type PubStatus string

// Publication statuses of the three-level review (三级审核); see Workflow.
const (
	PubDraft      PubStatus = "draft"      // 草稿
	PubSubmitted  PubStatus = "submitted"  // 待审核: the clerk's 一级审核 is done
	PubPublished  PubStatus = "published"  // 已发布: approved by a leader (二级审核)
	PubTakenDown  PubStatus = "taken_down" // 已撤下待整改: the county's 三级审核 found a fault
	PubWithdrawn  PubStatus = "withdrawn"  // 已撤回: by its unit, kept on record
	PubScheduled  PubStatus = "scheduled"  // 定时发布: approved, public from its 发布日期 on
	PubSuperseded PubStatus = "superseded" // 已被新版本替代: a revision was published
)

// Name is the status in Chinese.
func (s PubStatus) Name() string {
	switch s {
	case PubDraft:
		return "草稿"
	case PubSubmitted:
		return "待审核"
	case PubPublished:
		return "已发布"
	case PubTakenDown:
		return "已撤下待整改"
	case PubWithdrawn:
		return "已撤回"
	case PubScheduled:
		return "定时发布"
	case PubSuperseded:
		return "已被新版本替代"
	}
	return string(s)
}

// Editable tells whether a publication's content — its fields and its
// attachments — may change: a draft (new, or returned by the leader) or one
// taken down for rectification. Anything else has been or is being reviewed;
// changing it means a revision that goes through the review again.
func (s PubStatus) Editable() bool { return s == PubDraft || s == PubTakenDown }

// Public tells whether anyone may read a publication in this status: a
// published one, or an earlier version a revision replaced.
func (s PubStatus) Public() bool { return s == PubPublished || s == PubSuperseded }

// Shanghai is the time zone of dates at the edges (生成日期, 发布日期, deadlines);
// storage is UTC. China keeps no daylight saving, so the fixed offset serves
// where the zone database is missing.
var Shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// Topics is the list of 主题分类 offered to clerks (the usual government
// disclosure subject classification); other values are refused.
var Topics = []string{
	"综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源",
	"农业、林业、水利", "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管",
	"城乡建设、环境保护", "科技、教育", "文化、广电、新闻出版", "卫生、体育",
	"人口与计划生育、妇女儿童工作", "劳动、人事、监察", "公安、安全、司法",
	"民政、扶贫、救灾", "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
}

// Attachment is a file stored under the data directory for a publication.
type Attachment struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// Publication (公开信息) is one disclosed record filed under one catalogue item.
type Publication struct {
	ID        int64  `json:"id"`
	IndexNo   string `json:"index_no"` // 索引号 {unit code}/{YYYYMM}-{00000}
	UnitCode  string `json:"unit_code"`
	ItemID    int64  `json:"item_id"`   // 组配分类
	ItemName  string `json:"item_name"` // the item's 二级事项, for display
	Publisher string `json:"publisher"` // 发布机构
	Topic     string `json:"topic"`     // 主题分类
	Title     string `json:"title"`     // 名称
	DocNo     string `json:"doc_no"`    // 文号, or 无
	// GeneratedOn (生成日期) and PublishedOn (发布日期) are dates in Asia/Shanghai.
	GeneratedOn time.Time    `json:"generated_on"`
	PublishedOn time.Time    `json:"published_on"`
	Body        string       `json:"body"`
	Attachments []Attachment `json:"attachments"`
	Views       int64        `json:"views"`
	// InterpretsID links a 政策解读 to the policy publication it explains.
	InterpretsID *int64 `json:"interprets_id,omitempty"`
	// SupersedesID is the publication a revision replaces once approved;
	// SupersededByID points from the old one to its replacement.
	SupersedesID   *int64 `json:"supersedes_id,omitempty"`
	SupersededByID *int64 `json:"superseded_by_id,omitempty"`
	// ConsultOpens and ConsultCloses bound a public consultation (意见征集).
	ConsultOpens  *time.Time `json:"consultation_opens,omitempty"`
	ConsultCloses *time.Time `json:"consultation_closes,omitempty"`
	Status        PubStatus  `json:"status"`
	StatusName    string     `json:"status_name"`
	// StatusReason and StatusNote are those of the last step that gave one
	// (退回, 撤下, 撤回); TakedownReason is the code of a 三级审核 takedown
	// and RectifyDue the day the unit must have rectified it by.
	StatusReason   string     `json:"status_reason,omitempty"`
	StatusNote     string     `json:"status_note,omitempty"`
	TakedownReason string     `json:"takedown_reason,omitempty"`
	RectifyDue     *time.Time `json:"rectify_due,omitempty"`
	SubmittedBy    string     `json:"submitted_by,omitempty"`
	ApprovedBy     string     `json:"approved_by,omitempty"`
	// Version counts the changes; an update that names an older one is
	// refused (someone else changed the publication meanwhile).
	Version   int       `json:"version"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate normalizes and checks a publication before it is stored; messages
// name the field in Chinese.
func (p *Publication) Validate() error {
	p.Title = strings.TrimSpace(p.Title)
	p.DocNo = strings.TrimSpace(p.DocNo)
	p.Topic = strings.TrimSpace(p.Topic)
	p.Body = CleanBody(p.Body)
	if p.ItemID == 0 {
		return Invalid("item_id", "组配分类（所属事项）不能为空")
	}
	if p.Title == "" {
		return Invalid("title", "名称不能为空")
	}
	if n := utf8.RuneCountInString(p.Title); n > 200 {
		return Invalid("title", "名称不能超过200个字（现有%d个字）", n)
	}
	if p.DocNo == "" {
		p.DocNo = "无"
	}
	if utf8.RuneCountInString(p.DocNo) > 60 {
		return Invalid("doc_no", "文号不能超过60个字")
	}
	if p.Topic == "" {
		p.Topic = "综合政务"
	}
	if !contains(Topics, p.Topic) {
		return Invalid("topic", "主题分类“%s”不在分类表中，可选：%s", p.Topic, strings.Join(Topics, "；"))
	}
	if p.GeneratedOn.IsZero() {
		return Invalid("generated_on", "生成日期不能为空")
	}
	if !p.PublishedOn.IsZero() && p.PublishedOn.Before(p.GeneratedOn) {
		return Invalid("published_on", "发布日期（%s）不能早于生成日期（%s）", p.PublishedOn.Format("2006-01-02"), p.GeneratedOn.Format("2006-01-02"))
	}
	if utf8.RuneCountInString(p.Body) > 200000 {
		return Invalid("body", "正文不能超过20万字")
	}
	if err := p.validateConsultation(); err != nil {
		return err
	}
	if p.InterpretsID != nil && *p.InterpretsID == p.ID && p.ID != 0 {
		return Invalid("interprets_id", "政策解读不能关联自身")
	}
	return nil
}

func (p *Publication) validateConsultation() error {
	if p.ConsultOpens == nil && p.ConsultCloses == nil {
		return nil
	}
	if p.ConsultOpens == nil {
		return Invalid("consultation_opens", "意见征集须填写开始日期")
	}
	if p.ConsultCloses == nil {
		return Invalid("consultation_closes", "意见征集须填写截止日期")
	}
	if p.ConsultCloses.Before(*p.ConsultOpens) {
		return Invalid("consultation_closes", "意见征集的截止日期早于开始日期")
	}
	return nil
}

// CheckConsultation checks a consultation's period against the county's
// rule (County.ConsultationDays, with its basis named in the message).
func (p *Publication) CheckConsultation(c County) error {
	if p.ConsultOpens == nil || p.ConsultCloses == nil || c.ConsultationDays <= 0 {
		return nil
	}
	if p.ConsultCloses.Before(p.ConsultOpens.AddDate(0, 0, c.ConsultationDays)) {
		return Invalid("consultation_closes", "意见征集期限不得少于%d日（%s），现为%s至%s",
			c.ConsultationDays, c.ConsultationBasis, p.ConsultOpens.Format("2006-01-02"), p.ConsultCloses.Format("2006-01-02"))
	}
	return nil
}

// FormatIndexNo builds the 索引号 of the serial-th publication of a unit in
// the month of the date, by DefaultIndexPattern.
func FormatIndexNo(unitCode string, on time.Time, serial int) string {
	return IndexNo(DefaultIndexPattern, unitCode, "", on, serial)
}

// IndexNo builds a 索引号 by a county's pattern (DefaultIndexPattern when
// empty): {unit} is the unit's code, {org} its organisation code (its
// code when it has no 统一社会信用代码), {yyyymm}, {yyyy} and {mm} the
// month, {serial} the five-digit serial.
func IndexNo(pattern, unitCode, creditCode string, on time.Time, serial int) string {
	if pattern == "" {
		pattern = DefaultIndexPattern
	}
	org := OrgCode(creditCode)
	if org == "" {
		org = unitCode
	}
	return strings.NewReplacer("{unit}", unitCode, "{org}", org, "{yyyymm}", on.Format("200601"), "{yyyy}", on.Format("2006"),
		"{mm}", on.Format("01"), "{serial}", fmt.Sprintf("%05d", serial)).Replace(pattern)
}

// PubFilter selects publications; without Statuses only published ones.
type PubFilter struct {
	ItemID   int64
	UnitCode string
	// Interprets selects the 政策解读 of one policy publication.
	Interprets int64
	Statuses   []PubStatus
	// Query finds words in the title, 文号 or body, or a whole 索引号.
	Query string
	// Domains keeps those of items of these domains (none: any).
	Domains []string
	// From and To bound the 发布日期 of those published, the 生成日期 of
	// the others (either may be zero).
	From, To time.Time
	Limit    int
	// After continues a list after this publication (keyset paging: the
	// last one of the page before); nil from the newest.
	After *Cursor
}

// PolicyDomains are the domains of policy documents (本级政府文件,
// 政策法规): what a 政策解读 explains, and what the inspection counts as
// wanting one.
var PolicyDomains = []string{"zfwj", "zcfg"}

// IsPolicyDomain tells whether a domain holds policy documents.
func IsPolicyDomain(code string) bool { return slices.Contains(PolicyDomains, code) }

// Cursor is where a list newest first stopped: the time and id of its last
// row. Its text form goes in the next page's address.
type Cursor struct {
	At time.Time
	ID int64
}

// String is the cursor's text form: RFC 3339 time, a tilde, the id.
func (c Cursor) String() string {
	return c.At.UTC().Format(time.RFC3339Nano) + "~" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor's text form; EINVALID names field.
func ParseCursor(field, s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	at, id, ok := strings.Cut(s, "~")
	t, err := time.Parse(time.RFC3339Nano, at)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || err2 != nil || n < 1 {
		return nil, Invalid(field, "翻页位置“%s”不正确，请从列表中的“下一页”链接进入", s)
	}
	return &Cursor{At: t, ID: n}, nil
}

// PublicationService keeps publications.
type PublicationService interface {
	// FindPublications lists publications newest first.
	FindPublications(ctx context.Context, f PubFilter) ([]Publication, error)
	// FindPublication returns one; ENOTFOUND if there is none.
	FindPublication(ctx context.Context, id int64) (*Publication, error)
	// CreatePublication stores a publication under its item and assigns its
	// 索引号; EINVALID, ENOTFOUND for an unknown item, ECONFLICT when the item
	// is retired.
	CreatePublication(ctx context.Context, p *Publication, by Actor) error
	// UpdatePublication changes the editable fields of a draft or of a
	// publication taken down for rectification; ENOTFOUND, EINVALID,
	// ECONFLICT in another state or when p.Version is not the current one.
	UpdatePublication(ctx context.Context, p *Publication, by Actor) error
	// Transition takes a step of the review workflow; ECONFLICT when the
	// step is not open in the current state, EFORBIDDEN when a submitter
	// approves their own submission, EINVALID for a missing reason or check.
	Transition(ctx context.Context, id int64, step Step, by Actor) (*Publication, error)
	// FindEvents returns a publication's workflow steps, oldest first.
	FindEvents(ctx context.Context, id int64) ([]Event, error)
	// Revise starts a new version of a published publication: a draft copy
	// that replaces the old one when it is approved. ECONFLICT unless the
	// old one is published and has no revision in progress.
	Revise(ctx context.Context, id int64, by Actor) (*Publication, error)
	// ReleaseScheduled publishes the scheduled publications whose time has
	// come; it returns how many.
	ReleaseScheduled(ctx context.Context, now time.Time) (int, error)
	// AddAttachment records a stored file for an editable publication
	// (see PubStatus.Editable); ENOTFOUND, ECONFLICT in another status.
	AddAttachment(ctx context.Context, pubID int64, a *Attachment, by Actor) error
	// DeleteAttachment removes an attachment of an editable publication and
	// tells whether another attachment still uses its stored file (files are
	// named by content, so one may serve several); ENOTFOUND when the
	// attachment is not the publication's, ECONFLICT in another status.
	DeleteAttachment(ctx context.Context, pubID, attachmentID int64, by Actor) (a *Attachment, fileInUse bool, err error)
	// DeletePublication deletes a draft never submitted for review, with
	// its attachments, and gives the checksums of the files no attachment
	// uses any more; its 索引号 is not given again (the audit log says why
	// it is missing). ECONFLICT for anything else, ENOTFOUND.
	DeletePublication(ctx context.Context, id int64, by Actor) (unusedFiles []string, err error)
	// FileInUse tells whether any attachment uses the file of a checksum.
	FileInUse(ctx context.Context, sha256 string) (bool, error)
	// FindAttachment returns an attachment with its publication id; ENOTFOUND.
	FindAttachment(ctx context.Context, id int64) (*Attachment, int64, error)
	// AddViews adds n to a publication's view count; ENOTFOUND.
	AddViews(ctx context.Context, id, n int64) error
}

// AuditEntry records one write: who, when, from where, what, before and
// after. Entries are hash-chained: each Hash covers the entry and the Hash of
// the one before, so an edited or deleted entry breaks the chain.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Username string    `json:"username"`
	IP       string    `json:"ip,omitempty"`
	UnitCode string    `json:"unit_code"`
	Object   string    `json:"object"`
	Action   string    `json:"action"`
	TargetID string    `json:"target_id"`
	Detail   string    `json:"detail"`
	Before   string    `json:"before,omitempty"` // JSON of the state before
	After    string    `json:"after,omitempty"`  // JSON of the state after
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	UnitCode string
	Username string
	Object   string
	Action   string
	From, To time.Time // zero: open
	BeforeID int64     // keyset paging: entries older than this id
	Limit    int
	// WithoutObjects leaves out entries about these objects (accounts and
	// role grants, for readers who may not read them).
	WithoutObjects []string
}

// AccountObjects are the audit objects only those who may read accounts
// see: the accounts' records and their role grants.
var AccountObjects = []string{"account", "role"}

// UnitOfPublication and UnitOfItem find the unit a record belongs to, for
// authorisation by the record a route names.
func UnitOfPublication(ps PublicationService) func(ctx context.Context, id int64) (string, error) {
	return func(ctx context.Context, id int64) (string, error) {
		p, err := ps.FindPublication(ctx, id)
		if err != nil {
			return "", err
		}
		return p.UnitCode, nil
	}
}

// BatchResult is what became of one publication of a batch step.
type BatchResult struct {
	ID     int64     `json:"id"`
	Title  string    `json:"title,omitempty"`
	OK     bool      `json:"ok"`
	Status PubStatus `json:"status,omitempty"`
	// Code and Error say why it was refused (ECONFLICT: not submitted;
	// EFORBIDDEN: one's own submission …).
	Code  string `json:"code,omitempty"`
	Error string `json:"error,omitempty"`
}

// ApproveEach approves each publication one by one, as a leader's single
// approvals would be — each checked (its state, the four-eyes rule) and
// audited on its own — and says what became of each.
func ApproveEach(ctx context.Context, ps PublicationService, ids []int64, by Actor) []BatchResult {
	out := make([]BatchResult, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := BatchResult{ID: id}
		if p, err := ps.FindPublication(ctx, id); err == nil {
			r.Title = p.Title
		}
		p, err := ps.Transition(ctx, id, Step{Action: StepApprove}, by)
		if err != nil {
			r.Code, r.Error = ErrorCode(err), ErrorMessage(err)
		} else {
			r.OK, r.Status = true, p.Status
		}
		out = append(out, r)
	}
	return out
}

// UnitOfAttachment finds the unit of the publication an attachment is of.
func UnitOfAttachment(ps PublicationService) func(ctx context.Context, id int64) (string, error) {
	return func(ctx context.Context, id int64) (string, error) {
		_, pubID, err := ps.FindAttachment(ctx, id)
		if err != nil {
			return "", err
		}
		return UnitOfPublication(ps)(ctx, pubID)
	}
}

// UnitOfItem finds the unit of a catalogue item.
func UnitOfItem(is ItemService) func(ctx context.Context, id int64) (string, error) {
	return func(ctx context.Context, id int64) (string, error) {
		it, err := is.FindItem(ctx, id)
		if err != nil {
			return "", err
		}
		return it.UnitCode, nil
	}
}

// StatusOfPublication finds a publication's status, for the workflow's rights.
func StatusOfPublication(ps PublicationService) func(ctx context.Context, id int64) (PubStatus, error) {
	return func(ctx context.Context, id int64) (PubStatus, error) {
		p, err := ps.FindPublication(ctx, id)
		if err != nil {
			return "", err
		}
		return p.Status, nil
	}
}
