package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/inspect"
)

var (
	demoOnce sync.Once
	demo     *testServer
	// demoCleanup closes the demo server and drops its database (runMain).
	demoCleanup = func() {}
)

// demoServer is a server on the untouched demo data (other tests write to
// the shared one), made once for the inspection tests.
func demoServer(t *testing.T) *testServer {
	demoOnce.Do(func() {
		driver, dsn, drop, err := dbtest.Fresh()
		if err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp("", "gongkai-demo-")
		if err != nil {
			t.Fatal(err)
		}
		cfg := shared.cfg
		cfg.Driver, cfg.DSN, cfg.DataDir = driver, dsn, dir
		s, err := open(context.Background(), cfg, quiet)
		if err != nil {
			t.Fatal(err)
		}
		demo = &testServer{s: s, app: s.newApp(), cfg: cfg}
		demoCleanup = func() { s.close(); drop(); os.RemoveAll(dir) }
	})
	if demo == nil {
		t.Fatal("no demo server")
	}
	return &testServer{t: t, s: demo.s, app: demo.app, cfg: demo.cfg}
}

// TestInspectionFindsPlantedProblems: a leaked ID number, a duplicate title
// and a publication dated before its generation are found with evidence;
// an issued report does not change afterwards.
func TestInspectionFindsPlantedProblems(t *testing.T) {
	ts := sharedServer(t)
	q := inspect.Quarter{Year: today().Year(), N: (int(today().Month())-1)/3 + 1}
	var it catalog.Item
	ts.login("admin").do("POST", "/api/v1/units/shichang/items", newItemBody("测评测试事项")).decode(t, &it)
	// A letter received 20 days ago, registered only today.
	reg := application()
	reg["channel"], reg["received_on"], reg["unit_code"] = "letter", today().AddDate(0, 0, -20).Format("2006-01-02"), "shichang"
	if r := ts.login("shichang-clerk").do("POST", "/api/v1/requests/register", reg); r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var ids []int64
	for i := 0; i < 4; i++ {
		title := "市场监管局关于测评测试的通知"
		if i == 3 {
			title = "市场监管局迟发的通知"
		}
		p := newPublication(t, ts, "shichang", it.ID, title)
		publishDraft(t, ts, "shichang", p.ID)
		ids = append(ids, p.ID)
	}
	// Planted as an old import would have left them.
	db := ts.s.db
	if err := db.Exec("UPDATE publications SET body = ? WHERE id = ?", "经核查，当事人身份证号码"+testID+"，特此公告。", ids[0]).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE publications SET title = ?, generated_on = ? WHERE id = ?", "市场监管局测评日期测试", today().AddDate(0, 0, 3).UTC(), ids[2]).Error; err != nil {
		t.Fatal(err)
	}
	// Generated 60 days ago, published today: past the item's 20 working days.
	if err := db.Exec("UPDATE publications SET generated_on = ? WHERE id = ?", today().AddDate(0, 0, -60).UTC(), ids[3]).Error; err != nil {
		t.Fatal(err)
	}
	var rep inspect.Report
	r := ts.login("inspector").do("GET", "/api/v1/inspections/"+q.String(), nil)
	r.decode(t, &rep)
	var row inspect.UnitResult
	for _, u := range rep.Units {
		if u.Code == "shichang" {
			row = u
		}
	}
	found := map[string][]inspect.Evidence{}
	for _, f := range row.Findings {
		found[f.Code] = f.Evidence
	}
	has := func(code string, id int64, note string) bool {
		for _, e := range found[code] {
			if e.ID == id && strings.Contains(e.Note, note) {
				return true
			}
		}
		return false
	}
	if !has("privacy", ids[0], "110***********002X") || strings.Contains(string(r.body), testID) {
		t.Errorf("privacy leak: %+v", found["privacy"])
	}
	if !has("irregular", ids[1], "标题重复") {
		t.Errorf("duplicate title: %+v", found["irregular"])
	}
	if !has("irregular", ids[2], "时间混乱") {
		t.Errorf("dated before generation: %+v", found["irregular"])
	}
	if !has("late", ids[3], "时限20个工作日") || has("late", ids[1], "") {
		t.Errorf("late: %+v", found["late"])
	}
	if !strings.Contains(row.Text, "依申请公开目录更新不及时") || len(found["requests"]) == 0 || !strings.Contains(found["requests"][0].Note, "才登记") {
		t.Errorf("request register: %+v", found["requests"])
	}
	if !strings.Contains(row.Text, "信息发布不规范") || !strings.Contains(row.Text, "泄露隐私") || !strings.Contains(row.Text, "信息发布超过公开时限") {
		t.Errorf("row text %q", row.Text)
	}
	if r := ts.login("shichang-clerk").do("GET", "/api/v1/inspections/"+q.String(), nil); r.status != 403 {
		t.Errorf("a clerk reads the inspection: %d", r.status)
	}
	if r := ts.login("inspector").do("POST", "/api/v1/inspections/"+q.String()+"/issue", nil); r.status != 400 {
		t.Errorf("issuing the quarter under way: %d", r.status)
	}

	// Issue last quarter, then plant a duplicate in it: the issued report
	// stays as it was.
	prev := q.Prev()
	if r := ts.login("inspector").do("POST", "/api/v1/inspections/"+prev.String()+"/issue", nil); r.status != 201 {
		t.Fatalf("issue %s: %d %s", prev, r.status, r.body)
	}
	before := ts.login("admin").do("GET", "/api/v1/inspections/"+prev.String(), nil)
	mid := prev.Start().AddDate(0, 1, 0).UTC()
	// (Planted in the past: public since then.)
	if err := db.Exec("UPDATE publications SET published_on = ?, generated_on = ?, public_from = ? WHERE id IN ?", mid, mid, mid, ids[:2]).Error; err != nil {
		t.Fatal(err)
	}
	after := ts.login("admin").do("GET", "/api/v1/inspections/"+prev.String(), nil)
	if string(after.body) != string(before.body) {
		t.Error("the issued report changed after new publications")
	}
	live, _ := ts.s.inspect.Compute(t.Context(), prev, prev.End())
	for _, u := range live.Units {
		if u.Code == "shichang" && !strings.Contains(u.Text, "信息发布不规范") {
			t.Errorf("the live computation does not see the planted duplicate: %q", u.Text)
		}
	}
	if r := ts.login("inspector").do("POST", "/api/v1/inspections/"+prev.String()+"/issue", nil); r.status != 409 {
		t.Errorf("issued twice: %d", r.status)
	}
	x := ts.login("inspector").do("GET", "/api/v1/inspections/"+prev.String()+"/bulletin.xlsx", nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("附件1 测评情况", "C3"); v != "测评发现的突出问题" {
		t.Errorf("xlsx header %q", v)
	}
	if v, _ := f.GetCellValue("附件1 测评情况", "B4"); v != "旌阳镇" {
		t.Errorf("first row %q: townships first", v)
	}
	// The notice: its sheet named, the praise lists and the common problems.
	notice, _ := f.GetRows("通报")
	text := fmt.Sprint(notice)
	if f.GetSheetName(0) != "通报" || !strings.Contains(text, "二、表扬名单") || !strings.Contains(text, "乡镇：") || !strings.Contains(text, "三、存在的共性问题") {
		t.Errorf("the notice sheet: %s", text)
	}
}

