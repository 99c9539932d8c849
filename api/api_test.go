package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/access"
	"gongkai/api"
	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/seed"
)

// TestEveryWriteNamesItsRight walks the API's own route table: each route
// that changes state carries an rbac requirement, except the listed public
// writes, and those carry none.
func TestEveryWriteNamesItsRight(t *testing.T) {
	h := newAPI(t)
	public := map[string]bool{}
	for _, r := range api.PublicWrites {
		public[r] = true
	}
	writes := 0
	for _, r := range h.app.GetRoutes(true) {
		if r.Method == fiber.MethodGet || r.Method == fiber.MethodHead {
			continue
		}
		writes++
		guarded := false
		for _, fn := range r.Handlers {
			guarded = guarded || rbac.IsRequire(fn)
		}
		key := r.Method + " " + r.Path
		if guarded == public[key] {
			t.Errorf("%s: guarded %v, listed public %v", key, guarded, public[key])
		}
	}
	if writes < 25 {
		t.Errorf("only %d writes in the route table", writes)
	}
}

// TestSession: a wrong password is 401 with its code and no cookie; the
// right one opens a session that shows the person's roles; signing out
// ends it.
func TestSession(t *testing.T) {
	h := newAPI(t)
	c := h.anon()
	r := c.do("POST", "/api/v1/session", map[string]string{"username": "sanxi-clerk", "password": "wrong-password-1"})
	if code, _ := r.problem(t); r.status != 401 || code != "unauthorized" || c.cookie != "" {
		t.Fatalf("wrong password: %d %s cookie %q", r.status, r.body, c.cookie)
	}
	c = h.login("sanxi-clerk")
	var v api.SessionView
	c.do("GET", "/api/v1/session", nil).decode(t, &v)
	if v.User.Username != "sanxi-clerk" || len(v.Grants) != 1 || v.Grants[0].Role != rbac.RoleClerk || v.Grants[0].Unit != "sanxi" {
		t.Errorf("session %+v", v)
	}
	if r := c.do("DELETE", "/api/v1/session", nil); r.status != 204 {
		t.Fatalf("sign out: %d", r.status)
	}
	if r := c.do("GET", "/api/v1/session", nil); r.status != 401 {
		t.Errorf("session after sign-out: %d", r.status)
	}
	if r := c.do("PUT", "/api/v1/session/password", `{"old_password":`); r.status != 401 {
		t.Errorf("changing a password signed out: %d, want 401 before the body is read", r.status)
	}
}

// TestNewAccountMustChangeItsPassword: an account the system administrator
// opens can do nothing but change its password, which needs the old one.
func TestNewAccountMustChangeItsPassword(t *testing.T) {
	h := newAPI(t)
	sys := h.login("sysadmin")
	r := sys.do("POST", "/api/v1/users", access.NewUser{Username: "xinren", DisplayName: "新人", UnitCode: "sanxi", Password: "Xinren-2026-first"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := sys.do("POST", "/api/v1/users", access.NewUser{Username: "xinren2", UnitCode: "nowhere", Password: "Xinren-2026-first"}); r.status != 400 {
		t.Errorf("account of a unit that does not exist: %d", r.status)
	} else if _, field := r.problem(t); field != "unit_code" {
		t.Errorf("field %q, want unit_code", field)
	}
	c := h.anon()
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": "xinren", "password": "Xinren-2026-first"}); r.status != 201 {
		t.Fatalf("first sign-in: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/v1/units/sanxi/publications", nil); r.status != 403 {
		t.Errorf("before changing the password: %d", r.status)
	} else if code, _ := r.problem(t); code != "password_change_required" {
		t.Errorf("code %q", code)
	}
	if r := c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "not-it-at-all", "password": "Xinren-2026-mine"}); r.status != 400 {
		t.Errorf("wrong old password: %d", r.status)
	} else if _, field := r.problem(t); field != "old_password" {
		t.Errorf("field %q, want old_password", field)
	}
	if r := c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "Xinren-2026-first", "password": "Xinren-2026-mine"}); r.status != 204 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	var v api.SessionView
	c.do("GET", "/api/v1/session", nil).decode(t, &v)
	if v.MustChangePassword {
		t.Error("still must change the password after changing it")
	}
}

