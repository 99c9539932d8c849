// Package access is the administrators' desk (三员分立): the system
// administrator's accounts and password resets, the security
// administrator's role bindings and the second half of a guarded reset. The
// API, the back office and the console all go through it, so each rule —
// no one acts on their own account, a reset of a watching administrator
// needs a second person — stands in one place.
package access

import (
	"context"
	"slices"
	"strings"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/rbac"
)

// Grants are the role bindings (rbac.Enforcer).
type Grants interface {
	GrantsOf(userID int64) ([]rbac.Grant, error)
	// SetGrant binds (on) or unbinds a role with its audit entry, in one
	// transaction; unbinding a role the user lacks is ENOTFOUND.
	SetGrant(ctx context.Context, by catalog.Actor, userID int64, g rbac.Grant, on bool) error
}

// Desk holds the rules; its stores audit every write.
type Desk struct {
	Users  account.Service
	Grants Grants
	Units  interface {
		FindUnit(ctx context.Context, code string) (*catalog.Unit, error)
	}
}

// UserGrants is a user with their roles.
type UserGrants struct {
	account.User
	Grants []rbac.Grant `json:"grants"`
}

// NewUser is what the system administrator gives for a new account.
type NewUser struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	UnitCode    string `json:"unit_code"`
	Password    string `json:"password"`
	Disabled    bool   `json:"disabled"`
	// Email receives the daily digest of the person's notices.
	Email    string `json:"email"`
	NoDigest bool   `json:"no_digest"`
}

// PendingResetMessage tells the administrator that a guarded reset waits
// for a second person.
const PendingResetMessage = "该账号属于安全管理员或审计管理员，重置密码已提交，须由安全管理员确认并设置新密码后生效"

// ListUsers lists every account with its roles.
func (d *Desk) ListUsers(ctx context.Context) ([]UserGrants, error) {
	us, err := d.Users.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]UserGrants, len(us))
	for i, u := range us {
		gs, err := d.Grants.GrantsOf(u.ID)
		if err != nil {
			return nil, err
		}
		out[i] = UserGrants{User: u, Grants: gs}
	}
	return out, nil
}

