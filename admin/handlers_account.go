package admin

import (
	"github.com/gofiber/fiber/v2"

	"gongkai/account"
	"gongkai/web"
)

// accountPage is one's own account: the daily digest's address.
type accountPage struct {
	User     *account.User
	UnitName string
	Email    string
	Digest   bool
}

func (h handler) accountData(c *fiber.Ctx, m *me) (accountPage, error) {
	u, err := h.Accounts.FindUser(c.UserContext(), m.ID)
	if err != nil {
		return accountPage{}, err
	}
	p := accountPage{User: u, Email: u.Email, Digest: u.Email == "" || !u.NoDigest}
	if u.UnitCode != "" {
		if unit, err := h.Units.FindUnit(c.UserContext(), u.UnitCode); err == nil {
			p.UnitName = unit.Name
		}
	}
	return p, nil
}

func (h handler) handleAccountForm(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.accountData(c, m)
	if err != nil {
		return err
	}
	flash := ""
	if c.Query("flash") == "saved" {
		flash = "已保存。"
	}
	return render(c, 200, "account.html", page{Title: "我的账号", Me: m, Flash: flash, Data: p})
}

// handleAccount saves one's own e-mail address and digest choice; the
// change is audited as the person's own.
func (h handler) handleAccount(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if m == nil {
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	p, err := h.accountData(c, m)
	if err != nil {
		return err
	}
	u := *p.User
	u.Email, u.NoDigest = c.FormValue("email"), c.FormValue("digest") != "1"
	if err := h.Accounts.UpdateUser(c.UserContext(), &u, web.Actor(c)); err != nil {
		if _, msg, ok := fieldError(err); ok {
			p.Email, p.Digest = c.FormValue("email"), !u.NoDigest
			return render(c, fiber.StatusBadRequest, "account.html", page{Title: "我的账号", Me: m, Error: msg, Data: p})
		}
		return err
	}
	return c.Redirect("/admin/account?flash=saved", fiber.StatusSeeOther)
}
