package filing_test

import (
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/filing"
)

func on(s string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", s, catalog.Shanghai)
	return t
}

func f(date string, pubs ...string) filing.Filing {
	x := filing.Filing{FiledOn: on(date), Leader: filing.Person{Name: "分管领导", Phone: "0563-8024390"}}
	for _, p := range pubs {
		x.Publishers = append(x.Publishers, filing.Person{Name: p, Phone: "8024390"})
	}
	return x
}

func TestWatchList(t *testing.T) {
	units := []catalog.Unit{{Code: "a", Name: "甲"}, {Code: "b", Name: "乙"}, {Code: "c", Name: "丙"}, {Code: "d", Name: "丁"}}
	history := map[string][]filing.Filing{
		"a": {f("2025-12-01", "张"), f("2026-03-01", "李"), f("2026-09-01", "王")}, // two changes within the year
		"b": {f("2024-01-01", "赵")},                                             // over a year old
		"d": {f("2026-06-01", "钱", "孙"), f("2026-08-01", "孙", "钱")},             // same people, no change
	}
	got := map[string]string{}
	for _, w := range filing.WatchList(units, history, on("2026-11-26")) {
		got[w.UnitCode] = strings.Join(w.Reasons, ",")
	}
	want := map[string]string{"a": "发布员变动频繁", "b": "超过12个月未重新备案", "c": "未备案"}
	if len(got) != len(want) {
		t.Errorf("watch list %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	// Judged at an earlier date, later filings do not count.
	early := filing.WatchList(units[:1], history, on("2026-01-01"))
	if len(early) != 0 {
		t.Errorf("at 2026-01-01: %+v", early)
	}
}

func TestValidateAndConsistency(t *testing.T) {
	x := f("2026-11-26", "曹孝丽")
	x.Publishers[0].Phone = "12-34"
	if err := x.Validate(); catalog.ErrorField(err) != "publishers" {
		t.Errorf("bad phone: %v", err)
	}
	x.Publishers[0].Phone = "13912345678" // a mobile may be filed, it is not public
	x.Email = "not-an-email"
	if err := x.Validate(); catalog.ErrorField(err) != "email" {
		t.Errorf("bad email: %v", err)
	}
	x.Email = ""
	if err := x.Validate(); err != nil {
		t.Fatal(err)
	}
	accounts := []filing.Account{{Username: "u1", DisplayName: "分管领导", Role: "leader"}, {Username: "u2", DisplayName: "曹孝丽", Role: "clerk", Disabled: true},
		{Username: "u3", DisplayName: "新人", Role: "clerk"}}
	kinds := map[string]string{}
	for _, m := range filing.Consistency(&x, accounts) {
		kinds[m.Name] = m.Kind
	}
	if kinds["曹孝丽"] != "disabled_still_filed" || kinds["新人"] != "account_without_filing" || kinds["分管领导"] != "" {
		t.Errorf("consistency %v", kinds)
	}
}