// TestSeparatedAdministrators (三员分立): the system administrator cannot
// grant roles nor act on their own account; a reset of the auditor's
// password waits for the security administrator.
func TestSeparatedAdministrators(t *testing.T) {
	h := newAPI(t)
	sys, sec := h.login("sysadmin"), h.login("secadmin")
	var users []access.UserGrants
	sys.do("GET", "/api/v1/users", nil).decode(t, &users)
	id := map[string]int64{}
	for _, u := range users {
		id[u.Username] = u.ID
	}
	if r := sys.do("POST", fmt.Sprintf("/api/v1/users/%d/grants", id["sanxi-clerk"]), map[string]string{"role": "leader", "unit": "sanxi"}); r.status != 403 {
		t.Errorf("system administrator granting a role: %d", r.status)
	}
	if r := sys.do("PUT", fmt.Sprintf("/api/v1/users/%d", id["sysadmin"]), map[string]any{"display_name": "我自己"}); r.status != 403 {
		t.Errorf("system administrator changing their own account: %d", r.status)
	}
	if r := sec.do("POST", fmt.Sprintf("/api/v1/users/%d/grants", id["sanxi-clerk"]), map[string]string{"role": "chief", "unit": "sanxi"}); r.status != 400 {
		t.Errorf("unknown role: %d", r.status)
	}
	if r := sec.do("POST", fmt.Sprintf("/api/v1/users/%d/grants", id["sanxi-clerk"]), map[string]string{"role": "admin", "unit": "sanxi"}); r.status != 400 {
		t.Errorf("a county-wide role limited to a unit: %d %s", r.status, r.body)
	}
	if r := sec.do("POST", fmt.Sprintf("/api/v1/users/%d/grants", id["sanxi-clerk"]), map[string]string{"role": "leader", "unit": "sanxi"}); r.status != 201 {
		t.Fatalf("grant: %d %s", r.status, r.body)
	}
	leader := h.login("sanxi-clerk")
	var v api.SessionView
	leader.do("GET", "/api/v1/session", nil).decode(t, &v)
	if len(v.Grants) != 2 {
		t.Errorf("grants after the binding: %+v", v.Grants)
	}
	// The binding is in the audit log.
	var entries []catalog.AuditEntry
	h.login("auditor").do("GET", "/api/v1/audit?object=role", nil).decode(t, &entries)
	if len(entries) == 0 || entries[0].Action != "grant" {
		t.Errorf("the grant is not in the audit log: %+v", entries)
	}
	r := sys.do("POST", fmt.Sprintf("/api/v1/users/%d/password", id["auditor"]), map[string]string{"password": "Auditor-2026-reset"})
	if r.status != 202 || !strings.Contains(string(r.body), "pending") {
		t.Fatalf("reset of the auditor's password: %d %s", r.status, r.body)
	}
	if r := sec.do("POST", fmt.Sprintf("/api/v1/users/%d/password/confirm", id["auditor"]), map[string]string{"password": "Auditor-2026-reset"}); r.status != 204 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	if r := sec.do("POST", fmt.Sprintf("/api/v1/users/%d/password/confirm", id["auditor"]), map[string]string{"password": "Auditor-2026-again"}); r.status != 409 {
		t.Errorf("confirming a reset no one asked for: %d", r.status)
	}
}

// TestItemsAreTheirUnits: a clerk writes the catalogue of their own unit
// only; a mistyped field is named, not dropped.
func TestItemsAreTheirUnits(t *testing.T) {
	h := newAPI(t)
	clerk := h.login("sanxi-clerk")
	item := map[string]any{"domain_code": "czyjs", "level1": "财政预决算", "level2": "测试事项", "content": "内容", "basis": "《条例》",
		"time_limit": "信息形成之日起20个工作日内", "subject": "三溪镇人民政府", "channels": []string{"政府网站"}, "to_public": true, "proactive": true, "at_township": true}
	r := clerk.do("POST", "/api/v1/units/sanxi/items", item)
	if r.status != 201 {
		t.Fatalf("create in own unit: %d %s", r.status, r.body)
	}
	if r := clerk.do("POST", "/api/v1/units/baidi/items", item); r.status != 403 {
		t.Errorf("create in another unit: %d", r.status)
	}
	item["levle2"] = "错别字"
	if r := clerk.do("POST", "/api/v1/units/sanxi/items", item); r.status != 400 {
		t.Errorf("unknown field: %d", r.status)
	} else if _, field := r.problem(t); field != "levle2" {
		t.Errorf("field %q, want levle2", field)
	}
	if r := clerk.do("POST", "/api/v1/units/sanxi/items", `{"level1": `); r.status != 400 || strings.Contains(string(r.body), "unexpected") {
		t.Errorf("a cut body: %d %s", r.status, r.body)
	}
}

