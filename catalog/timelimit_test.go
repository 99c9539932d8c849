package catalog_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gongkai/catalog"
)

// Every phrasing listed in DOMAIN.md §2.4, and a few more seen in catalogues.
func TestParseTimeLimit(t *testing.T) {
	const ev = "信息形成或者变更"
	cases := []struct {
		text      string
		kind      catalog.RuleKind
		n         int
		event     string
		period    catalog.Period
		month     int
		day       int
		display   int
		noteWants string
	}{
		// N working days after an event.
		{text: "信息形成或者变更之日起20个工作日内", kind: catalog.RuleWorkdays, n: 20, event: ev},
		{text: "信息形成或变更之日起20个工作日内", kind: catalog.RuleWorkdays, n: 20, event: "信息形成或变更"},
		{text: "自该信息形成或者变更之日起20个工作日内", kind: catalog.RuleWorkdays, n: 20, event: "信息形成或者变更"},
		{text: "自该政府信息形成或者变更之日起20个工作日内及时公开", kind: catalog.RuleWorkdays, n: 20, event: "信息形成或者变更"},
		{text: "自信息形成或者变更之日起20个工作日内予以公开", kind: catalog.RuleWorkdays, n: 20, event: ev},
		{text: "自信息形\n成或者变\n更之日起\n20个工作\n日内予以\n公开", kind: catalog.RuleWorkdays, n: 20, event: ev},
		{text: "信息形成或变更之日起3个工作日内", kind: catalog.RuleWorkdays, n: 3, event: "信息形成或变更"},
		{text: "信息形成之日起20个工作日内", kind: catalog.RuleWorkdays, n: 20, event: "信息形成"},
		{text: "信息形成20个工作日内公开", kind: catalog.RuleWorkdays, n: 20, event: "信息形成"},
		{text: "信息形成20个工 作日内公开", kind: catalog.RuleWorkdays, n: 20, event: "信息形成"},
		{text: "制定或获取信息之日起10个工作日内", kind: catalog.RuleWorkdays, n: 10, event: "制定或获取信息"},
		{text: "制 定 或 获 取 信 息之日起 10 个 工作日内", kind: catalog.RuleWorkdays, n: 10, event: "制定或获取信息"},
		{text: "自制作或获取该信息之日起20个工作日内公开", kind: catalog.RuleWorkdays, n: 20, event: "制作或获取该信息"},
		{text: "20工作日", kind: catalog.RuleWorkdays, n: 20, event: catalog.DefaultEvent},
		{text: "15个工作日", kind: catalog.RuleWorkdays, n: 15, event: catalog.DefaultEvent},
		{text: "15个工作日内公开", kind: catalog.RuleWorkdays, n: 15, event: catalog.DefaultEvent},
		{text: "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的，从其规定。", kind: catalog.RuleWorkdays, n: 20, event: ev, noteWants: "从其规定"},
		{text: "信息形成或者变更之日起二十个工作日内", kind: catalog.RuleWorkdays, n: 20, event: ev},
		{text: "２０个工作日内", kind: catalog.RuleWorkdays, n: 20, event: catalog.DefaultEvent},
		// N calendar days after an event.
		{text: "本级人民代表大会或其常务委员会批准后20日内", kind: catalog.RuleDays, n: 20, event: "本级人民代表大会或其常务委员会批准"},
		{text: "本级政府财政部门批复后20日内", kind: catalog.RuleDays, n: 20, event: "本级政府财政部门批复"},
		{text: "部门预算经本级财政部门批复后20日内公开", kind: catalog.RuleDays, n: 20, event: "部门预算经本级财政部门批复"},
		{text: "部门决算经本级财政部门批复后20日内公开", kind: catalog.RuleDays, n: 20, event: "部门决算经本级财政部门批复"},
		// Compound.
		{text: "制定或获取信息之日起10个工作日内，公示7个工作日", kind: catalog.RuleWorkdays, n: 10, event: "制定或获取信息", display: 7},
		{text: "信息形成20个工作日内公开；其中行政许可、行政处罚事项应自作出行政决定之日起7个工作日内公示", kind: catalog.RuleWorkdays, n: 20, event: "信息形成", noteWants: "行政许可"},
		{text: "及时公开，公告期限为5个", kind: catalog.RuleImmediate},
		// Fixed calendar and periodic.
		{text: "每年1月31日前", kind: catalog.RulePeriodic, period: catalog.PeriodYearly, month: 1, day: 31},
		{text: "每年3月底前", kind: catalog.RulePeriodic, period: catalog.PeriodYearly, month: 3, day: -1},
		{text: "按年公开", kind: catalog.RulePeriodic, period: catalog.PeriodYearly},
		{text: "按日公开", kind: catalog.RulePeriodic, period: catalog.PeriodDaily},
		{text: "按月公开", kind: catalog.RulePeriodic, period: catalog.PeriodMonthly},
		{text: "按月", kind: catalog.RulePeriodic, period: catalog.PeriodMonthly},
		{text: "按季度公开", kind: catalog.RulePeriodic, period: catalog.PeriodQuarterly},
		{text: "每季度", kind: catalog.RulePeriodic, period: catalog.PeriodQuarterly},
		{text: "按年度公开", kind: catalog.RulePeriodic, period: catalog.PeriodYearly},
		// Qualitative.
		{text: "实时公开", kind: catalog.RuleImmediate},
		{text: "实时", kind: catalog.RuleImmediate},
		{text: "及时公开", kind: catalog.RuleImmediate},
		{text: "同上", kind: catalog.RuleSameAbove},
		{text: " 同 上 ", kind: catalog.RuleSameAbove},
		{text: "按照区财政统一部署执行", kind: catalog.RuleUnparsed},
		{text: "", kind: catalog.RuleUnparsed},
		{text: "长期，最新有效", kind: catalog.RuleUnparsed},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.text, "\n", "⏎"), func(t *testing.T) {
			got := catalog.ParseTimeLimit(tc.text)
			if got.Text != tc.text {
				t.Errorf("text not kept: %q", got.Text)
			}
			if got.Kind != tc.kind || got.N != tc.n || got.Period != tc.period || got.DueMonth != tc.month || got.DueDay != tc.day || got.DisplayWorkdays != tc.display {
				t.Errorf("got %+v", got)
			}
			if tc.event != "" && got.Event != tc.event {
				t.Errorf("event %q, want %q", got.Event, tc.event)
			}
			if tc.noteWants != "" && !strings.Contains(got.Note, tc.noteWants) {
				t.Errorf("note %q lacks %q", got.Note, tc.noteWants)
			}
			if got.Parseable() != (tc.kind != catalog.RuleUnparsed) {
				t.Errorf("Parseable() = %v", got.Parseable())
			}
		})
	}
}

