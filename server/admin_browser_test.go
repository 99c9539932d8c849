package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/catalog"
	"gongkai/seed"
)

// TestBackOfficeStory clicks through the three-level review in a real
// browser: a 庙首镇 clerk writes and submits a notice (its title tries to
// inject markup), the leader publishes it, the county office takes it down for
// a leaked phone number, the clerk rectifies and resubmits, the leader
// publishes again. Screenshots of each step are kept in artifacts/screens.
func TestBackOfficeStory(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browser(t, ts)
	shots := filepath.Join("..", "artifacts", "screens")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	must := fatalOn(t)
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(err, "screenshot")
		n++
		must(os.WriteFile(filepath.Join(shots, strconv.Itoa(n)+"-"+name+".png"), png, 0o644), "save screenshot")
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must(err, "read "+sel)
		return s
	}
	login := func(user string) { t.Helper(); adminSignIn(t, ctx, base, user) }
	logout := func() {
		t.Helper()
		must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#username"))), "sign out")
	}
	waitFlash := func(words string) {
		t.Helper()
		must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.Search(`//div[@class="flash" and contains(., "`+words+`")]`))), "wait for "+words)
	}
	clickStep := func(step string) {
		t.Helper()
		must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/`+step+`"] button`))), "click "+step)
	}
	check := func() {
		t.Helper()
		for _, box := range []string{"wording", "format", "secrecy", "privacy"} {
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="`+box+`"]`))), "tick "+box)
		}
	}

	// The clerk writes a notice with a hostile title and a phone number.
	const title = `庙首镇关于秸秆禁烧的通知<script>window.__xss=1</script>" onmouseover="window.__xss=2`
	login("miaoshou-clerk")
	shot("clerk-dashboard")
	must(chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/units/miaoshou"),
		chromedp.Click(chromedp.CSS(`a[href$="/publications/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(".jodit-wysiwyg")), editorReady(),
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#doc_no"), "庙政〔2026〕9号"),
		chromedp.Click(chromedp.CSS(".jodit-wysiwyg")),
		chromedp.SendKeys(chromedp.CSS(".jodit-wysiwyg"), "各村：秸秆禁烧工作联系人王五，电话13912345678。"),
		chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)),
	), "write the notice")
	waitFlash("已保存为草稿")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(err, "location")
	m := regexp.MustCompile(`/admin/publications/(\d+)`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("not on the publication page: %s", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	page := base + "/admin/publications/" + m[1]
	if h1 := text("h1"); !strings.Contains(h1, "<script>window.__xss=1</script>") {
		t.Errorf("title not shown as text: %q", h1)
	}
	xss, err := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof window.__xss`))
	must(err, "evaluate")
	if xss != "undefined" {
		t.Errorf("the title ran as script: window.__xss is %s", xss)
	}
	shot("draft")

	// First-level check: the phone number must be kept with a reason.
	check()
	clickStep("submit")
	// Read in the page, not by a node found first: the refused form's page
	// sets its editor up as it loads, and a node found before that may be
	// gone when read (a CI run failed so).
	must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("div.error")), editorReady()), "privacy refusal")
	msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("div.error").textContent`))
	must(err, "read the refusal")
	if !strings.Contains(msg, "手机号码") {
		t.Errorf("privacy message: %q", msg)
	}
	shot("privacy-check")
	// The refused form kept the ticks: submitting with a reason now works.
	ticked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="secrecy"]').checked`))
	must(err, "read checkbox")
	if !ticked {
		t.Error("the refused submission lost its checklist")
	}
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[name="keep_reason_0"]`), "联系人同意公开工作电话")), "give a reason")
	clickStep("submit")
	waitFlash("已提交审核")
	if r := ts.anon().do("GET", "/api/v1/publications/"+m[1], nil); r.status != 404 {
		t.Errorf("submitted notice is public: %d", r.status)
	}
	logout()

	// The leader publishes it.
	login("miaoshou-leader")
	shot("leader-dashboard")
	must(chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`form[action$="/approve"]`))), "open for review")
	clickStep("approve")
	waitFlash("已审核发布")
	shot("published")
	if r := ts.anon().do("GET", "/api/v1/publications/"+m[1], nil); r.status != 200 {
		t.Errorf("approved notice not public: %d", r.status)
	}
	logout()

	// The county office finds the phone number and takes it down.
	login("admin")
	must(chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/takedown"]`)),
		chromedp.SetValue(chromedp.CSS("#takedown_reason"), "privacy"),
		chromedp.SendKeys(chromedp.CSS("#takedown_note"), "正文含个人手机号"),
	), "fill the takedown")
	clickStep("takedown")
	waitFlash("已撤下")
	shot("taken-down")
	if r := ts.anon().do("GET", "/api/v1/publications/"+m[1], nil); r.status != 404 {
		t.Errorf("taken-down notice still public: %d", r.status)
	}
	logout()

	// The clerk sees the reason and the due date, corrects and resubmits.
	login("miaoshou-clerk")
	dash := text("main")
	if !strings.Contains(dash, "已撤下待整改") || !strings.Contains(dash, "泄露隐私") || !strings.Contains(dash, "正文含个人手机号") {
		t.Errorf("dashboard does not show the takedown: %.300q", dash)
	}
	shot("clerk-sees-takedown")
	must(chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(".jodit-wysiwyg")), editorReady(),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.gkEditor.value = ""; true`)(ctx, t)
			return err
		}),
		chromedp.Click(chromedp.CSS(".jodit-wysiwyg")),
		chromedp.SendKeys(chromedp.CSS(".jodit-wysiwyg"), "各村：秸秆禁烧工作请与镇农业综合服务站联系。"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/publications/`+m[1]+`"] button[type="submit"]`)),
	), "correct the body")
	waitFlash("已保存")
	check()
	clickStep("rectify")
	waitFlash("已整改")
	logout()

	login("miaoshou-leader")
	must(chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`form[action$="/approve"]`))), "open again")
	clickStep("approve")
	waitFlash("已审核发布")
	shot("published-again")

	var evs []catalog.Event
	ts.login("admin").do("GET", "/api/v1/publications/"+itoa(id)+"/events", nil).decode(t, &evs)
	var steps []string
	for _, e := range evs {
		steps = append(steps, string(e.Action)+":"+e.Actor)
	}
	want := "submit:miaoshou-clerk approve:miaoshou-leader takedown:admin rectify:miaoshou-clerk approve:miaoshou-leader"
	if strings.Join(steps, " ") != want {
		t.Errorf("on record: %v\nwant %s", steps, want)
	}
	t.Logf("screenshots in %s", shots)
}

