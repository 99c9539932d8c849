package main

import (
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
)

// TestLeaderDayReachesTheCachedHomePage: the kiosk's home page is kept
// rendered; a 领导接听 day announced through the API is on it at the next
// request.
func TestLeaderDayReachesTheCachedHomePage(t *testing.T) {
	ts := newTestServer(t, true)
	home := func() string {
		t.Helper()
		r := ts.anon().do("GET", "/kiosk/", nil)
		if r.status != 200 {
			t.Fatalf("home: %d", r.status)
		}
		return string(r.body)
	}
	if strings.Contains(home(), "时二勇 局长") {
		t.Fatal("the announcement before it is made")
	}
	day := time.Now().In(catalog.Shanghai).AddDate(0, 0, 2).Format("2006-01-02")
	r := ts.login("zhengfuban-clerk").do("POST", "/api/v1/hotline/announcements",
		map[string]any{"day": day, "from": "09:00", "to": "10:00", "unit_code": "renshe", "leaders": "时二勇 局长", "scope": "就业、社保咨询"})
	if r.status != 201 {
		t.Fatalf("announce: %d %s", r.status, r.body)
	}
	if r := ts.login("sanxi-clerk").do("POST", "/api/v1/hotline/announcements", map[string]any{"day": day, "from": "09:00", "to": "10:00", "leaders": "某某"}); r.status != 403 {
		t.Errorf("a township announces: %d", r.status)
	}
	if b := home(); !strings.Contains(b, "时二勇 局长") {
		t.Errorf("the cached home page lacks the announcement")
	}
}
