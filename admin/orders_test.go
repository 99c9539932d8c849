package admin_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/hotline"
	"gongkai/stack/stacktest"
)

// TestHotlineDeskForms: the story through the back office's pages — the
// operator takes a call (a mistake comes back with the field named and
// what was typed kept), dispatches it to a township that sends it back,
// then to the department, whose clerk claims it and whose head answers;
// the office returns the answer, closes the second and calls back. Each
// page offers the person only their own steps; the menu leads each to
// their list; the phone shows masked until revealed.
func TestHotlineDeskForms(t *testing.T) {
	o := newOffice(t)
	operator := o.signIn(stacktest.Office + "-clerk")
	if p := operator.get("/admin/"); !strings.Contains(p.body, `href="/admin/orders"`) {
		t.Errorf("the operator's menu lacks the desk")
	}
	call := url.Values{"channel": {"hotline"}, "category": {"complaint"}, "title": {"东门菜市场夜间施工扰民"}, "content": {"东门菜市场周边工地夜间施工，噪音很大。"},
		"caller_name": {"赵六"}, "caller_phone": {"1390563"}}
	p := operator.post("/admin/orders", call)
	if p.status != 400 || !strings.Contains(p.body, "联系电话") || !strings.Contains(p.body, "东门菜市场周边工地") {
		t.Fatalf("a bad phone: %d %.300s", p.status, p.body)
	}
	call.Set("caller_phone", "13905631234")
	p = operator.post("/admin/orders", call)
	if p.status != 303 || !strings.HasPrefix(p.location, "/admin/orders/GD") {
		t.Fatalf("intake: %d %q %.300s", p.status, p.location, p.body)
	}
	path := strings.SplitN(p.location, "?", 2)[0]
	number := strings.TrimPrefix(path, "/admin/orders/")
	version := func(b *browser) string {
		t.Helper()
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(b.get(path).body)
		if m == nil {
			t.Fatalf("no form on %s", path)
		}
		return m[1]
	}
	step := func(b *browser, action string, form url.Values, want int) page {
		t.Helper()
		if form == nil {
			form = url.Values{}
		}
		if want == 303 {
			form.Set("version", version(b))
		}
		p := b.post(path+"/"+action, form)
		if p.status != want {
			t.Fatalf("%s: %d, want %d: %.400s", action, p.status, want, p.body)
		}
		return p
	}
	page := operator.get(path)
	if !strings.Contains(page.body, "139****1234") || strings.Contains(page.body, "13905631234") || !strings.Contains(page.body, "/transfer") || strings.Contains(page.body, "/claim") {
		t.Errorf("the operator's page: phone masked %v, transfer offered %v", strings.Contains(page.body, "139****1234"), strings.Contains(page.body, "/transfer"))
	}
	step(operator, "transfer", url.Values{"unit": {"jingyang"}}, 303)
	township := o.signIn("jingyang-clerk")
	if p := township.get("/admin/"); !strings.Contains(p.body, `href="/admin/orders?unit=jingyang"`) {
		t.Errorf("the township's menu lacks its inbox")
	}
	if p := township.get("/admin/orders?unit=jingyang"); !strings.Contains(p.body, number) {
		t.Errorf("the township's inbox lacks the order")
	}
	if p := township.get("/admin/orders"); p.status != 303 || p.location != "/admin/orders?unit=jingyang" {
		t.Errorf("a unit's clerk at the desk's address: %d %q", p.status, p.location)
	}
	if p := operator.get("/admin/orders?unit=jingyang"); p.status != 200 || !strings.Contains(p.body, number) {
		t.Errorf("the county office follows a unit's list: %d", p.status)
	}
	step(township, "return", url.Values{"reason": {""}}, 400)
	step(township, "return", url.Values{"reason": {"建筑工地夜间施工由县住建局和城管执法局管理"}}, 303)
	step(operator, "transfer", url.Values{"unit": {"chengguan"}}, 303)
	clerk, head := o.signIn("chengguan-clerk"), o.signIn("chengguan-leader")
	if p := clerk.get("/admin/"); !strings.Contains(p.body, number) || !strings.Contains(p.body, "待认领") {
		t.Errorf("the department's 工作台 does not show the order to claim")
	}
	step(clerk, "claim", nil, 303)
	if p := clerk.get(path); strings.Contains(p.body, "/reply") || !strings.Contains(p.body, "分管负责人登录后答复") {
		t.Errorf("a clerk is offered the reply")
	}
	if p := o.signIn("sanxi-clerk").post(path+"/claim", url.Values{}); p.status != 403 {
		t.Errorf("another unit claims: %d", p.status)
	}
	if p := step(head, "reply", url.Values{"text": {"已处理"}}, 400); !strings.Contains(p.body, ">已处理</textarea>") {
		t.Errorf("the refused answer is not kept in its form")
	}
	step(head, "reply", url.Values{"text": {"经现场核实，该工地未办理夜间施工许可，已责令停止22时后作业并立案调查。"}}, 303)
	step(operator, "redo", url.Values{"reason": {"未说明处罚结果"}}, 303)
	step(head, "reply", url.Values{"text": {"经现场核实，该工地未办理夜间施工许可，已责令停止22时后作业，并依法处以罚款5000元。"}}, 303)
	step(operator, "close", nil, 303)
	step(operator, "callback", url.Values{"result": {"satisfied"}}, 303)
	got, err := o.st.Orders.Find(t.Context(), number)
	if err != nil || got.State != hotline.Closed || got.Redos != 1 || got.Returns != 1 || got.Callback != hotline.Satisfied {
		t.Fatalf("after the loop: %+v %v", got, err)
	}
	// A stale form (another's step came first) is refused, not taken twice.
	if p := operator.post(path+"/callback", url.Values{"result": {"satisfied"}, "version": {"1"}}); p.status != 400 || !strings.Contains(p.body, "刷新") {
		t.Errorf("a stale form: %d %.300s", p.status, p.body)
	}
	if p := operator.get(path + "?reveal=1"); !strings.Contains(p.body, "13905631234") {
		t.Errorf("the office cannot reveal the phone to call back")
	}
	if p := clerk.get(path + "?reveal=1"); p.status != 403 {
		t.Errorf("a clerk reveals the phone: %d", p.status)
	}
	if p := head.get("/admin/orders?unit=chengguan"); p.status != 200 || !strings.Contains(p.body, number) {
		t.Errorf("the department's list: %d", p.status)
	}
}

