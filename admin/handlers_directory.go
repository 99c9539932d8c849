package admin

import (
	"context"

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
}

func (h handler) handleDirectory(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	flash := ""
	if c.Query("flash") == "imported" {
		flash = "名录已导入。"
	}
	return render(c, 200, "directory.html", page{Title: "单位名录", Me: m, Flash: flash, Data: directoryPage{}})
}

func (h handler) handleDirectoryPreview(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	refuse := func(err error) error {
		if _, msg, ok := fieldError(err); ok {
			return render(c, fiber.StatusBadRequest, "directory.html", page{Title: "单位名录", Me: m, Error: msg, Data: directoryPage{}})
		}
		return err
	}
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
	return render(c, status, "directory.html", page{Title: "名录导入预览", Me: m, Error: msg, Data: directoryPage{Plan: &plan, Token: token}})
}

func (h handler) handleDirectoryCommit(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if err := h.Directory.Commit(c.UserContext(), c.FormValue("token"), web.Actor(c)); err != nil {
		if _, msg, ok := fieldError(err); ok {
			return render(c, fiber.StatusConflict, "directory.html", page{Title: "单位名录", Me: m, Error: msg, Data: directoryPage{}})
		}
		return err
	}
	return c.Redirect("/admin/directory?flash=imported", fiber.StatusSeeOther)
}
