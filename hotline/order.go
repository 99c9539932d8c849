package hotline

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"gongkai/catalog"
	"gongkai/foi"
)

// Channel is how a message reached the county.
type Channel string

// Channels. Provincial orders (省长热线等上级留言) are scored apart from the
// county's own (40% and 60% of the hotline score).
const (
	Phone      Channel = "hotline"    // 12345 热线电话
	Mailbox    Channel = "mailbox"    // 县长信箱
	Online     Channel = "online"     // 网上留言（政民互动）
	Kiosk      Channel = "kiosk"      // 查询机留言
	Leader     Channel = "leader"     // 领导接听
	Provincial Channel = "provincial" // 省长热线等上级转来
)

// Channels in the order forms list them.
var Channels = []Channel{Phone, Mailbox, Online, Kiosk, Leader, Provincial}

// Name is the channel in Chinese.
func (c Channel) Name() string {
	return map[Channel]string{Phone: "12345热线", Mailbox: "县长信箱", Online: "网上留言", Kiosk: "查询机留言", Leader: "领导接听",
		Provincial: "省长热线等上级留言"}[c]
}

// Category is the kind of matter; it sets the handling limit (Rules).
type Category string

// Categories.
const (
	Consult    Category = "consult"    // 咨询
	Complaint  Category = "complaint"  // 投诉
	Help       Category = "help"       // 求助
	Suggestion Category = "suggestion" // 建议
	Report     Category = "report"     // 举报
	Praise     Category = "praise"     // 表扬
)

// Categories in the order forms list them.
var Categories = []Category{Consult, Complaint, Help, Suggestion, Report, Praise}

// Name is the category in Chinese.
func (c Category) Name() string {
	return map[Category]string{Consult: "咨询", Complaint: "投诉", Help: "求助", Suggestion: "建议", Report: "举报", Praise: "表扬"}[c]
}

// State is where an order stands in the loop.
type State string

// States.
const (
	Received    State = "received"    // 已受理: with the operator, to answer or dispatch
	Transferred State = "transferred" // 待认领: dispatched to a unit
	Handling    State = "handling"    // 办理中: claimed by the unit
	Replied     State = "replied"     // 待审核: the unit's reply, before the county office checks it
	Closed      State = "closed"      // 已办结
)

// Name is the state in Chinese.
func (s State) Name() string {
	return map[State]string{Received: "已受理", Transferred: "待认领", Handling: "办理中", Replied: "已答复待审核", Closed: "已办结"}[s]
}

// Open tells whether the order still waits for someone.
func (s State) Open() bool { return s != Closed }

// Callback is what the caller said when called back (回访).
type Callback string

// Callback results.
const (
	Satisfied   Callback = "satisfied"   // 满意
	Basic       Callback = "basic"       // 基本满意
	Unsatisfied Callback = "unsatisfied" // 不满意
	Unreachable Callback = "unreachable" // 未接通
)

// Name is the result in Chinese.
func (c Callback) Name() string {
	return map[Callback]string{Satisfied: "满意", Basic: "基本满意", Unsatisfied: "不满意", Unreachable: "未接通"}[c]
}

// Reached tells whether the caller was reached.
func (c Callback) Reached() bool { return c == Satisfied || c == Basic || c == Unsatisfied }

// Limits on what a caller types.
const (
	MaxTitle   = 60
	MaxContent = 2000
	MaxAddress = 200
	MaxName    = 40
	MaxReply   = 4000
	MaxReason  = 500
)

// Caller is who left the message. Phone is sealed in storage and masked
// everywhere but the handling staff's own view; Name is masked on public
// pages.
type Caller struct {
	Name  string `json:"caller_name"`
	Phone string `json:"caller_phone"`
}

