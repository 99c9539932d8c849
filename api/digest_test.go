package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/inspect"
	"gongkai/notify"
	"gongkai/notify/smtpmail"
)

// mailbox is an SMTP server on the loopback that keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	got  []received
	addr string
}

type received struct {
	From, To string
	Data     []byte
}

type mailSession struct {
	box      *mailbox
	from, to string
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.got = append(s.box.got, received{From: s.from, To: s.to, Data: b})
	s.box.mu.Unlock()
	return nil
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box
}

func (b *mailbox) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.got...)
}

// readMail decodes a received message's subject and its base64 body.
func readMail(t *testing.T, data []byte) (subject, body string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" || m.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Errorf("content type %q", ct)
	}
	raw, _ := io.ReadAll(m.Body)
	dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(dec)
}

// nextWorkday9 is 09:00 of the first working day from today on.
func nextWorkday9(t *testing.T, h *harness) time.Time {
	t.Helper()
	d := time.Now().In(catalog.Shanghai)
	d = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, catalog.Shanghai)
	for {
		ok, err := h.st.Calendar.Provisional().IsWorkday(d)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return d
		}
		d = d.AddDate(0, 0, 1)
	}
}

// TestNoticesAndTheDailyDigest: a township's clerk is told of a request
// newly registered for the unit, a draft its leader returned (with the
// reason) and a publication the county took down (with its rectification
// day); the leader of what waits for review, not of their own; the
// 工作台's notices and the API's agree, and the digest of each person with
// an address goes once a working day through a real SMTP conversation,
// naming no applicant. A failed mail is tried again at the next run.
func TestNoticesAndTheDailyDigest(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	clerk, leader, admin := h.login("sanxi-clerk"), h.login("sanxi-leader"), h.login("admin")
	var items []catalog.Item
	clerk.do("GET", "/api/v1/units/sanxi/items", nil).decode(t, &items)
	newPub := func(c *client, title string) int64 {
		t.Helper()
		var p catalog.Publication
		r := c.do("POST", fmt.Sprintf("/api/v1/items/%d/publications", items[0].ID), map[string]any{"title": title, "topic": "综合政务",
			"body": "正文。", "generated_on": time.Now().Format("2006-01-02")})
		if r.status != 201 {
			t.Fatalf("publication: %d %s", r.status, r.body)
		}
		r.decode(t, &p)
		return p.ID
	}
	step := func(c *client, id int64, action string, body map[string]any) {
		t.Helper()
		if r := c.do("POST", fmt.Sprintf("/api/v1/publications/%d/%s", id, action), body); r.status != 200 {
			t.Fatalf("%s %d: %d %s", action, id, r.status, r.body)
		}
	}
	confirm := map[string]any{"checklist": map[string]bool{"wording": true, "format": true, "secrecy": true, "privacy": true}}
	returned := newPub(clerk, "三溪镇2026年秋季防火通告")
	step(clerk, returned, "submit", confirm)
	step(leader, returned, "reject", map[string]any{"reason": "落款日期有误"})
	waiting := newPub(clerk, "三溪镇敬老院改造公示")
	step(clerk, waiting, "submit", confirm)
	own := newPub(leader, "三溪镇领导分工调整")
	step(leader, own, "submit", confirm)
	down := newPub(clerk, "三溪镇低保名单")
	step(clerk, down, "submit", confirm)
	step(leader, down, "approve", nil)
	step(admin, down, "takedown", map[string]any{"reason": "privacy", "note": "删除身份证号后重新发布"})
	var rc struct {
		Number string `json:"number"`
		UnitNo string `json:"unit_no"`
	}
	r := clerk.do("POST", "/api/v1/requests/register", map[string]any{"applicant_type": "person", "name": "张凤英", "id_type": "resident_id",
		"id_number": "11010519491231002X", "address": "三溪镇某村", "phone": "13905631234", "description": "三溪镇2026年道路修缮经费", "purpose": "了解",
		"form": "paper", "delivery": "邮寄", "channel": "letter", "received_on": time.Now().In(catalog.Shanghai).Format("2006-01-02"), "unit_code": "sanxi"})
	if r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	r.decode(t, &rc)

	var got struct{ Notices []notify.Notice }
	clerk.do("GET", "/api/v1/notices", nil).decode(t, &got)
	find := func(ns []notify.Notice, kind notify.Kind, part string) *notify.Notice {
		for i := range ns {
			if ns[i].Kind == kind && strings.Contains(ns[i].Text, part) {
				return &ns[i]
			}
		}
		return nil
	}
	if n := find(got.Notices, notify.KindRequest, rc.Number); n == nil || !n.New || n.Due == nil || !strings.Contains(n.Text, "新分派") || n.Link != "/admin/requests/"+rc.Number {
		t.Errorf("the new request: %+v in %+v", n, got.Notices)
	}
	if n := find(got.Notices, notify.KindReturned, "秋季防火通告"); n == nil || !strings.Contains(n.Text, "落款日期有误") || n.UnitName != "三溪镇" {
		t.Errorf("the returned draft: %+v", n)
	}
	if n := find(got.Notices, notify.KindTakedown, "低保名单"); n == nil || n.Due == nil || !strings.Contains(n.Text, "前整改") || !strings.Contains(n.Text, "删除身份证号后重新发布") {
		t.Errorf("the takedown: %+v", n)
	}
	if n := find(got.Notices, notify.KindReview, ""); n != nil {
		t.Errorf("a clerk is told of reviews: %+v", n)
	}
	var lg struct{ Notices []notify.Notice }
	leader.do("GET", "/api/v1/notices", nil).decode(t, &lg)
	if n := find(lg.Notices, notify.KindReview, "1条信息等待审核"); n == nil {
		t.Errorf("the leader's review (their own submission not counted): %+v", lg.Notices)
	}
	if n := find(lg.Notices, notify.KindReturned, "秋季防火通告"); n != nil {
		t.Errorf("the leader is told of the return they made: %+v", n)
	}
	// The leader's own submission, which nobody else in the unit may
	// review, reaches the county office once it has waited.
	adminUser, err := h.st.Accounts.FindUserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if ns, err := h.st.Notifier.For(ctx, *adminUser, time.Now()); err != nil || find(ns, notify.KindReview, "仍未审核") != nil {
		t.Errorf("the county told at once: %+v %v", ns, err)
	}
	later, err := h.st.Calendar.Provisional().AddWorkdays(time.Now().In(catalog.Shanghai), 4)
	if err != nil {
		t.Fatal(err)
	}
	if ns, err := h.st.Notifier.For(ctx, *adminUser, later); err != nil || find(ns, notify.KindReview, "超过2个工作日仍未审核") == nil {
		t.Errorf("the county office is not told of what waits: %+v %v", ns, err)
	}
	if r := h.anon().do("GET", "/api/v1/notices", nil); r.status != 401 {
		t.Errorf("notices without signing in: %d", r.status)
	}

	// Addresses: a bad one is refused with the field named; the leader
	// turns the digest off.
	if r := clerk.do("PUT", "/api/v1/session/email", map[string]any{"email": "张三@"}); r.status != 400 {
		t.Errorf("a bad address: %d %s", r.status, r.body)
	} else if code, field := r.problem(t); code != "invalid" || field != "email" {
		t.Errorf("a bad address: %s %s", code, field)
	}
	if r := clerk.do("PUT", "/api/v1/session/email", map[string]any{"email": "sanxi-clerk@example.gov.cn"}); r.status != 200 {
		t.Fatalf("address: %d %s", r.status, r.body)
	}
	if r := leader.do("PUT", "/api/v1/session/email", map[string]any{"email": "sanxi-leader@example.gov.cn", "no_digest": true}); r.status != 200 {
		t.Fatalf("address: %d %s", r.status, r.body)
	}

	box := newMailbox(t)
	// First through a server that is not there: nothing is lost.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	d := &notify.Digester{Notifier: h.st.Notifier, Users: h.st.Accounts, Claims: h.st.Digests, Hour: 8, BaseURL: "http://10.1.2.3:8080",
		Mail:   &smtpmail.Mailer{Addr: deadAddr, From: "gongkai@example.gov.cn", TLS: smtpmail.TLSNone, Timeout: 5 * time.Second},
		County: func(context.Context) string { return "旌德县" }}
	at := nextWorkday9(t, h)
	if n, err := d.Run(ctx, at.Add(-2*time.Hour)); n != 0 || err != nil {
		t.Errorf("before the hour: %d %v", n, err)
	}
	if n, err := d.Run(ctx, at); n != 0 || err == nil {
		t.Errorf("through a dead server: %d sent, err %v", n, err)
	}
	d.Mail = &smtpmail.Mailer{Addr: box.addr, From: "gongkai@example.gov.cn", FromName: "政务公开平台", TLS: smtpmail.TLSNone}
	if n, err := d.Run(ctx, at.Add(5*time.Minute)); n != 1 || err != nil {
		t.Fatalf("the digest: %d sent, err %v", n, err)
	}
	if n, err := d.Run(ctx, at.Add(10*time.Minute)); n != 0 || err != nil {
		t.Errorf("the same day again: %d sent, err %v", n, err)
	}
	msgs := box.messages()
	if len(msgs) != 1 || msgs[0].To != "sanxi-clerk@example.gov.cn" || msgs[0].From != "gongkai@example.gov.cn" {
		t.Fatalf("mails: %+v", msgs)
	}
	subject, body := readMail(t, msgs[0].Data)
	if !strings.HasPrefix(subject, "政务公开每日提醒") || !strings.Contains(subject, "项待办") {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"秋季防火通告》被退回：落款日期有误", "低保名单", "【新】", rc.Number,
		"http://10.1.2.3:8080/admin/requests/" + rc.Number, fmt.Sprintf("http://10.1.2.3:8080/admin/publications/%d", returned), "旌德县政务公开平台"} {
		if !strings.Contains(body, want) {
			t.Errorf("the digest lacks %q:\n%s", want, body)
		}
	}
	for _, never := range []string{"张凤英", "11010519491231002X", "13905631234", "道路修缮"} {
		if strings.Contains(body, never) {
			t.Errorf("the digest tells %q of the applicant", never)
		}
	}

	// The leader's address is kept with the digest off; on, it goes the
	// next working day.
	lu, err := h.st.Accounts.FindUserByName(ctx, "sanxi-leader")
	if err != nil || lu.Email != "sanxi-leader@example.gov.cn" || !lu.NoDigest {
		t.Fatalf("leader: %+v %v", lu, err)
	}
	m, err := d.Compose(ctx, *lu, at)
	if err != nil || m == nil || !strings.Contains(m.Body, "1条信息等待审核") || m.To != lu.Email {
		t.Errorf("the leader's digest: %+v %v", m, err)
	}
	// Someone with nothing waiting gets no mail.
	nobody := account.User{ID: -1, Username: "nobody"}
	if m, err := d.Compose(ctx, nobody, at); m != nil || err != nil {
		t.Errorf("nothing waiting: %+v %v", m, err)
	}
}

