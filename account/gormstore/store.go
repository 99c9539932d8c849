// Package gormstore is account's persistence on gorm: users and sessions.
package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/dbconn"
)

type userRecord struct {
	ID           int64  `gorm:"primaryKey"`
	Username     string `gorm:"size:80;uniqueIndex;not null"`
	DisplayName  string `gorm:"size:60"`
	UnitCode     string `gorm:"size:40;index"`
	PasswordHash string `gorm:"size:100;not null"`
	Disabled     bool
	Demo         bool
	FailedLogins int `gorm:"not null;default:0"` // no longer counted here (see the server's throttles); kept for old databases
	// ResetRequestedBy is the username of a pending password reset's
	// requester.
	ResetRequestedBy string `gorm:"size:80"`
	// FailedNotice is the wrong passwords tried between the last two
	// sign-ins, told to the owner.
	FailedNotice int `gorm:"not null;default:0"`
	LockedUntil  *time.Time
	MustChange   bool `gorm:"not null;default:false"`
	// Email receives the daily digest unless NoDigest.
	Email     string `gorm:"size:120;not null;default:''"`
	NoDigest  bool   `gorm:"not null;default:false"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (userRecord) TableName() string { return "users" }

func (r userRecord) toUser() account.User {
	return account.User{ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, UnitCode: r.UnitCode, PasswordHash: r.PasswordHash,
		Disabled: r.Disabled, Demo: r.Demo, CreatedAt: r.CreatedAt, LockedUntil: r.LockedUntil, MustChangePassword: r.MustChange,
		FailedSignIns: r.FailedNotice, ResetRequestedBy: r.ResetRequestedBy, Email: r.Email, NoDigest: r.NoDigest}
}

type sessionRecord struct {
	TokenHash string `gorm:"primaryKey;size:64"`
	UserID    int64  `gorm:"not null;index"`
	CreatedAt time.Time
	ExpiresAt time.Time  `gorm:"index"`
	User      userRecord `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

func (sessionRecord) TableName() string { return "sessions" }

// Store implements account.Service.
type Store struct {
	db    *gorm.DB
	audit dbconn.AuditFunc
}

var _ account.Service = (*Store)(nil)

// New returns a store whose writes are audited by audit (nil: not audited,
// for tests of the store alone); call Migrate first.
func New(db *gorm.DB, audit dbconn.AuditFunc) *Store {
	return &Store{db: db, audit: dbconn.AuditOrNone(audit)}
}

// Migrate creates the tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&userRecord{}, &sessionRecord{}); err != nil {
		return fmt.Errorf("gormstore: migrate account: %w", err)
	}
	return nil
}

// translate maps gorm errors to coded errors (dbconn.Translate).
func translate(err error, what string) error { return dbconn.Translate(err, "account gormstore", what) }

// FindUserByName implements account.Service.
func (s *Store) FindUserByName(ctx context.Context, username string) (*account.User, error) {
	var r userRecord
	if err := s.db.WithContext(ctx).Where("username = ?", username).Take(&r).Error; err != nil {
		return nil, translate(err, "用户")
	}
	u := r.toUser()
	return &u, nil
}

// FindUser implements account.Service.
func (s *Store) FindUser(ctx context.Context, id int64) (*account.User, error) {
	var r userRecord
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err, "用户")
	}
	u := r.toUser()
	return &u, nil
}

// EnsureUser implements account.Service.
func (s *Store) EnsureUser(ctx context.Context, u *account.User) (bool, error) {
	if err := u.Validate(); err != nil {
		return false, err
	}
	r := userRecord{Username: u.Username, DisplayName: u.DisplayName, UnitCode: u.UnitCode, PasswordHash: u.PasswordHash, Disabled: u.Disabled, Demo: u.Demo}
	got, err := s.FindUserByName(ctx, u.Username)
	if err == nil {
		*u = *got
		return false, nil
	}
	if catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return false, err
	}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return false, translate(err, "用户")
	} else if err != nil {
		got, err = s.FindUserByName(ctx, u.Username)
		if err != nil {
			return false, err
		}
		*u = *got
		return false, nil
	}
	*u = r.toUser()
	return true, nil
}

