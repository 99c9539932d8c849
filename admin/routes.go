package admin

import (
	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

// Mount adds the back office to r (mounted at /admin behind the session
// middleware). The permission stands on each route line; the server's
// route-table test checks that every state-changing one has one.
func Mount(r fiber.Router, d Deps) {
	h := handler{Deps: d, fresh: &freshCache{m: map[string]freshCounts{}}}
	can := d.Authz.Require
	itemUnit := rbac.ByID(catalog.UnitOfItem(d.Items))
	pubUnit := rbac.ByID(catalog.UnitOfPublication(d.Pubs))
	requestUnit := web.RequestUnit(d.Requests.Find)
	// formUnit is the unit a registration form is for: its unit field, the
	// office that receives applications by default.
	formUnit := func(c *fiber.Ctx) (string, error) {
		if u := c.FormValue("unit"); u != "" {
			return u, nil
		}
		return d.Requests.Office(c.UserContext())
	}
	r.Use("/static", staticHandler())

	r.Get("/login", h.handleLoginForm)
	r.Post("/login", h.handleLogin)   // anyone may try to sign in
	r.Post("/logout", h.handleLogout) // ends one's own session
	r.Get("/password", h.signedIn, h.handlePasswordForm)
	r.Post("/password", h.handlePassword) // one's own, with the old password
	r.Get("/account", h.signedIn, h.handleAccountForm)
	r.Post("/account", h.handleAccount) // one's own e-mail for the daily digest

	r.Get("/", h.signedIn, h.handleDashboard)
	r.Get("/review", h.signedIn, h.handleReview)
	r.Get("/takedowns", h.signedIn, h.handleTakedowns)
	r.Get("/users", h.signedIn, can(rbac.ObjAccount, rbac.ActRead, rbac.County()), h.handleUsers)
	r.Post("/users", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), h.handleUserCreate)
	r.Post("/users/:id/disabled", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), h.handleUserDisable)
	r.Post("/users/:id/password", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), h.handleUserReset)
	r.Post("/users/:id/password/confirm", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), h.handleUserResetConfirm)
	r.Post("/users/:id/grants", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), h.handleGrant)
	r.Post("/units/:code/facts", can(rbac.ObjUnit, rbac.ActWrite, rbac.Param("code")), h.handleUnitFacts)
	r.Get("/units/:code/filings", h.signedIn, can(rbac.ObjUnit, rbac.ActRead, rbac.Param("code")), h.handleFilings)
	r.Post("/units/:code/filings", can(rbac.ObjUnit, rbac.ActWrite, rbac.Param("code")), h.handleFilingCreate)
	r.Get("/county", h.signedIn, can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleCounty)
	r.Get("/calendar", h.signedIn, can(rbac.ObjCalendar, rbac.ActWrite, rbac.County()), h.handleCalendar)
	r.Post("/calendar", can(rbac.ObjCalendar, rbac.ActWrite, rbac.County()), h.handleCalendarSave)
	r.Post("/county", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleCountySave)
	r.Post("/units", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleUnitCreate)
	r.Post("/units/:code/domains", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleUnitDomains)
	r.Post("/units/:code/rename", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleUnitRename)
	r.Post("/units/:code/delete", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleUnitDelete)
	r.Post("/reforms/plan", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleReformPlan)
	r.Post("/reforms", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleReformCreate)
	r.Get("/directory", h.signedIn, can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleDirectory)
	r.Post("/directory/import", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleDirectoryPreview)
	r.Post("/directory/import/commit", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), h.handleDirectoryCommit)
	r.Get("/filings/watch", h.signedIn, can(rbac.ObjUnit, rbac.ActRead, rbac.County()), h.handleWatch)
	r.Get("/filings/:id/print", h.signedIn, can(rbac.ObjUnit, rbac.ActRead, h.filingUnit), h.handleFilingPrint)
	r.Get("/requests", h.signedIn, h.ownRequests, can(rbac.ObjRequest, rbac.ActRead, rbac.Query("unit")), h.handleRequests)
	r.Get("/requests/new", h.signedIn, h.ownRequests, can(rbac.ObjRequest, rbac.ActWrite, rbac.Query("unit")), h.handleRequestNew)
	r.Post("/requests", can(rbac.ObjRequest, rbac.ActWrite, formUnit), h.handleRequestRegister)
	r.Get("/requests/:number", h.signedIn, can(rbac.ObjRequest, rbac.ActRead, requestUnit), h.handleRequest)
	r.Get("/requests/:number/letter", h.signedIn, can(rbac.ObjRequest, rbac.ActRead, requestUnit), h.handleRequestLetter)
	r.Get("/requests/:number/notices/:id", h.signedIn, can(rbac.ObjRequest, rbac.ActRead, requestUnit), h.handleRequestNotice)
	// Only the county office (its own staff, or a county-wide role)
	// reassigns a request to another unit.
	officeUnit := func(c *fiber.Ctx) (string, error) { return d.Requests.Office(c.UserContext()) }
	r.Post("/requests/:number/reassign", can(rbac.ObjRequest, rbac.ActWrite, officeUnit), h.handleRequestReassign)
	r.Post("/requests/:number/:action", d.Authz.RequireFunc(rbac.ObjRequest, web.RequestStepRight, requestUnit), h.handleRequestStep)
	// The 12345 hotline: the county office's desk and a unit's inbox, each
	// step's right as in the API (a reply is the unit head's); its
	// settings: the knowledge base (an entry's unit's, or the office's for
	// the county's own) and the 领导接听 days (the office's).
	orders := web.OrderUnits{Authz: d.Authz, Office: d.Requests.Office, Desk: d.Hotline}
	r.Get("/hotline", h.signedIn, can(rbac.ObjOrder, rbac.ActWrite, officeUnit), h.handleHotline)
	r.Post("/hotline/knowledge", can(rbac.ObjOrder, rbac.ActWrite, formUnit), h.handleKnowledgeCreate)
	r.Post("/hotline/knowledge/:id/delete", can(rbac.ObjOrder, rbac.ActWrite, orders.Entry), h.handleKnowledgeDelete)
	r.Post("/hotline/announcements", can(rbac.ObjOrder, rbac.ActWrite, officeUnit), h.handleAnnouncementCreate)
	r.Post("/hotline/announcements/:id/delete", can(rbac.ObjOrder, rbac.ActWrite, officeUnit), h.handleAnnouncementDelete)
	r.Get("/orders", h.signedIn, h.ownOrders, can(rbac.ObjOrder, rbac.ActRead, orders.List), h.handleOrders)
	r.Post("/orders", can(rbac.ObjOrder, rbac.ActWrite, officeUnit), h.handleOrderCreate)
	r.Get("/orders/:number", h.signedIn, can(rbac.ObjOrder, rbac.ActRead, orders.Read), h.handleOrder)
	r.Post("/orders/:number/files", can(rbac.ObjOrder, rbac.ActWrite, orders.Read), h.handleOrderFile)
	r.Post("/orders/:number/:action<regex(^(direct|transfer|return|claim|reply|redo|close|callback|remind|supervise|extend|leak|withhold)$)>",
		d.Authz.RequireFunc(rbac.ObjOrder, web.OrderStepRight, orders.Action), h.handleOrderStep)
	r.Get("/reports/annual", h.signedIn, can(rbac.ObjRequest, rbac.ActRead, rbac.Query("unit")), h.handleAnnual)
	r.Post("/reports/annual/reviews", can(rbac.ObjRequest, rbac.ActWrite, formUnit), h.handleReviewCounts)
	r.Post("/reports/annual/parts", can(rbac.ObjPublication, rbac.ActWrite, formUnit), h.handleAnnualParts)
	r.Post("/reports/annual/draft", can(rbac.ObjPublication, rbac.ActWrite, formUnit), h.handleAnnualDraft)
	r.Get("/inspections", h.signedIn, can(rbac.ObjInspection, rbac.ActRead, rbac.County()), h.handleInspection)
	r.Get("/inspections/overview", h.signedIn, can(rbac.ObjInspection, rbac.ActRead, rbac.County()), h.handleOverview)
	r.Get("/inspections/:quarter", h.signedIn, can(rbac.ObjInspection, rbac.ActRead, rbac.County()), h.handleInspection)
	r.Get("/scores/:year", h.signedIn, can(rbac.ObjInspection, rbac.ActRead, rbac.County()), h.handleScores)
	r.Post("/scores/:year/entries", can(rbac.ObjInspection, rbac.ActWrite, rbac.County()), h.handleScoreEntry)
	r.Post("/inspections/:quarter/issue", can(rbac.ObjInspection, rbac.ActWrite, rbac.County()), h.handleInspectionIssue)
	r.Get("/kiosk", h.signedIn, can(rbac.ObjKiosk, rbac.ActRead, rbac.County()), h.handleKiosk)
	r.Post("/kiosk/points", can(rbac.ObjKiosk, rbac.ActWrite, rbac.County()), h.handlePointSave)
	r.Post("/kiosk/aliases", can(rbac.ObjKiosk, rbac.ActWrite, rbac.County()), h.handleAliasesSave)
	r.Post("/kiosk/reindex", can(rbac.ObjKiosk, rbac.ActWrite, rbac.County()), h.handleReindex)
	r.Get("/audit", h.signedIn, can(rbac.ObjAudit, rbac.ActRead, rbac.County()), h.handleAudit)
	r.Get("/units/:code", h.signedIn, can(rbac.ObjCatalog, rbac.ActRead, rbac.Param("code")), h.handleUnit)

	r.Get("/units/:code/completeness", h.signedIn, can(rbac.ObjCatalog, rbac.ActRead, rbac.Param("code")), h.handleCompleteness)
	r.Get("/units/:code/exemptions", h.signedIn, can(rbac.ObjCatalog, rbac.ActRead, rbac.Param("code")), h.handleExemptions)
	r.Post("/units/:code/exemptions", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), h.handleExemptionSave)
	r.Get("/units/:code/import", h.signedIn, can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), h.handleImportForm)
	r.Post("/units/:code/import", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), h.handleImportPreview)
	r.Post("/units/:code/import/commit", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), h.handleImportCommit)
	r.Get("/units/:code/items/new", h.signedIn, can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), h.handleItemNew)
	r.Post("/units/:code/items", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), h.handleItemCreate)
	r.Get("/items/:id", h.signedIn, can(rbac.ObjCatalog, rbac.ActRead, itemUnit), h.handleItemShow)
	r.Post("/items/:id", can(rbac.ObjCatalog, rbac.ActWrite, itemUnit), h.handleItemUpdate)
	r.Post("/items/:id/retire", can(rbac.ObjCatalog, rbac.ActWrite, itemUnit), h.handleItemRetire)
	r.Get("/items/:id/publications/new", h.signedIn, can(rbac.ObjPublication, rbac.ActWrite, itemUnit), h.handlePubNew)
	r.Post("/items/:id/publications", can(rbac.ObjPublication, rbac.ActWrite, itemUnit), h.handlePubCreate)
	// Before /publications/:id: a leader approves several at once.
	r.Post("/publications/approve", can(rbac.ObjPublication, rbac.ActPublish, rbac.ByIDs(web.BatchIDs, catalog.UnitOfPublication(d.Pubs))), h.handleApproveMany)
	r.Get("/policies", h.signedIn, can(rbac.ObjPublication, rbac.ActRead, rbac.Query("unit")), h.handlePolicyLookup)
	r.Get("/search", h.signedIn, h.ownSearch, can(rbac.ObjPublication, rbac.ActRead, rbac.Query("unit")), h.handlePubSearch)
	r.Get("/publications/:id", h.signedIn, can(rbac.ObjPublication, rbac.ActRead, pubUnit), h.handlePubShow)
	r.Post("/publications/:id", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), h.handlePubUpdate)
	r.Post("/publications/:id/attachments", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), h.handleAttachment)
	r.Post("/publications/:id/attachments/:att/delete", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), h.handleAttachmentDelete)
	r.Post("/publications/:id/revise", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), h.handleRevise)
	r.Post("/publications/:id/delete", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), h.handlePubDelete)
	r.Post("/publications/:id/:action<regex(^(submit|approve|reject|takedown|rectify|withdraw)$)>",
		d.Authz.RequireFunc(rbac.ObjPublication, rbac.StepRight(catalog.StatusOfPublication(d.Pubs)), pubUnit), h.handlePubStep)
}

// PublicWrites are the back office's state-changing routes that need no
// authorisation check.
var PublicWrites = []string{"POST /admin/login", "POST /admin/logout", "POST /admin/password", "POST /admin/account"}