func TestResolveSameAbove(t *testing.T) {
	rules := []catalog.TimeLimit{
		catalog.ParseTimeLimit("同上"), // nothing above: stays 同上
		catalog.ParseTimeLimit("信息形成或变更之日起3个工作日内"),
		catalog.ParseTimeLimit("同上"),
		catalog.ParseTimeLimit("同上"),
		catalog.ParseTimeLimit("按月"),
		catalog.ParseTimeLimit("同上"),
	}
	got := catalog.ResolveSameAbove(rules)
	if got[0].Kind != catalog.RuleSameAbove {
		t.Errorf("row 0: %+v", got[0])
	}
	for _, i := range []int{2, 3} {
		if got[i].Kind != catalog.RuleWorkdays || got[i].N != 3 || got[i].Text != "同上" {
			t.Errorf("row %d: %+v", i, got[i])
		}
	}
	if got[5].Period != catalog.PeriodMonthly {
		t.Errorf("row 5: %+v", got[5])
	}
}

func TestDescribe(t *testing.T) {
	for text, want := range map[string]string{
		"信息形成20个工作日内公开":         "信息形成之日起20个工作日内",
		"每年1月31日前":              "每年1月31日前",
		"本级政府财政部门批复后20日内":       "本级政府财政部门批复后20日内",
		"按照区财政统一部署执行":           "未能识别：按照区财政统一部署执行",
		"自信息形\n成或者变更之日起20个工作日内": "信息形成或者变更之日起20个工作日内",
	} {
		if got := catalog.ParseTimeLimit(text).Describe(); got != want {
			t.Errorf("Describe(%q) = %q, want %q", text, got, want)
		}
	}
}

