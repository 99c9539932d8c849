package foi

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"gongkai/catalog"
)

// ApplicantType is who applies, in the columns of the annual report.
type ApplicantType string

// Applicant types: a natural person, or one of the five kinds of 法人或其他组织.
const (
	Person    ApplicantType = "person"    // 自然人
	Company   ApplicantType = "company"   // 商业企业
	Research  ApplicantType = "research"  // 科研机构
	Nonprofit ApplicantType = "nonprofit" // 社会公益组织
	Legal     ApplicantType = "legal"     // 法律服务机构
	OtherOrg  ApplicantType = "other"     // 其他
)

// ApplicantTypes in the order of the annual report's columns.
var ApplicantTypes = []ApplicantType{Person, Company, Research, Nonprofit, Legal, OtherOrg}

// Name is the type's name in the annual report.
func (t ApplicantType) Name() string {
	return map[ApplicantType]string{Person: "自然人", Company: "商业企业", Research: "科研机构", Nonprofit: "社会公益组织",
		Legal: "法律服务机构", OtherOrg: "其他"}[t]
}

// IDType is the kind of identity document.
type IDType string

// Identity documents.
const (
	ResidentID IDType = "resident_id" // 居民身份证
	Passport   IDType = "passport"    // 护照
	HMTPermit  IDType = "hmt_permit"  // 港澳台居民居住证
	ForeignPR  IDType = "foreign_pr"  // 外国人永久居留身份证
)

// Name is the document's name.
func (t IDType) Name() string {
	return map[IDType]string{ResidentID: "居民身份证", Passport: "护照", HMTPermit: "港澳台居民居住证", ForeignPR: "外国人永久居留身份证"}[t]
}

// Form is how the applicant wants the information.
type Form string

// Forms.
const (
	Paper  Form = "paper"  // 纸质
	Email  Form = "email"  // 电子邮件
	Disc   Form = "disc"   // 光盘
	Onsite Form = "onsite" // 现场查阅
)

// Name is the form's name.
func (f Form) Name() string {
	return map[Form]string{Paper: "纸质", Email: "电子邮件", Disc: "光盘", Onsite: "现场查阅"}[f]
}

// Applicant is who applies and how to reach them. IDNumber and Phone are
// personal data: stored encrypted, shown masked.
type Applicant struct {
	Type       ApplicantType `json:"applicant_type"`
	Name       string        `json:"name"`     // a person's name
	OrgName    string        `json:"org_name"` // an organisation's name
	LegalRep   string        `json:"legal_rep"`
	IDType     IDType        `json:"id_type"`
	IDNumber   string        `json:"id_number"`
	CreditCode string        `json:"credit_code"` // 统一社会信用代码
	Address    string        `json:"address"`
	Phone      string        `json:"phone"`
	Email      string        `json:"email"`
}

// Display is the applicant as the letter addresses them.
func (a Applicant) Display() string {
	if a.Type == Person {
		return a.Name
	}
	return a.OrgName
}

// fold makes typed numbers comparable: full-width to half-width, spaces
// and hyphens out, upper case (a lowercase x).
func fold(s string) string {
	s = width.Fold.String(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	return strings.ToUpper(s)
}

var (
	rePassport  = regexp.MustCompile(`^[A-Z0-9]{5,17}$`)
	reForeignPR = regexp.MustCompile(`^(9\d{17}|[A-Z]{3}\d{12})$`)
	rePhone     = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$`)
	reEmail     = regexp.MustCompile(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$`)
)

