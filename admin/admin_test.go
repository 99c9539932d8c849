package admin_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/admin"
	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/seed"
	"gongkai/stack"
	"gongkai/stack/stacktest"
	"gongkai/web"
	"gongkai/weberr"
)

// The back office's tests run each on a copy of a template seeded with
// the demo data once, through the services the server builds.

func TestMain(m *testing.M) { os.Exit(stacktest.Main(m)) }

type office struct {
	t   *testing.T
	app *fiber.App
	st  *stack.Stack
}

func newOffice(t *testing.T) *office {
	st := stacktest.New(t)
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return admin.WriteError(c, weberr.Classify(err)) }})
	admin.Mount(app.Group("/admin", st.Sessions.Load, web.NoStoreForPeople), st.Admin(nil))
	return &office{t: t, app: app, st: st}
}

type browser struct {
	o      *office
	cookie string
}

type page struct {
	status   int
	body     string
	location string
}

func (o *office) browser() *browser { return &browser{o: o} }

func (b *browser) send(method, path string, form url.Values) page {
	b.o.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.cookie != "" {
		req.Header.Set("Cookie", web.Cookie+"="+b.cookie)
	}
	res, err := b.o.app.Test(req, -1)
	if err != nil {
		b.o.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Name == web.Cookie {
			b.cookie = ck.Value
		}
	}
	return page{res.StatusCode, string(raw), res.Header.Get("Location")}
}

func (b *browser) get(path string) page                   { return b.send(http.MethodGet, path, nil) }
func (b *browser) post(path string, form url.Values) page { return b.send(http.MethodPost, path, form) }

// signIn signs a demo account in through the sign-in form.
func (o *office) signIn(username string) *browser {
	o.t.Helper()
	b := o.browser()
	if p := b.post("/admin/login", url.Values{"username": {username}, "password": {seed.DemoPassword}}); p.status != 303 {
		o.t.Fatalf("sign in %s: %d %.300s", username, p.status, p.body)
	}
	return b
}

// TestEveryFormPostNamesItsRight walks the back office's route table.
func TestEveryFormPostNamesItsRight(t *testing.T) {
	o := newOffice(t)
	public := map[string]bool{}
	for _, r := range admin.PublicWrites {
		public[r] = true
	}
	posts := 0
	for _, r := range o.app.GetRoutes(true) {
		if r.Method != fiber.MethodPost {
			continue
		}
		posts++
		guarded := false
		for _, fn := range r.Handlers {
			guarded = guarded || rbac.IsRequire(fn)
		}
		if key := r.Method + " " + r.Path; guarded == public[key] {
			t.Errorf("%s: guarded %v, listed public %v", key, guarded, public[key])
		}
	}
	if posts < 25 {
		t.Errorf("only %d form posts in the route table", posts)
	}
}

// TestSignInForm: a wrong password shows the form again with the message
// and the name typed; the right one goes where next says, if it is the
// back office's own page.
func TestSignInForm(t *testing.T) {
	o := newOffice(t)
	b := o.browser()
	p := b.post("/admin/login", url.Values{"username": {"sanxi-clerk"}, "password": {"not-the-password"}})
	if p.status != 401 || !strings.Contains(p.body, "用户名或密码错误") || !strings.Contains(p.body, `value="sanxi-clerk"`) || b.cookie != "" {
		t.Errorf("wrong password: %d cookie %q %.300s", p.status, b.cookie, p.body)
	}
	for next, want := range map[string]string{"/admin/units/sanxi": "/admin/units/sanxi", "https://phish.invalid/": "/admin/", "/kiosk/": "/admin/"} {
		b := o.browser()
		p := b.post("/admin/login", url.Values{"username": {"sanxi-clerk"}, "password": {seed.DemoPassword}, "next": {next}})
		if p.status != 303 || p.location != want {
			t.Errorf("next %q: %d to %q, want %q", next, p.status, p.location, want)
		}
	}
	if p := o.browser().get("/admin/"); p.status != 303 || !strings.HasPrefix(p.location, "/admin/login") {
		t.Errorf("dashboard without a session: %d %q", p.status, p.location)
	}
}

