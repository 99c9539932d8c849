package main

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
)

// handleCatalogExport writes a unit's published catalogue as .xlsx in the
// national layout or as CSV, for download.
func (s *server) handleCatalogExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		u, err := s.units.FindUnit(ctx, c.Params("code"))
		if err != nil {
			return err
		}
		domains, err := s.units.FindDomains(ctx)
		if err != nil {
			return err
		}
		items, err := s.items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		name := u.Name + "基层政务公开标准目录." + format
		if format == "xlsx" {
			err = sheet.ExportXLSX(&buf, *u, domains, items)
			c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		} else {
			err = sheet.ExportCSV(&buf, domains, items)
			c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		}
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
		return c.Send(buf.Bytes())
	}
}
