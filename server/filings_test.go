package main

import (
	"bytes"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog/sheet"
	"gongkai/filing"
)

func TestFilings(t *testing.T) {
	ts := sharedServer(t)
	if r := ts.anon().do("GET", "/api/v1/units/suncun/filings", nil); r.status != 401 {
		t.Errorf("public reads filings: %d", r.status)
	}
	var hist []filing.Filing
	ts.login("suncun-clerk").do("GET", "/api/v1/units/suncun/filings", nil).decode(t, &hist)
	if len(hist) != 4 {
		t.Fatalf("孙村镇 has %d filings, want 4", len(hist))
	}
	body := map[string]any{"leader": map[string]string{"name": "孙村镇分管负责人", "post": "党委委员", "phone": "0563-8024001"},
		"publishers": []map[string]string{{"name": "孙村镇信息发布员5", "post": "办事员", "phone": "8024002"}},
		"office":     map[string]string{"name": "党政办", "head": "张三", "phone": "0563-8024003"}, "email": "suncun@example.cn", "filed_on": "2026-11-20"}
	if r := ts.login("suncun-clerk").do("POST", "/api/v1/units/suncun/filings", body); r.status != 403 {
		t.Errorf("clerk files: %d", r.status)
	}
	if r := ts.login("sanxi-leader").do("POST", "/api/v1/units/suncun/filings", body); r.status != 403 {
		t.Errorf("other township's leader files: %d", r.status)
	}
	leader := ts.login("suncun-leader")
	bad := map[string]any{}
	for k, v := range body {
		bad[k] = v
	}
	bad["publishers"] = []map[string]string{{"name": "某某", "phone": "12345"}}
	if r := leader.do("POST", "/api/v1/units/suncun/filings", bad); r.status != 400 || !strings.Contains(string(r.body), "办公电话") {
		t.Errorf("bad phone: %d %s", r.status, r.body)
	}
	if r := leader.do("POST", "/api/v1/units/suncun/filings", body); r.status != 201 {
		t.Fatalf("file: %d %s", r.status, r.body)
	}
	leader.do("GET", "/api/v1/units/suncun/filings", nil).decode(t, &hist)
	if len(hist) != 5 || hist[0].Publishers[0].Name != "孙村镇信息发布员1" || hist[4].Publishers[0].Name != "孙村镇信息发布员5" {
		t.Errorf("history after a new filing: %d", len(hist))
	}

	// The watch list at the end of 2020: 孙村镇 changed publishers often,
	// 气象局 never filed.
	var w []filing.Watch
	ts.login("admin").do("GET", "/api/v1/filings/watch?at=2020-12-31", nil).decode(t, &w)
	reasons := map[string]string{}
	for _, x := range w {
		reasons[x.UnitCode] = strings.Join(x.Reasons, ",")
	}
	if !strings.Contains(reasons["suncun"], "发布员变动频繁") || !strings.Contains(reasons["qixiangju"], "未备案") || reasons["miaoshou"] != "" {
		t.Errorf("watch list: %v", reasons)
	}
	if r := ts.login("miaoshou-clerk").do("GET", "/api/v1/filings/watch", nil); r.status != 403 {
		t.Errorf("clerk reads the county watch list: %d", r.status)
	}

	r := ts.login("admin").do("GET", "/api/v1/directory.xlsx", nil)
	df, err := excelize.OpenReader(bytes.NewReader(r.body))
	if r.status != 200 || err != nil {
		t.Fatalf("directory: %d %v", r.status, err)
	}
	// A row per filed person: name, post and phone in their own columns,
	// the filing's fax and e-mail beside them; the unit's facts on its
	// first row.
	drows, _ := df.GetRows("政务公开机构人员名录")
	head := map[string]int{}
	for i, h := range drows[1] {
		head[h] = i
	}
	cell := func(row []string, h string) string {
		if i, ok := head[h]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	units := map[string]bool{}
	var shujuju [][]string
	for _, row := range drows[2:] {
		units[cell(row, "单位")] = true
		if cell(row, "单位") == "数据资源局" {
			shujuju = append(shujuju, row)
		}
	}
	found := false
	for _, row := range shujuju {
		if cell(row, "姓名") == "曹孝丽" && cell(row, "人员类别") != "" && !strings.Contains(cell(row, "姓名"), " ") {
			found = true
		}
	}
	if len(units) != 39 || len(drows) <= 2+39 || drows[1][0] != "序号" || !found || len(shujuju) < 2 || cell(shujuju[0], "全称") == "" || cell(shujuju[1], "全称") != "" {
		t.Errorf("directory: %d rows for %d units; 数据资源局's %q", len(drows), len(units), shujuju)
	}
	filled := 0
	for _, row := range drows[2:] {
		if cell(row, "单位") == "县政府办公室" && cell(row, "备案传真") == "0563-8026519" && cell(row, "备案电子邮箱") == "jdxzwzx@163.com" {
			filled++
		}
	}
	if filled == 0 {
		t.Error("no row of 县政府办公室 carries its filed fax and e-mail")
	}
	if r := ts.anon().do("GET", "/api/v1/directory.xlsx", nil); r.status != 401 {
		t.Errorf("public directory with staff phones: %d", r.status)
	}
	var ms []filing.Mismatch
	ts.login("admin").do("GET", "/api/v1/units/shujuju/filings/consistency", nil).decode(t, &ms)
	kinds := map[string]bool{}
	for _, m := range ms {
		kinds[m.Kind] = true
	}
	if !kinds["filed_without_account"] || !kinds["account_without_filing"] {
		t.Errorf("consistency of 数据资源局: %+v", ms)
	}
}

func TestUnitFacts(t *testing.T) {
	ts := sharedServer(t)
	facts := map[string]any{"functions": "负责本镇经济社会事务", "address": "旌德县白地镇白地街1号", "office_hours": "周一至周五 上午8:00—12:00 下午14:30—17:30",
		"phone": "13812345678", "postcode": "242600"}
	leader := ts.login("baidi-leader")
	if r := leader.do("PUT", "/api/v1/units/baidi", facts); r.status != 400 || !strings.Contains(string(r.body), "个人手机号") {
		t.Errorf("mobile as public phone: %d %s", r.status, r.body)
	}
	facts["phone"] = "0563-8888888"
	facts["postcode"] = "2426"
	if r := leader.do("PUT", "/api/v1/units/baidi", facts); r.status != 400 || !strings.Contains(string(r.body), `"field":"postcode"`) {
		t.Errorf("bad postcode: %d %s", r.status, r.body)
	}
	facts["postcode"] = "242600"
	if r := ts.login("baidi-clerk").do("PUT", "/api/v1/units/baidi", facts); r.status != 403 {
		t.Errorf("clerk edits facts: %d", r.status)
	}
	if r := leader.do("PUT", "/api/v1/units/baidi", facts); r.status != 200 {
		t.Fatalf("leader edits facts: %d %s", r.status, r.body)
	}
	var u map[string]any
	ts.anon().do("GET", "/api/v1/units/baidi", nil).decode(t, &u)
	if u["address"] != "旌德县白地镇白地街1号" || u["phone"] != "0563-8888888" {
		t.Errorf("public facts %v", u)
	}
	// No public answer carries a personal mobile number.
	mobile := regexp.MustCompile(`(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`)
	for _, path := range []string{"/api/v1/units", "/api/v1/units/shujuju", "/kiosk/units/shujuju", "/kiosk/units/baidi"} {
		if r := ts.anon().do("GET", path, nil); mobile.Match(r.body) {
			t.Errorf("%s shows a mobile number", path)
		}
	}
}

func TestDirectoryImport(t *testing.T) {
	ts := sharedServer(t)
	adm := ts.login("admin")
	export := adm.do("GET", "/api/v1/directory.xlsx", nil).body
	r := adm.upload("/api/v1/directory/import", "名录.xlsx", export)
	var v sheet.DirectoryResult
	r.decode(t, &v)
	if r.status != 200 || len(v.Changed) != 0 || v.Unchanged != 39 {
		t.Fatalf("round trip: %d changed %d unchanged %d errors %v", r.status, len(v.Changed), v.Unchanged, v.Errors)
	}
	f, _ := excelize.OpenReader(bytes.NewReader(export))
	s := "政务公开机构人员名录"
	rows, _ := f.GetRows(s)
	find := func(name string) int {
		for i, row := range rows {
			if len(row) > 1 && row[1] == name {
				return i + 1
			}
		}
		t.Fatalf("%s not in the directory", name)
		return 0
	}
	ms, sx := find("庙首镇"), find("三溪镇")
	f.SetCellValue(s, "E"+itoa(int64(ms)), "庙首镇政府新址")
	f.SetCellValue(s, "J"+itoa(int64(sx)), "2426")
	var buf bytes.Buffer
	f.Write(&buf)
	r = adm.upload("/api/v1/directory/import?commit=1", "名录.xlsx", buf.Bytes())
	r.decode(t, &v)
	if r.status != 400 || len(v.Errors) != 1 || v.Errors[0].Row != sx || v.Errors[0].Column != "邮政编码" || v.Committed {
		t.Fatalf("bad postcode: %d %+v", r.status, v.Errors)
	}
	var u map[string]any
	ts.anon().do("GET", "/api/v1/units/miaoshou", nil).decode(t, &u)
	if u["address"] == "庙首镇政府新址" {
		t.Fatal("a refused directory import changed a unit")
	}
	// A unit's first row removed (its facts), its people's rows left: the
	// unit is unchanged, not emptied.
	{
		g, _ := excelize.OpenReader(bytes.NewReader(export))
		first := find("三溪镇")
		if err := g.RemoveRow(s, first); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		g.Write(&b)
		var w sheet.DirectoryResult
		adm.upload("/api/v1/directory/import", "名录.xlsx", b.Bytes()).decode(t, &w)
		for _, ch := range w.Changed {
			if ch.Unit.Code == "sanxi" {
				t.Errorf("三溪镇 without its first row: %v change", ch.Fields)
			}
		}
	}
	f.SetCellValue(s, "J"+itoa(int64(sx)), "242600")
	buf.Reset()
	f.Write(&buf)
	if r := ts.login("miaoshou-leader").upload("/api/v1/directory/import?commit=1", "名录.xlsx", buf.Bytes()); r.status != 403 {
		t.Errorf("a leader imports the county directory: %d", r.status)
	}
	r = adm.upload("/api/v1/directory/import?commit=1", "名录.xlsx", buf.Bytes())
	r.decode(t, &v)
	if r.status != 200 || !v.Committed || len(v.Changed) != 2 {
		t.Fatalf("commit: %d %+v", r.status, v)
	}
	ts.anon().do("GET", "/api/v1/units/miaoshou", nil).decode(t, &u)
	if u["address"] != "庙首镇政府新址" {
		t.Errorf("address after import: %v", u["address"])
	}
}

func TestAdminDirectoryImport(t *testing.T) {
	ts := sharedServer(t)
	adm := ts.login("admin")
	if r := adm.do("GET", "/admin/directory", nil); r.status != 200 || !strings.Contains(string(r.body), "导入名录") {
		t.Fatalf("directory page: %d", r.status)
	}
	export := adm.do("GET", "/api/v1/directory.xlsx", nil).body
	f, _ := excelize.OpenReader(bytes.NewReader(export))
	s := "政务公开机构人员名录"
	rows, _ := f.GetRows(s)
	for i, row := range rows {
		if len(row) > 1 && row[1] == "版书镇" {
			f.SetCellValue(s, "G"+itoa(int64(i+1)), "0563-8500000")
		}
	}
	var buf bytes.Buffer
	f.Write(&buf)
	r := adm.upload("/admin/directory/import", "名录.xlsx", buf.Bytes())
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "修改 1 个单位") || !strings.Contains(body, "联系电话") {
		t.Fatalf("preview: %d %s", r.status, body)
	}
	token := body[strings.Index(body, `name="token" value="`)+len(`name="token" value="`):]
	token = token[:strings.Index(token, `"`)]
	req := httptest.NewRequest("POST", "/admin/directory/import/commit", strings.NewReader("token="+token))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := adm.send(req); r.status != 303 {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	var u map[string]any
	ts.anon().do("GET", "/api/v1/units/banshu", nil).decode(t, &u)
	if u["phone"] != "0563-8500000" {
		t.Errorf("phone after import: %v", u["phone"])
	}
	if r := ts.login("banshu-leader").do("GET", "/admin/directory", nil); r.status != 403 {
		t.Errorf("leader opens the county directory: %d", r.status)
	}
}

// TestKioskContactsShowFiledOfficePhones: the contacts page shows each
// unit's filed openness office with its office phone, follows a new filing
// at once, and never shows a mobile number filed as the office's phone.
func TestKioskContactsShowFiledOfficePhones(t *testing.T) {
	ts := sharedServer(t)
	page := func() string { return string(ts.anon().do("GET", "/kiosk/contacts", nil).body) }
	if p := page(); !strings.Contains(p, "政务公开咨询：") || !strings.Contains(p, "0563-80241") {
		t.Fatalf("no filed office phone on the contacts page")
	}
	body := map[string]any{"leader": map[string]string{"name": "云乐镇分管负责人", "post": "党委委员", "phone": "0563-8024001"},
		"publishers": []map[string]string{{"name": "云乐镇信息员", "post": "办事员", "phone": "0563-8024002"}},
		"office":     map[string]string{"name": "云乐镇党政办", "head": "某某", "phone": "0563-8511234"}, "filed_on": "2026-11-20"}
	if r := ts.login("yunle-leader").do("POST", "/api/v1/units/yunle/filings", body); r.status != 201 {
		t.Fatalf("file: %d %s", r.status, r.body)
	}
	if p := page(); !strings.Contains(p, "云乐镇党政办 0563-8511234") {
		t.Error("the new filing's office phone is not on the contacts page")
	}
	body["office"] = map[string]string{"name": "云乐镇党政办", "head": "某某", "phone": "13905631234"}
	body["filed_on"] = "2026-11-21"
	if r := ts.login("yunle-leader").do("POST", "/api/v1/units/yunle/filings", body); r.status != 201 {
		t.Fatalf("file: %d %s", r.status, r.body)
	}
	if p := page(); strings.Contains(p, "13905631234") || strings.Contains(p, "云乐镇党政办 0563-8511234") {
		t.Error("a mobile filed as the office's phone shows, or the old phone stays")
	}
}
