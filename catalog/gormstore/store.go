package gormstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
)

// Store implements catalog.UnitService, catalog.ItemService and
// catalog.PublicationService on gorm.
type Store struct {
	db      *gorm.DB
	movers  []UnitMover
	holders []UnitHolder
}

var (
	_ catalog.UnitService        = (*Store)(nil)
	_ catalog.ItemService        = (*Store)(nil)
	_ catalog.PublicationService = (*Store)(nil)
	_ catalog.UnitReforms        = (*Store)(nil)
)

// New returns a store on db; call Migrate first.
func New(db *gorm.DB) *Store { return &Store{db: db} }

// Migrate creates or updates the catalogue tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(Models()...); err != nil {
		return fmt.Errorf("gormstore: migrate catalog: %w", err)
	}
	if err := ensureAuditHead(db); err != nil {
		return fmt.Errorf("gormstore: audit head: %w", err)
	}
	if err := resolveSameAbove(db); err != nil {
		return fmt.Errorf("gormstore: 同上: %w", err)
	}
	if err := dbconn.Once(db, "html-bodies", func() error { return htmlBodies(db) }); err != nil {
		return fmt.Errorf("gormstore: bodies as HTML: %w", err)
	}
	if err := dbconn.Once(db, "body-text", func() error { return bodyTexts(db) }); err != nil {
		return fmt.Errorf("gormstore: bodies' text: %w", err)
	}
	return nil
}

// BeforeSave keeps a publication's body text beside its body.
func (r *publicationRecord) BeforeSave(*gorm.DB) error {
	r.BodyText = catalog.BodyText(r.Body)
	return nil
}

// bodyTexts fills the body text of publications stored before it was kept.
func bodyTexts(db *gorm.DB) error {
	return eachBody(db, func(tx *gorm.DB, id int64, body string) error {
		return tx.Table("publications").Where("id = ?", id).UpdateColumn("body_text", catalog.BodyText(body)).Error
	})
}

// htmlBodies turns the plain-text bodies of publications stored before
// bodies were HTML into paragraphs (catalog.CleanBody).
func htmlBodies(db *gorm.DB) error {
	return eachBody(db, func(tx *gorm.DB, id int64, body string) error {
		if catalog.BodyIsHTML(body) {
			return nil
		}
		clean := catalog.CleanBody(body)
		return tx.Table("publications").Where("id = ?", id).UpdateColumns(map[string]any{"body": clean, "body_text": catalog.BodyText(clean)}).Error
	})
}

