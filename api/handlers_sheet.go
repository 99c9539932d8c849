package api

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
)

// handleCatalogExport writes a unit's published catalogue as .xlsx in the
// national layout or as CSV, for download.
func (s *handlers) handleCatalogExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		name, data, err := s.Catalogs.File(c.UserContext(), c.Params("code"), format)
		if err != nil {
			return err
		}
		if format == "xlsx" {
			c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		} else {
			c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		}
		c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
		return c.Send(data)
	}
}

// readUpload reads the uploaded workbook of the form field "file", as the
// back office's forms do.
func readUpload(c *fiber.Ctx) ([]byte, string, error) {
	return web.SheetUpload(c, "请选择要导入的文件（表单字段 file：.xlsx、.xls、.csv或.docx）")
}

// handleCatalogImport reads a catalogue workbook for a unit and answers
// what it would add, change and retire; with ?commit=1 it applies exactly
// that in one transaction. A workbook with any mistake changes nothing.
func (s *handlers) handleCatalogImport(c *fiber.Ctx) error {
	data, name, err := readUpload(c)
	if err != nil {
		return err
	}
	commit, _ := web.ParseBool(c.Query("commit"))
	v, err := s.Catalogs.Import(c.UserContext(), c.Params("code"), name, data, commit, web.Actor(c))
	if err != nil {
		return err
	}
	if v.Error != nil {
		return c.Status(fiber.StatusBadRequest).JSON(v)
	}
	return c.JSON(v)
}

// handleTemplateExport writes the county's standard template of one domain
// (for one level, ?level=township|county, both when not given) as .xlsx.
func (s *handlers) handleTemplateExport(c *fiber.Ctx) error {
	name, data, err := s.Catalogs.Template(c.UserContext(), c.Params("code"), catalog.Level(c.Query("level")))
	if err != nil {
		return err
	}
	return sendXLSX(c, name, data)
}

// sendXLSX answers a workbook to download under name.
func sendXLSX(c *fiber.Ctx, name string, data []byte) error {
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Send(data)
}
