package main

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/admin"
	"gongkai/catalog"
	"gongkai/kiosk"
	"gongkai/rbac"
)

// routes mounts every route; the permission stands on the route line. Reads of
// published data are public; every state-changing route has a Require (a test
// walks this table).
func (s *server) routes(app *fiber.App) {
	app.Use(securityHeaders, forgeryProtection, s.followWrites)
	app.Get("/healthz", s.handleHealth)
	app.Get("/readyz", s.handleReady)
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/kiosk/", fiber.StatusFound) })

	kiosk.Mount(app.Group("/kiosk"), s.kioskDeps())

	admin.Mount(app.Group("/admin", s.withSession, noStoreForPeople), admin.Deps{
		Units: s.units, Items: s.items, Pubs: s.pubs, Accounts: s.accounts, Authz: s.authz, Audit: s.catalog, Admins: accountAdmin{s}, Import: catalogImporter{s},
		Filings: s.filings, UnitAccounts: s.unitAccounts, Directory: directoryImporter{s},
		RectifyDue: func(now time.Time) (time.Time, error) {
			return s.calendar.AddWorkdays(now.In(catalog.Shanghai), s.cfg.RectifyWorkdays)
		},
		SignIn:  s.signIn,
		SignOut: s.signOut,
		ChangePassword: func(c *fiber.Ctx, oldPassword, newPassword string) error {
			p, _ := rbac.PrincipalOf(c)
			return s.changeOwnPassword(c, p, oldPassword, newPassword)
		},
		Attachments: s.attachments,
		Kiosk:       kioskAdmin{s},
		Requests:    s.foiDesk, RequestUnit: s.requestUnit, RequestStepRight: requestStepRight,
		Inspections: s.inspect,
		Scores:      s.inspect,
	})

	itemUnit := rbac.ByID(catalog.UnitOfItem(s.items))
	pubUnit := rbac.ByID(catalog.UnitOfPublication(s.pubs))
	api := app.Group("/api/v1", s.withSession, noStoreForPeople)
	can := s.authz.Require

	// Sign-in is the one write anyone may attempt; signing out ends one's own session.
	api.Post("/session", s.handleSessionCreate)
	api.Get("/session", s.handleSessionShow)
	api.Delete("/session", s.handleSessionDelete)
	api.Put("/session/password", s.handleOwnPassword) // one's own, with the old password

	// The three separated administrators (三员分立): accounts, role bindings.
	api.Get("/users", can(rbac.ObjAccount, rbac.ActRead, rbac.County()), s.handleUserIndex)
	api.Post("/users", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), s.handleUserCreate)
	api.Put("/users/:id", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), s.handleUserUpdate)
	api.Post("/users/:id/password", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), s.handleUserPassword)
	api.Post("/users/:id/password/confirm", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), s.handleUserPasswordConfirm)
	api.Post("/users/:id/grants", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), s.handleGrantCreate)
	api.Delete("/users/:id/grants", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), s.handleGrantDelete)

	api.Get("/units", s.handleUnitIndex)
	api.Get("/units/:code", s.handleUnitShow)
	api.Put("/units/:code", can(rbac.ObjUnit, rbac.ActWrite, rbac.Param("code")), s.handleUnitUpdate)
	api.Get("/units/:code/filings", can(rbac.ObjUnit, rbac.ActRead, rbac.Param("code")), s.handleFilingIndex)
	api.Post("/units/:code/filings", can(rbac.ObjUnit, rbac.ActWrite, rbac.Param("code")), s.handleFilingCreate)
	api.Get("/units/:code/filings/consistency", can(rbac.ObjUnit, rbac.ActRead, rbac.Param("code")), s.handleFilingConsistency)
	api.Get("/filings/watch", can(rbac.ObjUnit, rbac.ActRead, rbac.County()), s.handleFilingWatch)
	api.Get("/directory.xlsx", can(rbac.ObjUnit, rbac.ActRead, rbac.County()), s.handleDirectoryExport)
	api.Post("/directory/import", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleDirectoryImport)
	api.Get("/domains", s.handleDomainIndex)
	api.Get("/domains/:code/template.xlsx", s.handleTemplateExport)
	api.Get("/units/:code/items", s.handleItemIndex)
	api.Get("/units/:code/catalog.xlsx", s.handleCatalogExport("xlsx"))
	api.Get("/units/:code/catalog.csv", s.handleCatalogExport("csv"))
	api.Post("/units/:code/catalog/import", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), s.handleCatalogImport)
	api.Post("/units/:code/items", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), s.handleItemCreate)
	api.Put("/units/:code/exemptions/:domain", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), s.handleExemptionUpdate)

	api.Get("/items/:id", s.handleItemShow)
	api.Put("/items/:id", can(rbac.ObjCatalog, rbac.ActWrite, itemUnit), s.handleItemUpdate)
	api.Delete("/items/:id", can(rbac.ObjCatalog, rbac.ActWrite, itemUnit), s.handleItemRetire)
	api.Get("/items/:id/history", can(rbac.ObjCatalog, rbac.ActRead, itemUnit), s.handleItemHistory)
	api.Get("/items/:id/publications", s.handlePubIndex)
	api.Post("/items/:id/publications", can(rbac.ObjPublication, rbac.ActWrite, itemUnit), s.handlePubCreate)

	api.Get("/publications/:id", s.handlePubShow)
	api.Put("/publications/:id", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handlePubUpdate)
	// A workflow step needs the right its cell of catalog.Workflow names.
	api.Post("/publications/:id/:action<regex(^(submit|approve|reject|takedown|rectify|withdraw)$)>",
		s.authz.RequireFunc(rbac.ObjPublication, rbac.StepRight(catalog.StatusOfPublication(s.pubs)), pubUnit), s.handlePubStep)
	api.Post("/publications/:id/revise", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handlePubRevise)
	api.Get("/publications/:id/events", can(rbac.ObjPublication, rbac.ActRead, pubUnit), s.handlePubEvents)
	api.Get("/publications/:id/privacy", can(rbac.ObjPublication, rbac.ActRead, pubUnit), s.handlePubPrivacy)
	api.Get("/units/:code/publications", can(rbac.ObjPublication, rbac.ActRead, rbac.Param("code")), s.handleUnitPubIndex)
	api.Post("/publications/:id/attachments", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handleAttachmentCreate)
	api.Delete("/publications/:id/attachments/:att", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handleAttachmentDelete)
	api.Get("/attachments/:id", s.handleAttachmentShow)

	// Disclosure requests: anyone may apply and look up their request's
	// status with its number and phone; the rest is the handling unit's.
	api.Post("/requests", s.handleRequestCreate)
	api.Post("/requests/register", can(rbac.ObjRequest, rbac.ActWrite, requestBodyUnit), s.handleRequestRegister)
	api.Get("/requests/status", s.handleRequestStatus)
	api.Get("/requests", can(rbac.ObjRequest, rbac.ActRead, rbac.Query("unit")), s.handleRequestIndex)
	api.Get("/requests/:number", can(rbac.ObjRequest, rbac.ActRead, s.requestUnit), s.handleRequestShow)
	api.Post("/requests/:number/:action", s.authz.RequireFunc(rbac.ObjRequest, requestStepRight, s.requestUnit), s.handleRequestStep)
	api.Get("/reports/annual", can(rbac.ObjRequest, rbac.ActRead, rbac.Query("unit")), s.handleAnnualReport)

	// Inspection: inspectors and the county office read and issue reports.
	api.Get("/inspections/:quarter", can(rbac.ObjInspection, rbac.ActRead, rbac.County()), s.handleInspectionShow)
	api.Get("/inspections/:quarter/bulletin.xlsx", can(rbac.ObjInspection, rbac.ActRead, rbac.County()), s.handleBulletinExport)
	api.Post("/inspections/:quarter/issue", can(rbac.ObjInspection, rbac.ActWrite, rbac.County()), s.handleInspectionIssue)
	api.Get("/scores/:year", can(rbac.ObjInspection, rbac.ActRead, rbac.County()), s.handleScores)
	api.Post("/scores/:year/entries", can(rbac.ObjInspection, rbac.ActWrite, rbac.County()), s.handleScoreEntry)

	api.Get("/calendar/:year", s.handleCalendarShow)
	api.Put("/calendar/:year", can(rbac.ObjCalendar, rbac.ActWrite, rbac.County()), s.handleCalendarUpdate)
	api.Get("/workdays", s.handleWorkdays)

	api.Get("/audit", can(rbac.ObjAudit, rbac.ActRead, rbac.Query("unit")), s.handleAuditIndex)
	api.Get("/audit/export", can(rbac.ObjAudit, rbac.ActRead, rbac.Query("unit")), s.handleAuditExport)
}

// publicWrites are the state-changing routes that need no authorisation.
var publicWrites = func() map[string]bool {
	m := map[string]bool{
		"POST /api/v1/session":         true,
		"DELETE /api/v1/session":       true,
		"PUT /api/v1/session/password": true,
		"POST /api/v1/requests":        true, // an application, by anyone
	}
	for _, r := range append(admin.PublicWrites, kiosk.PublicWrites...) {
		m[r] = true
	}
	return m
}()