// TestItemForm: a clerk adds an item to their unit's catalogue; a missing
// field shows the form again with the message and what was typed; another
// unit's catalogue is refused with the back office's own error page.
func TestItemForm(t *testing.T) {
	o := newOffice(t)
	clerk := o.signIn("sanxi-clerk")
	form := url.Values{"domain_code": {"czyjs"}, "level1": {"财政预决算"}, "level2": {"表单新增事项"}, "content": {"预算、决算"},
		"basis": {"《预算法》"}, "time_limit": {"信息形成之日起20个工作日内"}, "subject": {"三溪镇人民政府"}, "ch_政府网站": {"on"},
		"to_public": {"on"}, "proactive": {"on"}, "at_township": {"on"}}
	p := clerk.post("/admin/units/sanxi/items", form)
	if p.status != 303 || !strings.Contains(p.location, "flash=item_created") {
		t.Fatalf("create: %d %q %.300s", p.status, p.location, p.body)
	}
	items, err := o.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "sanxi"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range items {
		found = found || it.Level2 == "表单新增事项"
	}
	if !found {
		t.Error("the item is not in the catalogue")
	}
	form.Set("level2", "没有内容的事项")
	form.Del("content")
	if p := clerk.post("/admin/units/sanxi/items", form); p.status != 400 || !strings.Contains(p.body, "没有内容的事项") {
		t.Errorf("missing content: %d %.300s", p.status, p.body)
	}
	p = clerk.post("/admin/units/baidi/items", form)
	if p.status != 403 || !strings.Contains(p.body, `href="/admin/"`) || strings.Contains(p.body, "/kiosk/") {
		t.Errorf("another unit: %d %.300s", p.status, p.body)
	}
	// The audit log has the creation, by the clerk.
	es, err := o.st.Catalog.FindAudit(t.Context(), catalog.AuditFilter{UnitCode: "sanxi", Object: "catalog", Action: "create"})
	if err != nil || len(es) == 0 || es[0].Username != "sanxi-clerk" {
		t.Errorf("audit: %v %+v", err, es)
	}
}

// TestUserForms: the system administrator opens an account from the form
// and cannot bind a role; the security administrator can.
func TestUserForms(t *testing.T) {
	o := newOffice(t)
	sys := o.signIn("sysadmin")
	p := sys.post("/admin/users", url.Values{"username": {"biaodan"}, "display_name": {"表单用户"}, "unit_code": {"sanxi"}, "password": {"Biaodan-2026-first"}})
	if p.status != 303 || !strings.Contains(p.location, "flash=created") {
		t.Fatalf("create: %d %q %.300s", p.status, p.location, p.body)
	}
	u, err := o.st.Accounts.FindUserByName(t.Context(), "biaodan")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("the new account: %v %+v", err, u)
	}
	grant := url.Values{"role": {"clerk"}, "unit": {"sanxi"}}
	if p := sys.post(fmt.Sprintf("/admin/users/%d/grants", u.ID), grant); p.status != 403 {
		t.Errorf("system administrator binding a role: %d", p.status)
	}
	sec := o.signIn("secadmin")
	if p := sec.post(fmt.Sprintf("/admin/users/%d/grants", u.ID), grant); p.status != 303 {
		t.Fatalf("grant: %d %.300s", p.status, p.body)
	}
	gs, _ := o.st.Authz.GrantsOf(u.ID)
	if len(gs) != 1 || gs[0].Role != rbac.RoleClerk || gs[0].Unit != "sanxi" {
		t.Errorf("grants %+v", gs)
	}
	// A new account is sent to choose its password before anything else.
	b := o.browser()
	if p := b.post("/admin/login", url.Values{"username": {"biaodan"}, "password": {"Biaodan-2026-first"}}); p.status != 303 {
		t.Fatalf("first sign-in: %d", p.status)
	}
	if p := b.get("/admin/units/sanxi"); p.status != 303 || p.location != "/admin/password" {
		t.Errorf("before the password change: %d %q", p.status, p.location)
	}
}

