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
	Title        string `json:"title"`
	DocNo        string `json:"doc_no"`
	Topic        string `json:"topic"`
	Publisher    string `json:"publisher"`
	GeneratedOn  string `json:"generated_on"`
	PublishedOn  string `json:"published_on"`
	Body         string `json:"body"`
	InterpretsID *int64 `json:"interprets_id"`
	// Read-only fields of a publication's JSON, accepted and ignored so a
	// client may GET, change and PUT it back.
	ID            json.RawMessage `json:"id"`
	IndexNo       json.RawMessage `json:"index_no"`
	UnitCode      json.RawMessage `json:"unit_code"`
	ItemID        json.RawMessage `json:"item_id"`
	ItemName      json.RawMessage `json:"item_name"`
	Attachments   json.RawMessage `json:"attachments"`
	Views         json.RawMessage `json:"views"`
	Status        json.RawMessage `json:"status"`
	RetiredReason json.RawMessage `json:"retired_reason"`
	CreatedBy     json.RawMessage `json:"created_by"`
	UpdatedAt     json.RawMessage `json:"updated_at"`
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
	if strings.TrimSpace(in.PublishedOn) == "" {
		p.PublishedOn = now
	} else if p.PublishedOn, err = parseDay("published_on", "发布日期", in.PublishedOn); err != nil {
		return p, err
	}
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, catalog.Shanghai)
	if !p.GeneratedOn.Before(tomorrow) {
		return p, catalog.Invalid("generated_on", "生成日期不能晚于今天")
	}
	if !p.PublishedOn.Before(tomorrow) {
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
	p.ID = id
	if err := s.pubs.UpdatePublication(c.UserContext(), &p, actor(c)); err != nil {
		return err
	}
	full, err := s.pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(full)
}

func (s *server) handlePubRetire(c *fiber.Ctx) error {
	return retire(c, s.pubs.RetirePublication, s.pubs.FindPublication)
}
