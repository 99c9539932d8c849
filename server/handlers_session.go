package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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

// lockedError answers a sign-in to a locked account.
func lockedError(until time.Time) error {
	return fiber.NewError(fiber.StatusLocked, fmt.Sprintf("密码连续错误%d次，账号已锁定，请于%s后再试", account.MaxFailedLogins,
		until.In(catalog.Shanghai).Format("15:04")))
}

// loginGuard slows password guessing: after maxLoginFailures failed tries
// by one key (an address, a request number) within a minute, the key waits
// out the minute. The counts live in the database, so every instance behind
// a load balancer shares them; only a hash of the key is stored.
type loginGuard struct {
	db   *gorm.DB
	kind string // login or status
}

// throttleRecord is one key's failures in its current minute.
type throttleRecord struct {
	KeyHash     string    `gorm:"primaryKey;size:64"`
	WindowStart time.Time `gorm:"not null;index"`
	N           int       `gorm:"not null"`
}

func (throttleRecord) TableName() string { return "throttles" }

const maxLoginFailures = 10

func (g *loginGuard) hash(key string) string {
	h := sha256.Sum256([]byte(g.kind + "\x00" + key))
	return hex.EncodeToString(h[:])
}

// blocked tells whether key has used up its tries this minute. When the
// database cannot say, nothing else works either: it is not blocked here.
func (g *loginGuard) blocked(ctx context.Context, key string, now time.Time) bool {
	var r throttleRecord
	if err := g.db.WithContext(ctx).Where("key_hash = ?", g.hash(key)).Take(&r).Error; err != nil {
		return false
	}
	return now.Sub(r.WindowStart) < time.Minute && r.N >= maxLoginFailures
}

// fail counts a failed try by key, starting a new minute when the last one
// is over; old rows are swept now and then.
func (g *loginGuard) fail(ctx context.Context, key string, now time.Time) {
	now = now.UTC().Truncate(time.Millisecond)
	cutoff := now.Add(-time.Minute)
	db := g.db.WithContext(ctx)
	err := db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "key_hash"}},
		DoUpdates: clause.Set{
			{Column: clause.Column{Name: "n"}, Value: gorm.Expr("CASE WHEN window_start < ? THEN 1 ELSE n + 1 END", cutoff)},
			{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr("CASE WHEN window_start < ? THEN ? ELSE window_start END", cutoff, now)},
		},
	}).Create(&throttleRecord{KeyHash: g.hash(key), WindowStart: now, N: 1}).Error
	if err != nil {
		slog.Warn("throttle", "kind", g.kind, "err", err)
		return
	}
	if now.Second() == 0 {
		db.Where("window_start < ?", now.Add(-10*time.Minute)).Delete(&throttleRecord{})
	}
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
	if s.logins.blocked(ctx, ip, time.Now()) {
		return nil, fiber.NewError(fiber.StatusTooManyRequests)
	}
	u, err := s.accounts.FindUserByName(ctx, username)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			account.BurnTime()
			s.logins.fail(ctx, ip, time.Now())
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
		s.logins.fail(ctx, ip, now)
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
