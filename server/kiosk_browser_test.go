package main

import (
	"context"
	_ "embed"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"gongkai/kiosk"
	"gongkai/web"
)

//go:embed testdata/axe.min.js
var axeSource string

// kioskSizes are the screens the kiosk must work on.
var kioskSizes = []struct {
	name string
	w, h int
}{
	{"portrait", 1080, 1920},
	{"landscape", 1920, 1080},
	{"phone", 390, 844},
}

func shotsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "artifacts", "screens", "kiosk")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(shotsDir(t), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// pageChecks are measured in the page: text size, touch targets (primary
// ones at least 60×60, the rest 44×44), horizontal overflow, and what
// axe-core finds serious or critical.
const targetCheck = `(() => {
  const bad = [];
  const primary = ".entry, .tile, .rows a, .navbtn, .ime button, .primary, .btn, .searchform input, label.choice, .keypad button, .field input";
  for (const el of document.querySelectorAll("a, button, input:not(label input):not([type=hidden]), textarea, label.choice")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest("[hidden]")) continue;
    if (el.closest("article, .columns, .facts p, .card p, .notice, dd")) continue; // links inside running text
    const min = el.matches(primary) ? 60 : 44;
    if (r.width < min - 0.5 || r.height < min - 0.5) bad.push((el.textContent || el.name || el.tagName).trim().slice(0, 20) + " " + Math.round(r.width) + "×" + Math.round(r.height));
  }
  return bad.slice(0, 10).join("; ");
})()`

// gapCheck finds touch targets closer than 8 px to one another, and the
// page's defences against pinch, overscroll and long-press selection.
const gapCheck = `(() => {
  const bad = [];
  // The countdown covers the page; the pinyin keyboard floats over it, and
  // only its keys can be touched while it is open.
  const modal = document.querySelector(".idle:not([hidden])") || document.querySelector(".ime:not([hidden]):not(.inline)");
  const els = [...(modal || document).querySelectorAll("a, button, input:not(label input):not([type=hidden]), textarea, label.choice")].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !el.closest("[hidden], article, .columns, .facts p, .card p, .notice, dd, .totop"); // .totop floats above the page
  });
  const rs = els.map(el => el.getBoundingClientRect());
  for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
    if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
    const a = rs[i], b = rs[j];
    const dx = Math.max(0, b.left - a.right, a.left - b.right), dy = Math.max(0, b.top - a.bottom, a.top - b.bottom);
    if (Math.max(dx, dy) < 7.5) bad.push((els[i].textContent.trim().slice(0, 8)) + "|" + (els[j].textContent.trim().slice(0, 8)) + " " + Math.max(dx, dy).toFixed(1));
  }
  const html = getComputedStyle(document.documentElement);
  if (!html.touchAction.includes("pan-x") || html.touchAction.includes("pinch")) bad.push("touch-action " + html.touchAction);
  if (getComputedStyle(document.body).overscrollBehaviorY !== "none") bad.push("overscroll " + getComputedStyle(document.body).overscrollBehaviorY);
  const link = document.querySelector("header a");
  if (link && getComputedStyle(link).userSelect !== "none") bad.push("selectable controls");
  return bad.slice(0, 8).join("; ");
})()`

const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.impact + " " + v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")).join("\n"))`

func checkPage(t *testing.T, ctx context.Context, label string, width int) {
	t.Helper()
	size, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.body).fontSize)`))
	if err != nil {
		t.Fatal(err)
	}
	if size < 24 {
		t.Errorf("%s: body text %.0f px, want at least 24", label, size)
	}
	if bad, err := chromedp.Run(ctx, chromedp.Evaluate[string](targetCheck)); err != nil || bad != "" {
		t.Errorf("%s: touch targets too small: %s %v", label, bad, err)
	}
	if bad, err := chromedp.Run(ctx, chromedp.Evaluate[string](gapCheck)); err != nil || bad != "" {
		t.Errorf("%s: targets too close or touch defences missing: %s %v", label, bad, err)
	}
	if sw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || sw > width {
		t.Errorf("%s: page is %d px wide in a %d px window", label, sw, width)
	}
	axeClean(t, ctx, label)
}

// axeClean runs axe-core on the page: nothing serious or critical.
func axeClean(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("inject axe: %v", err)
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", label, err)
	}
	if found != "" {
		t.Errorf("%s: axe-core finds:\n%s", label, found)
	}
}

// TestKioskInBrowser: a resident taps home → 按单位查看 → their township →
// an item → a notice, at each screen size; every page is checked for text
// size, touch targets, overflow and accessibility, and photographed.
func TestKioskInBrowser(t *testing.T) {
	ts := sharedServer(t)
	for _, sz := range kioskSizes {
		t.Run(sz.name, func(t *testing.T) {
			ctx, base := browserAt(t, ts, sz.w, sz.h)
			must := fatalOn(t)
			must(chromedp.Do(ctx, chromedp.EmulateViewport(int64(sz.w), int64(sz.h), chromedp.EmulateTouch),
				chromedp.Navigate(base+"/kiosk/"), chromedp.WaitVisible(chromedp.CSS("a.entry"))), "home")
			checkPage(t, ctx, sz.name+" home", sz.w)
			screenshot(t, ctx, sz.name+"-1-home")

			must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//a[contains(@class,"entry") and contains(., "按单位查看")]`)),
				chromedp.WaitVisible(chromedp.CSS("a.tile"))), "units")
			tiles, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("a.tile").length`))
			must(err, "count tiles")
			if tiles != 39 {
				t.Errorf("%d unit tiles, want 39", tiles)
			}
			checkPage(t, ctx, sz.name+" units", sz.w)
			screenshot(t, ctx, sz.name+"-2-units")

			must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//a[contains(@class,"tile") and normalize-space(.)="庙首镇"]`)),
				chromedp.WaitVisible(chromedp.CSS("section.domain"))), "unit")
			h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
			must(err, "unit title")
			if h1 != "旌德县庙首镇人民政府" {
				t.Errorf("unit page title %q", h1)
			}
			checkPage(t, ctx, sz.name+" unit", sz.w)
			screenshot(t, ctx, sz.name+"-3-unit")

			must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//section[@class="domain"]//li[.//span[contains(.,"最近发布 2020")]]/a`)),
				chromedp.WaitVisible(chromedp.CSS("dl.columns"))), "item")
			item, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			must(err, "item text")
			if !strings.Contains(item, "应当公开什么") || !strings.Contains(item, "已公开的信息") {
				t.Errorf("item page: %.200q", item)
			}
			checkPage(t, ctx, sz.name+" item", sz.w)
			screenshot(t, ctx, sz.name+"-4-item")

			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("main ul.rows li a")), chromedp.WaitVisible(chromedp.CSS("table.metablock"))), "publication")
			meta, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.metablock")))
			must(err, "metadata")
			if !strings.Contains(meta, "索引号") || !strings.Contains(meta, "miaoshou/2020") || !strings.Contains(meta, "旌德县庙首镇人民政府") {
				t.Errorf("publication metadata: %q", meta)
			}
			checkPage(t, ctx, sz.name+" publication", sz.w)
			screenshot(t, ctx, sz.name+"-5-publication")

			// 返回 goes up to the item.
			must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//a[contains(@class,"navbtn") and contains(., "返回")]`)),
				chromedp.WaitVisible(chromedp.CSS("dl.columns"))), "back")
		})
	}
}

