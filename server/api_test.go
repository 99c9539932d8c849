package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"gongkai/api"
	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/dbconn"
)

func TestHealthz(t *testing.T) {
	ts := sharedServer(t)
	r := ts.anon().do("GET", "/healthz", nil)
	if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
}

func TestPublicReads(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	var us []map[string]any
	c.do("GET", "/api/v1/units", nil).decode(t, &us)
	if len(us) != 39 {
		t.Fatalf("%d units, want 39", len(us))
	}
	levels := map[string]int{}
	for _, u := range us {
		levels[u["level"].(string)]++
		for _, k := range []string{"code", "name", "level", "kind"} {
			if _, ok := u[k]; !ok {
				t.Errorf("unit %v lacks %q", u["name"], k)
			}
		}
		if n := itemCount(t, ts, u["code"].(string)); n == 0 {
			t.Errorf("unit %v has no items", u["name"])
		}
	}
	if levels["township"] != 10 || levels["county"] != 29 {
		t.Errorf("levels %v, want 10 townships and 29 county units", levels)
	}
	ms := unitByName(t, c, "庙首镇")
	cz := unitByName(t, c, "财政局")
	if ms.Level != catalog.LevelTownship || cz.Level != catalog.LevelCounty || cz.Kind != catalog.KindDepartment {
		t.Errorf("庙首镇 %+v 财政局 %+v", ms, cz)
	}
	var one map[string]any
	c.do("GET", "/api/v1/units/zhengfuban", nil).decode(t, &one)
	if one["address"] != "旌德县政务新区1号楼" || one["postcode"] != "242600" {
		t.Errorf("county office: %v", one)
	}
	if r := c.do("GET", "/api/v1/units/nowhere", nil); r.status != 404 {
		t.Errorf("unknown unit: %d", r.status)
	} else if code, _, msg := r.errorOf(t); code != "not_found" || msg == "" {
		t.Errorf("unknown unit error %q %q", code, msg)
	}
	var ds []catalog.Domain
	c.do("GET", "/api/v1/domains", nil).decode(t, &ds)
	if len(ds) != 26 || ds[0].Name != "城乡规划" || ds[25].Name != "救灾" {
		t.Errorf("%d domains, want the 26 national ones in order", len(ds))
	}
	c.do("GET", "/api/v1/domains?all=1", nil).decode(t, &ds)
	names := map[string]catalog.Domain{}
	for _, d := range ds {
		names[d.Name] = d
	}
	if len(ds) <= 26 || names["财政资金"].WeightTownship != 10 || names["政策解读"].National || !names["扶贫"].National {
		t.Errorf("with local columns: %d domains, 财政资金 %+v", len(ds), names["财政资金"])
	}
	// An item with its publications, newest first, with 索引号 in the national format.
	var items []catalog.Item
	c.do("GET", "/api/v1/units/"+ms.Code+"/items", nil).decode(t, &items)
	var pubs []catalog.Publication
	for _, it := range items {
		c.do("GET", "/api/v1/items/"+itoa(it.ID)+"/publications", nil).decode(t, &pubs)
		if len(pubs) >= 2 {
			break
		}
	}
	if len(pubs) < 2 {
		t.Fatal("no item of 庙首镇 has two publications")
	}
	if pubs[0].PublishedOn.Before(pubs[1].PublishedOn) {
		t.Errorf("publications not newest first")
	}
	re := regexp.MustCompile(`^miaoshou/20\d{4}-\d{5}$`)
	if !re.MatchString(pubs[0].IndexNo) {
		t.Errorf("索引号 %q", pubs[0].IndexNo)
	}
}

func TestItemWritesAreAuthorisedPerUnit(t *testing.T) {
	ts := sharedServer(t)
	before := itemCount(t, ts, "miaoshou")

	// Nobody signed in: 401, nothing stored.
	if r := ts.anon().do("POST", "/api/v1/units/miaoshou/items", newItemBody("匿名")); r.status != 401 {
		t.Errorf("anonymous: %d %s", r.status, r.body)
	}
	// A 三溪镇 clerk in 庙首镇: 403, nothing stored.
	sx := ts.login("sanxi-clerk")
	if r := sx.do("POST", "/api/v1/units/miaoshou/items", newItemBody("越权")); r.status != 403 {
		t.Errorf("三溪镇 clerk in 庙首镇: %d %s", r.status, r.body)
	} else if code, _, msg := r.errorOf(t); code != "forbidden" || !strings.Contains(msg, "无权") {
		t.Errorf("error %q %q", code, msg)
	}
	// The inspector writes nothing.
	insp := ts.login("inspector")
	if r := insp.do("POST", "/api/v1/units/miaoshou/items", newItemBody("测评")); r.status != 403 {
		t.Errorf("inspector: %d", r.status)
	}
	if n := itemCount(t, ts, "miaoshou"); n != before {
		t.Fatalf("refused writes stored items: %d → %d", before, n)
	}

	// A 庙首镇 clerk: 201.
	ms := ts.login("miaoshou-clerk")
	r := ms.do("POST", "/api/v1/units/miaoshou/items", newItemBody("2020年规范性文件"))
	if r.status != 201 {
		t.Fatalf("庙首镇 clerk: %d %s", r.status, r.body)
	}
	var it catalog.Item
	r.decode(t, &it)
	if it.UnitCode != "miaoshou" || it.Version != 1 || it.TimeLimit.Kind != catalog.RuleWorkdays || it.TimeLimit.N != 20 {
		t.Errorf("created %+v", it)
	}
	// The admin may write in any unit.
	adm := ts.login("admin")
	if r := adm.do("POST", "/api/v1/units/sanxi/items", newItemBody("县政府办代录")); r.status != 201 {
		t.Errorf("admin in 三溪镇: %d %s", r.status, r.body)
	}
	if n := itemCount(t, ts, "miaoshou"); n != before+1 {
		t.Errorf("items %d → %d, want one more", before, n)
	}

	id := itoa(it.ID)
	// Updates and retirement by another township, or the inspector: 403 and unchanged.
	body := newItemBody("改名")
	if r := sx.do("PUT", "/api/v1/items/"+id, body); r.status != 403 {
		t.Errorf("三溪镇 clerk update: %d", r.status)
	}
	if r := insp.do("DELETE", "/api/v1/items/"+id, map[string]string{"reason": "x"}); r.status != 403 {
		t.Errorf("inspector retire: %d", r.status)
	}
	body["reason"] = "名称调整"
	if r := ms.do("PUT", "/api/v1/items/"+id, body); r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	// Retiring needs a reason, named as the field.
	r = ms.do("DELETE", "/api/v1/items/"+id, map[string]string{})
	if code, field, _ := r.errorOf(t); r.status != 400 || code != "invalid" || field != "reason" {
		t.Errorf("retire without reason: %d %s", r.status, r.body)
	}
	if r := ms.do("DELETE", "/api/v1/items/"+id, map[string]string{"reason": "并入其他事项"}); r.status != 200 {
		t.Fatalf("retire: %d %s", r.status, r.body)
	}
	if r := ms.do("DELETE", "/api/v1/items/"+id, map[string]string{"reason": "again"}); r.status != 409 {
		t.Errorf("retire twice: %d", r.status)
	}
	if n := itemCount(t, ts, "miaoshou"); n != before {
		t.Errorf("retired item still listed: %d", n)
	}
	// History keeps every version with who and why; the public may not read it.
	if r := ts.anon().do("GET", "/api/v1/items/"+id+"/history", nil); r.status != 401 {
		t.Errorf("anonymous history: %d", r.status)
	}
	var hist []catalog.ItemVersion
	insp.do("GET", "/api/v1/items/"+id+"/history", nil).decode(t, &hist)
	if len(hist) != 3 || hist[0].Action != "create" || hist[1].Reason != "名称调整" || hist[1].Item.Level2 != "改名" ||
		hist[2].Action != "retire" || hist[2].ChangedBy != "miaoshou-clerk" || hist[0].Item.Level2 != "2020年规范性文件" {
		t.Errorf("history %+v", hist)
	}
	// The audit log has the writes.
	var audit []catalog.AuditEntry
	insp.do("GET", "/api/v1/audit?unit=miaoshou", nil).decode(t, &audit)
	actions := map[string]bool{}
	for _, a := range audit {
		if a.Object == "catalog" && a.TargetID == id {
			actions[a.Action] = true
		}
	}
	if !actions["create"] || !actions["update"] || !actions["retire"] {
		t.Errorf("audit of item %s: %v", id, actions)
	}
	if r := ms.do("GET", "/api/v1/audit", nil); r.status != 403 {
		t.Errorf("clerk reads county audit: %d", r.status)
	}
}

