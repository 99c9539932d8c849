package gormstore_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"gongkai/account"
	"gongkai/account/gormstore"
	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
)

func newStore(t *testing.T) (*gormstore.Store, *gorm.DB) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	return gormstore.New(db), db
}

func TestSessions(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	hash, err := account.HashPassword("short")
	if catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("short password accepted: %v", err)
	}
	hash, err = account.HashPassword("a-long-enough-password")
	if err != nil {
		t.Fatal(err)
	}
	u := &account.User{Username: "miaoshou-clerk", DisplayName: "庙首镇信息专管员", UnitCode: "miaoshou", PasswordHash: hash}
	created, err := s.EnsureUser(ctx, u)
	if err != nil || !created || u.ID == 0 {
		t.Fatalf("EnsureUser: %v %v %+v", created, err, u)
	}
	if again, err := s.EnsureUser(ctx, &account.User{Username: "miaoshou-clerk", PasswordHash: "other"}); err != nil || again {
		t.Errorf("second EnsureUser created=%v err=%v", again, err)
	}
	if bad := (&account.User{Username: "庙首"}); bad.Validate() == nil {
		t.Error("non-ASCII username accepted")
	}

	token, th := account.NewToken()
	if account.HashToken(token) != th || len(token) < 40 {
		t.Fatalf("token %q", token)
	}
	now := time.Now().UTC()
	if err := s.CreateSession(ctx, account.Session{TokenHash: th, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, got, err := s.FindSession(ctx, th)
	if err != nil || got.Username != "miaoshou-clerk" {
		t.Fatalf("FindSession: %v %v", got, err)
	}
	// The token itself is never stored.
	var n int64
	db.Table("sessions").Where("token_hash = ?", token).Count(&n)
	if n != 0 {
		t.Error("raw token stored")
	}
	// An expired session is gone; so is one of a disabled user.
	_, eh := account.NewToken()
	s.CreateSession(ctx, account.Session{TokenHash: eh, UserID: u.ID, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Minute)})
	if _, _, err := s.FindSession(ctx, eh); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("expired session: %v", err)
	}
	db.Table("users").Where("id = ?", u.ID).Update("disabled", true)
	if _, _, err := s.FindSession(ctx, th); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("session of a disabled user: %v", err)
	}
	if err := s.DeleteSession(ctx, th); err != nil {
		t.Error(err)
	}
	if err := s.PurgeExpired(ctx); err != nil {
		t.Error(err)
	}
	db.Table("sessions").Count(&n)
	if n != 0 {
		t.Errorf("%d sessions left", n)
	}
	if !account.CheckPassword(hash, "a-long-enough-password") || account.CheckPassword(hash, "wrong-password") {
		t.Error("password check")
	}
}
