package main

import (
	"bytes"
	"fmt"
	"html"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/kiosk"
	"gongkai/search"
	"gongkai/seed"
)

// TestKioskPagesRender renders every kiosk template once with real data.
func TestKioskPagesRender(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	item := firstItem(t, ts, "miaoshou")
	var pubs []catalog.Publication
	var withPubs catalog.Item
	var items []catalog.Item
	c.do("GET", "/api/v1/units/miaoshou/items", nil).decode(t, &items)
	for _, it := range items {
		c.do("GET", "/api/v1/items/"+itoa(it.ID)+"/publications", nil).decode(t, &pubs)
		if len(pubs) > 0 {
			withPubs = it
			break
		}
	}
	if len(pubs) == 0 {
		t.Fatal("庙首镇 has no publication")
	}
	for path, wants := range map[string][]string{
		"/kiosk/":                                 {"按单位查看", "按领域查看", "搜索", "依申请公开", "机构与联系方式", "查询申请进度"},
		"/kiosk/units":                            {"庙首镇", "财政局", "各镇人民政府"},
		"/kiosk/units/zhengfuban":                 {"旌德县政务新区1号楼", "周一至周五 8:00—12:00、14:30—17:30", "公开目录", "机构设置"},
		"/kiosk/units/miaoshou":                   {html.EscapeString(item.Level2), "公开目录", "<svg class=\"qr\"", testPublicURL + "/kiosk/units/miaoshou"},
		"/kiosk/domains":                          {"社会保障", "财政预决算"},
		"/kiosk/domains/shbz":                     {"城乡低保发放花名册", "庙首镇", "三溪镇"},
		"/kiosk/items/" + itoa(withPubs.ID):       {html.EscapeString(withPubs.Level2), "应当公开什么", "什么时候公开", html.EscapeString(pubs[0].Title), "<svg class=\"qr\""},
		"/kiosk/publications/" + itoa(pubs[0].ID): {pubs[0].IndexNo, "发布机构", "主题分类", "文号", "生成日期", "发布日期", "data-print", "<svg class=\"qr\""},
		"/kiosk/contacts":                         {"旌德县政务新区1号楼", "庙首镇"},
		"/kiosk/apply":                            {"依申请公开", "20个工作日", "旌德县人民政府办公室"},
		"/kiosk/progress":                         {"登记号"},
		"/kiosk/search":                           {"拼音键盘", `data-ime-key="q"`, `data-ime-go`},
		"/kiosk/static/kiosk.css":                 {"font-size"},
		"/kiosk/static/kiosk.js":                  {"sessionStorage"},
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
		// Nothing is fetched from outside: the hall may be offline.
		for _, outside := range []string{`src="http`, `href="http`, `url(http`, "@import"} {
			if strings.Contains(string(r.body), outside) {
				t.Errorf("%s loads from an outside address (%s)", path, outside)
			}
		}
	}
	// An error page on a kiosk also returns home when left alone.
	if r := c.do("GET", "/kiosk/units/nowhere", nil); r.status != 404 || !strings.Contains(string(r.body), "不存在") ||
		!strings.Contains(string(r.body), `data-idle="120"`) || !strings.Contains(string(r.body), "/kiosk/static/kiosk.js") {
		t.Errorf("missing unit page: %d", r.status)
	}
	if r := c.do("GET", "/kiosk/domains/nowhere", nil); r.status != 404 {
		t.Errorf("missing domain page: %d", r.status)
	}
}

