package admin

import (
	"context"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/rbac"
	"gongkai/web"
)

type filingsPage struct {
	Unit       catalog.Unit
	Current    *filing.Filing
	History    []filing.Filing
	Mismatches []filing.Mismatch
	CanWrite   bool
	Form       filingForm
}

// filingForm is the new-filing form, kept as typed.
type filingForm struct {
	filing.Filing
	FiledOnText string
}

func readFilingForm(c *fiber.Ctx) filingForm {
	var f filingForm
	f.Leader = filing.Person{Name: c.FormValue("leader_name"), Post: c.FormValue("leader_post"), Phone: c.FormValue("leader_phone")}
	for i := 0; i < 3; i++ {
		p := filing.Person{Name: c.FormValue(fmt.Sprintf("pub_name_%d", i)), Post: c.FormValue(fmt.Sprintf("pub_post_%d", i)), Phone: c.FormValue(fmt.Sprintf("pub_phone_%d", i))}
		f.Publishers = append(f.Publishers, p)
	}
	f.Office = filing.Office{Name: c.FormValue("office_name"), Head: c.FormValue("office_head"), Phone: c.FormValue("office_phone")}
	f.Fax, f.Email, f.Note, f.FiledOnText = c.FormValue("fax"), c.FormValue("email"), c.FormValue("note"), c.FormValue("filed_on")
	return f
}

// Pub returns the i-th publisher row of the form (empty past the end).
func (f filingForm) Pub(i int) filing.Person {
	if i < len(f.Publishers) {
		return f.Publishers[i]
	}
	return filing.Person{}
}

func (h handler) filingsData(c *fiber.Ctx, m *me, code string) (filingsPage, error) {
	ctx := c.UserContext()
	u, err := h.Units.FindUnit(ctx, code)
	if err != nil {
		return filingsPage{}, err
	}
	hist, err := h.Filings.FindFilings(ctx, code)
	if err != nil {
		return filingsPage{}, err
	}
	p := filingsPage{Unit: *u, History: hist, CanWrite: h.can(m, code, rbac.ObjUnit, rbac.ActWrite)}
	if len(hist) > 0 {
		cur := hist[len(hist)-1]
		p.Current = &cur
		p.Form.Filing = cur // a new filing starts from the current one
	}
	p.Form.FiledOnText = h.now().In(catalog.Shanghai).Format("2006-01-02")
	accounts, err := h.UnitAccounts(ctx, code)
	if err != nil {
		return filingsPage{}, err
	}
	p.Mismatches = filing.Consistency(p.Current, accounts)
	return p, nil
}

func (h handler) handleFilings(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.filingsData(c, m, c.Params("code"))
	if err != nil {
		return err
	}
	flash := ""
	if c.Query("flash") == "filed" {
		flash = "已备案，原备案保留在历史中。"
	}
	return render(c, 200, "filings.html", page{Title: p.Unit.Name + "备案", Me: m, Flash: flash, Data: p})
}

func (h handler) handleFilingCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	code := strings.Clone(c.Params("code"))
	form := readFilingForm(c)
	f := form.Filing
	f.UnitCode = code
	if form.FiledOnText != "" {
		d, err := catalog.ParseDay("filed_on", "备案日期", form.FiledOnText)
		if err != nil {
			return h.filingRefused(c, m, code, form, err)
		}
		f.FiledOn = d
	}
	if err := h.Filings.CreateFiling(c.UserContext(), &f, web.Actor(c)); err != nil {
		return h.filingRefused(c, m, code, form, err)
	}
	return c.Redirect("/admin/units/"+code+"/filings?flash=filed", fiber.StatusSeeOther)
}

func (h handler) filingRefused(c *fiber.Ctx, m *me, code string, form filingForm, err error) error {
	_, msg, ok := fieldError(err)
	if !ok {
		return err
	}
	p, err2 := h.filingsData(c, m, code)
	if err2 != nil {
		return err2
	}
	p.Form = form
	return render(c, fiber.StatusBadRequest, "filings.html", page{Title: p.Unit.Name + "备案", Me: m, Error: msg, Data: p})
}

// filingUnit finds the unit of the filing a route names, for Require.
func (h handler) filingUnit(c *fiber.Ctx) (string, error) {
	id, err := web.PageID(c)
	if err != nil {
		return "", err
	}
	f, err := h.Filings.FindFiling(c.UserContext(), id)
	if err != nil {
		return "", err
	}
	return f.UnitCode, nil
}

type printPage struct {
	Unit   catalog.Unit
	Filing filing.Filing
}

// handleFilingPrint renders a 备案表 as the seed shows it, for A4 paper and
// the unit's seal.
func (h handler) handleFilingPrint(c *fiber.Ctx) error {
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	f, err := h.Filings.FindFiling(c.UserContext(), id)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(c.UserContext(), f.UnitCode)
	if err != nil {
		return err
	}
	return render(c, 200, "filing_print.html", page{Title: u.FullName + "政务公开机构人员备案表", Data: printPage{*u, *f}})
}

type watchPage struct {
	At    string
	Watch []filing.Watch
}

func (h handler) handleWatch(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p := watchPage{At: c.Query("at")}
	p.Watch, err = filing.WatchAt(c.UserContext(), h.Units, h.Filings, p.At)
	if err != nil {
		if _, msg, ok := fieldError(err); ok && catalog.ErrorCode(err) == catalog.EINVALID {
			return render(c, fiber.StatusBadRequest, "watch.html", page{Title: "备案关注名单", Me: m, Error: msg, Data: p})
		}
		return err
	}
	return render(c, 200, "watch.html", page{Title: "备案关注名单", Me: m, Data: p})
}

// UnitAccountsFunc lists a unit's clerk and leader accounts.
type UnitAccountsFunc func(ctx context.Context, code string) ([]filing.Account, error)
