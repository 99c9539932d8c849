package admin

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

type completenessPage struct {
	Unit catalog.Unit
	catalog.Completeness
	// Unwritten counts the 未涉及 marks without a written reason.
	Unwritten int
	CanWrite  bool
}

// handleCompleteness shows a unit's catalogue against the standard: what
// is missing, marked 未涉及 (and whether with a reason), retired with
// nothing in its place.
func (h handler) handleCompleteness(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	cm, err := catalog.UnitCompleteness(c.UserContext(), h.Units, h.Items, u.Code)
	if err != nil {
		return err
	}
	p := completenessPage{Unit: *u, Completeness: cm, CanWrite: h.can(m, u.Code, rbac.ObjCatalog, rbac.ActWrite)}
	for _, r := range cm.NotApplicable {
		if r.Reason == "" {
			p.Unwritten++
		}
	}
	return render(c, 200, "completeness.html", page{Title: u.Name + " 目录完整性", Me: m, Data: p})
}

type exemptionRow struct {
	Domain catalog.Domain
	Reason string
	// Items is how many active items the unit has in the domain.
	Items int
}

type exemptionsPage struct {
	Unit     catalog.Unit
	Rows     []exemptionRow
	CanWrite bool
	Field    string
}

// handleExemptions lists the domains of the unit's level with its
// 未涉及领域说明, each editable by the unit's staff.
func (h handler) handleExemptions(c *fiber.Ctx) error {
	return h.exemptionsPage(c, 200, flashes[c.Query("flash")], "")
}

func (h handler) exemptionsPage(c *fiber.Ctx, status int, flash, msg string) error {
	ctx := c.UserContext()
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(ctx, c.Params("code"))
	if err != nil {
		return err
	}
	ds, err := h.Units.FindDomains(ctx)
	if err != nil {
		return err
	}
	ts, err := h.Items.FindTemplates(ctx, u.Level)
	if err != nil {
		return err
	}
	its, err := h.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return err
	}
	ex, err := h.Units.FindExemptions(ctx, u.Code)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, t := range ts {
		has[t.DomainCode] = true
	}
	reasons := map[string]string{}
	for _, e := range ex {
		reasons[e.DomainCode] = e.Reason
	}
	count := map[string]int{}
	for _, it := range its {
		count[it.DomainCode]++
	}
	p := exemptionsPage{Unit: *u, CanWrite: h.can(m, u.Code, rbac.ObjCatalog, rbac.ActWrite), Field: c.Query("domain")}
	for _, d := range ds {
		if has[d.Code] || reasons[d.Code] != "" || count[d.Code] > 0 {
			p.Rows = append(p.Rows, exemptionRow{Domain: d, Reason: reasons[d.Code], Items: count[d.Code]})
		}
	}
	return render(c, status, "exemptions.html", page{Title: u.Name + " 未涉及领域说明", Me: m, Flash: flash, Error: msg, Data: p})
}

// handleExemptionSave records (or, emptied, removes) a domain's
// 未涉及领域说明; audited by the store.
func (h handler) handleExemptionSave(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	e := catalog.Exemption{UnitCode: code, DomainCode: strings.Clone(c.FormValue("domain")), Reason: strings.TrimSpace(c.FormValue("reason"))}
	if err := h.Units.SetExemption(c.UserContext(), e, web.Actor(c)); err != nil {
		if _, msg, ok := fieldError(err); ok {
			return h.exemptionsPage(c, fiber.StatusBadRequest, "", msg)
		}
		return err
	}
	return c.Redirect("/admin/units/"+url.PathEscape(code)+"/exemptions?flash=saved#d-"+url.QueryEscape(e.DomainCode), fiber.StatusSeeOther)
}