func FuzzParseTimeLimit(f *testing.F) {
	for _, s := range []string{"信息形成或者变更之日起20个工作日内", "每年1月31日前", "同上", "二十个工作日", "公示7个工作日；其中", "９９９９９９９９９９９个工作日", "十十十个工作日"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := catalog.ParseTimeLimit(s)
		if got.Text != s {
			t.Fatalf("text not kept")
		}
		if got.Kind == catalog.RuleWorkdays || got.Kind == catalog.RuleDays {
			if got.N <= 0 {
				t.Fatalf("non-positive N %d from %q", got.N, s)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(got.Describe()) {
			t.Fatalf("invalid description")
		}
	})
}

func TestFreshness(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, catalog.Shanghai)
	ago := func(days int) *time.Time { d := now.AddDate(0, 0, -days); return &d }
	for _, tc := range []struct {
		limit string
		last  *time.Time
		want  catalog.Freshness
	}{
		{"按月公开", ago(20), catalog.FreshOK},
		{"按月公开", ago(60), catalog.FreshOverdue},
		{"每季度", ago(100), catalog.FreshOK},
		{"每季度", ago(130), catalog.FreshOverdue},
		{"每年1月31日前", ago(300), catalog.FreshOK},
		{"每年1月31日前", ago(500), catalog.FreshOverdue},
		// Published in March 2026 for 31 March: met, due again in 2027.
		{"每年3月31日前", ago(245), catalog.FreshOK},
		// Published in October 2025, after its day: next 31 March is due,
		// and has passed.
		{"每年3月31日前", ago(392), catalog.FreshOverdue},
		{"每年12月底前", ago(20), catalog.FreshOK},
		{"信息形成或者变更之日起20个工作日内", ago(500), catalog.FreshEvent},
		{"按月公开", nil, catalog.FreshNever},
	} {
		it := catalog.Item{Columns: catalog.Columns{TimeLimit: catalog.ParseTimeLimit(tc.limit)}, LastPublishedAt: tc.last}
		if got := it.FreshnessAt(now); got != tc.want {
			t.Errorf("%s, last %v: %s, want %s", tc.limit, tc.last, got, tc.want)
		}
	}
}

func TestParseHours(t *testing.T) {
	for in, want := range map[string]string{
		"周一至周五 上午8:00—12:00 下午14:30-17:30": "周一至周五 8:00—12:00、14:30—17:30",
		"星期一到星期五 8：00－12：00，14：30～17：30":   "周一至周五 8:00—12:00、14:30—17:30",
		"周六 9:00-11:30": "周六 9:00—11:30",
	} {
		h, err := catalog.ParseHours(in)
		if err != nil || h.String() != want {
			t.Errorf("ParseHours(%q) = %q, %v; want %q", in, h.String(), err, want)
		}
	}
	for _, bad := range []string{"上班时间", "周一至周五", "周五至周一 8:00-12:00", "周一至周五 12:00-8:00", "周一 25:00-26:00"} {
		if _, err := catalog.ParseHours(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	u := catalog.Unit{Code: "x", Name: "x", FullName: "某县x局", Level: catalog.LevelCounty, Kind: catalog.KindDepartment, OfficeHours: "随时"}
	if err := u.Validate(); catalog.ErrorField(err) != "office_hours" {
		t.Errorf("bad hours on a unit: %v", err)
	}
}