// TestRequestRegisterForm: the office's clerk registers a letter with the
// date it arrived; the request is the office's by default, and a form with
// a mistake is shown again.
func TestRequestRegisterForm(t *testing.T) {
	o := newOffice(t)
	clerk := o.signIn(stacktest.Office + "-clerk")
	form := url.Values{"applicant_type": {"person"}, "name": {"李四"}, "id_type": {"resident_id"}, "id_number": {seed.DemoID("19700101", 2)},
		"phone": {"13800001111"}, "address": {"旌阳镇"}, "description": {"2025年县财政预算"}, "form": {"paper"}, "channel": {"letter"},
		"received_on": {"2026-11-02"}}
	p := clerk.post("/admin/requests", form)
	if p.status != 303 || !strings.HasPrefix(p.location, "/admin/requests/") {
		t.Fatalf("register: %d %q %.300s", p.status, p.location, p.body)
	}
	r, err := o.st.Requests.Find(t.Context(), strings.TrimPrefix(strings.SplitN(p.location, "?", 2)[0], "/admin/requests/"))
	if err != nil || r.UnitCode != stacktest.Office || r.ReceivedOn.Format("2006-01-02") != "2026-11-02" {
		t.Fatalf("the request: %v %+v", err, r)
	}
	form.Set("received_on", "2026-13-40")
	if p := clerk.post("/admin/requests", form); p.status != 400 || !strings.Contains(p.body, "收到申请的日期") {
		t.Errorf("a bad date: %d %.300s", p.status, p.body)
	}
	if p := o.signIn("sanxi-clerk").post("/admin/requests", form); p.status != 403 {
		t.Errorf("another unit's clerk registering for the office: %d", p.status)
	}
}

// TestUnitForms: the county office adds a township from the directory
// page, with its catalogue; a taken code is shown again with the form; a
// department takes on a domain; the county's page names it in the title.
func TestUnitForms(t *testing.T) {
	o := newOffice(t)
	admin := o.signIn("admin")
	p := admin.post("/admin/units", url.Values{"code": {"xinzhen"}, "name": {"新镇"}, "full_name": {"新镇人民政府"}, "kind": {"town"}})
	if p.status != 303 || !strings.Contains(p.location, "flash=created") {
		t.Fatalf("create: %d %q %.300s", p.status, p.location, p.body)
	}
	if p := admin.get(p.location); p.status != 200 || !strings.Contains(p.body, "已新增单位 xinzhen") || !strings.Contains(p.body, "新镇人民政府") {
		t.Errorf("after the creation: %d %.300s", p.status, p.body)
	}
	items, _ := o.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "xinzhen"})
	if len(items) == 0 {
		t.Error("the new township has no catalogue")
	}
	p = admin.post("/admin/units", url.Values{"code": {"xinzhen"}, "name": {"又一个新镇"}, "full_name": {"又一个新镇人民政府"}, "kind": {"town"}})
	if p.status != 400 || !strings.Contains(p.body, "又一个新镇") || !strings.Contains(p.body, "已被使用") {
		t.Errorf("a taken code: %d %.300s", p.status, p.body)
	}
	if p := o.signIn("sanxi-clerk").post("/admin/units", url.Values{"code": {"x2"}, "name": {"某镇"}, "kind": {"town"}}); p.status != 403 {
		t.Errorf("a clerk adding a unit: %d", p.status)
	}
	if p := admin.post("/admin/units/sanxi/delete", nil); p.status != 409 || !strings.Contains(p.body, "公开信息") {
		t.Errorf("deleting a unit people work in: %d %.300s", p.status, p.body)
	}
	if p := admin.post("/admin/units/xinzhen/delete", nil); p.status != 303 || !strings.Contains(p.location, "flash=deleted") {
		t.Errorf("deleting the unit made by mistake: %d %.300s", p.status, p.body)
	}
	if p := admin.post("/admin/units/minzhengju/domains", url.Values{"domain": {"shjz"}}); p.status != 303 {
		t.Errorf("taking on a domain: %d %.300s", p.status, p.body)
	}
	county := catalog.NewCounty("青山县", "341899", stacktest.Office)
	if err := o.st.Catalog.SaveCounty(t.Context(), &county, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	if p := admin.get("/admin/county"); p.status != 200 || !strings.Contains(p.body, "青山县政务公开管理") || !strings.Contains(p.body, `value="341899"`) {
		t.Errorf("the county's page: %d %.300s", p.status, p.body)
	}
	if p := admin.post("/admin/county", url.Values{"name": {"青山县"}, "division_code": {"12345"}, "government": {"青山县人民政府"}, "office": {stacktest.Office},
		"review_body": {"青山县人民政府"}, "court": {"青山县人民法院"}}); p.status != 400 || !strings.Contains(p.body, "6位数字") {
		t.Errorf("a bad division code: %d %.300s", p.status, p.body)
	}
}

