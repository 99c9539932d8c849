package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/web"
)

// handleKnowledgeIndex is GET /api/v1/knowledge?q=&unit=&category=: the
// knowledge base, public (answers residents may reuse); with q, searched
// as the kiosk searches, best first.
func (s *handlers) handleKnowledgeIndex(c *fiber.Ctx) error {
	if q := c.Query("q"); q != "" {
		es, err := s.Hotline.KnowledgeSearch.Search(c.UserContext(), q, c.Query("unit"), 30)
		if err != nil {
			return err
		}
		return c.JSON(orEmpty(es))
	}
	es, err := s.Hotline.Knowledge.FindEntries(c.UserContext(), hotline.EntryFilter{Unit: c.Query("unit"), Category: hotline.Category(c.Query("category"))})
	if err != nil {
		return err
	}
	return c.JSON(orEmpty(es))
}

// orEmpty is the entries as the public reads them: who keeps them is
// the staff's business.
func orEmpty(es []hotline.Entry) []hotline.Entry {
	if es == nil {
		return []hotline.Entry{}
	}
	for i := range es {
		es[i].UpdatedBy = ""
	}
	return es
}

func entryID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, catalog.Errorf(catalog.ENOTFOUND, "知识库没有这一条")
	}
	return id, nil
}

// handleKnowledgeCreate is POST /api/v1/knowledge.
func (s *handlers) handleKnowledgeCreate(c *fiber.Ctx) error {
	var e hotline.Entry
	if err := web.DecodeJSON(c, &e); err != nil {
		return err
	}
	e.ID, e.Version = 0, 0
	if err := s.Hotline.Knowledge.SaveEntry(c.UserContext(), &e, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

// handleKnowledgeUpdate is PUT /api/v1/knowledge/{id}: the entry's unit
// stays (the right was checked for it).
func (s *handlers) handleKnowledgeUpdate(c *fiber.Ctx) error {
	id, err := entryID(c)
	if err != nil {
		return err
	}
	old, err := s.Hotline.Knowledge.FindEntry(c.UserContext(), id)
	if err != nil {
		return err
	}
	var e hotline.Entry
	if err := web.DecodeJSON(c, &e); err != nil {
		return err
	}
	e.ID, e.UnitCode = id, old.UnitCode
	if e.Version == 0 {
		e.Version = old.Version
	}
	if err := s.Hotline.Knowledge.SaveEntry(c.UserContext(), &e, web.Actor(c)); err != nil {
		return err
	}
	return c.JSON(e)
}

// handleKnowledgeDelete is DELETE /api/v1/knowledge/{id}.
func (s *handlers) handleKnowledgeDelete(c *fiber.Ctx) error {
	id, err := entryID(c)
	if err != nil {
		return err
	}
	if err := s.Hotline.Knowledge.DeleteEntry(c.UserContext(), id, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleAnnouncementIndex is GET /api/v1/hotline/announcements: the
// 领导接听 days from today on (public).
func (s *handlers) handleAnnouncementIndex(c *fiber.Ctx) error {
	as, err := s.Hotline.Announcements.FindAnnouncements(c.UserContext(), hotline.Day(time.Now()))
	if err != nil {
		return err
	}
	if as == nil {
		as = []hotline.Announcement{}
	}
	for i := range as {
		as[i].CreatedBy = ""
	}
	return c.JSON(as)
}

// handleAnnouncementCreate is POST /api/v1/hotline/announcements; day is
// YYYY-MM-DD.
func (s *handlers) handleAnnouncementCreate(c *fiber.Ctx) error {
	var in struct {
		hotline.Announcement
		Day string `json:"day"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a := in.Announcement
	if in.Day != "" {
		d, err := time.ParseInLocation("2006-01-02", in.Day, catalog.Shanghai)
		if err != nil {
			return catalog.Invalid("day", "接听日期应形如 2026-12-22")
		}
		a.Day = d
	}
	if err := s.Hotline.Announcements.SaveAnnouncement(c.UserContext(), &a, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// handleAnnouncementDelete is DELETE /api/v1/hotline/announcements/{id}.
func (s *handlers) handleAnnouncementDelete(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return catalog.Errorf(catalog.ENOTFOUND, "没有这条领导接听公告")
	}
	if err := s.Hotline.Announcements.DeleteAnnouncement(c.UserContext(), id, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
