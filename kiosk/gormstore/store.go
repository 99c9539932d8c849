// Package gormstore is the kiosk's persistence on gorm: service points
// (查阅点), their daily use, and the search alias groups.
package gormstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/kiosk"
	"gongkai/search"
)

type pointRecord struct {
	Code      string `gorm:"primaryKey;size:40"`
	Name      string `gorm:"size:200;not null"`
	UnitCode  string `gorm:"size:40;not null"`
	Address   string `gorm:"size:400"`
	Screens   string `gorm:"size:1000"` // space-separated
	CreatedAt time.Time
}

func (pointRecord) TableName() string { return "kiosk_points" }

type statRecord struct {
	PointCode string    `gorm:"primaryKey;size:40"`
	Day       time.Time `gorm:"primaryKey;type:date"`
	Views     int64     `gorm:"not null;default:0"`
	Searches  int64     `gorm:"not null;default:0"`
}

func (statRecord) TableName() string { return "kiosk_stats" }

type aliasRecord struct {
	ID    int64  `gorm:"primaryKey"`
	Terms string `gorm:"size:800;not null"` // joined by "，"
}

func (aliasRecord) TableName() string { return "search_aliases" }

// Migrate creates the tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&pointRecord{}, &statRecord{}, &aliasRecord{}); err != nil {
		return fmt.Errorf("kiosk gormstore: migrate: %w", err)
	}
	return nil
}

// Store implements kiosk.PointStore.
type Store struct {
	db    *gorm.DB
	audit dbconn.AuditFunc
}

var _ kiosk.PointStore = (*Store)(nil)

// New returns a store; audit may be nil in tests of the store alone.
func New(db *gorm.DB, audit dbconn.AuditFunc) *Store {
	return &Store{db: db, audit: dbconn.AuditOrNone(audit)}
}

// FindPoints implements kiosk.PointStore.
func (s *Store) FindPoints(ctx context.Context) ([]kiosk.Point, error) {
	var rs []pointRecord
	if err := s.db.WithContext(ctx).Order("code").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("kiosk gormstore: points: %w", err)
	}
	out := make([]kiosk.Point, len(rs))
	for i, r := range rs {
		out[i] = kiosk.Point{Code: r.Code, Name: r.Name, UnitCode: r.UnitCode, Address: r.Address, Screens: strings.Fields(r.Screens), Created: r.CreatedAt}
	}
	return out, nil
}

// SavePoint implements kiosk.PointStore.
func (s *Store) SavePoint(ctx context.Context, p *kiosk.Point, by catalog.Actor) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := dbconn.HoldUnit(tx, p.UnitCode, "unit_code"); err != nil {
			return err
		}
		var old pointRecord
		err := tx.Take(&old, "code = ?", p.Code).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			r := pointRecord{Code: p.Code, Name: p.Name, UnitCode: p.UnitCode, Address: p.Address, Screens: strings.Join(p.Screens, " "), CreatedAt: time.Now().UTC()}
			if err := tx.Create(&r).Error; err != nil {
				return fmt.Errorf("kiosk gormstore: create point: %w", err)
			}
			p.Created = r.CreatedAt
			return s.audit(tx, by, p.UnitCode, "kiosk", "create", p.Code, "新增查阅点 "+p.Name, nil, p)
		case err != nil:
			return fmt.Errorf("kiosk gormstore: point %s: %w", p.Code, err)
		}
		before := kiosk.Point{Code: old.Code, Name: old.Name, UnitCode: old.UnitCode, Address: old.Address, Screens: strings.Fields(old.Screens), Created: old.CreatedAt}
		if err := tx.Model(&pointRecord{}).Where("code = ?", p.Code).
			Updates(map[string]any{"name": p.Name, "unit_code": p.UnitCode, "address": p.Address, "screens": strings.Join(p.Screens, " ")}).Error; err != nil {
			return fmt.Errorf("kiosk gormstore: update point: %w", err)
		}
		p.Created = old.CreatedAt
		return s.audit(tx, by, p.UnitCode, "kiosk", "update", p.Code, "修改查阅点 "+p.Name, before, p)
	})
}

// AddStats implements kiosk.PointStore: each day's row is created or added
// to in one statement, so several instances may add at once.
func (s *Store) AddStats(ctx context.Context, stats []kiosk.DayStat) error {
	if len(stats) == 0 {
		return nil
	}
	rs := make([]statRecord, len(stats))
	for i, st := range stats {
		y, m, d := st.Day.Date()
		rs[i] = statRecord{PointCode: st.PointCode, Day: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Views: st.Views, Searches: st.Searches}
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "point_code"}, {Name: "day"}},
		DoUpdates: clause.Assignments(map[string]any{
			"views":    gorm.Expr("kiosk_stats.views + " + excluded(s.db, "views")),
			"searches": gorm.Expr("kiosk_stats.searches + " + excluded(s.db, "searches")),
		}),
	}).Create(&rs).Error
	if err != nil {
		return fmt.Errorf("kiosk gormstore: add stats: %w", err)
	}
	return nil
}

