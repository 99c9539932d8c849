package main

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongkai/catalog"
	"gongkai/filing"
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
	// A clerk's dashboard lists the items to update: here a column added
	// and never published.
	clerk := ts.login("sanxi-clerk")
	if r := clerk.do("POST", "/api/v1/units/sanxi/items", newItemBody("工作台待更新栏目")); r.status != 201 {
		t.Fatalf("add a column: %d %s", r.status, r.body)
	}
	if r := clerk.do("GET", "/admin/", nil); !strings.Contains(string(r.body), "需要更新的事项") || !strings.Contains(string(r.body), "工作台待更新栏目") ||
		!strings.Contains(string(r.body), "更新逾期") || strings.Contains(string(r.body), "/admin/audit") || strings.Contains(string(r.body), "/admin/users") {
		t.Error("clerk's dashboard lacks the items to update or offers menus the clerk may not open")
	}
	// Another township's clerk may not open the form.
	sx := ts.login("miaoshou-clerk")
	if r := sx.do("GET", "/admin/items/"+itoa(item.ID)+"/publications/new", nil); r.status != 403 {
		t.Errorf("other township's form: %d", r.status)
	}
}

func TestAdminItemEditor(t *testing.T) {
	ts := sharedServer(t)
	c := ts.login("sanxi-clerk")
	form := func(path string, v url.Values) response {
		req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return c.send(req)
	}
	if r := c.do("GET", "/admin/units/sanxi/items/new", nil); r.status != 200 || !strings.Contains(string(r.body), "公开渠道和载体") {
		t.Fatalf("new item form: %d", r.status)
	}
	v := url.Values{"domain_code": {"czzj"}, "level1": {"财政资金"}, "content": {"按村公开债权债务"}, "ch_政府网站": {"on"}}
	r := form("/admin/units/sanxi/items", v)
	if r.status != 400 || !strings.Contains(string(r.body), "二级事项不能为空") || !strings.Contains(string(r.body), "按村公开债权债务") {
		t.Errorf("missing 二级事项: %d", r.status)
	}
	v.Set("level2", "村级债权债务")
	v.Set("time_limit", "按季度公开")
	r = form("/admin/units/sanxi/items", v)
	loc := r.header.Get("Location")
	if r.status != 303 || !strings.HasPrefix(loc, "/admin/items/") {
		t.Fatalf("create: %d %q", r.status, loc)
	}
	page := c.do("GET", loc, nil)
	if page.status != 200 || !strings.Contains(string(page.body), "系统识别为：每季度") || !strings.Contains(string(page.body), "修改历史") {
		t.Errorf("item page: %d", page.status)
	}
	path := strings.SplitN(loc, "?", 2)[0]
	v.Set("version", "1")
	v.Set("content", "按季度分村公开债权债务")
	v.Set("reason", "细化")
	if r := form(path, v); r.status != 303 {
		t.Errorf("update: %d %s", r.status, r.body)
	}
	v.Set("content", "旧表单的内容")
	if r := form(path, v); r.status != 409 || !strings.Contains(string(r.body), "已被他人修改") || !strings.Contains(string(r.body), "旧表单的内容") || !strings.Contains(string(r.body), "页面上方是当前版本") {
		t.Errorf("stale form: %d", r.status)
	}
	if r := form(path+"/retire", url.Values{}); r.status != 400 || !strings.Contains(string(r.body), "撤销事项须填写原因") {
		t.Errorf("retire without reason: %d", r.status)
	}
	if r := form(path+"/retire", url.Values{"reason": {"并入财政资金"}}); r.status != 303 {
		t.Errorf("retire: %d", r.status)
	}
	if r := ts.login("baidi-clerk").do("GET", path, nil); r.status != 403 {
		t.Errorf("other township reads the item's back-office page: %d", r.status)
	}
}

