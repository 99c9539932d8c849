package rbac_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/rbac"
)

// Users of the test: a 庙首镇 clerk and leader, a 三溪镇 clerk, the county admin
// and an inspector.
const (
	msClerk int64 = iota + 1
	msLeader
	sxClerk
	admin
	inspector
	sysadmin
	secadmin
	auditor
)

func newEnforcer(t *testing.T) *rbac.Enforcer {
	t.Helper()
	en, err := rbac.NewEnforcer(dbtest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	err = en.Assign(map[int64][]rbac.Grant{
		msClerk:   {{Role: rbac.RoleClerk, Unit: "miaoshou"}},
		msLeader:  {{Role: rbac.RoleLeader, Unit: "miaoshou"}},
		sxClerk:   {{Role: rbac.RoleClerk, Unit: "sanxi"}},
		admin:     {{Role: rbac.RoleAdmin, Unit: rbac.AllUnits}},
		inspector: {{Role: rbac.RoleInspector, Unit: rbac.AllUnits}},
		sysadmin:  {{Role: rbac.RoleSysAdmin, Unit: rbac.AllUnits}},
		secadmin:  {{Role: rbac.RoleSecAdmin, Unit: rbac.AllUnits}},
		auditor:   {{Role: rbac.RoleAuditor, Unit: rbac.AllUnits}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return en
}

// Each role × own unit × other unit × county-wide object.
func TestAllow(t *testing.T) {
	en := newEnforcer(t)
	cases := []struct {
		user int64
		unit string
		obj  rbac.Object
		act  rbac.Action
		want bool
	}{
		{msClerk, "miaoshou", rbac.ObjCatalog, rbac.ActWrite, true},
		{msClerk, "miaoshou", rbac.ObjPublication, rbac.ActWrite, true},
		{msClerk, "miaoshou", rbac.ObjPublication, rbac.ActPublish, false},
		{msClerk, "miaoshou", rbac.ObjUnit, rbac.ActWrite, false},
		{msClerk, "sanxi", rbac.ObjCatalog, rbac.ActWrite, false},
		{msClerk, "sanxi", rbac.ObjCatalog, rbac.ActRead, false},
		{msClerk, rbac.AllUnits, rbac.ObjCalendar, rbac.ActWrite, false},
		{msClerk, rbac.AllUnits, rbac.ObjCatalog, rbac.ActWrite, false},
		{sxClerk, "miaoshou", rbac.ObjCatalog, rbac.ActWrite, false},
		{sxClerk, "sanxi", rbac.ObjCatalog, rbac.ActWrite, true},
		{msLeader, "miaoshou", rbac.ObjPublication, rbac.ActPublish, true},
		{msLeader, "miaoshou", rbac.ObjUnit, rbac.ActWrite, true},
		{msLeader, "sanxi", rbac.ObjPublication, rbac.ActPublish, false},
		{msLeader, rbac.AllUnits, rbac.ObjAccount, rbac.ActWrite, false},
		{admin, "miaoshou", rbac.ObjCatalog, rbac.ActWrite, true},
		{admin, "sanxi", rbac.ObjPublication, rbac.ActPublish, true},
		{admin, rbac.AllUnits, rbac.ObjCalendar, rbac.ActWrite, true},
		{admin, rbac.AllUnits, rbac.ObjAccount, rbac.ActWrite, false}, // 三员分立: not the business admin
		{admin, rbac.AllUnits, rbac.ObjRole, rbac.ActWrite, false},
		{admin, "sanxi", rbac.ObjPublication, rbac.ActTakedown, true},
		{msLeader, "miaoshou", rbac.ObjPublication, rbac.ActTakedown, false},
		{sysadmin, rbac.AllUnits, rbac.ObjAccount, rbac.ActWrite, true},
		{sysadmin, rbac.AllUnits, rbac.ObjRole, rbac.ActWrite, false},
		{sysadmin, rbac.AllUnits, rbac.ObjAudit, rbac.ActRead, false},
		{sysadmin, "miaoshou", rbac.ObjPublication, rbac.ActWrite, false},
		{secadmin, rbac.AllUnits, rbac.ObjRole, rbac.ActWrite, true},
		{secadmin, rbac.AllUnits, rbac.ObjAccount, rbac.ActWrite, false},
		{secadmin, rbac.AllUnits, rbac.ObjAudit, rbac.ActRead, false},
		{auditor, rbac.AllUnits, rbac.ObjAudit, rbac.ActRead, true},
		{auditor, rbac.AllUnits, rbac.ObjAccount, rbac.ActWrite, false},
		{auditor, "miaoshou", rbac.ObjCatalog, rbac.ActWrite, false},
		{inspector, "miaoshou", rbac.ObjCatalog, rbac.ActRead, true},
		{inspector, "sanxi", rbac.ObjPublication, rbac.ActRead, true},
		{inspector, "miaoshou", rbac.ObjCatalog, rbac.ActWrite, false},
		{inspector, rbac.AllUnits, rbac.ObjCalendar, rbac.ActWrite, false},
		{inspector, rbac.AllUnits, rbac.ObjAudit, rbac.ActRead, true},
		{99, "miaoshou", rbac.ObjCatalog, rbac.ActRead, false},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("user%d/%s/%s/%s", tc.user, tc.unit, tc.obj, tc.act)
		t.Run(name, func(t *testing.T) {
			got, err := en.Allow(tc.user, tc.unit, tc.obj, tc.act)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Allow = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPoliciesPersistAndAreNotCopiedPerUnit(t *testing.T) {
	db := dbtest.Open(t)
	en, err := rbac.NewEnforcer(db)
	if err != nil {
		t.Fatal(err)
	}
	var grants = map[int64][]rbac.Grant{}
	for i := int64(1); i <= 50; i++ {
		grants[i] = []rbac.Grant{{Role: rbac.RoleClerk, Unit: fmt.Sprintf("unit%02d", i)}}
	}
	if err := en.Assign(grants); err != nil {
		t.Fatal(err)
	}
	// A permission no longer in the code (an older version's) is removed.
	db.Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES ('p', 'role:admin', '*', '*', '*')")
	// A second enforcer on the same database sees the same rules and adds no
	// duplicate permissions.
	en2, err := rbac.NewEnforcer(db)
	if err != nil {
		t.Fatal(err)
	}
	perms, groups, err := en2.CountPolicies()
	if err != nil {
		t.Fatal(err)
	}
	if perms != len(rbac.Permissions()) {
		t.Errorf("%d permission rules, want %d: role permissions must not grow with units", perms, len(rbac.Permissions()))
	}
	if groups != 50 {
		t.Errorf("%d grouping rules, want 50", groups)
	}
	ok, err := en2.Allow(7, "unit07", rbac.ObjCatalog, rbac.ActWrite)
	if err != nil || !ok {
		t.Errorf("reloaded enforcer: allow=%v err=%v", ok, err)
	}
	gs, err := en2.GrantsOf(7)
	if err != nil || len(gs) != 1 || gs[0].Unit != "unit07" || gs[0].Role != rbac.RoleClerk {
		t.Errorf("GrantsOf = %v, %v", gs, err)
	}
}

func benchmarkEnforce(b *testing.B, units int) {
	en, err := rbac.NewMemoryEnforcer()
	if err != nil {
		b.Fatal(err)
	}
	grants := map[int64][]rbac.Grant{}
	id := int64(0)
	for u := 0; u < units; u++ {
		for k := 0; k < 10; k++ {
			id++
			role := rbac.RoleClerk
			if k == 0 {
				role = rbac.RoleLeader
			}
			grants[id] = []rbac.Grant{{Role: role, Unit: fmt.Sprintf("u%04d", u)}}
		}
	}
	grants[id+1] = []rbac.Grant{{Role: rbac.RoleAdmin, Unit: rbac.AllUnits}}
	if err := en.Assign(grants); err != nil {
		b.Fatal(err)
	}
	unitNames := make([]string, units)
	for u := range unitNames {
		unitNames[u] = fmt.Sprintf("u%04d", u)
	}
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		uid := int64(i%int(id)) + 1
		unit := unitNames[(i*7)%units]
		start := time.Now()
		if _, err := en.Allow(uid, unit, rbac.ObjCatalog, rbac.ActWrite); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "median-ns")
	b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds()), "p99-ns")
}

func BenchmarkEnforce39Units(b *testing.B)   { benchmarkEnforce(b, 39) }
func BenchmarkEnforce2000Units(b *testing.B) { benchmarkEnforce(b, 2000) }

// TestSetGrantInATransaction: a binding counts only once it and its audit
// entry have committed: when the audit entry fails, neither is kept.
func TestSetGrantInATransaction(t *testing.T) {
	db := dbtest.Open(t)
	dbtest.Units(t, db, "yunle")
	en, err := rbac.NewEnforcer(db)
	if err != nil {
		t.Fatal(err)
	}
	g := rbac.Grant{Role: rbac.RoleClerk, Unit: "yunle"}
	by := catalog.Actor{UserID: 1, Username: "secadmin"}
	en.AuditTx = func(*gorm.DB, catalog.Actor, string, string, string, any, string, any, any) error {
		return errors.New("the audit entry failed")
	}
	if err := en.SetGrant(context.Background(), by, 42, g, true); err == nil {
		t.Fatal("a binding whose audit entry failed was reported as made")
	}
	if ok, _ := en.Allow(42, "yunle", rbac.ObjCatalog, rbac.ActWrite); ok {
		t.Error("a rolled-back binding took effect")
	}
	var audited []string
	en.AuditTx = func(_ *gorm.DB, _ catalog.Actor, _, _, action string, _ any, detail string, _, _ any) error {
		audited = append(audited, action+" "+detail)
		return nil
	}
	if err := en.SetGrant(context.Background(), by, 42, g, true); err != nil {
		t.Fatal(err)
	}
	if ok, _ := en.Allow(42, "yunle", rbac.ObjCatalog, rbac.ActWrite); !ok {
		t.Error("committed binding not in force")
	}
	if err := en.SetGrant(context.Background(), by, 42, g, false); err != nil {
		t.Fatal(err)
	}
	if ok, _ := en.Allow(42, "yunle", rbac.ObjCatalog, rbac.ActWrite); ok {
		t.Error("revoked binding still in force")
	}
	if err := en.SetGrant(context.Background(), by, 42, g, false); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("revoking a binding the user lacks: %v, want ENOTFOUND", err)
	}
	if want := []string{"grant clerk@yunle", "revoke clerk@yunle"}; !slices.Equal(audited, want) {
		t.Errorf("audited %q, want %q", audited, want)
	}
}