// TestFilingInBrowser: a leader files a new record; the old one stays in the
// history and prints.
func TestFilingInBrowser(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browser(t, ts)
	must := fatalOn(t)
	must(chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "yunle-leader"),
		chromedp.SendKeys(chromedp.CSS("#password"), seed.DemoPassword),
		chromedp.Click(chromedp.CSS("form.stack button")),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space(.)="工作台"]`)),
		chromedp.Navigate(base+"/admin/units/yunle/filings"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="pub_name_0"]`)),
		chromedp.Clear(chromedp.CSS(`input[name="pub_name_0"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="pub_name_0"]`), "云乐镇新任发布员"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="备案"]`)),
		chromedp.WaitVisible(chromedp.Search(`//div[@class="flash" and contains(., "已备案")]`)),
	), "file a new record")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table")[1].querySelectorAll("tr").length - 1`))
	must(err, "count history")
	if rows != 2 {
		t.Errorf("history has %d rows, want the old and the new", rows)
	}
	cur, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.meta")))
	must(err, "current")
	if !strings.Contains(cur, "云乐镇新任发布员") {
		t.Errorf("current filing: %q", cur)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`(//table)[2]//tr[2]//a[normalize-space(.)="打印"]`)),
		chromedp.WaitVisible(chromedp.CSS("body.print h1"))), "print the old record")
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	must(err, "print title")
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	must(err, "print body")
	if !strings.Contains(h1, "政务公开机构人员备案表") || !strings.Contains(body, "云乐镇信息专管员") || !strings.Contains(body, "单位盖章") {
		t.Errorf("print view: %q", body)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(err, "screenshot")
	os.MkdirAll(filepath.Join("..", "artifacts", "screens"), 0o755)
	must(os.WriteFile(filepath.Join("..", "artifacts", "screens", "filing-print.png"), png, 0o644), "save")
}