// TestReformForms: the directory page's reform form shows a confirmation
// (for a split, one successor per domain) before anything changes; the
// confirmed split is carried out with the domain chosen on that page, and
// listed with the retired unit.
func TestReformForms(t *testing.T) {
	o := newOffice(t)
	admin := o.signIn("admin")
	for _, code := range []string{"mz-a", "mz-b"} {
		if p := admin.post("/admin/units", url.Values{"code": {code}, "name": {code + "局"}, "full_name": {"某县" + code + "局"}, "kind": {"department"}}); p.status != 303 {
			t.Fatalf("create %s: %d %.300s", code, p.status, p.body)
		}
	}
	form := url.Values{"kind": {"split"}, "from": {"minzhengju"}, "lead": {"mz-a"}, "into": {"mz-b"}, "basis": {"某县机构改革方案"}}
	if p := admin.post("/admin/reforms/plan", url.Values{"kind": {"split"}, "from": {"minzhengju"}, "lead": {"mz-a"}, "basis": {"某县机构改革方案"}}); p.status != 400 ||
		!strings.Contains(p.body, "至少两个承接单位") {
		t.Errorf("a split with one successor: %d %.300s", p.status, p.body)
	}
	if p := admin.post("/admin/reforms/plan", url.Values{"kind": {"merge"}, "from": {"sanxi"}, "lead": {"mz-a"}, "basis": {"某县机构改革方案"}}); p.status != 400 ||
		!strings.Contains(p.body, "乡镇和县直部门") {
		t.Errorf("a township into a department: %d %.300s", p.status, p.body)
	}
	if p := admin.post("/admin/reforms/plan", url.Values{"kind": {"merge"}, "from": {stacktest.Office}, "lead": {"mz-a"}, "basis": {"某县机构改革方案"}}); p.status != 200 ||
		!strings.Contains(p.body, "受理政府信息公开申请的单位") {
		t.Errorf("the county office merged: %d %.300s", p.status, p.body)
	}
	p := admin.post("/admin/reforms/plan", form)
	if p.status != 200 || !strings.Contains(p.body, "确认机构改革：拆分") || !strings.Contains(p.body, `name="domain_jgsz"`) {
		t.Fatalf("the confirmation: %d %.500s", p.status, p.body)
	}
	all, _ := o.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "minzhengju", IncludeRetired: true})
	if want := fmt.Sprintf("<td>民政局</td><td>%d</td>", len(all)); !strings.Contains(p.body, want) {
		t.Errorf("the confirmation does not count what moves (%s)", want)
	}
	if items, _ := o.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "minzhengju"}); len(items) == 0 {
		t.Fatal("民政局 has no items")
	} else if u, _ := o.st.Catalog.FindUnit(t.Context(), "minzhengju"); u.Retired() {
		t.Fatal("the confirmation page carried the reform out")
	}
	if p := o.signIn("minzhengju-clerk").post("/admin/reforms", form); p.status != 403 {
		t.Errorf("a clerk confirming a reform: %d", p.status)
	}
	form.Set("domain_shjz", "mz-b")
	p = admin.post("/admin/reforms", form)
	if p.status != 303 || !strings.Contains(p.location, "flash=reformed") {
		t.Fatalf("carry out: %d %.500s", p.status, p.body)
	}
	b, _ := o.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "mz-b", DomainCode: "shjz"})
	a, _ := o.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "mz-a", DomainCode: "shjz"})
	if len(b) == 0 || len(a) != 0 {
		t.Errorf("社会救助 items: %d in mz-b, %d in the lead successor", len(b), len(a))
	}
	p = admin.get(p.location)
	if p.status != 200 || !strings.Contains(p.body, "机构改革已办理，划转至承接单位：目录事项") || !strings.Contains(p.body, "已撤销的单位（1个）") || !strings.Contains(p.body, "某县机构改革方案") {
		t.Errorf("the directory after the split: %d %.300s", p.status, p.body)
	}
	if p := admin.post("/admin/reforms", form); p.status != 400 || !strings.Contains(p.body, "撤销") {
		t.Errorf("the same reform twice: %d %.300s", p.status, p.body)
	}
}

