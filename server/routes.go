package main

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/admin"
	"gongkai/api"
	"gongkai/catalog"
	"gongkai/kiosk"
	"gongkai/web"
)

// routes mounts the three faces: the kiosk, the back office and the JSON
// API, each with its own route table naming each route's right.
func (s *server) routes(app *fiber.App) {
	app.Use(web.SecurityHeaders, web.ForgeryProtection, s.followWrites)
	app.Get("/healthz", s.handleHealth)
	app.Get("/readyz", s.handleReady)
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/kiosk/", fiber.StatusFound) })

	kiosk.Mount(app.Group("/kiosk"), s.kioskDeps())

	rectifyDue := func(now time.Time) (time.Time, error) {
		return s.calendar.AddWorkdays(now.In(catalog.Shanghai), s.cfg.RectifyWorkdays)
	}
	admin.Mount(app.Group("/admin", s.sessions.Load, web.NoStoreForPeople), admin.Deps{
		Units: s.units, Items: s.items, Pubs: s.pubs, Accounts: s.accounts, Authz: s.authz, Audit: s.catalog,
		Admins: s.access, Import: s.catalogs, Filings: s.filings, UnitAccounts: s.access.UnitAccounts, Directory: s.directory,
		RectifyDue: rectifyDue, Sessions: s.sessions, Attachments: s.attachments, Kiosk: kioskAdmin{s},
		Requests: s.foiDesk, Inspections: s.inspect, Scores: s.inspect,
	})

	api.Mount(app.Group("/api/v1", s.sessions.Load, web.NoStoreForPeople), api.Deps{
		Units: s.units, Items: s.items, Pubs: s.pubs, Accounts: s.accounts, Authz: s.authz, Sessions: s.sessions, Access: s.access,
		Audit: s.catalog, Catalogs: s.catalogs, Directory: s.directory, Filings: s.filings, Calendar: s.calendar,
		Requests: s.requests, RequestDesk: s.foiDesk, Attachments: s.attachments, Inspect: s.inspect, RectifyDue: rectifyDue,
	})
}

// publicWrites are the state-changing routes that need no authorisation.
var publicWrites = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range append(append(api.PublicWrites, admin.PublicWrites...), kiosk.PublicWrites...) {
		m[r] = true
	}
	return m
}()
