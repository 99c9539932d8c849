package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/filing"
	"gongkai/rbac"
)

type unitFactsInput struct {
	FullName    string `json:"full_name"`
	Functions   string `json:"functions"`
	Offices     string `json:"offices"`
	Address     string `json:"address"`
	OfficeHours string `json:"office_hours"`
	Phone       string `json:"phone"`
	Fax         string `json:"fax"`
	Email       string `json:"email"`
	Postcode    string `json:"postcode"`
	Head        string `json:"head"`
}

// handleUnitUpdate changes a unit's public facts (机构设置).
func (s *server) handleUnitUpdate(c *fiber.Ctx) error {
	var in unitFactsInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	if in.FullName != "" {
		u.FullName = in.FullName
	}
	u.Functions, u.Offices, u.Address, u.OfficeHours, u.Phone, u.Fax, u.Email, u.Postcode, u.Head =
		in.Functions, in.Offices, in.Address, in.OfficeHours, in.Phone, in.Fax, in.Email, in.Postcode, in.Head
	if err := s.units.UpdateUnitFacts(c.UserContext(), u, actor(c)); err != nil {
		return err
	}
	return c.JSON(u)
}

type filingInput struct {
	Leader     filing.Person   `json:"leader"`
	Publishers []filing.Person `json:"publishers"`
	Office     filing.Office   `json:"office"`
	Fax        string          `json:"fax"`
	Email      string          `json:"email"`
	FiledOn    string          `json:"filed_on"`
	Note       string          `json:"note"`
}

func (s *server) handleFilingIndex(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	if _, err := s.units.FindUnit(c.UserContext(), code); err != nil {
		return err
	}
	fs, err := s.filings.FindFilings(c.UserContext(), code)
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []filing.Filing{}
	}
	return c.JSON(fs)
}