// TestInspectionPage: inspectors read the quarter's annex table with its
// evidence in the back office; a clerk may not.
func TestInspectionPage(t *testing.T) {
	ts := demoServer(t)
	insp := ts.login("inspector")
	r := insp.do("GET", "/admin/inspections/2020Q2", nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "2020年二季度政务公开测评情况") || !strings.Contains(body, "云乐镇、版书镇政府信息发布及时") ||
		!strings.Contains(body, "大量栏目二季度更新不到位") || !strings.Contains(body, `href="/admin/items/`) || !strings.Contains(body, "已发布") {
		t.Errorf("inspection page (the demo's issued Q2): %d", r.status)
	}
	if r := ts.login("yunle-clerk").do("GET", "/admin/inspections/2020Q2", nil); r.status != 403 {
		t.Errorf("clerk reads the inspection: %d", r.status)
	}
	if r := insp.do("GET", "/admin/inspections/2020Q4", nil); !strings.Contains(string(r.body), "发布测评结果") {
		t.Error("no issue form on a quarter not issued")
	}
	if r := postForm(insp, "/admin/inspections/2020Q4/issue", url.Values{}); r.status != 303 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	if r := insp.do("GET", "/admin/inspections/2020Q4", nil); !strings.Contains(string(r.body), "已发布") {
		t.Error("the issued mark is missing")
	}
	// The page without a quarter opens on the last finished one with data
	// and links every quarter back to the first issued (2019Q4, carried).
	r = insp.do("GET", "/admin/inspections", nil)
	body = string(r.body)
	if r.status != 200 || !strings.Contains(body, `href="/admin/inspections/2019Q4"`) || !strings.Contains(body, `href="/admin/inspections/2020Q3"`) || !strings.Contains(body, "政务公开测评情况") {
		t.Errorf("the inspection page's quarters: %d", r.status)
	}
}

