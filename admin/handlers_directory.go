package admin

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/web"
)

// DirectoryImporter previews a unit directory sheet, keeping it for the
// commit, and commits a kept one.
type DirectoryImporter interface {
	Preview(ctx context.Context, data []byte, by catalog.Actor) (sheet.DirectoryPlan, string, error)
	Commit(ctx context.Context, token string, by catalog.Actor) error
}

type directoryPage struct {
	Plan  *sheet.DirectoryPlan
	Token string
	// Units are listed with their actions; Domains are those a department
	// may take on; Form and Field keep a refused new unit's form.
	Units   []catalog.Unit
	Domains []catalog.Domain
	Form    catalog.Unit
	Field   string
	// Reforms are the institutional reforms carried out, Retired the
	// units they ended.
	Reforms []catalog.Reform
	Retired []catalog.Unit
	Names   map[string]string
}

// withUnits adds the list of units and domains to the page.
func (h handler) withUnits(c *fiber.Ctx, p directoryPage) (directoryPage, error) {
	var err error
	ctx := c.UserContext()
	if p.Units, err = h.Units.FindUnits(ctx); err != nil {
		return p, err
	}
	p.Names = map[string]string{}
	for _, u := range p.Units {
		p.Names[u.Code] = u.Name
	}
	if p.Reforms, err = h.Reforms.FindReforms(ctx); err != nil {
		return p, err
	}
	for _, r := range p.Reforms {
		for _, code := range r.From {
			if u, err := h.Units.FindUnit(ctx, code); err == nil && u.Retired() && p.Names[code] == "" {
				p.Retired = append(p.Retired, *u)
				p.Names[code] = u.Name
			}
		}
	}
	p.Domains, err = h.Units.FindDomains(ctx)
	return p, err
}

// directoryRefusal shows a refused form's message on the directory page;
// errors that are not the person's go on to the error page.
func (h handler) directoryRefusal(c *fiber.Ctx, m *me) func(error) error {
	return func(err error) error {
		if _, msg, ok := fieldError(err); ok {
			return h.directory(c, m, fiber.StatusBadRequest, "", msg, directoryPage{})
		}
		return err
	}
}

// directory renders the page with the units.
func (h handler) directory(c *fiber.Ctx, m *me, status int, flash, msg string, p directoryPage) error {
	p, err := h.withUnits(c, p)
	if err != nil {
		return err
	}
	return render(c, status, "directory.html", page{Title: "单位名录", Me: m, Flash: flash, Error: msg, Data: p})
}

// handleUnitCreate adds a township or a department with its catalogue.
func (h handler) handleUnitCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u := catalog.Unit{Code: strings.TrimSpace(c.FormValue("code")), Name: strings.TrimSpace(c.FormValue("name")), FullName: c.FormValue("full_name"),
		Kind: catalog.Kind(c.FormValue("kind")), Level: catalog.LevelCounty, CreditCode: c.FormValue("credit_code")}
	if u.Kind == catalog.KindTown {
		u.Level = catalog.LevelTownship
	}
	n, err := h.Lifecycle.CreateUnit(c.UserContext(), &u, web.Actor(c))
	if err != nil {
		field, msg, ok := fieldError(err)
		if !ok && catalog.ErrorCode(err) != catalog.ECONFLICT {
			return err
		}
		if !ok {
			field, msg = "code", catalog.ErrorMessage(err)
		}
		return h.directory(c, m, fiber.StatusBadRequest, "", msg, directoryPage{Form: u, Field: field})
	}
	return c.Redirect(fmt.Sprintf("/admin/directory?flash=created&unit=%s&items=%d", url.QueryEscape(u.Code), n), fiber.StatusSeeOther)
}

// handleUnitDomains lets a department take on a domain.
func (h handler) handleUnitDomains(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	n, err := h.Lifecycle.AdoptDomains(c.UserContext(), c.Params("code"), []string{c.FormValue("domain")}, web.Actor(c))
	if err != nil {
		return h.directoryRefusal(c, m)(err)
	}
	return c.Redirect(fmt.Sprintf("/admin/directory?flash=adopted&unit=%s&items=%d", url.QueryEscape(c.Params("code")), n), fiber.StatusSeeOther)
}

// handleUnitRename gives a unit a new name; its code stays.
func (h handler) handleUnitRename(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if err := h.Lifecycle.RenameUnit(c.UserContext(), c.Params("code"), c.FormValue("name"), c.FormValue("full_name"), c.FormValue("credit_code"), web.Actor(c)); err != nil {
		return h.directoryRefusal(c, m)(err)
	}
	return c.Redirect("/admin/directory?flash=renamed", fiber.StatusSeeOther)
}

func (h handler) handleDirectory(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	flash := ""
	switch c.Query("flash") {
	case "imported":
		flash = "名录已导入。"
	case "created":
		flash = fmt.Sprintf("已新增单位 %s，目录按标准模板建立了%s项。", c.Query("unit"), c.Query("items"))
	case "adopted":
		flash = fmt.Sprintf("单位 %s 的目录新增%s项。", c.Query("unit"), c.Query("items"))
	case "renamed":
		flash = "单位已改名。"
	case "deleted":
		flash = "单位已删除。"
	case "reformed":
		flash = reformedFlash(c)
	}
	return h.directory(c, m, 200, flash, "", directoryPage{})
}

func (h handler) handleDirectoryPreview(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	refuse := h.directoryRefusal(c, m)
	data, _, err := web.SheetUpload(c, "请选择要导入的名录Excel文件")
	if err != nil {
		return refuse(err)
	}
	plan, token, err := h.Directory.Preview(c.UserContext(), data, web.Actor(c))
	if err != nil {
		return refuse(err)
	}
	status, msg := 200, ""
	if len(plan.Errors) > 0 {
		status, msg = fiber.StatusBadRequest, "名录有错误，未做任何修改；请改正下列各处后重新导入。"
	}
	return h.directory(c, m, status, "", msg, directoryPage{Plan: &plan, Token: token})
}

func (h handler) handleDirectoryCommit(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if err := h.Directory.Commit(c.UserContext(), c.FormValue("token"), web.Actor(c)); err != nil {
		if _, msg, ok := fieldError(err); ok {
			return h.directory(c, m, fiber.StatusConflict, "", msg, directoryPage{})
		}
		return err
	}
	return c.Redirect("/admin/directory?flash=imported", fiber.StatusSeeOther)
}

// handleUnitDelete removes a unit created by mistake; what keeps one is
// shown on the page.
func (h handler) handleUnitDelete(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if err := h.Removal.DeleteUnit(c.UserContext(), c.Params("code"), web.Actor(c)); err != nil {
		if code := catalog.ErrorCode(err); code == catalog.ECONFLICT || code == catalog.EINVALID {
			return h.directory(c, m, fiber.StatusConflict, "", catalog.ErrorMessage(err), directoryPage{})
		}
		return err
	}
	return c.Redirect("/admin/directory?flash=deleted", fiber.StatusSeeOther)
}
