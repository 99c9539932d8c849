package web

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/rbac"
)

// Cookie is the session cookie's name.
const Cookie = "gongkai_session"

// Sessions is the signed-in person on a request: it loads them from the
// cookie, opens a session at sign-in, ends it at sign-out and changes their
// own password. The API and the back office share it.
type Sessions struct {
	Accounts account.Service
	// Desk checks credentials under its throttles and locks.
	Desk *account.SignInDesk
	// Audit records a sign-out.
	Audit func(ctx context.Context, by catalog.Actor, unit, object, action string, target any, detail string) error
	// MustChange tells whether the person must choose a new password before
	// anything else; nil means when their account says so.
	MustChange func(*account.User) bool
}

// MustChangePassword tells whether u must choose a new password first.
func (s *Sessions) MustChangePassword(u *account.User) bool {
	if s.MustChange != nil {
		return s.MustChange(u)
	}
	return u.MustChangePassword
}

// Load is the middleware that puts the signed-in person, if any, in the
// request for the handlers and rbac's Require. A person who must change
// their password may do only that (passwordChangeAllowed).
func (s *Sessions) Load(c *fiber.Ctx) error {
	token := c.Cookies(Cookie)
	if token == "" {
		return c.Next()
	}
	_, u, err := s.Accounts.FindSession(c.UserContext(), account.HashToken(token))
	if err != nil {
		if catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
		return c.Next()
	}
	rbac.SetPrincipal(c, rbac.Principal{ID: u.ID, Username: u.Username})
	if s.MustChangePassword(u) && !passwordChangeAllowed(c) {
		if strings.HasPrefix(c.Path(), "/admin") {
			return c.Redirect("/admin/password", fiber.StatusSeeOther)
		}
		return catalog.Errorf(catalog.EPASSWORD, "请先修改密码（PUT /api/v1/session/password）")
	}
	return c.Next()
}

// passwordChangeAllowed lists what a person who must change their password
// may still do: see who they are, change it, sign out.
func passwordChangeAllowed(c *fiber.Ctx) bool {
	switch c.Method() + " " + c.Path() {
	case "GET /api/v1/session", "DELETE /api/v1/session", "PUT /api/v1/session/password",
		"GET /admin/password", "POST /admin/password", "POST /admin/logout":
		return true
	}
	return strings.HasPrefix(c.Path(), "/admin/static/")
}

// SignIn checks the credentials with the sign-in desk and sets the new
// session's cookie.
func (s *Sessions) SignIn(c *fiber.Ctx, username, password string) (*account.User, error) {
	u, token, err := s.Desk.SignIn(c.UserContext(), username, password, c.IP())
	if err != nil {
		return nil, err
	}
	c.Cookie(&fiber.Cookie{Name: Cookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https", Expires: time.Now().Add(account.SessionMax)})
	return u, nil
}

// SignOut ends the request's session and clears its cookie.
func (s *Sessions) SignOut(c *fiber.Ctx) error {
	if token := c.Cookies(Cookie); token != "" {
		if err := s.Accounts.DeleteSession(c.UserContext(), account.HashToken(token)); err != nil {
			return err
		}
		if p, ok := rbac.PrincipalOf(c); ok {
			if err := s.Audit(c.UserContext(), Actor(c), "", "session", "delete", p.ID, ""); err != nil {
				return err
			}
		}
	}
	c.Cookie(&fiber.Cookie{Name: Cookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0)})
	return nil
}

// ChangePassword checks the signed-in person's old password and stores the
// new one, ending their other sessions and keeping this one.
func (s *Sessions) ChangePassword(c *fiber.Ctx, oldPassword, newPassword string) error {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "请先登录")
	}
	u, err := s.Accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	if !account.CheckPassword(u.PasswordHash, oldPassword) {
		return catalog.Invalid("old_password", "原密码不正确")
	}
	if oldPassword == newPassword {
		return catalog.Invalid("password", "新密码不能与原密码相同")
	}
	hash, err := account.HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.Accounts.SetPassword(c.UserContext(), u.ID, hash, false, account.HashToken(c.Cookies(Cookie)), "change_password", Actor(c))
}