// TestRectificationDeadlinesAreTold: once a quarter's bulletin is issued,
// each unit it names is told what it found and the day to rectify by,
// until that day; the inspectors, how many units must rectify. A bulletin
// issued late gives 30 days from its issue.
func TestRectificationDeadlinesAreTold(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	// Issued today, long after the quarter: the deadline moves to 30 days
	// from today, and the bulletin says so.
	var rep inspect.Report
	if r := h.login("inspector").do("POST", "/api/v1/inspections/2020Q3/issue", nil); r.status != 201 && r.status != 200 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	} else {
		r.decode(t, &rep)
	}
	by := rep.RectifyBy.In(catalog.Shanghai)
	today := time.Now().In(catalog.Shanghai)
	if want := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, catalog.Shanghai).AddDate(0, 0, 30); !by.Equal(want) ||
		!strings.Contains(rep.Note, "整改期限相应顺延至") {
		t.Fatalf("a late bulletin's deadline %v (want %v), note %q", by, want, rep.Note)
	}
	day := fmt.Sprintf("%d月%d日", by.Month(), by.Day())
	user := func(name string) account.User {
		u, err := h.st.Accounts.FindUserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return *u
	}
	q := inspect.Quarter{Year: 2020, N: 3}
	before := by.AddDate(0, 0, -10).Add(9 * time.Hour)
	ns, err := h.st.Notifier.For(ctx, user("sanxi-clerk"), before)
	if err != nil {
		t.Fatal(err)
	}
	var told *notify.Notice
	for i := range ns {
		if ns[i].Kind == notify.KindRectify {
			told = &ns[i]
		}
	}
	if told == nil || !strings.Contains(told.Text, "2020年三季度通报指出：少量栏目三季度更新不到位") || !strings.Contains(told.Text, day+"前整改") ||
		told.Link != "/admin/units/sanxi?fresh=overdue" {
		t.Errorf("sanxi's rectification: %+v", told)
	}
	ns, err = h.st.Notifier.For(ctx, user("inspector"), before)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) == 0 || ns[len(ns)-1].Kind != notify.KindRectify || !strings.Contains(ns[len(ns)-1].Text, "个单位须于"+day+"前整改") ||
		ns[len(ns)-1].Link != "/admin/inspections/"+q.String() {
		t.Errorf("the inspector's: %+v", ns)
	}
	ns, err = h.st.Notifier.For(ctx, user("sanxi-clerk"), by.AddDate(0, 0, 2).Add(9*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Kind == notify.KindRectify {
			t.Errorf("told after the deadline: %+v", n)
		}
	}
}

