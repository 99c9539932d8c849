package api

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
	"gongkai/weberr"
)

// parseDay reads a date as 2006-01-02 (Asia/Shanghai) or RFC 3339.
func parseDay(field, label, v string) (time.Time, error) { return catalog.ParseDay(field, label, v) }

// pubInput is the JSON body of a publication create or update.
type pubInput struct {
	catalog.PublicationInput
	// Read-only fields of a publication's JSON, accepted and ignored so a
	// client may GET, change and PUT it back.
	ID             json.RawMessage `json:"id"`
	IndexNo        json.RawMessage `json:"index_no"`
	UnitCode       json.RawMessage `json:"unit_code"`
	ItemID         json.RawMessage `json:"item_id"`
	ItemName       json.RawMessage `json:"item_name"`
	Attachments    json.RawMessage `json:"attachments"`
	Views          json.RawMessage `json:"views"`
	Status         json.RawMessage `json:"status"`
	StatusName     json.RawMessage `json:"status_name"`
	StatusReason   json.RawMessage `json:"status_reason"`
	StatusNote     json.RawMessage `json:"status_note"`
	TakedownReason json.RawMessage `json:"takedown_reason"`
	RectifyDue     json.RawMessage `json:"rectify_due"`
	SubmittedBy    json.RawMessage `json:"submitted_by"`
	ApprovedBy     json.RawMessage `json:"approved_by"`
	CreatedBy      json.RawMessage `json:"created_by"`
	UpdatedAt      json.RawMessage `json:"updated_at"`
}

func (in pubInput) toPublication(itemID int64) (catalog.Publication, error) {
	return in.PublicationInput.Parse(itemID, time.Now())
}

func (s *handlers) handlePubIndex(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.Items.FindItem(c.UserContext(), id); err != nil {
		return err
	}
	f := catalog.PubFilter{ItemID: id}
	if f.Limit, f.After, err = pageOf(c); err != nil {
		return err
	}
	ps, err := s.Pubs.FindPublications(c.UserContext(), f)
	if err != nil {
		return err
	}
	return sendPage(c, ps, f.Limit, func(p catalog.Publication) catalog.Cursor { return catalog.Cursor{At: p.PublishedOn, ID: p.ID} })
}

// pageSize is a list's page unless ?limit= asks for fewer or more (up to
// maxPage).
const pageSize, maxPage = 100, 500

// pageOf reads ?limit= and ?after= (the cursor of the previous page's
// last row): lists are paged by key, never by offset, so a page costs the
// same however deep it is.
func pageOf(c *fiber.Ctx) (int, *catalog.Cursor, error) {
	limit := pageSize
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return 0, nil, catalog.Invalid("limit", "每页条数应为1至%d", maxPage)
		}
		limit = n
	}
	after, err := catalog.ParseCursor("after", c.Query("after"))
	return limit, after, err
}

// sendPage answers a page of rows; when it is full, the Link header
// (rel="next") and X-Next-Cursor say where the next one starts.
func sendPage[T any](c *fiber.Ctx, rows []T, limit int, cursor func(T) catalog.Cursor) error {
	if len(rows) == limit && limit > 0 {
		next := cursor(rows[len(rows)-1]).String()
		q := c.Request().URI().QueryArgs()
		args := fasthttp.AcquireArgs()
		defer fasthttp.ReleaseArgs(args)
		q.CopyTo(args)
		args.Set("after", next)
		args.Set("limit", strconv.Itoa(limit))
		c.Set("X-Next-Cursor", next)
		c.Set(fiber.HeaderLink, "<"+c.Path()+"?"+args.String()+`>; rel="next"`)
	}
	return c.JSON(rows)
}

func (s *handlers) handlePubCreate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in pubInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := in.toPublication(id)
	if err != nil {
		return err
	}
	if err := s.Pubs.CreatePublication(c.UserContext(), &p, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// canRead tells whether the signed-in user may read unpublished records of a unit.
func (s *handlers) canRead(c *fiber.Ctx, unit string, obj rbac.Object) bool {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return false
	}
	allowed, err := s.Authz.Allow(p.ID, unit, obj, rbac.ActRead)
	return err == nil && allowed
}

func (s *handlers) handlePubShow(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.Pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !p.Status.Public() && !s.canRead(c, p.UnitCode, rbac.ObjPublication) {
		return catalog.Errorf(catalog.ENOTFOUND, "公开信息不存在")
	}
	return c.JSON(p)
}

// handlePubRevise starts a new version of a published record.
func (s *handlers) handlePubRevise(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.Pubs.Revise(c.UserContext(), id, web.Actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *handlers) handlePubUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in pubInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	old, err := s.Pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	p, err := in.toPublication(old.ItemID)
	if err != nil {
		return err
	}
	p.ID = id
	if err := s.Pubs.UpdatePublication(c.UserContext(), &p, web.Actor(c)); err != nil {
		return err
	}
	full, err := s.Pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(full)
}

