package catalog

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// County is the identity of the county an installation serves, set at
// set-up (`server init`) and kept by the county office: what letters,
// kiosk pages, sheets and rules name.
type County struct {
	// Name is the county's name: 旌德县, 某某市, 某某区, 某某旗.
	Name string `json:"name"`
	// DivisionCode is its 行政区划代码 (GB/T 2260), 6 digits.
	DivisionCode string `json:"division_code"`
	// Government is the people's government: 旌德县人民政府.
	Government string `json:"government"`
	// Office is the code of the unit that handles disclosure requests
	// (政府信息公开工作机构) and inspects the others: the county office.
	Office string `json:"office"`
	// ReviewBody (行政复议机关) and Court (人民法院) are named in the
	// answer letters' remedy sentence.
	ReviewBody string `json:"review_body"`
	Court      string `json:"court"`
	// ConsultationBasis is the local rule on public consultation periods
	// and ConsultationDays the shortest period it allows (0: none set).
	ConsultationBasis string `json:"consultation_basis"`
	ConsultationDays  int    `json:"consultation_days"`
	// CorrectionDays is the shortest period, in working days, a 补正告知书
	// may give the applicant (art. 30's "reasonable period");
	// DefaultCorrectionDays when 0.
	CorrectionDays int `json:"correction_days"`
	// KioskTitle is the kiosk's title bar; the name and 政务公开查询 when
	// empty.
	KioskTitle string `json:"kiosk_title"`
	// IndexPattern is how new publications' 索引号 are written (see
	// FormatIndexNo); DefaultIndexPattern when empty.
	IndexPattern string `json:"index_pattern"`
	// HideStale keeps the public pages from marking columns 超过一年未更新
	// (the county's choice; inspectors and the back office always see it).
	HideStale bool `json:"hide_stale"`
}

// DefaultCorrectionDays is the shortest correction period where the
// county set none.
const DefaultCorrectionDays = 10

// MinCorrectionDays is the shortest correction period in working days.
func (c County) MinCorrectionDays() int {
	if c.CorrectionDays > 0 {
		return c.CorrectionDays
	}
	return DefaultCorrectionDays
}

// DefaultIndexPattern numbers publications by unit code, month and serial:
// miaoshou/202010-00002.
const DefaultIndexPattern = "{unit}/{yyyymm}-{serial}"

// OrgIndexPattern is how county portals commonly number them: the unit's
// organisation code (the 9 characters inside its 统一社会信用代码), month
// and serial: 003151084/202012-00012.
const OrgIndexPattern = "{org}/{yyyymm}-{serial}"

// checkIndexPattern accepts a pattern that names the unit, the month and
// the serial (numbers stay unique: serials count per unit and month).
func checkIndexPattern(p string) error {
	if p == "" {
		return nil
	}
	rest := p
	for _, tok := range []string{"{unit}", "{org}", "{yyyymm}", "{yyyy}", "{mm}", "{serial}"} {
		rest = strings.ReplaceAll(rest, tok, "")
	}
	switch {
	case utf8.RuneCountInString(p) > 40 || strings.Trim(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-_.") != "",
		strings.Count(p, "{unit}")+strings.Count(p, "{org}") > 1 || strings.Count(p, "{serial}") > 1:
		return Invalid("index_pattern", "索引号格式只能使用 {unit} {org} {yyyymm} {yyyy} {mm} {serial} 各一次，和字母、数字、/ - _ . 作分隔，不超过40个字符")
	case !strings.Contains(p, "{unit}") && !strings.Contains(p, "{org}"),
		!strings.Contains(p, "{yyyymm}") && !(strings.Contains(p, "{yyyy}") && strings.Contains(p, "{mm}")),
		!strings.Contains(p, "{serial}"):
		return Invalid("index_pattern", "索引号格式须含单位（{unit}或{org}）、年月（{yyyymm}）和序号（{serial}），如 %s", OrgIndexPattern)
	}
	return nil
}

// OrgCode is the organisation code inside a 统一社会信用代码 (its 9th to
// 17th characters), or "" when there is none.
func OrgCode(creditCode string) string {
	if len(creditCode) != 18 {
		return ""
	}
	return creditCode[8:17]
}

// Title is what the kiosk's title bar says.
func (c County) Title() string {
	if c.KioskTitle != "" {
		return c.KioskTitle
	}
	return c.Name + "政务公开查询"
}

// provinces are the first two digits of the provinces' division codes.
var provinces = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true, "41": true, "42": true, "43": true,
	"44": true, "45": true, "46": true, "50": true, "51": true, "52": true, "53": true, "54": true, "61": true, "62": true,
	"63": true, "64": true, "65": true, "71": true, "81": true, "82": true}

// CheckDivisionCode checks a county-level 行政区划代码: six digits, a
// province's first two, and not a province's or prefecture's own code
// (which end in 00).
func CheckDivisionCode(code string) error {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return Invalid("division_code", "行政区划代码应为6位数字（县级代码，末两位不为00）")
	}
	if !provinces[code[:2]] {
		return Invalid("division_code", "行政区划代码“%s”的前两位不是省级代码", code)
	}
	if code[4:] == "00" {
		return Invalid("division_code", "行政区划代码“%s”是省或市的代码，应填县级代码（末两位不为00）", code)
	}
	return nil
}

