package catalog

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Channels is the national checklist of 公开渠道和载体, in template order; a
// catalogue marks the ones used (■) and may add its own under 其他.
var Channels = []string{
	"政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体",
	"公开查阅点", "政务服务中心", "便民服务站", "入户/现场",
	"社区/企事业单位/村公示栏(电子屏)", "精准推送", "其他",
}

// Actor is who makes a change, and from where, for the record.
type Actor struct {
	UserID   int64
	Username string
	IP       string
}

// ItemStatus of a catalogue item.
type ItemStatus string

// Item statuses.
const (
	ItemActive  ItemStatus = "active"
	ItemRetired ItemStatus = "retired"
)

// Columns are the standard catalogue columns shared by template items and unit
// items (DOMAIN.md §2.1).
type Columns struct {
	DomainCode    string    `json:"domain_code"`
	Level1        string    `json:"level1"`           // 一级事项
	Level2        string    `json:"level2"`           // 二级事项
	Level3        string    `json:"level3,omitempty"` // 三级事项
	Content       string    `json:"content"`          // 公开内容（要素）
	Basis         string    `json:"basis"`            // 公开依据
	TimeLimitText string    `json:"time_limit"`       // 公开时限, as written
	TimeLimit     TimeLimit `json:"time_limit_rule"`  // its parsed rule
	Subject       string    `json:"subject"`          // 公开主体
	Channels      []string  `json:"channels"`         // from Channels
	ChannelOther  string    `json:"channel_other,omitempty"`
	ToPublic      bool      `json:"to_public"`   // 公开对象 全社会
	ToSpecific    bool      `json:"to_specific"` // 公开对象 特定群体
	Proactive     bool      `json:"proactive"`   // 公开方式 主动
	OnRequest     bool      `json:"on_request"`  // 公开方式 依申请
	AtCounty      bool      `json:"at_county"`   // 公开层级 县级
	AtTownship    bool      `json:"at_township"` // 公开层级 乡级
	// Columns some counties add (DOMAIN.md §2.1): how long the
	// information stays public, the office responsible, remarks.
	Duration string `json:"duration,omitempty"` // 公开时长
	Office   string `json:"office,omitempty"`   // 责任科室
	Remark   string `json:"remark,omitempty"`   // 备注
}

// Name is the item as a list shows it: its lowest level (三级事项 where
// there is one).
func (c Columns) Name() string {
	if c.Level3 != "" {
		return c.Level3
	}
	return c.Level2
}

// Path is the item's levels, 一级 · 二级 · 三级.
func (c Columns) Path() string {
	p := c.Level1 + " · " + c.Level2
	if c.Level3 != "" {
		p += " · " + c.Level3
	}
	return p
}

// SameAs are the words a typist writes for "as the cell above" or "to the
// left"; no column may keep them as its value.
func SameAs(s string) bool {
	switch strings.Trim(strings.Join(strings.Fields(s), ""), "。.，,") {
	case "同上", "同左", "同前", "同上栏":
		return true
	}
	return false
}

// Normalize trims the text columns and parses the time limit.
func (c *Columns) Normalize() {
	for _, p := range []*string{&c.DomainCode, &c.Level1, &c.Level2, &c.Level3, &c.Content, &c.Basis, &c.TimeLimitText, &c.Subject, &c.ChannelOther,
		&c.Duration, &c.Office, &c.Remark} {
		*p = strings.TrimSpace(*p)
	}
	c.TimeLimit = ParseTimeLimit(c.TimeLimitText)
	if c.Channels == nil {
		c.Channels = []string{}
	}
}

// StatutoryTimeLimit is 条例 第二十六条's default for proactive disclosure,
// used when a row states no time limit.
const StatutoryTimeLimit = "信息形成或者变更之日起20个工作日内"