// TestKioskSearchWithOnScreenKeyboard: the initials of 财政预决算 typed on
// the on-screen keyboard find its items, highlighted.
func TestKioskSearchWithOnScreenKeyboard(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browserAt(t, ts, 1080, 1920)
	must := fatalOn(t)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/?point=county-hall"),
		chromedp.Click(chromedp.Search(`//a[contains(@class,"entry") and contains(., "搜索")]`)),
		chromedp.WaitVisible(chromedp.CSS("#ime"))), "search page")
	checkPage(t, ctx, "search", 1080)
	tap := func(keys string) {
		for _, k := range keys {
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-key="`+string(k)+`"]`))), "key "+string(k))
		}
	}
	// Letters not turned into characters are searched as typed.
	tap("czyjs")
	comp, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#ime-comp")))
	must(err, "typed")
	if comp != "czyjs" {
		t.Errorf("typed %q", comp)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-go]`)), chromedp.WaitVisible(chromedp.CSS("#results"))), "search")
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#results mark")].map(m => m.textContent)`))
	must(err, "marks")
	if len(marks) == 0 || marks[0] != "财政预决算" {
		t.Errorf("highlighted %v, want 财政预决算", marks)
	}
	// Characters: dibao offers the catalogue's 低保 first.
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-clear]`))), "clear")
	tap("dibao")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime-cands button[data-ime-cand="0"]`))), "first candidate")
	box, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#q")))
	must(err, "box")
	if box != "低保" {
		t.Errorf("dibao's first candidate put %q in the box, want 低保", box)
	}
	// The results of the page the search opens (低保 has a synonym, which
	// its count names), not the page before it.
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-go]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="count" and contains(., "最低生活保障")]`))), "search 低保")
	marks, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#results mark")].map(m => m.textContent)`))
	if !slices.Contains(marks, "低保") {
		t.Errorf("highlighted %v, want 低保", marks)
	}
	checkPage(t, ctx, "search results", 1080)
	screenshot(t, ctx, "search-pinyin")
	// A hardware keyboard types into the box as well.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/search"), chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "dibao\r"), chromedp.WaitVisible(chromedp.CSS("#results mark"))), "hardware keyboard")
}

