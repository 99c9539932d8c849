package api_test

import (
	"fmt"
	"strings"
	"testing"

	"gongkai/catalog"
	"gongkai/inspect"
)

// TestADomainDeclaredNotApplicableIsNotInspected: once a unit writes a
// 未涉及领域说明 for a domain, the quarter's computed report no longer
// counts that domain's columns as not updated, though the items remain.
func TestADomainDeclaredNotApplicableIsNotInspected(t *testing.T) {
	h := newAPI(t)
	inspector := h.login("inspector")
	stale := func() []inspect.Evidence {
		t.Helper()
		var rep inspect.Report
		if r := inspector.do("GET", "/api/v1/inspections/2020Q3", nil); r.status != 200 {
			t.Fatalf("report: %d %s", r.status, r.body)
		} else {
			r.decode(t, &rep)
		}
		for _, u := range rep.Units {
			if u.Code != "sanxi" {
				continue
			}
			for _, f := range u.Findings {
				if f.Code == "stale_quarter" {
					return f.Evidence
				}
			}
		}
		return nil
	}
	before := stale()
	if len(before) == 0 {
		t.Fatal("sanxi has no stale column in 2020Q3")
	}
	var it catalog.Item
	h.anon().do("GET", fmt.Sprintf("/api/v1/items/%d", before[0].ID), nil).decode(t, &it)
	if r := h.login("sanxi-clerk").do("PUT", "/api/v1/units/sanxi/exemptions/"+it.DomainCode, map[string]string{"reason": "本镇无此类事项"}); r.status != 200 && r.status != 204 {
		t.Fatalf("exemption: %d %s", r.status, r.body)
	}
	for _, e := range stale() {
		var other catalog.Item
		h.anon().do("GET", fmt.Sprintf("/api/v1/items/%d", e.ID), nil).decode(t, &other)
		if other.DomainCode == it.DomainCode {
			t.Errorf("a column of the exempt domain %s still judged: %+v", it.DomainCode, e)
		}
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
	if rep := report(); rectify(rep) != computed || strings.Contains(rep.Note, "未发布通报") {
		t.Errorf("Q2 issued: %d rectification findings, want %d; note %q", rectify(rep), computed, rep.Note)
	}
}
