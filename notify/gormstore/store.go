// Package gormstore keeps notify's digest claims on gorm: which person's
// digest of which day is sent, one row each, so that instances sharing the
// database send it once.
package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/notify"
)

type digestRecord struct {
	UserID int64  `gorm:"primaryKey;autoIncrement:false"`
	Day    string `gorm:"primaryKey;size:10"`
	At     time.Time
}

func (digestRecord) TableName() string { return "digests" }

// Store implements notify.Claims.
type Store struct{ db *gorm.DB }

var _ notify.Claims = (*Store)(nil)

// New returns a store over a migrated database.
func New(db *gorm.DB) *Store { return &Store{db: db} }

// Migrate creates the table.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&digestRecord{}); err != nil {
		return fmt.Errorf("notify gormstore: migrate: %w", err)
	}
	return nil
}

// Claim implements notify.Claims: the row's primary key decides between
// instances.
func (s *Store) Claim(ctx context.Context, userID int64, day string) (bool, error) {
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&digestRecord{UserID: userID, Day: day, At: time.Now().UTC()})
	if res.Error != nil {
		return false, fmt.Errorf("notify gormstore: claim %d %s: %w", userID, day, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Release implements notify.Claims.
func (s *Store) Release(ctx context.Context, userID int64, day string) error {
	if err := s.db.WithContext(ctx).Where("user_id = ? AND day = ?", userID, day).Delete(&digestRecord{}).Error; err != nil {
		return fmt.Errorf("notify gormstore: release %d %s: %w", userID, day, err)
	}
	return nil
}

// Purge deletes the claims of days before day, which nothing reads again.
func (s *Store) Purge(ctx context.Context, before string) error {
	return s.db.WithContext(ctx).Where("day < ?", before).Delete(&digestRecord{}).Error
}
