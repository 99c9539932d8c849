package gormstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"gongkai/catalog"
)

// stashRecord keeps an uploaded catalogue workbook between its preview and
// its commit in the back office, so the clerk does not pick the file twice;
// in the database, so any instance can commit it.
type stashRecord struct {
	Token     string `gorm:"primaryKey;size:32"`
	UnitCode  string `gorm:"size:40;not null"`
	UserID    int64  `gorm:"not null"`
	Name      string `gorm:"size:255"`
	Data      []byte `gorm:"type:longblob"`
	CreatedAt time.Time
}

func (stashRecord) TableName() string { return "import_stash" }

// StashTTL is how long a previewed upload waits for its commit.
const StashTTL = time.Hour

// Stash keeps an upload for its commit and returns the token that fetches it.
func (s *Store) Stash(ctx context.Context, unitCode string, userID int64, name string, data []byte) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	db := s.db.WithContext(ctx)
	db.Where("created_at < ?", time.Now().UTC().Add(-StashTTL)).Delete(&stashRecord{})
	err := db.Create(&stashRecord{Token: token, UnitCode: unitCode, UserID: userID, Name: name, Data: data}).Error
	return token, translate(err, "导入文件")
}

// Unstash returns a stashed upload of the same unit and user; ENOTFOUND when
// it expired or belongs to someone else.
func (s *Store) Unstash(ctx context.Context, token, unitCode string, userID int64) (string, []byte, error) {
	var r stashRecord
	err := s.db.WithContext(ctx).Where("token = ? AND unit_code = ? AND user_id = ? AND created_at >= ?", token, unitCode, userID,
		time.Now().UTC().Add(-StashTTL)).Take(&r).Error
	if err != nil {
		return "", nil, catalog.Errorf(catalog.ENOTFOUND, "预览已过期，请重新选择文件")
	}
	return r.Name, r.Data, nil
}

// DropStash removes a stashed upload after its commit.
func (s *Store) DropStash(ctx context.Context, token string) {
	s.db.WithContext(ctx).Where("token = ?", token).Delete(&stashRecord{})
}