// Order is a work order (工单).
type Order struct {
	ID int64 `json:"id"`
	// Number is the county's number for it, GD2026-00017, numbered per year.
	Number   string   `json:"number"`
	Channel  Channel  `json:"channel"`
	Category Category `json:"category"`
	Caller
	Title   string `json:"title"`
	Content string `json:"content"`
	Address string `json:"address,omitempty"`
	// Publish: the caller agrees that the message and its answer be shown
	// publicly, personal data masked.
	Publish bool `json:"publish"`
	// RepeatOf is an earlier order on the same matter (重复诉求).
	RepeatOf string `json:"repeat_of,omitempty"`
	// UnitCode handles it (empty until dispatched, and after it is sent
	// back).
	UnitCode   string    `json:"unit_code,omitempty"`
	State      State     `json:"state"`
	ReceivedAt time.Time `json:"received_at"`
	// ClaimDue and Due are the last days to claim and to reply; a deadline
	// is met by the end of its day.
	TransferredAt *time.Time `json:"transferred_at,omitempty"`
	ClaimDue      *time.Time `json:"claim_due,omitempty"`
	ClaimedAt     *time.Time `json:"claimed_at,omitempty"`
	Due           *time.Time `json:"due,omitempty"`
	// ExtensionDays is the one extension (at most Rules.MaxExtension).
	ExtensionDays   int        `json:"extension_days,omitempty"`
	ExtensionReason string     `json:"extension_reason,omitempty"`
	Reply           string     `json:"reply,omitempty"`
	RepliedAt       *time.Time `json:"replied_at,omitempty"`
	// ReplyBy is the unit head who checked and sent the reply.
	ReplyBy string `json:"reply_by,omitempty"`
	// Direct: answered by the operator (直办), citing KnowledgeID.
	Direct      bool       `json:"direct"`
	KnowledgeID int64      `json:"knowledge_id,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	Callback    Callback   `json:"callback,omitempty"`
	CallbackAt  *time.Time `json:"callback_at,omitempty"`
	// Reopened: a dissatisfied callback sent it back once.
	Reopened bool `json:"reopened"`
	// What counts in the rubric: sent back (申退), returned for redoing
	// (退回重办), of which for an untrue reply; claims and replies late.
	Returns   int  `json:"returns"`
	Redos     int  `json:"redos"`
	Untrue    int  `json:"untrue"`
	LateClaim bool `json:"late_claim"`
	LateReply bool `json:"late_reply"`
	// Leaks: the unit was found to have leaked the caller's identity.
	Leaks int `json:"leaks,omitempty"`
	// Reminders (催办) and supervision notices (督办) sent.
	Reminders  int `json:"reminders"`
	Supervised int `json:"supervised"`
	// RemindedFor and SupervisedFor are the deadlines the last 催办 and
	// 督办 were about (the sweep sends one of each per deadline).
	RemindedFor   *time.Time `json:"reminded_for,omitempty"`
	SupervisedFor *time.Time `json:"supervised_for,omitempty"`
	// Token is the unguessable part of the caller's follow-up address (the
	// receipt's QR); SubmitKey makes a form sent twice one order.
	Token     string `json:"-"`
	SubmitKey string `json:"-"`
	// Via is the outside system that posted it (apikey:NAME), if any: the
	// system reads back only its own.
	Via       string    `json:"-"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// FormatNumber writes an order number.
func FormatNumber(year, n int) string { return fmt.Sprintf("GD%d-%05d", year, n) }

// ParseNumber reads an order number as a caller may type it: full-width,
// lower case, spaces, without its GD or its dash (a kiosk's keypad has
// digits alone); EINVALID when it is not one.
func ParseNumber(s string) (string, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(width.Fold.String(s)), ""))
	s = strings.TrimPrefix(s, "GD")
	bad := catalog.Invalid("number", "编号应形如 GD2026-00017（见回执），也可只输入数字 202600017")
	if i := strings.IndexByte(s, '-'); i >= 0 {
		if i != 4 || strings.Count(s, "-") != 1 {
			return "", bad
		}
		s = s[:4] + s[5:]
	}
	if len(s) < 5 || len(s) > 12 {
		return "", bad
	}
	y, err1 := strconv.Atoi(s[:4])
	n, err2 := strconv.Atoi(s[4:])
	if err1 != nil || err2 != nil || y < 2000 || n <= 0 || strings.ContainsAny(s, "+") {
		return "", bad
	}
	return FormatNumber(y, n), nil
}

// NewToken is a fresh follow-up token.
func NewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func clean(s string) string { return strings.TrimSpace(s) }

