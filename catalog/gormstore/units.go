package gormstore

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn"
)

// templateKey is the seed key of the item a unit instantiated from
// template id (seed keys are unique across units).
func templateKey(unit string, id int64) string { return unit + "/tpl-" + strconv.FormatInt(id, 10) }

// instantiate adds to a unit, in tx, the items of the templates not yet in
// its catalogue, the unit's full name as their 公开主体.
func instantiate(tx *gorm.DB, u catalog.Unit, tpls []templateRecord, by catalog.Actor) (int, error) {
	subject := u.FullName
	if subject == "" {
		subject = u.Name
	}
	// Items the seed made from these templates count as instantiated.
	var have []int64
	if err := tx.Model(&itemRecord{}).Where("unit_code = ? AND template_id IS NOT NULL", u.Code).Pluck("template_id", &have).Error; err != nil {
		return 0, translate(err, "事项")
	}
	seeds := make([]SeedItem, 0, len(tpls))
	for _, t := range tpls {
		if slices.Contains(have, t.ID) {
			continue
		}
		id := t.ID
		cols := t.Cols.toColumns()
		cols.Subject = subject
		seeds = append(seeds, SeedItem{Key: templateKey(u.Code, id), Item: catalog.Item{TemplateID: &id, Columns: cols}})
	}
	_, n, err := ensureItemsTx(tx, u.Code, seeds, by)
	return n, err
}

// defaultTemplates are the templates a new unit's catalogue starts from:
// every township-level one for a township; for a county-level unit the
// county's rubric columns and EveryUnitDomains.
func defaultTemplates(tx *gorm.DB, level catalog.Level) ([]templateRecord, error) {
	var rs []templateRecord
	q := tx.Where("for_level = ?", string(level)).Order("sort_order, id")
	if level == catalog.LevelCounty {
		q = q.Where("seed_key LIKE ? OR domain_code IN ?", "rubric-%", catalog.EveryUnitDomains)
	}
	if err := q.Find(&rs).Error; err != nil {
		return nil, translate(err, "目录模板")
	}
	return rs, nil
}

// lockedUnit locks a unit's catalogue for the transaction and reads it.
func lockedUnit(tx *gorm.DB, code string) (unitRecord, error) {
	var r unitRecord
	if err := lockUnit(tx, code); err != nil {
		return r, err
	}
	return r, translate(tx.Where("code = ?", code).Take(&r).Error, "单位")
}

// uniqueUnit refuses a unit whose name or full name is another unit's name
// or full name (lists and the directory find units by either), or whose
// 统一社会信用代码 is another unit's. Units retired in a reform do not
// count: a reform may create a unit under an ended one's name.
func uniqueUnit(tx *gorm.DB, u catalog.Unit) error {
	var taken int64
	names := []string{u.Name, u.FullName}
	if err := tx.Model(&unitRecord{}).Where("code <> ? AND retired_on IS NULL AND (name IN ? OR full_name IN ?)", u.Code, names, names).Count(&taken).Error; err != nil {
		return translate(err, "单位")
	}
	if taken > 0 {
		return catalog.Invalid("name", "已有名为“%s”或全称“%s”的单位", u.Name, u.FullName)
	}
	if u.CreditCode == "" {
		return nil
	}
	if err := tx.Model(&unitRecord{}).Where("code <> ? AND retired_on IS NULL AND credit_code = ?", u.Code, u.CreditCode).Count(&taken).Error; err != nil {
		return translate(err, "单位")
	}
	if taken > 0 {
		return catalog.Invalid("credit_code", "统一社会信用代码“%s”已是另一个单位的", u.CreditCode)
	}
	return nil
}

// CreateUnit implements catalog.UnitLifecycle.
func (s *Store) CreateUnit(ctx context.Context, u *catalog.Unit, by catalog.Actor) (int, error) {
	if err := u.Validate(); err != nil {
		return 0, err
	}
	n := 0
	asked := *u
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*u, n = asked, 0 // as asked, when run again after a deadlock
		var taken int64
		if err := tx.Model(&unitRecord{}).Where("code = ?", u.Code).Count(&taken).Error; err != nil {
			return translate(err, "单位")
		}
		if taken > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "单位代码“%s”已被使用", u.Code)
		}
		if err := uniqueUnit(tx, *u); err != nil {
			return err
		}
		if u.SortOrder == 0 {
			var max struct{ M int }
			if err := tx.Model(&unitRecord{}).Select("COALESCE(MAX(sort_order), 0) AS m").Scan(&max).Error; err != nil {
				return translate(err, "单位")
			}
			u.SortOrder = max.M + 10
		}
		r := fromUnit(*u)
		if err := tx.Create(&r).Error; err != nil {
			return translate(err, "单位")
		}
		u.ID = r.ID
		tpls, err := defaultTemplates(tx, u.Level)
		if err != nil {
			return err
		}
		if n, err = instantiate(tx, *u, tpls, by); err != nil {
			return err
		}
		return auditChange(tx, by, u.Code, "unit", "create", u.Code, u.Name+"（目录"+strconv.Itoa(n)+"项）", nil, *u)
	})
	return n, err
}

