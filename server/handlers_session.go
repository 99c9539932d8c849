package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/rbac"
)

func (s *server) handleHealth(c *fiber.Ctx) error {
	if err := dbconn.Ping(s.db); err != nil {
		s.log.Warn("health: database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

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

var errBadLogin = catalog.Errorf(catalog.EUNAUTH, "用户名或密码错误")

// lockedError answers a sign-in to a locked account.
func lockedError(until time.Time) error {
	return fiber.NewError(fiber.StatusLocked, fmt.Sprintf("密码连续错误%d次，账号已锁定，请于%s后再试", account.MaxFailedLogins,
		until.In(catalog.Shanghai).Format("15:04")))
}

// loginGuard slows password guessing: after maxLoginFailures failed sign-ins
// from one address within a minute, that address waits out the minute. It is
// per instance, which is enough to make guessing slow.
type loginGuard struct {
	mu       sync.Mutex
	failures map[string]*failureWindow
}

type failureWindow struct {
	start time.Time
	n     int
}

const maxLoginFailures = 10

func (g *loginGuard) blocked(ip string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.failures[ip]
	return w != nil && now.Sub(w.start) < time.Minute && w.n >= maxLoginFailures
}

func (g *loginGuard) fail(ip string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures == nil {
		g.failures = map[string]*failureWindow{}
	}
	w := g.failures[ip]
	if w == nil || now.Sub(w.start) >= time.Minute {
		if len(g.failures) > 10000 { // forget old windows rather than grow
			for k, v := range g.failures {
				if now.Sub(v.start) >= time.Minute {
					delete(g.failures, k)
				}
			}
		}
		w = &failureWindow{start: now}
		g.failures[ip] = w
	}
	w.n++
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

// signIn checks a username and password, with the per-address throttle and
// the per-account lock, and on success opens a session and sets its cookie.
// The API and the back office's sign-in page share it.
func (s *server) signIn(c *fiber.Ctx, username, password string) (*account.User, error) {
	if username == "" {
		return nil, catalog.Invalid("username", "请输入用户名")
	}
	if password == "" {
		return nil, catalog.Invalid("password", "请输入密码")
	}
	ctx := c.UserContext()
	ip := c.IP()
	if s.logins.blocked(ip, time.Now()) {
		return nil, fiber.NewError(fiber.StatusTooManyRequests)
	}
	u, err := s.accounts.FindUserByName(ctx, username)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			account.BurnTime()
			s.logins.fail(ip, time.Now())
			return nil, errBadLogin
		}
		return nil, err
	}
	now := time.Now().UTC()
	if u.Locked(now) {
		account.BurnTime()
		return nil, lockedError(*u.LockedUntil)
	}
	if !account.CheckPassword(u.PasswordHash, password) || u.Disabled {
		s.logins.fail(ip, now)
		if u.Disabled {
			return nil, errBadLogin
		}
		u, err = s.accounts.RecordFailedLogin(ctx, u.ID, now, catalog.Actor{UserID: u.ID, Username: u.Username, IP: ip})
		if err != nil {
			return nil, err
		}
		if u.Locked(now) {
			return nil, lockedError(*u.LockedUntil)
		}
		return nil, errBadLogin
	}
	if err := s.accounts.ResetFailedLogins(ctx, u.ID); err != nil {
		return nil, err
	}
	token, hash := account.NewToken()
	if err := s.accounts.CreateSession(ctx, account.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(account.SessionIdle)}); err != nil {
		return nil, err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https", Expires: now.Add(account.SessionMax)})
	if err := s.catalog.Audit(ctx, catalog.Actor{UserID: u.ID, Username: u.Username, IP: ip}, u.UnitCode, "session", "create", u.ID, ""); err != nil {
		return nil, err
	}
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
