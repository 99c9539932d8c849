// Package gormstore keeps issued inspection reports on gorm: once issued, a
// quarter's report is read back as it was, whatever changed since.
package gormstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/inspect"
)

type reportRecord struct {
	Quarter  string `gorm:"primaryKey;size:8"`
	Report   string `gorm:"type:longtext;not null"`
	IssuedAt time.Time
	IssuedBy string `gorm:"size:80"`
}

func (reportRecord) TableName() string { return "inspection_reports" }

type entryRecord struct {
	Year     int     `gorm:"primaryKey"`
	UnitCode string  `gorm:"primaryKey;size:40"`
	ScoreKey string  `gorm:"primaryKey;size:40"` // "key" is a reserved word in MySQL
	Points   float64 `gorm:"not null"`
	Reason   string  `gorm:"size:1000;not null"`
	By       string  `gorm:"size:80"`
	At       time.Time
}

func (entryRecord) TableName() string { return "score_entries" }

// Migrate creates the table.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&entryRecord{}); err != nil {
		return fmt.Errorf("inspect gormstore: migrate: %w", err)
	}
	if db.Dialector.Name() != "mysql" {
		// SQLite has no longtext; text holds any length there.
		if err := db.Exec("CREATE TABLE IF NOT EXISTS inspection_reports (quarter varchar(8) PRIMARY KEY, report text NOT NULL, issued_at datetime, issued_by varchar(80))").Error; err != nil {
			return fmt.Errorf("inspect gormstore: migrate: %w", err)
		}
		return nil
	}
	if err := db.AutoMigrate(&reportRecord{}); err != nil {
		return fmt.Errorf("inspect gormstore: migrate: %w", err)
	}
	return nil
}

// Store keeps issued reports.
type Store struct {
	db    *gorm.DB
	audit dbconn.AuditFunc
}

// New returns a store; audit may be nil in tests of the store alone.
func New(db *gorm.DB, audit dbconn.AuditFunc) *Store {
	return &Store{db: db, audit: dbconn.AuditOrNone(audit)}
}

// Issued returns the issued report of a quarter; ENOTFOUND when it has not
// been issued.
func (s *Store) Issued(ctx context.Context, q inspect.Quarter) (*inspect.Report, error) {
	var r reportRecord
	if err := s.db.WithContext(ctx).Take(&r, "quarter = ?", q.String()).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "%s的测评结果尚未发布", q)
		}
		return nil, fmt.Errorf("inspect gormstore: %s: %w", q, err)
	}
	var rep inspect.Report
	if err := json.Unmarshal([]byte(r.Report), &rep); err != nil {
		return nil, fmt.Errorf("inspect gormstore: %s: %w", q, err)
	}
	return &rep, nil
}

// IssuedQuarters implements inspect.ReportStore.
func (s *Store) IssuedQuarters(ctx context.Context) ([]inspect.Quarter, error) {
	var qs []string
	if err := s.db.WithContext(ctx).Model(&reportRecord{}).Order("quarter").Pluck("quarter", &qs).Error; err != nil {
		return nil, fmt.Errorf("inspect gormstore: issued quarters: %w", err)
	}
	out := make([]inspect.Quarter, 0, len(qs))
	for _, q := range qs {
		if x, err := inspect.ParseQuarter(q); err == nil {
			out = append(out, x)
		}
	}
	return out, nil
}

// Issue stores a quarter's report as issued; ECONFLICT when it already was.
func (s *Store) Issue(ctx context.Context, q inspect.Quarter, rep *inspect.Report, by catalog.Actor) error {
	now := time.Now().UTC()
	rep.Issued = &now
	data, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&reportRecord{}).Where("quarter = ?", q.String()).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "%s的测评结果已发布，不能重复发布", q)
		}
		if err := tx.Create(&reportRecord{Quarter: q.String(), Report: string(data), IssuedAt: now, IssuedBy: by.Username}).Error; err != nil {
			return fmt.Errorf("inspect gormstore: issue %s: %w", q, err)
		}
		return s.audit(tx, by, "*", "inspection", "issue", q.String(), q.String()+"测评结果发布", nil, nil)
	})
}

// Entries lists what inspectors entered for a year.
func (s *Store) Entries(ctx context.Context, year int) ([]inspect.Entry, error) {
	var rs []entryRecord
	if err := s.db.WithContext(ctx).Where("year = ?", year).Order("unit_code, score_key").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("inspect gormstore: entries %d: %w", year, err)
	}
	out := make([]inspect.Entry, len(rs))
	for i, r := range rs {
		out[i] = inspect.Entry{UnitCode: r.UnitCode, Key: r.ScoreKey, Points: r.Points, Reason: r.Reason, By: r.By}
	}
	return out, nil
}

// SaveEntry stores an inspector's entry for a unit, year and key, replacing
// the earlier one; a reason is required; EINVALID.
func (s *Store) SaveEntry(ctx context.Context, year int, e inspect.Entry, by catalog.Actor) error {
	if e.UnitCode == "" || e.Key == "" {
		return catalog.Invalid("key", "请选择单位和评分项")
	}
	if len([]rune(e.Reason)) < 2 {
		return catalog.Invalid("reason", "请写明评分的理由")
	}
	if e.Points < -100 || e.Points > 100 {
		return catalog.Invalid("points", "分值应在-100至100之间")
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := dbconn.HoldUnit(tx, e.UnitCode, "unit_code"); err != nil {
			return err
		}
		var old entryRecord
		had := tx.Take(&old, "year = ? AND unit_code = ? AND score_key = ?", year, e.UnitCode, e.Key).Error == nil
		if err := tx.Where("year = ? AND unit_code = ? AND score_key = ?", year, e.UnitCode, e.Key).Delete(&entryRecord{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&entryRecord{Year: year, UnitCode: e.UnitCode, ScoreKey: e.Key, Points: e.Points, Reason: e.Reason, By: by.Username, At: time.Now().UTC()}).Error; err != nil {
			return fmt.Errorf("inspect gormstore: save entry: %w", err)
		}
		var before any
		if had {
			before = old
		}
		return s.audit(tx, by, e.UnitCode, "inspection", "score", fmt.Sprintf("%d/%s", year, e.Key), fmt.Sprintf("%d年考评 %s %.1f分：%s", year, e.Key, e.Points, e.Reason), before, e)
	})
}

// HoldsUnit counts a unit's score entries.
func (s *Store) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	return dbconn.HeldBy(tx, &entryRecord{}, "评分记录", "", code)
}
