package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gongkai/access"
	"gongkai/account"
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
	"gongkai/kiosk"
	kstore "gongkai/kiosk/gormstore"
	"gongkai/rbac"
	"gongkai/search"
	"gongkai/secret"
	"gongkai/seed"
	"gongkai/stack"
	"gongkai/web"
	"gongkai/weberr"
	"gongkai/workday"
	wdstore "gongkai/workday/gormstore"
)

// server is the running program: its configuration, the stack's stores
// and services (named here for the wiring), the kiosk's caches and search
// index, and the metrics.
type server struct {
	stack    *stack.Stack
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
	// catalogs imports and exports the catalogues.
	catalogs *sheet.CatalogDesk
	// The kiosk: service points and aliases, use counts, the content
	// generation its caches follow, and the search index.
	kioskStore *kstore.Store
	counter    *kiosk.Counter
	pages      *kiosk.PageCache
	// attachments keeps the publications' files.
	attachments *attach.Store
	gen         contentGen
	search      *search.Holder
	// requests are the disclosure requests.
	requests *foistore.Store
	// foiDesk takes applications and answers applicants.
	foiDesk *foi.Desk
	inspect *inspect.Desk
	metrics *metrics
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
	if err := dbconn.SetPool(db, cfg.DBMaxConns); err != nil {
		return nil, err
	}
	if err := stack.Migrate(db); err != nil {
		return nil, err
	}
	if err := dbconn.SetSchemaVersion(db, schemaVersion); err != nil {
		return nil, err
	}
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
	perHour := cfg.ApplicationsPerHour
	if perHour == 0 {
		perHour = defaultApplicationsPerHour
	}
	s := &server{cfg: cfg, db: db, log: log, counter: kiosk.NewCounter(nil), pages: kiosk.NewPageCache(kiosk.DefaultCacheBytes)}
	st, err := stack.New(ctx, db, stack.Options{AttachmentDir: cfg.attachmentDir(), MaxUpload: cfg.MaxUpload, Box: box,
		Applications: perHour, ScreenApplications: perHour * screenApplicationsFactor, StatusTries: statusTries,
		IsScreen:   s.isKioskScreen,
		Generation: s.gen.value, MustChange: s.mustChangePassword, RectifyWorkdays: cfg.RectifyWorkdays, Log: log})
	if err != nil {
		return nil, err
	}
	s.stack, s.catalog, s.units, s.items, s.pubs, s.accounts, s.authz = st, st.Catalog, st.Catalog, st.Catalog, st.Catalog, st.Accounts, st.Authz
	s.calendar, s.calStore, s.filings, s.kioskStore, s.requests, s.foiDesk = st.Calendar, st.Days, st.Filings, st.Kiosk, st.Requests, st.RequestDesk
	s.inspect, s.attachments, s.sessions, s.access, s.catalogs = st.Inspect, st.Attachments, st.Sessions, st.Access, st.Catalogs
	s.search = s.newSearch()
	s.metrics = s.newMetrics()
	demo := fresh
	if cfg.DemoSet {
		demo = cfg.Demo
	}
	s.demoPasswordsExpire = cfg.DemoSet && !cfg.Demo
	stores := st.SeedStores()
	if demo {
		start := time.Now()
		sum, err := seed.Demo(ctx, stores)
		if err != nil {
			return nil, err
		}
		if err := seed.Filings(ctx, s.filings); err != nil {
			return nil, err
		}
		if err := seed.Carry2019Q4(ctx, st.Catalog, st.Inspections); err != nil {
			return nil, err
		}
		log.Info("demo data loaded", "took", time.Since(start).Round(time.Millisecond), "units", sum.Units, "items", sum.Items,
			"publications", sum.Publications, "users", sum.Users)
	} else if _, err := seed.Reference(ctx, stores); err != nil {
		return nil, err
	}
	if err := seed.Kiosk(ctx, s.kioskStore, s.units, demo); err != nil {
		return nil, err
	}
	if demo {
		if err := seed.Requests(ctx, s.requests, s.calendar); err != nil {
			return nil, err
		}
		if err := seed.Hotline(ctx, st.Hotline, time.Now()); err != nil {
			return nil, err
		}
		start := time.Now()
		if err := seed.Issue2020(ctx, st.Inspect, st.Inspections); err != nil {
			return nil, err
		}
		log.Info("demo bulletins issued", "took", time.Since(start).Round(time.Millisecond))
	}
	if err := s.reloadPoints(ctx); err != nil {
		return nil, err
	}
	if err := s.pollRevisions(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

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
	case p.Status == fiber.StatusServiceUnavailable && catalog.ErrorCode(err) == catalog.EUNAVAILABLE:
		// Ours: a converter or the handwriting recogniser busy.
		s.log.Info("busy", "request_id", web.RequestID(c), "route", c.Route().Path, "msg", p.Message)
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
	if strings.HasPrefix(path, "/admin") {
		return admin.WriteError(c, p)
	}
	county, _ := s.catalog.County(c.UserContext()) // before set-up: the title alone
	page, err := kiosk.ErrorPage(p.Status, p.Message, kiosk.Shell{Title: county.Title(), IdleSeconds: s.cfg.KioskIdle, Countdown: s.cfg.KioskCountdown})
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