func TestBadItemInputNamesTheField(t *testing.T) {
	ts := sharedServer(t)
	ms := ts.login("miaoshou-clerk")
	before := itemCount(t, ts, "miaoshou")
	cases := []struct {
		name  string
		edit  func(map[string]any)
		field string
		msg   string
	}{
		{"NoLevel2", func(b map[string]any) { b["level2"] = " " }, "level2", "二级事项"},
		{"NoContent", func(b map[string]any) { delete(b, "content") }, "content", "公开内容"},
		{"UnknownDomain", func(b map[string]any) { b["domain_code"] = "nope" }, "domain_code", "领域"},
		{"UnknownChannel", func(b map[string]any) { b["channels"] = []string{"抖音"} }, "channels", "公开渠道"},
		{"NoLevel1", func(b map[string]any) { delete(b, "level1") }, "level1", "一级事项"},
		{"LongLevel1", func(b map[string]any) { b["level1"] = strings.Repeat("长", 101) }, "level1", "100"},
		{"WrongType", func(b map[string]any) { b["to_public"] = "yes" }, "to_public", "类型"},
		{"UnknownField", func(b map[string]any) { b["levle2"] = "x" }, "levle2", "不认识"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newItemBody("坏数据")
			tc.edit(b)
			r := ms.do("POST", "/api/v1/units/miaoshou/items", b)
			code, field, msg := r.errorOf(t)
			if r.status != 400 || code != "invalid" || field != tc.field || !strings.Contains(msg, tc.msg) {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
	r := ms.do("POST", "/api/v1/units/miaoshou/items", "{not json")
	if r.status != 400 {
		t.Errorf("broken JSON: %d", r.status)
	}
	// An unparseable 公开时限 is kept, not refused.
	b := newItemBody("按部署公开")
	b["time_limit"] = "按照县财政统一部署执行"
	r = ms.do("POST", "/api/v1/units/miaoshou/items", b)
	var it catalog.Item
	r.decode(t, &it)
	if r.status != 201 || it.TimeLimit.Kind != catalog.RuleUnparsed || it.TimeLimitText != "按照县财政统一部署执行" {
		t.Errorf("unparsed time limit: %d %s", r.status, r.body)
	}
	if n := itemCount(t, ts, "miaoshou"); n != before+1 {
		t.Errorf("bad input changed the catalogue: %d → %d", before, n)
	}
}

// A clerk may give only what a row must say; the rest takes the statutory
// and the unit's defaults. An item read from the API can be sent back.
func TestItemDefaultsAndRoundTrip(t *testing.T) {
	ts := sharedServer(t)
	ms := ts.login("miaoshou-clerk")
	r := ms.do("POST", "/api/v1/units/miaoshou/items", map[string]any{"domain_code": "czzj", "level1": "财政资金", "level2": "村级债权债务", "content": "按村公开债权债务状况"})
	if r.status != 201 {
		t.Fatalf("minimal item: %d %s", r.status, r.body)
	}
	var it map[string]any
	r.decode(t, &it)
	if it["time_limit"] != catalog.StatutoryTimeLimit || it["subject"] != "旌德县庙首镇人民政府" || it["at_township"] != true || it["at_county"] != false ||
		it["to_public"] != true || it["proactive"] != true {
		t.Errorf("defaults: %v", it)
	}
	it["content"] = "按季度分村公开债权债务状况"
	it["reason"] = "细化内容"
	r = ms.do("PUT", "/api/v1/items/"+itoa(int64(it["id"].(float64))), it)
	if r.status != 200 {
		t.Fatalf("round trip: %d %s", r.status, r.body)
	}
	var back catalog.Item
	r.decode(t, &back)
	if back.Version != 2 || back.Content != "按季度分村公开债权债务状况" {
		t.Errorf("after round trip %+v", back)
	}
	// The same for a publication.
	var p map[string]any
	r = ms.do("POST", "/api/v1/items/"+itoa(back.ID)+"/publications", map[string]any{"title": "2026年村级债权债务公开", "generated_on": "2026-11-02"})
	r.decode(t, &p)
	p["title"] = "2026年第四季度村级债权债务公开"
	if r := ms.do("PUT", "/api/v1/publications/"+itoa(int64(p["id"].(float64))), p); r.status != 200 {
		t.Errorf("publication round trip: %d %s", r.status, r.body)
	}
}

func firstItem(t *testing.T, ts *testServer, unit string) catalog.Item {
	t.Helper()
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/"+unit+"/items", nil).decode(t, &items)
	return items[0]
}

func TestPublications(t *testing.T) {
	ts := sharedServer(t)
	// An item of its own, so other tests' publications do not move its dates.
	var it catalog.Item
	ts.login("admin").do("POST", "/api/v1/units/miaoshou/items", newItemBody("公开信息测试事项")).decode(t, &it)
	path := "/api/v1/items/" + itoa(it.ID) + "/publications"
	ms := ts.login("miaoshou-clerk")
	body := map[string]any{"title": "庙首镇关于2026年秸秆禁烧工作的通知", "doc_no": "庙政〔2026〕3号", "topic": "综合政务",
		"generated_on": "2026-11-20", "published_on": "2026-11-23", "body": "各村：……"}

	if r := ts.login("sanxi-clerk").do("POST", path, body); r.status != 403 {
		t.Errorf("三溪镇 clerk publishes in 庙首镇: %d", r.status)
	}
	if r := ts.login("inspector").do("POST", path, body); r.status != 403 {
		t.Errorf("inspector publishes: %d", r.status)
	}
	r := ms.do("POST", path, body)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var p catalog.Publication
	r.decode(t, &p)
	if !regexp.MustCompile(`^miaoshou/202611-\d{5}$`).MatchString(p.IndexNo) || p.Publisher != "旌德县庙首镇人民政府" || p.ItemID != it.ID {
		t.Errorf("created %+v", p)
	}
	r2 := ms.do("POST", path, body)
	var p2 catalog.Publication
	r2.decode(t, &p2)
	if p2.IndexNo <= p.IndexNo || p2.IndexNo[:len("miaoshou/202611-")] != p.IndexNo[:len("miaoshou/202611-")] {
		t.Errorf("serials %s then %s", p.IndexNo, p2.IndexNo)
	}
	// A new publication is a draft: only the unit sees it.
	if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil); r.status != 404 {
		t.Errorf("a draft is public: %d", r.status)
	}
	var got catalog.Publication
	ms.do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &got)
	if got.Status != catalog.PubDraft || got.Title != body["title"] || got.DocNo != "庙政〔2026〕3号" || got.GeneratedOn.Format("2006-01-02") != "2026-11-20" {
		t.Errorf("read back %+v", got)
	}
	// Edit the draft, submit with the first-level check, approve by the leader.
	body["title"] = "庙首镇关于2026年秸秆禁烧工作的通知（修订）"
	if r := ms.do("PUT", "/api/v1/publications/"+itoa(p.ID), body); r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := ms.step(p.ID, "submit", map[string]any{"checklist": map[string]bool{"wording": true, "format": true}}); r.status != 400 {
		t.Errorf("submit with the check half done: %d %s", r.status, r.body)
	} else if _, f, _ := r.errorOf(t); f != "checklist.secrecy" {
		t.Errorf("field %q", f)
	}
	if r := ms.step(p.ID, "submit", submitBody); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := ms.step(p.ID, "approve", nil); r.status != 403 {
		t.Errorf("clerk approves: %d", r.status)
	}
	if r := ts.login("sanxi-leader").step(p.ID, "approve", nil); r.status != 403 {
		t.Errorf("三溪镇 leader approves: %d", r.status)
	}
	if r := ts.login("miaoshou-leader").step(p.ID, "approve", nil); r.status != 200 {
		t.Fatalf("leader approves: %d %s", r.status, r.body)
	}
	ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &got)
	if got.Status != catalog.PubPublished || got.Title != body["title"] || got.ApprovedBy != "miaoshou-leader" {
		t.Errorf("published %+v", got)
	}
	var item catalog.Item
	ts.anon().do("GET", "/api/v1/items/"+itoa(it.ID), nil).decode(t, &item)
	if item.LastPublishedAt == nil || item.LastPublishedAt.In(catalog.Shanghai).Format("2006-01-02") != "2026-11-23" {
		t.Errorf("item last published %v", item.LastPublishedAt)
	}
	if r := ms.do("PUT", "/api/v1/publications/"+itoa(p.ID), body); r.status != 409 {
		t.Errorf("edit a published record: %d", r.status)
	}
	// Withdrawing needs the leader; a withdrawn one is gone for the public.
	if r := ms.step(p.ID, "withdraw", map[string]string{"reason": "内容有误"}); r.status != 403 {
		t.Errorf("clerk withdraws a published record: %d", r.status)
	}
	if r := ts.login("miaoshou-leader").step(p.ID, "withdraw", map[string]string{"reason": "内容有误"}); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil); r.status != 404 {
		t.Errorf("withdrawn publication is public: %d", r.status)
	}
	if r := ms.do("GET", "/api/v1/publications/"+itoa(p.ID), nil); r.status != 200 {
		t.Errorf("unit clerk cannot read its withdrawn publication: %d", r.status)
	}

	// A 政策解读 links to its policy; a link to nothing is refused.
	interp := map[string]any{"title": "《秸秆禁烧工作通知》政策解读", "generated_on": "2026-11-24", "published_on": "2026-11-24", "interprets_id": p2.ID}
	if r := ms.do("POST", path, interp); r.status != 201 {
		t.Errorf("interpretation: %d %s", r.status, r.body)
	}
	// One under the 政策解读 column cannot go forward without its policy.
	var zcjd []catalog.Item
	ts.anon().do("GET", "/api/v1/units/miaoshou/items?domain=zcjd", nil).decode(t, &zcjd)
	delete(interp, "interprets_id")
	var lone catalog.Publication
	ms.do("POST", "/api/v1/items/"+itoa(zcjd[0].ID)+"/publications", interp).decode(t, &lone)
	if r := ms.step(lone.ID, "submit", submitBody); r.status != 400 || !strings.Contains(string(r.body), "关联") {
		t.Errorf("unlinked interpretation submitted: %d %s", r.status, r.body)
	}
	interp["interprets_id"] = 99999999
	if r := ms.do("POST", path, interp); r.status != 400 {
		t.Errorf("interpretation of nothing: %d %s", r.status, r.body)
	}
}

