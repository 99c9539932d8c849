package gormstore

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn"
)

// SeedItem is a demo catalogue item with its seed key.
type SeedItem struct {
	Key  string
	Item catalog.Item
	// Since is when the item entered the unit's catalogue (its first
	// version), so that past quarters are judged on it; now when zero.
	Since time.Time
}

// EnsureItems stores the seed items of one unit whose keys are new, with
// their first version, in one transaction. It returns the id of every key
// (new or old) and how many it created.
func (s *Store) EnsureItems(ctx context.Context, unitCode string, seeds []SeedItem, by catalog.Actor) (map[string]int64, int, error) {
	ids := map[string]int64{}
	created := 0
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := lockUnit(tx, unitCode); err != nil {
			return err
		}
		var err error
		ids, created, err = ensureItemsTx(tx, unitCode, seeds, by)
		return err
	})
	return ids, created, translate(err, "示例事项")
}

// Counts returns the number of rows of every catalogue table, for the seed's
// idempotence test and the start-up summary.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, m := range Models() {
		var n int64
		if err := s.db.WithContext(ctx).Model(m).Count(&n).Error; err != nil {
			return nil, translate(err, "统计")
		}
		stmt := &gorm.Statement{DB: s.db}
		if err := stmt.Parse(m); err != nil {
			return nil, err
		}
		out[stmt.Schema.Table] = n
	}
	return out, nil
}

// seededRow is a seed item already stored: what backdating needs of it.
type seededRow struct {
	ID        int64
	SeedKey   string
	CreatedAt time.Time
}

// backdateSeeds gives seed items stored by an earlier version, which dated
// them at seeding, the date their seeds say they entered the catalogue;
// items changed since keep their later versions. Each item is dated by its
// own seed: a column added later in the year stays added then. It works on
// the ids already read (have): an UPDATE with an IN subquery scanned the
// whole version table on MariaDB, once per unit and date, which made
// generating a province slow down as it grew.
func backdateSeeds(tx *gorm.DB, have []seededRow, seeds []SeedItem) error {
	stored := make(map[string]seededRow, len(have))
	for _, h := range have {
		stored[h.SeedKey] = h
	}
	bySince := map[time.Time][]int64{}
	for _, sd := range seeds {
		h, ok := stored[sd.Key]
		if !ok || sd.Since.IsZero() || !h.CreatedAt.After(sd.Since) {
			continue
		}
		since := sd.Since.UTC()
		bySince[since] = append(bySince[since], h.ID)
	}
	for since, ids := range bySince {
		if err := tx.Model(&itemVersionRecord{}).Where("version = 1 AND item_id IN ?", ids).UpdateColumn("changed_at", since).Error; err != nil {
			return err
		}
		if err := tx.Model(&itemRecord{}).Where("id IN ? AND version = 1", ids).UpdateColumn("updated_at", since).Error; err != nil {
			return err
		}
		if err := tx.Model(&itemRecord{}).Where("id IN ?", ids).UpdateColumn("created_at", since).Error; err != nil {
			return err
		}
	}
	return nil
}

// ensureItemsTx stores, in tx, the seed items of one unit whose keys are
// new, with their first version; it returns every key's id and how many it
// created.
func ensureItemsTx(tx *gorm.DB, unitCode string, seeds []SeedItem, by catalog.Actor) (map[string]int64, int, error) {
	ids := map[string]int64{}
	created := 0
	var have []seededRow
	if err := tx.Model(&itemRecord{}).Select("id, seed_key, created_at").Where("unit_code = ? AND seed_key IS NOT NULL", unitCode).Scan(&have).Error; err != nil {
		return nil, 0, err
	}
	for _, h := range have {
		ids[h.SeedKey] = h.ID
	}
	if err := backdateSeeds(tx, have, seeds); err != nil {
		return nil, 0, err
	}
	var recs []itemRecord
	for i, sd := range seeds {
		if _, ok := ids[sd.Key]; ok {
			continue
		}
		it := sd.Item
		it.UnitCode = unitCode
		if err := it.Validate(); err != nil {
			return nil, 0, err
		}
		key := sd.Key
		since := sd.Since.UTC()
		if sd.Since.IsZero() {
			since = time.Now().UTC()
		}
		recs = append(recs, itemRecord{UnitCode: unitCode, TemplateID: it.TemplateID, Cols: fromColumns(it.Columns),
			SortOrder: (i + 1) * 10, Status: string(catalog.ItemActive), Version: 1, UpdatedBy: by.Username, SeedKey: &key,
			CreatedAt: since, UpdatedAt: since})
	}
	if len(recs) == 0 {
		return ids, created, nil
	}
	if err := tx.Omit("Unit", "Domain", "Template").CreateInBatches(recs, 200).Error; err != nil {
		return nil, 0, err
	}
	vers := make([]itemVersionRecord, len(recs))
	for i, r := range recs {
		ids[*r.SeedKey] = r.ID
		b, _ := json.Marshal(r.toItem())
		vers[i] = itemVersionRecord{ItemID: r.ID, Version: 1, Action: "create", Reason: "标准目录初始化", ChangedBy: by.Username, ChangedAt: r.CreatedAt, Snapshot: string(b)}
	}
	if err := tx.Omit("Item").CreateInBatches(vers, 200).Error; err != nil {
		return nil, 0, err
	}
	created = len(recs)
	return ids, created, nil
}