// eachBody calls fn with every publication's non-empty body, by id, a
// thousand rows a transaction: the migrations that rewrite bodies.
func eachBody(db *gorm.DB, fn func(tx *gorm.DB, id int64, body string) error) error {
	var after int64
	for {
		var rows []struct {
			ID   int64
			Body string
		}
		if err := db.Table("publications").Select("id, body").Where("id > ?", after).Order("id").Limit(1000).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		after = rows[len(rows)-1].ID
		if err := db.Transaction(func(tx *gorm.DB) error {
			for _, r := range rows {
				if r.Body == "" {
					continue
				}
				if err := fn(tx, r.ID, r.Body); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
}

// sameAbove are the ways a catalogue writes "as the row above".
var sameAbove = []string{"同上", "同上。", "同上栏"}

// resolveSameAbove replaces, in catalogues stored before 同上 was refused
// (the demo's 乡镇简介 template had it as its 公开依据), a column that is only
// 同上 by that column of the row above it: the item before it in its unit's
// catalogue, or the template before it for its level.
func resolveSameAbove(db *gorm.DB) error {
	for _, t := range []struct{ table, scope string }{{"items", "unit_code"}, {"template_items", "for_level"}} {
		for _, col := range []string{"basis", "time_limit_text", "subject", "content"} {
			var rows []struct {
				ID        int64
				Scope     string
				SortOrder int
			}
			if err := db.Table(t.table).Select("id, "+t.scope+" AS scope, sort_order").Where(col+" IN ?", sameAbove).Order("sort_order, id").Scan(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				var above []string
				if err := db.Table(t.table).Where(t.scope+" = ? AND (sort_order < ? OR (sort_order = ? AND id < ?)) AND "+col+" NOT IN ? AND "+col+" <> ''",
					r.Scope, r.SortOrder, r.SortOrder, r.ID, sameAbove).Order("sort_order DESC, id DESC").Limit(1).Pluck(col, &above).Error; err != nil {
					return err
				}
				if len(above) == 0 {
					continue
				}
				set := map[string]any{col: above[0]}
				if col == "time_limit_text" {
					rule := catalog.ParseTimeLimit(above[0])
					b, _ := json.Marshal(rule)
					set["time_limit_rule"], set["rule_kind"] = string(b), string(rule.Kind)
				}
				if err := db.Table(t.table).Where("id = ?", r.ID).Updates(set).Error; err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// translate maps gorm errors to coded errors (dbconn.Translate).
func translate(err error, what string) error { return dbconn.Translate(err, "gormstore", what) }

// --- units and domains ---

// FindUnits implements catalog.UnitService.
func (s *Store) FindUnits(ctx context.Context) ([]catalog.Unit, error) {
	return catalog.UnitsOnce(ctx, func() ([]catalog.Unit, error) { return s.findUnits(ctx) })
}

func (s *Store) findUnits(ctx context.Context) ([]catalog.Unit, error) {
	var rs []unitRecord
	if err := s.db.WithContext(ctx).Where("retired_on IS NULL").Order("sort_order, id").Find(&rs).Error; err != nil {
		return nil, translate(err, "单位")
	}
	out := make([]catalog.Unit, len(rs))
	for i, r := range rs {
		out[i] = r.toUnit()
	}
	return out, nil
}

// FindUnit implements catalog.UnitService.
func (s *Store) FindUnit(ctx context.Context, code string) (*catalog.Unit, error) {
	var r unitRecord
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&r).Error; err != nil {
		return nil, translate(err, "单位“"+code+"”")
	}
	u := r.toUnit()
	return &u, nil
}

// UpdateUnitFacts implements catalog.UnitService.
func (s *Store) UpdateUnitFacts(ctx context.Context, u *catalog.Unit, by catalog.Actor) error {
	if err := u.ValidateFacts(); err != nil {
		return err
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error { return updateFacts(tx, u, by) })
}

// UpdateUnitsFacts changes several units' public facts in one transaction
// (a directory import): all or none.
func (s *Store) UpdateUnitsFacts(ctx context.Context, us []catalog.Unit, by catalog.Actor) error {
	for i := range us {
		if err := us[i].ValidateFacts(); err != nil {
			return err
		}
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		for i := range us {
			if err := updateFacts(tx, &us[i], by); err != nil {
				return err
			}
		}
		return nil
	})
}

func updateFacts(tx *gorm.DB, u *catalog.Unit, by catalog.Actor) error {
	if err := lockUnit(tx, u.Code); err != nil {
		return err
	}
	var r unitRecord
	if err := tx.Where("code = ?", u.Code).Take(&r).Error; err != nil {
		return translate(err, "单位“"+u.Code+"”")
	}
	before := r.toUnit()
	if err := tx.Model(&r).Updates(map[string]any{"full_name": u.FullName, "functions": u.Functions, "offices": u.Offices, "address": u.Address, "office_hours": u.OfficeHours,
		"phone": u.Phone, "fax": u.Fax, "email": u.Email, "postcode": u.Postcode, "head": u.Head,
		"catalog_rev": gorm.Expr("catalog_rev + 1")}).Error; err != nil {
		return translate(err, "单位")
	}
	if err := tx.Where("code = ?", u.Code).Take(&r).Error; err != nil {
		return translate(err, "单位")
	}
	*u = r.toUnit()
	return auditChange(tx, by, u.Code, "unit", "update", u.Code, "机构设置", before, *u)
}

// CatalogRevision implements catalog.UnitService.
func (s *Store) CatalogRevision(ctx context.Context, code string) (int64, error) {
	var r unitRecord
	if err := s.db.WithContext(ctx).Select("catalog_rev").Where("code = ?", code).Take(&r).Error; err != nil {
		return 0, translate(err, "单位“"+code+"”")
	}
	return r.CatalogRev, nil
}

// lockUnit bumps the unit's catalogue revision. Every transaction that writes
// a unit's items or publications does it first: the row lock it takes
// serialises the unit's writers before they touch any other row, so they
// cannot deadlock on the foreign-key locks of MySQL.
func lockUnit(tx *gorm.DB, code string) error {
	res := tx.Model(&unitRecord{}).Where("code = ? AND retired_on IS NULL", code).UpdateColumn("catalog_rev", gorm.Expr("catalog_rev + 1"))
	if res.Error != nil {
		return translate(res.Error, "单位")
	}
	if res.RowsAffected == 0 {
		var r unitRecord
		if err := tx.Where("code = ?", code).Limit(1).Find(&r).Error; err != nil {
			return translate(err, "单位")
		}
		if r.ID != 0 {
			return retiredError(tx, r)
		}
		return catalog.Errorf(catalog.ENOTFOUND, "单位“%s”不存在", code)
	}
	return nil
}

// retiredError refuses a write to a unit that ended in a reform.
func retiredError(tx *gorm.DB, r unitRecord) error {
	on := ""
	if r.RetiredOn != nil {
		on = r.RetiredOn.In(catalog.Shanghai).Format("2006年1月2日")
	}
	next := r.Successor
	var s unitRecord
	if err := tx.Select("name").Where("code = ?", r.Successor).Limit(1).Find(&s).Error; err == nil && s.Name != "" {
		next = s.Name
	}
	return catalog.Errorf(catalog.ECONFLICT, "“%s”已于%s在机构改革中撤销，其工作由“%s”承接", r.Name, on, next)
}

// unitOf reads which unit a row belongs to, without locking it.
func unitOf(tx *gorm.DB, model any, id int64, what string) (string, error) {
	var code string
	if err := tx.Model(model).Where("id = ?", id).Pluck("unit_code", &code).Error; err != nil {
		return "", translate(err, what)
	}
	if code == "" {
		return "", catalog.Errorf(catalog.ENOTFOUND, "%s不存在", what)
	}
	return code, nil
}

// FindDomains implements catalog.UnitService.
func (s *Store) FindDomains(ctx context.Context) ([]catalog.Domain, error) {
	var rs []domainRecord
	if err := s.db.WithContext(ctx).Order("sort_order, id").Find(&rs).Error; err != nil {
		return nil, translate(err, "领域")
	}
	out := make([]catalog.Domain, len(rs))
	for i, r := range rs {
		out[i] = r.toDomain()
	}
	return out, nil
}

// FindExemptions implements catalog.UnitService.
func (s *Store) FindExemptions(ctx context.Context, unitCode string) ([]catalog.Exemption, error) {
	var rs []exemptionRecord
	q := s.db.WithContext(ctx)
	if unitCode != "" {
		q = q.Where("unit_code = ?", unitCode)
	}
	if err := q.Order("id").Find(&rs).Error; err != nil {
		return nil, translate(err, "未涉及领域说明")
	}
	out := make([]catalog.Exemption, len(rs))
	for i, r := range rs {
		out[i] = catalog.Exemption{UnitCode: r.UnitCode, DomainCode: r.DomainCode, Reason: r.Reason}
	}
	return out, nil
}

// SetExemption implements catalog.UnitService.
func (s *Store) SetExemption(ctx context.Context, e catalog.Exemption, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := lockUnit(tx, e.UnitCode); err != nil {
			return err
		}
		if err := tx.Where("code = ?", e.DomainCode).Take(&domainRecord{}).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return catalog.Invalid("domain_code", "领域“%s”不存在", e.DomainCode)
			}
			return translate(err, "领域")
		}
		var old exemptionRecord
		tx.Where("unit_code = ? AND domain_code = ?", e.UnitCode, e.DomainCode).Limit(1).Find(&old)
		if e.Reason == "" {
			if err := tx.Where("unit_code = ? AND domain_code = ?", e.UnitCode, e.DomainCode).Delete(&exemptionRecord{}).Error; err != nil {
				return translate(err, "未涉及领域说明")
			}
			return auditChange(tx, by, e.UnitCode, "exemption", "delete", e.DomainCode, "", old.Reason, "")
		}
		r := exemptionRecord{UnitCode: e.UnitCode, DomainCode: e.DomainCode, Reason: e.Reason, UpdatedBy: by.Username, UpdatedAt: time.Now().UTC()}
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_code"}, {Name: "domain_code"}},
			DoUpdates: clause.AssignmentColumns([]string{"reason", "updated_by", "updated_at"})}).Omit("Unit", "Domain").Create(&r).Error
		if err != nil {
			return translate(err, "未涉及领域说明")
		}
		return auditChange(tx, by, e.UnitCode, "exemption", "set", e.DomainCode, e.Reason, old.Reason, e.Reason)
	})
}

