package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/web"
)

// hotlinePage is the county office's settings of the hotline: the
// knowledge base, the 领导接听 days announced, and the limits in force.
type hotlinePage struct {
	Entries       []hotline.Entry
	Announcements []hotline.Announcement
	Rules         hotline.Rules
	Units         []catalog.Unit
	UnitNames     map[string]string
	Categories    []hotline.Category
	// Typed holds what a refused form held.
	TypedEntry hotline.Entry
	TypedDay   string
	Typed      hotline.Announcement
	Today      string
}

func (h handler) hotlinePage(c *fiber.Ctx) (hotlinePage, error) {
	ctx := c.UserContext()
	p := hotlinePage{Categories: hotline.Categories, Today: h.now().In(catalog.Shanghai).Format("2006-01-02")}
	var err error
	if p.Entries, err = h.Hotline.Knowledge.FindEntries(ctx, hotline.EntryFilter{}); err != nil {
		return p, err
	}
	if p.Announcements, err = h.Hotline.Announcements.FindAnnouncements(ctx, hotline.Day(h.now())); err != nil {
		return p, err
	}
	if p.Rules, err = h.Hotline.Orders.Rules(ctx); err != nil {
		return p, err
	}
	if p.Units, err = h.Units.FindUnits(ctx); err != nil {
		return p, err
	}
	p.UnitNames = map[string]string{}
	for _, u := range p.Units {
		p.UnitNames[u.Code] = u.Name
	}
	return p, nil
}

func (h handler) handleHotline(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.hotlinePage(c)
	if err != nil {
		return err
	}
	return render(c, 200, "hotline.html", page{Title: "热线设置", Me: m, Flash: map[string]string{"done": "已保存。"}[c.Query("flash")], Data: p})
}

// hotlineRefused shows the settings again with the message and what was
// typed.
func (h handler) hotlineRefused(c *fiber.Ctx, m *me, err error, keep func(*hotlinePage)) error {
	_, msg, ok := fieldError(err)
	if !ok {
		return err
	}
	p, perr := h.hotlinePage(c)
	if perr != nil {
		return perr
	}
	keep(&p)
	return render(c, fiber.StatusBadRequest, "hotline.html", page{Title: "热线设置", Me: m, Error: msg, Data: p})
}

func (h handler) handleKnowledgeCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	e := hotline.Entry{UnitCode: strings.Clone(c.FormValue("unit")), Category: hotline.Category(c.FormValue("category")),
		Question: c.FormValue("question"), Answer: c.FormValue("answer"), Keywords: c.FormValue("keywords")}
	if err := h.Hotline.Knowledge.SaveEntry(c.UserContext(), &e, web.Actor(c)); err != nil {
		return h.hotlineRefused(c, m, err, func(p *hotlinePage) { p.TypedEntry = e })
	}
	return c.Redirect("/admin/hotline?flash=done#knowledge", fiber.StatusSeeOther)
}

func (h handler) handleKnowledgeDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Hotline.Knowledge.DeleteEntry(c.UserContext(), id, web.Actor(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/hotline?flash=done#knowledge", fiber.StatusSeeOther)
}

func (h handler) handleAnnouncementCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	a := hotline.Announcement{From: c.FormValue("from"), To: c.FormValue("to"), UnitCode: strings.Clone(c.FormValue("unit")),
		Leaders: c.FormValue("leaders"), Line: c.FormValue("line"), Scope: c.FormValue("scope")}
	day := strings.Clone(c.FormValue("day"))
	if d, perr := time.ParseInLocation("2006-01-02", day, catalog.Shanghai); perr == nil {
		a.Day = d
	}
	if err := h.Hotline.Announcements.SaveAnnouncement(c.UserContext(), &a, web.Actor(c)); err != nil {
		return h.hotlineRefused(c, m, err, func(p *hotlinePage) { p.Typed, p.TypedDay = a, day })
	}
	return c.Redirect("/admin/hotline?flash=done#leaders", fiber.StatusSeeOther)
}

func (h handler) handleAnnouncementDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Hotline.Announcements.DeleteAnnouncement(c.UserContext(), id, web.Actor(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/hotline?flash=done#leaders", fiber.StatusSeeOther)
}
