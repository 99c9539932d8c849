package gormstore_test

import (
	"context"
	"testing"
	"time"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/throttle"
)

// TestSignInDesk: on the real store and throttles, a name unknown and a
// name known get the same answers at every step; five wrong passwords stop
// one address only; the owner signs in from another and is told of them.
func TestSignInDesk(t *testing.T) {
	s, db := newStore(t)
	if err := throttle.Migrate(db); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hash, _ := account.HashPassword("Sanxi-leader-2026")
	if _, err := s.EnsureUser(ctx, &account.User{Username: "sanxi-leader", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	var audited []string
	d := &account.SignInDesk{Users: s, AddressKey: throttle.ClientKey,
		Addresses: throttle.New(db, "login", account.MaxAddressFailures, time.Minute),
		Pairs:     throttle.New(db, "pair", account.MaxFailedLogins, account.LockDuration),
		Accounts:  throttle.New(db, "account", account.CountyLockFailures, account.LockDuration),
		Notices:   throttle.New(db, "notice", 1<<30, account.NoticeWindow),
		Audit: func(_ context.Context, by catalog.Actor, _, obj, action string, _ any, _ string) error {
			audited = append(audited, by.Username+" "+obj+" "+action)
			return nil
		}}
	answer := func(err error) string { return catalog.ErrorCode(err) }
	for i := 1; i <= 6; i++ {
		_, _, known := d.SignIn(ctx, "sanxi-leader", "Wrong-guess-1", "10.1.0.1")
		_, _, unknown := d.SignIn(ctx, "sanxi-nobody", "Wrong-guess-1", "10.1.0.2")
		want := catalog.EUNAUTH
		if i >= account.MaxFailedLogins {
			want = catalog.ELOCKED
		}
		if answer(known) != want || answer(unknown) != want {
			t.Errorf("try %d: known %v, unknown %v; want %s", i, known, unknown, want)
		}
	}
	for _, name := range []string{"Sanxi-leader", "sánxi-leader", "sanxi-leader "} {
		if _, _, err := d.SignIn(ctx, name, "Sanxi-leader-2026", "10.1.0.3"); answer(err) != catalog.EUNAUTH {
			t.Errorf("%q: %v", name, err)
		}
	}
	u, token, err := d.SignIn(ctx, "sanxi-leader", "Sanxi-leader-2026", "10.1.0.4")
	if err != nil || token == "" {
		t.Fatalf("the owner from another address: %v", err)
	}
	// Five from 10.1.0.1 (the sixth was refused unchecked) and the same
	// name in capitals; the look-alikes are other names.
	if u.FailedSignIns != 6 {
		t.Errorf("the owner is told of %d failures, want 6", u.FailedSignIns)
	}
	if _, su, err := s.FindSession(ctx, account.HashToken(token)); err != nil || su.ID != u.ID {
		t.Errorf("session: %v", err)
	}
	if len(audited) != 1 || audited[0] != "sanxi-leader session create" {
		t.Errorf("audited %v", audited)
	}
}
