package gormstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn"
)

type reformRecord struct {
	ID          int64     `gorm:"primaryKey"`
	Kind        string    `gorm:"size:16;not null"`
	FromUnits   string    `gorm:"type:text;not null"` // JSON array of codes
	IntoUnits   string    `gorm:"type:text;not null"`
	Domains     string    `gorm:"type:text"` // JSON object, for a split
	Basis       string    `gorm:"size:600;not null"`
	EffectiveOn time.Time `gorm:"type:date"`
	Moved       string    `gorm:"size:600"` // JSON counts
	By          string    `gorm:"size:80"`
	At          time.Time
}

func (reformRecord) TableName() string { return "unit_reforms" }

func (r reformRecord) toReform() catalog.Reform {
	f := catalog.Reform{ID: r.ID, Kind: catalog.ReformKind(r.Kind), Basis: r.Basis, By: r.By, At: r.At,
		EffectiveOn: time.Date(r.EffectiveOn.Year(), r.EffectiveOn.Month(), r.EffectiveOn.Day(), 0, 0, 0, 0, catalog.Shanghai)}
	_ = json.Unmarshal([]byte(r.FromUnits), &f.From)
	_ = json.Unmarshal([]byte(r.IntoUnits), &f.Into)
	_ = json.Unmarshal([]byte(r.Domains), &f.Domains)
	_ = json.Unmarshal([]byte(r.Moved), &f.Moved)
	return f
}

// transferRecord is one record a reform handed from one unit to another:
// where it came from.
type transferRecord struct {
	ID       int64        `gorm:"primaryKey"`
	ReformID int64        `gorm:"not null;index"`
	Object   string       `gorm:"size:20;not null;index:ix_transfer_object,priority:1"`
	ObjectID string       `gorm:"size:80;not null;index:ix_transfer_object,priority:2"`
	FromUnit string       `gorm:"size:40;not null"`
	ToUnit   string       `gorm:"size:40;not null"`
	Reform   reformRecord `gorm:"foreignKey:ReformID;constraint:OnDelete:RESTRICT"`
}

func (transferRecord) TableName() string { return "unit_transfers" }

// UnitMover is another store's part in a reform: in tx, it hands the
// records unit from holds to unit to, noting why (note) in their history
// where they keep one, and returns what kind of record (object) and which
// it moved.
type UnitMover interface {
	MoveUnit(tx *gorm.DB, from, to, note string, by catalog.Actor) (object string, ids []string, err error)
}

// UnitHolder is another store whose records keep a unit from being
// deleted: in tx, it describes what of its records belong to the unit
// ("" when nothing does).
type UnitHolder interface {
	HoldsUnit(tx *gorm.DB, code string) (string, error)
}

// AddHolders registers, before the store serves, the other stores whose
// records keep a unit from being deleted, asked in the order given.
func (s *Store) AddHolders(h ...UnitHolder) { s.holders = append(s.holders, h...) }

// reloader is a mover that must reread its state once a reform commits
// (the role enforcer).
type reloader interface{ Reload() error }

// AddMovers registers, before the store serves, the other stores whose
// records follow their unit in a reform (requests, filings, accounts,
// roles, kiosk points); they are called in the order given.
func (s *Store) AddMovers(m ...UnitMover) { s.movers = append(s.movers, m...) }

