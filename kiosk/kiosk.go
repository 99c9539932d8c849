package kiosk

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"gongkai/catalog"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// UnitReader is what the kiosk reads of units.
type UnitReader interface {
	FindUnits(ctx context.Context) ([]catalog.Unit, error)
	FindUnit(ctx context.Context, code string) (*catalog.Unit, error)
	FindDomains(ctx context.Context) ([]catalog.Domain, error)
}

// ItemReader is what the kiosk reads of catalogue items.
type ItemReader interface {
	FindItems(ctx context.Context, f catalog.ItemFilter) ([]catalog.Item, error)
	FindItem(ctx context.Context, id int64) (*catalog.Item, error)
}

// PubReader is what the kiosk reads of publications.
type PubReader interface {
	FindPublications(ctx context.Context, f catalog.PubFilter) ([]catalog.Publication, error)
	FindPublication(ctx context.Context, id int64) (*catalog.Publication, error)
	CountView(ctx context.Context, id int64) error
}

// Deps are the kiosk's dependencies.
type Deps struct {
	Units UnitReader
	Items ItemReader
	Pubs  PubReader
	// Now is the clock for freshness marks; time.Now when nil.
	Now func() time.Time
}

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2006-01-02") },
}).ParseFS(templateFS, "templates/*.html"))

type handler struct{ Deps }

// Mount adds the kiosk routes to r (mounted at /kiosk).
func Mount(r fiber.Router, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	h := handler{d}
	sub, _ := fs.Sub(staticFS, "static")
	r.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(sub), MaxAge: 3600}))
	r.Get("/", h.handleHome)
	r.Get("/units/:code", h.handleUnit)
	r.Get("/items/:id", h.handleItem)
	r.Get("/publications/:id", h.handlePublication)
}

func render(c *fiber.Ctx, name string, data any) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return tmpl.ExecuteTemplate(c.Response().BodyWriter(), name, data)
}

type homePage struct {
	Towns, Departments []catalog.Unit
}

func (h handler) handleHome(c *fiber.Ctx) error {
	us, err := h.Units.FindUnits(c.UserContext())
	if err != nil {
		return err
	}
	var p homePage
	for _, u := range us {
		if u.Level == catalog.LevelTownship {
			p.Towns = append(p.Towns, u)
		} else {
			p.Departments = append(p.Departments, u)
		}
	}
	return render(c, "home.html", p)
}

// Freshness is a plain mark of how recently an item was updated.
type Freshness struct {
	Class, Label string
}

func freshness(last *time.Time, now time.Time) Freshness {
	if last == nil {
		return Freshness{"none", "暂无公开信息"}
	}
	switch days := now.Sub(*last).Hours() / 24; {
	case days <= 92:
		return Freshness{"fresh", "近期已更新"}
	case days <= 365:
		return Freshness{"aging", "一年内更新"}
	}
	return Freshness{"stale", "超过一年未更新"}
}

type itemRow struct {
	Item  catalog.Item
	Fresh Freshness
}

type domainGroup struct {
	Domain catalog.Domain
	Items  []itemRow
}

type unitPage struct {
	Unit   catalog.Unit
	Groups []domainGroup
}

func (h handler) handleUnit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, err := h.Units.FindUnit(ctx, c.Params("code"))
	if err != nil {
		return err
	}
	items, err := h.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return err
	}
	domains, err := h.Units.FindDomains(ctx)
	if err != nil {
		return err
	}
	now := h.Now()
	byDomain := map[string][]itemRow{}
	for _, it := range items {
		byDomain[it.DomainCode] = append(byDomain[it.DomainCode], itemRow{it, freshness(it.LastPublishedAt, now)})
	}
	p := unitPage{Unit: *u}
	for _, d := range domains {
		if rows := byDomain[d.Code]; len(rows) > 0 {
			p.Groups = append(p.Groups, domainGroup{d, rows})
		}
	}
	return render(c, "unit.html", p)
}

type itemPage struct {
	Unit catalog.Unit
	Item catalog.Item
	Pubs []catalog.Publication
}

func paramID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return 0, catalog.Errorf(catalog.ENOTFOUND, "页面不存在")
	}
	return id, nil
}

func (h handler) handleItem(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := paramID(c)
	if err != nil {
		return err
	}
	it, err := h.Items.FindItem(ctx, id)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(ctx, it.UnitCode)
	if err != nil {
		return err
	}
	pubs, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{ItemID: id, Limit: 100})
	if err != nil {
		return err
	}
	return render(c, "item.html", itemPage{*u, *it, pubs})
}

type pubPage struct {
	Unit catalog.Unit
	Pub  catalog.Publication
	// Interpretations are the 政策解读 published for this policy.
	Interpretations []catalog.Publication
}

func (h handler) handlePublication(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := paramID(c)
	if err != nil {
		return err
	}
	p, err := h.Pubs.FindPublication(ctx, id)
	if err != nil {
		return err
	}
	if p.Status != catalog.PubPublished && p.Status != catalog.PubSuperseded {
		return catalog.Errorf(catalog.ENOTFOUND, "该信息不存在或已撤回")
	}
	u, err := h.Units.FindUnit(ctx, p.UnitCode)
	if err != nil {
		return err
	}
	interps, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{Interprets: id, Limit: 20})
	if err != nil {
		return err
	}
	if err := h.Pubs.CountView(ctx, id); err != nil {
		return err
	}
	p.Views++
	return render(c, "publication.html", pubPage{*u, *p, interps})
}
