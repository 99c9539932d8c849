// Package gormstore keeps the admin's holiday arrangements (workday overrides)
// in the database so every instance and every restart sees them.
package gormstore

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/workday"
)

type dayRecord struct {
	Date      string `gorm:"primaryKey;size:10"` // 2006-01-02
	Year      int    `gorm:"not null;index"`
	Off       bool
	Name      string `gorm:"size:40"`
	UpdatedBy string `gorm:"size:80"`
	UpdatedAt time.Time
}

func (dayRecord) TableName() string { return "calendar_days" }

// yearRecord marks a year whose arrangement the admin stored (it may hold no
// day at all only in theory; the marker keeps the year known).
type yearRecord struct {
	Year      int `gorm:"primaryKey;autoIncrement:false"`
	UpdatedBy string
	UpdatedAt time.Time
}

func (yearRecord) TableName() string { return "calendar_years" }

// AuditTx records a change in the change's own transaction.
type AuditTx func(tx *gorm.DB, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error

// Store persists overrides.
type Store struct {
	db    *gorm.DB
	audit AuditTx
}

// New returns a store whose writes are recorded by audit (nil: not
// recorded, for tests of the store alone); call Migrate first.
func New(db *gorm.DB, audit AuditTx) *Store { return &Store{db: db, audit: audit} }

// Migrate creates the tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&dayRecord{}, &yearRecord{}); err != nil {
		return fmt.Errorf("workday gormstore: migrate: %w", err)
	}
	return nil
}

// SaveYear replaces a year's stored arrangement (before: the one it
// replaces, for the audit entry written in the same transaction).
func (s *Store) SaveYear(ctx context.Context, year int, days, before []workday.Day, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if s.audit != nil {
			if err := s.audit(tx, by, "", "calendar", "update", year, strconv.Itoa(len(days))+"天", before, days); err != nil {
				return err
			}
		}
		if err := tx.Where("year = ?", year).Delete(&dayRecord{}).Error; err != nil {
			return err
		}
		now := time.Now().UTC()
		if len(days) > 0 {
			recs := make([]dayRecord, len(days))
			for i, d := range days {
				recs[i] = dayRecord{Date: d.Date.Format("2006-01-02"), Year: year, Off: d.Off, Name: d.Name, UpdatedBy: by.Username, UpdatedAt: now}
			}
			if err := tx.Create(&recs).Error; err != nil {
				return err
			}
		}
		return tx.Save(&yearRecord{Year: year, UpdatedBy: by.Username, UpdatedAt: now}).Error
	})
}

// LoadInto applies every stored year to the calendar.
func (s *Store) LoadInto(ctx context.Context, cal *workday.Calendar) error {
	var years []yearRecord
	if err := s.db.WithContext(ctx).Order("year").Find(&years).Error; err != nil {
		return fmt.Errorf("workday gormstore: load years: %w", err)
	}
	var recs []dayRecord
	if err := s.db.WithContext(ctx).Find(&recs).Error; err != nil {
		return fmt.Errorf("workday gormstore: load days: %w", err)
	}
	byYear := map[int][]workday.Day{}
	for _, r := range recs {
		d, err := time.Parse("2006-01-02", r.Date)
		if err != nil {
			continue
		}
		byYear[r.Year] = append(byYear[r.Year], workday.Day{Date: d, Off: r.Off, Name: r.Name})
	}
	for _, y := range years {
		days := byYear[y.Year]
		sort.Slice(days, func(i, j int) bool { return days[i].Date.Before(days[j].Date) })
		if err := cal.SetYear(y.Year, days); err != nil {
			return err
		}
	}
	return nil
}
