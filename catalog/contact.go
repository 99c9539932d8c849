package catalog

import (
	"regexp"
	"strings"
)

var (
	reLandline  = regexp.MustCompile(`^(0\d{2,3}-?)?\d{7,8}(-\d{1,5})?$`)
	reMobile    = regexp.MustCompile(`^1[3-9]\d{9}$`)
	reEmailOnly = regexp.MustCompile(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$`)
	rePostcode  = regexp.MustCompile(`^\d{6}$`)
)

// PhoneKind tells what a phone number as written in the county is: a
// landline (0563-8024390, 8024390) or a mobile (11 digits); "" if neither.
func PhoneKind(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	switch {
	case reMobile.MatchString(s):
		return "mobile"
	case reLandline.MatchString(s):
		return "landline"
	}
	return ""
}

// CheckPhone refuses a phone number that is neither, naming the field; an
// empty one passes unless required.
func CheckPhone(field, label, s string, required bool) error {
	if strings.TrimSpace(s) == "" {
		if required {
			return Invalid(field, "%s不能为空", label)
		}
		return nil
	}
	if PhoneKind(s) == "" {
		return Invalid(field, "%s“%s”格式不正确（如 0563-8024390、8024390 或11位手机号）", label, s)
	}
	return nil
}

// CheckEmail refuses a malformed e-mail address; empty passes.
func CheckEmail(field, s string) error {
	if s = strings.TrimSpace(s); s != "" && !reEmailOnly.MatchString(s) {
		return Invalid(field, "电子邮箱“%s”格式不正确", s)
	}
	return nil
}

// CheckPostcode refuses anything but six digits; empty passes.
func CheckPostcode(field, s string) error {
	if s = strings.TrimSpace(s); s != "" && !rePostcode.MatchString(s) {
		return Invalid(field, "邮政编码应为6位数字：“%s”", s)
	}
	return nil
}