func TestAttachments(t *testing.T) {
	ts := sharedServer(t)
	it := firstItem(t, ts, "sanxi")
	sx := ts.login("sanxi-clerk")
	r := sx.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "三溪镇附件测试", "generated_on": "2026-11-02"})
	var p catalog.Publication
	r.decode(t, &p)
	path := "/api/v1/publications/" + itoa(p.ID) + "/attachments"
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	doc.Cell(0, 10, "Notice")
	var pbuf bytes.Buffer
	if err := doc.Output(&pbuf); err != nil {
		t.Fatal(err)
	}
	pdf := pbuf.Bytes()
	if r := ts.login("miaoshou-clerk").upload(path, "a.pdf", pdf); r.status != 403 {
		t.Errorf("other township uploads: %d", r.status)
	}
	r = sx.upload(path, "通知.pdf", pdf)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var a catalog.Attachment
	r.decode(t, &a)
	// A PNG renamed .pdf is refused by its content.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if r := sx.upload(path, "假的.pdf", png); r.status != 400 || !strings.Contains(string(r.body), "不符") {
		t.Errorf("disguised file: %d %s", r.status, r.body)
	}
	if r := sx.upload(path, "x.exe", []byte("MZ")); r.status != 400 {
		t.Errorf("exe: %d", r.status)
	}
	big := append([]byte("%PDF-"), make([]byte, 1<<20+100<<10)...)
	if r := sx.upload(path, "big.pdf", big); r.status != 400 || !strings.Contains(string(r.body), "不能超过1MB") {
		t.Errorf("too large: %d %s", r.status, r.body)
	}
	if r := ts.anon().do("GET", "/api/v1/attachments/"+itoa(a.ID), nil); r.status != 404 {
		t.Errorf("attachment of a draft is public: %d", r.status)
	}
	publishDraft(t, ts, "sanxi", p.ID)
	got := ts.anon().do("GET", "/api/v1/attachments/"+itoa(a.ID), nil)
	if got.status != 200 || string(got.body) != string(pdf) || got.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download: %d %q", got.status, got.header.Get("Content-Type"))
	}
	var full catalog.Publication
	ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &full)
	if len(full.Attachments) != 1 || full.Attachments[0].Name != "通知.pdf" {
		t.Errorf("attachments %+v", full.Attachments)
	}
}

func TestSession(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": "miaoshou-clerk", "password": "wrong-password"}); r.status != 401 {
		t.Errorf("wrong password: %d", r.status)
	}
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "x"}); r.status != 401 {
		t.Errorf("unknown user: %d", r.status)
	}
	if r := c.do("GET", "/api/v1/session", nil); r.status != 401 {
		t.Errorf("no session: %d", r.status)
	}
	r := c.do("POST", "/api/v1/session", map[string]string{"username": "miaoshou-leader", "password": "Demo-2026-gongkai"})
	ck := r.header.Get("Set-Cookie")
	if r.status != 201 || !strings.Contains(ck, "HttpOnly") || !strings.Contains(strings.ToLower(ck), "samesite=lax") {
		t.Fatalf("login: %d cookie %q", r.status, ck)
	}
	var v api.SessionView
	c.do("GET", "/api/v1/session", nil).decode(t, &v)
	if v.User.Username != "miaoshou-leader" || len(v.Grants) != 1 || v.Grants[0].Unit != "miaoshou" || v.Grants[0].Role != "leader" {
		t.Errorf("session %+v", v)
	}
	if r := c.do("DELETE", "/api/v1/session", nil); r.status != 204 {
		t.Errorf("logout: %d", r.status)
	}
	if r := c.do("GET", "/api/v1/session", nil); r.status != 401 {
		t.Errorf("after logout: %d", r.status)
	}
	// The form-encoded body a cross-site page could send is refused.
	req := strings.NewReader("username=admin")
	_ = req
	if r := c.do("POST", "/api/v1/units/miaoshou/items", nil); r.status != 401 {
		t.Errorf("anonymous empty write: %d", r.status)
	}
}

