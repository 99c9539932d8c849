package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
)

// TestWorkflowTable asserts every cell of catalog.Workflow through the API:
// each status × step × person. A step not open in a status answers 409 to
// the unit's staff; one whose right the person lacks answers 403; signed-out
// callers get 401; a refused step changes nothing.
func TestWorkflowTable(t *testing.T) {
	ts := sharedServer(t)
	item := firstItem(t, ts, "miaoshou")
	// The rule, written out apart from catalog.Workflow: who may take which
	// step in which status (c clerk, l leader of the unit, a county admin);
	// a missing cell is a step not open in that status.
	spec := map[string]string{
		"draft/submit":        "cla",
		"draft/withdraw":      "cla",
		"submitted/approve":   "la",
		"submitted/reject":    "la",
		"published/takedown":  "a",
		"published/withdraw":  "la",
		"taken_down/rectify":  "cla",
		"taken_down/withdraw": "la",
		"scheduled/withdraw":  "la",
	}
	people := []struct {
		name   string
		letter string
		staff  bool // may write in 庙首镇
	}{
		{"miaoshou-clerk", "c", true},
		{"miaoshou-leader", "l", true},
		{"admin", "a", true},
		{"sanxi-leader", "", false},
		{"inspector", "", false},
		{"", "", false}, // signed out
	}
	clients := map[string]*client{"": ts.anon()}
	for _, p := range people[:5] {
		clients[p.name] = ts.login(p.name)
	}
	clerk, leader, admin := clients["miaoshou-clerk"], clients["miaoshou-leader"], clients["admin"]

	// inState makes a publication in a status, submitted by the clerk.
	n := 0
	inState := func(st catalog.PubStatus) int64 {
		t.Helper()
		n++
		var p catalog.Publication
		r := clerk.do("POST", "/api/v1/items/"+itoa(item.ID)+"/publications", map[string]any{"title": fmt.Sprintf("流程测试%d", n), "generated_on": "2026-11-02"})
		r.decode(t, &p)
		must := func(r response) {
			t.Helper()
			if r.status != 200 {
				t.Fatalf("to %s: %d %s", st, r.status, r.body)
			}
		}
		switch st {
		case catalog.PubWithdrawn:
			must(clerk.step(p.ID, "withdraw", map[string]string{"reason": "不再需要"}))
		case catalog.PubScheduled:
			must(clerk.step(p.ID, "submit", submitBody))
			must(leader.step(p.ID, "approve", map[string]string{"publish_at": time.Now().In(catalog.Shanghai).AddDate(0, 0, 2).Format("2006-01-02 15:04")}))
		case catalog.PubSubmitted, catalog.PubPublished, catalog.PubTakenDown, catalog.PubSuperseded:
			must(clerk.step(p.ID, "submit", submitBody))
			if st != catalog.PubSubmitted {
				must(leader.step(p.ID, "approve", nil))
			}
			if st == catalog.PubTakenDown {
				must(admin.step(p.ID, "takedown", map[string]string{"reason": "typo", "note": "错别字"}))
			}
			if st == catalog.PubSuperseded {
				var rev catalog.Publication
				r := clerk.do("POST", "/api/v1/publications/"+itoa(p.ID)+"/revise", nil)
				if r.status != 201 {
					t.Fatalf("revise: %d %s", r.status, r.body)
				}
				r.decode(t, &rev)
				must(clerk.step(rev.ID, "submit", submitBody))
				must(leader.step(rev.ID, "approve", nil))
			}
		}
		return p.ID
	}
	body := func(a catalog.PubAction) any {
		switch a {
		case catalog.StepSubmit, catalog.StepRectify:
			return submitBody
		case catalog.StepTakedown:
			return map[string]string{"reason": "privacy", "note": "含手机号"}
		}
		return map[string]string{"reason": "测试原因"}
	}
	statusOf := func(id int64) catalog.PubStatus {
		var p catalog.Publication
		admin.do("GET", "/api/v1/publications/"+itoa(id), nil).decode(t, &p)
		return p.Status
	}

	cells := 0
	for _, st := range catalog.Statuses {
		shared := inState(st)
		for _, a := range catalog.Steps {
			tr, _ := catalog.FindTransition(st, a)
			who, open := spec[string(st)+"/"+string(a)]
			for _, p := range people {
				want := 409
				switch {
				case p.name == "":
					want = 401
				case !p.staff:
					want = 403
				case open && !strings.Contains(who, p.letter):
					want = 403
				case open:
					want = 200
				}
				id := shared
				if want == 200 {
					id = inState(st) // a step that works changes its publication
				}
				r := clients[p.name].step(id, string(a), body(a))
				cells++
				if r.status != want {
					t.Errorf("%s: %s by %q: %d, want %d (%s)", st, a, p.name, r.status, want, r.body)
					continue
				}
				if want == 200 && statusOf(id) != tr.To {
					t.Errorf("%s: %s by %q led to %s, want %s", st, a, p.name, statusOf(id), tr.To)
				}
			}
		}
		if got := statusOf(shared); got != st {
			t.Errorf("refused steps changed a %s publication to %s", st, got)
		}
	}
	if cells != len(catalog.Statuses)*len(catalog.Steps)*len(people) {
		t.Errorf("%d cells asserted", cells)
	}
	// The submitter may not approve even with the right: the leader submits.
	id := inState(catalog.PubDraft)
	if r := leader.step(id, "submit", submitBody); r.status != 200 {
		t.Fatalf("leader submits: %d", r.status)
	}
	if r := leader.step(id, "approve", nil); r.status != 403 {
		t.Errorf("leader approves own submission: %d %s", r.status, r.body)
	}
	if r := admin.step(id, "approve", nil); r.status != 200 {
		t.Errorf("another person approves: %d %s", r.status, r.body)
	}
	// The takedown carries a rectification due date 5 working days on.
	var p catalog.Publication
	admin.step(id, "takedown", map[string]string{"reason": "privacy"}).decode(t, &p)
	today := time.Now().In(catalog.Shanghai)
	want, _ := ts.s.calendar.AddWorkdays(today, 5)
	if p.RectifyDue == nil || p.RectifyDue.Format("2006-01-02") != want.Format("2006-01-02") || p.StatusReason != "泄露隐私" {
		t.Errorf("takedown: due %v (want %s), reason %q", p.RectifyDue, want.Format("2006-01-02"), p.StatusReason)
	}
	var evs []catalog.Event
	clerk.do("GET", "/api/v1/publications/"+itoa(id)+"/events", nil).decode(t, &evs)
	if len(evs) != 3 || evs[2].Action != catalog.StepTakedown || evs[2].Actor != "admin" || evs[2].At.IsZero() {
		t.Errorf("events %+v", evs)
	}
	if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(id)+"/events", nil); r.status != 401 {
		t.Errorf("public reads the review record: %d", r.status)
	}
	// The unit's queue lists what waits.
	var queue []catalog.Publication
	leader.do("GET", "/api/v1/units/miaoshou/publications?status=taken_down", nil).decode(t, &queue)
	found := false
	for _, q := range queue {
		found = found || q.ID == id
		if q.Status != catalog.PubTakenDown {
			t.Errorf("queue holds a %s publication", q.Status)
		}
	}
	if !found {
		t.Error("the taken-down publication is not in the unit's queue")
	}
	if r := clients["sanxi-leader"].do("GET", "/api/v1/units/miaoshou/publications", nil); r.status != 403 {
		t.Errorf("another township reads the queue: %d", r.status)
	}
}

