// Package secret seals personal data at rest with AES-256-GCM. A sealed
// value names the key it was sealed with, so keys can be rotated: the new
// key seals, old keys still open, and re-sealing moves values over.
//
// It imports only the standard library.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

type key struct {
	id   string
	aead cipher.AEAD
}

// Box seals with its current key and opens with any of its keys.
type Box struct {
	keys []key
}

// New returns a box sealing with current and opening with current and old.
func New(current []byte, old ...[]byte) (*Box, error) {
	b := &Box{}
	for i, k := range append([][]byte{current}, old...) {
		if len(k) != KeySize {
			return nil, fmt.Errorf("secret: key %d is %d bytes, want %d", i, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(k)
		b.keys = append(b.keys, key{id: hex.EncodeToString(sum[:4]), aead: aead})
	}
	return b, nil
}

const prefix = "g1."

// Seal encrypts plain; the empty string stays empty.
func (b *Box) Seal(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	k := b.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := k.aead.Seal(nonce, nonce, []byte(plain), []byte(k.id))
	return prefix + k.id + "." + base64.RawStdEncoding.EncodeToString(ct), nil
}

// ErrUnknownKey is returned for a value sealed with a key the box lacks.
var ErrUnknownKey = errors.New("secret: sealed with an unknown key (set GONGKAI_SECRET_KEY_OLD to the previous key)")

// Open decrypts a sealed value.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	rest, ok := strings.CutPrefix(sealed, prefix)
	id, data, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return "", errors.New("secret: not a sealed value")
	}
	for _, k := range b.keys {
		if k.id != id {
			continue
		}
		ct, err := base64.RawStdEncoding.DecodeString(data)
		if err != nil || len(ct) < k.aead.NonceSize() {
			return "", errors.New("secret: damaged value")
		}
		plain, err := k.aead.Open(nil, ct[:k.aead.NonceSize()], ct[k.aead.NonceSize():], []byte(id))
		if err != nil {
			return "", errors.New("secret: damaged value or wrong key")
		}
		return string(plain), nil
	}
	return "", ErrUnknownKey
}

// Current tells whether a value is sealed with the current key.
func (b *Box) Current(sealed string) bool {
	return sealed == "" || strings.HasPrefix(sealed, prefix+b.keys[0].id+".")
}

// ParseKey reads a key written in base64 (as `openssl rand -base64 32` gives).
func ParseKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(k) != KeySize {
		return nil, fmt.Errorf("want %d bytes in base64, e.g. the output of `openssl rand -base64 32`", KeySize)
	}
	return k, nil
}

// FileKey reads the key kept in path, creating it (mode 0600) on first use.
func FileKey(path string) ([]byte, error) {
	if data, err := os.ReadFile(path); err == nil {
		return ParseKey(string(data))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}