// CreateSession implements account.Service.
func (s *Store) CreateSession(ctx context.Context, ss account.Session) error {
	r := sessionRecord{TokenHash: ss.TokenHash, UserID: ss.UserID, CreatedAt: ss.CreatedAt.UTC(), ExpiresAt: ss.ExpiresAt.UTC()}
	return translate(s.db.WithContext(ctx).Omit("User").Create(&r).Error, "会话")
}

// FindSession implements account.Service.
func (s *Store) FindSession(ctx context.Context, tokenHash string) (*account.Session, *account.User, error) {
	var r sessionRecord
	now := time.Now().UTC()
	if err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_at > ? AND created_at > ?", tokenHash, now, now.Add(-account.SessionMax)).
		Take(&r).Error; err != nil {
		return nil, nil, translate(err, "会话")
	}
	u, err := s.FindUser(ctx, r.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled || u.Locked(now) {
		return nil, nil, catalog.Errorf(catalog.ENOTFOUND, "账号已停用或锁定")
	}
	// Keep it alive, writing at most once a minute.
	next := now.Add(account.SessionIdle)
	if limit := r.CreatedAt.Add(account.SessionMax); next.After(limit) {
		next = limit
	}
	if next.Sub(r.ExpiresAt) > time.Minute {
		r.ExpiresAt = next
		if err := s.db.WithContext(ctx).Model(&sessionRecord{}).Where("token_hash = ?", tokenHash).UpdateColumn("expires_at", next).Error; err != nil {
			return nil, nil, translate(err, "会话")
		}
	}
	return &account.Session{TokenHash: r.TokenHash, UserID: r.UserID, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}, u, nil
}

// LockAccount implements account.Service.
func (s *Store) LockAccount(ctx context.Context, userID int64, until time.Time, by catalog.Actor) error {
	return translate(dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var r userRecord
		if err := tx.Take(&r, userID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return catalog.Errorf(catalog.ENOTFOUND, "用户不存在")
			}
			return err
		}
		if err := s.audit(tx, by, r.UnitCode, "account", "lock", userID, fmt.Sprintf("%d个以上地址密码错误共%d次以上，最后来自%s",
			account.CountyLockAddresses, account.CountyLockFailures, by.IP), nil, nil); err != nil {
			return err
		}
		if err := tx.Model(&userRecord{}).Where("id = ?", userID).Update("locked_until", until.UTC()).Error; err != nil {
			return err
		}
		// Whoever holds a session of a locked account loses it.
		return tx.Where("user_id = ?", userID).Delete(&sessionRecord{}).Error
	}), "用户")
}

// SignedIn implements account.Service.
func (s *Store) SignedIn(ctx context.Context, userID int64, failed int) error {
	return translate(s.db.WithContext(ctx).Model(&userRecord{}).Where("id = ?", userID).
		Updates(map[string]any{"failed_notice": failed, "failed_logins": 0, "locked_until": nil}).Error, "用户")
}

// RequestPasswordReset implements account.Service.
func (s *Store) RequestPasswordReset(ctx context.Context, userID int64, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		res := tx.Model(&userRecord{}).Where("id = ?", userID).Update("reset_requested_by", by.Username)
		if res.Error != nil {
			return translate(res.Error, "用户")
		}
		if res.RowsAffected == 0 {
			return catalog.Errorf(catalog.ENOTFOUND, "用户不存在")
		}
		return s.audit(tx, by, "", "account", "request_reset", userID, "申请重置密码，待安全管理员确认", nil, nil)
	})
}

// DeleteSession implements account.Service.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return translate(s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&sessionRecord{}).Error, "会话")
}