func TestScheduledAndRevisedPublications(t *testing.T) {
	ts := sharedServer(t)
	clerk, leader := ts.login("jingyang-clerk"), ts.login("jingyang-leader")
	it := firstItem(t, ts, "jingyang")
	newPub := func(title string) int64 {
		t.Helper()
		var p catalog.Publication
		clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": title, "generated_on": "2026-11-02", "body": "第一版"}).decode(t, &p)
		if r := clerk.step(p.ID, "submit", submitBody); r.status != 200 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		return p.ID
	}
	// Scheduled: approved now, public in two days.
	id := newPub("旌阳镇定时发布测试")
	at := time.Now().In(catalog.Shanghai).AddDate(0, 0, 2).Truncate(time.Minute)
	if r := leader.step(id, "approve", map[string]string{"publish_at": "2026/12/01"}); r.status != 400 {
		t.Errorf("bad time: %d", r.status)
	}
	var p catalog.Publication
	leader.step(id, "approve", map[string]string{"publish_at": at.Format("2006-01-02 15:04")}).decode(t, &p)
	if p.Status != catalog.PubScheduled || !p.PublishedOn.Equal(at) {
		t.Fatalf("scheduled: %s at %v, want %v", p.Status, p.PublishedOn, at)
	}
	if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(id), nil); r.status != 404 {
		t.Errorf("scheduled is public before its time: %d", r.status)
	}
	if _, err := ts.s.pubs.ReleaseScheduled(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(id), nil); r.status != 404 {
		t.Errorf("released early: %d", r.status)
	}
	// (Other tests' scheduled publications may be released with it.)
	if n, err := ts.s.pubs.ReleaseScheduled(t.Context(), at.Add(time.Minute)); err != nil || n < 1 {
		t.Fatalf("release: %d %v", n, err)
	}
	if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(id), nil); r.status != 200 {
		t.Errorf("released but not public: %d", r.status)
	}

	// Revised: a new version replaces the old once approved.
	old := newPub("旌阳镇修订测试")
	leader.step(old, "approve", nil)
	r := clerk.do("POST", "/api/v1/publications/"+itoa(old)+"/revise", nil)
	var rev catalog.Publication
	r.decode(t, &rev)
	if r.status != 201 || rev.SupersedesID == nil || *rev.SupersedesID != old || rev.Status != catalog.PubDraft || rev.Body != "<p>第一版</p>" {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	if r := clerk.do("POST", "/api/v1/publications/"+itoa(old)+"/revise", nil); r.status != 409 {
		t.Errorf("second revision at once: %d", r.status)
	}
	if r := ts.login("sanxi-clerk").do("POST", "/api/v1/publications/"+itoa(old)+"/revise", nil); r.status != 403 {
		t.Errorf("other township revises: %d", r.status)
	}
	clerk.do("PUT", "/api/v1/publications/"+itoa(rev.ID), map[string]any{"title": "旌阳镇修订测试（第二版）", "generated_on": "2026-11-02", "body": "第二版"})
	clerk.step(rev.ID, "submit", submitBody)
	if r := leader.step(rev.ID, "approve", nil); r.status != 200 {
		t.Fatalf("approve revision: %d %s", r.status, r.body)
	}
	var oldNow catalog.Publication
	ts.anon().do("GET", "/api/v1/publications/"+itoa(old), nil).decode(t, &oldNow)
	if oldNow.Status != catalog.PubSuperseded || oldNow.SupersededByID == nil || *oldNow.SupersededByID != rev.ID {
		t.Errorf("old version: %+v", oldNow)
	}
	var listed []catalog.Publication
	ts.anon().do("GET", "/api/v1/items/"+itoa(it.ID)+"/publications", nil).decode(t, &listed)
	for _, x := range listed {
		if x.ID == old {
			t.Error("the replaced version is still listed")
		}
	}
	if r := ts.anon().do("GET", "/kiosk/publications/"+itoa(old), nil); r.status != 200 || !strings.Contains(string(r.body), "已被新版本替代") {
		t.Errorf("kiosk page of the old version: %d", r.status)
	}
}
