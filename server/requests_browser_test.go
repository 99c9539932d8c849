package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestKioskApplicationInBrowser: a resident applies at the kiosk with the
// on-screen keypad, confirms the summary, gets an api.Receipt with a number and
// due date (printable on 80 mm paper), and looks the request up.
func TestKioskApplicationInBrowser(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browserAt(t, ts, 1080, 1920)
	must := fatalOn(t)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/?point=county-hall"),
		chromedp.Click(chromedp.Search(`//a[contains(@class,"entry") and contains(., "依申请公开")]`)),
		chromedp.WaitVisible(chromedp.CSS("form.applyform"))), "form")
	checkPage(t, ctx, "apply form", 1080)
	idle, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dataset.idle`))
	if idle != "90" {
		t.Errorf("idle reset on the form after %s s, want 90", idle)
	}
	tap := func(keys string) {
		t.Helper()
		for _, k := range keys {
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="`+string(k)+`"]`))), "key "+string(k))
		}
	}
	// A wrong check digit first: refused, the field named, the rest kept.
	// (A hardware keyboard types here; the on-screen pinyin keyboard that
	// opens with the field is closed with 完成 to reach the next one.)
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-name"), "傅美兰"), chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")),
		chromedp.Click(chromedp.CSS("#f-id_number")), chromedp.WaitVisible(chromedp.CSS("#keypad"))), "focus ID")
	tap("110105194912310021")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="done"]`)), chromedp.Click(chromedp.CSS("#f-phone"))), "focus phone")
	tap("13905634321")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="done"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "旌德县旌阳镇文化路1号"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "成立旌德县城市建设与管理工作指挥部的批准文件"), chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")),
		chromedp.Click(chromedp.CSS(`button[value="review"]`)), chromedp.WaitVisible(chromedp.CSS("p.error"))), "refused")
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.error")))
	kept, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-description")))
	if !strings.Contains(msg, "居民身份证号码有误") || !strings.Contains(kept, "指挥部") {
		t.Errorf("refusal %q, kept %q", msg, kept)
	}
	screenshot(t, ctx, "apply-refused")
	// Correct the last digit with the keypad: 删除 and X.
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-id_number"))), "focus ID again")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="back"]`))), "back")
	tap("X")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="done"]`))), "done")
	grouped, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#f-id_group")))
	if grouped != "110105 19491231 002X" {
		t.Errorf("grouped %q", grouped)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="review"]`)), chromedp.WaitVisible(chromedp.CSS("form.confirm"))), "review")
	summary, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.summary")))
	if !strings.Contains(summary, "110105 19491231 002X") || !strings.Contains(summary, "傅美兰") {
		t.Errorf("summary %q", summary)
	}
	checkPage(t, ctx, "apply summary", 1080)
	screenshot(t, ctx, "apply-summary")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="submit"]`)), chromedp.WaitVisible(chromedp.CSS("section.receipt"))), "submit")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	number := regexp.MustCompile(`\d{4}-\d{5}`).FindString(loc)
	receiptText, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.receipt")))
	if number == "" || !strings.Contains(receiptText, number) || !strings.Contains(receiptText, "答复期限") || !strings.Contains(receiptText, "傅**") ||
		strings.Contains(receiptText, "002X") {
		t.Errorf("receipt at %s: %q", loc, receiptText)
	}
	if strings.Contains(loc, "110105") {
		t.Error("the ID number is in the address")
	}
	stored, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`localStorage.length + Object.keys(sessionStorage).filter(k => k !== "gk_size").length`))
	if stored != 0 {
		t.Errorf("%d items of the form in browser storage", stored)
	}
	checkPage(t, ctx, "receipt", 1080)
	screenshot(t, ctx, "receipt")
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: ptrTrue()})
	must(err, "print the receipt")
	if !regexp.MustCompile(`/MediaBox \[0 0 22[67]\.\d+ `).Match(pdf.Data) { // 80 mm = 226.8 pt
		t.Errorf("the api.Receipt does not print 80 mm wide: %s", regexp.MustCompile(`/MediaBox \[[^]]*\]`).Find(pdf.Data))
	}

	// The status lookup, from the receipt's QR address.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/progress?number="+number), chromedp.WaitVisible(chromedp.CSS("#f-phone4"))), "progress")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-phone4"))), "focus phone4")
	tap("4321")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.applyform button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".state"))), "look up")
	state, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(state, "办理中") || !strings.Contains(state, "答复期限") || strings.Contains(state, "13905634321") {
		t.Errorf("status %q", state)
	}
	checkPage(t, ctx, "status", 1080)
	screenshot(t, ctx, "status")
}

func ptrTrue() *bool { v := true; return &v }

// TestKioskKeypadLayoutAndFirstTap: at a township's service point the
// application form is addressed to that township; the keypad's digits stand
// in three columns (1 2 3 / 4 5 6 / 7 8 9); the first tap on 下一步 while
// the keypad is open acts; the request sent is the township's.
func TestKioskKeypadLayoutAndFirstTap(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browserAt(t, ts, 1080, 1920)
	must := fatalOn(t)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/?point=jingyang-hall"),
		chromedp.Navigate(base+"/kiosk/apply"), chromedp.WaitVisible(chromedp.CSS("form.applyform"))), "form")
	unit, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-unit")))
	if unit != "jingyang" {
		t.Errorf("the form at 旌阳镇's point is addressed to %q", unit)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-phone")), chromedp.WaitVisible(chromedp.CSS("#keypad"))), "keypad")
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][2]float64](`Object.fromEntries([...document.querySelectorAll("#keypad button")].filter(b => !b.hidden).map(b => {
		const r = b.getBoundingClientRect(); return [b.dataset.pad, [Math.round(r.left), Math.round(r.top)]]; }))`))
	must(err, "positions")
	col := func(k string) float64 { return pos[k][0] }
	row := func(k string) float64 { return pos[k][1] }
	if row("1") != row("3") || row("4") <= row("1") || col("4") != col("1") || col("7") != col("1") || row("7") <= row("4") || col("0") != col("2") ||
		col("back") <= col("3") || col("done") != col("back") {
		t.Errorf("keypad layout: %v", pos)
	}
	tap := func(keys string) {
		for _, k := range keys {
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="`+string(k)+`"]`))), "key "+string(k))
		}
	}
	tap("13905634321")
	// With the keypad still open, one tap on 下一步 sends the form (it is
	// refused: the other fields are empty).
	// The resident scrolls 下一步 into sight above the keypad and taps it once.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`document.querySelector('button[value="review"]').scrollIntoView({block: "center"})`))
	must(err, "scroll")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="review"]`)), chromedp.WaitVisible(chromedp.CSS("p.error"))), "first tap on 下一步")
	screenshot(t, ctx, "apply-keypad")
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-name"), "程某某"), chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")),
		chromedp.Click(chromedp.CSS("#f-id_number")), chromedp.WaitVisible(chromedp.CSS("#keypad"))), "ID")
	tap("11010519491231002X")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="done"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "旌德县旌阳镇"), chromedp.SendKeys(chromedp.CSS("#f-description"), "2026年旌阳镇农村危房改造补助对象名单"),
		chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")),
		chromedp.Click(chromedp.CSS(`button[value="review"]`)), chromedp.WaitVisible(chromedp.CSS("form.confirm"))), "review")
	summary, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.summary")))
	if !strings.Contains(summary, "旌德县旌阳镇人民政府") {
		t.Errorf("the summary does not name the unit asked: %q", summary)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="submit"]`)), chromedp.WaitVisible(chromedp.CSS("section.receipt"))), "submit")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	number := regexp.MustCompile(`\d{4}-\d{5}`).FindString(loc)
	if r := ts.login("jingyang-clerk").do("GET", "/api/v1/requests/"+number, nil); r.status != 200 || !strings.Contains(string(r.body), `"unit_code":"jingyang"`) {
		t.Errorf("旌阳镇's clerk and request %s: %d", number, r.status)
	}
}
