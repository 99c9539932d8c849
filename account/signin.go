package account

import (
	"context"
	"strings"
	"time"

	"gongkai/catalog"
)

// Counter counts tries by key in windows shared by every instance (package
// throttle implements it on the database).
type Counter interface {
	// Take counts a try of key (in scope) and tells until when its window
	// runs, how many it holds, and whether this one was within the limit;
	// the count and the check are one step, so parallel tries cannot all
	// pass.
	Take(ctx context.Context, key, scope string, now time.Time) (until time.Time, n int, ok bool)
	// Refund gives back a try that did not count after all.
	Refund(ctx context.Context, key string)
	// Count counts a try without checking it.
	Count(ctx context.Context, key, scope string, now time.Time)
	// Blocked tells whether key's window is full, and until when.
	Blocked(ctx context.Context, key string, now time.Time) (time.Time, bool)
	// Keys tells how many keys of scope have tries in their window.
	Keys(ctx context.Context, scope string, now time.Time) int
	// Events tells how many tries key's window holds; Clear forgets them.
	Events(ctx context.Context, key string, now time.Time) int
	Clear(ctx context.Context, key string)
	// Limit is how many tries a window allows.
	Limit() int
}

// Sign-in limits beside MaxFailedLogins and the county-wide lock.
const (
	// MaxAddressFailures wrong sign-ins a minute from one address, whatever
	// the names tried.
	MaxAddressFailures = 10
	// NoticeWindow is how far back wrong passwords are told to an account's
	// owner at the next sign-in.
	NoticeWindow = 90 * 24 * time.Hour
)

// SignInDesk checks credentials under the throttles and the locks (see
// MaxFailedLogins) and opens sessions. Known and unknown names take the
// same steps and get the same answers, so neither an answer nor a lock
// tells whether an account exists.
type SignInDesk struct {
	Users Service
	// Addresses counts tries by address (MaxAddressFailures a minute),
	// Pairs by account and address (MaxFailedLogins in LockDuration),
	// Accounts the wrong passwords by account (CountyLockFailures in
	// LockDuration), Notices them for the owner (NoticeWindow).
	Addresses, Pairs, Accounts, Notices Counter
	// AddressKey is what an address is counted by (an IPv6 client by its
	// /64, say).
	AddressKey func(ip string) string
	// Audit records the session opened.
	Audit func(ctx context.Context, by catalog.Actor, unit, obj, action string, target any, detail string) error
}

var errBadLogin = catalog.Errorf(catalog.EUNAUTH, "用户名或密码错误")

// lockedError answers a sign-in to an account locked for every address
// (county) or for the address it came from.
func lockedError(until time.Time, county bool) error {
	at := until.In(catalog.Shanghai).Format("15:04")
	if county {
		return catalog.Errorf(catalog.ELOCKED, "该账号在多处登录失败次数过多，已暂时锁定，请于%s后再试；如非本人操作，请联系系统管理员", at)
	}
	return catalog.Errorf(catalog.ELOCKED, "密码连续错误%d次，本机已暂停该账号的登录，请于%s后再试", MaxFailedLogins, at)
}

// SignIn checks a username and password tried from ip and opens a
// session: the user and the session's token (for the cookie). EINVALID
// for an empty field, EUNAUTH for wrong credentials, ELOCKED for an
// account locked for this address or everywhere, ERATELIMIT for an address
// trying too often.
func (d *SignInDesk) SignIn(ctx context.Context, username, password, ip string) (*User, string, error) {
	if username == "" {
		return nil, "", catalog.Invalid("username", "请输入用户名")
	}
	if password == "" {
		return nil, "", catalog.Invalid("password", "请输入密码")
	}
	addr := d.AddressKey(ip)
	now := time.Now().UTC()
	name := strings.ToLower(username)
	if len(name) > 200 || len(password) > 200 {
		name, password = name[:min(len(name), 200)], ""
	}
	pair := name + "\x00" + addr
	// Every try is counted before it is checked (parallel guesses cannot
	// all pass), and given back when it succeeds.
	if _, _, ok := d.Addresses.Take(ctx, addr, "", now); !ok {
		return nil, "", catalog.Errorf(catalog.ERATELIMIT, "登录失败次数过多，请一分钟后再试")
	}
	pairUntil, pairN, ok := d.Pairs.Take(ctx, pair, name, now)
	if !ok {
		BurnTime()
		return nil, "", lockedError(pairUntil, false)
	}
	if until, locked := d.locked(ctx, name, now); locked {
		BurnTime()
		return nil, "", lockedError(until, true)
	}
	// Only a well-formed name is looked up; any other answers as unknown.
	var u *User
	if ValidUsername(username) && password != "" {
		found, err := d.Users.FindUserByName(ctx, username)
		switch {
		case err == nil && found.Username == username: // not as the database's collation matches
			u = found
		case err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND:
			return nil, "", err
		}
	}
	if u == nil || !CheckPassword(u.PasswordHash, password) || u.Disabled {
		if u == nil {
			BurnTime()
		}
		// The same rows are written for a known name and an unknown one.
		d.Accounts.Count(ctx, name, "", now)
		d.Notices.Count(ctx, name, "", now)
		if until, lock := d.locked(ctx, name, now); lock {
			if u != nil {
				if err := d.Users.LockAccount(ctx, u.ID, until, catalog.Actor{UserID: u.ID, Username: u.Username, IP: ip}); err != nil {
					return nil, "", err
				}
			}
			return nil, "", lockedError(until, true)
		}
		if pairN >= d.Pairs.Limit() {
			return nil, "", lockedError(pairUntil, false)
		}
		return nil, "", errBadLogin
	}
	d.Addresses.Refund(ctx, addr)
	d.Pairs.Refund(ctx, pair)
	if err := d.Users.SignedIn(ctx, u.ID, d.Notices.Events(ctx, name, now)); err != nil {
		return nil, "", err
	}
	d.Notices.Clear(ctx, name)
	token, hash := NewToken()
	if err := d.Users.CreateSession(ctx, Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionIdle)}); err != nil {
		return nil, "", err
	}
	if err := d.Audit(ctx, catalog.Actor{UserID: u.ID, Username: u.Username, IP: ip}, u.UnitCode, "session", "create", u.ID, ""); err != nil {
		return nil, "", err
	}
	u, err := d.Users.FindUser(ctx, u.ID)
	return u, token, err
}

// locked tells whether a name, known or not, is locked for every address:
// CountyLockFailures wrong passwords within LockDuration, from at least
// CountyLockAddresses addresses.
func (d *SignInDesk) locked(ctx context.Context, name string, now time.Time) (time.Time, bool) {
	until, many := d.Accounts.Blocked(ctx, name, now)
	if !many || d.Pairs.Keys(ctx, name, now) < CountyLockAddresses {
		return time.Time{}, false
	}
	return until, true
}