// TestKioskTextSizeAndIdleReset: the size switch holds for the visit; an
// untouched kiosk counts down, 继续使用 keeps it, and otherwise it goes
// home with its storage cleared and the size back to 标准.
func TestKioskTextSizeAndIdleReset(t *testing.T) {
	shared := sharedServer(t)
	// The same data, on a kiosk with short timeouts.
	deps := shared.s.kioskDeps()
	deps.IdleSeconds, deps.CountdownSeconds = 2, 3
	app := fiber.New(fiber.Config{ErrorHandler: shared.s.errorHandler})
	app.Use(web.SecurityHeaders)
	kiosk.Mount(app.Group("/kiosk"), deps)
	ts := &testServer{t: t, s: shared.s, app: app, cfg: shared.cfg}
	ctx, base := browserAt(t, ts, 1920, 1080)
	must := fatalOn(t)
	fontSize := func() float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.documentElement).fontSize)`))
		must(err, "font size")
		return v
	}
	// A phone (no point cookie) is never reset.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/units/sanxi"), chromedp.Sleep(2500)), "phone")
	if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("idle").hidden`)); !hidden {
		t.Error("a screen that is not a kiosk counts down")
	}
	// The launcher assigns the screen to its point.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/?point=county-hall"), chromedp.WaitVisible(chromedp.CSS("a.entry"))), "assign")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.sizes button[data-size="xl"]`))), "特大")
	if fs := fontSize(); fs != 36 {
		t.Errorf("特大: %v px", fs)
	}
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/units/sanxi"), chromedp.WaitVisible(chromedp.CSS("section.domain"))), "unit")
	if fs := fontSize(); fs != 36 {
		t.Errorf("size not kept on the next page: %v px", fs)
	}
	pressed, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.sizes button[aria-pressed="true"]').textContent`))
	if pressed != "特大" {
		t.Errorf("pressed size button %q", pressed)
	}
	screenshot(t, ctx, "size-xl")
	// Idle: the countdown shows; 继续使用 keeps the page.
	must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#idle-stay"))), "countdown")
	screenshot(t, ctx, "idle-countdown")
	checkPage(t, ctx, "countdown", 1920)
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#idle-stay")), chromedp.WaitNotVisible(chromedp.CSS("#idle"))), "继续使用")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/kiosk/units/sanxi") {
		t.Errorf("继续使用 left the page: %s", loc)
	}
	// Then nobody touches it: home, storage cleared, history replaced.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`localStorage.setItem("x", "1"), true`))
	must(err, "storage")
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](`history.length`))
	must(err, "history")
	// The page navigates away under the test: ask again until it is home.
	home := false
	for i := 0; i < 60 && !home; i++ {
		home, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname === "/kiosk/" && document.readyState === "complete"`))
		if !home {
			chromedp.Run(ctx, chromedp.Sleep(250*time.Millisecond))
		}
	}
	if !home {
		t.Fatal("the idle kiosk did not return home")
	}
	left, err := chromedp.Run(ctx, chromedp.Evaluate[int](`sessionStorage.length + localStorage.length`))
	must(err, "storage")
	if left != 0 {
		t.Errorf("%d items left in page storage after the reset", left)
	}
	if fs := fontSize(); fs != 24 {
		t.Errorf("size after the reset: %v px, want 24 (标准)", fs)
	}
	// The home page replaced the last one: there is nothing to go back to.
	after, err := chromedp.Run(ctx, chromedp.Evaluate[int](`history.length`))
	must(err, "history")
	if after != before {
		t.Errorf("history grew from %d to %d entries: the reset must replace the page", before, after)
	}
}

// TestKioskPrintsOnA4: the print view hides the controls and fits A4.
func TestKioskPrintsOnA4(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browserAt(t, ts, 1080, 1920)
	var pubID int64
	var items []struct{ ID int64 }
	ts.anon().do("GET", "/api/v1/units/miaoshou/items", nil).decode(t, &items)
	for _, it := range items {
		var pubs []struct{ ID int64 }
		ts.anon().do("GET", "/api/v1/items/"+itoa(it.ID)+"/publications", nil).decode(t, &pubs)
		if len(pubs) > 0 {
			pubID = pubs[0].ID
			break
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"/kiosk/publications/"+itoa(pubID))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[".bar", ".tools", ".handoff"].filter(s => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== "none").join(",")`))
	if err != nil || hidden != "" {
		t.Errorf("shown in print: %q %v", hidden, err)
	}
	yes := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	// A4 is 595×842 points.
	if !strings.HasPrefix(string(pdf.Data), "%PDF") || !regexp.MustCompile(`/MediaBox \[0 0 59[45]\.\d+ 84[12]\.`).Match(pdf.Data) {
		t.Errorf("print is not an A4 PDF (%d bytes)", len(pdf.Data))
	}
	os.WriteFile(filepath.Join(shotsDir(t), "publication-print.pdf"), pdf.Data, 0o644)
}