// EnsureUnit creates the unit if its code is new and leaves an existing one
// as it is (an admin may have edited it); it reports whether it created.
func (s *Store) EnsureUnit(ctx context.Context, u catalog.Unit) (bool, error) {
	if err := u.Validate(); err != nil {
		return false, err
	}
	r := fromUnit(u)
	return s.ensure(ctx, &r, "code = ?", u.Code, "单位")
}

// EnsureDomain creates the domain if its code is new.
func (s *Store) EnsureDomain(ctx context.Context, d catalog.Domain) (bool, error) {
	r := domainRecord{Code: d.Code, Name: d.Name, National: d.National, WeightTownship: d.WeightTownship, WeightDepartment: d.WeightDepartment, SortOrder: d.SortOrder}
	return s.ensure(ctx, &r, "code = ?", d.Code, "领域")
}

// ensure inserts rec unless a row matching where exists; a concurrent insert
// of the same key (another instance seeding) counts as existing.
func (s *Store) ensure(ctx context.Context, rec any, where string, arg any, what string) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(rec).Where(where, arg).Count(&n).Error; err != nil {
		return false, translate(err, what)
	}
	if n > 0 {
		return false, nil
	}
	err := s.db.WithContext(ctx).Create(rec).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return false, nil
	}
	return err == nil, translate(err, what)
}