// TestApplicationAndItsStatus: anyone applies online and gets a receipt;
// the status answers with the number and the phone's last four digits
// only; staff see the request with the numbers masked.
func TestApplicationAndItsStatus(t *testing.T) {
	h := newAPI(t)
	in := map[string]any{"applicant_type": "person", "name": "张三", "id_type": "resident_id", "id_number": seed.DemoID("19800101", 1),
		"phone": "13955551234", "address": "旌德县旌阳镇", "description": "2026年三溪镇低保名单", "form": "paper"}
	r := h.anon().do("POST", "/api/v1/requests", in)
	if r.status != 201 {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	var rc api.Receipt
	r.decode(t, &rc)
	if rc.Number == "" || rc.DueOn <= rc.ReceivedOn || !strings.Contains(rc.ReceiptURL, rc.Number) {
		t.Errorf("receipt %+v", rc)
	}
	if r := h.anon().do("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=0000", nil); r.status != 404 {
		t.Errorf("status with the wrong phone: %d", r.status)
	}
	if r := h.anon().do("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=1234", nil); r.status != 200 || strings.Contains(string(r.body), "张三") {
		t.Errorf("status: %d %s", r.status, r.body)
	}
	// An applicant may address a township (it answers its own requests),
	// but not a unit the county does not have.
	in["unit_code"] = "nosuchunit"
	if r := h.anon().do("POST", "/api/v1/requests", in); r.status != 400 {
		t.Errorf("an applicant choosing a unit that does not exist: %d", r.status)
	}
	var v api.RequestView
	h.login(office+"-clerk").do("GET", "/api/v1/requests/"+rc.Number, nil).decode(t, &v)
	if strings.Contains(v.Applicant.IDNumber, seed.DemoID("19800101", 1)) || v.Clock.Due.IsZero() {
		t.Errorf("staff view: %+v", v)
	}
	if r := h.login("sanxi-clerk").do("GET", "/api/v1/requests/"+rc.Number, nil); r.status != 403 {
		t.Errorf("another unit's clerk reading the request: %d", r.status)
	}
}

// TestCalendarYearIsChecked: a day outside the year is refused with the
// field named and nothing saved; a good year is saved and the working days
// are counted with it.
func TestCalendarYearIsChecked(t *testing.T) {
	h := newAPI(t)
	admin := h.login("admin")
	var cal struct {
		LastYear int `json:"last_known_year"`
	}
	h.anon().do("GET", "/api/v1/calendar/2026", nil).decode(t, &cal)
	y := cal.LastYear + 1
	path := fmt.Sprintf("/api/v1/calendar/%d", y)
	bad := map[string]any{"days": []map[string]any{{"date": fmt.Sprintf("%d-01-01", y), "off": true, "name": "元旦"}, {"date": fmt.Sprintf("%d-01-02", y+1), "off": true}}}
	if r := admin.do("PUT", path, bad); r.status != 400 {
		t.Fatalf("a day of another year: %d", r.status)
	} else if _, field := r.problem(t); field != "days" {
		t.Errorf("field %q", field)
	}
	if r := h.anon().do("GET", fmt.Sprintf("/api/v1/workdays?from=%d-12-31&n=1", y-1), nil); r.status == 200 {
		t.Fatalf("working days counted into a year with no arrangement: %s", r.body)
	}
	good := map[string]any{"days": []map[string]any{{"date": fmt.Sprintf("%d-01-01", y), "off": true, "name": "元旦"}}}
	if r := h.login("sanxi-clerk").do("PUT", path, good); r.status != 403 {
		t.Errorf("a clerk setting the calendar: %d", r.status)
	}
	if r := admin.do("PUT", path, good); r.status != 200 || !strings.Contains(string(r.body), "元旦") {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	want := time.Date(y, 1, 2, 0, 0, 0, 0, time.UTC)
	for want.Weekday() == time.Saturday || want.Weekday() == time.Sunday {
		want = want.AddDate(0, 0, 1)
	}
	var w api.WorkdaysView
	h.anon().do("GET", fmt.Sprintf("/api/v1/workdays?from=%d-12-31&n=1", y-1), nil).decode(t, &w)
	if w.Result != want.Format("2006-01-02") {
		t.Errorf("one working day after %d-12-31: %s, want %s (%s)", y-1, w.Result, want.Format("2006-01-02"), w.Explanation)
	}
}

// TestCountyIdentity: anyone reads the county's identity; the county
// office changes it, a bad division code named; the answer letters and
// the office that receives applications follow it at once.
func TestCountyIdentity(t *testing.T) {
	h := newAPI(t)
	var c catalog.County
	h.anon().do("GET", "/api/v1/county", nil).decode(t, &c)
	if c.Name == "" || c.Office != office {
		t.Fatalf("county %+v", c)
	}
	c.Name, c.Government, c.ReviewBody, c.Court, c.DivisionCode = "青山县", "青山县人民政府", "青山市人民政府", "青山县人民法院", "341899"
	if r := h.login("sanxi-clerk").do("PUT", "/api/v1/county", c); r.status != 403 {
		t.Errorf("a township clerk changing the county: %d", r.status)
	}
	admin := h.login("admin")
	bad := c
	bad.DivisionCode = "341800"
	if r := admin.do("PUT", "/api/v1/county", bad); r.status != 400 {
		t.Errorf("a prefecture's code: %d", r.status)
	} else if _, field := r.problem(t); field != "division_code" {
		t.Errorf("field %q", field)
	}
	bad = c
	bad.Office = "nowhere"
	if r := admin.do("PUT", "/api/v1/county", bad); r.status != 400 {
		t.Errorf("an office that is no unit: %d", r.status)
	}
	if r := admin.do("PUT", "/api/v1/county", c); r.status != 200 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	var got catalog.County
	h.anon().do("GET", "/api/v1/county", nil).decode(t, &got)
	if got != c {
		t.Errorf("read back %+v, want %+v", got, c)
	}
	in := map[string]any{"applicant_type": "person", "name": "赵六", "id_type": "resident_id", "id_number": seed.DemoID("19900101", 4),
		"phone": "13700001234", "address": "青山县", "description": "2026年预算", "form": "paper"}
	var rc api.Receipt
	h.anon().do("POST", "/api/v1/requests", in).decode(t, &rc)
	r, err := h.st.Requests.Find(t.Context(), rc.Number)
	if err != nil || r.UnitCode != c.Office {
		t.Fatalf("the application: %v %+v", err, r)
	}
	letter, err := h.st.RequestDesk.Letter(t.Context(), r)
	if err != nil || !strings.Contains(letter.Remedy, "青山市人民政府") || !strings.Contains(letter.Remedy, "青山县人民法院") || strings.Contains(letter.Remedy, "旌德") {
		t.Errorf("remedy %q %v", letter.Remedy, err)
	}
}

// TestUnitLifecycle: the county office adds a township, whose catalogue is
// the township template, and a department, which starts with the rubric
// and its own 机构设置 and 年报 and then takes on a domain; a taken code, a
// bad credit code and a clerk are refused; a rename keeps the code.
func TestUnitLifecycle(t *testing.T) {
	h := newAPI(t)
	admin := h.login("admin")
	town := map[string]any{"code": "xinzhen", "name": "新镇", "full_name": "新镇人民政府", "level": "township", "kind": "town"}
	if r := h.login("sanxi-clerk").do("POST", "/api/v1/units", town); r.status != 403 {
		t.Errorf("a clerk adding a unit: %d", r.status)
	}
	var made api.UnitCreated
	r := admin.do("POST", "/api/v1/units", town)
	if r.status != 201 {
		t.Fatalf("township: %d %s", r.status, r.body)
	}
	r.decode(t, &made)
	tpls, err := h.st.Catalog.FindTemplates(t.Context(), catalog.LevelTownship)
	if err != nil || made.Items != len(tpls) || made.Items == 0 {
		t.Errorf("the township's catalogue has %d items, the township template %d (%v)", made.Items, len(tpls), err)
	}
	var items []catalog.Item
	h.anon().do("GET", "/api/v1/units/xinzhen/items", nil).decode(t, &items)
	if len(items) != made.Items || items[0].Subject != "新镇人民政府" {
		t.Errorf("the township's items: %d, subject %q", len(items), items[0].Subject)
	}
	if r := admin.do("POST", "/api/v1/units", town); r.status != 409 {
		t.Errorf("a taken code: %d", r.status)
	}
	for field, bad := range map[string]map[string]any{
		"full_name": {"code": "x1", "name": "某镇", "full_name": " ", "level": "township", "kind": "town"},
		"name":      {"code": "x2", "name": "新镇", "full_name": "另一个新镇人民政府", "level": "township", "kind": "town"},
		"code":      {"code": "-", "name": "某镇", "full_name": "某镇人民政府", "level": "township", "kind": "town"},
		"kind":      {"code": "x3", "name": "某局", "full_name": "某县某局", "level": "township", "kind": "department"},
	} {
		if r := admin.do("POST", "/api/v1/units", bad); r.status != 400 {
			t.Errorf("%s: %d %s", field, r.status, r.body)
		} else if _, f := r.problem(t); f != field {
			t.Errorf("%s: field %q", field, f)
		}
	}
	dept := map[string]any{"code": "xinbumen", "name": "大数据中心", "full_name": "某县大数据发展中心", "level": "county", "kind": "department",
		"credit_code": "11341825MB1234567X"}
	if r := admin.do("POST", "/api/v1/units", dept); r.status != 400 {
		t.Errorf("a bad credit code: %d", r.status)
	} else if _, field := r.problem(t); field != "credit_code" {
		t.Errorf("field %q", field)
	}
	dept["credit_code"] = seed.DemoCreditCode("11341825MB1234567")
	r = admin.do("POST", "/api/v1/units", dept)
	if r.status != 201 {
		t.Fatalf("department: %d %s", r.status, r.body)
	}
	r.decode(t, &made)
	before := made.Items
	var added struct{ Added int }
	admin.do("POST", "/api/v1/units/xinbumen/domains", map[string]any{"domains": []string{"shjz"}}).decode(t, &added)
	if added.Added == 0 {
		t.Error("taking on 社会救助 added no item")
	}
	admin.do("POST", "/api/v1/units/xinbumen/domains", map[string]any{"domains": []string{"shjz"}}).decode(t, &added)
	if added.Added != 0 {
		t.Errorf("the same domain twice added %d more", added.Added)
	}
	if r := admin.do("POST", "/api/v1/units/xinbumen/domains", map[string]any{"domains": []string{"nosuch"}}); r.status != 400 {
		t.Errorf("an unknown domain: %d", r.status)
	}
	if r := admin.do("POST", "/api/v1/units/xinzhen/domains", map[string]any{"domains": []string{"shjz"}}); r.status != 400 {
		t.Errorf("a township taking on a domain: %d", r.status)
	}
	h.anon().do("GET", "/api/v1/units/xinbumen/items", nil).decode(t, &items)
	if len(items) <= before {
		t.Errorf("the department has %d items, %d before", len(items), before)
	}
	var u catalog.Unit
	admin.do("POST", "/api/v1/units/xinbumen/rename", map[string]string{"name": "数据中心", "full_name": "某县数据中心"}).decode(t, &u)
	if u.Code != "xinbumen" || u.Name != "数据中心" {
		t.Errorf("renamed %+v", u)
	}
	h.anon().do("GET", "/api/v1/units/xinbumen/items", nil).decode(t, &items)
	for _, it := range items {
		if it.Subject == "某县大数据发展中心" {
			t.Errorf("item %q still names the old full name", it.Level2)
			break
		}
	}
	var hist []catalog.ItemVersion
	admin.do("GET", fmt.Sprintf("/api/v1/items/%d/history", items[0].ID), nil).decode(t, &hist)
	if len(hist) < 2 || hist[len(hist)-1].Action != "rename" || !strings.Contains(hist[len(hist)-1].Reason, "某县数据中心") {
		t.Errorf("the item's history after the rename: %+v", hist)
	}
}

// TestIndexNumbersFollowTheCountysPattern: with the organisation-code
// pattern, a unit's new publications are numbered by the 9 characters
// inside its 统一社会信用代码; numbers already given stay.
func TestIndexNumbersFollowTheCountysPattern(t *testing.T) {
	h := newAPI(t)
	admin := h.login("admin")
	credit := seed.DemoCreditCode("11341825003151084")
	if r := admin.do("POST", "/api/v1/units/sanxi/rename", map[string]string{"name": "三溪镇", "full_name": "旌德县三溪镇人民政府", "credit_code": credit}); r.status != 200 {
		t.Fatalf("credit code: %d %s", r.status, r.body)
	}
	clerk := h.login("sanxi-clerk")
	var items []catalog.Item
	clerk.do("GET", "/api/v1/units/sanxi/items", nil).decode(t, &items)
	newPub := func(title string) catalog.Publication {
		t.Helper()
		var p catalog.Publication
		r := clerk.do("POST", fmt.Sprintf("/api/v1/items/%d/publications", items[0].ID), map[string]any{"title": title, "topic": "综合政务",
			"body": "正文。", "generated_on": time.Now().Format("2006-01-02")})
		if r.status != 201 {
			t.Fatalf("publication: %d %s", r.status, r.body)
		}
		r.decode(t, &p)
		return p
	}
	before := newPub("按单位代码编号")
	var c catalog.County
	h.anon().do("GET", "/api/v1/county", nil).decode(t, &c)
	c.IndexPattern = catalog.OrgIndexPattern
	if r := admin.do("PUT", "/api/v1/county", c); r.status != 200 {
		t.Fatalf("pattern: %d %s", r.status, r.body)
	}
	after := newPub("按组织机构代码编号")
	month := time.Now().In(catalog.Shanghai).Format("200601")
	if !strings.HasPrefix(before.IndexNo, "sanxi/"+month+"-") || !strings.HasPrefix(after.IndexNo, "003151084/"+month+"-") {
		t.Errorf("index numbers %q then %q", before.IndexNo, after.IndexNo)
	}
	var again catalog.Publication
	h.login("sanxi-clerk").do("GET", fmt.Sprintf("/api/v1/publications/%d", before.ID), nil).decode(t, &again)
	if again.IndexNo != before.IndexNo {
		t.Errorf("an earlier number changed: %q → %q", before.IndexNo, again.IndexNo)
	}
}

// TestDeleteAUnitMadeByMistake: a new unit nobody works in goes with its
// catalogue (audited); one with an account, or the demo's units with
// their publications, and the county office, stay, the reason named.
func TestDeleteAUnitMadeByMistake(t *testing.T) {
	h := newAPI(t)
	admin := h.login("admin")
	for _, code := range []string{"wujian", "youren", "shouquan"} {
		if r := admin.do("POST", "/api/v1/units", map[string]string{"code": code, "name": code + "镇", "full_name": code + "镇人民政府", "level": "township", "kind": "town"}); r.status != 201 {
			t.Fatalf("create %s: %d %s", code, r.status, r.body)
		}
	}
	if r := h.login("sysadmin").do("POST", "/api/v1/users", access.NewUser{Username: "youren-clerk", UnitCode: "youren", Password: "Youren-2026-first"}); r.status != 201 {
		t.Fatalf("account: %d %s", r.status, r.body)
	}
	clerk, err := h.st.Accounts.FindUserByName(t.Context(), "sanxi-clerk")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.Authz.SetGrant(t.Context(), catalog.Actor{Username: "secadmin"}, clerk.ID, rbac.Grant{Role: rbac.RoleClerk, Unit: "shouquan"}, true); err != nil {
		t.Fatal(err)
	}
	if r := h.login("sanxi-clerk").do("DELETE", "/api/v1/units/wujian", nil); r.status != 403 {
		t.Errorf("a clerk deleting a unit: %d", r.status)
	}
	if r := admin.do("DELETE", "/api/v1/units/wujian", nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := h.anon().do("GET", "/api/v1/units/wujian", nil); r.status != 404 {
		t.Errorf("the deleted unit: %d", r.status)
	}
	for code, why := range map[string]string{"youren": "youren-clerk", "shouquan": "授权1项", "sanxi": "三溪镇", office: "县政府办公室"} {
		r := admin.do("DELETE", "/api/v1/units/"+code, nil)
		if code, _ := r.problem(t); r.status != 409 || code != "conflict" || !strings.Contains(string(r.body), why) {
			t.Errorf("delete %s: %d %s", code, r.status, r.body)
		}
	}
	es, err := h.st.Catalog.FindAudit(t.Context(), catalog.AuditFilter{Object: "unit", Action: "delete"})
	if err != nil || len(es) != 1 || es[0].UnitCode != "wujian" {
		t.Errorf("audit %v %+v", err, es)
	}
}

// TestUnitAndCountyInputsAreTight: names are unique across names and full
// names, on creation and rename; credit codes are a unit's own; names and
// county fields are one plain line; the 索引号 pattern uses its tokens once
// with plain separators; the office is a county-level unit; and a number
// another unit holds is skipped, not fatal.
func TestUnitAndCountyInputsAreTight(t *testing.T) {
	h := newAPI(t)
	admin := h.login("admin")
	refused := func(what, method, path string, body any, field string) {
		t.Helper()
		r := admin.do(method, path, body)
		if _, f := r.problem(t); r.status != 400 || f != field {
			t.Errorf("%s: %d %s", what, r.status, r.body)
		}
	}
	refused("rename onto another unit's name", "POST", "/api/v1/units/sanxi/rename", map[string]string{"name": "财政局", "full_name": "旌德县三溪镇人民政府"}, "name")
	refused("a name that is another's full name", "POST", "/api/v1/units", map[string]string{"code": "zw4", "name": "旌德县财政局", "full_name": "某县某局", "level": "county", "kind": "department"}, "name")
	refused("an invisible character", "POST", "/api/v1/units", map[string]string{"code": "zw5", "name": "财政局\u200b", "full_name": "某县某局二", "level": "county", "kind": "department"}, "name")
	credit := seed.DemoCreditCode("11341825003151084")
	if r := admin.do("POST", "/api/v1/units/sanxi/rename", map[string]string{"name": "三溪镇", "full_name": "旌德县三溪镇人民政府", "credit_code": credit}); r.status != 200 {
		t.Fatalf("credit code: %d %s", r.status, r.body)
	}
	refused("another unit's credit code", "POST", "/api/v1/units/jingyang/rename", map[string]string{"name": "旌阳镇", "full_name": "旌德县旌阳镇人民政府", "credit_code": credit}, "credit_code")
	var c catalog.County
	h.anon().do("GET", "/api/v1/county", nil).decode(t, &c)
	for field, change := range map[string]func(*catalog.County){
		"index_pattern": func(c *catalog.County) { c.IndexPattern = "../{org}/{yyyymm}-{serial}?" },
		"court":         func(c *catalog.County) { c.Court = "某县\x00人民法院" },
		"office":        func(c *catalog.County) { c.Office = "sanxi" },
	} {
		bad := c
		change(&bad)
		refused(field, "PUT", "/api/v1/county", bad, field)
	}
	// A unit coded like sanxi's organisation code takes its number first.
	if r := admin.do("POST", "/api/v1/units", map[string]string{"code": "003151084", "name": "数码镇", "full_name": "某县数码镇人民政府", "level": "township", "kind": "town"}); r.status != 201 {
		t.Fatalf("unit: %d %s", r.status, r.body)
	}
	publish := func(unit string) catalog.Publication {
		t.Helper()
		var items []catalog.Item
		h.anon().do("GET", "/api/v1/units/"+unit+"/items", nil).decode(t, &items)
		var p catalog.Publication
		r := admin.do("POST", fmt.Sprintf("/api/v1/items/%d/publications", items[0].ID), map[string]any{"title": "编号" + unit, "topic": "综合政务",
			"body": "正文。", "generated_on": time.Now().Format("2006-01-02")})
		if r.status != 201 {
			t.Fatalf("publication of %s: %d %s", unit, r.status, r.body)
		}
		r.decode(t, &p)
		return p
	}
	first := publish("003151084")
	c.IndexPattern = catalog.OrgIndexPattern
	if r := admin.do("PUT", "/api/v1/county", c); r.status != 200 {
		t.Fatalf("pattern: %d %s", r.status, r.body)
	}
	second := publish("sanxi")
	if first.IndexNo == second.IndexNo || !strings.HasPrefix(second.IndexNo, "003151084/") {
		t.Errorf("index numbers %q and %q", first.IndexNo, second.IndexNo)
	}
}
