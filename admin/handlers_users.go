package admin

import (
	"context"

	"strconv"

	"github.com/gofiber/fiber/v2"

	"gongkai/access"
	"gongkai/account"
	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

// AccountAdmin is what the system and security administrators do from the
// back office: access.Desk, which the API and the console use too.
type AccountAdmin interface {
	CreateUser(ctx context.Context, in access.NewUser, by catalog.Actor) (*account.User, error)
	SetDisabled(ctx context.Context, id int64, disabled bool, by catalog.Actor) error
	// ResetPassword resets another's password, or for another
	// administrator only asks for it (pending), to be confirmed.
	ResetPassword(ctx context.Context, id int64, password string, by catalog.Actor) (pending bool, err error)
	// ConfirmReset is a security administrator's setting of the password
	// another administrator asked to reset.
	ConfirmReset(ctx context.Context, id int64, password string, by catalog.Actor) error
	SetGrant(ctx context.Context, id int64, role, unit string, on bool, by catalog.Actor) (rbac.Grant, error)
}

type userRow struct {
	User   account.User
	Grants []rbac.Grant
}

type usersPage struct {
	Users          []userRow
	Units          []catalog.Unit
	Roles          []rbac.Role
	CanAccounts    bool // system administrator
	CanRoles       bool // security administrator
	Username, Unit string
	Display        string
	Email          string
}

func (h handler) usersData(c *fiber.Ctx, m *me) (usersPage, error) {
	ctx := c.UserContext()
	us, err := h.Accounts.FindUsers(ctx)
	if err != nil {
		return usersPage{}, err
	}
	units, err := h.Units.FindUnits(ctx)
	if err != nil {
		return usersPage{}, err
	}
	p := usersPage{Units: units, Roles: rbac.Roles, CanAccounts: h.can(m, rbac.AllUnits, rbac.ObjAccount, rbac.ActWrite),
		CanRoles: h.can(m, rbac.AllUnits, rbac.ObjRole, rbac.ActWrite)}
	for _, u := range us {
		gs, err := h.Authz.GrantsOf(u.ID)
		if err != nil {
			return usersPage{}, err
		}
		p.Users = append(p.Users, userRow{u, gs})
	}
	return p, nil
}

func (h handler) handleUsers(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.usersData(c, m)
	if err != nil {
		return err
	}
	flash := map[string]string{"created": "账号已创建，首次登录须修改密码。", "saved": "已保存。",
		"pending": "该账号属于安全管理员或审计管理员：重置申请已提交，须由另一名安全管理员确认并设置新密码。"}[c.Query("flash")]
	return render(c, 200, "users.html", page{Title: "账号与授权", Me: m, Flash: flash, Data: p})
}

// usersAction runs an administrator's action and shows the page again with
// its error, keeping what was typed.
func (h handler) usersAction(c *fiber.Ctx, do func() error, flash *string) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if err := do(); err != nil {
		_, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		p, err2 := h.usersData(c, m)
		if err2 != nil {
			return err2
		}
		p.Username, p.Unit, p.Display, p.Email = c.FormValue("username"), c.FormValue("unit_code"), c.FormValue("display_name"), c.FormValue("email")
		status := fiber.StatusBadRequest
		switch catalog.ErrorCode(err) {
		case catalog.EFORBIDDEN:
			status = fiber.StatusForbidden
		case catalog.ECONFLICT:
			status = fiber.StatusConflict
		}
		return render(c, status, "users.html", page{Title: "账号与授权", Me: m, Error: msg, Data: p})
	}
	return c.Redirect("/admin/users?flash="+*flash, fiber.StatusSeeOther)
}

func (h handler) handleUserCreate(c *fiber.Ctx) error {
	return h.usersAction(c, func() error {
		_, err := h.Admins.CreateUser(c.UserContext(), access.NewUser{Username: c.FormValue("username"), DisplayName: c.FormValue("display_name"),
			UnitCode: c.FormValue("unit_code"), Password: c.FormValue("password"), Email: c.FormValue("email")}, web.Actor(c))
		return err
	}, flashOf("created"))
}

func flashOf(s string) *string { return &s }

func userID(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	return id
}

func (h handler) handleUserDisable(c *fiber.Ctx) error {
	return h.usersAction(c, func() error {
		return h.Admins.SetDisabled(c.UserContext(), userID(c), c.FormValue("disabled") == "1", web.Actor(c))
	}, flashOf("saved"))
}

func (h handler) handleUserReset(c *fiber.Ctx) error {
	flash := "saved"
	return h.usersAction(c, func() error {
		pending, err := h.Admins.ResetPassword(c.UserContext(), userID(c), c.FormValue("password"), web.Actor(c))
		if pending {
			flash = "pending"
		}
		return err
	}, &flash)
}

func (h handler) handleUserResetConfirm(c *fiber.Ctx) error {
	flash := "saved"
	return h.usersAction(c, func() error {
		return h.Admins.ConfirmReset(c.UserContext(), userID(c), c.FormValue("password"), web.Actor(c))
	}, &flash)
}

func (h handler) handleGrant(c *fiber.Ctx) error {
	return h.usersAction(c, func() error {
		_, err := h.Admins.SetGrant(c.UserContext(), userID(c), c.FormValue("role"), c.FormValue("unit"), c.FormValue("revoke") != "1", web.Actor(c))
		return err
	}, flashOf("saved"))
}