// TestKioskHomeWeight: the home page with its stylesheet and script stays
// under 100 KB.
func TestKioskHomeWeight(t *testing.T) {
	c := sharedServer(t).anon()
	total := 0
	for _, p := range []string{"/kiosk/", "/kiosk/static/kiosk.css", "/kiosk/static/kiosk.js"} {
		r := c.do("GET", p, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
		total += len(r.body)
	}
	if total > 100<<10 {
		t.Errorf("home page weighs %d bytes", total)
	}
}

// TestInterpretationLinksBothWays: the policy page lists its interpretations
// and the interpretation links to its policy.
func TestInterpretationLinksBothWays(t *testing.T) {
	ts := sharedServer(t)
	var pubs []catalog.Publication
	// Seed interpretations of 庙首镇 are linked (its bulletins never flagged them).
	var zcjd []catalog.Item
	ts.anon().do("GET", "/api/v1/units/miaoshou/items?domain=zcjd", nil).decode(t, &zcjd)
	ts.anon().do("GET", "/api/v1/items/"+itoa(zcjd[0].ID)+"/publications", nil).decode(t, &pubs)
	var interp catalog.Publication
	for _, p := range pubs {
		if p.InterpretsID != nil {
			interp = p
			break
		}
	}
	if interp.ID == 0 {
		t.Fatal("no linked interpretation in 庙首镇's demo data")
	}
	r := ts.anon().do("GET", "/kiosk/publications/"+itoa(interp.ID), nil)
	if !strings.Contains(string(r.body), "所解读的政策文件") || !strings.Contains(string(r.body), "/kiosk/publications/"+itoa(*interp.InterpretsID)) {
		t.Error("interpretation does not link its policy")
	}
	r = ts.anon().do("GET", "/kiosk/publications/"+itoa(*interp.InterpretsID), nil)
	if !strings.Contains(string(r.body), "政策解读") || !strings.Contains(string(r.body), "/kiosk/publications/"+itoa(interp.ID)) {
		t.Error("policy does not list its interpretation")
	}
}

// newPublication creates a draft under the item as the unit's clerk.
func newPublication(t *testing.T, ts *testServer, unit string, itemID int64, title string) catalog.Publication {
	t.Helper()
	var p catalog.Publication
	r := ts.login(unit+"-clerk").do("POST", "/api/v1/items/"+itoa(itemID)+"/publications", map[string]any{
		"title": title, "topic": "综合政务", "generated_on": time.Now().Format("2006-01-02"), "body": "测试正文。"})
	if r.status != 201 {
		t.Fatalf("create publication: %d %s", r.status, r.body)
	}
	r.decode(t, &p)
	return p
}

// TestKioskCacheFollowsPublishing: kiosk pages are served from memory with
// an ETag, and a publication approved is on the next request; one taken
// down is gone from the pages and from search.
func TestKioskCacheFollowsPublishing(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	var it catalog.Item
	ts.login("admin").do("POST", "/api/v1/units/baidi/items", newItemBody("查询机缓存测试事项")).decode(t, &it)
	itemPath := "/kiosk/items/" + itoa(it.ID)
	r := c.do("GET", itemPath, nil)
	etag := r.header.Get("ETag")
	if r.status != 200 || etag == "" || r.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("item page: %d etag %q cache %q", r.status, etag, r.header.Get("Cache-Control"))
	}
	req := httptest.NewRequest("GET", itemPath, nil)
	req.Header.Set("If-None-Match", etag)
	if r := c.send(req); r.status != 304 {
		t.Errorf("unchanged page with its ETag: %d", r.status)
	}

	const title = "白地镇关于查询机缓存验证的公告"
	p := newPublication(t, ts, "baidi", it.ID, title)
	if r := c.do("GET", itemPath, nil); strings.Contains(string(r.body), title) {
		t.Error("a draft shows on the kiosk")
	}
	if r := c.do("GET", "/kiosk/search?q="+title, nil); strings.Contains(string(r.body), "/kiosk/publications/"+itoa(p.ID)) {
		t.Error("a draft is found by search")
	}
	publishDraft(t, ts, "baidi", p.ID)
	req = httptest.NewRequest("GET", itemPath, nil)
	req.Header.Set("If-None-Match", etag)
	r = c.send(req)
	if r.status != 200 || !strings.Contains(string(r.body), title) {
		t.Fatalf("after approval: %d, title shown %v", r.status, strings.Contains(string(r.body), title))
	}
	if r := c.do("GET", "/kiosk/search?q=bdzgycxjhcyzdgg", nil); !strings.Contains(string(r.body), "/kiosk/publications/"+itoa(p.ID)) {
		t.Error("the approved publication is not found by its initials")
	}
	if r := ts.login("admin").step(p.ID, "takedown", map[string]string{"reason": "privacy"}); r.status != 200 {
		t.Fatalf("takedown: %d %s", r.status, r.body)
	}
	if r := c.do("GET", itemPath, nil); strings.Contains(string(r.body), title) {
		t.Error("a publication taken down still shows on its item page")
	}
	if r := c.do("GET", "/kiosk/publications/"+itoa(p.ID), nil); r.status != 404 {
		t.Errorf("a publication taken down: %d", r.status)
	}
	if r := c.do("GET", "/kiosk/search?q="+title, nil); strings.Contains(string(r.body), "/kiosk/publications/"+itoa(p.ID)) {
		t.Error("a publication taken down is found by search")
	}
}