// TestCalendarForm: the county office enters next year's arrangement as
// pasted lines; a malformed one comes back with the lines kept; the
// dashboard stops warning once it is in.
func TestCalendarForm(t *testing.T) {
	o := newOffice(t)
	boss := o.signIn("admin")
	next := o.st.Calendar.LastYear() + 1
	// On 1 October of the last known year the dashboard warns the county
	// office.
	deps := o.st.Admin(nil)
	deps.Now = func() time.Time { return time.Date(next-1, 10, 1, 9, 0, 0, 0, catalog.Shanghai) }
	october := &office{t: t, app: fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return admin.WriteError(c, weberr.Classify(err)) }}), st: o.st}
	admin.Mount(october.app.Group("/admin", o.st.Sessions.Load, web.NoStoreForPeople), deps)
	if p := october.signIn("admin").get("/admin/"); !strings.Contains(p.body, fmt.Sprintf("%d年的法定节假日安排尚未录入", next)) {
		t.Errorf("the dashboard on 1 October: %.300s", p.body)
	}
	if p := boss.get(fmt.Sprintf("/admin/calendar?year=%d", next)); p.status != 200 || !strings.Contains(p.body, "尚未录入") {
		t.Fatalf("the page: %d %.300s", p.status, p.body)
	}
	bad := fmt.Sprintf("%d-01-01,holiday,元旦", next)
	if p := boss.post("/admin/calendar", url.Values{"year": {fmt.Sprint(next)}, "days": {bad}}); p.status != 400 || !strings.Contains(p.body, "无法识别") || !strings.Contains(p.body, bad) {
		t.Errorf("a malformed line: %d %.300s", p.status, p.body)
	}
	if p := boss.post("/admin/calendar", url.Values{"year": {fmt.Sprint(next)}, "days": {fmt.Sprintf("%d-01-01,off,元旦", next-1)}}); p.status != 400 {
		t.Errorf("another year's days: %d", p.status)
	}
	if p := o.signIn("sanxi-clerk").post("/admin/calendar", url.Values{"year": {fmt.Sprint(next)}, "days": {fmt.Sprintf("%d-01-01,off,元旦", next)}}); p.status != 403 {
		t.Errorf("a clerk entering the calendar: %d", p.status)
	}
	p := boss.post("/admin/calendar", url.Values{"year": {fmt.Sprint(next)}, "days": {fmt.Sprintf("%d-01-01,off,元旦\n%d-01-02,off,元旦", next, next)}})
	if p.status != 303 || !o.st.Calendar.Known(next) {
		t.Fatalf("save: %d %q known %v", p.status, p.location, o.st.Calendar.Known(next))
	}
	if p := boss.get(p.location); !strings.Contains(p.body, "节假日安排已保存") || !strings.Contains(p.body, "已录入") {
		t.Errorf("after saving: %.300s", p.body)
	}
}

// TestAnnualReportForms: a unit writes its report's parts on the page; a
// refused number comes back with the texts kept; once complete it becomes
// a draft in its 年报 column; the county office sees every unit's status.
func TestAnnualReportForms(t *testing.T) {
	o := newOffice(t)
	clerk := o.signIn(stacktest.Office + "-clerk")
	page := "/admin/reports/annual?year=2020&unit=" + stacktest.Office
	if p := clerk.get(page); p.status != 200 || !strings.Contains(p.body, "尚不能发布") || !strings.Contains(p.body, "一、总体情况") {
		t.Fatalf("the unit's page: %d %.300s", p.status, p.body)
	}
	form := url.Values{"unit": {stacktest.Office}, "year": {"2020"}, "overview": {"本年认真落实条例。"}, "problems": {"解读形式单一。"},
		"licensing": {"十二"}}
	if p := clerk.post("/admin/reports/annual/parts", form); p.status != 400 || !strings.Contains(p.body, "行政许可处理决定数量") || !strings.Contains(p.body, "本年认真落实条例。") {
		t.Errorf("a word for a number: %d %.300s", p.status, p.body)
	}
	form.Set("licensing", "12")
	if p := clerk.post("/admin/reports/annual/parts", form); p.status != 303 {
		t.Fatalf("save: %d %.300s", p.status, p.body)
	}
	if p := clerk.get(page); !strings.Contains(p.body, "各部分齐全") || !strings.Contains(p.body, `value="12"`) {
		t.Errorf("after saving: %.300s", p.body)
	}
	p := clerk.post("/admin/reports/annual/draft", url.Values{"unit": {stacktest.Office}, "year": {"2020"}})
	if p.status != 303 || !strings.HasPrefix(p.location, "/admin/publications/") {
		t.Fatalf("draft: %d %q %.300s", p.status, p.location, p.body)
	}
	if p := o.signIn("admin").get("/admin/reports/annual?year=2020"); p.status != 200 || !strings.Contains(p.body, "各单位年报发布情况") {
		t.Errorf("the county's view: %d %.300s", p.status, p.body)
	}
}
