package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/api"
	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/seed"
	"gongkai/web"
)

// testApplicationsPerHour lifts the applications' throttle for tests that
// submit many; the throttle has a test of its own.
const testApplicationsPerHour = 100000

// testPublicURL is where phones would reach the test server.
const testPublicURL = "http://10.0.0.5:8080"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testServer opens a server on a fresh database with the demo data.
type testServer struct {
	t   testing.TB
	s   *server
	app *fiber.App
	cfg Config
}

func newTestServer(t testing.TB, demo bool) *testServer {
	t.Helper()
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, Demo: demo, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5, AuditRetentionDays: 190, ApplicationsPerHour: testApplicationsPerHour,
		PublicURL: testPublicURL, KioskIdle: 120, KioskCountdown: 30}
	return openTestServer(t, cfg)
}

func openTestServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	s, err := open(context.Background(), cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	return &testServer{t: t, s: s, app: s.newApp(), cfg: cfg}
}

// client is a browser: it keeps the session cookie.
type client struct {
	ts     *testServer
	cookie string
}

func (ts *testServer) anon() *client { return &client{ts: ts} }

func (ts *testServer) login(username string) *client {
	ts.t.Helper()
	c := &client{ts: ts}
	res := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": seed.DemoPassword})
	if res.status != http.StatusCreated {
		ts.t.Fatalf("login %s: %d %s", username, res.status, res.body)
	}
	return c
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorOf returns the API error of a response.
func (r response) errorOf(t testing.TB) (code, field, msg string) {
	t.Helper()
	var e api.ErrorBody
	r.decode(t, &e)
	return e.Error.Code, e.Error.Field, e.Error.Message
}

func (c *client) do(method, path string, body any) response {
	c.ts.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case *multipart.Writer:
		panic("use upload")
	case string:
		rd, ct = strings.NewReader(b), fiber.MIMEApplicationJSON
	default:
		buf, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(buf), fiber.MIMEApplicationJSON
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	c.ts.t.Helper()
	if c.cookie != "" {
		req.Header.Set("Cookie", web.Cookie+"="+c.cookie)
	}
	res, err := c.ts.app.Test(req, 30000)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Name == web.Cookie {
			c.cookie = ck.Value
		}
	}
	return response{status: res.StatusCode, body: b, header: res.Header}
}

func (c *client) upload(path, name string, content []byte) response {
	c.ts.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.send(req)
}

// shared is the template: the demo data seeded once, copied for each test
// (sharedServer), which keeps the suite quick on both drivers. No test
// writes to it.
var shared *testServer

// testSecretKey is the key of the template and its copies, so the
// applicants' numbers it holds read the same in every copy.
var testSecretKey = bytes.Repeat([]byte{7}, 32)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	driver, dsn, cleanup, err := dbtest.Fresh()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	dir, err := os.MkdirTemp("", "gongkai-data-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, Driver: driver, DSN: dsn, Demo: true, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5, AuditRetentionDays: 190, ApplicationsPerHour: testApplicationsPerHour,
		PublicURL: testPublicURL, KioskIdle: 120, KioskCountdown: 30, SecretKey: testSecretKey}
	s, err := open(context.Background(), cfg, quiet)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s.close()
	shared = &testServer{cfg: cfg}
	defer demoCleanup()
	if buildDir != "" {
		defer os.RemoveAll(buildDir)
	}
	return m.Run()
}

// sharedServer gives the test a server of its own on a copy of the seeded
// template database: no test sees another's writes. The copy's audit chain
// must still verify when the test ends.
func sharedServer(t testing.TB) *testServer {
	t.Helper()
	cfg := shared.cfg
	cfg.Driver, cfg.DSN = dbtest.Clone(t, shared.cfg.DSN)
	cfg.DataDir, cfg.DemoSet = t.TempDir(), false
	ts := openTestServer(t, cfg)
	t.Cleanup(func() {
		if n, err := ts.s.catalog.VerifyAudit(context.Background()); err != nil {
			t.Errorf("audit chain broken after the test (%d entries checked): %v", n, err)
		}
	})
	return ts
}

func unitByName(t *testing.T, c *client, name string) catalog.Unit {
	t.Helper()
	var us []catalog.Unit
	c.do("GET", "/api/v1/units", nil).decode(t, &us)
	for _, u := range us {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no unit %s", name)
	return catalog.Unit{}
}

func itemCount(t *testing.T, ts *testServer, unit string) int {
	t.Helper()
	var items []catalog.Item
	r := ts.anon().do("GET", "/api/v1/units/"+unit+"/items", nil)
	if r.status != 200 {
		t.Fatalf("items of %s: %d", unit, r.status)
	}
	r.decode(t, &items)
	return len(items)
}

func newItemBody(name string) map[string]any {
	return map[string]any{
		"domain_code": "zfwj", "level1": "政府文件", "level2": name, "content": "本镇制定的规范性文件。",
		"basis": "《中华人民共和国政府信息公开条例》", "time_limit": "信息形成或者变更之日起20个工作日内",
		"subject": "庙首镇人民政府", "channels": []string{"政府网站", "便民服务站"},
		"to_public": true, "proactive": true, "at_township": true,
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }

// submitBody is a first-level check with every item confirmed.
var submitBody = map[string]any{"checklist": map[string]bool{"wording": true, "format": true, "secrecy": true, "privacy": true}}

// step takes a workflow step on a publication.
func (c *client) step(id int64, action string, body any) response {
	c.ts.t.Helper()
	return c.do("POST", "/api/v1/publications/"+itoa(id)+"/"+action, body)
}

// publishDraft submits a draft as the unit's clerk and approves it as its leader.
func publishDraft(t *testing.T, ts *testServer, unit string, id int64) {
	t.Helper()
	if r := ts.login(unit+"-clerk").step(id, "submit", submitBody); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := ts.login(unit+"-leader").step(id, "approve", nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
}

// today is the day in the county's time zone.
func today() time.Time { return time.Now().In(catalog.Shanghai) }

// setUpCounty gives a server without the demo a county (青山县) and its
// office, as `server init` does.
func setUpCounty(t testing.TB, ts *testServer) {
	t.Helper()
	by := catalog.Actor{Username: "cli:test"}
	office := catalog.Unit{Code: "qs-office", Name: "县政府办公室", FullName: "青山县人民政府办公室", Level: catalog.LevelCounty, Kind: catalog.KindOffice}
	if _, err := ts.s.stack.Catalog.CreateUnit(t.Context(), &office, by); err != nil {
		t.Fatal(err)
	}
	county := catalog.NewCounty("青山县", "341899", office.Code)
	if err := ts.s.stack.Catalog.SaveCounty(t.Context(), &county, by); err != nil {
		t.Fatal(err)
	}
}