// TestKioskCacheFollowsOtherInstances: a write made by another instance
// (straight into the database here) shows once the revisions are polled.
func TestKioskCacheFollowsOtherInstances(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	before := c.do("GET", "/kiosk/units/yunle", nil)
	it := catalog.Item{UnitCode: "yunle", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "另一实例新增的查询机事项", Content: "x"}}
	it.ApplyDefaults(catalog.Unit{Level: catalog.LevelTownship, FullName: "旌德县云乐镇人民政府"})
	if err := ts.s.items.CreateItem(t.Context(), &it, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.s.pollRevisions(t.Context()); err != nil {
		t.Fatal(err)
	}
	after := c.do("GET", "/kiosk/units/yunle", nil)
	if !strings.Contains(string(after.body), "另一实例新增的查询机事项") || after.header.Get("ETag") == before.header.Get("ETag") {
		t.Error("the unit page did not follow another instance's write")
	}
}

// TestKioskSearch: by initials, characters and aliases, over the demo data.
func TestKioskSearch(t *testing.T) {
	c := sharedServer(t).anon()
	for q, wants := range map[string][]string{
		"czyjs":  {"<mark>财政预决算</mark>", "目录事项"},
		"低保":     {"<mark>低保</mark>", "城乡", "公开信息"},
		"dibao":  {"<mark>低保</mark>"},
		"msz":    {"<mark>庙首镇</mark>", "单位"},
		"最低生活保障": {"含同义词", "<mark>低保</mark>"},
		"qqqqqq": {"没有找到"},
	} {
		r := c.do("GET", "/kiosk/search?q="+q, nil)
		if r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q", q, r.status, r.header.Get("Cache-Control"))
		}
		for _, w := range wants {
			if !strings.Contains(string(r.body), w) {
				t.Errorf("search %s lacks %q", q, w)
			}
		}
	}
}