func TestCalendar(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	var w api.WorkdaysView
	r := c.do("GET", "/api/v1/workdays?from=2026-02-10&n=20", nil)
	r.decode(t, &w)
	if r.status != 200 || w.Result != "2026-03-16" || !strings.Contains(w.Explanation, "春节放假") {
		t.Errorf("workdays: %d %+v", r.status, w)
	}
	last := ts.s.calendar.LastYear()
	next := itoa(int64(last + 1))
	r = c.do("GET", "/api/v1/workdays?from="+itoa(int64(last))+"-12-20&n=30", nil)
	if code, _, msg := r.errorOf(t); r.status != 422 || code != "unknown_year" || !strings.Contains(msg, next) {
		t.Errorf("unknown year: %d %s", r.status, r.body)
	}
	days := map[string]any{"days": []map[string]any{{"date": next + "-01-01", "off": true, "name": "元旦"}}}
	if r := ts.login("miaoshou-leader").do("PUT", "/api/v1/calendar/"+next, days); r.status != 403 {
		t.Errorf("leader sets calendar: %d", r.status)
	}
	bad := map[string]any{"days": []map[string]any{{"date": "1999-01-01", "off": true}}}
	if r := ts.login("admin").do("PUT", "/api/v1/calendar/"+next, bad); r.status != 400 {
		t.Errorf("day outside year: %d", r.status)
	}
	if r := ts.login("admin").do("PUT", "/api/v1/calendar/"+next, days); r.status != 200 {
		t.Fatalf("admin sets calendar: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/v1/workdays?from="+itoa(int64(last))+"-12-20&n=30", nil); r.status != 200 {
		t.Errorf("after the year is entered: %d %s", r.status, r.body)
	}
	var es []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?object=calendar&user=admin", nil).decode(t, &es)
	if len(es) == 0 || es[0].TargetID != next || !strings.Contains(es[0].After, next+"-01-01") {
		t.Errorf("calendar change not audited: %+v", es)
	}
}

func TestLoginIsThrottledAfterFailures(t *testing.T) {
	ts := newTestServer(t, false) // no accounts: unknown users count as failures too
	c := ts.anon()
	for i := 0; i < 10; i++ {
		// Another name each time: the address's own limit, not a name's.
		if r := c.do("POST", "/api/v1/session", map[string]string{"username": "admin" + itoa(int64(i)), "password": "guess-" + itoa(int64(i))}); r.status != 401 {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	r := c.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": "Demo-2026-gongkai"})
	if code, _, msg := r.errorOf(t); r.status != 429 || code != "too_many_requests" || !strings.Contains(msg, "一分钟") {
		t.Errorf("11th attempt: %d %s", r.status, r.body)
	}
}

func TestExemptions(t *testing.T) {
	ts := sharedServer(t)
	path := "/api/v1/units/baidi/exemptions/cszhzf"
	body := map[string]string{"reason": "本镇无城市综合执法职能，由县城管执法局负责"}
	if r := ts.login("sanxi-clerk").do("PUT", path, body); r.status != 403 {
		t.Errorf("other township: %d", r.status)
	}
	if r := ts.login("baidi-clerk").do("PUT", "/api/v1/units/baidi/exemptions/nope", body); r.status != 400 {
		t.Errorf("unknown domain: %d %s", r.status, r.body)
	}
	if r := ts.login("baidi-clerk").do("PUT", path, body); r.status != 200 {
		t.Fatalf("own township: %d %s", r.status, r.body)
	}
	var u api.UnitView
	ts.anon().do("GET", "/api/v1/units/baidi", nil).decode(t, &u)
	if len(u.Exemptions) != 1 || u.Exemptions[0].DomainCode != "cszhzf" || u.Exemptions[0].Reason != body["reason"] {
		t.Errorf("exemptions %+v", u.Exemptions)
	}
	if r := ts.login("baidi-clerk").do("PUT", path, map[string]string{"reason": ""}); r.status != 200 {
		t.Errorf("remove: %d", r.status)
	}
	ts.anon().do("GET", "/api/v1/units/baidi", nil).decode(t, &u)
	if len(u.Exemptions) != 0 {
		t.Errorf("exemption not removed: %+v", u.Exemptions)
	}
}

// TestReadyzWhenTheDatabaseIsGone: /healthz says the process is alive;
// /readyz and every page that needs the database answer 503 with a message.
func TestReadyzWhenTheDatabaseIsGone(t *testing.T) {
	ts := newTestServer(t, false)
	if r := ts.anon().do("GET", "/readyz", nil); r.status != 200 || !strings.Contains(string(r.body), "ready") {
		t.Fatalf("readyz: %d %s", r.status, r.body)
	}
	sqlDB, err := ts.s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()
	if r := ts.anon().do("GET", "/healthz", nil); r.status != 200 {
		t.Errorf("healthz without a database: %d %s", r.status, r.body)
	}
	r := ts.anon().do("GET", "/readyz", nil)
	if r.status != 503 || !strings.Contains(string(r.body), "unavailable") {
		t.Errorf("readyz without a database: %d %s", r.status, r.body)
	}
	r = ts.anon().do("GET", "/api/v1/units", nil)
	if code, _, msg := r.errorOf(t); r.status != 503 || code != "unavailable" || !strings.Contains(msg, "数据库") {
		t.Errorf("a read without a database: %d %s", r.status, r.body)
	}
}

// TestReadyzWantsTheSchema: a database migrated by another version of the
// program is not ready for this one.
func TestReadyzWantsTheSchema(t *testing.T) {
	ts := newTestServer(t, false)
	if err := dbconn.SetSchemaVersion(ts.s.db, 1); err != nil {
		t.Fatal(err)
	}
	r := ts.anon().do("GET", "/readyz", nil)
	if r.status != 503 || !strings.Contains(string(r.body), "migrate") {
		t.Errorf("readyz on an old schema: %d %s", r.status, r.body)
	}
}

// TestItemListCacheFollowsEveryWrite: the cached item list of a unit changes
// with writes made through the API and with writes made behind this
// instance's back (another instance on the same database); an ETag saves a
// browser the body while nothing changed.
func TestItemListCacheFollowsEveryWrite(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	r := c.do("GET", "/api/v1/units/yunle/items", nil)
	etag := r.header.Get("ETag")
	if r.status != 200 || etag == "" {
		t.Fatalf("list: %d etag %q", r.status, etag)
	}
	req := httptest.NewRequest("GET", "/api/v1/units/yunle/items", nil)
	req.Header.Set("If-None-Match", etag)
	if r := c.send(req); r.status != 304 {
		t.Errorf("unchanged list with its ETag: %d", r.status)
	}
	// Another instance adds an item: this one must see it.
	it := catalog.Item{UnitCode: "yunle", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "另一实例新增", Content: "x"}}
	it.ApplyDefaults(catalog.Unit{Level: catalog.LevelTownship, FullName: "旌德县云乐镇人民政府"})
	if err := ts.s.items.CreateItem(t.Context(), &it, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	var items []catalog.Item
	r = c.do("GET", "/api/v1/units/yunle/items", nil)
	r.decode(t, &items)
	if r.header.Get("ETag") == etag || !hasItem(items, it.ID) {
		t.Errorf("list after another instance's write: etag %q (was %q), new item listed %v", r.header.Get("ETag"), etag, hasItem(items, it.ID))
	}
	// A publication changes the item's last publication date in the list.
	p := catalog.Publication{ItemID: it.ID, Title: "云乐镇测试通知", GeneratedOn: time.Now()}
	if err := ts.s.pubs.CreatePublication(t.Context(), &p, catalog.Actor{UserID: 9001, Username: "yunle-clerk"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.s.pubs.Transition(t.Context(), p.ID, catalog.Step{Action: catalog.StepSubmit, Checklist: &catalog.Checklist{Wording: true, Format: true, Secrecy: true, Privacy: true}}, catalog.Actor{UserID: 9001, Username: "yunle-clerk"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.s.pubs.Transition(t.Context(), p.ID, catalog.Step{Action: catalog.StepApprove}, catalog.Actor{UserID: 9002, Username: "yunle-leader"}); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/api/v1/units/yunle/items", nil).decode(t, &items)
	for _, x := range items {
		if x.ID == it.ID && x.LastPublishedAt == nil {
			t.Error("last publication date not in the list after publishing")
		}
	}
	if err := ts.s.items.RetireItem(t.Context(), it.ID, "测试结束", catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/api/v1/units/yunle/items", nil).decode(t, &items)
	if hasItem(items, it.ID) {
		t.Error("retired item still in the cached list")
	}
	// A domain filter is answered from the database.
	c.do("GET", "/api/v1/units/yunle/items?domain=czzj", nil).decode(t, &items)
	for _, x := range items {
		if x.DomainCode != "czzj" {
			t.Errorf("filter by domain returned %s", x.DomainCode)
		}
	}
	if len(items) == 0 {
		t.Error("no 财政资金 items for 云乐镇")
	}
}

func hasItem(items []catalog.Item, id int64) bool {
	for _, x := range items {
		if x.ID == id {
			return true
		}
	}
	return false
}

func TestAuditFilters(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("banshu-clerk")
	it := firstItem(t, ts, "banshu")
	var p catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "版书镇审计测试", "generated_on": "2026-11-02"}).decode(t, &p)
	publishDraft(t, ts, "banshu", p.ID)
	adm := ts.login("admin")
	var es []catalog.AuditEntry
	today := time.Now().In(catalog.Shanghai).Format("2006-01-02")
	adm.do("GET", "/api/v1/audit?unit=banshu&user=banshu-leader&action=approve&from="+today+"&to="+today, nil).decode(t, &es)
	if len(es) != 1 || es[0].TargetID != itoa(p.ID) || es[0].IP == "" || !strings.Contains(es[0].After, "published") || es[0].Hash == "" {
		t.Errorf("approve entries %+v", es)
	}
	adm.do("GET", "/api/v1/audit?unit=banshu&from=2020-01-01&to=2020-12-31", nil).decode(t, &es)
	if len(es) != 0 {
		t.Errorf("%d entries dated 2020", len(es))
	}
	if r := adm.do("GET", "/api/v1/audit?from=yesterday", nil); r.status != 400 {
		t.Errorf("bad date: %d", r.status)
	}
	if r := ts.login("banshu-clerk").do("GET", "/api/v1/audit?unit=banshu", nil); r.status != 403 {
		t.Errorf("clerk reads the audit log: %d", r.status)
	}
}

func TestCrossSiteWritesAreRefused(t *testing.T) {
	ts := sharedServer(t)
	ms := ts.login("miaoshou-clerk")
	post := func(headers map[string]string) response {
		t.Helper()
		req := httptest.NewRequest("POST", "/api/v1/units/miaoshou/items", strings.NewReader(`{"domain_code":"zfwj","level1":"政府文件","level2":"跨站测试","content":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return ms.send(req)
	}
	for name, h := range map[string]map[string]string{
		"CrossSite":     {"Sec-Fetch-Site": "cross-site"},
		"SameSiteOther": {"Sec-Fetch-Site": "same-site"},
		"OtherOrigin":   {"Origin": "http://evil.invalid"},
	} {
		if r := post(h); r.status != 403 || !strings.Contains(string(r.body), "跨站") {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := post(map[string]string{"Sec-Fetch-Site": "same-origin"}); r.status != 201 {
		t.Errorf("same-origin browser write: %d %s", r.status, r.body)
	}
	if r := post(nil); r.status != 201 {
		t.Errorf("JSON client without browser headers: %d %s", r.status, r.body)
	}
	r := ms.do("GET", "/api/v1/session", nil)
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("personal data cacheable: %q", r.header.Get("Cache-Control"))
	}
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers: CSP %q", csp)
	}
}

func TestPrivacyCheckAtSubmission(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("xinglong-clerk")
	it := firstItem(t, ts, "xinglong")
	body := map[string]any{"title": "兴隆镇2026年临时救助名单公示", "generated_on": "2026-11-02",
		"body": "救助对象：李四，身份证11010519491231002X，联系电话13800138000。咨询电话：0563-8024390。"}
	var p catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", body).decode(t, &p)
	r := clerk.step(p.ID, "submit", submitBody)
	code, field, msg := r.errorOf(t)
	if r.status != 400 || code != "invalid" || field != "privacy" || !strings.Contains(msg, "身份证号码") || !strings.Contains(msg, "手机号码") ||
		strings.Contains(msg, "13800138000") {
		t.Fatalf("submit with personal data: %d %s", r.status, r.body)
	}
	var hits []catalog.PrivacyHit
	clerk.do("GET", "/api/v1/publications/"+itoa(p.ID)+"/privacy", nil).decode(t, &hits)
	if len(hits) != 2 || hits[0].Kind != catalog.PrivacyIDNumber || hits[1].Text != "13800138000" {
		t.Errorf("hits %+v", hits)
	}
	// The clerk redacts the ID number and keeps the phone with a reason.
	body["body"] = "救助对象：李四，联系电话13800138000。咨询电话：0563-8024390。"
	if r := clerk.do("PUT", "/api/v1/publications/"+itoa(p.ID), body); r.status != 200 {
		t.Fatalf("redact: %d %s", r.status, r.body)
	}
	keep := map[string]any{"checklist": submitBody["checklist"], "privacy": []map[string]string{{"text": "13800138000", "reason": "救助对象本人同意公开联系方式"}}}
	if r := clerk.step(p.ID, "submit", keep); r.status != 200 {
		t.Fatalf("submit after redaction: %d %s", r.status, r.body)
	}
	var evs []catalog.Event
	clerk.do("GET", "/api/v1/publications/"+itoa(p.ID)+"/events", nil).decode(t, &evs)
	if len(evs) != 1 || len(evs[0].Privacy) != 1 || evs[0].Privacy[0].Reason != "救助对象本人同意公开联系方式" {
		t.Errorf("the kept information is not on record: %+v", evs)
	}
}

func TestConsultationPeriodAndStaleForms(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("yucun-clerk")
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/yucun/items?domain=zdjcygk", nil).decode(t, &items)
	var consult catalog.Item
	for _, it := range items {
		if strings.Contains(it.Level2, "征求意见") {
			consult = it
		}
	}
	if consult.ID == 0 {
		t.Fatal("俞村镇 has no 征求意见 item")
	}
	path := "/api/v1/items/" + itoa(consult.ID) + "/publications"
	short := map[string]any{"title": "俞村镇美丽乡村建设规划（征求意见稿）", "generated_on": "2026-11-02", "consultation_opens": "2026-11-20", "consultation_closes": "2026-11-25"}
	r := clerk.do("POST", path, short)
	if _, f, msg := r.errorOf(t); r.status != 400 || f != "consultation_closes" || !strings.Contains(msg, "不得少于10日") || !strings.Contains(msg, "第十条") {
		t.Errorf("five-day consultation: %d %s", r.status, r.body)
	}
	var p catalog.Publication
	clerk.do("POST", path, map[string]any{"title": "俞村镇规划征求意见", "generated_on": "2026-11-02"}).decode(t, &p)
	if r := clerk.step(p.ID, "submit", submitBody); r.status != 400 || !strings.Contains(string(r.body), "意见征集") {
		t.Errorf("consultation without dates submitted: %d %s", r.status, r.body)
	}
	p2 := map[string]any{"title": "俞村镇规划征求意见", "generated_on": "2026-11-02", "consultation_opens": "2026-11-20", "consultation_closes": "2026-11-30", "version": p.Version}
	if r := clerk.do("PUT", "/api/v1/publications/"+itoa(p.ID), p2); r.status != 200 {
		t.Fatalf("ten-day consultation: %d %s", r.status, r.body)
	}
	if r := clerk.step(p.ID, "submit", submitBody); r.status != 200 {
		t.Errorf("consultation with ten days: %d %s", r.status, r.body)
	}
	// Two clerks edit one item; the second form is stale.
	var it catalog.Item
	ts.anon().do("GET", "/api/v1/items/"+itoa(consult.ID), nil).decode(t, &it)
	first := newItemBody("第一人修改")
	first["version"] = it.Version
	second := newItemBody("第二人修改")
	second["version"] = it.Version
	if r := clerk.do("PUT", "/api/v1/items/"+itoa(it.ID), first); r.status != 200 {
		t.Fatalf("first edit: %d %s", r.status, r.body)
	}
	r = ts.login("yucun-leader").do("PUT", "/api/v1/items/"+itoa(it.ID), second)
	if code, _, msg := r.errorOf(t); r.status != 409 || code != "conflict" || !strings.Contains(msg, "已被他人修改") {
		t.Errorf("stale form: %d %s", r.status, r.body)
	}
	ts.anon().do("GET", "/api/v1/items/"+itoa(it.ID), nil).decode(t, &it)
	if it.Level2 != "第一人修改" {
		t.Errorf("the first edit was lost: %q", it.Level2)
	}
}

func TestAuditExport(t *testing.T) {
	ts := sharedServer(t)
	// A title that would be a formula in Excel.
	clerk := ts.login("baidi-clerk")
	it := firstItem(t, ts, "baidi")
	formula := map[string]any{"title": "=HYPERLINK(\"http://x\")", "generated_on": "2026-11-02"}
	var p catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", formula).decode(t, &p)
	clerk.do("PUT", "/api/v1/publications/"+itoa(p.ID), formula) // the update's detail is the title itself
	r := ts.login("auditor").do("GET", "/api/v1/audit/export?unit=baidi", nil)
	body := string(r.body)
	if r.status != 200 || !strings.HasPrefix(body, "\ufeff编号,时间,用户") || !strings.Contains(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %.100q", r.status, body)
	}
	if !strings.Contains(body, "baidi-clerk") || !strings.Contains(body, `'=HYPERLINK`) || strings.Contains(body, ",=HYP") || strings.Contains(body, `,"=HYP`) {
		t.Errorf("export content: %.400q", body)
	}
	if r := ts.login("baidi-clerk").do("GET", "/api/v1/audit/export", nil); r.status != 403 {
		t.Errorf("clerk exports: %d", r.status)
	}
}

func TestPrivacyCheckReadsWordAttachments(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("suncun-clerk")
	it := firstItem(t, ts, "suncun")
	var p catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "孙村镇临时救助名单", "generated_on": "2026-11-02", "body": "见附件。"}).decode(t, &p)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.Create("word/document.xml")
	f.Write([]byte(`<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>赵六 11010519491231002X</w:t></w:r></w:p></w:body></w:document>`))
	zw.Close()
	if r := clerk.upload("/api/v1/publications/"+itoa(p.ID)+"/attachments", "名单.docx", buf.Bytes()); r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r := clerk.step(p.ID, "submit", submitBody)
	if _, field, msg := r.errorOf(t); r.status != 400 || field != "privacy" || !strings.Contains(msg, "身份证号码") {
		t.Errorf("ID number in a Word attachment: %d %s", r.status, r.body)
	}
	var hits []catalog.PrivacyHit
	clerk.do("GET", "/api/v1/publications/"+itoa(p.ID)+"/privacy", nil).decode(t, &hits)
	if len(hits) != 1 || hits[0].Kind != catalog.PrivacyIDNumber {
		t.Errorf("hits %+v", hits)
	}
}

func TestCatalogExport(t *testing.T) {
	ts := sharedServer(t)
	r := ts.anon().do("GET", "/api/v1/units/miaoshou/catalog.xlsx", nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") || !bytes.HasPrefix(r.body, []byte("PK")) {
		t.Fatalf("xlsx: %d %q", r.status, r.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) < 10 {
		t.Errorf("%d sheets for 庙首镇's domains", len(sheets))
	}
	title, _ := f.GetCellValue(sheets[0], "A1")
	if !strings.HasPrefix(title, "庙首镇基层政务公开标准目录") {
		t.Errorf("title %q", title)
	}
	r = ts.anon().do("GET", "/api/v1/units/miaoshou/catalog.csv", nil)
	if r.status != 200 || !strings.HasPrefix(string(r.body), "\ufeff序号,领域,一级事项") || strings.Count(string(r.body), "庙首镇") < 10 {
		t.Errorf("csv: %d %.80q", r.status, r.body)
	}
	r = ts.anon().do("GET", "/api/v1/domains/shjz/template.xlsx", nil)
	tf, err := excelize.OpenReader(bytes.NewReader(r.body))
	if r.status != 200 || err != nil {
		t.Fatalf("template: %d %v", r.status, err)
	}
	ttitle, _ := tf.GetCellValue("社会救助", "A1")
	trows, _ := tf.GetRows("社会救助")
	if !strings.Contains(ttitle, "模板") || len(trows) < 5 {
		t.Errorf("template title %q, %d rows", ttitle, len(trows))
	}
	if r := ts.anon().do("GET", "/api/v1/units/nowhere/catalog.xlsx", nil); r.status != 404 {
		t.Errorf("unknown unit: %d", r.status)
	}
}

// TestListsArePagedByKey: a unit's publications, walked page by page
// through the Link headers, are every one of them once, newest first; a
// page deep in the list costs a lookup by key, not an offset. A bad
// cursor is refused naming the parameter.
func TestListsArePagedByKey(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("jingyang-clerk")
	var all []catalog.Publication
	clerk.do("GET", "/api/v1/units/jingyang/publications?limit=500", nil).decode(t, &all)
	if len(all) < 60 {
		t.Fatalf("only %d publications to page through", len(all))
	}
	var got []catalog.Publication
	next := "/api/v1/units/jingyang/publications?limit=25"
	pages := 0
	for next != "" {
		r := clerk.do("GET", next, nil)
		var page []catalog.Publication
		r.decode(t, &page)
		got = append(got, page...)
		pages++
		next = ""
		if l := r.header.Get("Link"); l != "" {
			next = strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
			if r.header.Get("X-Next-Cursor") == "" || len(page) != 25 {
				t.Fatalf("page %d: %d rows, cursor %q", pages, len(page), r.header.Get("X-Next-Cursor"))
			}
		}
		if pages > 100 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != len(all) {
		t.Fatalf("%d publications over %d pages, %d in one list", len(got), pages, len(all))
	}
	for i := range all {
		if got[i].ID != all[i].ID {
			t.Fatalf("row %d: %d paged, %d listed", i, got[i].ID, all[i].ID)
		}
	}
	r := clerk.do("GET", "/api/v1/units/jingyang/publications?after=yesterday", nil)
	if _, field, _ := r.errorOf(t); r.status != 400 || field != "after" {
		t.Errorf("bad cursor: %d %s", r.status, r.body)
	}
	if r := clerk.do("GET", "/api/v1/units/jingyang/publications?limit=5000", nil); r.status != 400 {
		t.Errorf("a page of 5000: %d", r.status)
	}
	// Requests page the same way.
	admin := ts.login("admin")
	var first, second []api.RequestView
	r = admin.do("GET", "/api/v1/requests?unit=zhengfuban&limit=3", nil)
	r.decode(t, &first)
	cur := r.header.Get("X-Next-Cursor")
	admin.do("GET", "/api/v1/requests?unit=zhengfuban&limit=3&after="+url.QueryEscape(cur), nil).decode(t, &second)
	if len(first) != 3 || len(second) == 0 || second[0].Number == first[2].Number {
		t.Errorf("requests pages %d then %d rows (cursor %q)", len(first), len(second), cur)
	}
}

// TestDeletingDraftsAndAttachments: a unit's clerk deletes an attachment by
// its id and a draft never submitted, with its attachments and their file;
// another unit's clerk cannot; a draft once submitted (and returned) stays,
// its review on record; every deletion is in the audit log.
func TestDeletingDraftsAndAttachments(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("yucun-clerk")
	it := firstItem(t, ts, "yucun")
	draft := func(title string) catalog.Publication {
		var p catalog.Publication
		if r := clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": title, "generated_on": "2026-11-02", "body": "见附件。"}); r.status != 201 {
			t.Fatalf("draft: %d %s", r.status, r.body)
		} else {
			r.decode(t, &p)
		}
		return p
	}
	attach := func(p catalog.Publication, content string) catalog.Attachment {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		f, _ := zw.Create("word/document.xml")
		f.Write([]byte(`<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>` + content + `</w:t></w:r></w:p></w:body></w:document>`))
		zw.Close()
		var a catalog.Attachment
		r := clerk.upload("/api/v1/publications/"+itoa(p.ID)+"/attachments", "通知.docx", buf.Bytes())
		if r.status != 201 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		r.decode(t, &a)
		return a
	}
	p := draft("俞村镇通知（草稿）")
	a1, a2 := attach(p, "第一份"), attach(p, "第二份")
	file := filepath.Join(ts.cfg.DataDir, "attachments", a2.SHA256[:2], a2.SHA256)
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("the stored file: %v", err)
	}
	other := ts.login("sanxi-clerk")
	if r := other.do("DELETE", "/api/v1/attachments/"+itoa(a1.ID), nil); r.status != 403 {
		t.Errorf("another unit deletes the attachment: %d", r.status)
	}
	if r := other.do("DELETE", "/api/v1/publications/"+itoa(p.ID), nil); r.status != 403 {
		t.Errorf("another unit deletes the draft: %d", r.status)
	}
	if r := clerk.do("DELETE", "/api/v1/attachments/"+itoa(a1.ID), nil); r.status != 204 {
		t.Errorf("delete the attachment: %d %s", r.status, r.body)
	}
	var got catalog.Publication
	clerk.do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &got)
	if len(got.Attachments) != 1 || got.Attachments[0].ID != a2.ID {
		t.Errorf("attachments left: %+v", got.Attachments)
	}
	if r := clerk.do("DELETE", "/api/v1/publications/"+itoa(p.ID), nil); r.status != 204 {
		t.Fatalf("delete the draft: %d %s", r.status, r.body)
	}
	if r := clerk.do("GET", "/api/v1/publications/"+itoa(p.ID), nil); r.status != 404 {
		t.Errorf("the deleted draft: %d", r.status)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("its attachment's file is still there: %v", err)
	}
	// Submitted once, returned: no longer deletable.
	q := draft("俞村镇公告")
	if r := clerk.step(q.ID, "submit", submitBody); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := ts.login("yucun-leader").step(q.ID, "reject", map[string]string{"reason": "请补充附件"}); r.status != 200 {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	if r := clerk.do("DELETE", "/api/v1/publications/"+itoa(q.ID), nil); r.status != 409 || !strings.Contains(string(r.body), "曾提交审核") {
		t.Errorf("delete a returned draft: %d %s", r.status, r.body)
	}
	var audit []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?unit=yucun&limit=20", nil).decode(t, &audit)
	var actions []string
	for _, e := range audit {
		if e.Object == "publication" && (e.Action == "delete" || e.Action == "detach") {
			actions = append(actions, e.Action+":"+e.Username)
		}
	}
	if strings.Join(actions, " ") != "delete:yucun-clerk detach:yucun-clerk" {
		t.Errorf("on record: %v", actions)
	}
}

// TestAttachmentsOfEveryKind: an OFD 红头文件, a Word 97–2003 file, a WPS
// spreadsheet are accepted; the privacy check reads each one's text, and
// the kiosk shows the OFD's text once it is published. An OFD without its
// structure is refused with the file named.
func TestAttachmentsOfEveryKind(t *testing.T) {
	if sheet.Converter == "" && os.Getenv("CI") == "" {
		t.Skip("LibreOffice is missing")
	}
	ts := sharedServer(t)
	clerk := ts.login("baidi-clerk")
	it := firstItem(t, ts, "baidi")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "doctext", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct{ file, as, found string }{
		{"notice.ofd", "复核通知.ofd", "身份证号码"},
		{"notice.doc", "复核通知.doc", "身份证号码"},
		{"list.xls", "名单.et", "手机号码"},
	} {
		var p catalog.Publication
		clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "白地镇" + c.as, "generated_on": "2026-11-20", "body": "见附件。"}).decode(t, &p)
		if r := clerk.upload("/api/v1/publications/"+itoa(p.ID)+"/attachments", c.as, read(c.file)); r.status != 201 {
			t.Errorf("%s: %d %s", c.as, r.status, r.body)
			continue
		}
		r := clerk.step(p.ID, "submit", submitBody)
		if _, field, msg := r.errorOf(t); r.status != 400 || field != "privacy" || !strings.Contains(msg, c.found) {
			t.Errorf("%s: the privacy check: %d %s", c.as, r.status, r.body)
		}
		if c.file != "notice.ofd" {
			continue
		}
		// Kept with a reason, published: the kiosk shows the OFD's text.
		var hits []catalog.PrivacyHit
		clerk.do("GET", "/api/v1/publications/"+itoa(p.ID)+"/privacy", nil).decode(t, &hits)
		keep := []map[string]string{}
		for _, h := range hits {
			keep = append(keep, map[string]string{"text": h.Text, "reason": "测试：已征得本人同意"})
		}
		body := map[string]any{"checklist": submitBody["checklist"], "privacy": keep}
		if r := clerk.step(p.ID, "submit", body); r.status != 200 {
			t.Fatalf("submit with reasons: %d %s", r.status, r.body)
		}
		if r := ts.login("baidi-leader").step(p.ID, "approve", nil); r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		var pub catalog.Publication
		ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &pub)
		page := ts.anon().do("GET", "/kiosk/attachments/"+itoa(pub.Attachments[0].ID), nil)
		if page.status != 200 || !strings.Contains(string(page.body), "旌德县人民政府办公室文件") || !strings.Contains(string(page.body), "以下是附件的文字内容") {
			t.Errorf("the OFD on the kiosk: %d %.400s", page.status, page.body)
		}
	}
	var p catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "白地镇通知", "generated_on": "2026-11-20"}).decode(t, &p)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.Create("Doc_0/Document.xml")
	f.Write([]byte("<x/>"))
	zw.Close()
	if r := clerk.upload("/api/v1/publications/"+itoa(p.ID)+"/attachments", "假文件.ofd", buf.Bytes()); r.status != 400 || !strings.Contains(string(r.body), "假文件.ofd") {
		t.Errorf("an OFD without OFD.xml: %d %s", r.status, r.body)
	}
}

// TestBulkApproval: a leader approves several submitted publications at
// once; each is checked and audited as one — the leader's own submission
// and a draft are refused with their reason, the rest published. A batch
// reaching into another unit is the county's to approve.
func TestBulkApproval(t *testing.T) {
	ts := sharedServer(t)
	clerk, leader := ts.login("xinglong-clerk"), ts.login("xinglong-leader")
	it := firstItem(t, ts, "xinglong")
	create := func(c *client, title string, submit bool) int64 {
		var p catalog.Publication
		c.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": title, "generated_on": "2026-11-20", "body": "通知正文。"}).decode(t, &p)
		if submit {
			if r := c.step(p.ID, "submit", submitBody); r.status != 200 {
				t.Fatalf("submit %s: %d %s", title, r.status, r.body)
			}
		}
		return p.ID
	}
	a, b, c := create(clerk, "兴隆镇通知一", true), create(clerk, "兴隆镇通知二", true), create(clerk, "兴隆镇通知三", true)
	own, draft := create(leader, "兴隆镇负责人自己提交的", true), create(clerk, "兴隆镇草稿", false)
	var rs []catalog.BatchResult
	r := leader.do("POST", "/api/v1/publications/approve", map[string]any{"ids": []int64{a, b, c, own, draft, a}})
	r.decode(t, &rs)
	if r.status != 200 || len(rs) != 5 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	got := map[int64]string{}
	for _, x := range rs {
		got[x.ID] = fmt.Sprint(x.OK, " ", x.Code)
	}
	want := map[int64]string{a: "true ", b: "true ", c: "true ", own: "false forbidden", draft: "false conflict"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("results %v, want %v", got, want)
	}
	var audit []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?unit=xinglong&limit=30", nil).decode(t, &audit)
	approvals := 0
	for _, e := range audit {
		if e.Object == "publication" && e.Action == "approve" && e.Username == "xinglong-leader" {
			approvals++
		}
	}
	if approvals != 3 {
		t.Errorf("%d approvals on record, want 3", approvals)
	}
	// Another unit's publication in the batch: only the county approves.
	other := firstItem(t, ts, "sanxi")
	var p catalog.Publication
	sc := ts.login("sanxi-clerk")
	sc.do("POST", "/api/v1/items/"+itoa(other.ID)+"/publications", map[string]any{"title": "三溪镇通知", "generated_on": "2026-11-20"}).decode(t, &p)
	sc.step(p.ID, "submit", submitBody)
	if r := leader.do("POST", "/api/v1/publications/approve", map[string]any{"ids": []int64{own, p.ID}}); r.status != 403 {
		t.Errorf("a batch reaching into 三溪镇: %d %s", r.status, r.body)
	}
	// An id that names nothing is answered among the others, not for all.
	var rs2 []catalog.BatchResult
	if r := leader.do("POST", "/api/v1/publications/approve", map[string]any{"ids": []int64{own, 999999}}); r.status != 200 {
		t.Errorf("a batch with an unknown id: %d %s", r.status, r.body)
	} else if r.decode(t, &rs2); len(rs2) != 2 || rs2[1].Code != "not_found" {
		t.Errorf("a batch with an unknown id: %+v", rs2)
	}
	for _, body := range []any{map[string]any{"ids": []int64{}}, map[string]any{"ids": make([]int64, 101)}, `{"ids":"x"}`} {
		if r := leader.do("POST", "/api/v1/publications/approve", body); r.status != 400 {
			t.Errorf("%v: %d %s", body, r.status, r.body)
		}
	}
}

// TestCompletenessAgainstTheStandard: the demo's 云乐镇 carries every
// township template; a retired item, a domain declared 未涉及 and an item
// marked 未涉及 in its 备注 without a reason show in their lists, for the
// inspector and the unit, not for another township; the inspector's page
// says the same.
func TestCompletenessAgainstTheStandard(t *testing.T) {
	ts := sharedServer(t)
	get := func(c *client) catalog.Completeness {
		var cm catalog.Completeness
		r := c.do("GET", "/api/v1/units/yunle/completeness", nil)
		if r.status != 200 {
			t.Fatalf("completeness: %d %s", r.status, r.body)
		}
		r.decode(t, &cm)
		return cm
	}
	insp, clerk := ts.login("inspector"), ts.login("yunle-clerk")
	before := get(insp)
	if before.Standard == 0 || before.Present+len(before.Missing)+len(before.NotApplicable)+len(before.Retired) != before.Standard {
		t.Fatalf("the demo township: %+v", before)
	}
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/yunle/items", nil).decode(t, &items)
	// Three domains: an item retired in one, an item marked 未涉及 in
	// another, the third declared 未涉及 as a whole.
	var retire, remark *catalog.Item
	exempt := ""
	for i := range items {
		it := &items[i]
		switch {
		case it.TemplateID == nil:
		case retire == nil:
			retire = it
		case remark == nil && it.DomainCode != retire.DomainCode:
			remark = it
		case exempt == "" && remark != nil && it.DomainCode != retire.DomainCode && it.DomainCode != remark.DomainCode:
			exempt = it.DomainCode
		}
	}
	if r := clerk.do("DELETE", "/api/v1/items/"+itoa(retire.ID), map[string]string{"reason": "职能划转县直部门"}); r.status != 200 {
		t.Fatalf("retire: %d %s", r.status, r.body)
	}
	body := newItemBody(remark.Level2)
	body["level1"], body["domain_code"], body["remark"], body["reason"], body["version"] = remark.Level1, remark.DomainCode, "未涉及", "标注未涉及", remark.Version
	if r := clerk.do("PUT", "/api/v1/items/"+itoa(remark.ID), body); r.status != 200 {
		t.Fatalf("mark 未涉及: %d %s", r.status, r.body)
	}
	if r := clerk.do("PUT", "/api/v1/units/yunle/exemptions/"+exempt, map[string]string{"reason": "本镇无城市综合执法职能"}); r.status != 200 {
		t.Fatalf("exemption: %d %s", r.status, r.body)
	}
	after := get(clerk)
	find := func(rows []catalog.CompletenessRow, tid int64) *catalog.CompletenessRow {
		for i := range rows {
			if rows[i].TemplateID == tid {
				return &rows[i]
			}
		}
		return nil
	}
	if r := find(after.Retired, *retire.TemplateID); r == nil || r.Reason != "职能划转县直部门" {
		t.Errorf("the retired item: %+v", after.Retired)
	}
	if r := find(after.NotApplicable, *remark.TemplateID); r == nil || r.Reason != "" || r.ByDomain {
		t.Errorf("the item marked 未涉及: %+v", r)
	}
	byDomain := 0
	for _, r := range after.NotApplicable {
		if r.ByDomain && r.DomainCode == exempt && r.Reason == "本镇无城市综合执法职能" {
			byDomain++
		}
	}
	if byDomain == 0 {
		t.Errorf("no template of the declared domain listed 未涉及: %+v", after.NotApplicable)
	}
	if r := ts.login("sanxi-clerk").do("GET", "/api/v1/units/yunle/completeness", nil); r.status != 403 {
		t.Errorf("another township reads it: %d", r.status)
	}
	page := insp.do("GET", "/admin/units/yunle/completeness", nil)
	if page.status != 200 || !strings.Contains(string(page.body), "没有书面说明") || !strings.Contains(string(page.body), "职能划转县直部门") {
		t.Errorf("the inspector's page: %d", page.status)
	}
}

// TestBackOfficeForms: the first-level check names every point left
// unconfirmed at once; a fresh draft offers 删除 and not 撤回; the history
// names people, and the audit log speaks Chinese.
func TestBackOfficeForms(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("banshu-clerk")
	it := firstItem(t, ts, "banshu")
	var p catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "版书镇通知", "generated_on": "2026-11-20", "body": "正文"}).decode(t, &p)
	page := string(clerk.do("GET", "/admin/publications/"+itoa(p.ID), nil).body)
	if strings.Contains(page, `action="/admin/publications/`+itoa(p.ID)+`/withdraw"`) || !strings.Contains(page, "删除此草稿") {
		t.Error("a fresh draft offers 撤回, or not 删除")
	}
	// Personal data split by a tag, or typed in full-width digits, is
	// found at submission as it is without.
	for _, body := range []string{"<p>身份证3425291985<strong>06120023</strong>。</p>", "<p>李四，身份证３４２５２９１９７００３０５４４１０。</p>"} {
		var q catalog.Publication
		clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "版书镇名单", "generated_on": "2026-11-20", "body": body}).decode(t, &q)
		if r := clerk.step(q.ID, "submit", submitBody); r.status != 400 || !strings.Contains(string(r.body), `"field":"privacy"`) {
			t.Errorf("%s: submitted: %d %s", body, r.status, r.body)
		}
	}
	r := clerk.step(p.ID, "submit", map[string]any{"checklist": map[string]bool{"wording": true}})
	if _, field, msg := r.errorOf(t); r.status != 400 || field != "checklist.format" || !strings.Contains(msg, "格式规范") || !strings.Contains(msg, "已通过保密审查") || !strings.Contains(msg, "不含个人隐私") {
		t.Errorf("half a check: %d %s", r.status, r.body)
	}
	clerk.step(p.ID, "submit", submitBody)
	ts.login("banshu-leader").step(p.ID, "approve", nil)
	page = string(ts.login("admin").do("GET", "/admin/publications/"+itoa(p.ID), nil).body)
	if !strings.Contains(page, "版书镇分管负责人（banshu-leader）") || !strings.Contains(page, "版书镇信息专管员（banshu-clerk）") {
		t.Error("the publication's history does not name the people")
	}
	audit := string(ts.login("auditor").do("GET", "/admin/audit?unit=banshu", nil).body)
	if !strings.Contains(audit, "审核发布") || !strings.Contains(audit, "公开信息") || strings.Contains(audit, "<td>approve</td>") {
		t.Error("the audit log's actions are not in Chinese")
	}
}