func TestAdminAuditPage(t *testing.T) {
	ts := sharedServer(t)
	ts.login("yunle-clerk")
	a := ts.login("auditor")
	r := a.do("GET", "/admin/audit?user=yunle-clerk&object=session", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "yunle-clerk") || !strings.Contains(string(r.body), "导出CSV") {
		t.Errorf("audit page: %d", r.status)
	}
	if r := a.do("GET", "/admin/audit?from=someday", nil); r.status != 400 || !strings.Contains(string(r.body), "开始日期格式不正确") {
		t.Errorf("bad date: %d", r.status)
	}
	if r := ts.login("yunle-clerk").do("GET", "/admin/audit", nil); r.status != 403 {
		t.Errorf("clerk opens the audit page: %d", r.status)
	}
}

func TestAdminUsersPage(t *testing.T) {
	ts := sharedServer(t)
	sys, sec := ts.login("sysadmin"), ts.login("secadmin")
	form := func(c *client, path string, v url.Values) response {
		req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return c.send(req)
	}
	r := sys.do("GET", "/admin/users", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "新建账号") || strings.Contains(string(r.body), `name="role"`) {
		t.Errorf("system administrator's page: %d", r.status)
	}
	r = form(sys, "/admin/users", url.Values{"username": {"banshu-clerk2"}, "display_name": {"版书镇新发布员"}, "unit_code": {"banshu"}, "password": {"weak"}})
	if r.status != 400 || !strings.Contains(string(r.body), "密码至少12位") || !strings.Contains(string(r.body), `value="banshu-clerk2"`) {
		t.Errorf("weak password: %d", r.status)
	}
	r = form(sys, "/admin/users", url.Values{"username": {"banshu-clerk2"}, "display_name": {"版书镇新发布员"}, "unit_code": {"banshu"}, "password": {"Banshu-Initial-2026"}})
	if r.status != 303 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	u, err := ts.s.accounts.FindUserByName(t.Context(), "banshu-clerk2")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("created user: %+v %v", u, err)
	}
	if r := sec.do("GET", "/admin/users", nil); r.status != 200 || !strings.Contains(string(r.body), `name="role"`) || strings.Contains(string(r.body), "新建账号") {
		t.Errorf("security administrator's page: %d", r.status)
	}
	if r := form(sec, "/admin/users/"+itoa(u.ID)+"/grants", url.Values{"role": {"clerk"}, "unit": {"banshu"}}); r.status != 303 {
		t.Errorf("grant: %d %s", r.status, r.body)
	}
	if r := form(sys, "/admin/users/"+itoa(u.ID)+"/grants", url.Values{"role": {"admin"}, "unit": {"*"}}); r.status != 403 {
		t.Errorf("system administrator grants: %d", r.status)
	}
	gs, _ := ts.s.authz.GrantsOf(u.ID)
	if len(gs) != 1 || gs[0].Unit != "banshu" {
		t.Errorf("grants %+v", gs)
	}
	if r := form(sys, "/admin/users/"+itoa(u.ID)+"/disabled", url.Values{"disabled": {"1"}}); r.status != 303 {
		t.Errorf("disable: %d", r.status)
	}
	if u, _ := ts.s.accounts.FindUser(t.Context(), u.ID); !u.Disabled {
		t.Error("not disabled")
	}
	if r := ts.login("admin").do("GET", "/admin/users", nil); r.status != 403 {
		t.Errorf("business admin opens accounts: %d", r.status)
	}
}

