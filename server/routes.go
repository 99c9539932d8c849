package main

import (
	"github.com/gofiber/fiber/v2"

	"gongkai/admin"
	"gongkai/api"
	"gongkai/kiosk"
	"gongkai/open311"
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

	ad := s.stack.Admin(kioskAdmin{s})
	ad.Mail = s.cfg.SMTP.Addr != ""
	admin.Mount(app.Group("/admin", s.sessions.Load, web.NoStoreForPeople), ad)
	apiDeps := s.stack.API()
	apiDeps.Search = s.search
	api.Mount(app.Group("/api/v1", s.sessions.Load, web.NoStoreForPeople), apiDeps)
	open311.Mount(app.Group("/open311/v2"), open311.Deps{Hotline: s.stack.Hotline, Keys: s.stack.Orders, Units: s.stack.Catalog})
}

// publicWrites are the state-changing routes that need no authorisation.
var publicWrites = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range append(append(append(api.PublicWrites, admin.PublicWrites...), kiosk.PublicWrites...), open311.PublicWrites...) {
		m[r] = true
	}
	return m
}()
