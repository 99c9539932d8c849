package foi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"gongkai/catalog"
)

var numberForm = regexp.MustCompile(`^([0-9]{4})-?([0-9]{1,9})$`)

// clean folds what a resident may type — full-width digits and hyphens
// (NFKC), zero-width and other format characters, spaces — to plain ASCII.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// ParseNumber reads a registration number as a resident may type it
// (2026-00017, 202600017, ２０２６－０００１７) and gives its one canonical
// form, so that the database's collation cannot match other spellings to
// it and every spelling shares one throttle; EINVALID for anything else.
func ParseNumber(s string) (string, error) {
	if len(s) > 64 {
		return "", catalog.Invalid("number", "登记号格式不正确，应为年份和序号，如 2026-00017")
	}
	m := numberForm.FindStringSubmatch(clean(s))
	if m == nil {
		return "", catalog.Invalid("number", "登记号格式不正确，应为年份和序号，如 2026-00017")
	}
	n, _ := strconv.Atoi(m[2])
	if n == 0 {
		return "", catalog.Invalid("number", "登记号格式不正确，应为年份和序号，如 2026-00017")
	}
	return FormatNumber(m[1], n), nil
}

// FormatNumber is the canonical registration number of the n-th request of
// a year.
func FormatNumber(year string, n int) string {
	return year + "-" + leftPad(strconv.Itoa(n), 5)
}

// UnitCounter names the counter of a unit's own register of requests of a
// year.
func UnitCounter(unit string, year int) string {
	return fmt.Sprintf("request-%s-%d", unit, year)
}

// FormatUnitNumber is the n-th request of a year in a unit's own register
// (Request.UnitNo), e.g. 依申请〔2026〕3号.
func FormatUnitNumber(year int, n int64) string {
	return fmt.Sprintf("依申请〔%d〕%d号", year, n)
}

func leftPad(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return strings.Repeat("0", w-len(s)) + s
}

// ParsePhone4 reads the last four digits of a phone number as typed;
// EINVALID for anything but four digits.
func ParsePhone4(s string) (string, error) {
	if len(s) > 64 {
		return "", catalog.Invalid("phone4", "请填写申请时所留电话号码的后四位")
	}
	c := clean(s)
	if len(c) != 4 || strings.Trim(c, "0123456789") != "" {
		return "", catalog.Invalid("phone4", "请填写申请时所留电话号码的后四位")
	}
	return c, nil
}

// NewReceiptToken makes a request's receipt token: 18 random bytes in
// base64url.
// NewSubmitKey makes a form's submission key (Request.SubmitKey).
func NewSubmitKey() string { return NewReceiptToken() }

// ValidSubmitKey tells whether s is a key NewSubmitKey could have made.
func ValidSubmitKey(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 18
}

func NewReceiptToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenMatches compares a token as typed with a request's in constant
// time; an empty one never matches.
func TokenMatches(r *Request, token string) bool {
	return r.ReceiptToken != "" && len(token) == len(r.ReceiptToken) && subtle.ConstantTimeCompare([]byte(token), []byte(r.ReceiptToken)) == 1
}