// TestKioskLongPagesAndReadAloud: a township's long catalogue page has a
// jump list by domain that lands on the domain, and a way back to the top;
// on a phone a notice shows its title and text before its metadata; where
// the screen has a Chinese voice, 朗读 reads the title and text aloud (the
// voice is stood in for: headless Chromium has none).
func TestKioskLongPagesAndReadAloud(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browserAt(t, ts, 1080, 1920)
	must := fatalOn(t)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/units/sanxi"),
		chromedp.WaitVisible(chromedp.CSS("nav.jump"))), "unit page")
	checkPage(t, ctx, "unit page with its jump list", 1080)
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll("nav.jump a")[5].getAttribute("href")`))
	must(err, "a domain link")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav.jump a[href="`+target+`"]`))), "jump")
	top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("`+target+`").getBoundingClientRect().top`))
	must(err, "where the domain is")
	scrolled, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.scrollY`))
	if top < 0 || top > 100 || scrolled < 500 {
		t.Errorf("the jump to %s left its heading at %.0f px (scrolled %.0f)", target, top, scrolled)
	}
	screenshot(t, ctx, "unit-jump")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a.totop"))), "back to top")
	if y, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.scrollY`)); y > 10 {
		t.Errorf("回到顶部 left the page at %.0f px", y)
	}

	// A notice on a phone, with a Chinese voice standing in.
	var pub int64
	if err := ts.s.db.Raw("SELECT id FROM publications WHERE unit_code = 'sanxi' AND status = 'published' ORDER BY id LIMIT 1").Scan(&pub).Error; err != nil || pub == 0 {
		t.Fatalf("a publication of 三溪镇: %v", err)
	}
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__spoken = [];
speechSynthesis.getVoices = () => [{lang: "zh-CN", name: "Mandarin", voiceURI: "cmn"}];
speechSynthesis.speak = u => { window.__spoken.push(u.text); };`})
	must(err, "a voice")
	must(chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/publications/"+strconv.FormatInt(pub, 10)),
		chromedp.WaitVisible(chromedp.CSS("h1.doctitle"))), "a notice on a phone")
	order, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("h1.doctitle").getBoundingClientRect().top < document.querySelector("article.body").getBoundingClientRect().top &&
		document.querySelector("article.body").getBoundingClientRect().top < document.querySelector("table.metablock").getBoundingClientRect().top`))
	if err != nil || !order {
		t.Errorf("on a phone the title and text come first: %v %v", order, err)
	}
	checkPage(t, ctx, "notice on a phone", 390)
	screenshot(t, ctx, "notice-phone")
	must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("button[data-speak]")), chromedp.Click(chromedp.CSS("button[data-speak]"))), "朗读")
	spoken, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__spoken.join("|")`))
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1.doctitle")))
	if err != nil || !strings.HasPrefix(spoken, title) || len([]rune(spoken)) < len([]rune(title))+20 {
		t.Errorf("朗读 spoke %q (title %q)", spoken, title)
	}
}

