package gormstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
)

// countyRecord is the county's identity: one row (id 1). Rev grows with
// each save so the kiosk's caches, which follow Revision, show a new name
// at once.
type countyRecord struct {
	ID                int64  `gorm:"primaryKey;autoIncrement:false"`
	Name              string `gorm:"size:60;not null"`
	DivisionCode      string `gorm:"size:6;not null"`
	Government        string `gorm:"size:120;not null"`
	Office            string `gorm:"size:40;not null"`
	ReviewBody        string `gorm:"size:120;not null"`
	Court             string `gorm:"size:120;not null"`
	ConsultationBasis string `gorm:"size:400"`
	ConsultationDays  int
	CorrectionDays    int
	KioskTitle        string `gorm:"size:120"`
	IndexPattern      string `gorm:"size:60"`
	HideStale         bool
	Rev               int64
	UpdatedAt         time.Time
}

func (countyRecord) TableName() string { return "county" }

func (r countyRecord) toCounty() catalog.County {
	return catalog.County{Name: r.Name, DivisionCode: r.DivisionCode, Government: r.Government, Office: r.Office, ReviewBody: r.ReviewBody,
		Court: r.Court, ConsultationBasis: r.ConsultationBasis, ConsultationDays: r.ConsultationDays, CorrectionDays: r.CorrectionDays, KioskTitle: r.KioskTitle, IndexPattern: r.IndexPattern,
		HideStale: r.HideStale}
}

// County implements catalog.CountyService.
func (s *Store) County(ctx context.Context) (catalog.County, error) {
	return county(s.db.WithContext(ctx))
}

func county(db *gorm.DB) (catalog.County, error) {
	var r countyRecord
	if err := db.Take(&r, 1).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return catalog.County{}, catalog.Errorf(catalog.ENOTFOUND, "尚未设置本县信息（请先运行 server init）")
		}
		return catalog.County{}, translate(err, "本县信息")
	}
	return r.toCounty(), nil
}

// SaveCounty implements catalog.CountyService. The office must be an
// existing unit.
func (s *Store) SaveCounty(ctx context.Context, c *catalog.County, by catalog.Actor) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&unitRecord{}).Where("code = ? AND level = ? AND retired_on IS NULL", c.Office, string(catalog.LevelCounty)).Count(&n).Error; err != nil {
			return translate(err, "单位")
		}
		if n == 0 {
			return catalog.Invalid("office", "受理申请的单位“%s”不存在或不是县级单位（应为县政府办公室）", c.Office)
		}
		var old countyRecord
		before := any(nil)
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&old, 1).Error; err == nil {
			before = old.toCounty()
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return translate(err, "本县信息")
		}
		r := countyRecord{ID: 1, Name: c.Name, DivisionCode: c.DivisionCode, Government: c.Government, Office: c.Office, ReviewBody: c.ReviewBody,
			Court: c.Court, ConsultationBasis: c.ConsultationBasis, ConsultationDays: c.ConsultationDays, CorrectionDays: c.CorrectionDays, KioskTitle: c.KioskTitle,
			IndexPattern: c.IndexPattern, HideStale: c.HideStale, Rev: old.Rev + 1, UpdatedAt: time.Now().UTC()}
		if err := tx.Save(&r).Error; err != nil {
			return translate(err, "本县信息")
		}
		return auditChange(tx, by, "", "county", "update", c.DivisionCode, c.Name, before, *c)
	})
}

// EnsureCounty stores the identity unless one is set, without an audit
// entry, as the seed loads its data; it tells whether it stored it.
func (s *Store) EnsureCounty(ctx context.Context, c catalog.County) (bool, error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	r := countyRecord{ID: 1, Name: c.Name, DivisionCode: c.DivisionCode, Government: c.Government, Office: c.Office, ReviewBody: c.ReviewBody,
		Court: c.Court, ConsultationBasis: c.ConsultationBasis, ConsultationDays: c.ConsultationDays, CorrectionDays: c.CorrectionDays, KioskTitle: c.KioskTitle, IndexPattern: c.IndexPattern, HideStale: c.HideStale, Rev: 1, UpdatedAt: time.Now().UTC()}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
	if res.Error != nil {
		return false, translate(res.Error, "本县信息")
	}
	return res.RowsAffected > 0, nil
}