// CheckLine refuses text that is not one plain line: control characters
// (NUL, line breaks …) and invisible format characters (zero-width spaces,
// direction overrides), which make names that look alike and break
// letters and sheets.
func CheckLine(field, label, v string) error {
	for _, r := range v {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return Invalid(field, "%s含有不可见字符或控制字符（U+%04X），请重新输入", label, r)
		}
	}
	return nil
}

// CheckText refuses text of several lines that holds control characters
// other than line breaks and tabs, or invisible format characters.
func CheckText(field, label, v string) error {
	for _, r := range v {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			return Invalid(field, "%s含有不可见字符或控制字符（U+%04X），请重新输入", label, r)
		}
	}
	return nil
}

// Validate checks the identity; EINVALID names the field.
func (c *County) Validate() error {
	c.Name, c.Government, c.Office = strings.TrimSpace(c.Name), strings.TrimSpace(c.Government), strings.TrimSpace(c.Office)
	c.ReviewBody, c.Court, c.KioskTitle = strings.TrimSpace(c.ReviewBody), strings.TrimSpace(c.Court), strings.TrimSpace(c.KioskTitle)
	c.ConsultationBasis = strings.TrimSpace(c.ConsultationBasis)
	for _, f := range []struct{ field, label, v string }{{"name", "名称", c.Name}, {"division_code", "行政区划代码", c.DivisionCode},
		{"government", "人民政府名称", c.Government}, {"office", "受理单位", c.Office}, {"review_body", "行政复议机关", c.ReviewBody},
		{"court", "人民法院", c.Court}, {"consultation_basis", "意见征集期限的依据", c.ConsultationBasis},
		{"kiosk_title", "查询机标题", c.KioskTitle}, {"index_pattern", "索引号格式", c.IndexPattern}} {
		if err := CheckLine(f.field, f.label, f.v); err != nil {
			return err
		}
	}
	n := utf8.RuneCountInString(c.Name)
	switch {
	case n < 2 || n > 20:
		return Invalid("name", "请填写县（市、区、旗）名称，如“某某县”")
	case !strings.HasSuffix(c.Name, "县") && !strings.HasSuffix(c.Name, "市") && !strings.HasSuffix(c.Name, "区") && !strings.HasSuffix(c.Name, "旗"):
		return Invalid("name", "名称“%s”应以县、市、区或旗结尾", c.Name)
	}
	if err := CheckDivisionCode(c.DivisionCode); err != nil {
		return err
	}
	for _, f := range []struct {
		field, label, v string
		max             int
	}{{"government", "人民政府名称", c.Government, 40}, {"review_body", "行政复议机关", c.ReviewBody, 40}, {"court", "人民法院", c.Court, 40},
		{"consultation_basis", "意见征集期限的依据", c.ConsultationBasis, 120}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return Invalid(f.field, "%s不超过%d个字", f.label, f.max)
		}
	}
	if c.Government == "" {
		return Invalid("government", "请填写人民政府名称，如“%s人民政府”", c.Name)
	}
	if !ValidUnitCode(c.Office) {
		return Invalid("office", "请填写受理政府信息公开申请的单位代码（县政府办公室的单位代码）")
	}
	if c.ReviewBody == "" {
		return Invalid("review_body", "请填写答复书中告知的行政复议机关")
	}
	if c.Court == "" {
		return Invalid("court", "请填写答复书中告知的人民法院")
	}
	if c.CorrectionDays < 0 || c.CorrectionDays > 60 {
		return Invalid("correction_days", "补正最短期限应为0（默认%d个工作日）至60个工作日", DefaultCorrectionDays)
	}
	if c.ConsultationDays < 0 || c.ConsultationDays > 90 {
		return Invalid("consultation_days", "意见征集的最短期限应为0至90日")
	}
	if c.ConsultationDays > 0 && c.ConsultationBasis == "" {
		return Invalid("consultation_basis", "设了意见征集最短期限，请写明其依据（如本县的公众参与程序规定第几条）")
	}
	if utf8.RuneCountInString(c.KioskTitle) > 30 {
		return Invalid("kiosk_title", "查询机标题不超过30个字")
	}
	c.IndexPattern = strings.TrimSpace(c.IndexPattern)
	return checkIndexPattern(c.IndexPattern)
}

// NewCounty is the identity a set-up starts from: the government, the
// review body and the court named after the county, no local consultation
// rule.
func NewCounty(name, divisionCode, office string) County {
	return County{Name: name, DivisionCode: divisionCode, Office: office, Government: name + "人民政府",
		ReviewBody: name + "人民政府", Court: name + "人民法院"}
}

// CountyService keeps the county's identity.
type CountyService interface {
	// County returns the identity; ENOTFOUND before set-up.
	County(ctx context.Context) (County, error)
	// SaveCounty stores it, audited; EINVALID names the field.
	SaveCounty(ctx context.Context, c *County, by Actor) error
}
