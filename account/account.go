package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"gongkai/catalog"
)

// User is a person who signs in to the back office.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	UnitCode     string    `json:"unit_code,omitempty"` // home unit; empty for county-wide roles
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	Demo         bool      `json:"demo"`
	CreatedAt    time.Time `json:"created_at"`
	// LockedUntil is set when the account is locked county-wide: after
	// CountyLockFailures wrong passwords from CountyLockAddresses addresses
	// or more within LockDuration.
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	// ResetRequestedBy names the system administrator who asked for a
	// password reset that waits for the security administrator's
	// confirmation (see RequestPasswordReset).
	ResetRequestedBy string `json:"reset_requested_by,omitempty"`
	// FailedSignIns is how many wrong passwords were tried on the account
	// between its last two successful sign-ins, told to its owner.
	FailedSignIns int `json:"failed_sign_ins,omitempty"`
	// MustChangePassword is set by an administrator's reset (and for a new
	// account): the person must choose a password before doing anything.
	MustChangePassword bool `json:"must_change_password"`
	// Email is where the daily digest of the person's notices goes ("":
	// none); NoDigest turns the digest off while keeping the address.
	Email    string `json:"email,omitempty"`
	NoDigest bool   `json:"no_digest,omitempty"`
}

// Locked tells whether the account is locked at now.
func (u *User) Locked(now time.Time) bool {
	return u.LockedUntil != nil && now.Before(*u.LockedUntil)
}

// Sign-in rules. MaxFailedLogins wrong passwords for one account from one
// address stop that address from trying the account for LockDuration; the
// account itself is locked for everyone only after CountyLockFailures
// wrong passwords from at least CountyLockAddresses addresses, so nobody
// can lock a colleague out from one machine. Unknown names are answered
// the same way.
const (
	MaxFailedLogins     = 5
	CountyLockFailures  = 15
	CountyLockAddresses = 3
	LockDuration        = 30 * time.Minute
)

// ValidUsername tells whether name is made only of what usernames may
// hold (ASCII letters, digits and - _ . @), at most 80 of them. A sign-in
// with any other name is answered without asking the database, whose
// collation might match ádmin or "admin " to admin.
func ValidUsername(name string) bool {
	if name == "" || len(name) > 80 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@", r)) {
			return false
		}
	}
	return true
}

// Validate checks a user before it is stored.
func (u *User) Validate() error {
	u.Username = strings.TrimSpace(u.Username)
	if u.Username == "" || len(u.Username) > 80 {
		return catalog.Invalid("username", "用户名不能为空且不超过80个字符")
	}
	if !ValidUsername(u.Username) {
		return catalog.Invalid("username", "用户名只能包含字母、数字和 - _ . @")
	}
	if utf8.RuneCountInString(u.DisplayName) > 60 {
		return catalog.Invalid("display_name", "姓名不能超过60个字")
	}
	if strings.ContainsFunc(u.DisplayName, unicode.IsControl) {
		return catalog.Invalid("display_name", "姓名不能含换行等控制字符")
	}
	email, err := CleanEmail(u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	return nil
}

// CleanEmail checks an e-mail address typed for an account: a bare address
// (name@host), at most 120 characters, no display name; "" is none.
func CleanEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if len(s) > 120 || err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", catalog.Invalid("email", "电子邮箱格式不正确，应如 name@example.gov.cn")
	}
	for _, r := range s {
		if r > 0x7e {
			// Not every mail server takes an address in Chinese (SMTPUTF8).
			return "", catalog.Invalid("email", "电子邮箱请使用英文字母、数字和符号，如 name@example.gov.cn")
		}
	}
	return s, nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// CheckStrength refuses a password shorter than MinPasswordLength or with
// fewer than three of the four kinds of character (upper case, lower case,
// digits, others).
func CheckStrength(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return catalog.Invalid("password", "密码至少%d位", MinPasswordLength)
	}
	if len(pw) > 72 {
		return catalog.Invalid("password", "密码不能超过72个字节")
	}
	var upper, lower, digit, other int
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = 1
		case r >= 'a' && r <= 'z':
			lower = 1
		case r >= '0' && r <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	if upper+lower+digit+other < 3 {
		return catalog.Invalid("password", "密码须包含大写字母、小写字母、数字、符号中的至少三种")
	}
	return nil
}

// HashPassword checks a password's strength and hashes it for storage.
func HashPassword(pw string) (string, error) {
	if err := CheckStrength(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

// CheckPassword tells whether pw matches the stored hash.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash keeps the time of a failed sign-in for an unknown user close to
// that of a wrong password, so usernames cannot be probed by timing.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcrypt.DefaultCost)

// BurnTime spends what a password check costs.
func BurnTime() { _ = bcrypt.CompareHashAndPassword(dummyHash, []byte("x")) }

// Session is a signed-in browser.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// A session ends after SessionIdle without use and SessionMax in all.
const (
	SessionIdle = 30 * time.Minute
	SessionMax  = 12 * time.Hour
)

// NewToken returns a fresh random session token and the hash to store.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is what the store keeps of a token.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// Service keeps users and sessions.
type Service interface {
	// FindUserByName returns a user; ENOTFOUND if there is none.
	FindUserByName(ctx context.Context, username string) (*User, error)
	// FindUser returns a user by id; ENOTFOUND.
	FindUser(ctx context.Context, id int64) (*User, error)
	// EnsureUser creates the user if the username is new; it reports whether
	// it created one. EINVALID.
	EnsureUser(ctx context.Context, u *User) (bool, error)
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s Session) error
	// FindSession returns the live session of a token hash and its user;
	// ENOTFOUND when missing, idle too long, older than SessionMax, or the
	// user is disabled or locked. Each use keeps it alive for SessionIdle.
	FindSession(ctx context.Context, tokenHash string) (*Session, *User, error)
	// LockAccount locks the account until then (recorded as done by, with
	// its address) and ends its sessions; ENOTFOUND.
	LockAccount(ctx context.Context, userID int64, until time.Time, by catalog.Actor) error
	// SignedIn records a successful sign-in after failed wrong passwords
	// tried since the one before: they become FailedSignIns, told to the
	// owner, and a lock is lifted.
	SignedIn(ctx context.Context, userID int64, failed int) error
	// RequestPasswordReset records that by asks for the user's password to
	// be reset: for another administrator's account, a second person (the
	// security administrator) sets it (SetPassword clears the request).
	// ENOTFOUND.
	RequestPasswordReset(ctx context.Context, userID int64, by catalog.Actor) error
	// FindUsers lists every user by username.
	FindUsers(ctx context.Context) ([]User, error)
	// CreateUser stores a new user; EINVALID, ECONFLICT for a taken username.
	// Like every write here it is audited in its own transaction.
	CreateUser(ctx context.Context, u *User, by catalog.Actor) error
	// UpdateUser changes a user's display name, home unit and disabled flag;
	// disabling ends their sessions. ENOTFOUND.
	UpdateUser(ctx context.Context, u *User, by catalog.Actor) error
	// SetPassword stores a new password hash, ends the user's other sessions
	// (all but keepSession, which may be empty) and sets or clears
	// MustChangePassword; action names it in the audit log. ENOTFOUND.
	SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, keepSession string, action string, by catalog.Actor) error
	// DeleteSession ends a session; not an error when it is gone already.
	DeleteSession(ctx context.Context, tokenHash string) error
}
