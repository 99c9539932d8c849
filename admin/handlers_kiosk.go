package admin

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/kiosk"
	"gongkai/search"
	"gongkai/web"
)

// KioskAdmin keeps the service points (查阅点), reads their use, and keeps
// the search aliases.
type KioskAdmin interface {
	FindPoints(ctx context.Context) ([]kiosk.Point, error)
	// SavePoint creates or renames a point; EINVALID.
	SavePoint(ctx context.Context, p *kiosk.Point, by catalog.Actor) error
	// FindStats lists the counts of the days from..to, the latest included.
	FindStats(ctx context.Context, from, to time.Time) ([]kiosk.DayStat, error)
	FindAliases(ctx context.Context) ([]search.AliasGroup, error)
	// SaveAliases replaces the alias groups; EINVALID.
	SaveAliases(ctx context.Context, groups []search.AliasGroup, by catalog.Actor) error
	// RebuildIndex builds the search index anew in the background,
	// audited; ECONFLICT while one is under way.
	RebuildIndex(ctx context.Context, by catalog.Actor) error
}

// pointUse is one point's use over the last day, week and month.
type pointUse struct {
	Point              kiosk.Point
	UnitName           string
	Launch             string // the address its launcher opens
	Today, Week, Month [2]int64
}

type kioskPage struct {
	Points  []pointUse
	Units   []catalog.Unit
	Form    kiosk.Point
	Aliases string
}

func (h handler) kioskPage(c *fiber.Ctx, form kiosk.Point, aliases *string) (kioskPage, error) {
	ctx := c.UserContext()
	var p kioskPage
	points, err := h.Kiosk.FindPoints(ctx)
	if err != nil {
		return p, err
	}
	if p.Units, err = h.Units.FindUnits(ctx); err != nil {
		return p, err
	}
	names := map[string]string{}
	for _, u := range p.Units {
		names[u.Code] = u.Name
	}
	now := h.now().In(catalog.Shanghai)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, catalog.Shanghai)
	stats, err := h.Kiosk.FindStats(ctx, today.AddDate(0, 0, -29), today)
	if err != nil {
		return p, err
	}
	use := map[string]*pointUse{}
	for _, pt := range append(points, kiosk.Point{Name: "未指定（手机及未登记的屏幕）"}) {
		u := &pointUse{Point: pt, UnitName: names[pt.UnitCode]}
		if pt.Code != "" {
			u.Launch = "/kiosk/?point=" + pt.Code
		}
		use[pt.Code] = u
		p.Points = append(p.Points, *u)
	}
	for _, s := range stats {
		u := use[s.PointCode]
		if u == nil {
			continue
		}
		add := func(a *[2]int64) { a[0] += s.Views; a[1] += s.Searches }
		if !s.Day.Before(today) {
			add(&u.Today)
		}
		if !s.Day.Before(today.AddDate(0, 0, -6)) {
			add(&u.Week)
		}
		add(&u.Month)
	}
	for i := range p.Points {
		p.Points[i] = *use[p.Points[i].Point.Code]
	}
	p.Form = form
	if aliases != nil {
		p.Aliases = *aliases
	} else {
		groups, err := h.Kiosk.FindAliases(ctx)
		if err != nil {
			return p, err
		}
		p.Aliases = kiosk.FormatAliases(groups)
	}
	return p, nil
}

func (h handler) handleKiosk(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	data, err := h.kioskPage(c, kiosk.Point{}, nil)
	if err != nil {
		return err
	}
	flash := map[string]string{"point": "查阅点已保存。", "aliases": "同义词已保存，搜索立即生效。",
		"reindex": "搜索索引正在后台重建，完成前搜索照常使用现有索引。"}[c.Query("flash")]
	return render(c, 200, "kiosk.html", page{Title: "查阅点与搜索", Me: m, Flash: flash, Data: data})
}

// refuseKiosk shows the page again with the message and what was typed.
func (h handler) refuseKiosk(c *fiber.Ctx, m *me, err error, form kiosk.Point, aliases *string) error {
	_, msg, ok := fieldError(err)
	if !ok {
		return err
	}
	data, err := h.kioskPage(c, form, aliases)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusBadRequest, "kiosk.html", page{Title: "查阅点与搜索", Me: m, Error: msg, Data: data})
}

func (h handler) handlePointSave(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p := kiosk.Point{Code: c.FormValue("code"), Name: c.FormValue("name"), UnitCode: c.FormValue("unit_code"), Address: c.FormValue("address"),
		Screens: kiosk.SplitScreens(c.FormValue("screens"))}
	if p.UnitCode != "" {
		if _, err := h.Units.FindUnit(c.UserContext(), p.UnitCode); err != nil {
			return h.refuseKiosk(c, m, catalog.Invalid("unit_code", "所属单位“%s”不存在", p.UnitCode), p, nil)
		}
	}
	if err := h.Kiosk.SavePoint(c.UserContext(), &p, web.Actor(c)); err != nil {
		return h.refuseKiosk(c, m, err, p, nil)
	}
	return c.Redirect("/admin/kiosk?flash=point", fiber.StatusSeeOther)
}

func (h handler) handleAliasesSave(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	text := c.FormValue("aliases")
	groups, err := kiosk.ParseAliases(text)
	if err == nil {
		err = h.Kiosk.SaveAliases(c.UserContext(), groups, web.Actor(c))
	}
	if err != nil {
		return h.refuseKiosk(c, m, err, kiosk.Point{}, &text)
	}
	return c.Redirect("/admin/kiosk?flash=aliases", fiber.StatusSeeOther)
}

// handleReindex builds the search index anew on demand (after a bulk
// import made outside the system, say).
func (h handler) handleReindex(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if err := h.Kiosk.RebuildIndex(c.UserContext(), web.Actor(c)); err != nil {
		return h.refuseKiosk(c, m, err, kiosk.Point{}, nil)
	}
	return c.Redirect("/admin/kiosk?flash=reindex", fiber.StatusSeeOther)
}