// Validate checks what the caller (or the operator for them) entered;
// messages name the field in Chinese.
func (o *Order) Validate() error {
	o.Title, o.Content, o.Address, o.Name = clean(o.Title), clean(o.Content), clean(o.Address), clean(o.Name)
	if o.Channel.Name() == "" {
		return catalog.Invalid("channel", "请选择来源渠道")
	}
	if o.Category.Name() == "" {
		return catalog.Invalid("category", "请选择诉求类别：咨询、投诉、求助、建议、举报或表扬")
	}
	for _, f := range []struct {
		field, name, v, empty string
		max                   int
	}{
		{"title", "诉求标题", o.Title, "请填写诉求标题", MaxTitle},
		{"content", "诉求内容", o.Content, "请填写诉求内容", MaxContent},
		{"address", "地址", o.Address, "", MaxAddress},
		{"caller_name", "姓名", o.Name, "请填写您的姓名（公开时只显示姓氏）", MaxName},
	} {
		if f.v == "" && f.empty != "" {
			return catalog.Invalid(f.field, "%s", f.empty)
		}
		if utf8.RuneCountInString(f.v) > f.max {
			return catalog.Invalid(f.field, "%s不超过%d个字", f.name, f.max)
		}
	}
	phone, ok := foi.NormalizePhone(o.Phone)
	if !ok {
		return catalog.Invalid("caller_phone", "联系电话应为11位手机号码，或带区号的固定电话，以便回访")
	}
	o.Phone = phone
	if o.RepeatOf != "" {
		n, err := ParseNumber(o.RepeatOf)
		if err != nil {
			return catalog.Invalid("repeat_of", "重复诉求的原工单编号应形如 GD2026-00017")
		}
		o.RepeatOf = n
	}
	for _, s := range []string{o.Title, o.Content, o.Address, o.Name} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return catalog.Invalid("content", "内容含有无法识别的字符")
		}
	}
	return nil
}

// Masked is the order as staff lists show it: the phone by its first 3
// and last 4 digits (Public masks the name too).
func (o Order) Masked() Order {
	o.Phone = foi.MaskPhone(o.Phone)
	return o
}

// Audited is the order as the audit log keeps it: Masked, and the
// personal numbers a caller may type into the message masked too.
func (o Order) Audited() Order {
	phone := o.Phone
	o = o.Masked()
	o.Title, o.Content, o.Address, o.Reply = redact(o.Title, "", phone), redact(o.Content, "", phone), redact(o.Address, "", phone), redact(o.Reply, "", phone)
	return o
}

// redact hides the personal information in a text others will read: the
// caller's own phone however it is written (a landline with its area code
// and a dash, say) — on a public page (name given) wholly, as its last
// four digits are the caller's proof for looking the message up — then ID,
// mobile and bank card numbers and e-mail addresses (catalog's privacy
// scan), and the caller's name.
func redact(text, name, phone string) string {
	if len(phone) >= 7 {
		text = maskNumber(text, phone, name != "")
	}
	hits := catalog.ScanPrivacy(text)
	if len(hits) > 0 {
		rs := []rune(text)
		var b strings.Builder
		at := 0
		for _, h := range hits {
			if h.Start < at || h.End > len(rs) {
				continue
			}
			b.WriteString(string(rs[at:h.Start]))
			b.WriteString(h.Mask())
			at = h.End
		}
		b.WriteString(string(rs[at:]))
		text = b.String()
	}
	if utf8.RuneCountInString(name) > 1 {
		text = strings.ReplaceAll(text, name, foi.MaskName(name))
	}
	return text
}

// maskNumber masks every run of digits (with spaces, dashes or brackets
// between them, full-width or not) that spells number: its first 3 and
// last 4 digits left, or none (wholly).
func maskNumber(text, number string, wholly bool) string {
	rs := []rune(text)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if d := digitOf(rs[i]); d < 0 {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j, digits, last := i, make([]byte, 0, 16), i
		for ; j < len(rs); j++ {
			if d := digitOf(rs[j]); d >= 0 {
				digits, last = append(digits, byte('0'+d)), j
			} else if !strings.ContainsRune(" -－()（）", rs[j]) {
				break
			}
		}
		if string(digits) == number && wholly {
			b.WriteString(strings.Repeat("*", len(number)))
		} else if string(digits) == number {
			b.WriteString(foi.MaskPhone(number))
		} else {
			b.WriteString(string(rs[i : last+1]))
		}
		i = last + 1
	}
	return b.String()
}

func digitOf(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}

// Public is the order as a public page shows it: the caller's name by its
// surname, no phone, no address, personal numbers masked in the message
// and the reply, and nothing of the handling but its outcome.
func (o Order) Public() Order {
	return Order{Number: o.Number, Channel: o.Channel, Category: o.Category, Caller: Caller{Name: foi.MaskName(o.Name)},
		Title: redact(o.Title, o.Name, o.Phone), Content: redact(o.Content, o.Name, o.Phone), UnitCode: o.UnitCode, State: o.State, ReceivedAt: o.ReceivedAt,
		Reply: redact(o.Reply, o.Name, o.Phone), RepliedAt: o.RepliedAt, ClosedAt: o.ClosedAt, Publish: o.Publish, Direct: o.Direct,
		Due: o.Due, ExtensionDays: o.ExtensionDays, ExtensionReason: redact(o.ExtensionReason, o.Name, o.Phone)}
}