// excluded names the value a conflicting insert brought, in the dialect.
func excluded(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "mysql" {
		return "VALUES(" + col + ")"
	}
	return "excluded." + col
}

// FindStats implements kiosk.PointStore.
func (s *Store) FindStats(ctx context.Context, from, to time.Time) ([]kiosk.DayStat, error) {
	utc := func(t time.Time) time.Time { // the day in the county, as AddStats keeps it
		y, m, d := t.In(catalog.Shanghai).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	var rs []statRecord
	if err := s.db.WithContext(ctx).Where("day BETWEEN ? AND ?", utc(from), utc(to)).Order("day DESC, point_code").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("kiosk gormstore: stats: %w", err)
	}
	out := make([]kiosk.DayStat, len(rs))
	for i, r := range rs {
		y, m, d := r.Day.Date()
		out[i] = kiosk.DayStat{PointCode: r.PointCode, Day: time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai), Views: r.Views, Searches: r.Searches}
	}
	return out, nil
}

// FindAliases implements kiosk.PointStore.
func (s *Store) FindAliases(ctx context.Context) ([]search.AliasGroup, error) {
	var rs []aliasRecord
	if err := s.db.WithContext(ctx).Order("id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("kiosk gormstore: aliases: %w", err)
	}
	out := make([]search.AliasGroup, len(rs))
	for i, r := range rs {
		out[i] = search.AliasGroup(strings.Split(r.Terms, "，"))
	}
	return out, nil
}

// SaveAliases implements kiosk.PointStore.
func (s *Store) SaveAliases(ctx context.Context, groups []search.AliasGroup, by catalog.Actor) error {
	before, err := s.FindAliases(ctx)
	if err != nil {
		return err
	}
	rs := make([]aliasRecord, len(groups))
	for i, g := range groups {
		if len(g) < 2 {
			return catalog.Invalid("aliases", "同义词组至少需要两个词")
		}
		rs[i] = aliasRecord{Terms: strings.Join(g, "，")}
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		for i := range rs {
			rs[i].ID = 0 // new ids when run again after a deadlock
		}
		if err := tx.Where("1 = 1").Delete(&aliasRecord{}).Error; err != nil {
			return fmt.Errorf("kiosk gormstore: clear aliases: %w", err)
		}
		if len(rs) > 0 {
			if err := tx.Create(&rs).Error; err != nil {
				return fmt.Errorf("kiosk gormstore: save aliases: %w", err)
			}
		}
		return s.audit(tx, by, "*", "kiosk", "update", "aliases", fmt.Sprintf("修改搜索同义词（%d组）", len(groups)), before, groups)
	})
}

// SeedAliases stores the given groups when there are none yet.
func (s *Store) SeedAliases(ctx context.Context, groups []search.AliasGroup) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&aliasRecord{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	rs := make([]aliasRecord, len(groups))
	for i, g := range groups {
		rs[i] = aliasRecord{Terms: strings.Join(g, "，")}
	}
	return s.db.WithContext(ctx).Create(&rs).Error
}

// SeedPoint stores p when no point has its code.
func (s *Store) SeedPoint(ctx context.Context, p kiosk.Point) error {
	if err := p.Validate(); err != nil {
		return err
	}
	r := pointRecord{Code: p.Code, Name: p.Name, UnitCode: p.UnitCode, Address: p.Address, CreatedAt: time.Now().UTC()}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r).Error
}

// AliasRevision moves whenever the aliases are saved (they are rewritten
// whole: the newest id moves).
func (s *Store) AliasRevision(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.WithContext(ctx).Model(&aliasRecord{}).Select("COALESCE(MAX(id), 0)").Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("kiosk gormstore: alias revision: %w", err)
	}
	return id, nil
}

// MoveUnit hands a unit's service points (查询点) to its successor in an
// institutional reform; it returns their codes.
func (s *Store) MoveUnit(tx *gorm.DB, from, to, _ string, _ catalog.Actor) (string, []string, error) {
	ids, err := dbconn.MoveUnit(tx, &pointRecord{}, "code", from, to)
	return "point", ids, err
}

// HoldsUnit names a unit's service points.
func (s *Store) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	return dbconn.HeldBy(tx, &pointRecord{}, "查询点", "name", code)
}
