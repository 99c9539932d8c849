package api

import (
	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

// Mount adds the API to r (mounted at /api/v1 behind the session
// middleware). The permission stands on each route line; reads of published
// data are public, and every state-changing route but those in PublicWrites
// has a Require (the server's route-table test walks it).
func Mount(r fiber.Router, d Deps) {
	s := &handlers{Deps: d}
	can := d.Authz.Require
	itemUnit := rbac.ByID(catalog.UnitOfItem(d.Items))
	pubUnit := rbac.ByID(catalog.UnitOfPublication(d.Pubs))
	requestUnit := web.RequestUnit(d.Requests.Find)

	// Sign-in is the one write anyone may attempt; signing out ends one's own session.
	r.Post("/session", s.handleSessionCreate)
	r.Get("/session", s.handleSessionShow)
	r.Delete("/session", s.handleSessionDelete)
	r.Put("/session/password", s.handleOwnPassword) // one's own, with the old password
	r.Put("/session/email", s.handleOwnEmail)       // one's own digest address
	r.Get("/notices", s.handleNotices)              // what waits for the signed-in person

	// The three separated administrators (三员分立): accounts, role bindings.
	r.Get("/users", can(rbac.ObjAccount, rbac.ActRead, rbac.County()), s.handleUserIndex)
	r.Post("/users", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), s.handleUserCreate)
	r.Put("/users/:id", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), s.handleUserUpdate)
	r.Post("/users/:id/password", can(rbac.ObjAccount, rbac.ActWrite, rbac.County()), s.handleUserPassword)
	r.Post("/users/:id/password/confirm", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), s.handleUserPasswordConfirm)
	r.Post("/users/:id/grants", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), s.handleGrantCreate)
	r.Delete("/users/:id/grants", can(rbac.ObjRole, rbac.ActWrite, rbac.County()), s.handleGrantDelete)

	r.Get("/county", s.handleCountyShow)
	r.Put("/county", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleCountyUpdate)
	r.Get("/search", s.handleSearch) // public data only
	r.Get("/units", s.handleUnitIndex)
	r.Post("/units", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleUnitCreate)
	r.Post("/units/:code/domains", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleUnitDomains)
	r.Post("/units/:code/rename", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleUnitRename)
	r.Delete("/units/:code", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleUnitDelete)
	r.Get("/reforms", can(rbac.ObjUnit, rbac.ActRead, rbac.County()), s.handleReformIndex)
	r.Post("/reforms", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleReformCreate)
	r.Get("/units/:code", s.handleUnitShow)
	r.Put("/units/:code", can(rbac.ObjUnit, rbac.ActWrite, rbac.Param("code")), s.handleUnitUpdate)
	r.Get("/units/:code/filings", can(rbac.ObjUnit, rbac.ActRead, rbac.Param("code")), s.handleFilingIndex)
	r.Post("/units/:code/filings", can(rbac.ObjUnit, rbac.ActWrite, rbac.Param("code")), s.handleFilingCreate)
	r.Get("/units/:code/filings/consistency", can(rbac.ObjUnit, rbac.ActRead, rbac.Param("code")), s.handleFilingConsistency)
	r.Get("/filings/watch", can(rbac.ObjUnit, rbac.ActRead, rbac.County()), s.handleFilingWatch)
	r.Get("/directory.xlsx", can(rbac.ObjUnit, rbac.ActRead, rbac.County()), s.handleDirectoryExport)
	r.Post("/directory/import", can(rbac.ObjUnit, rbac.ActWrite, rbac.County()), s.handleDirectoryImport)
	r.Get("/domains", s.handleDomainIndex)
	r.Get("/domains/:code/template.xlsx", s.handleTemplateExport)
	r.Get("/units/:code/items", s.handleItemIndex)
	r.Get("/units/:code/catalog.xlsx", s.handleCatalogExport("xlsx"))
	r.Get("/units/:code/catalog.csv", s.handleCatalogExport("csv"))
	r.Post("/units/:code/catalog/import", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), s.handleCatalogImport)
	r.Post("/units/:code/items", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), s.handleItemCreate)
	r.Get("/units/:code/completeness", can(rbac.ObjCatalog, rbac.ActRead, rbac.Param("code")), s.handleCompleteness)
	r.Put("/units/:code/exemptions/:domain", can(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code")), s.handleExemptionUpdate)

	r.Get("/items/:id", s.handleItemShow)
	r.Put("/items/:id", can(rbac.ObjCatalog, rbac.ActWrite, itemUnit), s.handleItemUpdate)
	r.Delete("/items/:id", can(rbac.ObjCatalog, rbac.ActWrite, itemUnit), s.handleItemRetire)
	r.Get("/items/:id/history", can(rbac.ObjCatalog, rbac.ActRead, itemUnit), s.handleItemHistory)
	r.Get("/items/:id/publications", s.handlePubIndex)
	r.Post("/items/:id/publications", can(rbac.ObjPublication, rbac.ActWrite, itemUnit), s.handlePubCreate)

	r.Get("/publications", can(rbac.ObjPublication, rbac.ActRead, rbac.Query("unit")), s.handlePubSearch)
	r.Get("/publications/:id", s.handlePubShow)
	r.Put("/publications/:id", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handlePubUpdate)
	// A workflow step needs the right its cell of catalog.Workflow names.
	r.Post("/publications/:id/:action<regex(^(submit|approve|reject|takedown|rectify|withdraw)$)>",
		d.Authz.RequireFunc(rbac.ObjPublication, rbac.StepRight(catalog.StatusOfPublication(d.Pubs)), pubUnit), s.handlePubStep)
	// A leader approves several at once, each checked and audited as one.
	r.Post("/publications/approve", can(rbac.ObjPublication, rbac.ActPublish, rbac.ByIDs(web.BatchIDs, catalog.UnitOfPublication(d.Pubs))), s.handlePubApproveMany)
	r.Post("/publications/:id/revise", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handlePubRevise)
	r.Get("/publications/:id/events", can(rbac.ObjPublication, rbac.ActRead, pubUnit), s.handlePubEvents)
	r.Get("/publications/:id/privacy", can(rbac.ObjPublication, rbac.ActRead, pubUnit), s.handlePubPrivacy)
	r.Get("/units/:code/publications", can(rbac.ObjPublication, rbac.ActRead, rbac.Param("code")), s.handleUnitPubIndex)
	r.Post("/publications/:id/attachments", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handleAttachmentCreate)
	r.Delete("/publications/:id/attachments/:att", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handleAttachmentDelete)
	r.Get("/attachments/:id", s.handleAttachmentShow)
	r.Delete("/attachments/:id", can(rbac.ObjPublication, rbac.ActWrite, rbac.ByID(catalog.UnitOfAttachment(d.Pubs))), s.handleAttachmentDeleteByID)
	// A draft never submitted may be deleted by its unit's staff.
	r.Delete("/publications/:id", can(rbac.ObjPublication, rbac.ActWrite, pubUnit), s.handlePubDelete)

	// Disclosure requests: anyone may apply and look up their request's
	// status with its number and phone; the rest is the handling unit's.
	r.Post("/requests", s.handleRequestCreate)
	r.Post("/requests/register", can(rbac.ObjRequest, rbac.ActWrite, s.requestBodyUnit), s.handleRequestRegister)
	r.Get("/requests/status", s.handleRequestStatus)
	r.Get("/requests", can(rbac.ObjRequest, rbac.ActRead, rbac.Query("unit")), s.handleRequestIndex)
	r.Get("/requests/:number", can(rbac.ObjRequest, rbac.ActRead, requestUnit), s.handleRequestShow)
	r.Get("/requests/:number/notices", can(rbac.ObjRequest, rbac.ActRead, requestUnit), s.handleRequestNotices)
	r.Get("/reports/annual/status", can(rbac.ObjRequest, rbac.ActRead, rbac.County()), s.handleAnnualStatus)
	r.Get("/units/:code/annual/:year", can(rbac.ObjRequest, rbac.ActRead, rbac.Param("code")), s.handleAnnualDoc)
	r.Get("/units/:code/annual/:year/report.docx", can(rbac.ObjRequest, rbac.ActRead, rbac.Param("code")), s.handleAnnualDOCX)
	r.Put("/units/:code/annual/:year", can(rbac.ObjPublication, rbac.ActWrite, rbac.Param("code")), s.handleAnnualSave)
	r.Post("/units/:code/annual/:year/draft", can(rbac.ObjPublication, rbac.ActWrite, rbac.Param("code")), s.handleAnnualDraft)
	// Only the county office (its own staff, or a county-wide role)
	// reassigns a request to another unit.
	officeUnit := func(c *fiber.Ctx) (string, error) { return d.RequestDesk.Office(c.UserContext()) }
	r.Post("/requests/:number/reassign", can(rbac.ObjRequest, rbac.ActWrite, officeUnit), s.handleRequestReassign)
	r.Post("/requests/:number/:action", d.Authz.RequireFunc(rbac.ObjRequest, web.RequestStepRight, requestUnit), s.handleRequestStep)
	r.Get("/reports/annual", can(rbac.ObjRequest, rbac.ActRead, rbac.Query("unit")), s.handleAnnualReport)

	// The 12345 hotline and 政民互动: the county office takes calls and
	// dispatches them; a unit claims, sends back and (its head) replies; the
	// office checks, closes and calls back. Residents leave messages and
	// follow them by number and proof; published answers are public.
	r.Post("/orders", can(rbac.ObjOrder, rbac.ActWrite, officeUnit), s.handleOrderCreate)
	orders := s.orders()
	r.Get("/orders", can(rbac.ObjOrder, rbac.ActRead, orders.List), s.handleOrderIndex)
	r.Get("/orders/:number", can(rbac.ObjOrder, rbac.ActRead, orders.Read), s.handleOrderShow)
	r.Post("/orders/:number/:action<regex(^(direct|transfer|return|claim|reply|redo|close|callback|remind|supervise|extend|leak|withhold)$)>",
		d.Authz.RequireFunc(rbac.ObjOrder, web.OrderStepRight, orders.Action), s.handleOrderStep)
	r.Post("/orders/:number/files", can(rbac.ObjOrder, rbac.ActWrite, orders.Read), s.handleOrderFileCreate)
	r.Get("/order-files/:id", can(rbac.ObjOrder, rbac.ActRead, orders.File), s.handleOrderFileShow)
	r.Get("/hotline/rates", can(rbac.ObjOrder, rbac.ActRead, orders.List), s.handleHotlineRates)
	r.Get("/hotline/bulletin.xlsx", can(rbac.ObjOrder, rbac.ActRead, officeUnit), s.handleHotlineBulletin)
	r.Get("/hotline/rules", s.handleHotlineRules)
	r.Put("/hotline/rules", can(rbac.ObjOrder, rbac.ActPublish, rbac.County()), s.handleHotlineRulesUpdate)
	r.Get("/hotline/announcements", s.handleAnnouncementIndex) // public: 领导接听 days
	r.Post("/hotline/announcements", can(rbac.ObjOrder, rbac.ActWrite, officeUnit), s.handleAnnouncementCreate)
	r.Delete("/hotline/announcements/:id", can(rbac.ObjOrder, rbac.ActWrite, officeUnit), s.handleAnnouncementDelete)
	r.Get("/knowledge", s.handleKnowledgeIndex) // public: answers residents may reuse
	r.Post("/knowledge", can(rbac.ObjOrder, rbac.ActWrite, s.requestBodyUnit), s.handleKnowledgeCreate)
	r.Put("/knowledge/:id", can(rbac.ObjOrder, rbac.ActWrite, orders.Entry), s.handleKnowledgeUpdate)
	r.Delete("/knowledge/:id", can(rbac.ObjOrder, rbac.ActWrite, orders.Entry), s.handleKnowledgeDelete)
	r.Post("/messages", s.handleMessageCreate)
	r.Get("/messages/status", s.handleMessageStatus)
	r.Get("/messages", s.handleMessageIndex)

	// Inspection: inspectors and the county office read and issue reports.
	r.Get("/inspections/:quarter", can(rbac.ObjInspection, rbac.ActRead, rbac.County()), s.handleInspectionShow)
	r.Get("/inspections/:quarter/bulletin.xlsx", can(rbac.ObjInspection, rbac.ActRead, rbac.County()), s.handleBulletinExport)
	r.Post("/inspections/:quarter/issue", can(rbac.ObjInspection, rbac.ActWrite, rbac.County()), s.handleInspectionIssue)
	r.Get("/scores/:year", can(rbac.ObjInspection, rbac.ActRead, rbac.County()), s.handleScores)
	r.Post("/scores/:year/entries", can(rbac.ObjInspection, rbac.ActWrite, rbac.County()), s.handleScoreEntry)

	r.Get("/calendar/:year", s.handleCalendarShow)
	r.Put("/calendar/:year", can(rbac.ObjCalendar, rbac.ActWrite, rbac.County()), s.handleCalendarUpdate)
	r.Get("/workdays", s.handleWorkdays)

	r.Get("/audit", can(rbac.ObjAudit, rbac.ActRead, rbac.Query("unit")), s.handleAuditIndex)
	r.Get("/audit/export", can(rbac.ObjAudit, rbac.ActRead, rbac.Query("unit")), s.handleAuditExport)
}

// PublicWrites are the API's state-changing routes that need no
// authorisation.
var PublicWrites = []string{
	"POST /api/v1/session",
	"DELETE /api/v1/session",
	"PUT /api/v1/session/password",
	"PUT /api/v1/session/email",
	"POST /api/v1/requests", // an application, by anyone
	"POST /api/v1/messages", // a resident's message to the hotline
}
