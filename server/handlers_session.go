package main

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/rbac"
)

type sessionInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type sessionView struct {
	User   account.User `json:"user"`
	Grants []rbac.Grant `json:"grants"`
	// MustChangePassword: nothing but a password change is allowed yet.
	MustChangePassword bool `json:"must_change_password"`
}

func (s *server) sessionView(u *account.User) (sessionView, error) {
	gs, err := s.authz.GrantsOf(u.ID)
	if err != nil {
		return sessionView{}, err
	}
	return sessionView{User: *u, Grants: gs, MustChangePassword: s.mustChangePassword(u)}, nil
}

func (s *server) handleSessionCreate(c *fiber.Ctx) error {
	var in sessionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.signIn(c, in.Username, in.Password)
	if err != nil {
		return err
	}
	v, err := s.sessionView(u)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// signIn checks the credentials with the sign-in desk and sets the new
// session's cookie; the API and the back office's sign-in page share it.
func (s *server) signIn(c *fiber.Ctx, username, password string) (*account.User, error) {
	u, token, err := s.signInDesk.SignIn(c.UserContext(), username, password, c.IP())
	if err != nil {
		return nil, err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https", Expires: time.Now().Add(account.SessionMax)})
	return u, nil
}

func (s *server) handleSessionShow(c *fiber.Ctx) error {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "未登录")
	}
	u, err := s.accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	v, err := s.sessionView(u)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *server) handleSessionDelete(c *fiber.Ctx) error {
	if err := s.signOut(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// signOut ends the request's session and clears its cookie.
func (s *server) signOut(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if err := s.accounts.DeleteSession(c.UserContext(), account.HashToken(token)); err != nil {
			return err
		}
		if p, ok := rbac.PrincipalOf(c); ok {
			if err := s.catalog.Audit(c.UserContext(), catalog.Actor{UserID: p.ID, Username: p.Username, IP: c.IP()}, "", "session", "delete", p.ID, ""); err != nil {
				return err
			}
		}
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0)})
	return nil
}
