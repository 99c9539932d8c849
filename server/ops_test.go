package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/account"
	"gongkai/api"
	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
	"gongkai/seed"
	"gongkai/stack/stacktest"
)

// TestLogsHoldNoPersonalData: a request submitted with an ID number and a
// phone, looked up, revealed by staff, refused with a wrong number, and a
// wrong password: no log line holds any of them. Every line is JSON; the
// per-request lines carry the request id the caller sent.
func TestLogsHoldNoPersonalData(t *testing.T) {
	env := append(dbEnv(t, t.TempDir()), "GONGKAI_DEMO=on", "GONGKAI_LOG_LEVEL=debug")
	p := startServer(t, env...)
	anon := newHTTPClient(p.base)
	req, _ := http.NewRequest("GET", p.base+"/kiosk/", nil)
	req.Header.Set("X-Request-ID", "trace-42-kiosk")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.Header.Get("X-Request-ID") != "trace-42-kiosk" {
		t.Fatalf("X-Request-ID not echoed: %v %v", err, res.Header)
	}
	res.Body.Close()

	app := application()
	st, b, _ := anon.do("POST", "/api/v1/requests", app)
	var rc api.Receipt
	if st != 201 || json.Unmarshal(b, &rc) != nil {
		t.Fatalf("submit: %d %s", st, b)
	}
	anon.do("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=1234", nil)
	anon.do("GET", "/api/v1/requests/status?number="+rc.Number+"&phone4=9999", nil)
	badID := "110105194912310021"
	bad := application()
	bad["id_number"] = badID
	if st, _, _ := anon.do("POST", "/api/v1/requests", bad); st != 400 {
		t.Errorf("bad ID number: %d", st)
	}
	anon.do("GET", "/kiosk/requests/"+rc.Number+"/receipt", nil)
	const guess = "Guess-Pa55word!"
	anon.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": guess})
	staff := newHTTPClient(p.base)
	staff.signIn(t, "admin", seed.DemoPassword)
	if st, b, _ := staff.do("GET", "/api/v1/requests/"+rc.Number+"?reveal=1", nil); st != 200 || !strings.Contains(string(b), testID) {
		t.Fatalf("reveal: %d %s", st, b)
	}
	if code := p.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
		t.Errorf("exit code after SIGTERM: %d", code)
	}

	logs := p.logs.String()
	secrets := map[string]string{"ID number": testID, "ID number (refused)": badID, "phone": app["phone"].(string),
		"phone's last eight": app["phone"].(string)[3:], "name": app["name"].(string), "address": app["address"].(string),
		"password": guess}
	for what, v := range secrets {
		if strings.Contains(logs, v) {
			t.Errorf("the %s appears in the logs", what)
		}
	}
	httpLines, traced := 0, false
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the demo accounts' warning for the operator's terminal
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not a JSON line: %s", line)
			continue
		}
		if rec["msg"] == "http" {
			httpLines++
			if rec["request_id"] == nil || rec["route"] == nil || rec["status"] == nil {
				t.Errorf("request line without id, route or status: %s", line)
			}
			traced = traced || rec["request_id"] == "trace-42-kiosk"
		}
	}
	if httpLines < 8 || !traced {
		t.Errorf("%d request lines, the caller's id seen: %v\n%s", httpLines, traced, logs)
	}
}