// TestItemsFallingDueAreTold: a periodic item is told of in the week
// before its due day, by name and day; once past it, it is counted among
// the overdue.
func TestItemsFallingDueAreTold(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	u, err := h.st.Accounts.FindUserByName(ctx, "sanxi-clerk")
	if err != nil {
		t.Fatal(err)
	}
	items, err := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: "sanxi"})
	if err != nil {
		t.Fatal(err)
	}
	var it *catalog.Item
	var due time.Time
	for i := range items {
		if d, ok := items[i].DueAt(); ok && !items[i].NotApplicable() {
			it, due = &items[i], d.In(catalog.Shanghai)
			break
		}
	}
	if it == nil {
		t.Fatal("no periodic item published in sanxi")
	}
	link := fmt.Sprintf("/admin/items/%d", it.ID)
	ns, err := h.st.Notifier.For(ctx, *u, due.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var told *notify.Notice
	for i := range ns {
		if ns[i].Link == link {
			told = &ns[i]
		}
	}
	day := fmt.Sprintf("%d月%d日", due.Month(), due.Day())
	if told == nil || told.Kind != notify.KindItem || told.Overdue || !strings.Contains(told.Text, it.Level2) || !strings.Contains(told.Text, day+"前更新") {
		t.Errorf("three days before %s: %+v", day, told)
	}
	ns, err = h.st.Notifier.For(ctx, *u, due.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	overdue := false
	for _, n := range ns {
		if n.Link == link {
			t.Errorf("told as falling due after its day: %+v", n)
		}
		overdue = overdue || n.Kind == notify.KindItem && n.Overdue && strings.Contains(n.Text, "个事项已超过公开时限未更新")
	}
	if !overdue {
		t.Errorf("two days after %s, not counted overdue: %+v", day, ns)
	}
}
