// Package api is the JSON API under /api/v1: its route table (routes.go,
// one line per route naming its right) and its handlers. The handlers read
// the request, call a service with the acting person, and answer JSON; an
// error goes back up as a coded catalog.Error, which WriteError renders
// as JSON once weberr has classified it. No store and no SQL here.
package api

import (
	"context"
	"time"

	"gongkai/access"
	"gongkai/account"
	"gongkai/attach"
	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/hotline"
	"gongkai/inspect"
	"gongkai/notify"
	"gongkai/rbac"
	"gongkai/search"
	"gongkai/web"
	"gongkai/weberr"
	"gongkai/workday"

	"github.com/gofiber/fiber/v2"
)

// Deps are the services the API calls.
type Deps struct {
	// County is the county's identity.
	County catalog.CountyService
	Units  catalog.UnitService
	// Lifecycle creates, renames and extends units.
	Lifecycle catalog.UnitLifecycle
	// Reforms carries out institutional reforms (机构改革).
	Reforms  catalog.UnitReforms
	Items    catalog.ItemService
	Pubs     catalog.PublicationService
	Accounts account.Service
	Authz    *rbac.Enforcer
	// Sessions signs people in and out; Access is the administrators' desk.
	Sessions *web.Sessions
	Access   *access.Desk
	// Audit reads the audit log and records what is read out of it.
	Audit interface {
		FindAudit(ctx context.Context, f catalog.AuditFilter) ([]catalog.AuditEntry, error)
		Audit(ctx context.Context, by catalog.Actor, unit, obj, action string, target any, detail string) error
	}
	// Catalogs imports and exports catalogues; Directory the unit directory.
	Catalogs  *sheet.CatalogDesk
	Directory *sheet.DirectoryDesk
	Filings   filing.Service
	Calendar  *workday.Calendar
	// Requests are the disclosure requests, RequestDesk their procedure.
	Requests    foi.Service
	RequestDesk *foi.Desk
	Attachments *attach.Store
	// Hotline is the 12345 hotline's desk (work orders).
	Hotline *hotline.Desk
	Inspect *inspect.Desk
	// RectifyDue gives the rectification due date of a takedown made at now.
	RectifyDue func(now time.Time) (time.Time, error)
	// Notices gathers what waits for the signed-in person (notify.Notifier).
	Notices interface {
		For(ctx context.Context, u account.User, now time.Time) ([]notify.Notice, error)
	}
	// Search is the kiosk's search index (search.Holder), for the JSON
	// search API.
	Search interface {
		SearchPage(ctx context.Context, q string, f search.Filter) (search.Page, error)
	}
}

type handlers struct {
	Deps
	itemLists listCache
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// WriteError answers a classified error as the API does: its status and
// the JSON body with its code, message and field.
func WriteError(c *fiber.Ctx, p weberr.Problem) error {
	var body ErrorBody
	body.Error.Code, body.Error.Message, body.Error.Field = p.Code, p.Message, p.Field
	return c.Status(p.Status).JSON(body)
}