// --- templates and items ---

// FindTemplates implements catalog.ItemService.
func (s *Store) FindTemplates(ctx context.Context, level catalog.Level) ([]catalog.TemplateItem, error) {
	q := s.db.WithContext(ctx).Order("sort_order, id")
	if level != "" {
		q = q.Where("for_level = ?", string(level))
	}
	var rs []templateRecord
	if err := q.Find(&rs).Error; err != nil {
		return nil, translate(err, "目录模板")
	}
	out := make([]catalog.TemplateItem, len(rs))
	for i, r := range rs {
		out[i] = catalog.TemplateItem{ID: r.ID, Columns: r.Cols.toColumns(), ForLevel: catalog.Level(r.ForLevel), SortOrder: r.SortOrder}
	}
	return out, nil
}

// EnsureTemplate creates a template item under a seed key unless one exists,
// and returns its id.
func (s *Store) EnsureTemplate(ctx context.Context, key string, t catalog.TemplateItem) (int64, error) {
	t.Normalize()
	if err := t.Columns.Validate(); err != nil {
		return 0, err
	}
	var r templateRecord
	err := s.db.WithContext(ctx).Where("seed_key = ?", key).Take(&r).Error
	if err == nil {
		return r.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, translate(err, "目录模板")
	}
	r = templateRecord{Cols: fromColumns(t.Columns), ForLevel: string(t.ForLevel), SortOrder: t.SortOrder, SeedKey: &key}
	if err := s.db.WithContext(ctx).Omit("Domain").Create(&r).Error; err != nil {
		return 0, translate(err, "目录模板")
	}
	return r.ID, nil
}

// FindItems implements catalog.ItemService.
func (s *Store) FindItems(ctx context.Context, f catalog.ItemFilter) ([]catalog.Item, error) {
	if !f.AsOf.IsZero() {
		return s.itemsAsOf(ctx, f)
	}
	q := s.db.WithContext(ctx).Order("sort_order, id")
	if f.UnitCode != "" {
		q = q.Where("unit_code = ?", f.UnitCode)
	}
	if f.DomainCode != "" {
		q = q.Where("domain_code = ?", f.DomainCode)
	}
	if !f.IncludeRetired {
		q = q.Where("status = ?", string(catalog.ItemActive))
	}
	var rs []itemRecord
	if f.UnitCode == "" {
		// The whole county's items: sized first, so scanning them does not
		// copy the rows over and over as the slice grows.
		var n int64
		if err := q.Session(&gorm.Session{}).Model(&itemRecord{}).Count(&n).Error; err != nil {
			return nil, translate(err, "事项")
		}
		rs = make([]itemRecord, 0, n)
	}
	if err := q.Find(&rs).Error; err != nil {
		return nil, translate(err, "事项")
	}
	out := make([]catalog.Item, len(rs))
	for i, r := range rs {
		out[i] = r.toItem()
	}
	return out, nil
}

