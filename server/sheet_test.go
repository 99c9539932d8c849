package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
)

func importSheet(c *client, unit string, data []byte, commit bool) (response, sheet.ImportResult) {
	c.ts.t.Helper()
	path := "/api/v1/units/" + unit + "/catalog/import"
	if commit {
		path += "?commit=1"
	}
	r := c.upload(path, "目录.xlsx", data)
	var v sheet.ImportResult
	if len(r.body) > 0 && r.body[0] == '{' {
		r.decode(c.ts.t, &v)
	}
	return r, v
}

// TestCatalogImport: an export imports back with no change; an edited
// export previews exactly its edits and commits them with history; a sheet
// with a mistake changes nothing and names the row and column.
func TestCatalogImport(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("zhaoshang-clerk")
	export := ts.anon().do("GET", "/api/v1/units/zhaoshang/catalog.xlsx", nil).body
	before := itemCount(t, ts, "zhaoshang")

	r, v := importSheet(clerk, "zhaoshang", export, false)
	if r.status != 200 || len(v.Added)+len(v.Changed)+len(v.Retired) != 0 || v.Unchanged != before || len(v.Errors) != 0 {
		t.Fatalf("round trip: %d added %d changed %d retired %d unchanged %d (of %d) errors %v", r.status, len(v.Added), len(v.Changed), len(v.Retired), v.Unchanged, before, v.Errors)
	}

	// Edit the export as a clerk would in Excel: change a content, drop a
	// row, add a row.
	f, err := excelize.OpenReader(bytes.NewReader(export))
	if err != nil {
		t.Fatal(err)
	}
	s := f.GetSheetList()[0]
	rows, _ := f.GetRows(s)
	last := len(rows)
	changedName, _ := f.GetCellValue(s, "C4")
	f.SetCellValue(s, "D4", "导入修改后的公开内容")
	removedName, _ := f.GetCellValue(s, "C"+itoa(int64(last)))
	f.RemoveRow(s, last)
	f.SetCellValue(s, "A"+itoa(int64(last)), last-3)
	f.SetCellValue(s, "B"+itoa(int64(last)), "新增一级事项")
	f.SetCellValue(s, "C"+itoa(int64(last)), "新增二级事项")
	f.SetCellValue(s, "D"+itoa(int64(last)), "新增的公开内容")
	f.SetCellValue(s, "F"+itoa(int64(last)), "按月公开")
	var buf bytes.Buffer
	f.Write(&buf)
	edited := buf.Bytes()

	if r, _ := importSheet(ts.login("sanxi-clerk"), "zhaoshang", edited, true); r.status != 403 {
		t.Errorf("other unit's clerk imports: %d", r.status)
	}
	if r, _ := importSheet(ts.login("inspector"), "zhaoshang", edited, true); r.status != 403 {
		t.Errorf("inspector imports: %d", r.status)
	}
	r, v = importSheet(clerk, "zhaoshang", edited, false)
	if r.status != 200 || len(v.Added) != 1 || len(v.Changed) != 1 || len(v.Retired) != 1 || v.Committed {
		t.Fatalf("preview: %d %+v", r.status, v)
	}
	if v.Changed[0].Item.Level2 != changedName || strings.Join(v.Changed[0].Fields, ",") != "公开内容（要素）" || v.Retired[0].Level2 != removedName ||
		v.Added[0].Columns.Level2 != "新增二级事项" {
		t.Errorf("preview detail: changed %s %v, retired %s, added %s", v.Changed[0].Item.Level2, v.Changed[0].Fields, v.Retired[0].Level2, v.Added[0].Columns.Level2)
	}
	if n := itemCount(t, ts, "zhaoshang"); n != before {
		t.Fatalf("a preview wrote: %d → %d", before, n)
	}
	r, v = importSheet(clerk, "zhaoshang", edited, true)
	if r.status != 200 || !v.Committed {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/zhaoshang/items", nil).decode(t, &items)
	var changed catalog.Item
	added := false
	for _, it := range items {
		if it.Level2 == changedName {
			changed = it
		}
		added = added || (it.Level2 == "新增二级事项" && it.TimeLimit.Period == catalog.PeriodMonthly)
		if it.Level2 == removedName {
			t.Error("the dropped row's item is still active")
		}
	}
	if changed.Content != "导入修改后的公开内容" || changed.Version != 2 || !added || len(items) != before {
		t.Errorf("after commit: changed %+v added %v count %d", changed, added, len(items))
	}
	var hist []catalog.ItemVersion
	clerk.do("GET", "/api/v1/items/"+itoa(changed.ID)+"/history", nil).decode(t, &hist)
	if len(hist) != 2 || !strings.Contains(hist[1].Reason, "导入目录") || hist[1].ChangedBy != "zhaoshang-clerk" {
		t.Errorf("history %+v", hist)
	}
	// Committing the same file again changes nothing more.
	if _, v := importSheet(clerk, "zhaoshang", edited, false); len(v.Added)+len(v.Changed)+len(v.Retired) != 0 {
		t.Errorf("second preview not empty: %+v", v)
	}

	// A mistake: nothing changes, and the answer names row and column.
	f2, _ := excelize.OpenReader(bytes.NewReader(edited))
	f2.SetCellValue(s, "C5", "")
	f2.SetCellValue(s, "D4", "这一改动不应生效")
	buf.Reset()
	f2.Write(&buf)
	r, v = importSheet(clerk, "zhaoshang", buf.Bytes(), true)
	if r.status != 400 || len(v.Errors) != 1 || v.Errors[0].Row != 5 || v.Errors[0].Column != "二级事项" || v.Error == nil || v.Committed {
		t.Errorf("sheet with a mistake: %d %s", r.status, r.body)
	}
	ts.anon().do("GET", "/api/v1/items/"+itoa(changed.ID), nil).decode(t, &changed)
	if changed.Content != "导入修改后的公开内容" {
		t.Error("a refused import changed an item")
	}
	if r, _ := importSheet(clerk, "zhaoshang", []byte("not a workbook"), false); r.status != 400 || !strings.Contains(string(r.body), "xlsx") {
		t.Errorf("not a workbook: %d %s", r.status, r.body)
	}
}

func TestAdminImport(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("kaifaqu-clerk")
	if r := clerk.do("GET", "/admin/units/kaifaqu/import", nil); r.status != 200 || !strings.Contains(string(r.body), "导入目录") {
		t.Fatalf("form: %d", r.status)
	}
	export := ts.anon().do("GET", "/api/v1/units/kaifaqu/catalog.xlsx", nil).body
	f, _ := excelize.OpenReader(bytes.NewReader(export))
	s := f.GetSheetList()[0]
	f.SetCellValue(s, "D4", "后台导入修改")
	var buf bytes.Buffer
	f.Write(&buf)
	r := clerk.upload("/admin/units/kaifaqu/import", "开发区目录.xlsx", buf.Bytes())
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "修改 1 项") || !strings.Contains(body, "确认导入") {
		t.Fatalf("preview: %d", r.status)
	}
	token := body[strings.Index(body, `name="token" value="`)+len(`name="token" value="`):]
	token = token[:strings.Index(token, `"`)]
	commit := func(c *client) response {
		req := httptest.NewRequest("POST", "/admin/units/kaifaqu/import/commit", strings.NewReader("token="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return c.send(req)
	}
	if r := commit(ts.login("kaifaqu-leader")); r.status != 409 {
		t.Errorf("someone else's preview committed: %d", r.status)
	}
	if r := commit(clerk); r.status != 303 {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	if r := commit(clerk); r.status != 409 || !strings.Contains(string(r.body), "预览已过期") {
		t.Errorf("commit twice: %d", r.status)
	}
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/kaifaqu/items", nil).decode(t, &items)
	found := false
	for _, it := range items {
		found = found || it.Content == "后台导入修改"
	}
	if !found {
		t.Error("the back-office import did not apply")
	}
	// A file with a mistake shows the mistakes and offers no commit.
	f.SetCellValue(s, "C4", "")
	buf.Reset()
	f.Write(&buf)
	r = clerk.upload("/admin/units/kaifaqu/import", "开发区目录.xlsx", buf.Bytes())
	if r.status != 400 || !strings.Contains(string(r.body), "第4行 「二级事项」") || strings.Contains(string(r.body), "确认导入") {
		t.Errorf("preview with a mistake: %d", r.status)
	}
}

// TestCatalogImportOfFilesMadeElsewhere: a township's clerk imports
// catalogues made in LibreOffice (catalog/sheet/testdata) — an .xls whose
// domain is named only in its title, with three levels, spaced text, 口
// boxes and 同上; a Word table; a GB18030 .csv — and gets exactly their
// items, with no 同上 stored; a file with one bad row changes nothing and
// names the row.
func TestCatalogImportOfFilesMadeElsewhere(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("sanxi-clerk")
	file := func(name string) []byte {
		data, err := os.ReadFile("../catalog/sheet/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	imp := func(name string, data []byte, commit bool) (response, sheet.ImportResult) {
		path := "/api/v1/units/sanxi/catalog/import"
		if commit {
			path += "?commit=1"
		}
		r := clerk.upload(path, name, data)
		var v sheet.ImportResult
		if len(r.body) > 0 && r.body[0] == '{' {
			r.decode(t, &v)
		}
		return r, v
	}
	var files []string
	if sheet.Converter != "" || os.Getenv("CI") != "" {
		files = append(files, "sanxi-shjz.xls")
	}
	files = append(files, "yiwu-jiaoyu.docx", "sanxi-jy-gb18030.csv")
	want := map[string]int{"sanxi-shjz.xls": 4, "yiwu-jiaoyu.docx": 3, "sanxi-jy-gb18030.csv": 3}
	for _, name := range files {
		r, v := imp(name, file(name), true)
		if r.status != 200 || !v.Committed || len(v.Added) != want[name] || len(v.Errors) > 0 {
			t.Fatalf("%s: %d committed %v added %d errors %v", name, r.status, v.Committed, len(v.Added), v.Errors)
		}
	}
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/sanxi/items", nil).decode(t, &items)
	found := map[string]bool{}
	for _, it := range items {
		found[it.Path()] = true
		for _, v := range []string{it.Level1, it.Level2, it.Level3, it.Content, it.Basis, it.TimeLimitText, it.Subject} {
			if catalog.SameAs(v) {
				t.Errorf("%s keeps %q", it.Path(), v)
			}
		}
	}
	for _, p := range []string{"控辍保学 · 送教上门", "公益性岗位 · 人员公示"} {
		if !found[p] {
			t.Errorf("%s not imported", p)
		}
	}
	if len(files) == 3 && !found["最低生活保障 · 审核审批 · 审核结果"] {
		t.Error("the .xls's three-level item is not imported")
	}
	before := itemCount(t, ts, "sanxi")
	// The same Word file again changes nothing…
	if r, v := imp("yiwu-jiaoyu.docx", file("yiwu-jiaoyu.docx"), true); r.status != 200 || v.Unchanged != 3 || len(v.Added)+len(v.Changed)+len(v.Retired) > 0 {
		t.Errorf("importing the same file again: %d, %d unchanged", r.status, v.Unchanged)
	}
	// …and a .csv with one row missing its 公开内容 is refused whole.
	csv := "三溪镇就业领域基层政务公开标准目录\n序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限\n1,公益性岗位,岗位开发,岗位名称,《就业促进法》,20个工作日内\n2,公益性岗位,新增岗位,,同上,同上\n"
	r, v := imp("就业.csv", []byte(csv), true)
	if r.status != 400 || v.Committed || v.Error == nil || !strings.Contains(v.Error.Message, "第4行") || !strings.Contains(v.Error.Message, "公开内容") {
		t.Errorf("a bad row: %d %s", r.status, r.body)
	}
	if after := itemCount(t, ts, "sanxi"); after != before {
		t.Errorf("a refused file changed the catalogue: %d items, were %d", after, before)
	}
}
