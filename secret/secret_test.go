package secret_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/secret"
)

func TestSealOpenRotate(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	old, _ := secret.New(k1)
	sealed, err := old.Seal("11010519491231002X")
	if err != nil || strings.Contains(sealed, "1101051949") {
		t.Fatalf("sealed %q %v", sealed, err)
	}
	again, _ := old.Seal("11010519491231002X")
	if again == sealed {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	// Rotation: the new key seals, the old one still opens.
	rotated, _ := secret.New(k2, k1)
	if got, err := rotated.Open(sealed); err != nil || got != "11010519491231002X" {
		t.Errorf("open with the old key: %q %v", got, err)
	}
	if rotated.Current(sealed) {
		t.Error("a value of the old key counts as current")
	}
	resealed, _ := rotated.Seal("x")
	if !rotated.Current(resealed) {
		t.Error("a new seal is not current")
	}
	onlyNew, _ := secret.New(k2)
	if _, err := onlyNew.Open(sealed); err != secret.ErrUnknownKey {
		t.Errorf("without the old key: %v", err)
	}
	// One character of the ciphertext changed, away from its end (whose
	// last base64 character may carry bits that are dropped).
	i := len(sealed) - 8
	c := byte('A')
	if sealed[i] == 'A' {
		c = 'B'
	}
	tampered := sealed[:i] + string(c) + sealed[i+1:]
	if _, err := old.Open(tampered); err == nil {
		t.Error("a tampered value opened")
	}
	if _, err := secret.New(k1[:16]); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestFileKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	a, err := secret.FileKey(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := secret.FileKey(path)
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("the key changed between reads: %v", err)
	}
}