// CreateUser opens an account, which must choose its own password at its
// first sign-in. A unit it names must exist (EINVALID on unit_code).
func (d *Desk) CreateUser(ctx context.Context, in NewUser, by catalog.Actor) (*account.User, error) {
	if in.UnitCode != "" {
		if err := d.activeUnit(ctx, "unit_code", in.UnitCode); err != nil {
			return nil, err
		}
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := account.User{Username: strings.TrimSpace(in.Username), DisplayName: strings.TrimSpace(in.DisplayName), UnitCode: in.UnitCode,
		PasswordHash: hash, MustChangePassword: true, Email: in.Email, NoDigest: in.NoDigest}
	if err := d.Users.CreateUser(ctx, &u, by); err != nil {
		return nil, err
	}
	return &u, nil
}

// notSelf refuses an administrator's action on their own account.
func notSelf(by catalog.Actor, id int64, what string) error {
	if by.UserID == id {
		return catalog.Errorf(catalog.EFORBIDDEN, "不能%s自己的账号（三员分立：须由其他管理员操作）", what)
	}
	return nil
}

// UpdateUser changes another person's account (EFORBIDDEN on one's own).
func (d *Desk) UpdateUser(ctx context.Context, id int64, change func(*account.User), by catalog.Actor) (*account.User, error) {
	if err := notSelf(by, id, "修改"); err != nil {
		return nil, err
	}
	old, err := d.Users.FindUser(ctx, id)
	if err != nil {
		return nil, err
	}
	u := *old
	change(&u)
	if u.UnitCode != "" && u.UnitCode != old.UnitCode {
		if err := d.activeUnit(ctx, "unit_code", u.UnitCode); err != nil {
			return nil, err
		}
	}
	if err := d.Users.UpdateUser(ctx, &u, by); err != nil {
		return nil, err
	}
	return &u, nil
}

// SetDisabled switches another person's account off or on.
func (d *Desk) SetDisabled(ctx context.Context, id int64, disabled bool, by catalog.Actor) error {
	_, err := d.UpdateUser(ctx, id, func(u *account.User) { u.Disabled = disabled }, by)
	return err
}

// guardedRoles are the administrators whose password one person may not
// reset alone: the security administrator and the auditor, who check the
// system administrator's work.
var guardedRoles = []rbac.Role{rbac.RoleSecAdmin, rbac.RoleAuditor}

func (d *Desk) guarded(id int64) (bool, error) {
	gs, err := d.Grants.GrantsOf(id)
	if err != nil {
		return false, err
	}
	for _, g := range gs {
		if slices.Contains(guardedRoles, g.Role) {
			return true, nil
		}
	}
	return false, nil
}

// ResetPassword sets another person's password, who must change it at the
// next sign-in. For a security administrator or an auditor it only records
// the request (pending): a security administrator other than the requester
// then sets the password (ConfirmReset), so no one person can take over the
// account that watches them.
func (d *Desk) ResetPassword(ctx context.Context, id int64, password string, by catalog.Actor) (pending bool, err error) {
	if err := notSelf(by, id, "重置"); err != nil {
		return false, err
	}
	if g, err := d.guarded(id); err != nil || g {
		if err != nil {
			return false, err
		}
		if _, err := d.Users.FindUser(ctx, id); err != nil {
			return false, err
		}
		return true, d.Users.RequestPasswordReset(ctx, id, by)
	}
	return false, d.SetPassword(ctx, id, password, "reset_password", by)
}

// SetPassword sets a password the person must change at the next sign-in,
// recorded as action. The console's `user reset-password` calls it
// directly: whoever runs the console holds the machine and the database.
func (d *Desk) SetPassword(ctx context.Context, id int64, password, action string, by catalog.Actor) error {
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	return d.Users.SetPassword(ctx, id, hash, true, "", action, by)
}

// ConfirmReset is the second person's half of a guarded reset: a security
// administrator, neither the requester nor the account's owner, sets the
// new password.
func (d *Desk) ConfirmReset(ctx context.Context, id int64, password string, by catalog.Actor) error {
	if err := notSelf(by, id, "确认重置"); err != nil {
		return err
	}
	u, err := d.Users.FindUser(ctx, id)
	if err != nil {
		return err
	}
	switch u.ResetRequestedBy {
	case "":
		return catalog.Errorf(catalog.ECONFLICT, "该账号没有待确认的密码重置申请")
	case by.Username:
		return catalog.Errorf(catalog.EFORBIDDEN, "重置申请须由另一名管理员确认（双人操作）")
	}
	return d.SetPassword(ctx, id, password, "reset_password_confirmed", by)
}

// SetGrant binds (on) or unbinds a role for another person: role must be
// one of rbac.Roles and, unless it is county-wide, unit an existing unit.
func (d *Desk) SetGrant(ctx context.Context, id int64, role, unit string, on bool, by catalog.Actor) (rbac.Grant, error) {
	if by.UserID == id {
		return rbac.Grant{}, catalog.Errorf(catalog.EFORBIDDEN, "不能给自己授权或撤销自己的权限（三员分立：须由其他安全管理员操作）")
	}
	if _, err := d.Users.FindUser(ctx, id); err != nil {
		return rbac.Grant{}, err
	}
	r := rbac.Role(role)
	if !slices.Contains(rbac.Roles, r) {
		return rbac.Grant{}, catalog.Invalid("role", "角色“%s”不存在，可选：clerk, leader, admin, inspector, sysadmin, secadmin, auditor", role)
	}
	g := rbac.Grant{Role: r, RoleName: r.Name(), Unit: unit}
	if r.CountyWide() {
		if unit != "" && unit != rbac.AllUnits {
			return rbac.Grant{}, catalog.Invalid("unit", "角色“%s”是全县范围的，不能限定在单位“%s”（单位留空）", r.Name(), unit)
		}
		g.Unit = rbac.AllUnits
	} else if err := d.activeUnit(ctx, "unit", unit); err != nil && on {
		return rbac.Grant{}, err
	}
	return g, d.Grants.SetGrant(ctx, by, id, g, on)
}

// activeUnit refuses a unit that does not exist or has ended in a reform.
func (d *Desk) activeUnit(ctx context.Context, field, code string) error {
	u, err := d.Units.FindUnit(ctx, code)
	if err != nil {
		return catalog.Invalid(field, "单位“%s”不存在", code)
	}
	if u.Retired() {
		return catalog.Invalid(field, "“%s”已在机构改革中撤销，请选择承接其工作的“%s”", u.Name, u.Successor)
	}
	return nil
}

// UnitAccounts lists the clerk and leader accounts of a unit, for the
// consistency of its filing.
func (d *Desk) UnitAccounts(ctx context.Context, code string) ([]filing.Account, error) {
	users, err := d.Users.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	var accounts []filing.Account
	for _, u := range users {
		gs, err := d.Grants.GrantsOf(u.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if g.Unit == code && (g.Role == rbac.RoleClerk || g.Role == rbac.RoleLeader) {
				accounts = append(accounts, filing.Account{Username: u.Username, DisplayName: u.DisplayName, Disabled: u.Disabled, Role: string(g.Role)})
			}
		}
	}
	return accounts, nil
}