// itemsAsOf is FindItems with AsOf.
func (s *Store) itemsAsOf(ctx context.Context, f catalog.ItemFilter) ([]catalog.Item, error) {
	out, err := s.ItemsAsOf(ctx, f, f.AsOf)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// ItemsAsOf is FindItems (the filter's AsOf aside) as the catalogue stood
// at the end of each of the days, from one read of the rows: an inspection
// wants its quarter's end and the one before. Items unchanged since a day
// are read as they are; only those changed after it are read back from
// their versions.
func (s *Store) ItemsAsOf(ctx context.Context, f catalog.ItemFilter, days ...time.Time) ([][]catalog.Item, error) {
	ends := make([]time.Time, len(days))
	var last time.Time
	for i, day := range days {
		y, m, d := day.In(catalog.Shanghai).Date()
		ends[i] = time.Date(y, m, d+1, 0, 0, 0, 0, catalog.Shanghai).UTC() // the end of the day
		if ends[i].After(last) {
			last = ends[i]
		}
	}
	// Read in the table's own order and sized first — a whole county's
	// twelve thousand rows sorted by the database, or copied each time the
	// slice grows, cost most of an inspection — then put in catalogue
	// order here, by index.
	q := s.db.WithContext(ctx).Order("id").Where("created_at < ?", last)
	if f.UnitCode != "" {
		q = q.Where("unit_code = ?", f.UnitCode)
	}
	if f.DomainCode != "" {
		q = q.Where("domain_code = ?", f.DomainCode)
	}
	// The whole catalogue's size, an upper bound counted from an index,
	// not the rows selected: counting those read the table once more.
	var n int64
	if f.UnitCode == "" && f.DomainCode == "" {
		if err := s.db.WithContext(ctx).Model(&itemRecord{}).Count(&n).Error; err != nil {
			return nil, translate(err, "事项")
		}
	}
	cols := itemColumns
	if f.Brief {
		cols = briefItemColumns
	}
	cols += ", " + dbconn.TextTime(s.db, "last_published_at") + ", " + dbconn.TextTime(s.db, "created_at") + ", " + dbconn.TextTime(s.db, "updated_at")
	rs, err := scanItems(q.Model(&itemRecord{}).Select(cols), int(n))
	if err != nil {
		return nil, translate(err, "事项")
	}
	// Sorted by small keys, not by reaching into the records: a
	// province's 170,000 records of several hundred bytes each cost the
	// comparisons a cache miss each.
	type key struct {
		sort int
		id   int64
		at   int
	}
	keys := make([]key, len(rs))
	for i := range rs {
		keys[i] = key{rs[i].SortOrder, rs[i].ID, i}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.sort, b.sort), cmp.Compare(a.id, b.id)) })
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.at
	}
	all := make([][]catalog.Item, len(ends))
	for k, at := range ends {
		var changed []int64
		for _, i := range order {
			if r := &rs[i]; r.CreatedAt.Before(at) && !r.UpdatedAt.Before(at) {
				changed = append(changed, r.ID)
			}
		}
		// The versions in force at the day's end of the items changed since.
		then := map[int64]*catalog.Item{}
		for len(changed) > 0 {
			batch := changed[:min(len(changed), 500)]
			changed = changed[len(batch):]
			var vs []itemVersionRecord
			if err := s.db.WithContext(ctx).Where("item_id IN ? AND changed_at < ?", batch, at).Order("item_id, version").Find(&vs).Error; err != nil {
				return nil, translate(err, "事项版本")
			}
			latest := map[int64]itemVersionRecord{}
			for _, v := range vs {
				latest[v.ItemID] = v
			}
			for id, v := range latest {
				if v.Action == "retire" {
					then[id] = nil
					continue
				}
				var it catalog.Item
				if err := json.Unmarshal([]byte(v.Snapshot), &it); err != nil {
					return nil, fmt.Errorf("gormstore: item %d version %d: %w", id, v.Version, err)
				}
				it.Status = catalog.ItemActive
				then[id] = &it
			}
		}
		out := make([]catalog.Item, 0, len(rs))
		for _, i := range order {
			r := &rs[i]
			switch {
			case !r.CreatedAt.Before(at):
			case r.UpdatedAt.Before(at):
				if r.Status == string(catalog.ItemActive) {
					out = append(out, r.toItem())
				}
			default:
				if it := then[r.ID]; it != nil {
					it.LastPublishedAt = r.LastPublishedAt
					out = append(out, *it)
				}
			}
		}
		all[k] = out
	}
	return all, nil
}

// itemColumns are the columns scanItems reads, in its order, but for the
// three times at the end, last_published_at, created_at and updated_at,
// selected with dbconn.TextTime.
const itemColumns = "id, unit_code, template_id, domain_code, level1, level2, level3, content, basis, time_limit_text, time_limit_rule, " +
	"subject, channels, channel_other, to_public, to_specific, proactive, on_request, at_county, at_township, duration, office, remark, " +
	"sort_order, status, retired_reason, version, updated_by"

// briefItemColumns are itemColumns with the long texts left empty
// (ItemFilter.Brief).
const briefItemColumns = "id, unit_code, template_id, domain_code, level1, level2, level3, '' AS content, '' AS basis, time_limit_text, time_limit_rule, " +
	"'' AS subject, '' AS channels, '' AS channel_other, to_public, to_specific, proactive, on_request, at_county, at_township, '' AS duration, '' AS office, remark, " +
	"sort_order, status, retired_reason, version, updated_by"

