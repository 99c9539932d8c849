package catalog

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Level is a unit's administrative level (公开层级).
type Level string

// Levels.
const (
	LevelCounty   Level = "county"   // 县级
	LevelTownship Level = "township" // 乡级
)

// Name is the level's Chinese name.
func (l Level) Name() string {
	if l == LevelTownship {
		return "乡级"
	}
	return "县级"
}

// Kind of unit.
type Kind string

// Kinds of unit.
const (
	KindTown       Kind = "town"       // 乡、镇、街道（办事处）: township-level
	KindDepartment Kind = "department" // 部门
	KindOffice     Kind = "office"     // 政府办公室
)

// Name is the kind's Chinese name.
func (k Kind) Name() string {
	switch k {
	case KindTown:
		return "乡镇（街道）"
	case KindOffice:
		return "政府办公室"
	}
	return "部门"
}

// Unit (单位) is a township government, a county department or the county
// government office, with its public facts (机构设置).
type Unit struct {
	ID        int64  `json:"-"`
	Code      string `json:"code"` // stable, ASCII; the 索引号 prefix and Casbin domain
	Name      string `json:"name"` // as the county's lists name it: 庙首镇, 财政局
	FullName  string `json:"full_name"`
	Level     Level  `json:"level"`
	Kind      Kind   `json:"kind"`
	KindName  string `json:"kind_name"`
	Functions string `json:"functions,omitempty"` // 职能
	// Offices lists the internal offices (内设机构), one per line: name and
	// what it does or its office phone.
	Offices     string `json:"offices,omitempty"`
	Address     string `json:"address,omitempty"`
	OfficeHours string `json:"office_hours,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Fax         string `json:"fax,omitempty"`
	Email       string `json:"email,omitempty"`
	Postcode    string `json:"postcode,omitempty"`
	Head        string `json:"head,omitempty"` // 负责人
	// CreditCode is the unit's 统一社会信用代码 (GB 32100), when known.
	CreditCode string `json:"credit_code,omitempty"`
	SortOrder  int    `json:"sort_order"`
	// OfficeHoursText is OfficeHours rendered the same way for every unit.
	OfficeHoursText string `json:"office_hours_text,omitempty"`
	// CatalogRev changes whenever the unit's catalogue, publications or
	// public facts do; readers use it to cache.
	CatalogRev int64 `json:"catalog_revision"`
	// RetiredOn is the day the unit ended in an institutional reform, and
	// Successor the unit that took over its work (the lead one of a split).
	RetiredOn *time.Time `json:"retired_on,omitempty"`
	Successor string     `json:"successor,omitempty"`
}

// ValidUnitCode tells whether code can be a unit's code: 1 to 40 lower-case
// letters, digits, hyphens and underscores, beginning with a letter or a
// digit (it is the 索引号's prefix and the rights' domain).
func ValidUnitCode(code string) bool {
	if code == "" || len(code) > 40 {
		return false
	}
	for i, r := range code {
		letter := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !letter && (i == 0 || r != '-' && r != '_') {
			return false
		}
	}
	return true
}

// EveryUnitDomains are the domains every unit's catalogue carries: its
// own 机构设置 and its 政府信息公开年度报告.
var EveryUnitDomains = []string{"jgsz", "ndbg"}

// UnitLifecycle creates units with their catalogues and lets a department
// take on the domains it answers for.
type UnitLifecycle interface {
	// CreateUnit stores a new unit with its catalogue from the templates:
	// a township's from every township-level template, a department's
	// from the county's rubric and EveryUnitDomains (AdoptDomains adds
	// more). ECONFLICT when the code is taken; EINVALID names the field.
	CreateUnit(ctx context.Context, u *Unit, by Actor) (items int, err error)
	// AdoptDomains adds to a county-level unit's catalogue the county-level
	// template items of domains it does not carry yet; it returns how many
	// items were added. EINVALID for an unknown domain or a township.
	AdoptDomains(ctx context.Context, code string, domains []string, by Actor) (added int, err error)
	// RenameUnit changes a unit's name and full name, and its 统一社会信用代码
	// when creditCode is not empty; the code, and so its rights and the
	// 索引号 already given, stay.
	RenameUnit(ctx context.Context, code, name, fullName, creditCode string, by Actor) error
	// DeleteUnit removes a unit created by mistake, with its untouched
	// catalogue: ECONFLICT, naming what keeps it, once it has a
	// publication, is the county office, or anything of the other stores
	// belongs to it (accounts, roles, filings, requests, service points,
	// score entries), all read in the deletion's transaction.
	DeleteUnit(ctx context.Context, code string, by Actor) error
}

// OfficeList splits Offices into its lines.
func (u Unit) OfficeList() []string {
	var out []string
	for _, l := range strings.Split(u.Offices, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// RenderHours fills OfficeHoursText from OfficeHours when it parses.
func (u *Unit) RenderHours() {
	if h, err := ParseHours(u.OfficeHours); err == nil {
		u.OfficeHoursText = h.String()
	}
}

// Validate checks a unit before it is stored.
func (u *Unit) Validate() error {
	if u.Code == "" || len(u.Code) > 40 {
		return Invalid("code", "单位代码不能为空且不超过40个字符")
	}
	if !ValidUnitCode(u.Code) {
		return Invalid("code", "单位代码只能包含小写字母、数字、连字符，并以字母或数字开头，如 dongshan")
	}
	u.Name = strings.TrimSpace(u.Name)
	if err := CheckLine("name", "单位名称", u.Name); err != nil {
		return err
	}
	if err := CheckLine("full_name", "单位全称", u.FullName); err != nil {
		return err
	}
	if u.Name == "" {
		return Invalid("name", "单位名称不能为空")
	}
	if utf8.RuneCountInString(u.Name) > 30 {
		return Invalid("name", "单位名称不超过30个字（全称另填）")
	}
	if strings.TrimSpace(u.FullName) == "" {
		return Invalid("full_name", "请填写单位全称，如“某某县某某镇人民政府”（公开主体和答复书用全称）")
	}
	if utf8.RuneCountInString(strings.TrimSpace(u.FullName)) > 60 {
		return Invalid("full_name", "单位全称不超过60个字")
	}
	if u.Level != LevelCounty && u.Level != LevelTownship {
		return Invalid("level", "公开层级须为县级（county）或乡级（township）")
	}
	switch u.Kind {
	case KindTown, KindDepartment, KindOffice:
	default:
		return Invalid("kind", "单位类型须为乡镇（town）、部门（department）或政府办公室（office）")
	}
	if (u.Kind == KindTown) != (u.Level == LevelTownship) {
		return Invalid("kind", "乡镇的层级为乡级，部门和政府办公室的层级为县级")
	}
	u.CreditCode = strings.ToUpper(strings.TrimSpace(u.CreditCode))
	if u.CreditCode != "" && (!ValidCreditCode(u.CreditCode) || strings.Trim(OrgCode(u.CreditCode), "0") == "") {
		return Invalid("credit_code", "统一社会信用代码应为18位且校验位正确（GB 32100）")
	}
	u.KindName = u.Kind.Name()
	return u.ValidateFacts()
}

// ValidateFacts checks the public facts (机构设置) residents read: phone and
// fax as written in the county, never a personal mobile; e-mail; postcode.
func (u *Unit) ValidateFacts() error {
	for _, p := range []*string{&u.Functions, &u.Offices, &u.Address, &u.OfficeHours, &u.Phone, &u.Fax, &u.Email, &u.Postcode, &u.Head, &u.FullName} {
		*p = strings.TrimSpace(*p)
	}
	if u.FullName == "" {
		return Invalid("full_name", "单位全称不能为空")
	}
	if err := CheckPhone("phone", "联系电话", u.Phone, false); err != nil {
		return err
	}
	if PhoneKind(u.Phone) == "mobile" {
		return Invalid("phone", "公开的联系电话不能是个人手机号，请填写办公电话")
	}
	if err := CheckPhone("fax", "传真", u.Fax, false); err != nil {
		return err
	}
	if err := CheckEmail("email", u.Email); err != nil {
		return err
	}
	if err := CheckPostcode("postcode", u.Postcode); err != nil {
		return err
	}
	if utf8.RuneCountInString(u.Offices) > 4000 {
		return Invalid("offices", "内设机构不能超过4000字")
	}
	for _, line := range strings.Split(u.Offices, "\n") {
		for _, tok := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '，' || r == ',' || r == '：' || r == ':' }) {
			if PhoneKind(tok) == "mobile" {
				return Invalid("offices", "内设机构的电话不能是个人手机号：%s", tok)
			}
		}
	}
	if utf8.RuneCountInString(u.Functions) > 4000 {
		return Invalid("functions", "职能不能超过4000字")
	}
	if utf8.RuneCountInString(u.OfficeHours) > 200 {
		return Invalid("office_hours", "办公时间不能超过200字")
	}
	if u.OfficeHours != "" {
		if _, err := ParseHours(u.OfficeHours); err != nil {
			return Invalid("office_hours", "办公时间无法识别：%v（如“周一至周五 上午8:00—12:00 下午14:30—17:30”）", err)
		}
	}
	return nil
}

// Domain (领域 / 栏目) groups catalogue items: one of the 26 national pilot
// domains, or a local column such as the county rubric's 财政资金 or 政策解读.
type Domain struct {
	ID       int64  `json:"-"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	National bool   `json:"national"`
	// Rubric weights in percent for the annual score (附件2 townships, 附件3
	// departments); 0 where the rubric has no such column.
	WeightTownship   int `json:"weight_township,omitempty"`
	WeightDepartment int `json:"weight_department,omitempty"`
	SortOrder        int `json:"sort_order"`
}

