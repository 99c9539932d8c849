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
	return gormstore.New(db, nil), db
}

func TestSessions(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	for _, weak := range []string{"Short-1", "alllowercaseletters", "lowercase-and-symbols", "12345678901234"} {
		if _, err := account.HashPassword(weak); catalog.ErrorCode(err) != catalog.EINVALID {
			t.Errorf("weak password %q accepted: %v", weak, err)
		}
	}
	hash, err := account.HashPassword("A-long-enough-passw0rd")
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
	if !account.CheckPassword(hash, "A-long-enough-passw0rd") || account.CheckPassword(hash, "wrong-Passw0rd-x") {
		t.Error("password check")
	}
}

// TestLockAndNotice: a lock lasts until the time given and ends the account's
// sessions; a sign-in keeps the failures it is told of, for the owner, and
// lifts a lock.
func TestLockAndNotice(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	u := &account.User{Username: "sanxi-clerk", PasswordHash: "x"}
	if _, err := s.EnsureUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.CreateSession(ctx, account.Session{TokenHash: "held", UserID: u.ID, CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(account.SessionIdle)}); err != nil {
		t.Fatal(err)
	}
	if err := s.LockAccount(ctx, u.ID, now.Add(account.LockDuration), catalog.Actor{IP: "10.0.0.9"}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindUser(ctx, u.ID)
	if !got.Locked(now.Add(account.LockDuration-time.Minute)) || got.Locked(now.Add(account.LockDuration+time.Second)) {
		t.Errorf("lock lasts until %v", got.LockedUntil)
	}
	if _, _, err := s.FindSession(ctx, "held"); err == nil {
		t.Error("the session of a locked account goes on")
	}
	if err := s.LockAccount(ctx, 99999, now, catalog.Actor{}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("unknown user: %v", err)
	}
	if err := s.SignedIn(ctx, u.ID, 8); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.FindUser(ctx, u.ID); got.FailedSignIns != 8 || got.Locked(now) {
		t.Errorf("after the sign-in: %d failures told, locked %v", got.FailedSignIns, got.Locked(now))
	}
	if err := s.SignedIn(ctx, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.FindUser(ctx, u.ID); got.FailedSignIns != 0 {
		t.Errorf("the notice outlives the next sign-in: %d", got.FailedSignIns)
	}
}

func TestSessionIdleAndMaximum(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	u := &account.User{Username: "baidi-clerk", PasswordHash: "x"}
	s.EnsureUser(ctx, u)
	now := time.Now().UTC()
	_, old := account.NewToken()
	// Used a minute ago, but opened 13 hours ago: over the maximum.
	s.CreateSession(ctx, account.Session{TokenHash: old, UserID: u.ID, CreatedAt: now.Add(-13 * time.Hour), ExpiresAt: now.Add(29 * time.Minute)})
	if _, _, err := s.FindSession(ctx, old); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("session older than 12 hours: %v", err)
	}
	// A live one is kept alive by use, up to the maximum.
	_, live := account.NewToken()
	s.CreateSession(ctx, account.Session{TokenHash: live, UserID: u.ID, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(5 * time.Minute)})
	ss, _, err := s.FindSession(ctx, live)
	if err != nil || ss.ExpiresAt.Sub(now) < account.SessionIdle-time.Minute {
		t.Errorf("use did not extend the session: %v %v", ss, err)
	}
	var n int64
	db.Table("sessions").Where("token_hash = ? AND expires_at > ?", live, now.Add(20*time.Minute)).Count(&n)
	if n != 1 {
		t.Error("extension not stored")
	}
}
