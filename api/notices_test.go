package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/seed"
)

// TestPapersTheApplicantReceives: each step that owes the applicant (or a
// consulted party) a paper issues it — numbered per unit, year and kind,
// dated, with how it was delivered, its text frozen — and the history
// names it: 补正告知书 with the county's shortest period, 延期答复告知书
// with the new date, 征求意见书 and the applicant's notice, art. 35's
// papers and its longer period, and art. 42's fee notice whose time is
// not counted until payment.
func TestPapersTheApplicantReceives(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	clerk := h.login(office + "-clerk")
	leader := h.login(office + "-leader")
	today := time.Now().In(catalog.Shanghai)
	year := today.Year()
	registerOn := func(id string, received time.Time) string {
		t.Helper()
		var rc struct {
			Number string `json:"number"`
		}
		r := clerk.do("POST", "/api/v1/requests/register", map[string]any{"applicant_type": "person", "name": "张凤英", "id_type": "resident_id",
			"id_number": id, "address": "某县文化路1号", "phone": "13905631234", "description": "2026年预算", "purpose": "了解",
			"form": "paper", "delivery": "邮寄", "channel": "letter", "received_on": received.Format("2006-01-02")})
		if r.status != 201 {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		r.decode(t, &rc)
		return rc.Number
	}
	register := func(id string) string { return registerOn(id, today) }
	step := func(c *client, number, action string, body map[string]any, want int) {
		t.Helper()
		if r := c.do("POST", "/api/v1/requests/"+number+"/"+action, body); r.status != want {
			t.Fatalf("%s: %d %s", action, r.status, r.body)
		}
	}
	notices := func(number string) []foi.Notice {
		t.Helper()
		var ns []foi.Notice
		clerk.do("GET", "/api/v1/requests/"+number+"/notices", nil).decode(t, &ns)
		return ns
	}
	add := func(n int) time.Time {
		d, err := h.st.Calendar.Provisional().AddWorkdays(today, n)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// 补正: a period shorter than the county's 10 working days is refused.
	a := register(seed.DemoID("19900101", 1))
	step(clerk, a, "correct", map[string]any{"note": "请写明文件名称", "due": add(5).Format("2006-01-02"), "via": "邮寄挂号信"}, 400)
	step(clerk, a, "correct", map[string]any{"note": "请写明文件名称或文号", "due": add(10).Format("2006-01-02"), "via": "邮寄挂号信"}, 200)
	ns := notices(a)
	if len(ns) != 1 || ns[0].Kind != foi.NoticeCorrection || ns[0].No != fmt.Sprintf("〔%d〕补告1号", year) || ns[0].Via != "邮寄挂号信" ||
		!strings.Contains(strings.Join(ns[0].Paragraphs, ""), "请写明文件名称或文号") || !strings.Contains(strings.Join(ns[0].Paragraphs, ""), "重新计算") ||
		ns[0].To != "张凤英" || !strings.Contains(ns[0].Issuer, "办公室") {
		t.Errorf("补正告知书: %+v", ns)
	}
	evs, _ := h.st.RequestDesk.Events(ctx, a)
	if last := evs[len(evs)-1]; !strings.Contains(last.Note, ns[0].No) {
		t.Errorf("the history does not name the paper: %+v", last)
	}

	// 延期: the paper gives the new due date; only the leader extends.
	b := register(seed.DemoID("19900101", 2))
	step(clerk, b, "extend", map[string]any{"days": 10, "note": "需调取档案"}, 403)
	step(leader, b, "extend", map[string]any{"days": 10, "note": "需调取档案", "via": "当面交付"}, 200)
	rb, _ := h.st.Requests.Find(ctx, b)
	if ns := notices(b); len(ns) != 1 || ns[0].Kind != foi.NoticeExtension || !strings.Contains(strings.Join(ns[0].Paragraphs, ""), rb.DueOn.Format("2006年1月2日")) {
		t.Errorf("延期答复告知书 (due %s): %+v", rb.DueOn.Format("2006-01-02"), ns)
	}

	// 征求意见: one paper to the party, one to the applicant.
	step(clerk, b, "consult", map[string]any{"kind": "third_party", "party": "某建筑\u202e公司", "via": "邮寄"}, 400)
	step(clerk, b, "consult", map[string]any{"kind": "third_party", "party": "某建筑公司", "via": "邮寄", "on": today.AddDate(0, 0, -11).Format("2006-01-02")}, 400)
	step(clerk, b, "consult", map[string]any{"kind": "third_party", "party": "某建筑公司", "via": "邮寄"}, 200)
	step(clerk, b, "consult", map[string]any{"kind": "third_party", "party": "某建筑公司", "via": "邮寄"}, 409) // already consulting
	if ns := notices(b); len(ns) != 3 || ns[1].Kind != foi.NoticeConsultation || ns[1].To != "某建筑公司" || ns[2].Kind != foi.NoticeConsultNotice ||
		!strings.Contains(strings.Join(ns[1].Paragraphs, ""), "15个工作日") || !strings.Contains(strings.Join(ns[2].Paragraphs, ""), "不计算在答复期限内") {
		t.Errorf("征求意见书: %+v", ns)
	}

	// The applicant reads the papers sent to them on the status page (the
	// name masked), never the party's.
	var status foi.PublicStatus
	h.anon().do("GET", "/api/v1/requests/status?number="+b+"&phone4=1234", nil).decode(t, &status)
	if len(status.Papers) != 2 || status.Papers[0].Kind != foi.NoticeExtension || status.Papers[1].Kind != foi.NoticeConsultNotice ||
		status.Papers[0].To != foi.MaskName("张凤英") || status.Papers[0].ID != 0 {
		t.Errorf("the applicant's papers on the status page: %+v", status.Papers)
	}

	// Art. 35: the reasons asked, then a longer period.
	c := register(seed.DemoID("19900101", 3))
	step(leader, c, "delay", map[string]any{"note": "涉及档案数量大", "due": add(40).Format("2006-01-02"), "via": "邮寄"}, 400) // no reasons asked yet
	step(clerk, c, "reasons", map[string]any{"note": "请说明一个月内申请20件的用途", "due": add(10).Format("2006-01-02")}, 400)     // no delivery
	step(clerk, c, "reasons", map[string]any{"note": "请说明一个月内申请20件的用途", "due": add(10).Format("2006-01-02"), "via": "邮寄"}, 200)
	step(clerk, c, "delay", map[string]any{"note": "涉及档案数量大", "due": add(40).Format("2006-01-02"), "via": "邮寄"}, 403)
	step(leader, c, "delay", map[string]any{"note": "涉及档案数量大", "due": add(5).Format("2006-01-02"), "via": "邮寄"}, 400)
	step(leader, c, "delay", map[string]any{"note": "涉及档案数量大", "due": "9999-12-31", "via": "邮寄"}, 400)
	step(leader, c, "delay", map[string]any{"note": "涉及档案数量大", "due": add(40).Format("2006-01-02"), "via": "邮寄"}, 200)
	if rc, _ := h.st.Requests.Find(ctx, c); !rc.DueOn.Equal(add(40)) {
		t.Errorf("the delayed due date: %s, want %s", rc.DueOn.Format("2006-01-02"), add(40).Format("2006-01-02"))
	}
	step(leader, c, "delay", map[string]any{"note": "再延", "due": add(45).Format("2006-01-02"), "via": "邮寄"}, 400)
	if ns := notices(c); len(ns) != 2 || ns[0].Kind != foi.NoticeReasons || ns[1].Kind != foi.NoticeDelay {
		t.Errorf("art. 35's papers: %+v", ns)
	}

	// Art. 42 按量: 150 pages cost 70×10 + 50×20 = 1,700 yuan; the clock
	// pauses until payment.
	d := register(seed.DemoID("19900101", 4))
	step(leader, d, "fee", map[string]any{"fee_basis": "pages", "pages": 30, "note": "县财政非税收入账户", "via": "邮寄"}, 400)
	step(leader, d, "fee", map[string]any{"fee_basis": "pages", "pages": 150, "note": "县财政非税收入账户", "via": "邮寄"}, 200)
	rd, _ := h.st.Requests.Find(ctx, d)
	clock, _ := h.st.RequestDesk.Clock(rd)
	if rd.State != foi.AwaitingFee || rd.FeeAmount != 1700 || !clock.Paused {
		t.Errorf("after the fee notice: state %s, %d yuan, paused %v", rd.State, rd.FeeAmount, clock.Paused)
	}
	if ns := notices(d); len(ns) != 1 || ns[0].Kind != foi.NoticeFee || !strings.Contains(strings.Join(ns[0].Paragraphs, ""), "1700元") {
		t.Errorf("收费通知书: %+v", ns)
	}
	step(clerk, d, "unpaid", nil, 400) // the 20 working days have not run out
	step(clerk, d, "paid", nil, 200)
	step(leader, d, "fee", map[string]any{"fee_basis": "count", "note": "县财政非税收入账户", "via": "邮寄"}, 400) // one fee notice a request
	if rd, _ := h.st.Requests.Find(ctx, d); rd.State != foi.Registered {
		t.Errorf("after payment: %s", rd.State)
	}

	// Once the period has run out nothing stops it: no consultation, no fee
	// notice; and no step dated more than 10 days back resets the clock.
	late := registerOn(seed.DemoID("19900101", 6), today.AddDate(0, 0, -45))
	step(clerk, late, "consult", map[string]any{"kind": "third_party", "party": "某公司", "via": "邮寄"}, 409)
	step(leader, late, "fee", map[string]any{"fee_basis": "pages", "pages": 100, "note": "县财政非税收入账户", "via": "邮寄"}, 409)
	step(clerk, late, "consult", map[string]any{"kind": "third_party", "party": "某公司", "via": "邮寄", "on": today.AddDate(0, 0, -30).Format("2006-01-02")}, 400)

	// Art. 42 按件: the applicant's 11th application this month costs 100 yuan.
	id := seed.DemoID("19900101", 5)
	var eleventh string
	for i := 0; i < 11; i++ {
		eleventh = register(id)
	}
	step(leader, eleventh, "fee", map[string]any{"fee_basis": "count", "note": "县财政非税收入账户", "via": "邮寄"}, 200)
	if r, _ := h.st.Requests.Find(ctx, eleventh); r.FeeAmount != 100 || !strings.Contains(r.FeeDetail, "第11件") {
		t.Errorf("the 11th application: %d yuan, %q", r.FeeAmount, r.FeeDetail)
	}
}
