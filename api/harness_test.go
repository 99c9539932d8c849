package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gongkai/access"
	"gongkai/account"
	acctstore "gongkai/account/gormstore"
	"gongkai/api"
	"gongkai/attach"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/catalog/sheet"
	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
	fstore "gongkai/filing/gormstore"
	"gongkai/foi"
	foistore "gongkai/foi/gormstore"
	"gongkai/inspect"
	inspstore "gongkai/inspect/gormstore"
	"gongkai/rbac"
	"gongkai/secret"
	"gongkai/seed"
	"gongkai/throttle"
	"gongkai/web"
	"gongkai/weberr"
	"gongkai/workday"
	wdstore "gongkai/workday/gormstore"
)

// The API's tests run on a database of their own each: a copy of a
// template seeded with the demo data once (TestMain), opened through the
// same stores and services the server builds.

var templateDSN string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	driver, dsn, cleanup, err := dbtest.Fresh()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	db, err := dbconn.Open(driver, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	en, err := build(db)
	if err == nil {
		st := seed.Stores{Catalog: gormstore.New(db), Accounts: acctstore.New(db, gormstore.AuditInTx), RBAC: en, Calendar: workday.New()}
		_, err = seed.Demo(context.Background(), st)
	}
	dbconn.Close(db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed the template:", err)
		return 1
	}
	templateDSN = dsn
	return m.Run()
}

// build migrates db and returns its role bindings.
func build(db *gorm.DB) (*rbac.Enforcer, error) {
	for _, m := range []func(*gorm.DB) error{throttle.Migrate, gormstore.Migrate, acctstore.Migrate, wdstore.Migrate, fstore.Migrate, foistore.Migrate, inspstore.Migrate} {
		if err := m(db); err != nil {
			return nil, err
		}
	}
	en, err := rbac.NewEnforcer(db)
	if err != nil {
		return nil, err
	}
	en.AuditTx = gormstore.AuditInTx
	return en, nil
}

// office is the unit that receives applications in the demo county.
const office = "zhengfuban"

type harness struct {
	t    *testing.T
	app  *fiber.App
	cat  *gormstore.Store
	deps api.Deps
}

// newAPI mounts the API over a fresh copy of the template.
func newAPI(t *testing.T) *harness {
	t.Helper()
	driver, dsn := dbtest.Clone(t, templateDSN)
	db, err := dbconn.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbconn.Close(db) })
	en, err := build(db)
	if err != nil {
		t.Fatal(err)
	}
	cat := gormstore.New(db)
	accounts := acctstore.New(db, gormstore.AuditInTx)
	cal := workday.New()
	filings := fstore.New(db, gormstore.AuditInTx)
	box, err := secret.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	requests := foistore.New(db, box, cal, gormstore.AuditInTx)
	many := func(kind string) foi.Throttle { return throttle.New(db, kind, 1000, time.Hour) }
	desk := &foi.Desk{Requests: requests, Units: cat, Calendar: cal, Days: wdstore.New(db, gormstore.AuditInTx), Office: office,
		AddressKey: throttle.ClientKey, Applications: many("apply"), ScreenApplications: many("apply-screen"), Lookups: many("status"),
		ReviewBody: "县人民政府", Court: "县人民法院", Reviews: requests, Audit: cat.AuditChange,
		MayReveal: func(by catalog.Actor, unit string) bool {
			ok, err := en.Allow(by.UserID, unit, rbac.ObjRequest, rbac.ActReveal)
			return err == nil && ok
		}}
	attachments := &attach.Store{Dir: t.TempDir(), MaxSize: 1 << 20, Pubs: cat}
	signIn := &account.SignInDesk{Users: accounts, AddressKey: throttle.ClientKey, Audit: cat.Audit,
		Addresses: throttle.New(db, "login", 1000, time.Minute), Pairs: throttle.New(db, "pair", account.MaxFailedLogins, account.LockDuration),
		Accounts: throttle.New(db, "account", account.CountyLockFailures, account.LockDuration), Notices: throttle.New(db, "notice", 1<<30, account.NoticeWindow)}
	sessions := &web.Sessions{Accounts: accounts, Desk: signIn, Audit: cat.Audit}
	deps := api.Deps{Units: cat, Items: cat, Pubs: cat, Accounts: accounts, Authz: en, Sessions: sessions,
		Access: &access.Desk{Users: accounts, Grants: en, Units: cat}, Audit: cat,
		Catalogs: &sheet.CatalogDesk{Units: cat, Items: cat, Store: cat}, Directory: &sheet.DirectoryDesk{Units: cat, Filings: filings, Store: cat},
		Filings: filings, Calendar: cal, Requests: requests, RequestDesk: desk, Attachments: attachments,
		Inspect: &inspect.Desk{Units: cat, Items: cat, Pubs: cat, Requests: requests, Filings: filings, Reports: inspstore.New(db, gormstore.AuditInTx),
			Text: attachments.Text, Calendar: cal, Generation: func() uint64 { return uint64(time.Now().UnixNano()) }},
		RectifyDue: func(now time.Time) (time.Time, error) { return cal.AddWorkdays(now.In(catalog.Shanghai), 5) }}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return api.WriteError(c, weberr.Classify(err)) }})
	api.Mount(app.Group("/api/v1", sessions.Load, web.NoStoreForPeople), deps)
	return &harness{t: t, app: app, cat: cat, deps: deps}
}

// client keeps a session cookie, as a browser or a script does.
type client struct {
	h      *harness
	cookie string
}

func (h *harness) anon() *client { return &client{h: h} }

// login signs a demo account in.
func (h *harness) login(username string) *client {
	h.t.Helper()
	c := h.anon()
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": seed.DemoPassword}); r.status != 201 {
		h.t.Fatalf("sign in %s: %d %s", username, r.status, r.body)
	}
	return c
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %.300s: %v", r.body, err)
	}
}

// problem is the API error of a response.
func (r response) problem(t *testing.T) (code, field string) {
	t.Helper()
	var e api.ErrorBody
	r.decode(t, &e)
	return e.Error.Code, e.Error.Field
}

// do sends body as JSON (a string as it is).
func (c *client) do(method, path string, body any) response {
	c.h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.(string)
		if !ok {
			raw, _ := json.Marshal(body)
			b = string(raw)
		}
		rd = bytes.NewReader([]byte(b))
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", web.Cookie+"="+c.cookie)
	}
	res, err := c.h.app.Test(req, -1)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Name == web.Cookie {
			c.cookie = ck.Value
		}
	}
	return response{res.StatusCode, b, res.Header}
}
