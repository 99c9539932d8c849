package sheet

import (
	"bytes"
	"context"
	"fmt"

	"gongkai/catalog"
	"gongkai/filing"
)

// Store is what the desks need of the catalogue's store beyond its
// services: the import applied in one transaction, the directory's facts
// written together, and the stash that keeps a previewed file for its
// commit in the back office.
type Store interface {
	ApplyImport(ctx context.Context, unitCode string, add []catalog.Columns, change, retire []catalog.ImportChange, note string, by catalog.Actor) error
	UpdateUnitsFacts(ctx context.Context, us []catalog.Unit, by catalog.Actor) error
	Stash(ctx context.Context, unitCode string, userID int64, name string, data []byte) (string, error)
	Unstash(ctx context.Context, token, unitCode string, userID int64) (string, []byte, error)
	DropStash(ctx context.Context, token string)
}

// ImportError is the error envelope of an import refused for its mistakes.
type ImportError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ImportResult is the answer of a catalogue import: what it would do (or
// did), the mistakes that stop it and the warnings that do not.
type ImportResult struct {
	Plan
	Committed bool         `json:"committed"`
	Error     *ImportError `json:"error,omitempty"`
}

// CatalogDesk imports and exports units' catalogues; the API, the back
// office and the console share it.
type CatalogDesk struct {
	Units catalog.UnitService
	Items catalog.ItemService
	Store Store
}

// File is a unit's catalogue as a file of the format (xlsx or csv) and its
// name.
func (d *CatalogDesk) File(ctx context.Context, code, format string) (string, []byte, error) {
	u, err := d.Units.FindUnit(ctx, code)
	if err != nil {
		return "", nil, err
	}
	domains, err := d.Units.FindDomains(ctx)
	if err != nil {
		return "", nil, err
	}
	items, err := d.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if format == "xlsx" {
		err = ExportXLSX(&buf, *u, domains, items)
	} else {
		err = ExportCSV(&buf, domains, items)
	}
	return u.Name + "基层政务公开标准目录." + format, buf.Bytes(), err
}

// Template is the county's standard template of one domain (for one
// level; both when level is empty) as .xlsx, and the file's name.
func (d *CatalogDesk) Template(ctx context.Context, domainCode string, level catalog.Level) (string, []byte, error) {
	ds, err := d.Units.FindDomains(ctx)
	if err != nil {
		return "", nil, err
	}
	var domain *catalog.Domain
	for i := range ds {
		if ds[i].Code == domainCode {
			domain = &ds[i]
		}
	}
	if domain == nil {
		return "", nil, catalog.Errorf(catalog.ENOTFOUND, "领域“%s”不存在", domainCode)
	}
	if level != "" && level != catalog.LevelCounty && level != catalog.LevelTownship {
		return "", nil, catalog.Invalid("level", "层级应为 county 或 township")
	}
	tpls, err := d.Items.FindTemplates(ctx, level)
	if err != nil {
		return "", nil, err
	}
	var items []catalog.Item
	for _, t := range tpls {
		if t.DomainCode == domain.Code {
			items = append(items, catalog.Item{Columns: t.Columns})
		}
	}
	var buf bytes.Buffer
	if err := ExportXLSX(&buf, catalog.Unit{Name: "标准目录模板："}, []catalog.Domain{*domain}, items); err != nil {
		return "", nil, err
	}
	return domain.Name + "领域基层政务公开标准目录模板.xlsx", buf.Bytes(), nil
}

// Import previews, and with commit applies in one transaction, a workbook
// for a unit. A workbook with any mistake changes nothing: the result then
// carries Error.
func (d *CatalogDesk) Import(ctx context.Context, unitCode, name string, data []byte, commit bool, by catalog.Actor) (ImportResult, error) {
	var v ImportResult
	u, err := d.Units.FindUnit(ctx, unitCode)
	if err != nil {
		return v, err
	}
	domains, err := d.Units.FindDomains(ctx)
	if err != nil {
		return v, err
	}
	units, err := d.Units.FindUnits(ctx)
	if err != nil {
		return v, err
	}
	parsed, err := Parse(name, data, Input{Unit: *u, Units: units, Domains: domains})
	if err != nil {
		return v, err
	}
	items, err := d.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return v, err
	}
	v.Plan = Diff(items, parsed)
	if len(v.Errors) > 0 {
		v.Error = &ImportError{"invalid", fmt.Sprintf("导入文件有%d处错误，未做任何修改：%s", len(v.Errors), v.Errors[0].String())}
		return v, nil
	}
	if commit {
		var add []catalog.Columns
		for _, r := range v.Added {
			add = append(add, r.Columns)
		}
		var change, retire []catalog.ImportChange
		for _, ch := range v.Changed {
			change = append(change, catalog.ImportChange{ID: ch.Item.ID, Version: ch.Item.Version, Columns: ch.New})
		}
		for _, it := range v.Retired {
			retire = append(retire, catalog.ImportChange{ID: it.ID, Version: it.Version})
		}
		if err := d.Store.ApplyImport(ctx, u.Code, add, change, retire, "导入目录："+name, by); err != nil {
			return v, err
		}
		v.Committed = true
	}
	return v, nil
}

// Preview checks a workbook and keeps it for Commit under the token it
// returns (no token when the workbook has mistakes).
func (d *CatalogDesk) Preview(ctx context.Context, unit, name string, data []byte, by catalog.Actor) (Plan, string, error) {
	v, err := d.Import(ctx, unit, name, data, false, by)
	if err != nil || len(v.Errors) > 0 {
		return v.Plan, "", err
	}
	token, err := d.Store.Stash(ctx, unit, by.UserID, name, data)
	return v.Plan, token, err
}