// TestBodyPastedFromWord: a clerk pastes a notice from Word — a table with
// merged cells, Word's styles, a local image, a script — into the body
// editor; what is saved and what the kiosk shows keeps the table and none
// of the rest, and no script runs on either page.
func TestBodyPastedFromWord(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browser(t, ts)
	must := fatalOn(t)
	word, err := os.ReadFile(filepath.Join("..", "catalog", "testdata", "word-paste.html"))
	must(err, "the Word clipboard")
	pasted := strings.Replace(string(word), "<!--EndFragment-->", `<script>window.__pasted = 1</script><p onclick="window.__pasted = 2">结尾</p><!--EndFragment-->`, 1)
	adminSignIn(t, ctx, base, "sanxi-clerk")
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/admin/units/sanxi"), chromedp.Click(chromedp.CSS(`a[href$="/publications/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(".jodit-wysiwyg")), editorReady(), chromedp.SendKeys(chromedp.CSS("#title"), "三溪镇2026年城乡低保对象名单公示")), "new publication")
	// Pasting as the clipboard hands Word's HTML to the page.
	js, _ := json.Marshal(pasted)
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
	  const dt = new DataTransfer();
	  dt.setData("text/html", `+string(js)+`);
	  dt.setData("text/plain", "三溪镇2026年城乡低保对象名单公示");
	  const area = document.querySelector(".jodit-wysiwyg");
	  area.focus();
	  area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
	  return true;
	})()`))
	must(err, "paste")
	inEditor, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.gkEditor.value`))
	must(err, "the editor's HTML")
	if !strings.Contains(inEditor, "<table") || !strings.Contains(inEditor, "三溪村") {
		t.Fatalf("the table did not paste: %.500s", inEditor)
	}
	screenshot(t, ctx, "editor-pasted-from-word")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//div[@class="flash" and contains(., "已保存为草稿")]`))), "save")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(err, "location")
	id, _ := strconv.ParseInt(regexp.MustCompile(`/admin/publications/(\d+)`).FindStringSubmatch(loc)[1], 10, 64)
	var p catalog.Publication
	ts.login("sanxi-clerk").do("GET", "/api/v1/publications/"+itoa(id), nil).decode(t, &p)
	for _, want := range []string{"<table>", `rowspan="2"`, `colspan="2"`, "张某某", "结尾"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("saved body lost %q: %s", want, p.Body)
		}
	}
	for _, gone := range []string{"<script", "onclick", "style=", "class=", "<img", "Mso", "javascript"} {
		if strings.Contains(p.Body, gone) {
			t.Errorf("saved body kept %q: %s", gone, p.Body)
		}
	}
	// Published, the kiosk shows the same table.
	if r := ts.login("sanxi-clerk").step(id, "submit", submitBody); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := ts.login("sanxi-leader").step(id, "approve", nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/publications/"+itoa(id)), chromedp.WaitVisible(chromedp.CSS("article.body table"))), "the kiosk page")
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("article.body td")].map(c => c.textContent.trim() + "/" + c.rowSpan + "/" + c.colSpan)`))
	must(err, "cells")
	if strings.Join(cells, " ") != "村（社区）/1/1 户主/1/1 保障人数/1/1 三溪村/2/1 张某某/1/1 2/1/1 李某某/1/1 3/1/1 合计/1/2 5/1/1" {
		t.Errorf("the kiosk's table: %v", cells)
	}
	if ran, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof window.__pasted`)); ran != "undefined" {
		t.Errorf("the pasted script ran on the kiosk: %s", ran)
	}
	screenshot(t, ctx, "kiosk-table-from-word")
	// On a hall's screen the text's link goes nowhere: the screen stays.
	page := base + "/kiosk/publications/" + itoa(id)
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/?point=county-hall"), chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("article.body a")),
		chromedp.Click(chromedp.CSS("article.body a")), chromedp.WaitVisible(chromedp.CSS("#no-links"))), "a link on a kiosk")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != page {
		t.Errorf("the kiosk left for %s", loc)
	}
}

