package main

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gongkai/catalog"
	"gongkai/kiosk"
	"gongkai/seed"
)

func postForm(c *client, path string, v url.Values) response {
	req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

// TestKioskAdmin: the county office registers a point, edits the search
// aliases (effective at once in kiosk search), and sees each point's use;
// a clerk may do none of it; bad input is refused with the field named
// and what was typed kept; every change is in the audit log.
func TestKioskAdmin(t *testing.T) {
	ts := sharedServer(t)
	admin := ts.login("admin")
	clerk := ts.login("yunle-clerk")
	if r := clerk.do("GET", "/admin/kiosk", nil); r.status != 403 {
		t.Errorf("clerk reads the kiosk settings: %d", r.status)
	}
	if r := postForm(clerk, "/admin/kiosk/points", url.Values{"code": {"yunle-hall2"}, "name": {"云乐镇第二查阅点"}, "unit_code": {"yunle"}}); r.status != 403 {
		t.Errorf("clerk registers a point: %d", r.status)
	}
	if r := postForm(clerk, "/admin/kiosk/aliases", url.Values{"aliases": {"甲，乙"}}); r.status != 403 {
		t.Errorf("clerk edits aliases: %d", r.status)
	}

	r := postForm(admin, "/admin/kiosk/points", url.Values{"code": {"Y"}, "name": {"云乐镇第二查阅点"}, "unit_code": {"yunle"}})
	if r.status != 400 || !strings.Contains(string(r.body), "查阅点代码") || !strings.Contains(string(r.body), "云乐镇第二查阅点") {
		t.Errorf("bad code: %d", r.status)
	}
	r = postForm(admin, "/admin/kiosk/points", url.Values{"code": {"yunle-hall2"}, "name": {"云乐镇第二查阅点"}, "unit_code": {"yunle"}})
	if r.status != 303 {
		t.Fatalf("save point: %d %s", r.status, r.body)
	}
	// The new point is known at once: a screen may be assigned to it.
	if r := ts.anon().do("GET", "/kiosk/?point=yunle-hall2", nil); r.status != 303 {
		t.Errorf("assign to the new point: %d", r.status)
	}
	req := httptest.NewRequest("GET", "/kiosk/search?q=云乐", nil)
	req.Header.Set("Cookie", "gk_point=yunle-hall2")
	ts.anon().send(req)
	page := admin.do("GET", "/admin/kiosk", nil)
	body := string(page.body)
	if page.status != 200 || !strings.Contains(body, "云乐镇第二查阅点") || !strings.Contains(body, "/kiosk/?point=yunle-hall2") || !strings.Contains(body, "低保，最低生活保障") {
		t.Fatalf("kiosk page: %d", page.status)
	}
	row := body[strings.Index(body, "云乐镇第二查阅点"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `<td class="num">1</td><td class="num">1</td>`) {
		t.Errorf("today's use of the new point: %s", row)
	}

	// Aliases: a one-word line is refused, the text kept; a good list works at once.
	r = postForm(admin, "/admin/kiosk/aliases", url.Values{"aliases": {"低保，最低生活保障\n秸秆\n"}})
	if r.status != 400 || !strings.Contains(string(r.body), "第2行") || !strings.Contains(string(r.body), "秸秆") {
		t.Errorf("one-word group: %d", r.status)
	}
	before := ts.anon().do("GET", "/kiosk/search?q=庙首", nil)
	if strings.Contains(string(before.body), "含同义词") {
		t.Fatal("庙首 already has an alias")
	}
	groups := "低保，最低生活保障\n庙首，首镇一号\n"
	if r := postForm(admin, "/admin/kiosk/aliases", url.Values{"aliases": {groups}}); r.status != 303 {
		t.Fatalf("save aliases: %d %s", r.status, r.body)
	}
	after := ts.anon().do("GET", "/kiosk/search?q=庙首", nil)
	if !strings.Contains(string(after.body), "含同义词：首镇一号") {
		t.Error("a new alias is not used by the next search")
	}
	var audit []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?object=kiosk&user=admin", nil).decode(t, &audit)
	var details []string
	for _, e := range audit {
		details = append(details, e.Detail)
	}
	all := strings.Join(details, "|")
	if !strings.Contains(all, "新增查阅点 云乐镇第二查阅点") || !strings.Contains(all, "修改搜索同义词（2组）") {
		t.Errorf("audit: %v", details)
	}
	// Put the defaults back for other tests.
	if r := postForm(admin, "/admin/kiosk/aliases", url.Values{"aliases": {kiosk.FormatAliases(seed.DefaultAliases)}}); r.status != 303 {
		t.Fatalf("restore aliases: %d", r.status)
	}
}
