package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/web"
)

// Importer previews a catalogue workbook, keeping it for the commit, and
// commits a kept one; sheet.CatalogDesk implements it, for the API and the console too.
type Importer interface {
	Preview(ctx context.Context, unit, name string, data []byte, by catalog.Actor) (plan sheet.Plan, token string, err error)
	Commit(ctx context.Context, unit, token string, by catalog.Actor) (sheet.Plan, error)
}

type importPage struct {
	Unit  catalog.Unit
	Plan  *sheet.Plan
	Token string
	Name  string
}

func (h handler) importUnit(c *fiber.Ctx) (*me, *catalog.Unit, error) {
	m, err := h.current(c)
	if err != nil {
		return nil, nil, err
	}
	u, err := h.Units.FindUnit(c.UserContext(), c.Params("code"))
	return m, u, err
}

func (h handler) handleImportForm(c *fiber.Ctx) error {
	m, u, err := h.importUnit(c)
	if err != nil {
		return err
	}
	return render(c, 200, "import.html", page{Title: "导入目录", Me: m, Data: importPage{Unit: *u}})
}

func (h handler) handleImportPreview(c *fiber.Ctx) error {
	m, u, err := h.importUnit(c)
	if err != nil {
		return err
	}
	refuse := func(err error) error {
		if _, msg, ok := fieldError(err); ok {
			return render(c, fiber.StatusBadRequest, "import.html", page{Title: "导入目录", Me: m, Error: msg, Data: importPage{Unit: *u}})
		}
		return err
	}
	data, name, err := web.SheetUpload(c, "请选择要导入的目录文件（.xlsx、.xls、.csv或.docx）")
	if err != nil {
		return refuse(err)
	}
	plan, token, err := h.Import.Preview(c.UserContext(), u.Code, name, data, web.Actor(c))
	if err != nil {
		return refuse(err)
	}
	status, msg := 200, ""
	if len(plan.Errors) > 0 {
		status, msg = fiber.StatusBadRequest, "导入文件有错误，未做任何修改；请改正下列各处后重新导入。"
	}
	return render(c, status, "import.html", page{Title: "导入预览", Me: m, Error: msg, Data: importPage{Unit: *u, Plan: &plan, Token: token, Name: name}})
}

func (h handler) handleImportCommit(c *fiber.Ctx) error {
	m, u, err := h.importUnit(c)
	if err != nil {
		return err
	}
	_, err = h.Import.Commit(c.UserContext(), u.Code, c.FormValue("token"), web.Actor(c))
	if err != nil {
		if _, msg, ok := fieldError(err); ok {
			return render(c, fiber.StatusConflict, "import.html", page{Title: "导入目录", Me: m, Error: msg, Data: importPage{Unit: *u}})
		}
		return err
	}
	return c.Redirect("/admin/units/"+u.Code+"?flash=imported", fiber.StatusSeeOther)
}