// Commit applies the workbook Preview kept, for the same person and unit.
func (d *CatalogDesk) Commit(ctx context.Context, unit, token string, by catalog.Actor) (Plan, error) {
	name, data, err := d.Store.Unstash(ctx, token, unit, by.UserID)
	if err != nil {
		return Plan{}, err
	}
	v, err := d.Import(ctx, unit, name, data, true, by)
	if err == nil && v.Committed {
		d.Store.DropStash(ctx, token)
	}
	return v.Plan, err
}

// DirectoryResult is the answer of a directory import.
type DirectoryResult struct {
	DirectoryPlan
	Committed bool         `json:"committed"`
	Error     *ImportError `json:"error,omitempty"`
}

// DirectoryDesk exports the unit directory with each unit's current filing
// and imports the units' public facts from it.
type DirectoryDesk struct {
	Units   catalog.UnitService
	Filings interface {
		AllFilings(ctx context.Context) (map[string][]filing.Filing, error)
	}
	Store Store
	// County names the directory's county.
	County interface {
		County(ctx context.Context) (catalog.County, error)
	}
}

// directoryStash is the pseudo unit the directory's previews are kept
// under (the county's, as rbac.AllUnits).
const directoryStash = "*"

// Export writes every unit with its current filing as .xlsx (staff only:
// the filing holds office phones of people).
func (d *DirectoryDesk) Export(ctx context.Context) ([]byte, error) {
	units, err := d.Units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	all, err := d.Filings.AllFilings(ctx)
	if err != nil {
		return nil, err
	}
	var rows []DirectoryRow
	for _, u := range units {
		r := DirectoryRow{Unit: u}
		if fs := all[u.Code]; len(fs) > 0 {
			cur := fs[len(fs)-1]
			r.FiledOn, r.Fax, r.Email = cur.FiledOn.Format("2006-01-02"), cur.Fax, cur.Email
			r.People = filedPeople(cur)
		}
		rows = append(rows, r)
	}
	var buf bytes.Buffer
	county, err := d.County.County(ctx)
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return nil, err
	}
	if err := ExportDirectory(&buf, county.Name, rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DirectoryFileName is the exported directory's file name.
const DirectoryFileName = "政务公开机构人员名录.xlsx"

// filedPeople are a filing's people, a row each: the leader, the
// publishers, the head of the office that handles openness.
func filedPeople(f filing.Filing) []DirectoryPerson {
	ps := []DirectoryPerson{{Role: "分管负责人", Name: f.Leader.Name, Post: f.Leader.Post, Phone: f.Leader.Phone, Office: f.Office.Name}}
	for _, p := range f.Publishers {
		ps = append(ps, DirectoryPerson{Role: "信息发布员", Name: p.Name, Post: p.Post, Phone: p.Phone, Office: f.Office.Name})
	}
	if f.Office.Head != "" || f.Office.Phone != "" {
		ps = append(ps, DirectoryPerson{Role: "内设机构负责人", Name: f.Office.Head, Post: f.Office.Name + "负责人", Phone: f.Office.Phone, Office: f.Office.Name})
	}
	return ps
}

// Import previews, and with commit applies in one transaction, a directory
// sheet: which units' public facts change. A sheet with any mistake changes
// nothing: the result then carries Error.
func (d *DirectoryDesk) Import(ctx context.Context, data []byte, commit bool, by catalog.Actor) (DirectoryResult, error) {
	var v DirectoryResult
	units, err := d.Units.FindUnits(ctx)
	if err != nil {
		return v, err
	}
	plan, err := ParseDirectory(data, units)
	if err != nil {
		return v, err
	}
	v.DirectoryPlan = *plan
	if len(v.Errors) > 0 {
		v.Error = &ImportError{"invalid", fmt.Sprintf("名录有%d处错误，未做任何修改：%s", len(v.Errors), v.Errors[0].String())}
		return v, nil
	}
	if commit && len(v.Changed) > 0 {
		us := make([]catalog.Unit, len(v.Changed))
		for i, ch := range v.Changed {
			us[i] = ch.Unit
		}
		if err := d.Store.UpdateUnitsFacts(ctx, us, by); err != nil {
			return v, err
		}
		v.Committed = true
	}
	return v, nil
}

// Preview checks a sheet and keeps it for Commit under the token it
// returns (no token when the sheet has mistakes).
func (d *DirectoryDesk) Preview(ctx context.Context, data []byte, by catalog.Actor) (DirectoryPlan, string, error) {
	v, err := d.Import(ctx, data, false, by)
	if err != nil || len(v.Errors) > 0 {
		return v.DirectoryPlan, "", err
	}
	token, err := d.Store.Stash(ctx, directoryStash, by.UserID, "名录.xlsx", data)
	return v.DirectoryPlan, token, err
}

// Commit applies the sheet Preview kept, for the same person.
func (d *DirectoryDesk) Commit(ctx context.Context, token string, by catalog.Actor) error {
	_, data, err := d.Store.Unstash(ctx, token, directoryStash, by.UserID)
	if err != nil {
		return err
	}
	if _, err := d.Import(ctx, data, true, by); err != nil {
		return err
	}
	d.Store.DropStash(ctx, token)
	return nil
}
