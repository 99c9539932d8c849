package catalog

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// RuleKind is the shape of a parsed 公开时限.
type RuleKind string

// The shapes a 公开时限 takes.
const (
	RuleWorkdays  RuleKind = "workdays"  // N working days after an event
	RuleDays      RuleKind = "days"      // N calendar days after an event
	RulePeriodic  RuleKind = "periodic"  // daily, monthly, quarterly, yearly
	RuleImmediate RuleKind = "immediate" // 实时 / 及时
	RuleSameAbove RuleKind = "same"      // 同上: the previous row's rule
	RuleUnparsed  RuleKind = "unparsed"  // kept as text for a human
)

// Period of a periodic rule.
type Period string

// Periods.
const (
	PeriodDaily     Period = "daily"
	PeriodMonthly   Period = "monthly"
	PeriodQuarterly Period = "quarterly"
	PeriodYearly    Period = "yearly"
)

// TimeLimit is the parsed rule of a 公开时限 text. The original text is always
// kept; a text that does not parse is RuleUnparsed and never blocks saving.
type TimeLimit struct {
	Text   string   `json:"text"`
	Kind   RuleKind `json:"kind"`
	N      int      `json:"n,omitempty"`      // days, for workdays and days
	Event  string   `json:"event,omitempty"`  // what starts the clock, e.g. 信息形成或者变更
	Period Period   `json:"period,omitempty"` // for periodic
	// DueMonth and DueDay give a periodic rule's due date within its period
	// (每年1月31日前 → 1, 31); DueDay -1 means the month's last day (月底前).
	DueMonth int `json:"due_month,omitempty"`
	DueDay   int `json:"due_day,omitempty"`
	// DisplayWorkdays is how long a notice must stay up (公示7个工作日).
	DisplayWorkdays int `json:"display_workdays,omitempty"`
	// Note keeps what the rule does not model: the 法律、法规…从其规定 clause, a
	// special sub-case (其中…), a truncated remainder.
	Note string `json:"note,omitempty"`
}

// DefaultEvent is the statutory event of 条例 第二十六条, assumed when a text gives
// only a count ("20工作日").
const DefaultEvent = "信息形成或者变更"

// Parseable reports whether the rule can be used to judge timeliness.
func (t TimeLimit) Parseable() bool { return t.Kind != RuleUnparsed && t.Kind != "" }

// Describe renders the rule in plain Chinese for a resident or clerk.
func (t TimeLimit) Describe() string {
	switch t.Kind {
	case RuleWorkdays:
		ev := t.Event
		if ev == "" {
			ev = DefaultEvent
		}
		return ev + "之日起" + strconv.Itoa(t.N) + "个工作日内"
	case RuleDays:
		return t.Event + "后" + strconv.Itoa(t.N) + "日内"
	case RulePeriodic:
		switch t.Period {
		case PeriodDaily:
			return "每日"
		case PeriodMonthly:
			return "每月"
		case PeriodQuarterly:
			return "每季度"
		case PeriodYearly:
			if t.DueMonth > 0 && t.DueDay == -1 {
				return "每年" + strconv.Itoa(t.DueMonth) + "月底前"
			}
			if t.DueMonth > 0 {
				return "每年" + strconv.Itoa(t.DueMonth) + "月" + strconv.Itoa(t.DueDay) + "日前"
			}
			return "每年"
		}
	case RuleImmediate:
		return "及时公开"
	case RuleSameAbove:
		return "同上"
	}
	return "未能识别：" + t.Text
}

var (
	reLegal     = regexp.MustCompile(`[。；;，,]?法律、?法规对[^。]*?另有规定的[，,]?从其规定[。]?`)
	reDisplay   = regexp.MustCompile(`公示(\d+)个?工作日`)
	reWorkdays  = regexp.MustCompile(`^(.*?)(\d+)个?工作日`)
	reDays      = regexp.MustCompile(`^(.*?)(\d+)(?:个自然日|个日历日|日|天)内`)
	reYearDue   = regexp.MustCompile(`每年(?:的)?(\d{1,2})月(\d{1,2})日(?:前|之前|以前)`)
	reYearEnd   = regexp.MustCompile(`每年(?:的)?(\d{1,2})月(?:底|末)(?:前|之前)?`)
	reQuarterly = regexp.MustCompile(`按季度|每季度|按季|每季|季度公开`)
	reMonthly   = regexp.MustCompile(`按月|每月|月度公开`)
	reDaily     = regexp.MustCompile(`按日|每日|每天`)
	reYearly    = regexp.MustCompile(`按年|每年|年度公开|按年度`)
	reImmediate = regexp.MustCompile(`实时|及时|即时|随时`)
)

// normalize drops every kind of space and line break (cells copied from PDFs
// carry them between characters) and turns full-width digits half-width.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u3000' || r == '\u200b':
			continue
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		default:
			b.WriteRune(r)
		}
	}
	return cnNumerals(b.String())
}

