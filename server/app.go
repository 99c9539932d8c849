package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gongkai/access"
	"gongkai/account"
	acctstore "gongkai/account/gormstore"
	"gongkai/admin"
	"gongkai/api"
	"gongkai/attach"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/catalog/sheet"
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
	"gongkai/web"
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
	// sessions signs people in (its desk checks credentials under throttles
	// and locks); access is the administrators' desk.
	sessions *web.Sessions
	access   *access.Desk
	// catalogs and directory import and export the catalogues and the unit
	// directory.
	catalogs  *sheet.CatalogDesk
	directory *sheet.DirectoryDesk
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
		authz: en, calendar: workday.New(), calStore: wdstore.New(db, gormstore.AuditInTx), filings: fstore.New(db, gormstore.AuditInTx), log: log,
		kioskStore: kstore.New(db, gormstore.AuditInTx), counter: kiosk.NewCounter(nil),
		pages: kiosk.NewPageCache(kiosk.DefaultCacheBytes)}
	en.AuditTx = gormstore.AuditInTx
	signIn := &account.SignInDesk{Users: s.accounts, AddressKey: throttle.ClientKey, Audit: cat.Audit,
		Addresses: throttle.New(db, "login", account.MaxAddressFailures, time.Minute),
		Pairs:     throttle.New(db, "pair", account.MaxFailedLogins, account.LockDuration),
		Accounts:  throttle.New(db, "account", account.CountyLockFailures, account.LockDuration),
		Notices:   throttle.New(db, "notice", 1<<30, account.NoticeWindow)}
	s.sessions = &web.Sessions{Accounts: s.accounts, Desk: signIn, Audit: cat.Audit, MustChange: s.mustChangePassword}
	s.access = &access.Desk{Users: s.accounts, Grants: en, Units: cat}
	s.catalogs = &sheet.CatalogDesk{Units: cat, Items: cat, Store: cat}
	s.directory = &sheet.DirectoryDesk{Units: cat, Filings: s.filings, Store: cat}
	perHour := cfg.ApplicationsPerHour
	if perHour == 0 {
		perHour = defaultApplicationsPerHour
	}
	s.foiDesk = &foi.Desk{Units: cat, Calendar: s.calendar, Days: s.calStore, Office: requestOffice, AddressKey: throttle.ClientKey, IsScreen: s.isKioskScreen,
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
	if err := seed.Kiosk(ctx, s.kioskStore, s.units, demo); err != nil {
		return nil, err
	}
	if demo {
		if err := seed.Requests(ctx, s.requests); err != nil {
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
		s.log.Warn("database unavailable", "request_id", web.RequestID(c), "route", c.Route().Path, "err", err)
	case p.Internal:
		s.log.Error("internal error", "request_id", web.RequestID(c), "path", c.Path(), "err", err)
	}
	if p.RetryAfter != "" && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, p.RetryAfter)
	}
	path := c.Path()
	if strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" {
		return api.WriteError(c, p)
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

// mustChangePassword tells whether the person must choose a new password
// before doing anything else.
func (s *server) mustChangePassword(u *account.User) bool {
	return u.MustChangePassword || (u.Demo && s.demoPasswordsExpire)
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "gongkai: "+msg)
	os.Exit(2)
}