// Exemption is a unit's statement that a domain does not apply to it
// (未涉及领域说明), with the reason residents and inspectors read.
type Exemption struct {
	UnitCode   string `json:"unit_code"`
	DomainCode string `json:"domain_code"`
	Reason     string `json:"reason"`
}

// UnitService reads and writes units and domains.
type UnitService interface {
	// FindUnits returns every unit in display order, but those retired in
	// an institutional reform.
	FindUnits(ctx context.Context) ([]Unit, error)
	// FindUnit returns one unit, retired or not; ENOTFOUND if there is none.
	FindUnit(ctx context.Context, code string) (*Unit, error)
	// FindDomains returns every domain in display order.
	FindDomains(ctx context.Context) ([]Domain, error)
	// CatalogRevision returns the unit's CatalogRev; ENOTFOUND.
	CatalogRevision(ctx context.Context, code string) (int64, error)
	// UpdateUnitFacts changes a unit's public facts (机构设置), audited;
	// EINVALID, ENOTFOUND.
	UpdateUnitFacts(ctx context.Context, u *Unit, by Actor) error
	// FindExemptions returns a unit's 未涉及领域说明 ("": every unit's).
	FindExemptions(ctx context.Context, unitCode string) ([]Exemption, error)
	// SetExemption records (or, with an empty reason, removes) that a domain
	// does not apply to a unit; EINVALID for an unknown domain.
	SetExemption(ctx context.Context, e Exemption, by Actor) error
}
