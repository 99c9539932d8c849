package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/access"
	"gongkai/account"
	"gongkai/catalog"
	"gongkai/notify"
	"gongkai/rbac"
	"gongkai/web"
)

func (s *handlers) handleUserIndex(c *fiber.Ctx) error {
	us, err := s.Access.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(us)
}

// handleUserCreate is the system administrator's: a new account must choose
// its own password at first sign-in.
func (s *handlers) handleUserCreate(c *fiber.Ctx) error {
	var in access.NewUser
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Access.CreateUser(c.UserContext(), in, web.Actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *handlers) handleUserUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	// A field left out stays as it is.
	var in struct {
		DisplayName *string `json:"display_name"`
		UnitCode    *string `json:"unit_code"`
		Disabled    *bool   `json:"disabled"`
		Email       *string `json:"email"`
		NoDigest    *bool   `json:"no_digest"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Access.UpdateUser(c.UserContext(), id, func(u *account.User) {
		if in.DisplayName != nil {
			u.DisplayName = strings.TrimSpace(*in.DisplayName)
		}
		if in.UnitCode != nil {
			u.UnitCode = *in.UnitCode
		}
		if in.Disabled != nil {
			u.Disabled = *in.Disabled
		}
		if in.Email != nil {
			u.Email = *in.Email
		}
		if in.NoDigest != nil {
			u.NoDigest = *in.NoDigest
		}
	}, web.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type passwordInput struct {
	Password    string `json:"password"`
	OldPassword string `json:"old_password"`
}

// passwordRequest reads the user a password route names and the body.
func passwordRequest(c *fiber.Ctx) (int64, passwordInput, error) {
	var in passwordInput
	id, err := web.ParamID(c, "id")
	if err == nil {
		err = web.DecodeJSON(c, &in)
	}
	return id, in, err
}

// handleUserPassword is the system administrator's reset: the person must
// choose a new password at the next sign-in; for a watching administrator
// the reset waits for a second person (202, pending).
func (s *handlers) handleUserPassword(c *fiber.Ctx) error {
	id, in, err := passwordRequest(c)
	if err != nil {
		return err
	}
	pending, err := s.Access.ResetPassword(c.UserContext(), id, in.Password, web.Actor(c))
	if err != nil {
		return err
	}
	if pending {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"pending": true, "message": access.PendingResetMessage})
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *handlers) handleUserPasswordConfirm(c *fiber.Ctx) error {
	id, in, err := passwordRequest(c)
	if err != nil {
		return err
	}
	if err := s.Access.ConfirmReset(c.UserContext(), id, in.Password, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleOwnPassword lets a signed-in person change their own password; it
// needs the old one and keeps the current session.
func (s *handlers) handleOwnPassword(c *fiber.Ctx) error {
	if _, ok := rbac.PrincipalOf(c); !ok {
		return catalog.Errorf(catalog.EUNAUTH, "请先登录")
	}
	var in passwordInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.Sessions.ChangePassword(c, in.OldPassword, in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// emailInput changes what it names: a field left out stays as it is.
type emailInput struct {
	Email    *string `json:"email"`
	NoDigest *bool   `json:"no_digest"`
}

// handleOwnEmail sets the signed-in person's address for the daily digest
// ("" for none) and whether it is sent.
func (s *handlers) handleOwnEmail(c *fiber.Ctx) error {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "请先登录")
	}
	var in emailInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	if in.Email != nil {
		u.Email = *in.Email
	}
	if in.NoDigest != nil {
		u.NoDigest = *in.NoDigest
	}
	if err := s.Accounts.UpdateUser(c.UserContext(), u, web.Actor(c)); err != nil {
		return err
	}
	return c.JSON(u)
}

// handleNotices lists what waits for the signed-in person, as the 工作台
// and the daily digest tell it.
func (s *handlers) handleNotices(c *fiber.Ctx) error {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "请先登录")
	}
	u, err := s.Accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	ns, err := s.Notices.For(c.UserContext(), *u, time.Now())
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []notify.Notice{}
	}
	return c.JSON(fiber.Map{"notices": ns})
}

type grantInput struct {
	Role string `json:"role"`
	Unit string `json:"unit"`
}

// setGrant binds (on) or unbinds the role the body names.
func (s *handlers) setGrant(c *fiber.Ctx, on bool) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in grantInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.Access.SetGrant(c.UserContext(), id, in.Role, in.Unit, on, web.Actor(c))
	if err != nil {
		return err
	}
	if !on {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Status(fiber.StatusCreated).JSON(g)
}

func (s *handlers) handleGrantCreate(c *fiber.Ctx) error { return s.setGrant(c, true) }
func (s *handlers) handleGrantDelete(c *fiber.Ctx) error { return s.setGrant(c, false) }
