package main

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestAdminPagesRender renders every back-office page once and checks the
// sign-in form's answers.
func TestAdminPagesRender(t *testing.T) {
	ts := sharedServer(t)
	anon := ts.anon()
	if r := anon.do("GET", "/admin/", nil); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/admin/login") {
		t.Errorf("signed-out dashboard: %d %q", r.status, r.header.Get("Location"))
	}
	form := func(c *client, path string, v url.Values) response {
		req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return c.send(req)
	}
	r := form(anon, "/admin/login", url.Values{"username": {"sanxi-leader"}, "password": {"not-the-Passw0rd"}})
	if r.status != 401 || !strings.Contains(string(r.body), "用户名或密码错误") || !strings.Contains(string(r.body), `value="sanxi-leader"`) {
		t.Errorf("bad sign-in: %d", r.status)
	}
	c := ts.anon()
	r = form(c, "/admin/login", url.Values{"username": {"admin"}, "password": {"Demo-2026-gongkai"}, "next": {"/admin/review"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/review" || c.cookie == "" {
		t.Fatalf("sign-in: %d %q", r.status, r.header.Get("Location"))
	}
	if r := form(c, "/admin/login", url.Values{"username": {"admin"}, "password": {"Demo-2026-gongkai"}, "next": {"https://evil.invalid/"}}); r.header.Get("Location") != "/admin/" {
		t.Errorf("sign-in redirects outside: %q", r.header.Get("Location"))
	}
	item := firstItem(t, ts, "sanxi")
	for path, wants := range map[string][]string{
		"/admin/":            {"工作台", "单位目录", "最近发布"},
		"/admin/review":      {"待审核"},
		"/admin/takedowns":   {"已撤下待整改"},
		"/admin/units/sanxi": {"三溪镇人民政府 公开目录", item.Level2, "更新情况"},
		"/admin/items/" + itoa(item.ID) + "/publications/new": {"新建公开信息", "生成日期", "主题分类"},
	} {
		r := c.do("GET", path, nil)
		if r.status != 200 {
			t.Errorf("%s: %d", path, r.status)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(string(r.body), w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s headers: %q %q", path, r.header.Get("Cache-Control"), r.header.Get("Content-Security-Policy"))
		}
	}
	// A form refused keeps what was typed and names the field.
	r = form(c, "/admin/items/"+itoa(item.ID)+"/publications", url.Values{"title": {"三溪镇测试"}, "generated_on": {"2026/13/40"}, "body": {"正文保留"}})
	if r.status != 400 || !strings.Contains(string(r.body), "生成日期格式不正确") || !strings.Contains(string(r.body), "正文保留") || !strings.Contains(string(r.body), `class="bad"`) {
		t.Errorf("refused form: %d", r.status)
	}
	// Another township's clerk may not open the form.
	sx := ts.login("miaoshou-clerk")
	if r := sx.do("GET", "/admin/items/"+itoa(item.ID)+"/publications/new", nil); r.status != 403 {
		t.Errorf("other township's form: %d", r.status)
	}
}
