package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
)

// TestLeaderDayReachesTheCachedHomePage: the kiosk's home page is kept
// rendered; a 领导接听 day announced through the API is on it at the next
// request.
func TestLeaderDayReachesTheCachedHomePage(t *testing.T) {
	ts := newTestServer(t, true)
	home := func() string {
		t.Helper()
		r := ts.anon().do("GET", "/kiosk/", nil)
		if r.status != 200 {
			t.Fatalf("home: %d", r.status)
		}
		return string(r.body)
	}
	if strings.Contains(home(), "时二勇 局长") {
		t.Fatal("the announcement before it is made")
	}
	day := time.Now().In(catalog.Shanghai).AddDate(0, 0, 2).Format("2006-01-02")
	r := ts.login("zhengfuban-clerk").do("POST", "/api/v1/hotline/announcements",
		map[string]any{"day": day, "from": "09:00", "to": "10:00", "unit_code": "renshe", "leaders": "时二勇 局长", "scope": "就业、社保咨询"})
	if r.status != 201 {
		t.Fatalf("announce: %d %s", r.status, r.body)
	}
	if r := ts.login("sanxi-clerk").do("POST", "/api/v1/hotline/announcements", map[string]any{"day": day, "from": "09:00", "to": "10:00", "leaders": "某某"}); r.status != 403 {
		t.Errorf("a township announces: %d", r.status)
	}
	if b := home(); !strings.Contains(b, "时二勇 局长") {
		t.Errorf("the cached home page lacks the announcement")
	}
}

// TestCallerPhoneInNoLog: a caller's phone, given at the kiosk, online and
// to the operator, and revealed to the county office, is in none of the
// server's logs (its own, gorm's, the standard library's) nor in the audit
// log, while the order goes round the loop and errors are logged.
func TestCallerPhoneInNoLog(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	w := lockedWriter{&mu, &logs}
	h := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	old := slog.Default()
	slog.SetDefault(h)
	t.Cleanup(func() { slog.SetDefault(old) })
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, Demo: true, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5,
		AuditRetentionDays: 190, ApplicationsPerHour: testApplicationsPerHour, PublicURL: testPublicURL, KioskIdle: 120, KioskCountdown: 30}
	s, err := open(context.Background(), cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	ts := &testServer{t: t, s: s, app: s.newApp(), cfg: cfg}
	const phone = "13905639876"
	r := ts.anon().do("POST", "/api/v1/messages", map[string]any{"category": "complaint", "caller_name": "吴九", "caller_phone": phone,
		"title": "噪音扰民", "content": "夜间施工噪音，我的电话是" + phone + "。", "publish": true})
	if r.status != 201 {
		t.Fatalf("message: %d %s", r.status, r.body)
	}
	var receipt struct{ Number string }
	r.decode(t, &receipt)
	office, head := ts.login("zhengfuban-clerk"), ts.login("chengguan-leader")
	for _, s := range []struct {
		c      *client
		action string
		body   map[string]any
	}{{office, "transfer", map[string]any{"unit": "chengguan"}}, {ts.login("chengguan-clerk"), "claim", nil},
		{head, "reply", map[string]any{"text": "经核实，已责令施工单位夜间22时后停止作业，并已电话回复来电人。"}}, {office, "close", nil},
		{office, "callback", map[string]any{"result": "satisfied"}}} {
		if r := s.c.do("POST", "/api/v1/orders/"+receipt.Number+"/"+s.action, s.body); r.status != 200 {
			t.Fatalf("%s: %d %s", s.action, r.status, r.body)
		}
	}
	if r := office.do("GET", "/api/v1/orders/"+receipt.Number+"?reveal=1", nil); !strings.Contains(string(r.body), phone) {
		t.Fatalf("the office cannot reveal it: %s", r.body)
	}
	// Errors on the way, logged.
	office.do("POST", "/api/v1/orders", map[string]any{"channel": "hotline", "category": "consult", "caller_name": "吴九", "caller_phone": phone + "0",
		"title": "咨询", "content": "咨询"})
	ts.anon().do("GET", "/api/v1/messages/status?number="+receipt.Number+"&phone4=0000", nil)
	log.Print("end")
	var audit []string
	if err := s.db.Raw("SELECT COALESCE(detail,'') || COALESCE(before,'') || COALESCE(after,'') FROM audit_log").Scan(&audit).Error; err != nil {
		if err := s.db.Raw("SELECT CONCAT(COALESCE(detail,''), COALESCE(`before`,''), COALESCE(`after`,'')) FROM audit_log").Scan(&audit).Error; err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if logs.Len() == 0 {
		t.Fatal("nothing logged: the test does not see the logs")
	}
	if strings.Contains(logs.String(), phone) || strings.Contains(logs.String(), "1390563987") {
		t.Errorf("the phone is in the logs:\n%s", logs.String())
	}
	for _, a := range audit {
		if strings.Contains(a, phone) {
			t.Errorf("the phone is in the audit log: %.300s", a)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