// TestKioskWhenTheNetworkDrops: the hall's screen keeps the pages it has
// shown when the server cannot be reached, says calmly that it is
// retrying, shows an offline page for what it never had, tells a resident
// whose application could not be sent that it has no number, and comes
// back by itself when the server does.
func TestKioskWhenTheNetworkDrops(t *testing.T) {
	ts := sharedServer(t)
	ctx := browserWindow(t, 1080, 1920)
	must := fatalOn(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	base := "http://" + addr
	app := ts.s.newApp()
	go app.Listener(ln)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/?point=county-hall"),
		chromedp.WaitVisible(chromedp.CSS("main"))), "home")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	must(err, "the service worker")
	// Pages seen while the worker runs are kept: the unit page, the form.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/units/sanxi"), chromedp.WaitVisible(chromedp.CSS("nav.jump")),
		chromedp.Navigate(base+"/kiosk/apply"), chromedp.WaitVisible(chromedp.CSS("form.applyform"))), "pages seen")
	if notice, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("offline").hidden`)); !notice {
		t.Error("the offline notice shows while the server answers")
	}
	// What the pinyin keyboard looks up may be a name: never kept.
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch("/kiosk/ime?py=zhangsan").then(() => caches.match("/kiosk/ime?py=zhangsan")).then(r => !!r)`, chromedp.EvalAwaitPromise))
	if err != nil || kept {
		t.Errorf("the keyboard's lookup is kept by the screen: %v %v", kept, err)
	}

	// The server stops.
	must(app.Shutdown(), "stop the server")
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/units/sanxi"), chromedp.WaitVisible(chromedp.CSS("nav.jump")),
		chromedp.WaitVisible(chromedp.CSS("#offline"))), "a kept page, offline")
	notice, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#offline")))
	if !strings.Contains(notice, "网络连接中断，正在重试") {
		t.Errorf("offline notice %q", notice)
	}
	screenshot(t, ctx, "offline-kept")
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/units/miaoshou"), chromedp.WaitVisible(chromedp.CSS("#offline"))), "a page never seen")
	if body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "需要连接网络") {
		t.Errorf("a page never seen, offline: %q", body)
	}
	// An application cannot be sent: the form stays as typed, and says so.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/apply"), chromedp.WaitVisible(chromedp.CSS("form.applyform")),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "2026年三溪镇低保对象名单"), chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")),
		chromedp.Click(chromedp.CSS(`button[value="review"]`))), "apply offline")
	// The page's own check may show the notice first; the form's check
	// then says what became of the application (polled up to the test's
	// deadline).
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(ok => { const check = () => document.getElementById("offline").textContent.includes("还没有提交") ? ok(true) : setTimeout(check, 100); check(); })`, chromedp.EvalAwaitPromise))
	must(err, "the form's notice")
	notice, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#offline")))
	kept2, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-description")))
	if !strings.Contains(notice, "申请还没有提交") || kept2 != "2026年三溪镇低保对象名单" {
		t.Errorf("an application offline: notice %q, description %q", notice, kept2)
	}
	screenshot(t, ctx, "offline-apply")

	// The server comes back on the same address: the page recovers by itself.
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/units/sanxi"), chromedp.WaitVisible(chromedp.CSS("#offline"))), "offline again")
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	app2 := ts.s.newApp()
	go app2.Listener(ln2)
	t.Cleanup(func() { app2.Shutdown() })
	must(chromedp.Do(ctx, chromedp.WaitNotVisible(chromedp.CSS("#offline"))), "recovered")
}

// TestKioskPinyinKeyboard: on the hall's screen a resident types 张三 and
// 旌阳镇 with the on-screen pinyin keyboard only — full pinyin, then the
// initials of a county name — and on a phone after choosing the keyboard.
func TestKioskPinyinKeyboard(t *testing.T) {
	ts := sharedServer(t)
	for _, sz := range []struct {
		name  string
		w, h  int
		point string
	}{{"kiosk", 1080, 1920, "?point=county-hall"}, {"phone", 390, 844, ""}} {
		t.Run(sz.name, func(t *testing.T) {
			ctx, base := browserAt(t, ts, sz.w, sz.h)
			must := fatalOn(t)
			must(chromedp.Do(ctx, chromedp.EmulateViewport(int64(sz.w), int64(sz.h), chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/"+sz.point),
				chromedp.Navigate(base+"/kiosk/apply"), chromedp.WaitVisible(chromedp.CSS("form.applyform"))), "form")
			if sz.point == "" {
				must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-ime-enable]"))), "choose the keyboard")
			}
			tapKeys := func(keys string) {
				for _, k := range keys {
					must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-key="`+string(k)+`"]`))), "key "+string(k))
				}
			}
			// pick taps a candidate, paging with › until it shows (a phone
			// shows few at a time).
			pick := func(want string) {
				t.Helper()
				must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#ime-cands button`))), "candidates for "+want)
				for range 10 {
					shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#ime-cands button")].some(b => b.textContent === `+strconv.Quote(want)+`)`))
					must(err, "candidates")
					if shown {
						break
					}
					must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-page="1"]`))), "next candidates")
				}
				must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//div[@id="ime-cands"]/button[.="`+want+`"]`))), "candidate "+want)
			}
			if sz.point != "" {
				checkPage(t, ctx, "apply form with the keyboard's fields", sz.w)
			}
			// A person's form: no company's fields.
			org, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("fieldset.org")).display`))
			must(err, "org fields")
			if org != "none" {
				t.Errorf("a person's form shows the company's fields (display %q)", org)
			}
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-name")), chromedp.WaitVisible(chromedp.CSS("#ime"))), "the keyboard")
			tapKeys("zhangsan")
			if sz.point != "" {
				// With its candidates, as many as fit beside the paging keys.
				must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#ime-cands button[data-ime-cand="0"]`))), "candidates")
				checkPage(t, ctx, "the keyboard open with candidates", sz.w)
				paged(t, ctx)
			}
			// A name a character at a time: 张 for zhang, then 三 for the
			// letters left.
			pick("张")
			pick("三")
			screenshot(t, ctx, "pinyin-keyboard-"+sz.name)
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")), chromedp.WaitNotVisible(chromedp.CSS("#ime")),
				chromedp.Click(chromedp.CSS("#f-address")), chromedp.WaitVisible(chromedp.CSS("#ime"))), "address")
			tapKeys("jyz")
			pick("旌阳镇")
			name, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-name")))
			addr, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-address")))
			if name != "张三" || addr != "旌阳镇" {
				t.Errorf("typed %q and %q", name, addr)
			}
			if sz.point != "" {
				writeByHand(t, ctx)
			}
			// 完成 with pinyin typed puts nothing in silently: it asks for a
			// choice, and closes once one is made.
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-purpose")), chromedp.WaitVisible(chromedp.CSS("#ime"))), "purpose")
			tapKeys("dibao")
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")), chromedp.WaitVisible(chromedp.CSS("#ime-say"))), "done with pinyin typed")
			if purpose, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-purpose"))); purpose != "" {
				t.Errorf("完成 after dibao put %q in the field", purpose)
			}
			pick("低保")
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")), chromedp.WaitNotVisible(chromedp.CSS("#ime"))), "done")
			if purpose, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-purpose"))); purpose != "低保" {
				t.Errorf("purpose %q, want 低保", purpose)
			}
			if sz.point != "" {
				// Letters and @ for an e-mail address, from the same keyboard.
				must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-email")), chromedp.WaitVisible(chromedp.CSS(`#ime .punct[data-for="en"]`))), "e-mail")
				tapKeys("zs@qq.com")
				if email, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-email"))); email != "zs@qq.com" {
					t.Errorf("e-mail typed %q", email)
				}
				must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")), chromedp.WaitNotVisible(chromedp.CSS("#ime"))), "done with the e-mail")
			} else {
				// 特大 on a phone: larger keys, and nothing wider than the screen.
				must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.sizes button[data-size="xl"]`)), chromedp.Click(chromedp.CSS("#f-address")),
					chromedp.WaitVisible(chromedp.CSS("#ime"))), "特大")
				m, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, document.querySelector('#ime button[data-ime-key="a"]').getBoundingClientRect().height]`))
				must(err, "measure")
				if m[0] > float64(sz.w) || m[1] < 59 {
					t.Errorf("特大 on a phone: page %.0f px wide, keys %.0f px high", m[0], m[1])
				}
				screenshot(t, ctx, "pinyin-keyboard-phone-xl")
			}
		})
	}
}

