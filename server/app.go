package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gongkai/account"
	acctstore "gongkai/account/gormstore"
	"gongkai/admin"
	"gongkai/attach"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/dbconn"
	fstore "gongkai/filing/gormstore"
	"gongkai/foi"
	foistore "gongkai/foi/gormstore"
	"gongkai/inspect"
	inspstore "gongkai/inspect/gormstore"
	"gongkai/kiosk"
	kstore "gongkai/kiosk/gormstore"
	"gongkai/rbac"
	"gongkai/search"
	"gongkai/secret"
	"gongkai/seed"
	"gongkai/throttle"
	"gongkai/weberr"
	"gongkai/workday"
	wdstore "gongkai/workday/gormstore"
)

// server holds every concrete dependency; it is the only place that does.
type server struct {
	cfg      Config
	db       *gorm.DB
	catalog  *gormstore.Store
	units    catalog.UnitService
	items    catalog.ItemService
	pubs     catalog.PublicationService
	accounts account.Service
	authz    *rbac.Enforcer
	calendar *workday.Calendar
	calStore *wdstore.Store
	filings  *fstore.Store
	// signInDesk checks credentials under its throttles and locks.
	signInDesk *account.SignInDesk
	itemLists  listCache
	// The kiosk: service points and aliases, use counts, the content
	// generation its caches follow, and the search index.
	kioskStore *kstore.Store
	counter    *kiosk.Counter
	pages      *kiosk.PageCache
	// attachments keeps the publications' files.
	attachments *attach.Store
	gen         contentGen
	search      *search.Holder
	// requests are the disclosure requests; statusGuard throttles the
	// public status lookup.
	requests *foistore.Store
	// foiDesk takes applications and answers applicants.
	foiDesk     *foi.Desk
	inspections *inspstore.Store
	inspect     *inspect.Desk
	metrics     *metrics
	// demoPasswordsExpire is set when the demo data is switched off
	// (GONGKAI_DEMO=off): demo accounts must then choose a password first.
	demoPasswordsExpire bool
	log                 *slog.Logger
}

