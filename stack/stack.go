// Package stack builds every store and service over one database, wired to
// each other: what the server hands its faces (the API, the back office,
// the kiosk) and what the faces' own tests run on, so both run the same
// services. It reads no configuration and seeds nothing; the server does.
package stack

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"time"

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
	"gongkai/hotline"
	hstore "gongkai/hotline/gormstore"
	"gongkai/inspect"
	inspstore "gongkai/inspect/gormstore"
	kstore "gongkai/kiosk/gormstore"
	"gongkai/notify"
	notestore "gongkai/notify/gormstore"
	"gongkai/rbac"
	"gongkai/secret"
	"gongkai/seed"
	"gongkai/throttle"
	"gongkai/web"
	"gongkai/workday"
	wdstore "gongkai/workday/gormstore"
)

// Migrate creates or updates every store's tables.
func Migrate(db *gorm.DB) error {
	if err := dbconn.CheckCharset(db); err != nil {
		return err
	}
	for _, m := range []func(*gorm.DB) error{throttle.Migrate, gormstore.Migrate, acctstore.Migrate, wdstore.Migrate, fstore.Migrate,
		kstore.Migrate, foistore.Migrate, inspstore.Migrate, notestore.Migrate, hstore.Migrate} {
		if err := m(db); err != nil {
			return err
		}
	}
	return nil
}

// Options are what the services are built with.
type Options struct {
	// AttachmentDir keeps the publications' files; MaxUpload bounds one.
	AttachmentDir string
	MaxUpload     int64
	// Box seals the applicants' personal numbers.
	Box *secret.Box
	// Applications an address may make an hour, ScreenApplications a
	// registered kiosk screen; StatusTries wrong status look-ups a minute.
	Applications, ScreenApplications, StatusTries int
	// IsScreen tells whether an address is a registered kiosk screen.
	IsScreen func(ctx context.Context, ip string) bool
	// Generation changes whenever anything an inspection reads may have.
	Generation func() uint64
	// MustChange tells whether a person must choose a new password first;
	// nil: when their account says so.
	MustChange func(*account.User) bool
	// RectifyWorkdays is the time a takedown gives to rectify.
	RectifyWorkdays int
	Log             *slog.Logger
}

// Stack is every store and service.
type Stack struct {
	DB          *gorm.DB
	Catalog     *gormstore.Store
	Accounts    *acctstore.Store
	Authz       *rbac.Enforcer
	Calendar    *workday.Calendar
	Days        *wdstore.Store
	Filings     *fstore.Store
	Kiosk       *kstore.Store
	Requests    *foistore.Store
	RequestDesk *foi.Desk
	// Orders are the 12345 hotline's work orders, Hotline their desk.
	Orders      *hstore.Store
	Hotline     *hotline.Desk
	Inspections *inspstore.Store
	Inspect     *inspect.Desk
	Attachments *attach.Store
	Sessions    *web.Sessions
	Access      *access.Desk
	Catalogs    *sheet.CatalogDesk
	Directory   *sheet.DirectoryDesk
	// Notifier gathers each person's notices (工作台, daily digest);
	// Digests records the digests sent.
	Notifier *notify.Notifier
	Digests  *notestore.Store
	opts     Options
}

