package main

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/rbac"
)

// userView is a user with their roles, for the administrators.
type userView struct {
	account.User
	Grants []rbac.Grant `json:"grants"`
}

func (s *server) handleUserIndex(c *fiber.Ctx) error {
	us, err := s.accounts.FindUsers(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]userView, len(us))
	for i, u := range us {
		gs, err := s.authz.GrantsOf(u.ID)
		if err != nil {
			return err
		}
		out[i] = userView{User: u, Grants: gs}
	}
	return c.JSON(out)
}

type userInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	UnitCode    string `json:"unit_code"`
	Password    string `json:"password"`
	Disabled    bool   `json:"disabled"`
}

// handleUserCreate is the system administrator's: a new account must choose
// its own password at first sign-in.
func (s *server) handleUserCreate(c *fiber.Ctx) error {
	var in userInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.createUser(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *server) createUser(ctx context.Context, by catalog.Actor, in userInput) (*account.User, error) {
	if in.UnitCode != "" {
		if _, err := s.units.FindUnit(ctx, in.UnitCode); err != nil {
			return nil, catalog.Invalid("unit_code", "单位“%s”不存在", in.UnitCode)
		}
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := account.User{Username: strings.TrimSpace(in.Username), DisplayName: strings.TrimSpace(in.DisplayName), UnitCode: in.UnitCode, PasswordHash: hash, MustChangePassword: true}
	if err := s.accounts.CreateUser(ctx, &u, by); err != nil {
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

func (s *server) handleUserUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in userInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.updateUser(c.UserContext(), actor(c), id, func(u *account.User) {
		u.DisplayName, u.UnitCode, u.Disabled = strings.TrimSpace(in.DisplayName), in.UnitCode, in.Disabled
	})
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (s *server) updateUser(ctx context.Context, by catalog.Actor, id int64, change func(*account.User)) (*account.User, error) {
	if err := notSelf(by, id, "修改"); err != nil {
		return nil, err
	}
	old, err := s.accounts.FindUser(ctx, id)
	if err != nil {
		return nil, err
	}
	u := *old
	change(&u)
	if err := s.accounts.UpdateUser(ctx, &u, by); err != nil {
		return nil, err
	}
	return &u, nil
}

type passwordInput struct {
	Password    string `json:"password"`
	OldPassword string `json:"old_password"`
}

// handleUserPassword is the system administrator's reset: the person must
// choose a new password at the next sign-in.
// passwordRequest reads the user a password route names and the body.
func passwordRequest(c *fiber.Ctx) (int64, passwordInput, error) {
	var in passwordInput
	id, err := paramID(c, "id")
	if err == nil {
		err = decodeJSON(c, &in)
	}
	return id, in, err
}

func (s *server) handleUserPassword(c *fiber.Ctx) error {
	id, in, err := passwordRequest(c)
	if err != nil {
		return err
	}
	pending, err := s.resetPassword(c.UserContext(), actor(c), id, in.Password)
	if err != nil {
		return err
	}
	if pending {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"pending": true, "message": pendingResetMessage})
	}
	return c.SendStatus(fiber.StatusNoContent)
}

const pendingResetMessage = "该账号属于安全管理员或审计管理员，重置密码已提交，须由安全管理员确认并设置新密码后生效"

// guardedRoles are the administrators whose password one person may not
// reset alone: the security administrator and the auditor, who check the
// system administrator's work.
var guardedRoles = []rbac.Role{rbac.RoleSecAdmin, rbac.RoleAuditor}

func (s *server) guarded(id int64) (bool, error) {
	gs, err := s.authz.GrantsOf(id)
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

// resetPassword sets another person's password, who must change it at the
// next sign-in. For a security administrator or an auditor it only records
// the request (pending): a security administrator other than the requester
// then sets the password (confirmReset), so no one person can take over
// the account that watches them.
func (s *server) resetPassword(ctx context.Context, by catalog.Actor, id int64, password string) (pending bool, err error) {
	if err := notSelf(by, id, "重置"); err != nil {
		return false, err
	}
	if g, err := s.guarded(id); err != nil || g {
		if err != nil {
			return false, err
		}
		if _, err := s.accounts.FindUser(ctx, id); err != nil {
			return false, err
		}
		return true, s.accounts.RequestPasswordReset(ctx, id, by)
	}
	return false, s.setPassword(ctx, by, id, password, "reset_password")
}

// setPassword sets a password the person must change at the next sign-in.
// The console's `user reset-password` calls it directly: whoever runs the
// console holds the machine and the database already.
func (s *server) setPassword(ctx context.Context, by catalog.Actor, id int64, password, action string) error {
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	return s.accounts.SetPassword(ctx, id, hash, true, "", action, by)
}

func (s *server) handleUserPasswordConfirm(c *fiber.Ctx) error {
	id, in, err := passwordRequest(c)
	if err != nil {
		return err
	}
	if err := s.confirmReset(c.UserContext(), actor(c), id, in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// confirmReset is the second person's half of a guarded reset: a security
// administrator, neither the requester nor the account's owner, sets the
// new password.
func (s *server) confirmReset(ctx context.Context, by catalog.Actor, id int64, password string) error {
	if err := notSelf(by, id, "确认重置"); err != nil {
		return err
	}
	u, err := s.accounts.FindUser(ctx, id)
	if err != nil {
		return err
	}
	switch u.ResetRequestedBy {
	case "":
		return catalog.Errorf(catalog.ECONFLICT, "该账号没有待确认的密码重置申请")
	case by.Username:
		return catalog.Errorf(catalog.EFORBIDDEN, "重置申请须由另一名管理员确认（双人操作）")
	}
	return s.setPassword(ctx, by, id, password, "reset_password_confirmed")
}

// handleOwnPassword lets a signed-in person change their own password; it
// needs the old one and keeps the current session.
func (s *server) handleOwnPassword(c *fiber.Ctx) error {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "请先登录")
	}
	var in passwordInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.changeOwnPassword(c, p, in.OldPassword, in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// changeOwnPassword checks the old password and stores the new one, ending
// the person's other sessions; the back office's password page uses it too.
func (s *server) changeOwnPassword(c *fiber.Ctx, p rbac.Principal, oldPassword, newPassword string) error {
	u, err := s.accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	if !account.CheckPassword(u.PasswordHash, oldPassword) {
		return catalog.Invalid("old_password", "原密码不正确")
	}
	if oldPassword == newPassword {
		return catalog.Invalid("password", "新密码不能与原密码相同")
	}
	hash, err := account.HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.accounts.SetPassword(c.UserContext(), u.ID, hash, false, account.HashToken(c.Cookies(sessionCookie)), "change_password", actor(c))
}

type grantInput struct {
	Role string `json:"role"`
	Unit string `json:"unit"`
}

// resolveGrant checks a role binding a security administrator asks for.
func (s *server) resolveGrant(ctx context.Context, by catalog.Actor, id int64, in grantInput) (rbac.Grant, error) {
	if by.UserID == id {
		return rbac.Grant{}, catalog.Errorf(catalog.EFORBIDDEN, "不能给自己授权或撤销自己的权限（三员分立：须由其他安全管理员操作）")
	}
	if _, err := s.accounts.FindUser(ctx, id); err != nil {
		return rbac.Grant{}, err
	}
	role := rbac.Role(in.Role)
	known := false
	for _, r := range rbac.Roles {
		known = known || r == role
	}
	if !known {
		return rbac.Grant{}, catalog.Invalid("role", "角色“%s”不存在，可选：clerk, leader, admin, inspector, sysadmin, secadmin, auditor", in.Role)
	}
	g := rbac.Grant{Role: role, RoleName: role.Name(), Unit: in.Unit}
	if role.CountyWide() {
		g.Unit = rbac.AllUnits
	} else if _, err := s.units.FindUnit(ctx, in.Unit); err != nil {
		return rbac.Grant{}, catalog.Invalid("unit", "单位“%s”不存在", in.Unit)
	}
	return g, nil
}

// setGrant binds (on) or unbinds a role; the binding and its audit entry
// commit together.
func (s *server) setGrant(ctx context.Context, by catalog.Actor, id int64, in grantInput, on bool) (rbac.Grant, error) {
	g, err := s.resolveGrant(ctx, by, id, in)
	if err != nil {
		return g, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if on {
			if _, err := s.authz.AssignTx(tx, id, g); err != nil {
				return err
			}
			return gormstore.AuditInTx(tx, by, g.Unit, "role", "grant", id, string(g.Role)+"@"+g.Unit, nil, g)
		}
		had, err := s.authz.RevokeTx(tx, id, g)
		if err != nil {
			return err
		}
		if !had {
			return catalog.Errorf(catalog.ENOTFOUND, "该用户没有这项授权")
		}
		return gormstore.AuditInTx(tx, by, g.Unit, "role", "revoke", id, string(g.Role)+"@"+g.Unit, g, nil)
	})
	if err != nil {
		return g, err
	}
	return g, s.authz.Reload()
}

func (s *server) grantRequest(c *fiber.Ctx) (int64, grantInput, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return 0, grantInput{}, err
	}
	var in grantInput
	return id, in, decodeJSON(c, &in)
}

func (s *server) handleGrantCreate(c *fiber.Ctx) error {
	id, in, err := s.grantRequest(c)
	if err != nil {
		return err
	}
	g, err := s.setGrant(c.UserContext(), actor(c), id, in, true)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(g)
}

func (s *server) handleGrantDelete(c *fiber.Ctx) error {
	id, in, err := s.grantRequest(c)
	if err != nil {
		return err
	}
	if _, err := s.setGrant(c.UserContext(), actor(c), id, in, false); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// accountAdmin gives the back office the administrators' operations.
type accountAdmin struct{ s *server }

func (a accountAdmin) CreateUser(ctx context.Context, username, display, unit, password string, by catalog.Actor) error {
	_, err := a.s.createUser(ctx, by, userInput{Username: username, DisplayName: display, UnitCode: unit, Password: password})
	return err
}

func (a accountAdmin) SetDisabled(ctx context.Context, id int64, disabled bool, by catalog.Actor) error {
	_, err := a.s.updateUser(ctx, by, id, func(u *account.User) { u.Disabled = disabled })
	return err
}

func (a accountAdmin) ResetPassword(ctx context.Context, id int64, password string, by catalog.Actor) (bool, error) {
	return a.s.resetPassword(ctx, by, id, password)
}

func (a accountAdmin) ConfirmReset(ctx context.Context, id int64, password string, by catalog.Actor) error {
	return a.s.confirmReset(ctx, by, id, password)
}

func (a accountAdmin) SetGrant(ctx context.Context, id int64, role, unit string, on bool, by catalog.Actor) error {
	_, err := a.s.setGrant(ctx, by, id, grantInput{Role: role, Unit: unit}, on)
	return err
}