// TestGracefulShutdown: on SIGTERM the server stops taking connections but
// finishes a request whose body is still arriving; the submission is
// stored and the process exits 0.
func TestGracefulShutdown(t *testing.T) {
	env := dbEnv(t, t.TempDir())
	initCounty(t, env)
	p := startServer(t, append(env, "GONGKAI_LOG_LEVEL=warn", "GONGKAI_SHUTDOWN_SECONDS=10")...)
	addr := strings.TrimPrefix(p.base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body, _ := json.Marshal(application())
	half := len(body) / 2
	fmt.Fprintf(conn, "POST /api/v1/requests HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	conn.Write(body[:half])
	// The signal comes once the server has read what was sent (the request
	// is then in flight, not waiting in the listener's queue): polled.
	for deadline := time.Now().Add(30 * time.Second); !readByServer(t, conn); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server did not read the request's first half within 30 s")
		}
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	// The listener closes soon after the signal: polled, up to 10 s.
	closed := false
	for deadline := time.Now().Add(10 * time.Second); !closed && time.Now().Before(deadline); {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			closed = true
			break
		}
		c.Close()
		time.Sleep(50 * time.Millisecond)
	}
	if !closed {
		t.Error("new connections were still accepted 10 s after SIGTERM")
	}
	conn.Write(body[half:])
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight was cut off: %v\n%s", err, p.logs.String())
	}
	b, _ := io.ReadAll(res.Body)
	var rc api.Receipt
	if res.StatusCode != 201 || json.Unmarshal(b, &rc) != nil || rc.Number == "" {
		t.Fatalf("the request in flight: %d %s", res.StatusCode, b)
	}
	select {
	case <-p.done:
		if code := p.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
	db, err := dbconn.Open(envValue(env, "GONGKAI_DB_DRIVER"), envValue(env, "GONGKAI_DB_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(db)
	var n int64
	db.Table("foi_requests").Where("number = ?", rc.Number).Count(&n)
	if n != 1 {
		t.Errorf("request %s answered during shutdown is not stored", rc.Number)
	}
}

// metricValue finds a sample's value in Prometheus text: name{labels} v.
func metricValue(t *testing.T, text, name string, labels ...string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if ok {
			v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Errorf("no sample %s%v in the metrics", name, labels)
	return -1
}

// TestMetrics: /metrics counts requests by route and status, kiosk cache
// hits, the database pool, and the requests due soon and overdue.
func TestMetrics(t *testing.T) {
	ts := sharedServer(t)
	for i := 0; i < 3; i++ {
		if r := ts.anon().do("GET", "/kiosk/units/miaoshou", nil); r.status != 200 {
			t.Fatalf("kiosk: %d", r.status)
		}
	}
	ts.anon().do("GET", "/kiosk/no/such/page", nil)
	clerk := ts.login(stacktest.Office + "-clerk")
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	for _, ago := range []int{60, 61} { // long overdue
		reg := application()
		reg["channel"], reg["received_on"] = "letter", today.AddDate(0, 0, -ago).Format("2006-01-02")
		if r := clerk.do("POST", "/api/v1/requests/register", reg); r.status != 201 {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
	}
	srv := httptest.NewServer(ts.s.metricsHandler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(b)
	if v := metricValue(t, text, "gongkai_http_requests_total", `route="/kiosk/units/:code"`, `code="200"`); v != 3 {
		t.Errorf("kiosk unit page counted %v times, want 3", v)
	}
	metricValue(t, text, "gongkai_http_requests_total", `code="404"`)
	if v := metricValue(t, text, "gongkai_kiosk_page_cache_total", `result="hit"`); v < 2 {
		t.Errorf("%v cache hits, want at least 2", v)
	}
	metricValue(t, text, "gongkai_http_request_duration_seconds_bucket", `route="/kiosk/units/:code"`)
	metricValue(t, text, "go_sql_open_connections")
	if v := metricValue(t, text, "gongkai_requests_overdue"); v < 2 {
		t.Errorf("%v requests overdue, want at least 2", v)
	}
	metricValue(t, text, "gongkai_requests_due_soon")
	metricValue(t, text, "gongkai_kiosk_active_screens")
	if strings.Contains(text, testID) || strings.Contains(text, application()["phone"].(string)) {
		t.Error("an ID or phone number in the metrics")
	}
}

// TestThrottleSeesTheClientBehindTheProxy: behind a trusted nginx, the
// sign-in throttle counts each client's X-Real-IP, not the proxy's own
// address; from anyone else the header is ignored.
func TestThrottleSeesTheClientBehindTheProxy(t *testing.T) {
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5,
		AuditRetentionDays: 190, KioskIdle: 120, KioskCountdown: 30, TrustedProxies: []string{"0.0.0.0/0"}}
	ts := openTestServer(t, cfg)
	login := func(client string) int {
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"nobody","password":"wrong"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Real-IP", client)
		res, err := ts.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 0; i < account.MaxAddressFailures; i++ {
		login("10.0.0.1")
	}
	if st := login("10.0.0.1"); st != 429 {
		t.Errorf("the guessing client: %d, want 429", st)
	}
	if st := login("10.0.0.2"); st != 401 {
		t.Errorf("another client behind the same proxy: %d, want 401", st)
	}
}