// scanItems reads the items q selects (itemColumns, or the brief ones)
// column by column into records,
// without gorm's reflection over each field of each row: a county's
// catalogue is twelve thousand of them, read for every inspection.
func scanItems(q *gorm.DB, sizeHint int) ([]itemRecord, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rs := make([]itemRecord, 0, sizeHint+16)
	for rows.Next() {
		var r itemRecord
		c := &r.Cols
		var level3, content, basis, tlText, tlRule, subject, channels, other, duration, office, remark, retired, updatedBy sql.NullString
		var templateID sql.NullInt64
		var lastPublished, created, updated dbconn.Time
		if err := rows.Scan(&r.ID, &r.UnitCode, &templateID, &c.DomainCode, &c.Level1, &c.Level2, &level3, &content, &basis, &tlText, &tlRule,
			&subject, &channels, &other, &c.ToPublic, &c.ToSpecific, &c.Proactive, &c.OnRequest, &c.AtCounty, &c.AtTownship, &duration, &office, &remark,
			&r.SortOrder, &r.Status, &retired, &r.Version, &updatedBy, &lastPublished, &created, &updated); err != nil {
			return nil, err
		}
		c.Level3, c.Content, c.Basis, c.TimeLimitText, c.TimeLimitRule = level3.String, content.String, basis.String, tlText.String, tlRule.String
		c.Subject, c.Channels, c.ChannelOther, c.Duration, c.Office, c.Remark = subject.String, channels.String, other.String, duration.String, office.String, remark.String
		r.RetiredReason, r.UpdatedBy = retired.String, updatedBy.String
		r.CreatedAt, r.UpdatedAt = created.Time, updated.Time
		if templateID.Valid {
			r.TemplateID = &templateID.Int64
		}
		if lastPublished.Valid {
			t := lastPublished.Time
			r.LastPublishedAt = &t
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// FindItem implements catalog.ItemService.
func (s *Store) FindItem(ctx context.Context, id int64) (*catalog.Item, error) {
	var r itemRecord
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err, "事项")
	}
	it := r.toItem()
	return &it, nil
}

func checkRefs(tx *gorm.DB, unitCode, domainCode string) error {
	var n int64
	if err := tx.Model(&unitRecord{}).Where("code = ?", unitCode).Count(&n).Error; err != nil {
		return translate(err, "单位")
	}
	if n == 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "单位“%s”不存在", unitCode)
	}
	if err := tx.Model(&domainRecord{}).Where("code = ?", domainCode).Count(&n).Error; err != nil {
		return translate(err, "领域")
	}
	if n == 0 {
		return catalog.Invalid("domain_code", "所属领域“%s”不存在", domainCode)
	}
	return nil
}

func snapshot(tx *gorm.DB, r itemRecord, action, reason string, by catalog.Actor) error {
	it := r.toItem()
	b, err := json.Marshal(it)
	if err != nil {
		return err
	}
	return tx.Create(&itemVersionRecord{ItemID: r.ID, Version: r.Version, Action: action, Reason: reason, ChangedBy: by.Username,
		ChangedAt: time.Now().UTC(), Snapshot: string(b)}).Error
}

// CreateItem implements catalog.ItemService.
func (s *Store) CreateItem(ctx context.Context, it *catalog.Item, by catalog.Actor) error {
	if err := it.Validate(); err != nil {
		return err
	}
	asked := *it
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*it = asked // as asked, when run again after a deadlock
		if err := lockUnit(tx, it.UnitCode); err != nil {
			return err
		}
		if err := checkRefs(tx, it.UnitCode, it.DomainCode); err != nil {
			return err
		}
		if it.SortOrder == 0 {
			var max struct{ M int }
			tx.Model(&itemRecord{}).Select("COALESCE(MAX(sort_order),0) AS m").Where("unit_code = ?", it.UnitCode).Scan(&max)
			it.SortOrder = max.M + 10
		}
		r := itemRecord{UnitCode: it.UnitCode, TemplateID: it.TemplateID, Cols: fromColumns(it.Columns), SortOrder: it.SortOrder,
			Status: string(catalog.ItemActive), Version: 1, UpdatedBy: by.Username}
		if err := tx.Omit("Unit", "Domain", "Template").Create(&r).Error; err != nil {
			return translate(err, "事项")
		}
		if err := snapshot(tx, r, "create", "", by); err != nil {
			return translate(err, "事项版本")
		}
		*it = r.toItem()
		return audit(tx, by, it.UnitCode, "catalog", "create", r.ID, it.Level1+"/"+it.Level2)
	})
}