// Reform implements catalog.UnitReforms.
func (s *Store) Reform(ctx context.Context, r *catalog.Reform, by catalog.Actor) error {
	if err := r.Validate(time.Now()); err != nil {
		return err
	}
	movers := s.movers
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		units := map[string]unitRecord{}
		codes := append(slices.Clone(r.From), r.Into...)
		slices.Sort(codes) // one locking order for every reform
		for _, code := range codes {
			u, err := lockedUnit(tx, code)
			if err != nil {
				return err
			}
			units[code] = u
		}
		level := units[r.Into[0]].Level
		for _, code := range codes {
			if units[code].Level != level {
				return catalog.Invalid("into", "“%s”是%s单位，“%s”是%s单位：乡镇和县直部门不能互相撤并或拆分",
					units[code].Name, catalog.Level(units[code].Level).Name(), units[r.Into[0]].Name, catalog.Level(level).Name())
			}
		}
		if len(r.Domains) > 0 {
			keys := make([]string, 0, len(r.Domains))
			for d := range r.Domains {
				keys = append(keys, d)
			}
			var known int64
			if err := tx.Model(&domainRecord{}).Where("code IN ?", keys).Count(&known).Error; err != nil {
				return translate(err, "领域")
			}
			if int(known) != len(keys) {
				return catalog.Invalid("domains", "分配的领域中有不存在的领域")
			}
		}
		now := time.Now().UTC()
		rec := reformRecord{Kind: string(r.Kind), FromUnits: mustJSON(r.From), IntoUnits: mustJSON(r.Into), Domains: mustJSON(r.Domains),
			Basis: r.Basis, EffectiveOn: r.EffectiveOn, By: by.Username, At: now}
		if r.Domains == nil {
			rec.Domains = ""
		}
		if err := tx.Create(&rec).Error; err != nil {
			return translate(err, "机构改革")
		}
		mv := &mover{tx: tx, reform: rec.ID, moved: map[string]int{}}
		office, err := county(tx)
		hasCounty := err == nil
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
		lead := r.Into[0]
		for _, from := range r.From {
			fu := units[from]
			note := fmt.Sprintf("机构改革（%s，%s）：由“%s”划入“%%s”", r.Kind.Name(), r.Basis, fu.Name)
			if err := mv.catalogue(fu, units, *r, note, by); err != nil {
				return err
			}
			for _, m := range movers {
				object, ids, err := m.MoveUnit(tx, from, lead, fmt.Sprintf(note, units[lead].Name), by)
				if err != nil {
					return err
				}
				if err := mv.record(object, from, lead, ids); err != nil {
					return err
				}
			}
			if err := tx.Where("unit_code = ?", from).Delete(&stashRecord{}).Error; err != nil {
				return translate(err, "暂存")
			}
			on := r.EffectiveOn.UTC()
			if err := tx.Model(&unitRecord{}).Where("code = ?", from).Updates(map[string]any{"retired_on": &on, "successor": lead}).Error; err != nil {
				return translate(err, "单位")
			}
			// Units that ended earlier into this one now point to its
			// successor: no chain of retired units to follow.
			if err := tx.Model(&unitRecord{}).Where("successor = ?", from).Update("successor", lead).Error; err != nil {
				return translate(err, "单位")
			}
			if hasCounty && office.Office == from {
				if err := tx.Model(&countyRecord{}).Where("id = 1").Updates(map[string]any{"office": lead, "rev": gorm.Expr("rev + 1")}).Error; err != nil {
					return translate(err, "本县信息")
				}
			}
		}
		r.ID, r.By, r.At, r.Moved = rec.ID, by.Username, now, mv.moved
		if err := tx.Model(&rec).Update("moved", mustJSON(mv.moved)).Error; err != nil {
			return translate(err, "机构改革")
		}
		names := func(codes []string) string {
			out := make([]string, len(codes))
			for i, c := range codes {
				out[i] = units[c].Name
			}
			return strings.Join(out, "、")
		}
		detail := fmt.Sprintf("%s：%s → %s（%s）", r.Kind.Name(), names(r.From), names(r.Into), r.Basis)
		for _, from := range r.From {
			if err := auditChange(tx, by, from, "unit", "reform", rec.ID, detail, nil, *r); err != nil {
				return err
			}
		}
		for _, into := range r.Into {
			if err := auditChange(tx, by, into, "unit", "reform", rec.ID, detail, nil, *r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range movers {
		if rl, ok := m.(reloader); ok {
			if err := rl.Reload(); err != nil {
				return fmt.Errorf("gormstore: reform %d committed, reloading: %w", r.ID, err)
			}
		}
	}
	return nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// mover hands one reform's records over and keeps their transfers.
type mover struct {
	tx     *gorm.DB
	reform int64
	moved  map[string]int
}

func (m *mover) record(object, from, to string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	rs := make([]transferRecord, len(ids))
	for i, id := range ids {
		rs[i] = transferRecord{ReformID: m.reform, Object: object, ObjectID: id, FromUnit: from, ToUnit: to}
	}
	if err := m.tx.Omit("Reform").CreateInBatches(rs, 200).Error; err != nil {
		return translate(err, "机构改革")
	}
	m.moved[object] += len(ids)
	return nil
}

// catalogue hands over a unit's catalogue: each item to the successor of
// its domain, with its publications. An item whose template the successor
// already carries joins that item: its publications move to it and it is
// retired (a merged unit's 机构设置 does not become a second 机构设置).
// 未涉及领域说明 go to the successor of their domain when it has none.
func (m *mover) catalogue(fu unitRecord, units map[string]unitRecord, r catalog.Reform, note string, by catalog.Actor) error {
	tx := m.tx
	var items []itemRecord
	if err := tx.Where("unit_code = ?", fu.Code).Order("sort_order, id").Find(&items).Error; err != nil {
		return translate(err, "事项")
	}
	sorts := map[string]int{}
	for _, it := range items {
		to := r.Successor(it.Cols.DomainCode)
		tu := units[to]
		why := fmt.Sprintf(note, tu.Name)
		target := it.ID
		var twin itemRecord
		if it.TemplateID != nil && it.Status == string(catalog.ItemActive) {
			if err := tx.Where("unit_code = ? AND template_id = ? AND status = ?", to, *it.TemplateID, string(catalog.ItemActive)).
				Order("id").Limit(1).Find(&twin).Error; err != nil {
				return translate(err, "事项")
			}
		}
		if twin.ID != 0 {
			target = twin.ID
			it.Status, it.RetiredReason = string(catalog.ItemRetired), why+"，与其同名事项合并"
			it.Version++
			it.UpdatedBy = by.Username
			if err := tx.Model(&itemRecord{}).Where("id = ?", it.ID).Updates(map[string]any{"status": it.Status,
				"retired_reason": it.RetiredReason, "version": it.Version, "updated_by": it.UpdatedBy}).Error; err != nil {
				return translate(err, "事项")
			}
			if err := snapshot(tx, it, "retire", it.RetiredReason, by); err != nil {
				return translate(err, "事项版本")
			}
			if it.LastPublishedAt != nil && (twin.LastPublishedAt == nil || it.LastPublishedAt.After(*twin.LastPublishedAt)) {
				if err := tx.Model(&itemRecord{}).Where("id = ?", twin.ID).UpdateColumn("last_published_at", it.LastPublishedAt).Error; err != nil {
					return translate(err, "事项")
				}
			}
		} else {
			if _, ok := sorts[to]; !ok {
				var max struct{ M int }
				if err := tx.Model(&itemRecord{}).Select("COALESCE(MAX(sort_order), 0) AS m").Where("unit_code = ?", to).Scan(&max).Error; err != nil {
					return translate(err, "事项")
				}
				sorts[to] = max.M
			}
			sorts[to] += 10
			it.UnitCode, it.SortOrder = to, sorts[to]
			if it.Cols.Subject == fu.FullName || it.Cols.Subject == fu.Name {
				it.Cols.Subject = tu.FullName
			}
			it.Version++
			it.UpdatedBy = by.Username
			if err := tx.Model(&itemRecord{}).Where("id = ?", it.ID).Updates(map[string]any{"unit_code": to, "sort_order": it.SortOrder,
				"subject": it.Cols.Subject, "version": it.Version, "updated_by": it.UpdatedBy}).Error; err != nil {
				return translate(err, "事项")
			}
			if err := snapshot(tx, it, "transfer", why, by); err != nil {
				return translate(err, "事项版本")
			}
		}
		if err := m.record("item", fu.Code, to, []string{strconv.FormatInt(it.ID, 10)}); err != nil {
			return err
		}
		var pubs []publicationRecord
		if err := tx.Select("id, status").Where("item_id = ?", it.ID).Order("id").Find(&pubs).Error; err != nil {
			return translate(err, "公开信息")
		}
		if len(pubs) == 0 {
			continue
		}
		if err := tx.Model(&publicationRecord{}).Where("item_id = ?", it.ID).
			Updates(map[string]any{"unit_code": to, "item_id": target, "updated_at": time.Now().UTC()}).Error; err != nil {
			return translate(err, "公开信息")
		}
		ids := make([]string, len(pubs))
		evs := make([]eventRecord, len(pubs))
		for i, p := range pubs {
			ids[i] = strconv.FormatInt(p.ID, 10)
			evs[i] = eventRecord{PublicationID: p.ID, Action: "transfer", FromStatus: p.Status, ToStatus: p.Status, ActorID: by.UserID,
				Actor: by.Username, Note: why, At: time.Now().UTC()}
		}
		if err := tx.Omit("Publication").CreateInBatches(evs, 200).Error; err != nil {
			return translate(err, "公开信息")
		}
		if err := m.record("publication", fu.Code, to, ids); err != nil {
			return err
		}
	}
	// A publication is its item's; none should be left, but should one
	// be, it goes to the lead successor rather than stay with a retired unit.
	var left []int64
	if err := tx.Model(&publicationRecord{}).Where("unit_code = ?", fu.Code).Pluck("id", &left).Error; err != nil {
		return translate(err, "公开信息")
	}
	if len(left) > 0 {
		return fmt.Errorf("gormstore: reform: %d publications of %s outside its items", len(left), fu.Code)
	}
	var exs []exemptionRecord
	if err := tx.Where("unit_code = ?", fu.Code).Find(&exs).Error; err != nil {
		return translate(err, "未涉及领域说明")
	}
	for _, e := range exs {
		to := r.Successor(e.DomainCode)
		var n int64
		if err := tx.Model(&exemptionRecord{}).Where("unit_code = ? AND domain_code = ?", to, e.DomainCode).Count(&n).Error; err != nil {
			return translate(err, "未涉及领域说明")
		}
		if n > 0 {
			continue
		}
		if err := tx.Model(&exemptionRecord{}).Where("id = ?", e.ID).Update("unit_code", to).Error; err != nil {
			return translate(err, "未涉及领域说明")
		}
		if err := m.record("exemption", fu.Code, to, []string{e.DomainCode}); err != nil {
			return err
		}
	}
	// The successors' catalogues changed: their readers' caches go.
	for _, code := range r.Into {
		if err := lockUnit(tx, code); err != nil {
			return err
		}
	}
	return nil
}

// FindReforms implements catalog.UnitReforms.
func (s *Store) FindReforms(ctx context.Context) ([]catalog.Reform, error) {
	var rs []reformRecord
	if err := s.db.WithContext(ctx).Order("id DESC").Limit(1000).Find(&rs).Error; err != nil {
		return nil, translate(err, "机构改革")
	}
	out := make([]catalog.Reform, len(rs))
	for i, r := range rs {
		out[i] = r.toReform()
	}
	return out, nil
}

// FindTransfers implements catalog.UnitReforms.
func (s *Store) FindTransfers(ctx context.Context, object string, ids ...string) ([]catalog.Transfer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rs []transferRecord
	if err := s.db.WithContext(ctx).Where("object = ? AND object_id IN ?", object, ids).Order("id").Find(&rs).Error; err != nil {
		return nil, translate(err, "机构改革")
	}
	out := make([]catalog.Transfer, len(rs))
	for i, r := range rs {
		out[i] = catalog.Transfer{ReformID: r.ReformID, Object: r.Object, ObjectID: r.ObjectID, From: r.FromUnit, To: r.ToUnit}
	}
	return out, nil
}
