package api

import (
	"github.com/gofiber/fiber/v2"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

type sessionInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SessionView is the answer of the session routes.
type SessionView struct {
	User   account.User `json:"user"`
	Grants []rbac.Grant `json:"grants"`
	// MustChangePassword: nothing but a password change is allowed yet.
	MustChangePassword bool `json:"must_change_password"`
}

func (s *handlers) sessionOf(u *account.User) (SessionView, error) {
	gs, err := s.Authz.GrantsOf(u.ID)
	if err != nil {
		return SessionView{}, err
	}
	return SessionView{User: *u, Grants: gs, MustChangePassword: s.Sessions.MustChangePassword(u)}, nil
}

func (s *handlers) handleSessionCreate(c *fiber.Ctx) error {
	var in sessionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Sessions.SignIn(c, in.Username, in.Password)
	if err != nil {
		return err
	}
	v, err := s.sessionOf(u)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *handlers) handleSessionShow(c *fiber.Ctx) error {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "未登录")
	}
	u, err := s.Accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	v, err := s.sessionOf(u)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *handlers) handleSessionDelete(c *fiber.Ctx) error {
	if err := s.Sessions.SignOut(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
