package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/account"
	"gongkai/seed"
)

// within polls check every 100 ms until it holds or d passes; it returns
// how long it took, or fails.
func within(t *testing.T, d time.Duration, what string, check func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if check() {
			return time.Since(start)
		}
		if time.Since(start) > d {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTwoInstancesActAsOne runs two server processes on one database, as
// behind a load balancer: a session opened on one works on the other and
// ends on both; a role granted or revoked on one holds on the other within
// 5 s; a publication approved on one is on the other's kiosk page within
// 5 s; the sign-in throttle counts failures on both together.
func TestTwoInstancesActAsOne(t *testing.T) {
	dir := t.TempDir()
	env := append(dbEnv(t, dir), "GONGKAI_LOG_LEVEL=warn", "GONGKAI_SECRET_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	a := startServer(t, append(env, "GONGKAI_DEMO=on")...)
	b := startServer(t, env...)

	// Sessions live in the database.
	sec := newHTTPClient(a.base)
	sec.signIn(t, "secadmin", seed.DemoPassword)
	onB := &httpClient{base: b.base, cookie: sec.cookie, c: sec.c}
	if st, body, _ := onB.do("GET", "/api/v1/session", nil); st != 200 || !strings.Contains(string(body), "secadmin") {
		t.Fatalf("A's session on B: %d %s", st, body)
	}

	// A grant made on A holds on B; so does its revocation.
	clerkB := newHTTPClient(b.base)
	clerkB.signIn(t, "sanxi-clerk", seed.DemoPassword)
	_, body, _ := clerkB.do("GET", "/api/v1/session", nil)
	var me struct {
		User struct{ ID int64 } `json:"user"`
	}
	json.Unmarshal(body, &me)
	n := 0
	tryWrite := func() int {
		n++
		st, _, _ := clerkB.do("POST", "/api/v1/units/miaoshou/items", newItemBody(fmt.Sprintf("两实例测试事项%d", n)))
		return st
	}
	if st := tryWrite(); st != 403 {
		t.Fatalf("before the grant: %d", st)
	}
	grant := map[string]string{"role": "clerk", "unit": "miaoshou"}
	if st, body, _ := sec.do("POST", fmt.Sprintf("/api/v1/users/%d/grants", me.User.ID), grant); st != 201 {
		t.Fatalf("grant on A: %d %s", st, body)
	}
	granted := within(t, 5*time.Second, "grant on A seen by B", func() bool { return tryWrite() == 201 })
	if st, body, _ := sec.do("DELETE", fmt.Sprintf("/api/v1/users/%d/grants", me.User.ID), grant); st != 204 {
		t.Fatalf("revoke on A: %d %s", st, body)
	}
	revoked := within(t, 5*time.Second, "revocation on A seen by B", func() bool { return tryWrite() == 403 })

	// A publication approved on A shows on B's kiosk page, which B had
	// already rendered and kept.
	clerkA := newHTTPClient(a.base)
	clerkA.signIn(t, "miaoshou-clerk", seed.DemoPassword)
	leaderA := newHTTPClient(a.base)
	leaderA.signIn(t, "miaoshou-leader", seed.DemoPassword)
	_, body, _ = clerkA.do("GET", "/api/v1/units/miaoshou/items", nil)
	var items []struct{ ID int64 }
	if json.Unmarshal(body, &items) != nil || len(items) == 0 {
		t.Fatalf("items: %s", body)
	}
	page := fmt.Sprintf("/kiosk/items/%d", items[0].ID)
	kioskB := newHTTPClient(b.base)
	if st, _, _ := kioskB.do("GET", page, nil); st != 200 {
		t.Fatalf("B's kiosk page: %d", st)
	}
	title := "两实例同步公告" + time.Now().Format("150405")
	st, body, _ := clerkA.do("POST", fmt.Sprintf("/api/v1/items/%d/publications", items[0].ID), map[string]any{"title": title, "generated_on": time.Now().Format("2006-01-02")})
	var pub struct{ ID int64 }
	if st != 201 || json.Unmarshal(body, &pub) != nil {
		t.Fatalf("publication: %d %s", st, body)
	}
	if st, body, _ := clerkA.do("POST", fmt.Sprintf("/api/v1/publications/%d/submit", pub.ID), submitBody); st != 200 {
		t.Fatalf("submit: %d %s", st, body)
	}
	if st, body, _ := kioskB.do("GET", page, nil); st != 200 || strings.Contains(string(body), title) {
		t.Fatalf("an unapproved publication on the kiosk: %d", st)
	}
	if st, body, _ := leaderA.do("POST", fmt.Sprintf("/api/v1/publications/%d/approve", pub.ID), nil); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	shown := within(t, 5*time.Second, "publication approved on A on B's kiosk", func() bool {
		st, body, _ := kioskB.do("GET", page, nil)
		return st == 200 && strings.Contains(string(body), title)
	})

	// Signing out on B ends the session on A too.
	if st, _, _ := onB.do("DELETE", "/api/v1/session", nil); st != 204 {
		t.Fatalf("sign out on B: %d", st)
	}
	if st, _, _ := sec.do("GET", "/api/v1/session", nil); st != 401 {
		t.Errorf("A still knows the session ended on B: %d", st)
	}

	// Wrong passwords on both count together: ten in all, then both refuse.
	for i := 0; i < account.MaxAddressFailures; i++ {
		h := newHTTPClient([]string{a.base, b.base}[i%2])
		if st, _, _ := h.do("POST", "/api/v1/session", map[string]string{"username": fmt.Sprint("nobody", i), "password": "wrong-guess"}); st != 401 {
			t.Fatalf("failure %d: %d", i+1, st)
		}
	}
	for _, base := range []string{a.base, b.base} {
		if st, _, _ := newHTTPClient(base).do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "wrong-guess"}); st != 429 {
			t.Errorf("%s after ten failures on both: %d, want 429", base, st)
		}
	}
	t.Logf("B follows A: grant in %s, revocation in %s, publication on the kiosk in %s", granted.Round(time.Millisecond), revoked.Round(time.Millisecond), shown.Round(time.Millisecond))
}
