package hotline

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"time"

	"gongkai/catalog"
)

// APIKey lets an outside system — the provincial 12345 platform, a call
// centre — push orders through the Open311 interface and read their
// status; each key posts for one channel.
type APIKey struct {
	Name      string     `json:"name"`
	Channel   Channel    `json:"channel"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// KeyStore keeps API keys by the SHA-256 of their secret.
type KeyStore interface {
	// AddKey makes a key: EINVALID for a bad name or channel, ECONFLICT
	// when the name is taken; the secret is returned once and kept only
	// as its hash.
	AddKey(ctx context.Context, name string, ch Channel, by catalog.Actor) (string, error)
	// RevokeKey ends a key: ENOTFOUND.
	RevokeKey(ctx context.Context, name string, by catalog.Actor) error
	// KeyOf finds the live key of a secret: ENOTFOUND for an unknown or
	// revoked one.
	KeyOf(ctx context.Context, secret string) (*APIKey, error)
}

var reKeyName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// CheckKeyName checks a key's name: lower-case letters, digits, - and _.
func CheckKeyName(name string) error {
	if !reKeyName.MatchString(name) {
		return catalog.Invalid("name", "接口密钥名称只能用小写字母、数字、- 和 _，不超过40个字符：%q", name)
	}
	return nil
}

// NewKeySecret is a fresh key secret and the hash it is kept by.
func NewKeySecret() (secret, hash string) {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	secret = "gk_" + hex.EncodeToString(b)
	return secret, KeyHash(secret)
}

// KeyHash is what a secret is kept and looked up by.
func KeyHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