// UpdateItem implements catalog.ItemService.
func (s *Store) UpdateItem(ctx context.Context, it *catalog.Item, reason string, by catalog.Actor) error {
	if err := it.Validate(); err != nil {
		return err
	}
	asked := *it
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*it = asked // as asked, when run again after a deadlock
		unit, err := unitOf(tx, &itemRecord{}, it.ID, "事项")
		if err != nil {
			return err
		}
		if err := lockUnit(tx, unit); err != nil {
			return err
		}
		var r itemRecord
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, it.ID).Error; err != nil {
			return translate(err, "事项")
		}
		if r.UnitCode != it.UnitCode {
			return catalog.Invalid("unit_code", "事项不能移到其他单位")
		}
		if r.Status == string(catalog.ItemRetired) {
			return catalog.Errorf(catalog.ECONFLICT, "事项已撤销，不能修改")
		}
		if it.Version != 0 && it.Version != r.Version {
			return catalog.Errorf(catalog.ECONFLICT, "该事项已被他人修改（您编辑的是第%d版，现为第%d版），请刷新后重新修改", it.Version, r.Version)
		}
		if err := checkRefs(tx, it.UnitCode, it.DomainCode); err != nil {
			return err
		}
		before := r.toItem()
		r.Cols = fromColumns(it.Columns)
		if it.SortOrder != 0 {
			r.SortOrder = it.SortOrder
		}
		r.Version++
		r.UpdatedBy = by.Username
		if err := tx.Omit("Unit", "Domain", "Template").Save(&r).Error; err != nil {
			return translate(err, "事项")
		}
		if err := snapshot(tx, r, "update", reason, by); err != nil {
			return translate(err, "事项版本")
		}
		*it = r.toItem()
		return auditChange(tx, by, r.UnitCode, "catalog", "update", r.ID, reason, before, *it)
	})
}

// RetireItem implements catalog.ItemService.
func (s *Store) RetireItem(ctx context.Context, id int64, reason string, by catalog.Actor) error {
	if reason == "" {
		return catalog.Invalid("reason", "撤销事项须填写原因")
	}
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		unit, err := unitOf(tx, &itemRecord{}, id, "事项")
		if err != nil {
			return err
		}
		if err := lockUnit(tx, unit); err != nil {
			return err
		}
		var r itemRecord
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, id).Error; err != nil {
			return translate(err, "事项")
		}
		if r.Status == string(catalog.ItemRetired) {
			return catalog.Errorf(catalog.ECONFLICT, "事项已撤销")
		}
		before := map[string]any{"status": r.Status, "version": r.Version}
		r.Status, r.RetiredReason, r.UpdatedBy = string(catalog.ItemRetired), reason, by.Username
		r.Version++
		if err := tx.Omit("Unit", "Domain", "Template").Save(&r).Error; err != nil {
			return translate(err, "事项")
		}
		if err := snapshot(tx, r, "retire", reason, by); err != nil {
			return translate(err, "事项版本")
		}
		return auditChange(tx, by, r.UnitCode, "catalog", "retire", r.ID, reason, before, map[string]any{"status": r.Status, "version": r.Version})
	})
}

// ItemHistory implements catalog.ItemService.
func (s *Store) ItemHistory(ctx context.Context, id int64) ([]catalog.ItemVersion, error) {
	if _, err := s.FindItem(ctx, id); err != nil {
		return nil, err
	}
	var rs []itemVersionRecord
	if err := s.db.WithContext(ctx).Where("item_id = ?", id).Order("version").Find(&rs).Error; err != nil {
		return nil, translate(err, "事项版本")
	}
	out := make([]catalog.ItemVersion, len(rs))
	for i, r := range rs {
		out[i] = catalog.ItemVersion{ItemID: r.ItemID, Version: r.Version, Action: r.Action, Reason: r.Reason, ChangedBy: r.ChangedBy, ChangedAt: r.ChangedAt}
		_ = json.Unmarshal([]byte(r.Snapshot), &out[i].Item)
	}
	return out, nil
}

// ImportChange is an item an import changes (catalog.ImportChange).
type ImportChange = catalog.ImportChange