// AdoptDomains implements catalog.UnitLifecycle.
func (s *Store) AdoptDomains(ctx context.Context, code string, domains []string, by catalog.Actor) (int, error) {
	if len(domains) == 0 {
		return 0, catalog.Invalid("domains", "请选择要承担的公开领域")
	}
	domains = slices.Compact(slices.Sorted(slices.Values(domains)))
	if len(domains) > 100 {
		return 0, catalog.Invalid("domains", "一次最多认领100个领域")
	}
	n := 0
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		r, err := lockedUnit(tx, code)
		if err != nil {
			return err
		}
		if catalog.Level(r.Level) != catalog.LevelCounty {
			return catalog.Invalid("domains", "乡镇的目录按乡级标准目录建立，不按领域认领")
		}
		var known []string
		if err := tx.Model(&domainRecord{}).Where("code IN ?", domains).Pluck("code", &known).Error; err != nil {
			return translate(err, "领域")
		}
		for _, d := range domains {
			if !slices.Contains(known, d) {
				return catalog.Invalid("domains", "领域“%s”不存在", d)
			}
		}
		var tpls []templateRecord
		if err := tx.Where("for_level = ? AND domain_code IN ?", string(catalog.LevelCounty), domains).Order("sort_order, id").Find(&tpls).Error; err != nil {
			return translate(err, "目录模板")
		}
		if n, err = instantiate(tx, r.toUnit(), tpls, by); err != nil {
			return err
		}
		return audit(tx, by, code, "unit", "adopt_domains", code, strings.Join(domains, ",")+"（新增"+strconv.Itoa(n)+"项）")
	})
	return n, err
}

// RenameUnit implements catalog.UnitLifecycle.
func (s *Store) RenameUnit(ctx context.Context, code, name, fullName, creditCode string, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		r, err := lockedUnit(tx, code)
		if err != nil {
			return err
		}
		u := r.toUnit()
		before := u
		u.Name, u.FullName = strings.TrimSpace(name), strings.TrimSpace(fullName)
		if creditCode != "" {
			u.CreditCode = creditCode
		}
		if err := u.Validate(); err != nil {
			return err
		}
		if err := uniqueUnit(tx, u); err != nil {
			return err
		}
		if err := tx.Model(&unitRecord{}).Where("code = ?", code).Updates(map[string]any{"name": u.Name, "full_name": u.FullName, "credit_code": u.CreditCode}).Error; err != nil {
			return translate(err, "单位")
		}
		// The catalogue's 公开主体 that named the unit by its old full name
		// names it by the new one, each item's history saying so.
		moved := int64(0)
		if before.FullName != "" && before.FullName != u.FullName {
			var items []itemRecord
			if err := tx.Where("unit_code = ? AND subject = ?", code, before.FullName).Order("id").Find(&items).Error; err != nil {
				return translate(err, "事项")
			}
			why := "单位更名：" + before.FullName + " → " + u.FullName
			for _, it := range items {
				it.Cols.Subject, it.Version, it.UpdatedBy = u.FullName, it.Version+1, by.Username
				if err := tx.Model(&itemRecord{}).Where("id = ?", it.ID).Updates(map[string]any{"subject": it.Cols.Subject, "version": it.Version,
					"updated_by": it.UpdatedBy}).Error; err != nil {
					return translate(err, "事项")
				}
				if err := snapshot(tx, it, "rename", why, by); err != nil {
					return translate(err, "事项版本")
				}
			}
			moved = int64(len(items))
		}
		return auditChange(tx, by, code, "unit", "rename", code, before.Name+" → "+u.Name+"（目录公开主体改名"+strconv.FormatInt(moved, 10)+"项）", before, u)
	})
}

// DeleteUnit implements catalog.UnitLifecycle.
func (s *Store) DeleteUnit(ctx context.Context, code string, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		r, err := lockedUnit(tx, code)
		if err != nil {
			return err
		}
		if c, err := county(tx); err == nil && c.Office == code {
			return catalog.Errorf(catalog.ECONFLICT, "“%s”是受理申请的县政府办公室，不能删除", r.Name)
		} else if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
		var pubs int64
		if err := tx.Model(&publicationRecord{}).Where("unit_code = ?", code).Count(&pubs).Error; err != nil {
			return translate(err, "公开信息")
		}
		if pubs > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "“%s”已有%d条公开信息，不能删除", r.Name, pubs)
		}
		// A unit that took part in a reform is part of the record.
		var reformed int64
		if err := tx.Model(&transferRecord{}).Where("from_unit = ? OR to_unit = ?", code, code).Count(&reformed).Error; err != nil {
			return translate(err, "机构改革")
		}
		if reformed == 0 {
			if err := tx.Model(&unitRecord{}).Where("successor = ?", code).Count(&reformed).Error; err != nil {
				return translate(err, "单位")
			}
		}
		if reformed > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "“%s”在机构改革中承接过其他单位的工作，不能删除", r.Name)
		}
		// What the other stores hold is read in the same transaction,
		// after the unit is locked: nothing slips in between.
		for _, h := range s.holders {
			what, err := h.HoldsUnit(tx, code)
			if err != nil {
				return err
			}
			if what != "" {
				return catalog.Errorf(catalog.ECONFLICT, "“%s”还有%s，不能删除；误建的单位须先撤销其账号、授权和记录（已在使用的单位请用机构改革撤并）", r.Name, what)
			}
		}
		items := tx.Model(&itemRecord{}).Select("id").Where("unit_code = ?", code)
		if err := tx.Where("item_id IN (?)", items).Delete(&itemVersionRecord{}).Error; err != nil {
			return translate(err, "事项")
		}
		for _, m := range []any{&itemRecord{}, &exemptionRecord{}, &serialRecord{}, &stashRecord{}} {
			if err := tx.Where("unit_code = ?", code).Delete(m).Error; err != nil {
				return translate(err, "单位")
			}
		}
		if err := tx.Delete(&r).Error; err != nil {
			return translate(err, "单位")
		}
		return auditChange(tx, by, code, "unit", "delete", code, r.Name, r.toUnit(), nil)
	})
}