// TestScores2020: the rubric's computed part beside the inspector's
// entries, the praise bonus capped, and the year's total as 40/10/50.
func TestScores2020(t *testing.T) {
	ts := demoServer(t)
	insp := ts.login("inspector")
	for _, e := range []map[string]any{
		{"unit_code": "yunle", "key": "third_party", "points": 90, "reason": "第三方测评报告"},
		{"unit_code": "yunle", "key": "annual", "points": 95, "reason": "年度总评"},
		{"unit_code": "yunle", "key": "bonus_articles", "points": 3, "reason": "稿件被省市选用6件"},
		{"unit_code": "yunle", "key": "zfwj", "points": -1, "reason": "一份文件未附正文"},
	} {
		if r := insp.do("POST", "/api/v1/scores/2020/entries", e); r.status != 204 {
			t.Fatalf("entry %v: %d %s", e, r.status, r.body)
		}
	}
	if r := insp.do("POST", "/api/v1/scores/2020/entries", map[string]any{"unit_code": "yunle", "key": "annual", "points": 95}); r.status != 400 {
		t.Errorf("an entry without a reason: %d", r.status)
	}
	if r := ts.login("yunle-leader").do("POST", "/api/v1/scores/2020/entries", map[string]any{"unit_code": "yunle", "key": "annual", "points": 100, "reason": "自评"}); r.status != 403 {
		t.Errorf("a unit scores itself: %d", r.status)
	}
	var sc []inspect.UnitScore
	insp.do("GET", "/api/v1/scores/2020", nil).decode(t, &sc)
	var yunle inspect.UnitScore
	for _, s := range sc {
		if s.Code == "yunle" {
			yunle = s
		}
	}
	var zfwj inspect.ScoreLine
	for _, l := range yunle.Lines {
		if l.Key == "zfwj" {
			zfwj = l
		}
	}
	if zfwj.Weight != 2 || zfwj.Adjust != -1 || zfwj.Score != zfwj.Computed-1 || zfwj.Reason == "" {
		t.Errorf("本级政府文件 line %+v", zfwj)
	}
	// 云乐镇 was praised in all four quarters (Q4 repeats Q3): +4; articles capped at 2.
	if yunle.Praise != 4 || yunle.Bonus != 6 {
		t.Errorf("praise %d, bonus %.1f", yunle.Praise, yunle.Bonus)
	}
	if want := math.Round((0.4*yunle.Daily+0.1*90+0.5*95)*10) / 10; yunle.Total != want {
		t.Errorf("total %.1f, want %.1f", yunle.Total, want)
	}
	if yunle.Daily > 100 || yunle.Rubric < 80 {
		t.Errorf("daily %.1f rubric %.1f", yunle.Daily, yunle.Rubric)
	}
	if r := insp.do("GET", "/admin/scores/2020", nil); r.status != 200 || !strings.Contains(string(r.body), "云乐镇") || !strings.Contains(string(r.body), "一份文件未附正文") {
		t.Errorf("scores page: %d %.300s", r.status, r.body)
	}
	// On the page: 第三方测评 entered for 白地镇 with its reason; a score
	// that is not a number, or not a key, is refused in Chinese.
	if r := postForm(insp, "/admin/scores/2020/entries", url.Values{"unit_code": {"baidi"}, "key": {"third_party"}, "points": {"87.5"}, "reason": {"第三方评估报告"}}); r.status != 303 {
		t.Fatalf("entry on the page: %d %s", r.status, r.body)
	}
	insp.do("GET", "/api/v1/scores/2020", nil).decode(t, &sc)
	for _, s := range sc {
		if s.Code == "baidi" && s.ThirdParty != 87.5 {
			t.Errorf("白地镇's 第三方测评: %.1f", s.ThirdParty)
		}
	}
	for form, want := range map[string]string{"abc": "不是数字", "120": "0至100之间"} {
		if r := postForm(insp, "/admin/scores/2020/entries", url.Values{"unit_code": {"baidi"}, "key": {"annual"}, "points": {form}, "reason": {"年度总评"}}); r.status != 400 || !strings.Contains(string(r.body), want) {
			t.Errorf("points %q: %d", form, r.status)
		}
	}
	if r := postForm(insp, "/admin/scores/2020/entries", url.Values{"unit_code": {"baidi"}, "key": {"nonsense"}, "points": {"1"}, "reason": {"理由"}}); r.status != 400 || !strings.Contains(string(r.body), "评分项") {
		t.Errorf("an unknown key: %d", r.status)
	}
	if r := postForm(ts.login("baidi-leader"), "/admin/scores/2020/entries", url.Values{"unit_code": {"baidi"}, "key": {"annual"}, "points": {"100"}, "reason": {"自评"}}); r.status != 403 {
		t.Errorf("a unit scores itself on the page: %d", r.status)
	}
}