// ApplyImport applies a previewed import to a unit's catalogue in one
// transaction: new items, changed items (a new version each) and retired
// ones, with their history and audit entries. ECONFLICT when an item changed
// since the preview; nothing is written then.
func (s *Store) ApplyImport(ctx context.Context, unitCode string, add []catalog.Columns, change []ImportChange, retire []ImportChange, note string, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := lockUnit(tx, unitCode); err != nil {
			return err
		}
		var max struct{ M int }
		tx.Model(&itemRecord{}).Select("COALESCE(MAX(sort_order),0) AS m").Where("unit_code = ?", unitCode).Scan(&max)
		recs := make([]itemRecord, 0, len(add))
		for i, c := range add {
			it := catalog.Item{UnitCode: unitCode, Columns: c}
			if err := it.Validate(); err != nil {
				return err
			}
			recs = append(recs, itemRecord{UnitCode: unitCode, Cols: fromColumns(it.Columns), SortOrder: max.M + (i+1)*10,
				Status: string(catalog.ItemActive), Version: 1, UpdatedBy: by.Username})
		}
		if len(recs) > 0 {
			if err := tx.Omit("Unit", "Domain", "Template").CreateInBatches(recs, 200).Error; err != nil {
				return translate(err, "事项")
			}
			now := time.Now().UTC()
			vers := make([]itemVersionRecord, len(recs))
			ids := make([]int64, len(recs))
			for i, r := range recs {
				b, _ := json.Marshal(r.toItem())
				vers[i] = itemVersionRecord{ItemID: r.ID, Version: 1, Action: "create", Reason: note, ChangedBy: by.Username, ChangedAt: now, Snapshot: string(b)}
				ids[i] = r.ID
			}
			if err := tx.Omit("Item").CreateInBatches(vers, 200).Error; err != nil {
				return translate(err, "事项版本")
			}
			// One entry for the rows an import adds; each item's history
			// holds its own first version.
			if err := auditChange(tx, by, unitCode, "catalog", "import_create", len(recs), note, nil, map[string]any{"item_ids": ids}); err != nil {
				return err
			}
		}
		step := func(ch ImportChange, retireIt bool) error {
			var r itemRecord
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, ch.ID).Error; err != nil {
				return translate(err, "事项")
			}
			if r.UnitCode != unitCode || r.Version != ch.Version || r.Status != string(catalog.ItemActive) {
				return catalog.Errorf(catalog.ECONFLICT, "事项“%s”在预览之后已被修改，请重新预览后再导入", r.Cols.Level2)
			}
			before := r.toItem()
			action := "update"
			if retireIt {
				r.Status, r.RetiredReason, action = string(catalog.ItemRetired), note, "retire"
			} else {
				it := catalog.Item{UnitCode: unitCode, Columns: ch.Columns}
				if err := it.Validate(); err != nil {
					return err
				}
				r.Cols = fromColumns(it.Columns)
			}
			r.Version++
			r.UpdatedBy = by.Username
			if err := tx.Omit("Unit", "Domain", "Template").Save(&r).Error; err != nil {
				return translate(err, "事项")
			}
			if err := snapshot(tx, r, action, note, by); err != nil {
				return translate(err, "事项版本")
			}
			return auditChange(tx, by, unitCode, "catalog", "import_"+action, r.ID, note, before, r.toItem())
		}
		for _, ch := range change {
			if err := step(ch, false); err != nil {
				return err
			}
		}
		for _, ch := range retire {
			if err := step(ch, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// Revision moves whenever any unit's catalogue or public facts, or the
// county's identity, change: the sum of the units' catalogue revisions,
// their number and the identity's saves. Other instances poll it to know
// their caches are stale.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var sum int64
	if err := s.db.WithContext(ctx).Model(&unitRecord{}).Select("COALESCE(SUM(catalog_rev), 0) + COUNT(*)").Scan(&sum).Error; err != nil {
		return 0, fmt.Errorf("gormstore: revision: %w", err)
	}
	var c struct{ Rev int64 }
	if err := s.db.WithContext(ctx).Model(&countyRecord{}).Select("COALESCE(MAX(rev), 0) AS rev").Scan(&c).Error; err != nil {
		return 0, fmt.Errorf("gormstore: revision: %w", err)
	}
	return sum + c.Rev, nil
}

// SearchableCount is how many documents the search indexes: published
// publications and items.
func (s *Store) SearchableCount(ctx context.Context) (int64, error) {
	var pubs, items int64
	if err := s.db.WithContext(ctx).Model(&publicationRecord{}).Where("status = ?", string(catalog.PubPublished)).Count(&pubs).Error; err != nil {
		return 0, fmt.Errorf("gormstore: count publications: %w", err)
	}
	if err := s.db.WithContext(ctx).Model(&itemRecord{}).Count(&items).Error; err != nil {
		return 0, fmt.Errorf("gormstore: count items: %w", err)
	}
	return pubs + items, nil
}