// checkID validates a document number of its type; the message names the
// document and never repeats the number.
func checkID(t IDType, n string) error {
	switch t {
	case ResidentID:
		if len(n) == 15 {
			return catalog.Invalid("id_number", "15位的旧身份证号码已停止使用，请填写18位居民身份证号码")
		}
		if len(n) != 18 {
			return catalog.Invalid("id_number", "居民身份证号码应为18位，现为%d位", utf8.RuneCountInString(n))
		}
		if !catalog.ValidIDNumber(n) {
			return catalog.Invalid("id_number", "居民身份证号码有误（校验位或出生日期不对），请核对")
		}
	case HMTPermit:
		if len(n) != 18 || !(strings.HasPrefix(n, "81") || strings.HasPrefix(n, "82") || strings.HasPrefix(n, "83")) || !catalog.ValidIDNumber(n) {
			return catalog.Invalid("id_number", "港澳台居民居住证号码应为18位，以810000、820000或830000开头，请核对")
		}
	case Passport:
		if !rePassport.MatchString(n) {
			return catalog.Invalid("id_number", "护照号码应为5至17位字母或数字")
		}
	case ForeignPR:
		if !reForeignPR.MatchString(n) || (len(n) == 18 && !catalog.ValidIDNumber(n)) {
			return catalog.Invalid("id_number", "外国人永久居留身份证号码应为以9开头的18位数字，或3位字母加12位数字（旧版）")
		}
	default:
		return catalog.Invalid("id_type", "请选择证件类型")
	}
	return nil
}

// Normalize folds the typed numbers and trims the text.
func (a *Applicant) Normalize() {
	for _, p := range []*string{&a.Name, &a.OrgName, &a.LegalRep, &a.Address, &a.Email} {
		*p = strings.TrimSpace(width.Fold.String(*p))
	}
	a.Name, a.OrgName, a.LegalRep = strings.TrimSpace(a.Name), strings.TrimSpace(a.OrgName), strings.TrimSpace(a.LegalRep)
	a.IDNumber, a.CreditCode, a.Phone = fold(a.IDNumber), fold(a.CreditCode), fold(a.Phone)
}

// Validate checks the applicant; messages are in Chinese and name the field.
func (a *Applicant) Validate() error {
	a.Normalize()
	if a.Type.Name() == "" {
		return catalog.Invalid("applicant_type", "请选择申请人类型：自然人，或法人或其他组织")
	}
	if a.Type == Person {
		if a.Name == "" {
			return catalog.Invalid("name", "请填写申请人姓名")
		}
	} else {
		if a.OrgName == "" {
			return catalog.Invalid("org_name", "请填写法人或其他组织的名称")
		}
		if a.LegalRep == "" {
			return catalog.Invalid("legal_rep", "请填写法定代表人或主要负责人")
		}
		if !catalog.ValidCreditCode(a.CreditCode) {
			if len(a.CreditCode) != 18 {
				return catalog.Invalid("credit_code", "统一社会信用代码应为18位，现为%d位", utf8.RuneCountInString(a.CreditCode))
			}
			return catalog.Invalid("credit_code", "统一社会信用代码有误（校验位不对），请核对")
		}
	}
	if utf8.RuneCountInString(a.Name) > 50 || utf8.RuneCountInString(a.OrgName) > 100 || utf8.RuneCountInString(a.LegalRep) > 50 {
		return catalog.Invalid("name", "姓名或名称过长")
	}
	if err := checkID(a.IDType, a.IDNumber); err != nil {
		return err
	}
	if a.Address == "" {
		return catalog.Invalid("address", "请填写通信地址")
	}
	if !rePhone.MatchString(a.Phone) {
		return catalog.Invalid("phone", "联系电话应为11位手机号码，或带区号的固定电话")
	}
	if a.Email != "" && !reEmail.MatchString(a.Email) {
		return catalog.Invalid("email", "电子邮箱格式不正确")
	}
	return nil
}

// MaskID shows the first 3 and last 4 characters of a document number.
func MaskID(n string) string {
	if len(n) <= 7 {
		return strings.Repeat("*", len(n))
	}
	return n[:3] + strings.Repeat("*", len(n)-7) + n[len(n)-4:]
}

// NormalizePhone folds a typed phone number (full-width digits, spaces,
// dashes) into digits, and tells whether it is a mobile number or a fixed
// line with its area code.
func NormalizePhone(p string) (string, bool) {
	p = fold(p)
	return p, rePhone.MatchString(p)
}

// MaskPhone shows the first 3 and last 4 digits.
func MaskPhone(p string) string { return MaskID(p) }

// MaskName keeps a name's first character: 张*, 欧阳**.
func MaskName(n string) string {
	rs := []rune(n)
	if len(rs) <= 1 {
		return n
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-1)
}

// GroupID writes an 18-character number 6-8-4 for checking by eye.
func GroupID(n string) string {
	if len(n) != 18 {
		return n
	}
	return n[:6] + " " + n[6:14] + " " + n[14:]
}