// New builds the stack over a migrated database and loads the calendar's
// stored arrangements.
func New(ctx context.Context, db *gorm.DB, o Options) (*Stack, error) {
	en, err := rbac.NewEnforcer(db)
	if err != nil {
		return nil, err
	}
	en.AuditTx = gormstore.AuditInTx
	cat := gormstore.New(db)
	st := &Stack{DB: db, Catalog: cat, Authz: en, Accounts: acctstore.New(db, gormstore.AuditInTx), Calendar: workday.New(),
		Days: wdstore.New(db, gormstore.AuditInTx), Filings: fstore.New(db, gormstore.AuditInTx), Kiosk: kstore.New(db, gormstore.AuditInTx),
		Inspections: inspstore.New(db, gormstore.AuditInTx), opts: o}
	st.Requests = foistore.New(db, o.Box, st.Calendar, gormstore.AuditInTx)
	st.RequestDesk = &foi.Desk{Requests: st.Requests, Reviews: st.Requests, Units: cat, Calendar: st.Calendar, Days: st.Days,
		County: cat, AddressKey: throttle.ClientKey, IsScreen: o.IsScreen, Audit: cat.AuditChange,
		Applications:       throttle.New(db, "apply", o.Applications, time.Hour),
		ScreenApplications: throttle.New(db, "apply-screen", o.ScreenApplications, time.Hour),
		Lookups:            throttle.New(db, "status", o.StatusTries, time.Minute),
		MayReveal: func(by catalog.Actor, unit string) bool {
			ok, err := en.Allow(by.UserID, unit, rbac.ObjRequest, rbac.ActReveal)
			return err == nil && ok
		}}
	st.Orders = hstore.New(db, o.Box, st.Calendar, gormstore.AuditInTx)
	st.Hotline = &hotline.Desk{Orders: st.Orders, Knowledge: st.Orders, Announcements: st.Orders, Units: cat, Calendar: st.Calendar, AddressKey: throttle.ClientKey,
		Messages: throttle.New(db, "message", o.Applications, time.Hour), ScreenMessages: throttle.New(db, "message-screen", o.ScreenApplications, time.Hour),
		IsScreen: o.IsScreen, Lookups: throttle.New(db, "order-status", o.StatusTries, time.Minute)}
	// The orders' files live in a folder of their own: a publication's
	// removal, which counts only publications' attachments, never sees them.
	orderFiles := &attach.Store{Dir: filepath.Join(o.AttachmentDir, "orders"), MaxSize: o.MaxUpload, Log: o.Log}
	st.Hotline.Files, st.Hotline.Keep = st.Orders, orderFiles.Keep
	st.Hotline.OpenFile = func(a catalog.Attachment) (io.ReadCloser, error) { return orderFiles.Open(a) }
	st.Hotline.KnowledgeSearch = &hotline.KnowledgeSearch{Knowledge: st.Orders, Aliases: st.Kiosk.FindAliases}
	cat.AddMovers(st.Requests, st.Filings, st.Accounts, en, st.Kiosk, st.Orders)
	cat.AddHolders(st.Accounts, en, st.Filings, st.Requests, st.Kiosk, st.Inspections, st.Orders)
	st.Attachments = &attach.Store{Dir: o.AttachmentDir, MaxSize: o.MaxUpload, Pubs: cat, Log: o.Log}
	st.RequestDesk.Annuals, st.RequestDesk.Items, st.RequestDesk.Pubs = st.Requests, cat, cat
	st.RequestDesk.Attach = func(ctx context.Context, pubID int64, name string, r io.Reader, size int64, by catalog.Actor) error {
		_, err := st.Attachments.Save(ctx, pubID, name, r, size, by)
		return err
	}
	st.Inspect = &inspect.Desk{Units: cat, County: cat, Items: cat, Pubs: cat, Requests: st.Requests, Filings: st.Filings, Reports: st.Inspections,
		Text: st.Attachments.Text, Calendar: st.Calendar, Generation: o.Generation}
	st.Inspect.HotlineScores = func(ctx context.Context, from, to time.Time) (map[string]inspect.HotlineScore, error) {
		rs, err := st.Hotline.UnitRates(ctx, from, to)
		if err != nil {
			return nil, err
		}
		out := make(map[string]inspect.HotlineScore, len(rs))
		for u, r := range rs {
			out[u] = inspect.HotlineScore{Score: r.Weighted, Orders: r.Received, Deductions: 100 - r.Rates.Score}
		}
		return out, nil
	}
	signIn := &account.SignInDesk{Users: st.Accounts, AddressKey: throttle.ClientKey, Audit: cat.Audit,
		Addresses: throttle.New(db, "login", account.MaxAddressFailures, time.Minute),
		Pairs:     throttle.New(db, "pair", account.MaxFailedLogins, account.LockDuration),
		Accounts:  throttle.New(db, "account", account.CountyLockFailures, account.LockDuration),
		Notices:   throttle.New(db, "notice", 1<<30, account.NoticeWindow)}
	st.Sessions = &web.Sessions{Accounts: st.Accounts, Desk: signIn, Audit: cat.Audit, MustChange: o.MustChange}
	st.Access = &access.Desk{Users: st.Accounts, Grants: en, Units: cat}
	st.Catalogs = &sheet.CatalogDesk{Units: cat, Items: cat, Store: cat}
	st.Directory = &sheet.DirectoryDesk{Units: cat, Filings: st.Filings, Store: cat, County: cat}
	st.Notifier = &notify.Notifier{Rights: notifyRights{en}, Units: cat, Requests: st.RequestDesk, Pubs: cat, Items: cat, Reports: st.Inspections,
		Calendar: st.Calendar, Orders: st.Orders, Office: st.RequestDesk.Office}
	st.Digests = notestore.New(db)
	if err := st.Days.LoadInto(ctx, st.Calendar); err != nil {
		return nil, err
	}
	return st, nil
}

