package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/filing"
	"gongkai/web"
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
func (s *handlers) handleUnitUpdate(c *fiber.Ctx) error {
	var in unitFactsInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	if in.FullName != "" {
		u.FullName = in.FullName
	}
	u.Functions, u.Offices, u.Address, u.OfficeHours, u.Phone, u.Fax, u.Email, u.Postcode, u.Head =
		in.Functions, in.Offices, in.Address, in.OfficeHours, in.Phone, in.Fax, in.Email, in.Postcode, in.Head
	if err := s.Units.UpdateUnitFacts(c.UserContext(), u, web.Actor(c)); err != nil {
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

func (s *handlers) handleFilingIndex(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	if _, err := s.Units.FindUnit(c.UserContext(), code); err != nil {
		return err
	}
	fs, err := s.Filings.FindFilings(c.UserContext(), code)
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []filing.Filing{}
	}
	return c.JSON(fs)
}

// handleFilingCreate files a new version of a unit's 备案表; the old ones stay.
func (s *handlers) handleFilingCreate(c *fiber.Ctx) error {
	var in filingInput
	if err := web.DecodeJSON(c, &in); err != nil {
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
	if err := s.Filings.CreateFiling(c.UserContext(), &f, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

// handleFilingWatch lists the units that never filed, filed more than a year
// ago, or changed publishers twice or more in the year (?at=2020-12-31 to
// judge at another date).
func (s *handlers) handleFilingWatch(c *fiber.Ctx) error {
	w, err := filing.WatchAt(c.UserContext(), s.Units, s.Filings, c.Query("at"))
	if err != nil {
		return err
	}
	return c.JSON(w)
}

// handleFilingConsistency compares a unit's current filing with its accounts.
func (s *handlers) handleFilingConsistency(c *fiber.Ctx) error {
	ctx := c.UserContext()
	code := strings.Clone(c.Params("code"))
	fs, err := s.Filings.FindFilings(ctx, code)
	if err != nil {
		return err
	}
	var current *filing.Filing
	if len(fs) > 0 {
		current = &fs[len(fs)-1]
	}
	accounts, err := s.Access.UnitAccounts(ctx, code)
	if err != nil {
		return err
	}
	ms := filing.Consistency(current, accounts)
	if ms == nil {
		ms = []filing.Mismatch{}
	}
	return c.JSON(ms)
}

// handleDirectoryExport writes every unit with its current filing as .xlsx
// (staff only: the filing holds office phones of people).
func (s *handlers) handleDirectoryExport(c *fiber.Ctx) error {
	data, err := s.Directory.Export(c.UserContext())
	if err != nil {
		return err
	}
	return sendXLSX(c, sheet.DirectoryFileName, data)
}

// handleDirectoryImport reads a unit directory sheet and answers which units'
// public facts would change; with ?commit=1 it applies them in one
// transaction. A sheet with any mistake changes nothing.
func (s *handlers) handleDirectoryImport(c *fiber.Ctx) error {
	data, _, err := readUpload(c)
	if err != nil {
		return err
	}
	commit, _ := web.ParseBool(c.Query("commit"))
	v, err := s.Directory.Import(c.UserContext(), data, commit, web.Actor(c))
	if err != nil {
		return err
	}
	if v.Error != nil {
		return c.Status(fiber.StatusBadRequest).JSON(v)
	}
	return c.JSON(v)
}