// open connects to the database, migrates it, loads the calendar overrides
// and, when asked, the demo data.
func open(ctx context.Context, cfg Config, log *slog.Logger) (*server, error) {
	fresh := newEmbeddedDB(cfg)
	db, err := dbconn.Open(cfg.Driver, cfg.DSN)
	if err != nil {
		return nil, err
	}
	for _, m := range []func(*gorm.DB) error{migrateMeta, throttle.Migrate, gormstore.Migrate, acctstore.Migrate, wdstore.Migrate, fstore.Migrate, kstore.Migrate, foistore.Migrate, inspstore.Migrate} {
		if err := m(db); err != nil {
			return nil, err
		}
	}
	if err := db.Save(&metaRecord{Name: "schema", Value: strconv.Itoa(schemaVersion)}).Error; err != nil {
		return nil, err
	}
	en, err := rbac.NewEnforcer(db)
	if err != nil {
		return nil, err
	}
	cat := gormstore.New(db)
	s := &server{cfg: cfg, db: db, catalog: cat, units: cat, items: cat, pubs: cat, accounts: acctstore.New(db, gormstore.AuditInTx),
		authz: en, calendar: workday.New(), calStore: wdstore.New(db), filings: fstore.New(db, gormstore.AuditInTx), log: log,
		kioskStore: kstore.New(db, gormstore.AuditInTx), counter: kiosk.NewCounter(nil),
		pages: kiosk.NewPageCache(kiosk.DefaultCacheBytes)}
	s.signInDesk = &account.SignInDesk{Users: s.accounts, AddressKey: throttle.ClientKey, Audit: cat.Audit,
		Addresses: throttle.New(db, "login", account.MaxAddressFailures, time.Minute),
		Pairs:     throttle.New(db, "pair", account.MaxFailedLogins, account.LockDuration),
		Accounts:  throttle.New(db, "account", account.CountyLockFailures, account.LockDuration),
		Notices:   throttle.New(db, "notice", 1<<30, account.NoticeWindow)}
	perHour := cfg.ApplicationsPerHour
	if perHour == 0 {
		perHour = defaultApplicationsPerHour
	}
	s.foiDesk = &foi.Desk{Units: cat, Calendar: s.calendar, Office: countyOffice, AddressKey: throttle.ClientKey, IsScreen: s.isKioskScreen,
		ReviewBody: "旌德县人民政府", Court: "旌德县人民法院",
		Applications:       throttle.New(db, "apply", perHour, time.Hour),
		ScreenApplications: throttle.New(db, "apply-screen", perHour*screenApplicationsFactor, time.Hour),
		Lookups:            throttle.New(db, "status", statusTries, time.Minute)}
	s.attachments = &attach.Store{Dir: cfg.attachmentDir(), MaxSize: cfg.MaxUpload, Pubs: cat, Log: log}
	s.search = s.newSearch()
	s.metrics = s.newMetrics()
	key := cfg.SecretKey
	if key == nil {
		if key, err = secret.FileKey(filepath.Join(cfg.DataDir, "secret.key")); err != nil {
			return nil, fmt.Errorf("GONGKAI_SECRET_KEY: no key given and the key file cannot be made: %w", err)
		}
	}
	var old [][]byte
	if cfg.SecretKeyOld != nil {
		old = append(old, cfg.SecretKeyOld)
	}
	box, err := secret.New(key, old...)
	if err != nil {
		return nil, err
	}
	s.requests = foistore.New(db, box, s.calendar, gormstore.AuditInTx)
	s.foiDesk.Requests, s.foiDesk.Reviews, s.foiDesk.Audit = s.requests, s.requests, cat.AuditChange
	s.foiDesk.MayReveal = func(by catalog.Actor, unit string) bool {
		ok, err := s.authz.Allow(by.UserID, unit, rbac.ObjRequest, rbac.ActReveal)
		return err == nil && ok
	}
	s.inspections = inspstore.New(db, gormstore.AuditInTx)
	s.inspect = &inspect.Desk{Units: cat, Items: cat, Pubs: cat, Requests: s.requests, Filings: s.filings, Reports: s.inspections,
		Text: s.attachments.Text, Calendar: s.calendar, Generation: s.gen.value}
	if err := s.calStore.LoadInto(ctx, s.calendar); err != nil {
		return nil, err
	}
	demo := fresh
	if cfg.DemoSet {
		demo = cfg.Demo
	}
	s.demoPasswordsExpire = cfg.DemoSet && !cfg.Demo
	st := seed.Stores{Catalog: cat, Accounts: s.accounts, RBAC: en, Calendar: s.calendar}
	if demo {
		start := time.Now()
		sum, err := seed.Demo(ctx, st)
		if err != nil {
			return nil, err
		}
		if err := seed.Filings(ctx, s.filings); err != nil {
			return nil, err
		}
		log.Info("demo data loaded", "took", time.Since(start).Round(time.Millisecond), "units", sum.Units, "items", sum.Items,
			"publications", sum.Publications, "users", sum.Users)
	} else if _, err := seed.Reference(ctx, st); err != nil {
		return nil, err
	}
	if err := s.seedKiosk(ctx, demo); err != nil {
		return nil, err
	}
	if demo {
		if err := s.seedRequests(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.reloadPoints(ctx); err != nil {
		return nil, err
	}
	if err := s.pollRevisions(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func migrateMeta(db *gorm.DB) error { return db.AutoMigrate(&metaRecord{}) }

func (s *server) close() {
	s.authz.Stop()
	if sqlDB, err := s.db.DB(); err == nil {
		sqlDB.Close()
	}
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// errorHandler answers every error a handler returns, as weberr classifies
// it: JSON for the API, the back office's page under /admin, the kiosk's
// page elsewhere. Errors of ours are logged and shown only as 系统内部错误.
func (s *server) errorHandler(c *fiber.Ctx, err error) error {
	p := weberr.Classify(err)
	switch {
	case p.Status == fiber.StatusServiceUnavailable:
		if s.metrics != nil {
			s.metrics.dbDown.Inc()
		}
		s.log.Warn("database unavailable", "request_id", requestID(c), "route", c.Route().Path, "err", err)
	case p.Internal:
		s.log.Error("internal error", "request_id", requestID(c), "path", c.Path(), "err", err)
	}
	if p.RetryAfter != "" && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, p.RetryAfter)
	}
	path := c.Path()
	if strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" {
		var body errorBody
		body.Error.Code, body.Error.Message, body.Error.Field = p.Code, p.Message, p.Field
		return c.Status(p.Status).JSON(body)
	}
	var page []byte
	if strings.HasPrefix(path, "/admin") {
		page, err = admin.ErrorPage(p.Message)
	} else {
		page, err = kiosk.ErrorPage(p.Status, p.Message, kiosk.Shell{County: "旌德县", IdleSeconds: s.cfg.KioskIdle, Countdown: s.cfg.KioskCountdown})
	}
	if err != nil {
		s.log.Error("error page", "err", err)
		return c.Status(p.Status).SendString(p.Message)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(p.Status).Send(page)
}

const sessionCookie = "gongkai_session"

// withSession loads the signed-in user, if any, for the handlers and Require.
func (s *server) withSession(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	_, u, err := s.accounts.FindSession(c.UserContext(), account.HashToken(token))
	if err != nil {
		if catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
		return c.Next()
	}
	rbac.SetPrincipal(c, rbac.Principal{ID: u.ID, Username: u.Username})
	if s.mustChangePassword(u) && !passwordChangeAllowed(c) {
		if strings.HasPrefix(c.Path(), "/admin") {
			return c.Redirect("/admin/password", fiber.StatusSeeOther)
		}
		return catalog.Errorf(catalog.EPASSWORD, "请先修改密码（PUT /api/v1/session/password）")
	}
	return c.Next()
}

// mustChangePassword tells whether the person must choose a new password
// before doing anything else.
func (s *server) mustChangePassword(u *account.User) bool {
	return u.MustChangePassword || (u.Demo && s.demoPasswordsExpire)
}

// passwordChangeAllowed lists what a person who must change their password
// may still do: see who they are, change it, sign out.
func passwordChangeAllowed(c *fiber.Ctx) bool {
	switch c.Method() + " " + c.Path() {
	case "GET /api/v1/session", "DELETE /api/v1/session", "PUT /api/v1/session/password",
		"GET /admin/password", "POST /admin/password", "POST /admin/logout":
		return true
	}
	return strings.HasPrefix(c.Path(), "/admin/static/")
}

// contentSecurityPolicy allows only the server's own scripts, styles and
// images: no inline code, no outside address, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	return c.Next()
}

// crossOrigin is Go's CSRF protection: a state-changing browser request from
// another site (by Sec-Fetch-Site, or Origin against Host) is refused; JSON
// clients that send neither header are let through.
var crossOrigin = http.NewCrossOriginProtection()

func forgeryProtection(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	req := &http.Request{Method: c.Method(), Host: string(c.Request().Host()), Header: http.Header{}}
	for _, h := range []string{"Sec-Fetch-Site", "Origin"} {
		if v := c.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	if err := crossOrigin.Check(req); err != nil {
		return catalog.Errorf(catalog.EFORBIDDEN, "拒绝来自其他网站的提交（跨站请求）")
	}
	return c.Next()
}

// noStoreForPeople keeps what a signed-in person sees out of every cache.
func noStoreForPeople(c *fiber.Ctx) error {
	err := c.Next()
	if _, ok := rbac.PrincipalOf(c); ok {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return err
}

// actor is the signed-in user as the stores record it.
func actor(c *fiber.Ctx) catalog.Actor {
	p, _ := rbac.PrincipalOf(c)
	return catalog.Actor{UserID: p.ID, Username: p.Username, IP: c.IP()}
}

// decodeJSON reads a JSON body into v, refusing unknown fields so a typo in a
// field name is reported, not silently dropped.
func decodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return fiber.ErrUnsupportedMediaType
	}
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			f := strings.TrimPrefix(te.Field, "Columns.")
			return catalog.Invalid(f, "字段“%s”的类型不正确", f)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return catalog.Invalid(f, "不认识的字段“%s”", f)
		}
		return catalog.Invalid("", "JSON 格式不正确：%v", err)
	}
	return nil
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "gongkai: "+msg)
	os.Exit(2)
}