// TestPublicationSearchAndPolicyLinks: the back office finds publications
// by words of the title, the 文号, the body or a whole 索引号, by status and
// dates, within the unit for its staff and county-wide for the county; an
// interpretation links to its policy by the 文号 typed, or by a choice of
// the list the form offers.
func TestPublicationSearchAndPolicyLinks(t *testing.T) {
	ts := sharedServer(t)
	clerk, leader := ts.login("sanxi-clerk"), ts.login("sanxi-leader")
	it := firstItem(t, ts, "sanxi")
	var policy catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "三溪镇秸秆综合利用实施方案", "doc_no": "溪政〔2026〕7号",
		"generated_on": "2026-11-10", "body": "<p>推进秸秆<b>离田</b>利用100%（含_通配符）。</p>"}).decode(t, &policy)
	clerk.step(policy.ID, "submit", submitBody)
	leader.step(policy.ID, "approve", nil)
	ts.anon().do("GET", "/api/v1/publications/"+itoa(policy.ID), nil).decode(t, &policy)
	var draft catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "三溪镇秸秆禁烧通知（草稿）", "generated_on": "2026-11-12"}).decode(t, &draft)
	found := func(c *client, query string) []int64 {
		t.Helper()
		var ps []catalog.Publication
		r := c.do("GET", "/api/v1/publications?"+query, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", query, r.status, r.body)
		}
		r.decode(t, &ps)
		var ids []int64
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		return ids
	}
	has := func(ids []int64, id int64) bool { return slices.Contains(ids, id) }
	for _, c := range []struct {
		query string
		in    []int64
		out   []int64
	}{
		{"unit=sanxi&q=" + url.QueryEscape("秸秆"), []int64{policy.ID, draft.ID}, nil},
		{"unit=sanxi&q=" + url.QueryEscape("溪政〔2026〕7号"), []int64{policy.ID}, []int64{draft.ID}},
		{"unit=sanxi&q=" + url.QueryEscape("离田"), []int64{policy.ID}, nil},
		{"unit=sanxi&q=" + url.QueryEscape(policy.IndexNo), []int64{policy.ID}, []int64{draft.ID}},
		{"unit=sanxi&q=" + url.QueryEscape("100%"), []int64{policy.ID}, []int64{draft.ID}},
		{"unit=sanxi&q=" + url.QueryEscape("_"), []int64{policy.ID}, []int64{draft.ID}},
		{"unit=sanxi&status=draft&q=" + url.QueryEscape("秸秆"), []int64{draft.ID}, []int64{policy.ID}},
		// The body's text, not its HTML: the tags are not words of it.
		{"unit=sanxi&q=" + url.QueryEscape("离田利用"), []int64{policy.ID}, nil},
		{"unit=sanxi&q=" + url.QueryEscape("<b>"), nil, []int64{policy.ID}},
		{"unit=sanxi&q=p", nil, []int64{policy.ID}},
		{"unit=sanxi&q=" + url.QueryEscape("秸秆") + "&from=2026-11-11&to=2026-11-30", []int64{draft.ID}, nil},
	} {
		ids := found(clerk, c.query)
		for _, id := range c.in {
			if !has(ids, id) {
				t.Errorf("%s: %d not found in %v", c.query, id, ids)
			}
		}
		for _, id := range c.out {
			if has(ids, id) {
				t.Errorf("%s: %d found", c.query, id)
			}
		}
	}
	if r := clerk.do("GET", "/api/v1/publications?q=x", nil); r.status != 403 {
		t.Errorf("a clerk searches the county: %d", r.status)
	}
	if ids := found(ts.login("inspector"), "q="+url.QueryEscape("溪政〔2026〕7号")); !has(ids, policy.ID) {
		t.Errorf("the county's search: %v", ids)
	}
	if r := clerk.do("GET", "/api/v1/publications?unit=sanxi&from=2026-13-01", nil); r.status != 400 || !strings.Contains(string(r.body), `"field":"from"`) {
		t.Errorf("a bad date: %d %s", r.status, r.body)
	}
	// The interpretation form: the 文号 typed links the policy; the list
	// offers it by name.
	var opts []struct {
		ID    int64  `json:"id"`
		Label string `json:"label"`
	}
	// A notice of another domain with the same words is no policy.
	var items []catalog.Item
	clerk.do("GET", "/api/v1/units/sanxi/items", nil).decode(t, &items)
	if !catalog.IsPolicyDomain(it.DomainCode) {
		t.Fatalf("the first item is not a policy column: %s", it.DomainCode)
	}
	var other catalog.Publication
	for _, x := range items {
		if !catalog.IsPolicyDomain(x.DomainCode) && x.DomainCode != "zcjd" {
			clerk.do("POST", "/api/v1/items/"+itoa(x.ID)+"/publications", map[string]any{"title": "三溪镇秸秆综合利用现场会通知",
				"generated_on": "2026-11-10", "body": "<p>通知</p>"}).decode(t, &other)
			break
		}
	}
	clerk.step(other.ID, "submit", submitBody)
	leader.step(other.ID, "approve", nil)
	clerk.do("GET", "/admin/policies?unit=sanxi&q="+url.QueryEscape("秸秆综合"), nil).decode(t, &opts)
	if len(opts) != 1 || opts[0].ID != policy.ID || !strings.HasSuffix(opts[0].Label, "#"+itoa(policy.ID)) {
		t.Fatalf("the policy list: %+v (not %d)", opts, other.ID)
	}
	form := url.Values{"title": {"《三溪镇秸秆综合利用实施方案》解读"}, "topic": {"综合政务"}, "generated_on": {"2026-11-12"}, "body": {"解读正文"}, "interprets_id": {"溪政〔2026〕7号"}}
	req := httptest.NewRequest("POST", "/admin/items/"+itoa(it.ID)+"/publications", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := clerk.send(req)
	if r.status != 303 {
		t.Fatalf("an interpretation by the 文号: %d %.300s", r.status, r.body)
	}
	id := strings.TrimPrefix(strings.SplitN(r.header.Get("Location"), "?", 2)[0], "/admin/publications/")
	var ip catalog.Publication
	clerk.do("GET", "/api/v1/publications/"+id, nil).decode(t, &ip)
	if ip.InterpretsID == nil || *ip.InterpretsID != policy.ID {
		t.Errorf("the interpretation links %v, want %d", ip.InterpretsID, policy.ID)
	}
	form.Set("interprets_id", "溪政〔2099〕1号")
	req = httptest.NewRequest("POST", "/admin/items/"+itoa(it.ID)+"/publications", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := clerk.send(req); r.status != 400 || !strings.Contains(string(r.body), "没有找到文号") {
		t.Errorf("an unknown 文号: %d", r.status)
	}
	// The 文号 typed with ASCII brackets, as typists do.
	form.Set("interprets_id", "溪政[2026]7号")
	req = httptest.NewRequest("POST", "/admin/items/"+itoa(it.ID)+"/publications", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := clerk.send(req); r.status != 303 {
		t.Errorf("the 文号 with [ ]: %d %.300s", r.status, r.body)
	}
	if page := clerk.do("GET", "/admin/search?unit=sanxi&q="+url.QueryEscape("秸秆"), nil); page.status != 200 || !strings.Contains(string(page.body), "三溪镇秸秆综合利用实施方案") {
		t.Errorf("the search page: %d", page.status)
	}
}

// TestCatalogueListFilters: a unit's catalogue in the back office names
// domains by name and narrows by domain, column, freshness, due date and
// words of the item.
func TestCatalogueListFilters(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("sanxi-clerk")
	rows := func(query string) []string {
		t.Helper()
		r := clerk.do("GET", "/admin/units/sanxi?"+query, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d", query, r.status)
		}
		return regexp.MustCompile(`<tr><td>([^<]*)</td>`).FindAllString(string(r.body), -1)
	}
	all := rows("")
	if len(all) < 20 || strings.Contains(strings.Join(all, ""), "<td>zfwj</td>") {
		t.Fatalf("the list: %d rows, codes shown: %v", len(all), all[:3])
	}
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/sanxi/items", nil).decode(t, &items)
	domain, column, name := items[0].DomainCode, items[0].Level1, items[0].Level2
	if n := len(rows("domain=" + domain)); n == 0 || n >= len(all) {
		t.Errorf("by domain: %d of %d", n, len(all))
	}
	if n := len(rows("domain=" + domain + "&column=" + url.QueryEscape(column))); n == 0 {
		t.Errorf("by column: %d", n)
	}
	if n := len(rows("q=" + url.QueryEscape(name))); n == 0 || n >= len(all) {
		t.Errorf("by words %q: %d of %d", name, n, len(all))
	}
	counts := map[string]int{}
	sum := 0
	for _, f := range []string{"ok", "overdue", "never", "event"} {
		counts[f] = len(rows("fresh=" + f))
		sum += counts[f]
	}
	if sum != len(all) || counts["ok"] == len(all) || counts["event"] == len(all) {
		t.Errorf("by freshness: %v of %d", counts, len(all))
	}
	if n := len(rows("due=soon")); n >= len(all) {
		t.Errorf("due soon: %d of %d", n, len(all))
	}
}
