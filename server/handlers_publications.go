package main

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
)

// parseDay reads a date as 2006-01-02 (Asia/Shanghai) or RFC 3339.
func parseDay(field, label, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, catalog.Shanghai); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(catalog.Shanghai), nil
	}
	return time.Time{}, catalog.Invalid(field, "%s格式不正确（应为 2020-08-13）：%q", label, s)
}

// pubInput is the JSON body of a publication create or update.
type pubInput struct {
	Title         string `json:"title"`
	DocNo         string `json:"doc_no"`
	Topic         string `json:"topic"`
	Publisher     string `json:"publisher"`
	GeneratedOn   string `json:"generated_on"`
	PublishedOn   string `json:"published_on"`
	Body          string `json:"body"`
	InterpretsID  *int64 `json:"interprets_id"`
	ConsultOpens  string `json:"consultation_opens"`
	ConsultCloses string `json:"consultation_closes"`
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
	// Version is the one the form was made from; an older one is refused.
	Version int `json:"version"`
}

func (in pubInput) toPublication(itemID int64) (catalog.Publication, error) {
	p := catalog.Publication{ItemID: itemID, Title: in.Title, DocNo: in.DocNo, Topic: in.Topic, Publisher: strings.TrimSpace(in.Publisher),
		Body: in.Body, InterpretsID: in.InterpretsID}
	var err error
	if strings.TrimSpace(in.GeneratedOn) == "" {
		return p, catalog.Invalid("generated_on", "生成日期不能为空")
	}
	if p.GeneratedOn, err = parseDay("generated_on", "生成日期", in.GeneratedOn); err != nil {
		return p, err
	}
	now := time.Now().In(catalog.Shanghai)
	// Without a 发布日期 the approval sets it.
	if strings.TrimSpace(in.PublishedOn) != "" {
		if p.PublishedOn, err = parseDay("published_on", "发布日期", in.PublishedOn); err != nil {
			return p, err
		}
		if p.PublishedOn.Year() <= 1 { // the zero date a draft reads back with
			p.PublishedOn = time.Time{}
		}
	}
	for _, x := range []struct {
		in, field, label string
		out              **time.Time
	}{{in.ConsultOpens, "consultation_opens", "意见征集开始日期", &p.ConsultOpens}, {in.ConsultCloses, "consultation_closes", "意见征集截止日期", &p.ConsultCloses}} {
		if strings.TrimSpace(x.in) == "" {
			continue
		}
		d, err := parseDay(x.field, x.label, x.in)
		if err != nil {
			return p, err
		}
		*x.out = &d
	}
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, catalog.Shanghai)
	if !p.GeneratedOn.Before(tomorrow) {
		return p, catalog.Invalid("generated_on", "生成日期不能晚于今天")
	}
	if !p.PublishedOn.IsZero() && !p.PublishedOn.Before(tomorrow) {
		return p, catalog.Invalid("published_on", "发布日期不能晚于今天")
	}
	return p, nil
}

func (s *server) handlePubIndex(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.items.FindItem(c.UserContext(), id); err != nil {
		return err
	}
	ps, err := s.pubs.FindPublications(c.UserContext(), catalog.PubFilter{ItemID: id, Limit: 500})
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

func (s *server) handlePubCreate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in pubInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := in.toPublication(id)
	if err != nil {
		return err
	}
	if err := s.pubs.CreatePublication(c.UserContext(), &p, actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// canRead tells whether the signed-in user may read unpublished records of a unit.
func (s *server) canRead(c *fiber.Ctx, unit string, obj rbac.Object) bool {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return false
	}
	allowed, err := s.authz.Allow(p.ID, unit, obj, rbac.ActRead)
	return err == nil && allowed
}

func (s *server) handlePubShow(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	if p.Status != catalog.PubPublished && !s.canRead(c, p.UnitCode, rbac.ObjPublication) {
		return catalog.Errorf(catalog.ENOTFOUND, "公开信息不存在")
	}
	return c.JSON(p)
}

func (s *server) handlePubUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in pubInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	old, err := s.pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	p, err := in.toPublication(old.ItemID)
	if err != nil {
		return err
	}
	p.ID, p.Version = id, in.Version
	if err := s.pubs.UpdatePublication(c.UserContext(), &p, actor(c)); err != nil {
		return err
	}
	full, err := s.pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(full)
}

// rights maps the workflow's rights to Casbin actions.
var rights = map[catalog.Right]rbac.Action{
	catalog.RightWrite:     rbac.ActWrite,
	catalog.RightPublish:   rbac.ActPublish,
	catalog.RightSpotCheck: rbac.ActTakedown,
}

// stepRight finds the right the requested step needs in the publication's
// current state. A step not open in that state needs the right to write, so
// the unit's own staff learn it is the state (409) and others get 403.
func (s *server) stepRight(c *fiber.Ctx) (rbac.Action, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return "", err
	}
	p, err := s.pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return "", err
	}
	t, ok := catalog.FindTransition(p.Status, catalog.PubAction(c.Params("action")))
	if !ok {
		return rbac.ActWrite, nil
	}
	return rights[t.Right], nil
}

// stepInput is the JSON body of a workflow step.
type stepInput struct {
	Reason    string                        `json:"reason"`
	Note      string                        `json:"note"`
	Checklist *catalog.Checklist            `json:"checklist"`
	Privacy   []catalog.PrivacyConfirmation `json:"privacy"`
}

func (s *server) handlePubStep(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in stepInput
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	step := catalog.Step{Action: catalog.PubAction(strings.Clone(c.Params("action"))), Reason: in.Reason, Note: in.Note, Checklist: in.Checklist, Privacy: in.Privacy}
	if step.Action == catalog.StepTakedown {
		today := time.Now().In(catalog.Shanghai)
		if step.RectifyDue, err = s.calendar.AddWorkdays(today, s.cfg.RectifyWorkdays); err != nil {
			return err
		}
	}
	p, err := s.pubs.Transition(c.UserContext(), id, step, actor(c))
	if err != nil {
		return err
	}
	full, err := s.pubs.FindPublication(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(full)
}

// handlePubPrivacy shows the personal information the privacy check finds in
// a publication, with offsets for highlighting.
func (s *server) handlePubPrivacy(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	hits := catalog.ScanPrivacy(p.Title + "\n" + p.Body)
	if hits == nil {
		hits = []catalog.PrivacyHit{}
	}
	return c.JSON(hits)
}

func (s *server) handlePubEvents(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	evs, err := s.pubs.FindEvents(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(evs)
}

// handleUnitPubIndex lists a unit's publications in the given states
// (?status=draft,submitted…; default all) for its staff: their drafts, the
// review queue, what waits for rectification.
func (s *server) handleUnitPubIndex(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	if _, err := s.units.FindUnit(c.UserContext(), code); err != nil {
		return err
	}
	f := catalog.PubFilter{UnitCode: code, Limit: 500, Statuses: catalog.Statuses}
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
	ps, err := s.pubs.FindPublications(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(ps)
}
