package kiosk_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/hotline"
)

// TestMessageAtTheKiosk: a resident's message with a mistake comes back
// with the field named and what was typed kept; reviewed and confirmed,
// it becomes an order whose receipt shows its number and a QR code, and
// sent twice it is one order. Answered and closed, its reply shows on the
// list with the name masked and no phone; the caller finds it by number
// (digits alone) and the phone's last four.
func TestMessageAtTheKiosk(t *testing.T) {
	h := newHall(t)
	form := url.Values{"category": {"complaint"}, "title": {"文化路路灯不亮"}, "content": {"文化路路灯一周不亮了，请尽快维修。"},
		"caller_name": {"李四"}, "caller_phone": {"1390563"}, "address": {"旌阳镇文化路18号"}, "publish": {"1"}, "step": {"review"}}
	p := h.send(http.MethodPost, "/kiosk/messages/new", form)
	if p.status != 400 || !strings.Contains(p.body, "联系电话") || !strings.Contains(p.body, "文化路路灯一周不亮了") || !strings.Contains(p.body, `aria-invalid="true"`) {
		t.Fatalf("a bad phone: %d %.400s", p.status, p.body)
	}
	form.Set("caller_phone", "１３９０５６３１２３４")
	p = h.send(http.MethodPost, "/kiosk/messages/new", form)
	if p.status != 200 || !strings.Contains(p.body, "确认提交") || !strings.Contains(p.body, "13905631234") {
		t.Fatalf("review: %d %.400s", p.status, p.body)
	}
	key := regexpFind(t, p.body, `name="submit_key" value="([0-9a-f]{32})"`)
	form.Set("step", "submit")
	form.Set("submit_key", key)
	first := h.send(http.MethodPost, "/kiosk/messages/new", form)
	again := h.send(http.MethodPost, "/kiosk/messages/new", form)
	if first.status != 303 || !strings.HasPrefix(first.location, "/kiosk/messages/GD") || again.location != first.location {
		t.Fatalf("submit: %d %q, again %q", first.status, first.location, again.location)
	}
	orders, err := h.st.Orders.FindOrders(t.Context(), hotline.Filter{})
	if err != nil || len(orders) != 1 || orders[0].Channel != hotline.Kiosk {
		t.Fatalf("orders: %d %v", len(orders), err)
	}
	o := orders[0]
	r := h.send(http.MethodGet, first.location, nil)
	if r.status != 200 || !strings.Contains(r.body, o.Number) || !strings.Contains(r.body, "<svg") || strings.Contains(r.body, "13905631234") || !strings.Contains(r.body, "李*") {
		t.Fatalf("receipt: %d %.600s", r.status, r.body)
	}
	if r := h.send(http.MethodGet, "/kiosk/messages/"+o.Number+"?t=wrong", nil); r.status != 404 {
		t.Errorf("a wrong token: %d", r.status)
	}
	// The office answers it; it shows on the list, masked.
	office, by := catalog.Actor{Username: "zhengfuban-clerk"}, catalog.Actor{Username: "chengguan-leader"}
	for _, s := range []struct {
		step hotline.Step
		who  catalog.Actor
	}{{hotline.Step{Action: hotline.ActTransfer, Unit: "chengguan"}, office}, {hotline.Step{Action: hotline.ActClaim}, by},
		{hotline.Step{Action: hotline.ActReply, Text: "经现场核实，李四反映的文化路路灯线路老化，已于今日修复，联系电话13905631234已回访。"}, by},
		{hotline.Step{Action: hotline.ActClose}, office}} {
		if _, err := h.st.Hotline.Step(t.Context(), o.Number, s.step, 0, s.who); err != nil {
			t.Fatalf("%s: %v", s.step.Action, err)
		}
	}
	list := h.send(http.MethodGet, "/kiosk/messages", nil)
	if list.status != 200 || !strings.Contains(list.body, "文化路路灯不亮") || !strings.Contains(list.body, "已于今日修复") {
		t.Fatalf("list: %d %.600s", list.status, list.body)
	}
	for _, leak := range []string{"13905631234", "李四", "文化路18号"} {
		if strings.Contains(list.body, leak) {
			t.Errorf("%s on the public list", leak)
		}
	}
	if m := outside.FindString(list.body); m != "" {
		t.Errorf("fetches from outside: %s", m)
	}
	// Before leaving a message, the knowledge base's answers.
	e := hotline.Entry{Category: hotline.Consult, Question: "城乡居民医保怎么缴费？", Answer: "每年9月至12月集中缴费，可到村（社区）便民服务中心缴纳。"}
	if err := h.st.Orders.SaveEntry(t.Context(), &e, office); err != nil {
		t.Fatal(err)
	}
	if r := h.send(http.MethodGet, "/kiosk/messages?q="+url.QueryEscape("医保"), nil); r.status != 200 || !strings.Contains(r.body, "9月至12月集中缴费") {
		t.Errorf("the knowledge base at the kiosk: %d", r.status)
	}
	if r := h.send(http.MethodGet, "/kiosk/messages?q="+url.QueryEscape("宅基地"), nil); !strings.Contains(r.body, "没有找到相关解答") {
		t.Errorf("no answer: %d", r.status)
	}
	if r := h.send(http.MethodGet, "/kiosk/messages?unit=chengguan", nil); !strings.Contains(r.body, "已于今日修复") {
		t.Errorf("the department's answers: %d", r.status)
	}
	if r := h.send(http.MethodGet, "/kiosk/messages?unit=sanxi", nil); strings.Contains(r.body, "已于今日修复") {
		t.Error("another unit's answers on a township's list")
	}
	if r := h.send(http.MethodGet, "/kiosk/units/chengguan", nil); !strings.Contains(r.body, "/kiosk/messages?unit=chengguan") {
		t.Error("the unit's page does not lead to its answers")
	}
	digits := strings.ReplaceAll(strings.TrimPrefix(o.Number, "GD"), "-", "")
	if r := h.send(http.MethodPost, "/kiosk/messages", url.Values{"number": {digits}, "phone4": {"0000"}}); r.status != 400 || !strings.Contains(r.body, "不正确") {
		t.Errorf("a wrong phone: %d", r.status)
	}
	if r := h.send(http.MethodPost, "/kiosk/messages", url.Values{"number": {digits}, "phone4": {"1234"}}); r.status != 303 || r.location != first.location {
		t.Errorf("found by number and phone: %d %q", r.status, r.location)
	}
}

