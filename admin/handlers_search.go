package admin

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

type searchPage struct {
	Q, Unit, Status, From, To string
	Units                     []catalog.Unit // to choose from, for county-wide roles
	Statuses                  []catalog.PubStatus
	Results                   []catalog.Publication
	Searched, More            bool
}

// searchLimit is how many results the back office's search shows.
const searchLimit = 200

// handlePubSearch searches the publications of the unit (the county's for
// county-wide roles) by title, 文号, body or 索引号, status and dates.
func (h handler) handlePubSearch(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p := searchPage{Q: strings.TrimSpace(c.Query("q")), Unit: strings.Clone(c.Query("unit")), Status: strings.Clone(c.Query("status")),
		From: strings.Clone(c.Query("from")), To: strings.Clone(c.Query("to")), Statuses: catalog.Statuses}
	if m.County {
		if p.Units, err = h.Units.FindUnits(c.UserContext()); err != nil {
			return err
		}
	}
	if c.Query("go") == "" && p.Q == "" {
		return render(c, 200, "search.html", page{Title: "信息检索", Me: m, Data: p})
	}
	p.Searched = true
	f := catalog.PubFilter{UnitCode: p.Unit, Query: p.Q, Statuses: catalog.Statuses, Limit: searchLimit + 1}
	fail := func(err error) error {
		_, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		return render(c, 400, "search.html", page{Title: "信息检索", Me: m, Error: msg, Data: p})
	}
	if utf8.RuneCountInString(p.Q) > 100 {
		return fail(catalog.Invalid("q", "检索词不能超过100个字"))
	}
	if p.Status != "" {
		st := catalog.PubStatus(p.Status)
		if st.Name() == p.Status {
			return fail(catalog.Invalid("status", "状态不正确"))
		}
		f.Statuses = []catalog.PubStatus{st}
	}
	if f.From, err = web.OptionalDay("from", p.From); err != nil {
		return fail(err)
	}
	if f.To, err = web.OptionalDay("to", p.To); err != nil {
		return fail(err)
	}
	rs, err := h.Pubs.FindPublications(c.UserContext(), f)
	if err != nil {
		return err
	}
	if len(rs) > searchLimit {
		rs, p.More = rs[:searchLimit], true
	}
	p.Results = rs
	return render(c, 200, "search.html", page{Title: "信息检索", Me: m, Data: p})
}

// ownSearch sends a unit's staff who open the search without naming a unit
// to their own unit's (as ownRequests).
func (h handler) ownSearch(c *fiber.Ctx) error {
	if c.Query("unit") != "" {
		return c.Next()
	}
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if m == nil || m.County {
		return c.Next()
	}
	for _, g := range m.Grants {
		if h.can(m, g.Unit, rbac.ObjPublication, rbac.ActRead) {
			q := c.Request().URI().QueryArgs()
			q.Set("unit", g.Unit)
			return c.Redirect("/admin/search?"+string(q.QueryString()), fiber.StatusSeeOther)
		}
	}
	return c.Next()
}