// stepInput is the JSON body of a workflow step.
type stepInput struct {
	Reason    string                        `json:"reason"`
	Note      string                        `json:"note"`
	Checklist *catalog.Checklist            `json:"checklist"`
	Privacy   []catalog.PrivacyConfirmation `json:"privacy"`
	// PublishAt schedules an approval: "2026-12-01 09:00" (Asia/Shanghai) or RFC 3339.
	PublishAt string `json:"publish_at"`
}

// parsePublishAt reads the time of a scheduled publication.
func parsePublishAt(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, catalog.Shanghai); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, catalog.Invalid("publish_at", "定时发布时间格式不正确（应为 2026-12-01 09:00）：%q", v)
}

// handlePubApproveMany approves the publications named, answering each
// one's result.
func (s *handlers) handlePubApproveMany(c *fiber.Ctx) error {
	ids, err := web.BatchIDs(c)
	if err != nil {
		return err
	}
	res := catalog.ApproveEach(c.UserContext(), s.Pubs, ids, web.Actor(c))
	for i := range res {
		if res[i].Code != "" {
			res[i].Code = weberr.APICode(res[i].Code) // as the API's other errors
		}
	}
	return c.JSON(res)
}

func (s *handlers) handlePubStep(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in stepInput
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	step := catalog.Step{Action: catalog.PubAction(strings.Clone(c.Params("action"))), Reason: in.Reason, Note: in.Note, Checklist: in.Checklist, Privacy: in.Privacy}
	if step.PublishAt, err = parsePublishAt(in.PublishAt); err != nil {
		return err
	}
	if step.Action == catalog.StepSubmit || step.Action == catalog.StepRectify {
		if step.AttachmentText, err = s.Attachments.PublicationText(c.UserContext(), id); err != nil {
			return err
		}
	}
	if step.Action == catalog.StepTakedown {
		if step.RectifyDue, err = s.RectifyDue(time.Now()); err != nil {
			return err
		}
	}
	p, err := s.Pubs.Transition(c.UserContext(), id, step, web.Actor(c))
	if err != nil {
		return err
	}
	full, err := s.Pubs.FindPublication(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(full)
}

// handlePubPrivacy shows the personal information the privacy check finds in
// a publication, with offsets for highlighting.
func (s *handlers) handlePubPrivacy(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.Pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	text, err := s.Attachments.PublicationText(c.UserContext(), id)
	if err != nil {
		return err
	}
	hits := catalog.ScanPrivacy(p.Title + "\n" + catalog.BodyText(p.Body) + "\n" + text)
	if hits == nil {
		hits = []catalog.PrivacyHit{}
	}
	return c.JSON(hits)
}

func (s *handlers) handlePubEvents(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	evs, err := s.Pubs.FindEvents(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(evs)
}

// handleUnitPubIndex lists a unit's publications in the given states
// (?status=draft,submitted…; default all) for its staff: their drafts, the
// review queue, what waits for rectification.
func (s *handlers) handleUnitPubIndex(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	if _, err := s.Units.FindUnit(c.UserContext(), code); err != nil {
		return err
	}
	return s.pubSearch(c, code)
}

// handlePubSearch is the back office's search: ?q= in titles, 文号, bodies
// or a whole 索引号, ?unit= (the county-wide roles may leave it out),
// ?status=, ?from= and ?to= (发布日期 of those published, 生成日期 of the
// others), paged as every list.
func (s *handlers) handlePubSearch(c *fiber.Ctx) error {
	unit := strings.Clone(c.Query("unit"))
	if unit != "" {
		if _, err := s.Units.FindUnit(c.UserContext(), unit); err != nil {
			return err
		}
	}
	return s.pubSearch(c, unit)
}

func (s *handlers) pubSearch(c *fiber.Ctx, code string) error {
	f := catalog.PubFilter{UnitCode: code, Statuses: catalog.Statuses, Query: strings.Clone(c.Query("q"))}
	if utf8.RuneCountInString(f.Query) > 100 {
		return catalog.Invalid("q", "检索词不能超过100个字")
	}
	var err error
	if f.From, err = web.OptionalDay("from", c.Query("from")); err != nil {
		return err
	}
	if f.To, err = web.OptionalDay("to", c.Query("to")); err != nil {
		return err
	}
	if f.Limit, f.After, err = pageOf(c); err != nil {
		return err
	}
	if q := c.Query("status"); q != "" {
		f.Statuses = nil
		for _, st := range strings.Split(q, ",") {
			ps := catalog.PubStatus(strings.TrimSpace(st))
			if ps.Name() == string(ps) {
				return catalog.Invalid("status", "状态“%s”不存在，可选：draft, submitted, published, taken_down, withdrawn", st)
			}
			f.Statuses = append(f.Statuses, ps)
		}
	}
	ps, err := s.Pubs.FindPublications(c.UserContext(), f)
	if err != nil {
		return err
	}
	return sendPage(c, ps, f.Limit, func(p catalog.Publication) catalog.Cursor { return catalog.Cursor{At: p.PublishedOn, ID: p.ID} })
}