// TestKioskPointsCountUse: a screen assigned to a point counts its views
// and searches under the point; others count as unassigned; an unknown
// point is refused.
func TestKioskPointsCountUse(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	if r := c.do("GET", "/kiosk/?point=nowhere-hall", nil); r.status != 404 || !strings.Contains(string(r.body), "查阅点") {
		t.Errorf("unknown point: %d", r.status)
	}
	r := c.do("GET", "/kiosk/?point=sanxi-hall", nil)
	cookie := r.header.Get("Set-Cookie")
	if r.status != 303 || !strings.Contains(cookie, kiosk.PointCookie+"=sanxi-hall") {
		t.Fatalf("assign: %d %q", r.status, cookie)
	}
	if err := ts.s.flushCounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	count := func() (views, searches int64) {
		t.Helper()
		if err := ts.s.flushCounts(t.Context()); err != nil {
			t.Fatal(err)
		}
		today := time.Now()
		stats, err := ts.s.kioskStore.FindStats(t.Context(), today, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stats {
			if s.PointCode == "sanxi-hall" {
				return s.Views, s.Searches
			}
		}
		return 0, 0
	}
	v0, s0 := count()
	for _, p := range []string{"/kiosk/", "/kiosk/units/sanxi", "/kiosk/search?q=db"} {
		req := httptest.NewRequest("GET", p, nil)
		req.Header.Set("Cookie", kiosk.PointCookie+"=sanxi-hall")
		if r := c.send(req); r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	c.do("GET", "/kiosk/units/sanxi", nil) // a phone
	v1, s1 := count()
	if v1-v0 != 3 || s1-s0 != 1 {
		t.Errorf("counted %d views and %d searches, want 3 and 1", v1-v0, s1-s0)
	}
}

// TestKioskAttachments: a PDF is shown inside the kiosk page (framed from
// the same origin only), an Excel file as its text; a draft's attachment
// is not shown at all.
func TestKioskAttachments(t *testing.T) {
	ts := sharedServer(t)
	it := firstItem(t, ts, "caijiaqiao")
	p := newPublication(t, ts, "caijiaqiao", it.ID, "蔡家桥镇附件展示测试")
	clerk := ts.login("caijiaqiao-clerk")
	path := "/api/v1/publications/" + itoa(p.ID) + "/attachments"
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	var pbuf bytes.Buffer
	if err := doc.Output(&pbuf); err != nil {
		t.Fatal(err)
	}
	var pdf, xlsx catalog.Attachment
	clerk.upload(path, "通知.pdf", pbuf.Bytes()).decode(t, &pdf)
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "蔡家桥镇道路养护名单")
	xbuf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	clerk.upload(path, "名单.xlsx", xbuf.Bytes()).decode(t, &xlsx)
	c := ts.anon()
	if r := c.do("GET", "/kiosk/attachments/"+itoa(pdf.ID), nil); r.status != 404 {
		t.Errorf("a draft's attachment on the kiosk: %d", r.status)
	}
	publishDraft(t, ts, "caijiaqiao", p.ID)
	r := c.do("GET", "/kiosk/publications/"+itoa(p.ID), nil)
	if !strings.Contains(string(r.body), "/kiosk/attachments/"+itoa(pdf.ID)) {
		t.Error("the publication page does not link its attachment in the kiosk")
	}
	r = c.do("GET", "/kiosk/attachments/"+itoa(pdf.ID), nil)
	if r.status != 200 || !strings.Contains(string(r.body), `<iframe class="viewer" src="/api/v1/attachments/`+itoa(pdf.ID)+`"`) {
		t.Errorf("PDF page: %d", r.status)
	}
	file := c.do("GET", "/api/v1/attachments/"+itoa(pdf.ID), nil)
	if file.header.Get("X-Frame-Options") != "SAMEORIGIN" || !strings.Contains(file.header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Errorf("the PDF cannot be framed by the kiosk: %q %q", file.header.Get("X-Frame-Options"), file.header.Get("Content-Security-Policy"))
	}
	r = c.do("GET", "/kiosk/attachments/"+itoa(xlsx.ID), nil)
	if r.status != 200 || !strings.Contains(string(r.body), "蔡家桥镇道路养护名单") {
		t.Errorf("Excel page: %d", r.status)
	}
}

// TestKioskQRFollowsTheAddressUsed: without GONGKAI_PUBLIC_URL the QR code
// carries the address the screen used when the server is known by it, and
// its default address for any other Host; a client's headers never change
// what others are served, and thousands of Host values do not grow the
// page cache.
func TestKioskQRFollowsTheAddressUsed(t *testing.T) {
	shared := sharedServer(t)
	deps := shared.s.kioskDeps()
	deps.PublicURL = ""
	deps.Hosts = []string{"10.9.8.7:8080", "gongkai.jingde.lan"}
	deps.Cache = kiosk.NewPageCache(kiosk.DefaultCacheBytes)
	app := fiber.New(fiber.Config{ErrorHandler: shared.s.errorHandler})
	kiosk.Mount(app.Group("/kiosk"), deps)
	ts := &testServer{t: t, s: shared.s, app: app, cfg: shared.cfg}
	get := func(host string, header ...string) string {
		req := httptest.NewRequest("GET", "/kiosk/units/sanxi", nil)
		req.Host = host
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return string(ts.anon().send(req).body)
	}
	for _, host := range deps.Hosts {
		if want := "http://" + host + "/kiosk/units/sanxi"; !strings.Contains(get(host), want) {
			t.Errorf("page reached at %s lacks %s", host, want)
		}
	}
	if body := get("phish.invalid", "X-Forwarded-Host", "phish.invalid"); strings.Contains(body, "phish.invalid") || !strings.Contains(body, "http://10.9.8.7:8080/kiosk/units/sanxi") {
		t.Error("an unknown Host is on the page instead of the default address")
	}
	if strings.Contains(get("10.9.8.7:8080", "X-Forwarded-Proto", "https"), "https://") || strings.Contains(get("10.9.8.7:8080"), "https://") {
		t.Error("a client's X-Forwarded-Proto switched the QR code to https")
	}
	for i := 0; i < 3000; i++ {
		get(fmt.Sprintf("h%d.invalid", i))
	}
	if pages, bytes := deps.Cache.Size(); pages > 3 || bytes > kiosk.DefaultCacheBytes {
		t.Errorf("3,000 Host values left %d pages, %d bytes in the cache", pages, bytes)
	}
}

// TestKioskPageCacheIsBoundedByBytes: a cache fed far more than it holds
// keeps under its bound and still serves what it kept last.
func TestKioskPageCacheIsBoundedByBytes(t *testing.T) {
	shared := sharedServer(t)
	deps := shared.s.kioskDeps()
	deps.Cache = kiosk.NewPageCache(256 << 10)
	app := fiber.New(fiber.Config{ErrorHandler: shared.s.errorHandler})
	kiosk.Mount(app.Group("/kiosk"), deps)
	ts := &testServer{t: t, s: shared.s, app: app, cfg: shared.cfg}
	var items []catalog.Item
	shared.anon().do("GET", "/api/v1/units/sanxi/items", nil).decode(t, &items)
	for _, it := range items {
		// The same page under many spellings of its id (0086, 00086 …).
		for z := 0; z < 5; z++ {
			if r := ts.anon().do("GET", "/kiosk/items/"+strings.Repeat("0", z)+itoa(it.ID), nil); r.status != 200 {
				t.Fatalf("item %d: %d", it.ID, r.status)
			}
		}
	}
	pages, bytes := deps.Cache.Size()
	if bytes > 256<<10 || pages == 0 {
		t.Errorf("cache of %d pages, %d bytes; bound 256 KB", pages, bytes)
	}
	last := "/kiosk/items/" + strings.Repeat("0", 4) + itoa(items[len(items)-1].ID)
	r1 := ts.anon().do("GET", last, nil)
	req := httptest.NewRequest("GET", last, nil)
	req.Header.Set("If-None-Match", r1.header.Get("ETag"))
	if r2 := ts.anon().send(req); r2.status != 304 {
		t.Errorf("the last page is not kept: %d", r2.status)
	}
}

// TestKioskCacheFollowsUnitFacts: a unit's new phone number is on its
// kiosk page at once, while a sign-in (a write of nothing public) keeps the
// kept page and its ETag.
func TestKioskCacheFollowsUnitFacts(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	before := c.do("GET", "/kiosk/units/yucun", nil)
	ts.login("inspector")
	if again := c.do("GET", "/kiosk/units/yucun", nil); again.header.Get("ETag") != before.header.Get("ETag") {
		t.Error("a sign-in invalidated the kiosk's pages")
	}
	leader := ts.login("yucun-leader")
	if r := leader.do("PUT", "/api/v1/units/yucun", map[string]string{"phone": "0563-8123456"}); r.status != 200 {
		t.Fatalf("update facts: %d %s", r.status, r.body)
	}
	if after := c.do("GET", "/kiosk/units/yucun", nil); !strings.Contains(string(after.body), "0563-8123456") {
		t.Error("the new phone number is not on the kiosk")
	}
}

// TestSearchFollowsAnotherInstancesAliases: aliases saved by another
// instance (straight into the database here) reach search once polled.
func TestSearchFollowsAnotherInstancesAliases(t *testing.T) {
	ts := sharedServer(t)
	if r := ts.anon().do("GET", "/kiosk/search?q=白地", nil); strings.Contains(string(r.body), "含同义词") {
		t.Fatal("白地 already has an alias")
	}
	groups := append(append([]search.AliasGroup(nil), seed.DefaultAliases...), search.AliasGroup{"白地", "白地镇政府"})
	if err := ts.s.kioskStore.SaveAliases(t.Context(), groups, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.s.pollRevisions(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r := ts.anon().do("GET", "/kiosk/search?q=白地", nil); !strings.Contains(string(r.body), "含同义词：白地镇政府") {
		t.Error("another instance's alias is not used after the poll")
	}
	if err := ts.s.kioskStore.SaveAliases(t.Context(), seed.DefaultAliases, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	ts.s.pollRevisions(t.Context())
}

// TestCountyHidesStaleMarks: whether the public pages mark columns
// 超过一年未更新 is the county's choice (the inspection's findings and the
// back office's own freshness are not affected), and it can change its mind.
func TestCountyHidesStaleMarks(t *testing.T) {
	ts := sharedServer(t)
	page := func() string { return string(ts.anon().do("GET", "/kiosk/units/sanxi", nil).body) }
	if !strings.Contains(page(), "超过一年未更新") {
		t.Fatal("the demo's 三溪镇 has no column marked 超过一年未更新")
	}
	admin := ts.login("admin")
	var county catalog.County
	admin.do("GET", "/api/v1/county", nil).decode(t, &county)
	county.HideStale = true
	if r := admin.do("PUT", "/api/v1/county", county); r.status != 200 {
		t.Fatalf("save the county: %d %s", r.status, r.body)
	}
	if strings.Contains(page(), "超过一年未更新") {
		t.Error("the county hid the marks, the kiosk still shows them")
	}
	county.HideStale = false
	if r := admin.do("PUT", "/api/v1/county", county); r.status != 200 || !strings.Contains(page(), "超过一年未更新") {
		t.Errorf("shown again: %d", r.status)
	}
}

// TestKioskApplicationSentTwice: the confirmed summary sent again — its
// answer was lost when the hall's network dropped — gives the request it
// already made, not a second one; a summary confirmed anew is a new one;
// a key that is not one the form made is ignored.
func TestKioskApplicationSentTwice(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	form := url.Values{"applicant_type": {"person"}, "name": {"张凤英"}, "id_type": {"resident_id"}, "id_number": {testID}, "unit": {"sanxi"},
		"address": {"旌德县三溪镇"}, "phone": {"13905631234"}, "description": {"2026年三溪镇低保对象名单"}, "form": {"paper"}, "step": {"review"}}
	r := postForm(c, "/kiosk/apply", form)
	key := regexp.MustCompile(`name="submit_key" value="([^"]+)"`).FindSubmatch(r.body)
	if r.status != 200 || key == nil {
		t.Fatalf("the summary: %d, key %q", r.status, key)
	}
	form.Set("step", "submit")
	form.Set("submit_key", string(key[1]))
	first := postForm(c, "/kiosk/apply", form)
	again := postForm(c, "/kiosk/apply", form)
	if first.status != 303 || again.status != 303 || first.header.Get("Location") != again.header.Get("Location") {
		t.Errorf("sent twice: %d %q, then %d %q", first.status, first.header.Get("Location"), again.status, again.header.Get("Location"))
	}
	form.Set("submit_key", "not-a-key")
	if other := postForm(c, "/kiosk/apply", form); other.status != 303 || other.header.Get("Location") == first.header.Get("Location") {
		t.Errorf("another submission: %d %q", other.status, other.header.Get("Location"))
	}
	var n int64
	ts.s.db.Raw("SELECT COUNT(*) FROM foi_requests WHERE unit_code = 'sanxi' AND description = '2026年三溪镇低保对象名单'").Scan(&n)
	if n != 2 {
		t.Errorf("%d requests registered, want 2", n)
	}
}

// TestPinyinKeyboardKnowsTheCounty: the on-screen keyboard offers the
// catalogue's words before the dictionary's (低保 before 地堡) and a unit
// added today by its name, without a restart.
func TestPinyinKeyboardKnowsTheCounty(t *testing.T) {
	ts := sharedServer(t)
	first := func(py string) string {
		var cs []struct{ Text string }
		r := ts.anon().do("GET", "/kiosk/ime?py="+py, nil)
		r.decode(t, &cs)
		if r.status != 200 || len(cs) == 0 {
			t.Fatalf("%s: %d %s", py, r.status, r.body)
		}
		return cs[0].Text
	}
	if got := first("dibao"); got != "低保" {
		t.Errorf("dibao: %q first, want the catalogue's 低保", got)
	}
	if got := first("queling"); got == "鹊岭乡" {
		t.Fatal("鹊岭乡 before it is a unit")
	}
	if r := ts.login("admin").do("POST", "/api/v1/units", map[string]string{"code": "queling", "name": "鹊岭乡", "full_name": "旌德县鹊岭乡人民政府", "level": "township", "kind": "town"}); r.status != 201 {
		t.Fatalf("create unit: %d %s", r.status, r.body)
	}
	if got := first("queling"); got != "鹊岭乡" {
		t.Errorf("queling after the unit is added: %q first", got)
	}
}

// TestHandwritingEndpoint: the keyboard's 手写 pad is answered with the
// characters the strokes may be; what is not ink is refused in Chinese
// (a body too large is refused before it is read: TestBodiesAreLimitedByRoute).
func TestHandwritingEndpoint(t *testing.T) {
	ts := sharedServer(t)
	if handwriting() == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zinnia or its model is missing: apt-get install zinnia-utils tegaki-zinnia-simplified-chinese")
		}
		t.Skip("zinnia or its model is missing")
	}
	c := ts.anon()
	if page := c.do("GET", "/kiosk/apply", nil); !strings.Contains(string(page.body), " data-hw") {
		t.Error("the pages do not offer 手写")
	}
	var cs []struct {
		Text string `json:"text"`
		N    int    `json:"n"`
	}
	r := c.do("POST", "/kiosk/hw", map[string]any{"w": 300, "h": 300, "strokes": [][][2]int{{{30, 150}, {270, 150}}, {{150, 30}, {150, 270}}}})
	r.decode(t, &cs)
	if r.status != 200 || len(cs) == 0 || cs[0].Text != "十" || cs[0].N != 0 || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("十: %d %s", r.status, r.body)
	}
	for body, want := range map[any]string{
		"((((":                             "笔迹格式不正确",
		`{"w":300,"h":300,"strokes":[]}`:   "请在方框中书写",
		`{"strokes":[[[1,1]]]}`:            "书写区域大小不正确",
		`{"w":300,"h":300,"strokes":[[]]}`: "笔画为空",
	} {
		if r := c.do("POST", "/kiosk/hw", body); r.status != 400 || !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %d %.300s", body, r.status, r.body)
		}
	}
}
