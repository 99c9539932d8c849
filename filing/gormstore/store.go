// Package gormstore is filing's persistence on gorm.
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
	"gongkai/filing"
)

type filingRecord struct {
	ID         int64  `gorm:"primaryKey"`
	UnitCode   string `gorm:"size:40;not null;index"`
	Leader     string `gorm:"type:text"` // JSON Person
	Publishers string `gorm:"type:text"` // JSON []Person
	Office     string `gorm:"type:text"` // JSON Office
	Fax        string `gorm:"size:60"`
	Email      string `gorm:"size:120"`
	FiledOn    time.Time
	Note       string  `gorm:"type:text"`
	SeedKey    *string `gorm:"size:80;uniqueIndex"`
	// MovedFrom is the unit whose filing this was before an institutional
	// reform handed it over: history of the successor, never its current
	// filing while it has one of its own.
	MovedFrom string `gorm:"size:40;not null;default:''"`
	CreatedBy string `gorm:"size:80"`
	CreatedAt time.Time
}

func (filingRecord) TableName() string { return "filings" }

func (r filingRecord) toFiling() filing.Filing {
	f := filing.Filing{ID: r.ID, UnitCode: r.UnitCode, MovedFrom: r.MovedFrom, Fax: r.Fax, Email: r.Email, FiledOn: r.FiledOn.In(catalog.Shanghai), Note: r.Note,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	_ = json.Unmarshal([]byte(r.Leader), &f.Leader)
	_ = json.Unmarshal([]byte(r.Publishers), &f.Publishers)
	_ = json.Unmarshal([]byte(r.Office), &f.Office)
	return f
}

// Store implements filing.Service.
type Store struct {
	db    *gorm.DB
	audit dbconn.AuditFunc
}

var _ filing.Service = (*Store)(nil)

// New returns a store; audit may be nil in tests of the store alone.
func New(db *gorm.DB, audit dbconn.AuditFunc) *Store {
	return &Store{db: db, audit: dbconn.AuditOrNone(audit)}
}

// Migrate creates the table.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&filingRecord{}); err != nil {
		return fmt.Errorf("filing gormstore: migrate: %w", err)
	}
	return nil
}

func (s *Store) create(ctx context.Context, f *filing.Filing, seedKey *string, by catalog.Actor) error {
	if err := f.Validate(); err != nil {
		return err
	}
	leader, _ := json.Marshal(f.Leader)
	pubs, _ := json.Marshal(f.Publishers)
	office, _ := json.Marshal(f.Office)
	r := filingRecord{UnitCode: f.UnitCode, Leader: string(leader), Publishers: string(pubs), Office: string(office), Fax: f.Fax, Email: f.Email,
		FiledOn: f.FiledOn.UTC(), Note: f.Note, SeedKey: seedKey, CreatedBy: by.Username}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		r.ID = 0 // a new id when run again after a deadlock
		if err := dbconn.HoldUnit(tx, f.UnitCode, "unit_code"); err != nil {
			return err
		}
		// The kiosk shows the filed office's phone: its pages follow the
		// unit's revision.
		if err := tx.Table("units").Where("code = ?", f.UnitCode).UpdateColumn("catalog_rev", gorm.Expr("catalog_rev + 1")).Error; err != nil {
			return fmt.Errorf("filing gormstore: create: %w", err)
		}
		if err := tx.Create(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) && seedKey != nil {
				return nil
			}
			return fmt.Errorf("filing gormstore: create: %w", err)
		}
		*f = r.toFiling()
		if seedKey != nil {
			return nil
		}
		return s.audit(tx, by, f.UnitCode, "filing", "create", r.ID, fmt.Sprintf("备案日期%s", f.FiledOn.Format("2006-01-02")), nil, *f)
	})
}

// CreateFiling implements filing.Service.
func (s *Store) CreateFiling(ctx context.Context, f *filing.Filing, by catalog.Actor) error {
	return s.create(ctx, f, nil, by)
}

// EnsureFiling stores a demo filing under a seed key unless it exists.
func (s *Store) EnsureFiling(ctx context.Context, key string, f filing.Filing) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&filingRecord{}).Where("seed_key = ?", key).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	return s.create(ctx, &f, &key, catalog.Actor{Username: "system"})
}

// ownLast orders a unit's filings by date, those handed over in a reform
// first: the last is its current filing.
const ownLast = "CASE WHEN moved_from = '' THEN 1 ELSE 0 END, filed_on, id"

// FindFilings implements filing.Service.
func (s *Store) FindFilings(ctx context.Context, unitCode string) ([]filing.Filing, error) {
	var rs []filingRecord
	if err := s.db.WithContext(ctx).Where("unit_code = ?", unitCode).Order(ownLast).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("filing gormstore: find: %w", err)
	}
	out := make([]filing.Filing, len(rs))
	for i, r := range rs {
		out[i] = r.toFiling()
	}
	return out, nil
}

// AllFilings implements filing.Service.
func (s *Store) AllFilings(ctx context.Context) (map[string][]filing.Filing, error) {
	var rs []filingRecord
	if err := s.db.WithContext(ctx).Order(ownLast).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("filing gormstore: all: %w", err)
	}
	out := map[string][]filing.Filing{}
	for _, r := range rs {
		out[r.UnitCode] = append(out[r.UnitCode], r.toFiling())
	}
	return out, nil
}

// FindFiling implements filing.Service.
func (s *Store) FindFiling(ctx context.Context, id int64) (*filing.Filing, error) {
	var r filingRecord
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "备案记录不存在")
		}
		return nil, fmt.Errorf("filing gormstore: find: %w", err)
	}
	f := r.toFiling()
	return &f, nil
}

// MoveUnit hands a unit's filings (备案) to its successor in an
// institutional reform; it returns their ids.
func (s *Store) MoveUnit(tx *gorm.DB, from, to, _ string, _ catalog.Actor) (string, []string, error) {
	if err := tx.Model(&filingRecord{}).Where("unit_code = ? AND moved_from = ''", from).Update("moved_from", from).Error; err != nil {
		return "", nil, fmt.Errorf("filing gormstore: move unit: %w", err)
	}
	ids, err := dbconn.MoveUnit(tx, &filingRecord{}, "id", from, to)
	return "filing", ids, err
}

// HoldsUnit counts a unit's filings.
func (s *Store) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	return dbconn.HeldBy(tx, &filingRecord{}, "备案", "", code)
}
