package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/api"
	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/secret"
)

const testID = "11010519491231002X"

func application() map[string]any {
	return map[string]any{"applicant_type": "person", "name": "张凤英", "id_type": "resident_id", "id_number": testID,
		"address": "旌德县旌阳镇文化路1号", "phone": "13905631234", "email": "", "description": "2019年度县政府办公室部门预算",
		"purpose": "了解财政支出", "form": "paper", "delivery": "邮寄"}
}

// TestRequestAPI walks a request from the online form to its answer
// letter, with the checks a county is sued over.
func TestRequestAPI(t *testing.T) {
	ts := sharedServer(t)
	var logs bytes.Buffer
	old := ts.s.log
	ts.s.log = slog.New(slog.NewTextHandler(&logs, nil))
	defer func() { ts.s.log = old }()
	anon := ts.anon()

	// Bad numbers are refused, naming the field, never echoing it.
	for field, edit := range map[string]map[string]any{
		"id_number":   {"id_number": "110105194912310021"},
		"credit_code": {"applicant_type": "company", "org_name": "旌德县天益医药化工厂", "legal_rep": "王某", "credit_code": "91350100M000100Y44"},
		"phone":       {"phone": "12345"},
	} {
		body := application()
		for k, v := range edit {
			body[k] = v
		}
		r := anon.do("POST", "/api/v1/requests", body)
		code, f, msg := r.errorOf(t)
		if r.status != 400 || code != "invalid" || f != field || strings.Contains(msg, "110105") {
			t.Errorf("%s: %d %s %s %s", field, r.status, code, f, msg)
		}
	}
	// A 15-digit ID is refused with its own message.
	body := application()
	body["id_number"] = "110105491231002"
	if _, _, msg := anon.do("POST", "/api/v1/requests", body).errorOf(t); !strings.Contains(msg, "15位") {
		t.Errorf("15-digit ID: %s", msg)
	}

	r := anon.do("POST", "/api/v1/requests", application())
	if r.status != 201 {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	var rc api.Receipt
	r.decode(t, &rc)
	todayS := today().Format("2006-01-02")
	wantDue, _ := ts.s.calendar.AddWorkdays(today(), 20)
	if rc.Number == "" || rc.ReceivedOn != todayS || rc.DueOn != wantDue.Format("2006-01-02") {
		t.Fatalf("receipt %+v", rc)
	}
	// The public cannot set the receipt date.
	body = application()
	body["received_on"] = "2020-01-01"
	if r := anon.do("POST", "/api/v1/requests", body); r.status != 400 {
		t.Errorf("public sets the receipt date: %d", r.status)
	}

	// Status: number and the phone's last four digits.
	st := anon.do("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=1234", nil)
	var sv foi.PublicStatus
	st.decode(t, &sv)
	if st.status != 200 || sv.Applicant != "张**" || sv.DueOn != rc.DueOn || strings.Contains(string(st.body), testID) || strings.Contains(string(st.body), "13905631234") {
		t.Errorf("status: %d %s", st.status, st.body)
	}
	req := httptest.NewRequest("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=0000", nil)
	req.Header.Set("X-Forwarded-For", "10.9.9.9")
	if r := anon.send(req); r.status != 404 {
		t.Errorf("wrong phone: %d", r.status)
	}

	// Staff: masked by default; full numbers only for those allowed, audited.
	clerk, leader := ts.login("zhengfuban-clerk"), ts.login("zhengfuban-leader")
	var v api.RequestView
	clerk.do("GET", "/api/v1/requests/"+rc.Number, nil).decode(t, &v)
	if v.IDNumber != "110***********002X" || v.Phone != "139****1234" || v.Clock.Due.Format("2006-01-02") != rc.DueOn || v.Clock.Left < 15 {
		t.Errorf("staff view: %+v", v)
	}
	if r := clerk.do("GET", "/api/v1/requests/"+rc.Number+"?reveal=1", nil); r.status != 403 {
		t.Errorf("clerk reveals: %d", r.status)
	}
	if r := ts.login("sanxi-leader").do("GET", "/api/v1/requests/"+rc.Number, nil); r.status != 403 {
		t.Errorf("another unit reads the request: %d", r.status)
	}
	leader.do("GET", "/api/v1/requests/"+rc.Number+"?reveal=1", nil).decode(t, &v)
	if v.IDNumber != testID || !v.Revealed {
		t.Errorf("revealed %q", v.IDNumber)
	}
	var audit []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?object=request&limit=100", nil).decode(t, &audit)
	revealed := false
	for _, a := range audit {
		revealed = revealed || (a.Action == "reveal" && a.TargetID == rc.Number)
		if strings.Contains(a.Before+a.After+a.Detail, testID) || strings.Contains(a.Before+a.After, "13905631234") {
			t.Errorf("audit entry %d holds personal numbers", a.ID)
		}
	}
	if !revealed {
		t.Error("the full view is not in the audit log")
	}

	// Steps: forward, the department's answer, an extension (the section
	// head's), the answer letter, delivery.
	step := func(c *client, action string, body map[string]any, want int) api.RequestView {
		t.Helper()
		r := c.do("POST", "/api/v1/requests/"+rc.Number+"/"+action, body)
		if r.status != want {
			t.Fatalf("%s: %d %s", action, r.status, r.body)
		}
		var v api.RequestView
		if want == 200 {
			r.decode(t, &v)
		}
		return v
	}
	step(clerk, "forward", map[string]any{"unit": "caizhengju"}, 200)
	step(clerk, "returned", map[string]any{"note": "财政局答复材料"}, 200)
	step(clerk, "extend", map[string]any{"days": 10, "note": "需调取档案", "via": "邮寄挂号信"}, 403)
	v = step(leader, "extend", map[string]any{"days": 10, "note": "需调取档案", "via": "邮寄挂号信"}, 200)
	if want, _ := ts.s.calendar.AddWorkdays(today(), 30); v.Clock.Due.Format("2006-01-02") != want.Format("2006-01-02") {
		t.Errorf("extended due %s, want %s", v.Clock.Due.Format("2006-01-02"), want.Format("2006-01-02"))
	}
	step(clerk, "answer", map[string]any{"outcome": "no_such"}, 400)
	v = step(clerk, "answer", map[string]any{"outcome": "already_public", "text": "已于2019年1月23日在旌德县人民政府网政务公开栏目公开。"}, 200)
	if !strings.HasPrefix(v.LetterNo, "NO.〔"+today().Format("2006")+"〕") || v.State != "answered" {
		t.Errorf("answered: %s %s", v.LetterNo, v.State)
	}
	step(clerk, "deliver", map[string]any{"note": "邮寄，挂号信"}, 200)
	st = anon.do("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=1234", nil)
	st.decode(t, &sv)
	letter := strings.Join(sv.Letter, "\n")
	if !strings.Contains(letter, "政府信息公开答复书") || !strings.Contains(letter, v.LetterNo) || !strings.Contains(letter, "张**：") ||
		!strings.Contains(letter, "六十日内") || !strings.Contains(letter, "第三十六条第（一）项") || strings.Contains(letter, "张凤英") {
		t.Errorf("letter in the status lookup:\n%s", letter)
	}

	// Staff registration: a letter signed for on a given day.
	reg := application()
	reg["channel"], reg["received_on"] = "letter", "2026-02-13"
	if r := ts.login("sanxi-clerk").do("POST", "/api/v1/requests/register", reg); r.status != 403 {
		t.Errorf("another unit registers for the county office: %d", r.status)
	}
	var rc2 api.Receipt
	clerk.do("POST", "/api/v1/requests/register", reg).decode(t, &rc2)
	if rc2.ReceivedOn != "2026-02-13" || rc2.DueOn != "2026-03-19" {
		t.Errorf("registered letter %+v (want due 2026-03-19 across the Spring Festival)", rc2)
	}

	// The annual table for this year holds its identities and exports.
	var rep struct {
		Rows []struct {
			Key   string
			Cells [7]int
		}
	}
	clerk.do("GET", "/api/v1/reports/annual?year="+today().Format("2006")+"&unit=zhengfuban", nil).decode(t, &rep)
	if len(rep.Rows) != 25 || rep.Rows[0].Cells[6] < 1 {
		t.Errorf("annual report %+v", rep)
	}
	x := clerk.do("GET", "/api/v1/reports/annual?year="+today().Format("2006")+"&unit=zhengfuban&format=xlsx", nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	if v, _ := f.GetCellValue("Sheet1", "A4"); v != "一、本年新收政府信息公开申请数量" {
		t.Errorf("xlsx A4 %q", v)
	}
	if r := ts.login("sanxi-clerk").do("GET", "/api/v1/reports/annual?year=2026", nil); r.status != 403 {
		t.Errorf("a township clerk reads the county's table: %d", r.status)
	}

	// Repeated wrong guesses are throttled.
	throttled := false
	for i := 0; i < 12 && !throttled; i++ {
		r := anon.do("GET", "/api/v1/requests/status?number="+rc2.Number+"&phone4=00"+string(rune('0'+i%10))+"9", nil)
		if throttled = r.status == 429; throttled {
			if _, _, msg := r.errorOf(t); !strings.Contains(msg, "查询错误次数过多") {
				t.Errorf("throttled with %q", msg)
			}
		}
	}
	if !throttled {
		t.Error("repeated wrong guesses are not throttled")
	}

	// Nothing personal in the logs.
	if strings.Contains(logs.String(), testID) || strings.Contains(logs.String(), "13905631234") {
		t.Error("a personal number is in the log")
	}
	_ = time.Now
}

// TestRequestBackOffice: the county office registers a letter, sees it
// masked and overdue (no consultation stops its clock any more), answers
// and prints the letter; the
// dashboard and the annual table render.
func TestRequestBackOffice(t *testing.T) {
	ts := sharedServer(t)
	leader := ts.login("zhengfuban-leader")
	form := url.Values{"channel": {"letter"}, "received_on": {today().AddDate(0, 0, -40).Format("2006-01-02")}, "applicant_type": {"person"},
		"name": {"汪春林"}, "id_type": {"resident_id"}, "id_number": {"110105194912310021"}, "address": {"旌德县"}, "phone": {"13905630000"},
		"description": {"关于印发旌德县廉租住房出售和管理实施暂行办法的通知"}, "form": {"paper"}}
	r := postForm(leader, "/admin/requests", form)
	if r.status != 400 || !strings.Contains(string(r.body), "居民身份证号码有误") || !strings.Contains(string(r.body), "廉租住房") {
		t.Fatalf("bad ID: %d", r.status)
	}
	form.Set("id_number", testID)
	r = postForm(leader, "/admin/requests", form)
	if r.status != 303 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	path := r.header.Get("Location")
	path = path[:strings.Index(path, "?")]
	number := path[strings.LastIndex(path, "/")+1:]
	page := leader.do("GET", path, nil)
	if !strings.Contains(string(page.body), "110***********002X") || strings.Contains(string(page.body), testID) || !strings.Contains(string(page.body), "已逾期") {
		t.Errorf("detail: masked and overdue expected")
	}
	if dash := leader.do("GET", "/admin/requests?unit=zhengfuban", nil); !strings.Contains(string(dash.body), number) || !strings.Contains(string(dash.body), "已逾期") {
		t.Errorf("dashboard lacks the overdue request")
	}
	if r := leader.do("GET", path+"?reveal=1", nil); !strings.Contains(string(r.body), testID) {
		t.Error("reveal shows no full number")
	}
	// One request, one item: split in two, the second gets its own number.
	if r := postForm(leader, path+"/split", url.Values{"descriptions": {"关于印发旌德县廉租住房出售和管理实施暂行办法的通知\n2010年廉租住房分配名单"}}); r.status != 303 {
		t.Fatalf("split: %d %s", r.status, r.body)
	}
	var parts []api.RequestView
	leader.do("GET", "/api/v1/requests?unit=zhengfuban", nil).decode(t, &parts)
	split := false
	for _, p := range parts {
		split = split || (p.SplitFrom == number && p.Description == "2010年廉租住房分配名单" && p.ReceivedOn.Format("2006-01-02") == form.Get("received_on") && p.Number != number)
	}
	if !split {
		t.Error("no split part")
	}
	// Overdue: a consultation can no longer stop the clock.
	if r := postForm(leader, path+"/consult", url.Values{"kind": {"third_party"}, "party": {"某房产公司"}, "via": {"邮寄"}}); r.status != 400 ||
		!strings.Contains(string(r.body), "已过，不能再征求意见") {
		t.Errorf("a consultation after the due date: %d", r.status)
	}
	for _, st := range []struct {
		action string
		v      url.Values
	}{
		{"answer", url.Values{"outcome": {"disclose"}, "text": {"现将文件纸质版提供给你。"}}},
	} {
		if r := postForm(leader, path+"/"+st.action, st.v); r.status != 303 {
			t.Fatalf("%s: %d %s", st.action, r.status, r.body)
		}
	}
	letter := leader.do("GET", path+"/letter", nil)
	if !strings.Contains(string(letter.body), "政府信息公开答复书") || !strings.Contains(string(letter.body), "汪春林：") || !strings.Contains(string(letter.body), "信函") ||
		!strings.Contains(string(letter.body), "第三十六条“（二）") || !strings.Contains(string(letter.body), "六个月内") {
		t.Errorf("letter: %s", letter.body)
	}
	if r := ts.login("zhengfuban-clerk").do("GET", path+"?reveal=1", nil); r.status != 403 {
		t.Errorf("clerk reveals in the back office: %d", r.status)
	}
	if r := postForm(ts.login("sanxi-leader"), path+"/deliver", url.Values{}); r.status != 403 {
		t.Errorf("another unit steps: %d", r.status)
	}
	annual := leader.do("GET", "/admin/reports/annual?unit=zhengfuban", nil)
	if annual.status != 200 || !strings.Contains(string(annual.body), "已核对") || !strings.Contains(string(annual.body), "行政复议") {
		t.Errorf("annual page: %d", annual.status)
	}
	// Table 四: entered by staff, totals computed, bad counts refused.
	year := today().Format("2006")
	if r := postForm(leader, "/admin/reports/annual/reviews", url.Values{"unit": {"zhengfuban"}, "year": {year}, "review0": {"-1"}}); r.status != 400 {
		t.Errorf("a negative count: %d", r.status)
	}
	if r := postForm(leader, "/admin/reports/annual/reviews", url.Values{"unit": {"zhengfuban"}, "year": {year}, "review0": {"2"}, "review3": {"1"}, "after1": {"1"}}); r.status != 303 {
		t.Fatalf("save table 四: %d %s", r.status, r.body)
	}
	var rep struct {
		Reviews foi.ReviewCounts `json:"reviews"`
	}
	leader.do("GET", "/api/v1/reports/annual?year="+year+"&unit=zhengfuban", nil).decode(t, &rep)
	if rep.Reviews.Review != [4]int{2, 0, 0, 1} || foi.Total(rep.Reviews.SuitAfterReview) != 1 {
		t.Errorf("table 四 %+v", rep.Reviews)
	}
	if r := postForm(ts.login("sanxi-leader"), "/admin/reports/annual/reviews", url.Values{"unit": {"zhengfuban"}, "year": {year}}); r.status != 403 {
		t.Errorf("another unit writes the county office's table: %d", r.status)
	}
}

// TestResealAfterKeyRotation: with a new key and the old one kept, every
// request opens, and resealing moves them to the new key.
func TestResealAfterKeyRotation(t *testing.T) {
	ts := newTestServer(t, false)
	setUpCounty(t, ts)
	r := ts.anon().do("POST", "/api/v1/requests", application())
	var rc api.Receipt
	r.decode(t, &rc)
	oldKey, err := os.ReadFile(filepath.Join(ts.cfg.DataDir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	ts.s.close()
	cfg := ts.cfg
	cfg.SecretKey = bytes.Repeat([]byte{9}, 32)
	if cfg.SecretKeyOld, err = secret.ParseKey(string(oldKey)); err != nil {
		t.Fatal(err)
	}
	rotated := openTestServer(t, cfg)
	if n, err := rotated.s.requests.Reseal(t.Context()); err != nil || n != 1 {
		t.Fatalf("resealed %d: %v", n, err)
	}
	rotated.s.close()
	cfg.SecretKeyOld = nil // the old key is gone
	after := openTestServer(t, cfg)
	got, err := after.s.requests.Find(t.Context(), rc.Number)
	if err != nil || got.IDNumber != testID {
		t.Fatalf("after the rotation: %v %v", got, err)
	}
}

// TestDemoRequests2020: the county office's 2020 requests as its report
// tells them: eight handled, six disclosed, two not, letters 1号 to 8号.
func TestDemoRequests2020(t *testing.T) {
	ts := sharedServer(t)
	var rep struct {
		Rows []struct {
			Key   string
			Cells [7]int
		}
	}
	ts.login("admin").do("GET", "/api/v1/reports/annual?year=2020&unit=zhengfuban", nil).decode(t, &rep)
	got := map[string]int{}
	for _, r := range rep.Rows {
		got[r.Key] = r.Cells[6]
	}
	want := map[string]int{"new": 6, "carried_in": 2, "disclose": 6, "deny_enforcement": 1, "deny_process": 1, "total": 8, "carried_out": 0}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("2020 %s = %d, want %d", k, got[k], w)
		}
	}
	var rs []api.RequestView
	ts.login("admin").do("GET", "/api/v1/requests?unit=zhengfuban", nil).decode(t, &rs)
	letters := map[string]bool{}
	for _, r := range rs {
		if r.DecidedOn != nil && r.DecidedOn.Year() == 2020 {
			letters[r.LetterNo] = true
		}
	}
	for i := 1; i <= 8; i++ {
		if no := "NO.〔2020〕" + itoa(int64(i)) + "号"; !letters[no] {
			t.Errorf("no letter %s", no)
		}
	}
}

// TestApplyingToTheUnitThatHoldsIt: an application addressed to a
// township is that township's, on its clerk's list and not another's; one
// naming no unit is the county office's; a unit that is not the county's
// is refused with the field named. Only the county office reassigns a
// request to another unit, which then has it.
func TestApplyingToTheUnitThatHoldsIt(t *testing.T) {
	ts := sharedServer(t)
	anon := ts.anon()
	apply := func(unit string) (response, api.Receipt) {
		body := application()
		if unit != "" {
			body["unit_code"] = unit
		}
		r := anon.do("POST", "/api/v1/requests", body)
		var rc api.Receipt
		if r.status == 201 {
			r.decode(t, &rc)
		}
		return r, rc
	}
	unitOf := func(number string) string {
		var v struct {
			UnitCode string `json:"unit_code"`
		}
		r := ts.login("admin").do("GET", "/api/v1/requests/"+number, nil)
		r.decode(t, &v)
		return v.UnitCode
	}
	// inUnit is a request's number in its unit's own register.
	inUnit := func(number string) (string, int) {
		var v struct {
			UnitNo string `json:"unit_no"`
		}
		ts.login("admin").do("GET", "/api/v1/requests/"+number, nil).decode(t, &v)
		var year, n int
		if _, err := fmt.Sscanf(strings.NewReplacer("依申请〔", "", "〕", " ", "号", "").Replace(v.UnitNo), "%d %d", &year, &n); err != nil {
			t.Fatalf("%s: unit number %q", number, v.UnitNo)
		}
		return v.UnitNo, n
	}
	listed := func(user, unit, number string) bool {
		r := ts.login(user).do("GET", "/api/v1/requests?unit="+unit, nil)
		return r.status == 200 && strings.Contains(string(r.body), number)
	}
	r, rc := apply("sanxi")
	if r.status != 201 || unitOf(rc.Number) != "sanxi" {
		t.Fatalf("applying to 三溪镇: %d %s, unit %q", r.status, r.body, unitOf(rc.Number))
	}
	if !listed("sanxi-clerk", "sanxi", rc.Number) || listed("miaoshou-clerk", "miaoshou", rc.Number) || !listed("admin", "sanxi", rc.Number) {
		t.Error("the township's request is not on its clerk's list only (and the county office's)")
	}
	if r := ts.login("miaoshou-clerk").do("GET", "/api/v1/requests/"+rc.Number, nil); r.status != 403 {
		t.Errorf("another township reads it: %d", r.status)
	}
	// Each unit numbers its own: the township's next application is its
	// next number, whatever other units received in between.
	_, n1 := inUnit(rc.Number)
	apply("miaoshou")
	_, rc2 := apply("sanxi")
	no2, n2 := inUnit(rc2.Number)
	if n2 != n1+1 {
		t.Errorf("三溪镇's requests numbered %d then %d", n1, n2)
	}
	// Its clerk finds it on the list opened from the menu (no unit named),
	// with the township's own number.
	clerk := ts.login("sanxi-clerk")
	if r := clerk.do("GET", "/admin/requests", nil); r.status != 303 || r.header.Get("Location") != "/admin/requests?unit=sanxi" {
		t.Errorf("the clerk's list without a unit named: %d to %q", r.status, r.header.Get("Location"))
	}
	if desk := clerk.do("GET", "/admin/", nil); desk.status != 200 || !strings.Contains(string(desk.body), "依申请公开待办") || !strings.Contains(string(desk.body), rc2.Number) {
		t.Errorf("the township clerk's 工作台 does not list %s: %d", rc2.Number, desk.status)
	}
	if desk := ts.login("miaoshou-clerk").do("GET", "/admin/", nil); strings.Contains(string(desk.body), rc2.Number) {
		t.Errorf("another township's 工作台 lists %s", rc2.Number)
	}
	page := clerk.do("GET", "/admin/requests?unit=sanxi", nil)
	if page.status != 200 || !strings.Contains(string(page.body), rc2.Number) || !strings.Contains(string(page.body), no2) || !strings.Contains(string(page.body), "三溪镇") {
		t.Errorf("the township clerk's request list: %d, want %s (%s)", page.status, rc2.Number, no2)
	}
	if _, none := apply(""); unitOf(none.Number) != "zhengfuban" {
		t.Errorf("no unit named: %q, want the county office", unitOf(none.Number))
	}
	if r, _ := apply("nosuchunit"); r.status != 400 || !strings.Contains(string(r.body), `"field":"unit"`) {
		t.Errorf("an unknown unit: %d %s", r.status, r.body)
	}
	// Reassigning: not by the township, by the county office — its own
	// clerk at the counter as much as a county-wide role.
	if r := ts.login("sanxi-clerk").do("POST", "/api/v1/requests/"+rc.Number+"/reassign", map[string]any{"unit": "miaoshou"}); r.status != 403 {
		t.Errorf("a township reassigns: %d", r.status)
	}
	if r := ts.login("zhengfuban-clerk").do("POST", "/api/v1/requests/"+rc.Number+"/reassign", map[string]any{"unit": "miaoshou", "note": "申请人所需为庙首镇信息"}); r.status != 200 {
		t.Fatalf("reassign: %d %s", r.status, r.body)
	}
	if unitOf(rc.Number) != "miaoshou" || !listed("miaoshou-clerk", "miaoshou", rc.Number) || listed("sanxi-clerk", "sanxi", rc.Number) {
		t.Errorf("after reassigning: unit %q", unitOf(rc.Number))
	}
	_, mine := apply("miaoshou")
	_, m1 := inUnit(mine.Number)
	if _, m0 := inUnit(rc.Number); m0 != m1-1 {
		t.Errorf("the reassigned request is number %d of 庙首镇, the next one applied there %d", m0, m1)
	}
	if r := ts.login("admin").do("POST", "/api/v1/requests/"+rc.Number+"/reassign", map[string]any{"unit": "miaoshou"}); r.status != 400 {
		t.Errorf("reassigning to the same unit: %d", r.status)
	}
}
