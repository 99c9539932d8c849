package admin

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
)

// reformPage confirms an institutional reform before it is carried out:
// what ends, what carries on and, for a split, which successor takes each
// of the unit's domains.
type reformPage struct {
	Reform  catalog.Reform
	Names   map[string]string
	Domains []reformDomain
	Date    string
}

type reformDomain struct {
	Code, Name string
	Items      int
	To         string
}

// reformForm reads a reform from the directory page's form or the
// confirmation's: from (one or more), lead (the lead successor), into
// (the others, for a split), basis, effective_on, and domain_<code>.
func reformForm(c *fiber.Ctx) (catalog.Reform, error) {
	multi := func(key string) []string {
		var out []string
		for _, v := range c.Request().PostArgs().PeekMulti(key) {
			out = append(out, strings.TrimSpace(string(v)))
		}
		return out
	}
	r := catalog.Reform{Kind: catalog.ReformKind(c.FormValue("kind")), From: multi("from"), Basis: c.FormValue("basis")}
	if lead := strings.TrimSpace(c.FormValue("lead")); lead != "" {
		r.Into = append(r.Into, lead)
	}
	for _, code := range multi("into") {
		if code != "" && !slices.Contains(r.Into, code) {
			r.Into = append(r.Into, code)
		}
	}
	if r.Kind == catalog.ReformSplit {
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if d, ok := strings.CutPrefix(string(k), "domain_"); ok && len(v) > 0 {
				if r.Domains == nil {
					r.Domains = map[string]string{}
				}
				r.Domains[strings.Clone(d)] = string(v)
			}
		})
	}
	if v := strings.TrimSpace(c.FormValue("effective_on")); v != "" {
		t, err := catalog.ParseDay("effective_on", "生效日期", v)
		if err != nil {
			return r, err
		}
		r.EffectiveOn = t
	}
	return r, nil
}

// handleReformPlan shows what a reform will do and asks to confirm it.
func (h handler) handleReformPlan(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	refuse := func(err error) error {
		if _, msg, ok := fieldError(err); ok {
			return h.directory(c, m, fiber.StatusBadRequest, "", msg, directoryPage{})
		}
		return err
	}
	r, err := reformForm(c)
	if err != nil {
		return refuse(err)
	}
	if err := r.Validate(time.Now()); err != nil {
		return refuse(err)
	}
	p := reformPage{Reform: r, Names: map[string]string{}, Date: r.EffectiveOn.Format("2006-01-02")}
	for _, code := range append(slices.Clone(r.From), r.Into...) {
		u, err := h.Units.FindUnit(c.UserContext(), code)
		if err != nil {
			return refuse(catalog.Invalid("from", "单位“%s”不存在", code))
		}
		if u.Retired() {
			return refuse(catalog.Invalid("from", "“%s”已在机构改革中撤销", u.Name))
		}
		p.Names[code] = u.Name
	}
	if r.Kind == catalog.ReformSplit {
		items, err := h.Items.FindItems(c.UserContext(), catalog.ItemFilter{UnitCode: r.From[0]})
		if err != nil {
			return err
		}
		ds, err := h.Units.FindDomains(c.UserContext())
		if err != nil {
			return err
		}
		count := map[string]int{}
		for _, it := range items {
			count[it.DomainCode]++
		}
		for _, d := range ds {
			if count[d.Code] > 0 {
				p.Domains = append(p.Domains, reformDomain{Code: d.Code, Name: d.Name, Items: count[d.Code], To: r.Successor(d.Code)})
			}
		}
	}
	return render(c, 200, "reform.html", page{Title: "机构改革", Me: m, Data: p})
}

// handleReformCreate carries out a confirmed reform.
func (h handler) handleReformCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	r, err := reformForm(c)
	if err == nil {
		err = h.Reforms.Reform(c.UserContext(), &r, web.Actor(c))
	}
	if err != nil {
		if code := catalog.ErrorCode(err); code == catalog.EINVALID || code == catalog.ECONFLICT || code == catalog.ENOTFOUND {
			return h.directory(c, m, fiber.StatusBadRequest, "", catalog.ErrorMessage(err), directoryPage{})
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/directory?flash=reformed&items=%d&pubs=%d", r.Moved["item"], r.Moved["publication"]), fiber.StatusSeeOther)
}
