package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/inspect"
)

// TestADomainDeclaredNotApplicableIsNotInspected: once a unit writes a
// 未涉及领域说明 for a domain it never published anything under, the
// report no longer counts that domain's columns as not updated; for a
// domain it did publish under, the declaration takes nothing out.
func TestADomainDeclaredNotApplicableIsNotInspected(t *testing.T) {
	h := newAPI(t)
	inspector, clerk := h.login("inspector"), h.login("sanxi-clerk")
	stale := func(q string) map[int64]bool {
		t.Helper()
		var rep inspect.Report
		if r := inspector.do("GET", "/api/v1/inspections/"+q, nil); r.status != 200 {
			t.Fatalf("report: %d %s", r.status, r.body)
		} else {
			r.decode(t, &rep)
		}
		out := map[int64]bool{}
		for _, u := range rep.Units {
			for _, f := range u.Findings {
				if u.Code == "sanxi" && f.Code == "stale_quarter" {
					for _, e := range f.Evidence {
						out[e.ID] = true
					}
				}
			}
		}
		return out
	}
	// A column of a domain sanxi never published under, added now.
	var it catalog.Item
	if r := clerk.do("POST", "/api/v1/units/sanxi/items", map[string]any{"domain_code": "ssgl", "level1": "税收管理", "level2": "税收优惠政策",
		"content": "本镇涉及的税收优惠政策"}); r.status != 201 {
		t.Fatalf("item: %d %s", r.status, r.body)
	} else {
		r.decode(t, &it)
	}
	now := time.Now().In(catalog.Shanghai)
	q := inspect.Quarter{Year: now.Year(), N: (int(now.Month())-1)/3 + 1}.String()
	if !stale(q)[it.ID] {
		t.Fatal("the new column is not judged")
	}
	if r := clerk.do("PUT", "/api/v1/units/sanxi/exemptions/ssgl", map[string]string{"reason": "本镇无税收征管职能"}); r.status != 200 && r.status != 204 {
		t.Fatalf("exemption: %d %s", r.status, r.body)
	}
	if stale(q)[it.ID] {
		t.Error("a column of a domain declared 未涉及 is still judged")
	}
	// A domain with publications: declaring it takes nothing out.
	before := stale("2020Q3")
	var first int64
	for id := range before {
		first = id
		break
	}
	var old catalog.Item
	h.anon().do("GET", fmt.Sprintf("/api/v1/items/%d", first), nil).decode(t, &old)
	if old.LastPublishedAt == nil {
		t.Fatalf("item %d was never published", first)
	}
	if r := clerk.do("PUT", "/api/v1/units/sanxi/exemptions/"+old.DomainCode, map[string]string{"reason": "本镇无此类事项"}); r.status != 200 && r.status != 204 {
		t.Fatalf("exemption: %d %s", r.status, r.body)
	}
	if after := stale("2020Q3"); len(after) != len(before) || !after[first] {
		t.Errorf("a domain published under was taken out: %d columns judged, %d before", len(after), len(before))
	}
}

// TestASkippedBulletinIsNotRectified: once the county issues its
// bulletins here, a quarter whose bulletin it did not issue told the units
// nothing, and the next quarter judges no rectification — its report says
// why; issued, it is judged again.
func TestASkippedBulletinIsNotRectified(t *testing.T) {
	h := newAPI(t)
	inspector := h.login("inspector")
	report := func() inspect.Report {
		t.Helper()
		var rep inspect.Report
		if r := inspector.do("GET", "/api/v1/inspections/2020Q3", nil); r.status != 200 {
			t.Fatalf("report: %d %s", r.status, r.body)
		} else {
			r.decode(t, &rep)
		}
		return rep
	}
	rectify := func(rep inspect.Report) (n int) {
		for _, u := range rep.Units {
			for _, f := range u.Findings {
				if f.Code == "rectify_failed" || f.Code == "rectify_report" {
					n++
				}
			}
		}
		return n
	}
	issue := func(q string) {
		t.Helper()
		if r := inspector.do("POST", "/api/v1/inspections/"+q+"/issue", nil); r.status != 201 && r.status != 200 {
			t.Fatalf("issue %s: %d %s", q, r.status, r.body)
		}
	}
	computed := rectify(report()) // nothing issued yet: Q2 computed
	if computed == 0 {
		t.Fatal("the demo's Q3 has no rectification finding")
	}
	issue("2020Q1")
	rep := report()
	if n := rectify(rep); n != 0 || !strings.Contains(rep.Note, "二季度未发布通报，本季度不评整改落实情况") {
		t.Errorf("Q2 skipped: %d rectification findings, note %q", n, rep.Note)
	}
	issue("2020Q2")
	// Issued today (its deadline moved 30 days on): judged again.
	if rep := report(); rectify(rep) == 0 || strings.Contains(rep.Note, "未发布通报") {
		t.Errorf("Q2 issued: %d rectification findings (%d computed before); note %q", rectify(rep), computed, rep.Note)
	}
}