// TestBulkApprovalInBrowser: a leader ticks three submitted notices on the
// 工作台 and approves them at once; the result page names each, and the
// pages pass axe-core, as does the publication page with its editor and
// its 删除此草稿.
func TestBulkApprovalInBrowser(t *testing.T) {
	ts := sharedServer(t)
	clerk := ts.login("caijiaqiao-clerk")
	it := firstItem(t, ts, "caijiaqiao")
	var ids []int64
	for _, title := range []string{"蔡家桥镇通知一", "蔡家桥镇通知二", "蔡家桥镇通知三"} {
		var p catalog.Publication
		clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": title, "generated_on": "2026-11-20", "body": "<p>正文</p>"}).decode(t, &p)
		if r := clerk.step(p.ID, "submit", submitBody); r.status != 200 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		ids = append(ids, p.ID)
	}
	var draft catalog.Publication
	clerk.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", map[string]any{"title": "蔡家桥镇草稿", "generated_on": "2026-11-20"}).decode(t, &draft)
	ctx, base := browser(t, ts)
	must := fatalOn(t)
	signIn := func(user string) { t.Helper(); adminSignIn(t, ctx, base, user) }
	signIn("caijiaqiao-clerk")
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/admin/publications/"+itoa(draft.ID)), chromedp.WaitVisible(chromedp.CSS(".jodit-wysiwyg")), editorReady(),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/delete"]`))), "the draft's page")
	axeClean(t, ctx, "a draft with its editor")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#username"))), "sign out")
	signIn("caijiaqiao-leader")
	notices, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`ul.notices`)))
	must(err, "the 工作台's notices")
	if !strings.Contains(notices, "3条信息等待审核") {
		t.Errorf("the leader's notices: %q", notices)
	}
	axeClean(t, ctx, "the leader's 工作台")
	for _, id := range ids {
		must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#pick-"+itoa(id)))), "tick")
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.bulk button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space(.)="批量审核发布"]`))), "approve the three")
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[role="status"]`)))
	must(err, "the result")
	if !strings.Contains(status, "已审核发布 3 条") {
		t.Errorf("result: %q", status)
	}
	axeClean(t, ctx, "the batch's result")
	for _, id := range ids {
		if r := ts.anon().do("GET", "/api/v1/publications/"+itoa(id), nil); r.status != 200 {
			t.Errorf("publication %d not public after the batch: %d", id, r.status)
		}
	}
}

// TestCompletenessPagesInBrowser: the inspector reads a unit's
// completeness; its clerk writes a 未涉及领域说明 on the page for it, which
// the completeness then lists; both pages pass axe-core.
func TestCompletenessPagesInBrowser(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browser(t, ts)
	must := fatalOn(t)
	signIn := func(user string) { t.Helper(); adminSignIn(t, ctx, base, user) }
	signIn("yunle-clerk")
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/admin/units/yunle"), chromedp.Click(chromedp.Search(`//a[.="未涉及领域说明"]`)),
		chromedp.WaitVisible(chromedp.CSS("form.inline input[name=reason]"))), "the exemptions page")
	axeClean(t, ctx, "未涉及领域说明")
	domain, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("form.inline input[name=domain]").value`))
	must(err, "the first domain")
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#r-"+domain), "本镇不涉及该领域"), chromedp.Click(chromedp.CSS(`#d-`+domain+` button`)),
		chromedp.WaitVisible(chromedp.Search(`//div[@class="flash" and contains(., "已保存")]`))), "save a reason")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#username"))), "sign out")
	signIn("inspector")
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/admin/units/yunle/completeness"), chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "目录完整性")]`))), "completeness")
	axeClean(t, ctx, "目录完整性")
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	must(err, "read the page")
	if !strings.Contains(text, "本镇不涉及该领域") {
		t.Errorf("the completeness page does not list the declared domain: %.500s", text)
	}
}

// adminSignIn signs user in to the back office in the browser and waits
// for the 工作台.
func adminSignIn(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	fatalOn(t)(chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), seed.DemoPassword),
		chromedp.Click(chromedp.CSS("form.stack button")),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space(.)="工作台"]`)),
	), "sign in as "+user)
}

// TestOwnAccountInBrowser: a clerk gives the address for the daily digest
// on 我的账号, reached from their name in the title bar; a malformed one
// is refused with the field named and the typing kept; the page passes
// axe-core.
func TestOwnAccountInBrowser(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browser(t, ts)
	must := fatalOn(t)
	adminSignIn(t, ctx, base, "sanxi-clerk")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header a.who")), chromedp.WaitVisible(chromedp.CSS("#email"))), "我的账号")
	axeClean(t, ctx, "我的账号")
	// The browser's own check of type=email is set aside: the server's is tested.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#email").type="text"`))
	must(err, "type")
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#email"), "sanxi@"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/account"] button`)), chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`))), "a bad address")
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[role="alert"]`)))
	must(err, "the message")
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#email")))
	must(err, "the address kept")
	if !strings.Contains(msg, "电子邮箱") || kept != "sanxi@" {
		t.Errorf("a bad address: %q, kept %q", msg, kept)
	}
	must(chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#email"), "sanxi-clerk@example.gov.cn"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/account"] button`)), chromedp.WaitVisible(chromedp.CSS(`[role="status"]`))), "save")
	u, err := ts.s.accounts.FindUserByName(t.Context(), "sanxi-clerk")
	if err != nil || u.Email != "sanxi-clerk@example.gov.cn" || u.NoDigest {
		t.Errorf("saved: %+v %v", u, err)
	}
	var audit []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?limit=50", nil).decode(t, &audit)
	found := false
	for _, a := range audit {
		found = found || a.Object == "account" && a.Username == "sanxi-clerk" && strings.Contains(a.After, "sanxi-clerk@example.gov.cn")
	}
	if !found {
		t.Errorf("the change is not in the audit log: %+v", audit)
	}
}

// editorReady waits until the page has loaded and made its body editor:
// the editor's area found before that may be replaced under the test.
func editorReady() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`document.readyState === "complete" && !!window.gkEditor && !!document.querySelector(".jodit-wysiwyg")`)
}
