package main

import (
	"context"
	"strings"
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

var errBadLogin = catalog.Errorf(catalog.EUNAUTH, "用户名或密码错误")

// lockedError answers a sign-in to an account locked for every address
// (county) or for the address it came from.
func lockedError(until time.Time, county bool) error {
	at := until.In(catalog.Shanghai).Format("15:04")
	if county {
		return catalog.Errorf(catalog.ELOCKED, "该账号在多处登录失败次数过多，已暂时锁定，请于%s后再试；如非本人操作，请联系系统管理员", at)
	}
	return catalog.Errorf(catalog.ELOCKED, "密码连续错误%d次，本机已暂停该账号的登录，请于%s后再试", account.MaxFailedLogins, at)
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

// signIn checks a username and password, with the per-address throttle,
// the per-account-and-address lock and the county-wide lock (see
// account.MaxFailedLogins), and on success opens a session and sets its
// cookie. Known and unknown names take the same steps and get the same
// answers, so neither the answer nor a lock tells whether an account
// exists. The API and the back office's sign-in page share it.
func (s *server) signIn(c *fiber.Ctx, username, password string) (*account.User, error) {
	if username == "" {
		return nil, catalog.Invalid("username", "请输入用户名")
	}
	if password == "" {
		return nil, catalog.Invalid("password", "请输入密码")
	}
	ctx := c.UserContext()
	ip := c.IP()
	addr := clientKey(ip)
	now := time.Now().UTC()
	name := strings.ToLower(username)
	if len(name) > 200 || len(password) > 200 {
		name, password = name[:min(len(name), 200)], ""
	}
	pair := name + "\x00" + addr
	// Every try is counted before it is checked (parallel guesses cannot
	// all pass), and given back when it succeeds.
	if _, _, ok := s.logins.take(ctx, addr, "", now); !ok {
		return nil, catalog.Errorf(catalog.ERATELIMIT, "登录失败次数过多，请一分钟后再试")
	}
	pairUntil, pairN, ok := s.pairs.take(ctx, pair, name, now)
	if !ok {
		account.BurnTime()
		return nil, lockedError(pairUntil, false)
	}
	if until, locked := s.accountLocked(ctx, name, now); locked {
		account.BurnTime()
		return nil, lockedError(until, true)
	}
	// Only a well-formed name is looked up; any other answers as unknown.
	var u *account.User
	if account.ValidUsername(username) && password != "" {
		found, err := s.accounts.FindUserByName(ctx, username)
		switch {
		case err == nil && found.Username == username: // not as the collation matches
			u = found
		case err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND:
			return nil, err
		}
	}
	if u == nil || !account.CheckPassword(u.PasswordHash, password) || u.Disabled {
		if u == nil {
			account.BurnTime()
		}
		// The same rows are written for a known name and an unknown one.
		s.accountFailures.count(ctx, name, "", now)
		s.failedNotice.count(ctx, name, "", now)
		if until, lock := s.accountLocked(ctx, name, now); lock {
			if u != nil {
				if err := s.accounts.LockAccount(ctx, u.ID, until, catalog.Actor{UserID: u.ID, Username: u.Username, IP: ip}); err != nil {
					return nil, err
				}
			}
			return nil, lockedError(until, true)
		}
		if pairN >= s.pairs.limit {
			return nil, lockedError(pairUntil, false)
		}
		return nil, errBadLogin
	}
	s.logins.refund(ctx, addr)
	s.pairs.refund(ctx, pair)
	if err := s.accounts.SignedIn(ctx, u.ID, s.failedNotice.events(ctx, name, now)); err != nil {
		return nil, err
	}
	s.failedNotice.clear(ctx, name)
	token, hash := account.NewToken()
	if err := s.accounts.CreateSession(ctx, account.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(account.SessionIdle)}); err != nil {
		return nil, err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https", Expires: now.Add(account.SessionMax)})
	if err := s.catalog.Audit(ctx, catalog.Actor{UserID: u.ID, Username: u.Username, IP: ip}, u.UnitCode, "session", "create", u.ID, ""); err != nil {
		return nil, err
	}
	return s.accounts.FindUser(ctx, u.ID)
}

// accountLocked tells whether a name, known or not, is locked for every
// address: CountyLockFailures wrong passwords within LockDuration, from at
// least CountyLockAddresses addresses.
func (s *server) accountLocked(ctx context.Context, name string, now time.Time) (time.Time, bool) {
	until, many := s.accountFailures.blocked(ctx, name, now)
	if !many || s.pairs.keys(ctx, name, now) < account.CountyLockAddresses {
		return time.Time{}, false
	}
	return until, true
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