// RectifyDue is the rectification due date of a takedown made at now.
func (st *Stack) RectifyDue(now time.Time) (time.Time, error) {
	return st.Calendar.AddWorkdays(now.In(catalog.Shanghai), st.opts.RectifyWorkdays)
}

// API is what the JSON API is mounted with.
func (st *Stack) API() api.Deps {
	return api.Deps{County: st.Catalog, Units: st.Catalog, Lifecycle: st.Catalog, Reforms: st.Catalog, Items: st.Catalog, Pubs: st.Catalog, Accounts: st.Accounts, Authz: st.Authz, Sessions: st.Sessions,
		Access: st.Access, Audit: st.Catalog, Catalogs: st.Catalogs, Directory: st.Directory, Filings: st.Filings, Calendar: st.Calendar,
		Requests: st.Requests, RequestDesk: st.RequestDesk, Attachments: st.Attachments, Inspect: st.Inspect, RectifyDue: st.RectifyDue,
		Notices: st.Notifier, Hotline: st.Hotline}
}

// Admin is what the back office is mounted with; kiosk keeps the service
// points and aliases for it (the kiosk store itself when nil).
func (st *Stack) Admin(kiosk admin.KioskAdmin) admin.Deps {
	if kiosk == nil {
		kiosk = storeOnly{st.Kiosk}
	}
	return admin.Deps{Units: st.Catalog, Lifecycle: st.Catalog, Reforms: st.Catalog, Removal: st.Catalog, Items: st.Catalog, Pubs: st.Catalog, Accounts: st.Accounts, Authz: st.Authz, Audit: st.Catalog,
		Admins: st.Access, Import: st.Catalogs, Filings: st.Filings, UnitAccounts: st.Access.UnitAccounts, Directory: st.Directory,
		RectifyDue: st.RectifyDue, Sessions: st.Sessions, Attachments: st.Attachments, Kiosk: kiosk,
		County: st.Catalog, Requests: st.RequestDesk, Inspections: st.Inspect, Scores: st.Inspect, Notices: st.Notifier,
		Hotline: st.Hotline, Record: st.Catalog}
}

// SeedStores are what the seed loads data through.
func (st *Stack) SeedStores() seed.Stores {
	return seed.Stores{Catalog: st.Catalog, Accounts: st.Accounts, RBAC: st.Authz, Calendar: st.Calendar}
}

// notifyRights answers notify's questions from the role bindings.
type notifyRights struct{ en *rbac.Enforcer }

func (r notifyRights) Units(userID int64) ([]string, bool, error) {
	gs, err := r.en.GrantsOf(userID)
	if err != nil {
		return nil, false, err
	}
	var units []string
	county := false
	for _, g := range gs {
		if g.Unit == rbac.AllUnits {
			county = true
		} else {
			units = append(units, g.Unit)
		}
	}
	return units, county, nil
}

func (r notifyRights) Allowed(userID int64, unit string, right notify.Right) bool {
	if unit == notify.AllUnits {
		unit = rbac.AllUnits
	}
	var obj rbac.Object
	act := rbac.ActWrite
	switch right {
	case notify.HandleRequests:
		obj = rbac.ObjRequest
	case notify.WritePubs:
		obj = rbac.ObjPublication
	case notify.ReviewPubs:
		obj, act = rbac.ObjPublication, rbac.ActPublish
	case notify.IssueBulletins:
		obj = rbac.ObjInspection
	case notify.HandleOrders:
		obj = rbac.ObjOrder
	default:
		return false
	}
	ok, err := r.en.Allow(userID, unit, obj, act)
	return err == nil && ok
}

// storeOnly is the kiosk store as the back office's kiosk admin where no
// search index is held (the back office mounted alone, in tests).
type storeOnly struct{ *kstore.Store }

func (storeOnly) RebuildIndex(context.Context, catalog.Actor) error {
	return catalog.Errorf(catalog.EUNAVAILABLE, "本实例没有搜索索引")
}