func TestAdminFilings(t *testing.T) {
	ts := sharedServer(t)
	leader := ts.login("yucun-leader")
	r := leader.do("GET", "/admin/units/yucun/filings", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "备案历史") || !strings.Contains(string(r.body), "新的备案") {
		t.Fatalf("filings page: %d", r.status)
	}
	form := func(v url.Values) response {
		req := httptest.NewRequest("POST", "/admin/units/yucun/filings", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return leader.send(req)
	}
	v := url.Values{"leader_name": {"俞村镇副镇长"}, "leader_post": {"副镇长"}, "leader_phone": {"0563-8099001"},
		"pub_name_0": {"俞村镇新发布员"}, "pub_post_0": {"办事员"}, "pub_phone_0": {"not-a-phone"}, "filed_on": {"2026-11-25"}}
	if r := form(v); r.status != 400 || !strings.Contains(string(r.body), "格式不正确") || !strings.Contains(string(r.body), "俞村镇新发布员") {
		t.Errorf("bad phone: %d", r.status)
	}
	v.Set("pub_phone_0", "0563-8099002")
	if r := form(v); r.status != 303 {
		t.Fatalf("file: %d %s", r.status, r.body)
	}
	var hist []filing.Filing
	leader.do("GET", "/api/v1/units/yucun/filings", nil).decode(t, &hist)
	if len(hist) != 2 || hist[1].Publishers[0].Name != "俞村镇新发布员" {
		t.Fatalf("history %+v", hist)
	}
	p := leader.do("GET", "/admin/filings/"+itoa(hist[0].ID)+"/print", nil)
	if p.status != 200 || !strings.Contains(string(p.body), "政务公开机构人员备案表") || !strings.Contains(string(p.body), "公章") || !strings.Contains(string(p.body), "2020年9月24日") {
		t.Errorf("print of the old filing: %d", p.status)
	}
	if r := ts.login("sanxi-clerk").do("GET", "/admin/units/yucun/filings", nil); r.status != 403 {
		t.Errorf("other township's filings: %d", r.status)
	}
	w := ts.login("admin").do("GET", "/admin/filings/watch?at=2020-12-31", nil)
	if w.status != 200 || !strings.Contains(string(w.body), "孙村镇") || !strings.Contains(string(w.body), "发布员变动频繁") || !strings.Contains(string(w.body), "未备案") {
		t.Errorf("watch page: %d", w.status)
	}
}

func TestAdminUnitFacts(t *testing.T) {
	ts := sharedServer(t)
	leader := ts.login("xinglong-leader")
	if r := leader.do("GET", "/admin/units/xinglong", nil); !strings.Contains(string(r.body), "机构设置（公众可见）") {
		t.Fatal("facts form missing for the leader")
	}
	if r := ts.login("xinglong-clerk").do("GET", "/admin/units/xinglong", nil); strings.Contains(string(r.body), "保存机构设置") {
		t.Error("facts form offered to the clerk")
	}
	post := func(v url.Values) response {
		req := httptest.NewRequest("POST", "/admin/units/xinglong/facts", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return leader.send(req)
	}
	v := url.Values{"address": {"兴隆镇政府大楼"}, "phone": {"13912345678"}, "offices": {"党政办公室 0563-8300001\n经济发展办公室"}}
	if r := post(v); r.status != 400 || !strings.Contains(string(r.body), "个人手机号") || !strings.Contains(string(r.body), "兴隆镇政府大楼") {
		t.Errorf("mobile refused: %d", r.status)
	}
	v.Set("phone", "0563-8300000")
	if r := post(v); r.status != 303 {
		t.Errorf("save: %d", r.status)
	}
	if r := ts.anon().do("GET", "/kiosk/units/xinglong", nil); !strings.Contains(string(r.body), "兴隆镇政府大楼") || !strings.Contains(string(r.body), "0563-8300000") ||
		!strings.Contains(string(r.body), "<li>经济发展办公室</li>") {
		t.Error("kiosk does not show the new facts")
	}
}

// TestDashboardPagesUnits: a county office with more units than a page
// sees them a hundred at a time, the next hundred behind a link.
func TestDashboardPagesUnits(t *testing.T) {
	ts := sharedServer(t)
	for i := 0; i < 70; i++ {
		u := catalog.Unit{Code: fmt.Sprintf("extra%02d", i), Name: fmt.Sprintf("附加单位%02d", i), FullName: fmt.Sprintf("旌德县附加单位%02d", i),
			Kind: catalog.KindDepartment, Level: catalog.LevelCounty, SortOrder: 10000 + i}
		if _, err := ts.s.catalog.EnsureUnit(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	admin := ts.login("admin")
	first := string(admin.do("GET", "/admin/", nil).body)
	next := regexp.MustCompile(`href="(/admin/\?after=[a-z0-9]+)"`).FindStringSubmatch(first)
	if next == nil || strings.Contains(first, "附加单位69") || !strings.Contains(first, "庙首镇") {
		t.Fatalf("first page: next %v", next)
	}
	second := string(admin.do("GET", next[1], nil).body)
	if !strings.Contains(second, "附加单位69") || strings.Contains(second, ">庙首镇<") || strings.Contains(second, "?after=") {
		t.Errorf("second page after %s", next[1])
	}
}
