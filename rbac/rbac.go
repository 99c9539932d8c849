package rbac

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn"
)

// Role is a set of permissions defined once for every unit.
type Role string

// Roles.
const (
	RoleClerk     Role = "clerk"     // 信息专管员 / 信息发布员
	RoleLeader    Role = "leader"    // 分管负责人
	RoleAdmin     Role = "admin"     // 县政府办 政务公开股, every unit
	RoleInspector Role = "inspector" // 测评员, reads every unit
	// The three separated duties (三员分立) of the system's own administration.
	RoleSysAdmin Role = "sysadmin" // 系统管理员: accounts
	RoleSecAdmin Role = "secadmin" // 安全管理员: roles and unit bindings
	RoleAuditor  Role = "auditor"  // 审计管理员: the audit log
)

// Roles lists every role.
var Roles = []Role{RoleClerk, RoleLeader, RoleAdmin, RoleInspector, RoleSysAdmin, RoleSecAdmin, RoleAuditor}

// CountyWide tells whether a role is bound county-wide (domain AllUnits).
func (r Role) CountyWide() bool {
	return r != RoleClerk && r != RoleLeader
}

// Name is the role's Chinese name.
func (r Role) Name() string {
	switch r {
	case RoleClerk:
		return "信息专管员"
	case RoleLeader:
		return "分管负责人"
	case RoleAdmin:
		return "县政府办管理员"
	case RoleInspector:
		return "测评员"
	case RoleSysAdmin:
		return "系统管理员"
	case RoleSecAdmin:
		return "安全管理员"
	case RoleAuditor:
		return "审计管理员"
	}
	return string(r)
}

func (r Role) subject() string { return "role:" + string(r) }

// Object is a kind of resource.
type Object string

// Objects.
const (
	ObjUnit        Object = "unit"        // a unit's public facts
	ObjCatalog     Object = "catalog"     // catalogue items and 未涉及领域说明
	ObjPublication Object = "publication" // publications and attachments
	ObjCalendar    Object = "calendar"    // the statutory holiday calendar
	ObjAccount     Object = "account"     // users: create, disable, reset passwords
	ObjRole        Object = "role"        // role bindings of users in units
	ObjAudit       Object = "audit"       // the audit log
	ObjKiosk       Object = "kiosk"       // service points (查阅点) and search aliases
	ObjRequest     Object = "request"     // disclosure requests (依申请公开)
	ObjInspection  Object = "inspection"  // quarterly inspection reports (测评)
	ObjOrder       Object = "order"       // 12345 hotline work orders (工单)
)

// Action on an object.
type Action string

// Actions.
const (
	ActRead     Action = "read"
	ActWrite    Action = "write"
	ActPublish  Action = "publish"  // 二级审核: approve, return, withdraw
	ActTakedown Action = "takedown" // 三级审核: the county office takes a publication down
	ActReveal   Action = "reveal"   // see a requester's full ID and phone numbers (each view audited)
	actAny      Action = "*"
)

// ForRight maps a workflow right (catalog.Workflow) to the Casbin action
// that grants it.
func ForRight(r catalog.Right) Action {
	switch r {
	case catalog.RightPublish:
		return ActPublish
	case catalog.RightSpotCheck:
		return ActTakedown
	}
	return ActWrite
}

// AllUnits is the domain of a county-wide binding (admin, inspector) and of
// the role permissions.
const AllUnits = "*"