// ApplyDefaults fills what a clerk may leave out for an item of unit u: the
// statutory time limit, the government website as channel, 全社会 / 主动, the
// unit's own level and the unit as 公开主体.
func (c *Columns) ApplyDefaults(u Unit) {
	if strings.TrimSpace(c.TimeLimitText) == "" {
		c.TimeLimitText = StatutoryTimeLimit
	}
	if len(c.Channels) == 0 {
		c.Channels = []string{"政府网站"}
	}
	if !c.ToPublic && !c.ToSpecific {
		c.ToPublic = true
	}
	if !c.Proactive && !c.OnRequest {
		c.Proactive = true
	}
	if !c.AtCounty && !c.AtTownship {
		c.AtCounty = u.Level == LevelCounty
		c.AtTownship = u.Level == LevelTownship
	}
	if strings.TrimSpace(c.Subject) == "" {
		c.Subject = u.FullName
	}
}

// Validate checks the columns; messages name the column in Chinese.
func (c *Columns) Validate() error {
	if c.DomainCode == "" {
		return Invalid("domain_code", "所属领域不能为空")
	}
	if c.Level1 == "" {
		return Invalid("level1", "一级事项不能为空")
	}
	if c.Level2 == "" {
		return Invalid("level2", "二级事项不能为空")
	}
	for name, v := range map[string]string{"level1": c.Level1, "level2": c.Level2, "level3": c.Level3} {
		if utf8.RuneCountInString(v) > 100 {
			return Invalid(name, "事项名称不能超过100个字")
		}
	}
	for _, f := range []struct{ field, name, v string }{{"level1", "一级事项", c.Level1}, {"level2", "二级事项", c.Level2}, {"level3", "三级事项", c.Level3},
		{"content", "公开内容（要素）", c.Content}, {"basis", "公开依据", c.Basis}, {"time_limit", "公开时限", c.TimeLimitText}, {"subject", "公开主体", c.Subject},
		{"duration", "公开时长", c.Duration}, {"office", "责任科室", c.Office}, {"remark", "备注", c.Remark}} {
		if SameAs(f.v) {
			return Invalid(f.field, "%s不能只写“%s”，请填写它所指的内容", f.name, f.v)
		}
	}
	for _, f := range []struct{ field, name, v string }{{"duration", "公开时长", c.Duration}, {"office", "责任科室", c.Office}} {
		if utf8.RuneCountInString(f.v) > 100 {
			return Invalid(f.field, "%s不能超过100个字", f.name)
		}
	}
	if utf8.RuneCountInString(c.Remark) > 1000 {
		return Invalid("remark", "备注不能超过1000个字")
	}
	if c.Content == "" {
		return Invalid("content", "公开内容（要素）不能为空")
	}
	if utf8.RuneCountInString(c.Content) > 4000 {
		return Invalid("content", "公开内容（要素）不能超过4000个字")
	}
	if c.TimeLimitText == "" {
		return Invalid("time_limit", "公开时限不能为空（可填写“信息形成或者变更之日起20个工作日内”）")
	}
	seen := map[string]bool{}
	for _, ch := range c.Channels {
		if !contains(Channels, ch) {
			return Invalid("channels", "公开渠道和载体“%s”不在国家标准清单中，请选“其他”并在其他渠道中填写", ch)
		}
		if seen[ch] {
			return Invalid("channels", "公开渠道和载体“%s”重复", ch)
		}
		seen[ch] = true
	}
	if len(c.Channels) == 0 {
		return Invalid("channels", "公开渠道和载体至少选择一项")
	}
	if seen["其他"] && c.ChannelOther == "" {
		return Invalid("channel_other", "选择了“其他”公开渠道，请填写具体渠道")
	}
	if !c.ToPublic && !c.ToSpecific {
		return Invalid("to_public", "公开对象至少选择全社会或特定群体之一")
	}
	if !c.Proactive && !c.OnRequest {
		return Invalid("proactive", "公开方式至少选择主动或依申请之一")
	}
	if !c.AtCounty && !c.AtTownship {
		return Invalid("at_county", "公开层级至少选择县级或乡级之一")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TemplateItem is a row of the county's standard catalogue template for a
// domain; units instantiate their catalogues from the templates of their level.
type TemplateItem struct {
	ID int64 `json:"id"`
	Columns
	ForLevel  Level `json:"for_level"`
	SortOrder int   `json:"sort_order"`
}

// Item (事项) is one row of a unit's catalogue.
type Item struct {
	ID         int64  `json:"id"`
	UnitCode   string `json:"unit_code"`
	TemplateID *int64 `json:"template_id,omitempty"`
	Columns
	SortOrder     int        `json:"sort_order"`
	Status        ItemStatus `json:"status"`
	RetiredReason string     `json:"retired_reason,omitempty"`
	Version       int        `json:"version"`
	UpdatedAt     time.Time  `json:"updated_at"`
	UpdatedBy     string     `json:"updated_by"`
	// LastPublishedAt is the 发布日期 of the item's newest publication, if any.
	LastPublishedAt *time.Time `json:"last_published_at,omitempty"`
}

// Validate normalizes and checks an item.
func (it *Item) Validate() error {
	it.Normalize()
	if it.UnitCode == "" {
		return Invalid("unit_code", "所属单位不能为空")
	}
	return it.Columns.Validate()
}

// ItemVersion is one earlier state of an item: who changed it, when, why.
type ItemVersion struct {
	ItemID    int64     `json:"item_id"`
	Version   int       `json:"version"`
	Action    string    `json:"action"` // create, update, retire, rename, transfer: ItemActionName
	Reason    string    `json:"reason,omitempty"`
	ChangedBy string    `json:"changed_by"`
	ChangedAt time.Time `json:"changed_at"`
	Item      Item      `json:"item"` // the state after the change
}

// ItemActionName is an item version's action in Chinese, for its history.
func ItemActionName(a string) string {
	if n, ok := map[string]string{"create": "新建", "update": "修改", "retire": "停用", "rename": "单位更名",
		"transfer": "机构改革划转"}[a]; ok {
		return n
	}
	return a
}

// ItemFilter selects items.
type ItemFilter struct {
	UnitCode       string
	DomainCode     string
	IncludeRetired bool
	// AsOf, when set, asks for the catalogue as it stood at the end of that
	// day: items created later left out, items retired by then left out,
	// and each item in the version it had then. A past quarter is judged on
	// it, so its report does not change with today's catalogue.
	AsOf time.Time
	// Brief, with AsOf, leaves the long texts out of items that stand as
	// they are now (Content, Basis, Subject, Channels, ChannelOther,
	// Duration, Office): an inspection reads none of them.
	Brief bool
}

// ItemService keeps catalogue items with their history.
type ItemService interface {
	// FindItems lists items of a unit in catalogue order.
	FindItems(ctx context.Context, f ItemFilter) ([]Item, error)
	// FindItem returns one item; ENOTFOUND if there is none.
	FindItem(ctx context.Context, id int64) (*Item, error)
	// CreateItem stores a new item (version 1); EINVALID, ENOTFOUND for an
	// unknown unit or domain.
	CreateItem(ctx context.Context, it *Item, by Actor) error
	// UpdateItem replaces an item's columns and records the new version;
	// ENOTFOUND, EINVALID, ECONFLICT when it is retired.
	UpdateItem(ctx context.Context, it *Item, reason string, by Actor) error
	// RetireItem marks an item retired with a reason; EINVALID without a
	// reason, ECONFLICT when already retired.
	RetireItem(ctx context.Context, id int64, reason string, by Actor) error
	// ItemHistory returns every version, oldest first.
	ItemHistory(ctx context.Context, id int64) ([]ItemVersion, error)
	// FindTemplates lists template items, for one level if given.
	FindTemplates(ctx context.Context, level Level) ([]TemplateItem, error)
}

// IsRectification tells whether an item is the column where a unit
// publishes its rectification of the last inspection (监督保障 · 测评整改
// 情况): it is judged by that rule, not by how fresh it is.
func (it Item) IsRectification() bool {
	return it.DomainCode == "jdbz" && strings.Contains(it.Level2, "整改")
}

// ImportChange is an item an import changes: its id, the version the
// preview saw, and its new columns (none when it is retired).
type ImportChange struct {
	ID      int64
	Version int
	Columns Columns
}
