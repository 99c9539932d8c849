package main

import (
	"strings"
	"testing"
)

// TestErrorsAnsweredWhereTheyHappen: one classification, three faces —
// the API's JSON, the back office's page (back to the dashboard, not the
// kiosk), the kiosk's page (which returns home when left idle); a refusal
// by the permissions is "forbidden", never a password change.
func TestErrorsAnsweredWhereTheyHappen(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("sanxi-clerk")
	r := clerk.do("POST", "/api/v1/units/miaoshou/items", newItemBody("别的镇的事项"))
	if code, _, _ := r.errorOf(t); r.status != 403 || code != "forbidden" {
		t.Errorf("another township's catalogue: %d %s", r.status, r.body)
	}
	r = clerk.do("GET", "/admin/items/999999999", nil)
	if r.status != 404 || !strings.Contains(string(r.body), `href="/admin/"`) || strings.Contains(string(r.body), "/kiosk/") ||
		!strings.Contains(string(r.body), "admin.css") {
		t.Errorf("back-office error page: %d %s", r.status, r.body)
	}
	r = ts.anon().do("GET", "/kiosk/items/999999999", nil)
	if r.status != 404 || !strings.Contains(string(r.body), `href="/kiosk/"`) || !strings.Contains(string(r.body), `data-idle="120"`) ||
		!strings.Contains(string(r.body), "页面不存在") {
		t.Errorf("kiosk error page: %d %s", r.status, r.body)
	}
	r = ts.anon().do("GET", "/api/v1/no/such/route", nil)
	if code, _, msg := r.errorOf(t); r.status != 404 || code != "not_found" || strings.Contains(msg, "Cannot") {
		t.Errorf("no such route: %d %s", r.status, r.body)
	}
}

// TestWatchListReadsItsDateOnce: the API and the back office read the
// watch list's date alike, and both refuse one that is not a date.
func TestWatchListReadsItsDateOnce(t *testing.T) {
	ts := sharedServer(t)
	admin := ts.login("admin")
	if r := admin.do("GET", "/api/v1/filings/watch?at=2020-13-45", nil); r.status != 400 {
		t.Errorf("API with a bad date: %d", r.status)
	}
	if r := admin.do("GET", "/admin/filings/watch?at=2020-13-45", nil); r.status != 400 || !strings.Contains(string(r.body), "日期") {
		t.Errorf("back office with a bad date: %d", r.status)
	}
	api := admin.do("GET", "/api/v1/filings/watch?at=2020-12-31", nil)
	page := admin.do("GET", "/admin/filings/watch?at=2020-12-31", nil)
	if api.status != 200 || page.status != 200 {
		t.Fatalf("watch list: %d %d", api.status, page.status)
	}
	var w []struct {
		UnitName string `json:"unit_name"`
	}
	api.decode(t, &w)
	for _, u := range w {
		if u.UnitName != "" && !strings.Contains(string(page.body), u.UnitName) {
			t.Errorf("%s on the API's list, not on the page", u.UnitName)
		}
	}
}