// User is the Casbin subject of a user id.
func User(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// Unit is the Casbin domain of a unit code.
func Unit(code string) string { return code }

// modelText: a user bound to a role in a unit (or in every unit with "*")
// gets the role's permissions there; permissions are written once with the
// domain "*" and keyMatch, never copied per unit.
const modelText = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = (r.obj == p.obj || p.obj == "*") && (r.act == p.act || p.act == "*") && keyMatch(r.dom, p.dom) && (g(r.sub, p.sub, r.dom) || g(r.sub, p.sub, "*"))
`

// Permissions are the role policies, the same for every unit.
func Permissions() [][]string {
	var ps [][]string
	add := func(r Role, obj Object, acts ...Action) {
		for _, a := range acts {
			ps = append(ps, []string{r.subject(), AllUnits, string(obj), string(a)})
		}
	}
	add(RoleClerk, ObjUnit, ActRead)
	add(RoleClerk, ObjCatalog, ActRead, ActWrite)
	add(RoleClerk, ObjPublication, ActRead, ActWrite)
	add(RoleClerk, ObjRequest, ActRead, ActWrite)
	add(RoleClerk, ObjOrder, ActRead, ActWrite) // claim, send back; the county office's clerks take calls and dispatch
	add(RoleLeader, ObjUnit, ActRead, ActWrite)
	add(RoleLeader, ObjCatalog, ActRead, ActWrite)
	add(RoleLeader, ObjPublication, ActRead, ActWrite, ActPublish)
	add(RoleLeader, ObjAudit, ActRead)
	add(RoleLeader, ObjRequest, ActRead, ActWrite, ActPublish, ActReveal)
	add(RoleLeader, ObjOrder, ActRead, ActWrite, ActPublish) // a reply goes out under the unit head's check
	// The county office works in every unit but does not administer the
	// system: accounts, roles and the audit log belong to the three
	// separated administrators (三员分立).
	add(RoleAdmin, ObjUnit, ActRead, ActWrite)
	add(RoleAdmin, ObjCatalog, ActRead, ActWrite)
	add(RoleAdmin, ObjPublication, ActRead, ActWrite, ActPublish, ActTakedown)
	add(RoleAdmin, ObjCalendar, ActRead, ActWrite)
	add(RoleAdmin, ObjAudit, ActRead)
	add(RoleAdmin, ObjKiosk, ActRead, ActWrite)
	add(RoleAdmin, ObjRequest, ActRead, ActWrite, ActPublish, ActReveal)
	add(RoleAdmin, ObjInspection, ActRead, ActWrite)
	add(RoleAdmin, ObjOrder, ActRead, ActWrite, ActPublish)
	// The inspector reads every unit's work, but not who holds which
	// account or role: that is the three administrators' (三员分立).
	for _, o := range []Object{ObjUnit, ObjCatalog, ObjPublication, ObjCalendar, ObjAudit, ObjKiosk, ObjRequest, ObjInspection, ObjOrder} {
		add(RoleInspector, o, ActRead)
	}
	add(RoleInspector, ObjInspection, ActWrite)
	add(RoleSysAdmin, ObjUnit, ActRead)
	add(RoleSysAdmin, ObjAccount, ActRead, ActWrite)
	add(RoleSecAdmin, ObjUnit, ActRead)
	add(RoleSecAdmin, ObjAccount, ActRead)
	add(RoleSecAdmin, ObjRole, ActRead, ActWrite)
	// The auditor reads the whole log, accounts and grants included, and
	// so the accounts themselves.
	add(RoleAuditor, ObjAudit, ActRead)
	add(RoleAuditor, ObjAccount, ActRead)
	return ps
}

// Enforcer answers authorisation questions; safe for concurrent use.
type Enforcer struct {
	e  *casbin.SyncedEnforcer
	db *gorm.DB
	// seen is the fingerprint of casbin_rule when the policies were last
	// loaded here.
	mu   sync.Mutex
	seen string
	// AuditTx records a change of role binding in the binding's own
	// transaction (the catalogue store's audit log).
	AuditTx func(tx *gorm.DB, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error
}

// NewEnforcer opens the policies stored in db (table casbin_rule), adds the
// role permissions that are missing, and loads them.
func NewEnforcer(db *gorm.DB) (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("rbac: model: %w", err)
	}
	a, err := gormadapter.NewAdapterByDBUseTableName(db, "", "casbin_rule")
	if err != nil {
		return nil, fmt.Errorf("rbac: adapter: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, a)
	if err != nil {
		return nil, fmt.Errorf("rbac: enforcer: %w", err)
	}
	if err := syncPermissions(e); err != nil {
		return nil, err
	}
	en := &Enforcer{e: e, db: db}
	en.seen, err = en.fingerprint(context.Background())
	return en, err
}

// syncPermissions makes the stored role permissions exactly Permissions():
// missing ones are added, ones no longer granted removed. Grouping rules
// (who holds which role where) are left alone.
func syncPermissions(e *casbin.SyncedEnforcer) error {
	want := map[string]bool{}
	for _, p := range Permissions() {
		want[strings.Join(p, "\x00")] = true
	}
	have, err := e.GetPolicy()
	if err != nil {
		return fmt.Errorf("rbac: read permissions: %w", err)
	}
	var stale [][]string
	for _, p := range have {
		if !want[strings.Join(p, "\x00")] {
			stale = append(stale, p)
		}
	}
	if len(stale) > 0 {
		if _, err := e.RemovePolicies(stale); err != nil {
			return fmt.Errorf("rbac: remove old permissions: %w", err)
		}
	}
	if _, err := e.AddPoliciesEx(Permissions()); err != nil {
		return fmt.Errorf("rbac: seed permissions: %w", err)
	}
	return nil
}

// NewMemoryEnforcer is an enforcer without storage, for benchmarks.
func NewMemoryEnforcer() (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return nil, err
	}
	if _, err := e.AddPoliciesEx(Permissions()); err != nil {
		return nil, err
	}
	return &Enforcer{e: e}, nil
}

// fingerprint sums up casbin_rule cheaply. Rules are only ever inserted or
// deleted, never changed in place, so an insert moves the greatest id and
// a delete the count or the sum of ids.
func (en *Enforcer) fingerprint(ctx context.Context) (string, error) {
	var f struct{ N, MaxID, SumID int64 }
	err := en.db.WithContext(ctx).Model(&gormadapter.CasbinRule{}).
		Select("COUNT(*) AS n, COALESCE(MAX(id), 0) AS max_id, COALESCE(SUM(id), 0) AS sum_id").Scan(&f).Error
	if err != nil {
		return "", fmt.Errorf("rbac: policy fingerprint: %w", err)
	}
	return fmt.Sprintf("%d/%d/%d", f.N, f.MaxID, f.SumID), nil
}

// ReloadIfChanged reloads the policies when casbin_rule changed since they
// were loaded here (by another instance, say); it reports whether it did.
// Polled every 2 s, it makes a grant on one instance hold on all of them
// within seconds.
func (en *Enforcer) ReloadIfChanged(ctx context.Context) (bool, error) {
	if en.db == nil {
		return false, nil
	}
	f, err := en.fingerprint(ctx)
	if err != nil {
		return false, err
	}
	en.mu.Lock()
	same := f == en.seen
	en.mu.Unlock()
	if same {
		return false, nil
	}
	return true, en.Reload()
}

// Stop is kept for symmetry with open; nothing runs in the background.
func (en *Enforcer) Stop() {}

// Allow tells whether user id may do act on obj in the unit.
func (en *Enforcer) Allow(userID int64, unit string, obj Object, act Action) (bool, error) {
	ok, err := en.e.Enforce(User(userID), Unit(unit), string(obj), string(act))
	if err != nil {
		return false, fmt.Errorf("rbac: enforce: %w", err)
	}
	return ok, nil
}

// Grant is a user's role in a unit (AllUnits for county-wide roles).
type Grant struct {
	Role     Role   `json:"role"`
	RoleName string `json:"role_name"`
	Unit     string `json:"unit"`
}

// Assign binds users to roles in units; existing bindings are left alone.
func (en *Enforcer) Assign(grants map[int64][]Grant) error {
	var rules [][]string
	for id, gs := range grants {
		for _, g := range gs {
			rules = append(rules, []string{User(id), g.Role.subject(), g.Unit})
		}
	}
	if len(rules) == 0 {
		return nil
	}
	if _, err := en.e.AddGroupingPoliciesEx(rules); err != nil {
		return fmt.Errorf("rbac: assign: %w", err)
	}
	return nil
}

// SetGrant binds (on) or unbinds a role for a user; the binding and its
// audit entry commit together, then the policies are reloaded. Unbinding a
// role the user does not have is ENOTFOUND.
func (en *Enforcer) SetGrant(ctx context.Context, by catalog.Actor, userID int64, g Grant, on bool) error {
	if en.db == nil || en.AuditTx == nil {
		return fmt.Errorf("rbac: set grant: no database or audit log")
	}
	err := dbconn.Transaction(en.db.WithContext(ctx), func(tx *gorm.DB) error {
		target := string(g.Role) + "@" + g.Unit
		if on {
			if _, err := en.assignTx(tx, userID, g); err != nil {
				return err
			}
			return en.AuditTx(tx, by, g.Unit, "role", "grant", userID, target, nil, g)
		}
		had, err := en.revokeTx(tx, userID, g)
		if err != nil {
			return err
		}
		if !had {
			return catalog.Errorf(catalog.ENOTFOUND, "该用户没有这项授权")
		}
		return en.AuditTx(tx, by, g.Unit, "role", "revoke", userID, target, g, nil)
	})
	if err != nil {
		return err
	}
	return en.Reload()
}

// assignTx stores a role binding in tx and reports whether it is new.
func (en *Enforcer) assignTx(tx *gorm.DB, userID int64, g Grant) (bool, error) {
	if g.Unit != AllUnits {
		if err := dbconn.HoldUnit(tx, g.Unit, "unit"); err != nil {
			return false, err
		}
	}
	rule := gormadapter.CasbinRule{Ptype: "g", V0: User(userID), V1: g.Role.subject(), V2: g.Unit}
	var n int64
	if err := tx.Model(&gormadapter.CasbinRule{}).Where("ptype = ? AND v0 = ? AND v1 = ? AND v2 = ?", rule.Ptype, rule.V0, rule.V1, rule.V2).Count(&n).Error; err != nil {
		return false, fmt.Errorf("rbac: assign: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if err := tx.Create(&rule).Error; err != nil {
		return false, fmt.Errorf("rbac: assign: %w", err)
	}
	return true, nil
}

// revokeTx removes a role binding in tx and reports whether there was one.
func (en *Enforcer) revokeTx(tx *gorm.DB, userID int64, g Grant) (bool, error) {
	res := tx.Where("ptype = ? AND v0 = ? AND v1 = ? AND v2 = ?", "g", User(userID), g.Role.subject(), g.Unit).Delete(&gormadapter.CasbinRule{})
	if res.Error != nil {
		return false, fmt.Errorf("rbac: revoke: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// Reload reads every policy from the database again (after a change made
// by another instance).
func (en *Enforcer) Reload() error {
	var f string
	if en.db != nil {
		var err error
		if f, err = en.fingerprint(context.Background()); err != nil {
			return err
		}
	}
	if err := en.e.LoadPolicy(); err != nil {
		return fmt.Errorf("rbac: reload: %w", err)
	}
	en.mu.Lock()
	en.seen = f
	en.mu.Unlock()
	return nil
}

// GrantsOf lists a user's roles per unit.
func (en *Enforcer) GrantsOf(userID int64) ([]Grant, error) {
	rules, err := en.e.GetFilteredGroupingPolicy(0, User(userID))
	if err != nil {
		return nil, err
	}
	out := make([]Grant, 0, len(rules))
	for _, r := range rules {
		if len(r) < 3 {
			continue
		}
		role := Role(strings.TrimPrefix(r[1], "role:"))
		out = append(out, Grant{Role: role, RoleName: role.Name(), Unit: r[2]})
	}
	return out, nil
}

// CountPolicies returns the number of permission and grouping rules, for
// the idempotence test of the seed.
func (en *Enforcer) CountPolicies() (perms, groups int, err error) {
	p, err := en.e.GetPolicy()
	if err != nil {
		return 0, 0, err
	}
	g, err := en.e.GetGroupingPolicy()
	if err != nil {
		return 0, 0, err
	}
	return len(p), len(g), nil
}

// MoveUnit hands the roles held in one unit to its successor in an
// institutional reform (the rules are deleted and inserted anew, never
// changed in place: see fingerprint); a role the person already holds
// there is dropped. It returns each moved binding as "user:ID role".
// Reload after the transaction commits.
func (en *Enforcer) MoveUnit(tx *gorm.DB, from, to, _ string, _ catalog.Actor) (string, []string, error) {
	var rs []gormadapter.CasbinRule
	if err := tx.Where("ptype = ? AND v2 = ?", "g", from).Order("id").Find(&rs).Error; err != nil {
		return "", nil, fmt.Errorf("rbac: move unit: %w", err)
	}
	if len(rs) == 0 {
		return "role", nil, nil
	}
	if err := tx.Where("ptype = ? AND v2 = ?", "g", from).Delete(&gormadapter.CasbinRule{}).Error; err != nil {
		return "", nil, fmt.Errorf("rbac: move unit: %w", err)
	}
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		var n int64
		if err := tx.Model(&gormadapter.CasbinRule{}).Where("ptype = ? AND v0 = ? AND v1 = ? AND v2 = ?", "g", r.V0, r.V1, to).Count(&n).Error; err != nil {
			return "", nil, fmt.Errorf("rbac: move unit: %w", err)
		}
		ids = append(ids, r.V0+" "+r.V1)
		if n > 0 {
			continue
		}
		if err := tx.Create(&gormadapter.CasbinRule{Ptype: "g", V0: r.V0, V1: r.V1, V2: to}).Error; err != nil {
			return "", nil, fmt.Errorf("rbac: move unit: %w", err)
		}
	}
	return "role", ids, nil
}

// HoldsUnit counts the roles held in a unit.
func (en *Enforcer) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	var n int64
	if err := tx.Model(&gormadapter.CasbinRule{}).Where("ptype = ? AND v2 = ?", "g", code).Count(&n).Error; err != nil {
		return "", fmt.Errorf("rbac: held by unit: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	return fmt.Sprintf("授权%d项", n), nil
}