// TestInspectionOverview: the heat map and the trend are drawn on the
// server as SVG, and a unit's quarters can be followed.
func TestInspectionOverview(t *testing.T) {
	ts := demoServer(t)
	r := ts.login("inspector").do("GET", "/admin/inspections/overview?as_of=2020-09-30&unit=qixiangju", nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, `<svg class="heat"`) || !strings.Contains(body, `<svg class="trend"`) ||
		!strings.Contains(body, "气象局 · ") || !strings.Contains(body, "大量栏目二季度更新不到位") || !strings.Contains(body, "2020Q3") {
		t.Errorf("overview: %d", r.status)
	}
	if strings.Contains(body, "http://") {
		t.Error("the overview refers to an outside address")
	}
	if r := ts.login("qixiangju-clerk").do("GET", "/admin/inspections/overview", nil); r.status != 403 {
		t.Errorf("a clerk reads the overview: %d", r.status)
	}
}

// TestInspectionScansAttachments: a mobile number in an Excel attachment,
// kept at submission with a reason, is still reported with its publication.
func TestInspectionScansAttachments(t *testing.T) {
	ts := sharedServer(t)
	var it catalog.Item
	ts.login("admin").do("POST", "/api/v1/units/shuiwuju/items", newItemBody("附件测评测试事项")).decode(t, &it)
	p := newPublication(t, ts, "shuiwuju", it.ID, "税务局附件测评测试名单")
	clerk := ts.login("shuiwuju-clerk")
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "联系人手机")
	f.SetCellValue("Sheet1", "B1", "13905639876")
	buf, _ := f.WriteToBuffer()
	if r := clerk.upload("/api/v1/publications/"+itoa(p.ID)+"/attachments", "名单.xlsx", buf.Bytes()); r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	keep := map[string]any{"checklist": submitBody["checklist"], "privacy": []map[string]string{{"text": "13905639876", "reason": "本人同意"}}}
	if r := clerk.step(p.ID, "submit", keep); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := ts.login("shuiwuju-leader").step(p.ID, "approve", nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	q := inspect.Quarter{Year: today().Year(), N: (int(today().Month())-1)/3 + 1}
	rep, err := ts.s.inspect.Compute(t.Context(), q, today())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range rep.Units {
		if u.Code != "shuiwuju" {
			continue
		}
		for _, f := range u.Findings {
			for _, e := range f.Evidence {
				if f.Code == "privacy" && e.ID == p.ID && strings.Contains(e.Note, "139****9876") {
					return
				}
			}
		}
		t.Errorf("税务局: %q %+v", u.Text, u.Findings)
	}
}

// TestInspectionReportPagedByUnit: a report's JSON comes a page of units
// at a time when asked (?limit=, then ?after= the page's next): the pages
// together are the whole report's units, in order, once each; a bad limit
// or an unknown unit is refused naming the field.
func TestInspectionReportPagedByUnit(t *testing.T) {
	ts := sharedServer(t)
	c := ts.login("inspector")
	q := "2020Q3"
	var whole inspect.Report
	if r := c.do("GET", "/api/v1/inspections/"+q, nil); r.status != 200 {
		t.Fatalf("report: %d %s", r.status, r.body)
	} else {
		r.decode(t, &whole)
	}
	if len(whole.Units) < 20 {
		t.Fatalf("only %d units in the report", len(whole.Units))
	}
	var codes []string
	after, pages := "", 0
	for {
		var page struct {
			inspect.Report
			Next string `json:"next"`
		}
		r := c.do("GET", "/api/v1/inspections/"+q+"?limit=10&after="+after, nil)
		if r.status != 200 {
			t.Fatalf("page after %q: %d %s", after, r.status, r.body)
		}
		r.decode(t, &page)
		pages++
		if len(page.Units) > 10 || page.Quarter != q || len(page.Common) != len(whole.Common) {
			t.Fatalf("page %d: %d units, quarter %s, %d common problems", pages, len(page.Units), page.Quarter, len(page.Common))
		}
		for _, u := range page.Units {
			codes = append(codes, u.Code)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	var want []string
	for _, u := range whole.Units {
		want = append(want, u.Code)
	}
	if strings.Join(codes, ",") != strings.Join(want, ",") || pages != (len(want)+9)/10 {
		t.Errorf("%d pages of units %v\nwant %v", pages, codes, want)
	}
	for query, field := range map[string]string{"?limit=0": "limit", "?limit=x": "limit", "?limit=1001": "limit", "?after=no-such-unit": "after"} {
		r := c.do("GET", "/api/v1/inspections/"+q+query, nil)
		if code, f, _ := r.errorOf(t); r.status != 400 || f != field {
			t.Errorf("%s: %d %s %s", query, r.status, code, f)
		}
	}
}
