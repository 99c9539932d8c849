package main

import (
	"strings"
	"testing"

	"gongkai/account"
	"gongkai/api"
	"gongkai/rbac"
)

// TestSeparatedAdministrators: the system administrator makes accounts, the
// security administrator binds roles, neither can act on themselves, the
// business admin can do neither; a new account must choose its password first.
func TestSeparatedAdministrators(t *testing.T) {
	ts := sharedServer(t)
	sys, sec, biz := ts.login("sysadmin"), ts.login("secadmin"), ts.login("admin")
	newUser := map[string]any{"username": "sanxi-clerk2", "display_name": "三溪镇新发布员", "unit_code": "sanxi", "password": "short"}
	if r := sys.do("POST", "/api/v1/users", newUser); r.status != 400 {
		t.Errorf("weak password: %d %s", r.status, r.body)
	}
	newUser["password"] = "Initial-Pass-2026"
	if r := biz.do("POST", "/api/v1/users", newUser); r.status != 403 {
		t.Errorf("business admin creates an account: %d", r.status)
	}
	r := sys.do("POST", "/api/v1/users", newUser)
	var u account.User
	r.decode(t, &u)
	if r.status != 201 || !u.MustChangePassword {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := sys.do("POST", "/api/v1/users", newUser); r.status != 409 {
		t.Errorf("taken username: %d", r.status)
	}
	grant := map[string]string{"role": "clerk", "unit": "sanxi"}
	if r := sys.do("POST", "/api/v1/users/"+itoa(u.ID)+"/grants", grant); r.status != 403 {
		t.Errorf("system administrator binds a role: %d", r.status)
	}
	if r := sec.do("POST", "/api/v1/users/"+itoa(u.ID)+"/grants", map[string]string{"role": "clerk", "unit": "nowhere"}); r.status != 400 {
		t.Errorf("unknown unit: %d", r.status)
	}
	if r := sec.do("POST", "/api/v1/users/"+itoa(u.ID)+"/grants", grant); r.status != 201 {
		t.Fatalf("grant: %d %s", r.status, r.body)
	}
	var me api.SessionView
	sec.do("GET", "/api/v1/session", nil).decode(t, &me)
	if r := sec.do("POST", "/api/v1/users/"+itoa(me.User.ID)+"/grants", map[string]string{"role": "admin"}); r.status != 403 || !strings.Contains(string(r.body), "自己") {
		t.Errorf("security administrator grants themselves: %d %s", r.status, r.body)
	}
	sys.do("GET", "/api/v1/session", nil).decode(t, &me)
	if r := sys.do("PUT", "/api/v1/users/"+itoa(me.User.ID), map[string]any{"display_name": "x", "disabled": true}); r.status != 403 {
		t.Errorf("system administrator disables themselves: %d", r.status)
	}

	// The new clerk signs in and must first choose a password.
	c := ts.anon()
	r = c.do("POST", "/api/v1/session", map[string]string{"username": "sanxi-clerk2", "password": "Initial-Pass-2026"})
	var v api.SessionView
	r.decode(t, &v)
	if r.status != 201 || !v.MustChangePassword || len(v.Grants) != 1 || v.Grants[0].Role != rbac.RoleClerk {
		t.Fatalf("first sign-in: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/api/v1/units/sanxi/items", newItemBody("新人")); r.status != 403 || !strings.Contains(string(r.body), "password_change_required") {
		t.Errorf("write before the password change: %d %s", r.status, r.body)
	}
	if r := c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "wrong", "password": "Own-Choice-2026"}); r.status != 400 {
		t.Errorf("wrong old password: %d", r.status)
	}
	if r := c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "Initial-Pass-2026", "password": "Own-Choice-2026"}); r.status != 204 {
		t.Fatalf("change password: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/api/v1/units/sanxi/items", newItemBody("新人")); r.status != 201 {
		t.Errorf("write after the password change: %d %s", r.status, r.body)
	}
	// Revoking the role takes the right away; disabling ends the session.
	if r := sec.do("DELETE", "/api/v1/users/"+itoa(u.ID)+"/grants", grant); r.status != 204 {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/api/v1/units/sanxi/items", newItemBody("新人2")); r.status != 403 {
		t.Errorf("write after revocation: %d", r.status)
	}
	if r := sys.do("PUT", "/api/v1/users/"+itoa(u.ID), map[string]any{"display_name": "三溪镇新发布员", "unit_code": "sanxi", "disabled": true}); r.status != 200 {
		t.Errorf("disable: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/v1/session", nil); r.status != 401 {
		t.Errorf("session of a disabled account: %d", r.status)
	}
	// Each step is on the auditor's record.
	var audit []struct{ Object, Action, Username string }
	ts.login("auditor").do("GET", "/api/v1/audit?limit=50", nil).decode(t, &audit)
	seen := map[string]bool{}
	for _, a := range audit {
		seen[a.Object+"/"+a.Action+"/"+a.Username] = true
	}
	for _, want := range []string{"account/create/sysadmin", "role/grant/secadmin", "account/change_password/sanxi-clerk2", "role/revoke/secadmin", "account/update/sysadmin"} {
		if !seen[want] {
			t.Errorf("audit lacks %s", want)
		}
	}
	if r := sys.do("GET", "/api/v1/audit", nil); r.status != 403 {
		t.Errorf("system administrator reads the audit log: %d", r.status)
	}
}

// TestDemoPasswordsExpireWhenDemoIsOff: with GONGKAI_DEMO=off a demo account
// must choose its own password before anything else.
func TestDemoPasswordsExpireWhenDemoIsOff(t *testing.T) {
	ts := newTestServer(t, true)
	cfg := ts.cfg
	ts.s.close()
	cfg.Demo, cfg.DemoSet = false, true
	off := openTestServer(t, cfg)
	c := off.anon()
	var v api.SessionView
	c.do("POST", "/api/v1/session", map[string]string{"username": "miaoshou-clerk", "password": "Demo-2026-gongkai"}).decode(t, &v)
	if !v.MustChangePassword {
		t.Fatal("demo password accepted as is with demo data off")
	}
	if r := c.do("POST", "/api/v1/units/miaoshou/items", newItemBody("x")); r.status != 403 {
		t.Errorf("write with the demo password: %d", r.status)
	}
	if r := c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "Demo-2026-gongkai", "password": "Miaoshou-Own-2026"}); r.status != 204 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/api/v1/units/miaoshou/items", newItemBody("x")); r.status != 201 {
		t.Errorf("write after the change: %d %s", r.status, r.body)
	}
}