// writeByHand writes 十 and 口 with a finger in the keyboard's 手写 pad of
// the name field (touch events, as the hall's screen sends them) and picks
// them from the candidates; 删除 takes back a stroke.
func writeByHand(t *testing.T, ctx context.Context) {
	t.Helper()
	must := fatalOn(t)
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("f-name").value = ""; true`))
	must(err, "empty the name")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-name")), chromedp.WaitVisible(chromedp.CSS("#ime")),
		chromedp.Click(chromedp.CSS("#ime button[data-ime-hw]")), chromedp.WaitVisible(chromedp.CSS("#hw-canvas"))), "手写")
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("hw-canvas").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	must(err, "the pad")
	// stroke draws through points given as fractions of the pad.
	stroke := func(pts ...[2]float64) {
		t.Helper()
		at := func(p [2]float64) []*input.TouchPoint {
			return []*input.TouchPoint{{X: box[0] + p[0]*box[2], Y: box[1] + p[1]*box[3]}}
		}
		touch := func(kind input.DispatchTouchEventType, pts []*input.TouchPoint) {
			t.Helper()
			_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: kind, TouchPoints: pts})
			must(err, "touch")
		}
		touch(input.DispatchTouchEventTypeTouchStart, at(pts[0]))
		for i := 1; i < len(pts); i++ {
			a, b := pts[i-1], pts[i]
			for k := 1; k <= 8; k++ {
				f := float64(k) / 8
				touch(input.DispatchTouchEventTypeTouchMove, at([2]float64{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}))
			}
		}
		touch(input.DispatchTouchEventTypeTouchEnd, []*input.TouchPoint{})
	}
	pick := func(want string) {
		t.Helper()
		must(chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//div[@id="ime-cands"]/button[.="`+want+`"]`))), "written "+want)
	}
	stroke([2]float64{0.1, 0.5}, [2]float64{0.9, 0.5})
	stroke([2]float64{0.5, 0.1}, [2]float64{0.5, 0.9})
	must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#ime-cands button[data-ime-cand="0"]`))), "candidates")
	checkPage(t, ctx, "the handwriting pad", 1080)
	screenshot(t, ctx, "handwriting-kiosk")
	pick("十")
	// 口, with a stray stroke taken back by 删除 first.
	stroke([2]float64{0.8, 0.2}, [2]float64{0.2, 0.8})
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#ime button[data-ime-back]"))), "take back a stroke")
	stroke([2]float64{0.2, 0.2}, [2]float64{0.2, 0.8})
	stroke([2]float64{0.2, 0.2}, [2]float64{0.8, 0.2}, [2]float64{0.8, 0.8})
	stroke([2]float64{0.2, 0.8}, [2]float64{0.8, 0.8})
	pick("口")
	if name, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-name"))); name != "十口" {
		t.Errorf("written by hand: %q, want 十口", name)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#ime button[data-ime-hw]")), chromedp.WaitVisible(chromedp.CSS(`#ime button[data-ime-key="a"]`)),
		chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")), chromedp.WaitNotVisible(chromedp.CSS("#ime"))), "back to pinyin")
}

// paged: › shows the candidates after the last one shown, none twice, and
// ‹ the ones before again.
func paged(t *testing.T, ctx context.Context) {
	t.Helper()
	must := fatalOn(t)
	shown := func() []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#ime-cands button")].map(b => b.getAttribute("data-ime-cand"))`))
		must(err, "candidates shown")
		return v
	}
	first := shown()
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-page="1"]`))), "next candidates")
	next := shown()
	if len(first) == 0 || len(next) == 0 || next[0] != strconv.Itoa(len(first)) {
		t.Errorf("candidates %v, then %v after ›", first, next)
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ime button[data-ime-page="-1"]`))), "previous candidates")
	if back := shown(); !slices.Equal(back, first) {
		t.Errorf("‹ shows %v, want %v again", back, first)
	}
}