var cnDigit = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// cnNumerals turns small Chinese numerals before 个/工作日/日/天 into digits
// (二十个工作日 → 20个工作日) so the rest of the parser sees one shape.
func cnNumerals(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && (rs[j] == '十' || cnDigit[rs[j]] > 0 || rs[j] == '零' || rs[j] == '〇') {
			j++
		}
		if j > i && j < len(rs) && strings.ContainsRune("个工日天", rs[j]) {
			if v, ok := cnValue(rs[i:j]); ok {
				b.WriteString(strconv.Itoa(v))
				i = j
				continue
			}
		}
		if j > i {
			b.WriteString(string(rs[i:j]))
			i = j
			continue
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

func cnValue(rs []rune) (int, bool) {
	if len(rs) == 0 || len(rs) > 3 {
		return 0, false
	}
	v, cur := 0, 0
	for _, r := range rs {
		if r == '十' {
			if cur == 0 {
				cur = 1
			}
			v += cur * 10
			cur = 0
			continue
		}
		d, ok := cnDigit[r]
		if !ok {
			return 0, false
		}
		cur = d
	}
	return v + cur, v+cur > 0
}

// cleanEvent trims the words around the event that starts the clock.
func cleanEvent(s string) string {
	s = strings.Trim(s, "，,。；;：:")
	for _, p := range []string{"自该政府", "自该", "自"} {
		s = strings.TrimPrefix(s, p)
	}
	for _, suf := range []string{"之日起", "之日后", "日起", "之日", "起", "后"} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSuffix(s, suf)
			break
		}
	}
	s = strings.TrimPrefix(s, "政府")
	return s
}

// ParseTimeLimit turns a 公开时限 cell into a rule. It never fails: a text it
// cannot read comes back as RuleUnparsed with the text kept.
func ParseTimeLimit(text string) (t TimeLimit) {
	t = TimeLimit{Text: text, Kind: RuleUnparsed}
	s := normalize(text)
	if s == "" {
		return t
	}
	var notes []string
	if m := reLegal.FindString(s); m != "" {
		notes = append(notes, strings.TrimLeft(m, "。；;，,"))
		s = strings.Replace(s, m, "", 1)
	}
	// A compound rule: the first clause is the deadline, the rest a note
	// (其中行政许可…7个工作日内公示; 公告期限为5个…).
	main := s
	if i := strings.IndexAny(s, "；;"); i >= 0 {
		main, notes = s[:i], append(notes, strings.TrimLeft(s[i:], "；;"))
	}
	if m := reDisplay.FindStringSubmatch(main); m != nil {
		t.DisplayWorkdays, _ = strconv.Atoi(m[1])
		main = strings.Replace(main, m[0], "", 1)
	}
	main = strings.TrimRight(main, "，,。")
	defer func() {
		if len(notes) > 0 && t.Kind != RuleUnparsed {
			t.Note = strings.Join(notes, "；")
		}
	}()

	switch {
	case main == "同上" || main == "同上。":
		t.Kind = RuleSameAbove
		return t
	}
	if m := reWorkdays.FindStringSubmatch(main); m != nil {
		n, err := strconv.Atoi(m[2])
		if err == nil && n > 0 && n < 1000 {
			t.Kind, t.N = RuleWorkdays, n
			t.Event = cleanEvent(m[1])
			if t.Event == "" {
				t.Event = DefaultEvent
			}
			return t
		}
	}
	if m := reDays.FindStringSubmatch(main); m != nil && !strings.Contains(m[0], "工作") {
		n, err := strconv.Atoi(m[2])
		if err == nil && n > 0 && n < 1000 {
			t.Kind, t.N = RuleDays, n
			t.Event = cleanEvent(m[1])
			return t
		}
	}
	if m := reYearDue.FindStringSubmatch(main); m != nil {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			t.Kind, t.Period, t.DueMonth, t.DueDay = RulePeriodic, PeriodYearly, mo, d
			return t
		}
	}
	if m := reYearEnd.FindStringSubmatch(main); m != nil {
		mo, _ := strconv.Atoi(m[1])
		if mo >= 1 && mo <= 12 {
			t.Kind, t.Period, t.DueMonth, t.DueDay = RulePeriodic, PeriodYearly, mo, -1
			return t
		}
	}
	switch {
	case reDaily.MatchString(main):
		t.Kind, t.Period = RulePeriodic, PeriodDaily
	case reQuarterly.MatchString(main):
		t.Kind, t.Period = RulePeriodic, PeriodQuarterly
	case reMonthly.MatchString(main):
		t.Kind, t.Period = RulePeriodic, PeriodMonthly
	case reYearly.MatchString(main):
		t.Kind, t.Period = RulePeriodic, PeriodYearly
	case reImmediate.MatchString(main):
		t.Kind = RuleImmediate
	}
	return t
}

// ResolveSameAbove replaces 同上 rules by the rule of the nearest earlier row
// that has one, as catalogues mean it; the text of each row is kept.
func ResolveSameAbove(rules []TimeLimit) []TimeLimit {
	out := make([]TimeLimit, len(rules))
	var prev *TimeLimit
	for i, r := range rules {
		out[i] = r
		if r.Kind == RuleSameAbove && prev != nil {
			text := r.Text
			out[i] = *prev
			out[i].Text = text
		}
		if out[i].Kind != RuleSameAbove {
			p := out[i]
			prev = &p
		}
	}
	return out
}