// TestHotlineSettingsForms: the county office keeps the knowledge base and
// announces 领导接听 days from 热线设置; a refused form keeps what was
// typed; a township's clerk may not open it.
func TestHotlineSettingsForms(t *testing.T) {
	o := newOffice(t)
	office := o.signIn(stacktest.Office + "-clerk")
	if p := office.get("/admin/hotline"); p.status != 200 || !strings.Contains(p.body, "办理时限") {
		t.Fatalf("settings: %d", p.status)
	}
	if p := o.signIn("sanxi-clerk").get("/admin/hotline"); p.status != 403 {
		t.Errorf("a township opens the settings: %d", p.status)
	}
	bad := url.Values{"category": {"consult"}, "question": {"宅基地怎么申请？"}, "answer": {"已解释"}}
	if p := office.post("/admin/hotline/knowledge", bad); p.status != 400 || !strings.Contains(p.body, "宅基地怎么申请") {
		t.Errorf("a perfunctory answer: %d", p.status)
	}
	bad.Set("answer", "农村村民申请宅基地，向所在村民小组提出书面申请，经村级审查后报乡镇人民政府审批。")
	if p := office.post("/admin/hotline/knowledge", bad); p.status != 303 {
		t.Fatalf("an entry: %d %.300s", p.status, p.body)
	}
	es, err := o.st.Orders.FindEntries(t.Context(), hotline.EntryFilter{})
	if err != nil || len(es) != 1 {
		t.Fatalf("entries: %v %v", es, err)
	}
	past := url.Values{"day": {"2020-01-01"}, "from": {"09:00"}, "to": {"10:00"}, "leaders": {"张三 局长"}, "line": {"12345"}}
	if p := office.post("/admin/hotline/announcements", past); p.status != 400 || !strings.Contains(p.body, "张三 局长") {
		t.Errorf("a past day: %d", p.status)
	}
	past.Set("day", time.Now().AddDate(0, 0, 3).Format("2006-01-02"))
	if p := office.post("/admin/hotline/announcements", past); p.status != 303 {
		t.Errorf("an announcement: %d %.300s", p.status, p.body)
	}
	if p := office.post("/admin/hotline/knowledge/"+strconv.FormatInt(es[0].ID, 10)+"/delete", url.Values{}); p.status != 303 {
		t.Errorf("delete: %d", p.status)
	}
	if es, _ := o.st.Orders.FindEntries(t.Context(), hotline.EntryFilter{}); len(es) != 0 {
		t.Errorf("%d entries after the delete", len(es))
	}
}
