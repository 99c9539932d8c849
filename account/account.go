package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
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
}

// Validate checks a user before it is stored.
func (u *User) Validate() error {
	u.Username = strings.TrimSpace(u.Username)
	if u.Username == "" || len(u.Username) > 80 {
		return catalog.Invalid("username", "用户名不能为空且不超过80个字符")
	}
	for _, r := range u.Username {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@", r)) {
			return catalog.Invalid("username", "用户名只能包含字母、数字和 - _ . @")
		}
	}
	if utf8.RuneCountInString(u.DisplayName) > 60 {
		return catalog.Invalid("display_name", "姓名不能超过60个字")
	}
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// HashPassword hashes a password for storage.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return "", catalog.Invalid("password", "密码至少%d位", MinPasswordLength)
	}
	if len(pw) > 72 {
		return "", catalog.Invalid("password", "密码不能超过72个字节")
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

// SessionTTL is how long a session lasts without use.
const SessionTTL = 12 * time.Hour

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
	// ENOTFOUND when missing, expired or the user is disabled. It extends the
	// session's expiry when more than a tenth of the TTL has passed.
	FindSession(ctx context.Context, tokenHash string) (*Session, *User, error)
	// DeleteSession ends a session; not an error when it is gone already.
	DeleteSession(ctx context.Context, tokenHash string) error
}
