package catalog

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// PrivacyKind is a kind of personal information found in a text.
type PrivacyKind string

// Kinds the privacy check looks for (DESIGN.md: the county sweeps for these
// every quarter; 条例 第十五条).
const (
	PrivacyIDNumber PrivacyKind = "id_number" // 居民身份证号码 (GB 11643, checksum valid)
	PrivacyMobile   PrivacyKind = "mobile"    // 手机号码
	PrivacyBankCard PrivacyKind = "bank_card" // 银行卡号 (Luhn valid)
	PrivacyEmail    PrivacyKind = "email"     // 电子邮箱
)

// Name is the kind in Chinese.
func (k PrivacyKind) Name() string {
	switch k {
	case PrivacyIDNumber:
		return "身份证号码"
	case PrivacyMobile:
		return "手机号码"
	case PrivacyBankCard:
		return "银行卡号"
	case PrivacyEmail:
		return "电子邮箱"
	}
	return string(k)
}

// PrivacyHit is one piece of personal information in a text.
type PrivacyHit struct {
	Kind  PrivacyKind `json:"kind"`
	Name  string      `json:"name"`
	Text  string      `json:"text"`  // as found
	Start int         `json:"start"` // offset in characters (runes)
	End   int         `json:"end"`
	// Where is the part of a publication it is in: 正文, or 附件“name”
	// (after an AttachmentMarker).
	Where string `json:"where"`
	// Count is how many times the same text is found, in Distinct's hits.
	Count int `json:"count,omitempty"`
}

// AttachmentMarker heads an attachment's text where it joins a
// publication's, so that a privacy hit names the file it is in.
func AttachmentMarker(name string) string { return "\n【附件 " + name + "】\n" }

// Distinct keeps the first hit of each text found, with where it is and
// how many times it is: one reason covers every repeat of a number.
func Distinct(hits []PrivacyHit) []PrivacyHit {
	at := map[string]int{}
	var out []PrivacyHit
	for _, h := range hits {
		if i, ok := at[h.Text]; ok {
			out[i].Count++
			if !strings.Contains(out[i].Where, h.Where) {
				out[i].Where += "、" + h.Where
			}
			continue
		}
		at[h.Text] = len(out)
		h.Count = 1
		out = append(out, h)
	}
	return out
}

var (
	reDigitsRun = regexp.MustCompile(`[0-9][0-9 \-]{9,24}[0-9Xx]`)
	reEmail     = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ValidIDNumber tells whether s is an 18-character resident ID number with a
// valid GB 11643 check character, a province code and a real birth date.
func ValidIDNumber(s string) bool {
	if len(s) != 18 || s[0] < '1' || s[0] > '9' {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * idWeights[i]
	}
	check := "10X98765432"[sum%11]
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if last != check {
		return false
	}
	birth, err := time.Parse("20060102", s[6:14])
	return err == nil && birth.Year() >= 1900 && birth.Before(time.Now())
}

// Luhn tells whether a string of digits passes the Luhn check of card numbers.
func Luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return len(digits) > 0 && sum%10 == 0
}

func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// ScanPrivacy finds resident ID numbers, mobile numbers, bank card numbers
// and e-mail addresses in a text, in order of appearance. Numbers may be
// written with spaces or hyphens between groups.
func ScanPrivacy(text string) []PrivacyHit {
	// Full-width digits and letters (３４２５…) are read as the ASCII
	// they stand for.
	if strings.IndexFunc(text, foldable) >= 0 {
		text = width.Fold.String(text)
	}
	run, at, exp := clues(text)
	var hits []PrivacyHit
	add := func(kind PrivacyKind, start, end int) {
		where := "正文"
		if i := strings.LastIndex(text[:start], "\n【附件 "); i >= 0 {
			if j := strings.Index(text[i:], "】\n"); j >= 0 && i+j < start {
				where = "附件“" + text[i+len("\n【附件 "):i+j] + "”"
			}
		}
		hits = append(hits, PrivacyHit{Kind: kind, Name: kind.Name(), Text: text[start:end], Where: where,
			Start: utf8.RuneCountInString(text[:start]), End: utf8.RuneCountInString(text[:end])})
	}
	for _, m := range reDigitsRun.FindAllStringIndex(text[:run], -1) {
		start, end := m[0], m[1]
		// A run glued to more digits or letters is a longer code, not ours.
		if start > 0 && isWordByte(text[start-1]) || end < len(text) && isWordByte(text[end]) {
			continue
		}
		raw := text[start:end]
		d := strings.NewReplacer(" ", "", "-", "").Replace(raw)
		switch {
		case ValidIDNumber(d):
			add(PrivacyIDNumber, start, end)
		case isMobile(d):
			add(PrivacyMobile, start, end)
		case len(d) >= 16 && len(d) <= 19 && Luhn(d):
			add(PrivacyBankCard, start, end)
		default:
			// An 11-digit mobile inside a longer run of groups ("电话 138 0013 8000 转").
			for _, sub := range reMobileIn.FindAllStringIndex(raw, -1) {
				add(PrivacyMobile, start+sub[0], start+sub[1])
			}
		}
	}
	// An ID number typed into a spreadsheet as a number is kept as one:
	// 3.4182519530506E+017, its last digits lost. Its first 14 still name
	// a place and a birth date.
	for _, m := range reIDAsNumber.FindAllStringSubmatchIndex(text[:exp], -1) {
		if m[0] > 0 && isWordByte(text[m[0]-1]) || m[1] < len(text) && isWordByte(text[m[1]]) {
			continue
		}
		lead := text[m[2]:m[3]] + text[m[4]:m[5]]
		if len(lead) < 14 {
			continue
		}
		if birth, err := time.Parse("20060102", lead[6:14]); err == nil && birth.Year() >= 1900 && birth.Before(time.Now()) {
			add(PrivacyIDNumber, m[0], m[1])
		}
	}
	for _, m := range reEmail.FindAllStringIndex(text[:at], -1) {
		add(PrivacyEmail, m[0], m[1])
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Start < hits[j].Start })
	return hits
}