// handleFilingCreate files a new version of a unit's 备案表; the old ones stay.
func (s *server) handleFilingCreate(c *fiber.Ctx) error {
	var in filingInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f := filing.Filing{UnitCode: strings.Clone(c.Params("code")), Leader: in.Leader, Publishers: in.Publishers, Office: in.Office, Fax: in.Fax,
		Email: in.Email, Note: in.Note, FiledOn: time.Now().In(catalog.Shanghai)}
	if in.FiledOn != "" {
		d, err := parseDay("filed_on", "备案日期", in.FiledOn)
		if err != nil {
			return err
		}
		f.FiledOn = d
	}
	if err := s.filings.CreateFiling(c.UserContext(), &f, actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

// handleFilingWatch lists the units that never filed, filed more than a year
// ago, or changed publishers twice or more in the year (?at=2020-12-31 to
// judge at another date).
func (s *server) handleFilingWatch(c *fiber.Ctx) error {
	w, err := filing.WatchAt(c.UserContext(), s.units, s.filings, c.Query("at"))
	if err != nil {
		return err
	}
	return c.JSON(w)
}

// unitAccounts lists the clerk and leader accounts of a unit, for the
// consistency check of its filing.
func (s *server) unitAccounts(ctx context.Context, code string) ([]filing.Account, error) {
	users, err := s.accounts.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	var accounts []filing.Account
	for _, u := range users {
		gs, err := s.authz.GrantsOf(u.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if g.Unit == code && (g.Role == rbac.RoleClerk || g.Role == rbac.RoleLeader) {
				accounts = append(accounts, filing.Account{Username: u.Username, DisplayName: u.DisplayName, Disabled: u.Disabled, Role: string(g.Role)})
			}
		}
	}
	return accounts, nil
}

// handleFilingConsistency compares a unit's current filing with its accounts.
func (s *server) handleFilingConsistency(c *fiber.Ctx) error {
	ctx := c.UserContext()
	code := strings.Clone(c.Params("code"))
	fs, err := s.filings.FindFilings(ctx, code)
	if err != nil {
		return err
	}
	var current *filing.Filing
	if len(fs) > 0 {
		current = &fs[len(fs)-1]
	}
	accounts, err := s.unitAccounts(ctx, code)
	if err != nil {
		return err
	}
	ms := filing.Consistency(current, accounts)
	if ms == nil {
		ms = []filing.Mismatch{}
	}
	return c.JSON(ms)
}

// filingSummary renders a filing's people on one line each for the directory.
func filingSummary(f filing.Filing) (leader, pubs, office string) {
	person := func(p filing.Person) string { return strings.TrimSpace(p.Name + " " + p.Post + " " + p.Phone) }
	leader = person(f.Leader)
	var ps []string
	for _, p := range f.Publishers {
		ps = append(ps, person(p))
	}
	office = strings.TrimSpace(f.Office.Name + " " + f.Office.Head + " " + f.Office.Phone)
	return leader, strings.Join(ps, "；"), office
}

// handleDirectoryExport writes every unit with its current filing as .xlsx
// (staff only: the filing holds office phones of people).
func (s *server) handleDirectoryExport(c *fiber.Ctx) error {
	units, err := s.units.FindUnits(c.UserContext())
	if err != nil {
		return err
	}
	all, err := s.filings.AllFilings(c.UserContext())
	if err != nil {
		return err
	}
	var rows []sheet.DirectoryRow
	for _, u := range units {
		r := sheet.DirectoryRow{Unit: u}
		if fs := all[u.Code]; len(fs) > 0 {
			cur := fs[len(fs)-1]
			r.FiledOn = cur.FiledOn.Format("2006-01-02")
			r.Leader, r.Publishers, r.Office = filingSummary(cur)
		}
		rows = append(rows, r)
	}
	var buf bytes.Buffer
	if err := sheet.ExportDirectory(&buf, rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape("政务公开机构人员名录.xlsx"))
	return c.Send(buf.Bytes())
}

type directoryView struct {
	sheet.DirectoryPlan
	Committed bool         `json:"committed"`
	Error     *importError `json:"error,omitempty"`
}

// handleDirectoryImport reads a unit directory sheet and answers which units'
// public facts would change; with ?commit=1 it applies them in one
// transaction. A sheet with any mistake changes nothing.
func (s *server) handleDirectoryImport(c *fiber.Ctx) error {
	data, _, err := readUpload(c)
	if err != nil {
		return err
	}
	commit, _ := parseBool(c.Query("commit"))
	v, err := s.importDirectory(c.UserContext(), data, commit, actor(c))
	if err != nil {
		return err
	}
	if v.Error != nil {
		return c.Status(fiber.StatusBadRequest).JSON(v)
	}
	return c.JSON(v)
}

func (s *server) importDirectory(ctx context.Context, data []byte, commit bool, by catalog.Actor) (directoryView, error) {
	var v directoryView
	units, err := s.units.FindUnits(ctx)
	if err != nil {
		return v, err
	}
	plan, err := sheet.ParseDirectory(data, units)
	if err != nil {
		return v, err
	}
	v.DirectoryPlan = *plan
	if len(v.Errors) > 0 {
		v.Error = &importError{"invalid", fmt.Sprintf("名录有%d处错误，未做任何修改：%s", len(v.Errors), v.Errors[0].String())}
		return v, nil
	}
	if commit && len(v.Changed) > 0 {
		us := make([]catalog.Unit, len(v.Changed))
		for i, ch := range v.Changed {
			us[i] = ch.Unit
		}
		if err := s.catalog.UpdateUnitsFacts(ctx, us, by); err != nil {
			return v, err
		}
		v.Committed = true
	}
	return v, nil
}

// directoryImporter gives the back office the directory import with its
// stash (the same as the catalogue's, under the pseudo unit "*").
type directoryImporter struct{ s *server }

func (di directoryImporter) Preview(ctx context.Context, data []byte, by catalog.Actor) (sheet.DirectoryPlan, string, error) {
	v, err := di.s.importDirectory(ctx, data, false, by)
	if err != nil || len(v.Errors) > 0 {
		return v.DirectoryPlan, "", err
	}
	token, err := di.s.catalog.Stash(ctx, rbac.AllUnits, by.UserID, "名录.xlsx", data)
	return v.DirectoryPlan, token, err
}

func (di directoryImporter) Commit(ctx context.Context, token string, by catalog.Actor) error {
	_, data, err := di.s.catalog.Unstash(ctx, token, rbac.AllUnits, by.UserID)
	if err != nil {
		return err
	}
	if _, err := di.s.importDirectory(ctx, data, true, by); err != nil {
		return err
	}
	di.s.catalog.DropStash(ctx, token)
	return nil
}
