package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gongkai/admin"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/catalog/sheet"
)

// handleCatalogExport writes a unit's published catalogue as .xlsx in the
// national layout or as CSV, for download.
func (s *server) handleCatalogExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		name, data, err := s.catalogFile(c.UserContext(), c.Params("code"), format)
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

// catalogFile is a unit's catalogue as a file of the format (xlsx or csv)
// and its name.
func (s *server) catalogFile(ctx context.Context, code, format string) (string, []byte, error) {
	u, err := s.units.FindUnit(ctx, code)
	if err != nil {
		return "", nil, err
	}
	domains, err := s.units.FindDomains(ctx)
	if err != nil {
		return "", nil, err
	}
	items, err := s.items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if format == "xlsx" {
		err = sheet.ExportXLSX(&buf, *u, domains, items)
	} else {
		err = sheet.ExportCSV(&buf, domains, items)
	}
	return u.Name + "基层政务公开标准目录." + format, buf.Bytes(), err
}

// importView is the answer of an import: what it would do (or did), the
// mistakes that stop it and the warnings that do not.
type importView struct {
	sheet.Plan
	Committed bool         `json:"committed"`
	Error     *importError `json:"error,omitempty"`
}

// importError is the error envelope of an import refused for its mistakes.
type importError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// readUpload reads the uploaded workbook of the form field "file", as the
// back office's forms do.
func readUpload(c *fiber.Ctx) ([]byte, string, error) {
	return admin.SheetUpload(c, "请选择要导入的Excel文件（表单字段 file）")
}

// handleCatalogImport reads a catalogue workbook for a unit and answers
// what it would add, change and retire; with ?commit=1 it applies exactly
// that in one transaction. A workbook with any mistake changes nothing.
func (s *server) handleCatalogImport(c *fiber.Ctx) error {
	data, name, err := readUpload(c)
	if err != nil {
		return err
	}
	commit, _ := parseBool(c.Query("commit"))
	v, err := s.importCatalog(c.UserContext(), c.Params("code"), name, data, commit, actor(c))
	if err != nil {
		return err
	}
	if v.Error != nil {
		return c.Status(fiber.StatusBadRequest).JSON(v)
	}
	return c.JSON(v)
}

// importCatalog previews (and with commit applies) a workbook for a unit;
// the API and the back office share it.
func (s *server) importCatalog(ctx context.Context, unitCode, name string, data []byte, commit bool, by catalog.Actor) (importView, error) {
	var v importView
	u, err := s.units.FindUnit(ctx, unitCode)
	if err != nil {
		return v, err
	}
	domains, err := s.units.FindDomains(ctx)
	if err != nil {
		return v, err
	}
	parsed, err := sheet.ParseXLSX(data, *u, domains)
	if err != nil {
		return v, err
	}
	items, err := s.items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return v, err
	}
	v.Plan = sheet.Diff(items, parsed)
	if len(v.Errors) > 0 {
		v.Error = &importError{"invalid", fmt.Sprintf("导入文件有%d处错误，未做任何修改：%s", len(v.Errors), v.Errors[0].String())}
		return v, nil
	}
	if commit {
		var add []catalog.Columns
		for _, r := range v.Added {
			add = append(add, r.Columns)
		}
		var change, retire []gormstore.ImportChange
		for _, ch := range v.Changed {
			change = append(change, gormstore.ImportChange{ID: ch.Item.ID, Version: ch.Item.Version, Columns: ch.New})
		}
		for _, it := range v.Retired {
			retire = append(retire, gormstore.ImportChange{ID: it.ID, Version: it.Version})
		}
		if err := s.catalog.ApplyImport(ctx, u.Code, add, change, retire, "导入目录："+name, by); err != nil {
			return v, err
		}
		v.Committed = true
	}
	return v, nil
}

// catalogImporter gives the back office the import with its stash.
type catalogImporter struct{ s *server }

func (ci catalogImporter) Preview(ctx context.Context, unit, name string, data []byte, by catalog.Actor) (sheet.Plan, string, error) {
	v, err := ci.s.importCatalog(ctx, unit, name, data, false, by)
	if err != nil || len(v.Errors) > 0 {
		return v.Plan, "", err
	}
	token, err := ci.s.catalog.Stash(ctx, unit, by.UserID, name, data)
	return v.Plan, token, err
}

func (ci catalogImporter) Commit(ctx context.Context, unit, token string, by catalog.Actor) (sheet.Plan, error) {
	name, data, err := ci.s.catalog.Unstash(ctx, token, unit, by.UserID)
	if err != nil {
		return sheet.Plan{}, err
	}
	v, err := ci.s.importCatalog(ctx, unit, name, data, true, by)
	if err == nil && v.Committed {
		ci.s.catalog.DropStash(ctx, token)
	}
	return v.Plan, err
}

// handleTemplateExport writes the county's standard template of one domain
// (for one level, ?level=township|county, both when not given) as .xlsx.
func (s *server) handleTemplateExport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ds, err := s.units.FindDomains(ctx)
	if err != nil {
		return err
	}
	var domain *catalog.Domain
	for i := range ds {
		if ds[i].Code == c.Params("code") {
			domain = &ds[i]
		}
	}
	if domain == nil {
		return catalog.Errorf(catalog.ENOTFOUND, "领域“%s”不存在", c.Params("code"))
	}
	level := catalog.Level(c.Query("level"))
	if level != "" && level != catalog.LevelCounty && level != catalog.LevelTownship {
		return catalog.Invalid("level", "层级应为 county 或 township")
	}
	tpls, err := s.items.FindTemplates(ctx, level)
	if err != nil {
		return err
	}
	var items []catalog.Item
	for _, t := range tpls {
		if t.DomainCode == domain.Code {
			items = append(items, catalog.Item{Columns: t.Columns})
		}
	}
	var buf bytes.Buffer
	u := catalog.Unit{Name: "标准目录模板："}
	if err := sheet.ExportXLSX(&buf, u, []catalog.Domain{*domain}, items); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(domain.Name+"领域基层政务公开标准目录模板.xlsx"))
	return c.Send(buf.Bytes())
}