// reIDAsNumber is an 18-digit number in scientific notation, as
// spreadsheets store and LibreOffice writes it: its first digit and those
// after the point.
var reIDAsNumber = regexp.MustCompile(`([1-9])\.([0-9]{12,16})[Ee]\+0?17`)

var reMobileIn = regexp.MustCompile(`(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)`)

// foldable tells whether a character is the full-width form of one the
// patterns are made of (a digit, a letter, ＠－．＋＿％ or the ideographic
// space); Chinese punctuation, full-width too, is not.
func foldable(r rune) bool {
	return r == '\u3000' || r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ' || strings.ContainsRune("＠－．＋＿％", r)
}

// clues reads a text once for what each pattern needs, so that most texts
// (an inspection scans a county's quarter) skip the regular expressions.
// run is how far the text must be searched for numbers: to the end of its
// last run of 11 or more digits, spaces and hyphens (an X may end one), 0
// when it has none. at and exp are the text's length when it holds an @,
// or an "E+" of scientific notation; 0 when not.
func clues(text string) (run, at, exp int) {
	n := 0
	for i := 0; i < len(text); i++ {
		switch b := text[i]; {
		case b >= '0' && b <= '9' || b == ' ' || b == '-' || b == 'X' || b == 'x':
			if n++; n >= 11 {
				run = i + 1 // and on, while the run goes on
			}
			if b == 'x' || b == 'X' {
				n = 0 // an X ends an ID number
			}
		default:
			n = 0
			switch b {
			case '@':
				at = len(text)
			case '+':
				if i > 0 && (text[i-1] == 'E' || text[i-1] == 'e') {
					exp = len(text)
				}
			}
		}
	}
	return run, at, exp
}

func isWordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// Mask shows a hit with its middle hidden, for messages and logs.
func (h PrivacyHit) Mask() string {
	r := []rune(h.Text)
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// PrivacyConfirmation is a clerk's reason for keeping a piece of personal
// information found in a text (e.g. a unit's public service phone).
type PrivacyConfirmation struct {
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// CheckPrivacy refuses a text whose personal information is not each
// confirmed with a reason; the message lists what is left, masked.
func CheckPrivacy(text string, confirmed []PrivacyConfirmation) ([]PrivacyHit, error) {
	hits := ScanPrivacy(text)
	ok := map[string]bool{}
	for _, c := range confirmed {
		if strings.TrimSpace(c.Reason) != "" {
			ok[c.Text] = true
		}
	}
	var open []string
	for _, h := range Distinct(hits) {
		if ok[h.Text] {
			continue
		}
		if h.Count > 1 {
			open = append(open, fmt.Sprintf("%s %s（%s，共%d处）", h.Name, h.Mask(), h.Where, h.Count))
		} else {
			open = append(open, fmt.Sprintf("%s %s（%s）", h.Name, h.Mask(), h.Where))
		}
	}
	if len(open) > 0 {
		return hits, Invalid("privacy", "内容含疑似个人信息，请删除或逐项说明保留理由：%s", strings.Join(open, "；"))
	}
	return hits, nil
}
