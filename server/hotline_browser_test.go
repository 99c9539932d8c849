package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestHotlineInBrowser: the story in a real browser. A resident
// at the hall's screen leaves a message by touch — the pinyin keyboard
// for the words, the keypad for the phone — confirms it and gets its
// number with a QR code; the county office dispatches it to a township,
// which sends it back; the department claims it, its head answers, the
// office returns the answer, the head answers again, the office closes it
// and calls the caller back; the answer is then on the screen's 留言与答复
// with the caller's name masked and no phone. Every kiosk page passes the
// touch and accessibility checks.
func TestHotlineInBrowser(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browserAt(t, ts, 1080, 1920)
	must := fatalOn(t)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/?point=county-hall"),
		chromedp.Click(chromedp.Search(`//a[contains(@class,"entry") and contains(., "留言与答复")]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/kiosk/messages/new"]`))), "messages")
	checkPage(t, ctx, "messages", 1080)
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href="/kiosk/messages/new"]`)), chromedp.WaitVisible(chromedp.CSS("form.applyform"))), "form")
	checkPage(t, ctx, "message form", 1080)
	title := "西门路口红绿灯故障" + regexp.MustCompile(`\D`).ReplaceAllString(t.Name(), "")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="category"][value="help"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SendKeys(chromedp.CSS("#f-content"), "西门路口的红绿灯已经坏了三天，早晚上学时很危险，请尽快修理。"),
		chromedp.SendKeys(chromedp.CSS("#f-caller_name"), "孙秀英"), chromedp.Click(chromedp.CSS("#ime button[data-ime-done]")),
		chromedp.Click(chromedp.CSS("#f-caller_phone")), chromedp.WaitVisible(chromedp.CSS("#keypad"))), "type")
	for _, k := range "13905635678" {
		must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="`+string(k)+`"]`))), "key")
	}
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#keypad button[data-pad="done"]`)), chromedp.Click(chromedp.CSS(`input[name="publish"]`)),
		chromedp.Click(chromedp.CSS(`button[value="review"]`)), chromedp.WaitVisible(chromedp.CSS("form.confirm"))), "review")
	summary, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.summary")))
	if !strings.Contains(summary, "13905635678") || !strings.Contains(summary, "同意公开") || !strings.Contains(summary, "求助") {
		t.Errorf("summary %q", summary)
	}
	checkPage(t, ctx, "message summary", 1080)
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="submit"]`)), chromedp.WaitVisible(chromedp.CSS("section.receipt svg"))), "submit")
	receipt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.receipt")))
	number := regexp.MustCompile(`GD\d{4}-\d{5}`).FindString(receipt)
	if number == "" || !strings.Contains(receipt, "孙**") || strings.Contains(receipt, "13905635678") {
		t.Fatalf("receipt %q", receipt)
	}
	checkPage(t, ctx, "message receipt", 1080)

	// The back office takes it round the loop, in a browser of its own
	// (each has 90 seconds).
	ctx = browserWindow(t, 1280, 1024)
	path := base + "/admin/orders/" + number
	signedIn := false
	act := func(user, action string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if signedIn {
			must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#username"))), "sign out")
		}
		adminSignIn(t, ctx, base, user)
		signedIn = true
		steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(path), chromedp.WaitVisible(chromedp.CSS(`form[action$="/` + action + `"]`))}
		steps = append(steps, fill...)
		steps = append(steps, chromedp.Click(chromedp.CSS(`form[action$="/`+action+`"] button`)), chromedp.WaitVisible(chromedp.Search(`//div[@class="flash"]`)))
		sub, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sub, steps...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
			t.Fatalf("%s %s: %v at %s:\n%.1500s", user, action, err, loc, text)
		}
	}
	act("zhengfuban-clerk", "transfer", chromedp.SetValue(chromedp.CSS(`form[action$="/transfer"] select`), "jingyang"))
	act("jingyang-clerk", "return", chromedp.SendKeys(chromedp.CSS(`form[action$="/return"] textarea`), "交通信号灯由县公安局交警大队维护"))
	act("zhengfuban-clerk", "transfer", chromedp.SetValue(chromedp.CSS(`form[action$="/transfer"] select`), "gonganju"))
	act("gonganju-clerk", "claim")
	act("gonganju-leader", "reply", chromedp.SendKeys(chromedp.CSS(`form[action$="/reply"] textarea`), "经核实，西门路口信号灯控制器损坏，已于当日更换，恢复正常运行。"))
	act("zhengfuban-clerk", "redo", chromedp.SendKeys(chromedp.CSS(`form[action$="/redo"] textarea`), "请说明今后如何避免长时间故障"))
	act("gonganju-leader", "reply", chromedp.SendKeys(chromedp.CSS(`form[action$="/reply"] textarea`),
		"经核实，西门路口信号灯控制器损坏，已于当日更换恢复运行；交警大队已将路口纳入每日巡查，故障两小时内处置。"))
	act("zhengfuban-clerk", "close")
	act("zhengfuban-clerk", "callback", chromedp.SetValue(chromedp.CSS(`form[action$="/callback"] select`), "satisfied"))
	history, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"转办", "申退", "认领", "退回重办", "办结", "回访", "满意"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %s", want)
		}
	}
	axeClean(t, ctx, "order page")
	for _, page := range []string{"/admin/orders", "/admin/hotline"} {
		must(chromedp.Do(ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("main h1"))), page)
		axeClean(t, ctx, page)
	}

	// On the screen, the answer, masked.
	ctx = browserWindow(t, 1080, 1920)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch), chromedp.Navigate(base+"/kiosk/messages"), chromedp.WaitVisible(chromedp.CSS("article.answered"))), "answers")
	list, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(list, title) || !strings.Contains(list, "每日巡查") || !strings.Contains(list, "孙**") || strings.Contains(list, "孙秀英") ||
		strings.Contains(list, "13905635678") {
		t.Errorf("the published answer: %q", list)
	}
	checkPage(t, ctx, "answers", 1080)
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/kiosk/progress"), chromedp.WaitVisible(chromedp.CSS("#f-phone4"))), "progress form")
	checkPage(t, ctx, "progress form", 1080)
}