// PurgeExpired removes sessions past their expiry.
func (s *Store) PurgeExpired(ctx context.Context) error {
	return translate(s.db.WithContext(ctx).Where("expires_at <= ?", time.Now().UTC()).Delete(&sessionRecord{}).Error, "会话")
}

// FindUsers implements account.Service.
func (s *Store) FindUsers(ctx context.Context) ([]account.User, error) {
	var rs []userRecord
	if err := s.db.WithContext(ctx).Order("username").Find(&rs).Error; err != nil {
		return nil, translate(err, "用户")
	}
	out := make([]account.User, len(rs))
	for i, r := range rs {
		out[i] = r.toUser()
	}
	return out, nil
}

// CreateUser implements account.Service.
func (s *Store) CreateUser(ctx context.Context, u *account.User, by catalog.Actor) error {
	if err := u.Validate(); err != nil {
		return err
	}
	r := userRecord{Username: u.Username, DisplayName: u.DisplayName, UnitCode: u.UnitCode, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, MustChange: u.MustChangePassword, Email: u.Email, NoDigest: u.NoDigest}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		r.ID = 0 // a new id when run again after a deadlock
		if u.UnitCode != "" {
			if err := dbconn.HoldUnit(tx, u.UnitCode, "unit_code"); err != nil {
				return err
			}
		}
		if err := tx.Create(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return catalog.Errorf(catalog.ECONFLICT, "用户名“%s”已被使用", u.Username)
			}
			return translate(err, "用户")
		}
		*u = r.toUser()
		return s.audit(tx, by, u.UnitCode, "account", "create", u.ID, u.Username, nil, *u)
	})
}

// UpdateUser implements account.Service.
func (s *Store) UpdateUser(ctx context.Context, u *account.User, by catalog.Actor) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var old userRecord
		if err := tx.Take(&old, u.ID).Error; err != nil {
			return translate(err, "用户")
		}
		if u.UnitCode != "" && u.UnitCode != old.UnitCode {
			if err := dbconn.HoldUnit(tx, u.UnitCode, "unit_code"); err != nil {
				return err
			}
		}
		if err := tx.Model(&userRecord{}).Where("id = ?", u.ID).Updates(map[string]any{"display_name": u.DisplayName, "unit_code": u.UnitCode, "disabled": u.Disabled,
			"email": u.Email, "no_digest": u.NoDigest}).Error; err != nil {
			return translate(err, "用户")
		}
		if u.Disabled {
			if err := tx.Where("user_id = ?", u.ID).Delete(&sessionRecord{}).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, by, u.UnitCode, "account", "update", u.ID, u.Username, old.toUser(), *u)
	})
}

// SetPassword implements account.Service.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, keepSession string, action string, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		// A demo account with a password of its own is no longer a demo one.
		res := tx.Model(&userRecord{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": hash, "must_change": mustChange,
			"failed_logins": 0, "locked_until": nil, "demo": false, "reset_requested_by": ""})
		if res.Error != nil {
			return translate(res.Error, "用户")
		}
		if res.RowsAffected == 0 {
			return catalog.Errorf(catalog.ENOTFOUND, "用户不存在")
		}
		if err := tx.Where("user_id = ? AND token_hash <> ?", userID, keepSession).Delete(&sessionRecord{}).Error; err != nil {
			return err
		}
		return s.audit(tx, by, "", "account", action, userID, "", nil, nil)
	})
}

// MoveUnit hands a unit's accounts to its successor in an institutional
// reform; it returns their usernames.
func (s *Store) MoveUnit(tx *gorm.DB, from, to, _ string, _ catalog.Actor) (string, []string, error) {
	ids, err := dbconn.MoveUnit(tx, &userRecord{}, "username", from, to)
	return "account", ids, err
}

// HoldsUnit names the accounts that belong to a unit.
func (s *Store) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	return dbconn.HeldBy(tx, &userRecord{}, "账号", "username", code)
}