// regexpFind is the first group of pattern in s.
func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in %.300s", pattern, s)
	}
	return m[1]
}

// TestLeaderDaysOnTheHomePage: a 领导接听 day announced in advance shows on
// the home page until it has passed; one past, or more than two weeks
// ahead, does not; a day already gone cannot be announced.
func TestLeaderDaysOnTheHomePage(t *testing.T) {
	h := newHall(t)
	by := catalog.Actor{Username: "zhengfuban-clerk"}
	today := hotline.Day(time.Now())
	soon := hotline.Announcement{Day: today.AddDate(0, 0, 3), From: "09:00", To: "10:00", UnitCode: "renshe", Leaders: "时二勇 局长",
		Scope: "就业、社保、劳动维权咨询"}
	far := hotline.Announcement{Day: today.AddDate(0, 0, 30), From: "09:00", To: "10:00", Leaders: "某某 副县长"}
	for _, a := range []*hotline.Announcement{&soon, &far} {
		if err := h.st.Orders.SaveAnnouncement(t.Context(), a, by); err != nil {
			t.Fatal(err)
		}
	}
	past := hotline.Announcement{Day: today.AddDate(0, 0, -1), From: "09:00", To: "10:00", Leaders: "某某"}
	if err := h.st.Orders.SaveAnnouncement(t.Context(), &past, by); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("a day gone announced: %v", err)
	}
	p := h.send(http.MethodGet, "/kiosk/", nil)
	if p.status != 200 || !strings.Contains(p.body, "领导接听热线公告") || !strings.Contains(p.body, "时二勇 局长") ||
		!strings.Contains(p.body, "人力资源和社会保障局") || !strings.Contains(p.body, "就业、社保") {
		t.Fatalf("home: %d %.1500s", p.status, p.body)
	}
	if strings.Contains(p.body, "副县长") {
		t.Error("a day a month ahead is on the home page")
	}
}
