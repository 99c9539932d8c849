package gormstore

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
)

func nextSerial(tx *gorm.DB, unit, month string) (int, error) {
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&serialRecord{UnitCode: unit, Month: month}).Error; err != nil {
		return 0, err
	}
	// The UPDATE takes the row lock, so two instances never get one serial.
	if err := tx.Model(&serialRecord{}).Where("unit_code = ? AND month = ?", unit, month).
		Update("last_serial", gorm.Expr("last_serial + 1")).Error; err != nil {
		return 0, err
	}
	var r serialRecord
	if err := tx.Where("unit_code = ? AND month = ?", unit, month).Take(&r).Error; err != nil {
		return 0, err
	}
	return r.Last, nil
}

func refreshLastPublished(tx *gorm.DB, itemIDs ...int64) error {
	for _, id := range itemIDs {
		sub := tx.Model(&publicationRecord{}).Select("MAX(published_on)").Where("item_id = ? AND status = ?", id, string(catalog.PubPublished))
		if err := tx.Model(&itemRecord{}).Where("id = ?", id).UpdateColumn("last_published_at", sub).Error; err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) attachments(ctx context.Context, pubs []catalog.Publication) error {
	if len(pubs) == 0 {
		return nil
	}
	ids := make([]int64, len(pubs))
	at := map[int64]int{}
	for i, p := range pubs {
		ids[i] = p.ID
		at[p.ID] = i
	}
	var rs []attachmentRecord
	if err := s.db.WithContext(ctx).Where("publication_id IN ?", ids).Order("id").Find(&rs).Error; err != nil {
		return translate(err, "附件")
	}
	for _, r := range rs {
		i := at[r.PublicationID]
		pubs[i].Attachments = append(pubs[i].Attachments, r.toAttachment())
	}
	return nil
}

func (s *Store) withItemNames(ctx context.Context, pubs []catalog.Publication) error {
	need := map[int64]bool{}
	for _, p := range pubs {
		need[p.ItemID] = true
	}
	if len(need) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(need))
	for id := range need {
		ids = append(ids, id)
	}
	var rs []struct {
		ID     int64
		Level2 string
	}
	if err := s.db.WithContext(ctx).Model(&itemRecord{}).Select("id, level2").Where("id IN ?", ids).Scan(&rs).Error; err != nil {
		return translate(err, "事项")
	}
	names := map[int64]string{}
	for _, r := range rs {
		names[r.ID] = r.Level2
	}
	for i := range pubs {
		pubs[i].ItemName = names[pubs[i].ItemID]
	}
	return nil
}

func toLocal(p *catalog.Publication) {
	p.GeneratedOn = p.GeneratedOn.In(catalog.Shanghai)
	p.PublishedOn = p.PublishedOn.In(catalog.Shanghai)
}

// FindPublications implements catalog.PublicationService.
func (s *Store) FindPublications(ctx context.Context, f catalog.PubFilter) ([]catalog.Publication, error) {
	q := s.db.WithContext(ctx).Order("published_on DESC, id DESC")
	if f.ItemID != 0 {
		q = q.Where("item_id = ?", f.ItemID)
	}
	if f.UnitCode != "" {
		q = q.Where("unit_code = ?", f.UnitCode)
	}
	if !f.IncludeRetired {
		q = q.Where("status = ?", string(catalog.PubPublished))
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rs []publicationRecord
	if err := q.Omit("body").Find(&rs).Error; err != nil {
		return nil, translate(err, "公开信息")
	}
	out := make([]catalog.Publication, len(rs))
	for i, r := range rs {
		out[i] = r.toPublication()
		toLocal(&out[i])
	}
	if err := s.attachments(ctx, out); err != nil {
		return nil, err
	}
	return out, s.withItemNames(ctx, out)
}

// FindPublication implements catalog.PublicationService.
func (s *Store) FindPublication(ctx context.Context, id int64) (*catalog.Publication, error) {
	var r publicationRecord
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err, "公开信息")
	}
	p := []catalog.Publication{r.toPublication()}
	toLocal(&p[0])
	if err := s.attachments(ctx, p); err != nil {
		return nil, err
	}
	if err := s.withItemNames(ctx, p); err != nil {
		return nil, err
	}
	return &p[0], nil
}

func checkInterprets(tx *gorm.DB, p *catalog.Publication) error {
	if p.InterpretsID == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&publicationRecord{}).Where("id = ?", *p.InterpretsID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return catalog.Invalid("interprets_id", "关联的政策文件（编号%d）不存在", *p.InterpretsID)
	}
	return nil
}

// CreatePublication implements catalog.PublicationService.
func (s *Store) CreatePublication(ctx context.Context, p *catalog.Publication, by catalog.Actor) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		unit, err := unitOf(tx, &itemRecord{}, p.ItemID, fmt.Sprintf("事项（编号%d）", p.ItemID))
		if err != nil {
			return err
		}
		if err := lockUnit(tx, unit); err != nil {
			return err
		}
		var it itemRecord
		if err := tx.Take(&it, p.ItemID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return catalog.Errorf(catalog.ENOTFOUND, "事项（编号%d）不存在", p.ItemID)
			}
			return translate(err, "事项")
		}
		if it.Status == string(catalog.ItemRetired) {
			return catalog.Errorf(catalog.ECONFLICT, "事项已撤销，不能再发布信息")
		}
		if err := checkInterprets(tx, p); err != nil {
			return translate(err, "政策解读关联")
		}
		if p.Publisher == "" {
			var u unitRecord
			if err := tx.Where("code = ?", it.UnitCode).Take(&u).Error; err != nil {
				return translate(err, "单位")
			}
			p.Publisher = u.FullName
		}
		serial, err := nextSerial(tx, it.UnitCode, p.PublishedOn.In(catalog.Shanghai).Format("200601"))
		if err != nil {
			return translate(err, "索引号")
		}
		r := publicationRecord{IndexNo: catalog.FormatIndexNo(it.UnitCode, p.PublishedOn.In(catalog.Shanghai), serial), UnitCode: it.UnitCode, ItemID: it.ID,
			Publisher: p.Publisher, Topic: p.Topic, Title: p.Title, DocNo: p.DocNo, GeneratedOn: p.GeneratedOn.UTC(), PublishedOn: p.PublishedOn.UTC(),
			Body: p.Body, InterpretsID: p.InterpretsID, Status: string(catalog.PubPublished), CreatedBy: by.Username}
		if err := tx.Omit("Unit", "Item", "Interprets").Create(&r).Error; err != nil {
			return translate(err, "公开信息")
		}
		if err := refreshLastPublished(tx, it.ID); err != nil {
			return translate(err, "事项")
		}
		*p = r.toPublication()
		toLocal(p)
		p.ItemName = it.Cols.Level2
		return audit(tx, by, it.UnitCode, "publication", "create", r.ID, r.IndexNo+" "+r.Title)
	})
}

// UpdatePublication implements catalog.PublicationService. The 索引号, unit
// and item stay as they were.
func (s *Store) UpdatePublication(ctx context.Context, p *catalog.Publication, by catalog.Actor) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		unit, err := unitOf(tx, &publicationRecord{}, p.ID, "公开信息")
		if err != nil {
			return err
		}
		if err := lockUnit(tx, unit); err != nil {
			return err
		}
		var r publicationRecord
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, p.ID).Error; err != nil {
			return translate(err, "公开信息")
		}
		if r.ItemID != p.ItemID {
			return catalog.Invalid("item_id", "不能修改组配分类；请撤回后在新事项下重新发布")
		}
		if r.Status == string(catalog.PubRetired) {
			return catalog.Errorf(catalog.ECONFLICT, "该信息已撤回，不能修改")
		}
		if err := checkInterprets(tx, p); err != nil {
			return translate(err, "政策解读关联")
		}
		if p.Publisher != "" {
			r.Publisher = p.Publisher
		}
		r.Topic, r.Title, r.DocNo, r.Body, r.InterpretsID = p.Topic, p.Title, p.DocNo, p.Body, p.InterpretsID
		r.GeneratedOn, r.PublishedOn = p.GeneratedOn.UTC(), p.PublishedOn.UTC()
		if err := tx.Omit("Unit", "Item", "Interprets").Save(&r).Error; err != nil {
			return translate(err, "公开信息")
		}
		if err := refreshLastPublished(tx, r.ItemID); err != nil {
			return translate(err, "事项")
		}
		*p = r.toPublication()
		toLocal(p)
		return audit(tx, by, r.UnitCode, "publication", "update", r.ID, r.IndexNo+" "+r.Title)
	})
}

// RetirePublication implements catalog.PublicationService.
func (s *Store) RetirePublication(ctx context.Context, id int64, reason string, by catalog.Actor) error {
	if reason == "" {
		return catalog.Invalid("reason", "撤回信息须填写原因")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		unit, err := unitOf(tx, &publicationRecord{}, id, "公开信息")
		if err != nil {
			return err
		}
		if err := lockUnit(tx, unit); err != nil {
			return err
		}
		var r publicationRecord
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, id).Error; err != nil {
			return translate(err, "公开信息")
		}
		if r.Status == string(catalog.PubRetired) {
			return catalog.Errorf(catalog.ECONFLICT, "该信息已撤回")
		}
		if err := tx.Model(&r).Updates(map[string]any{"status": string(catalog.PubRetired), "retired_reason": reason}).Error; err != nil {
			return translate(err, "公开信息")
		}
		if err := refreshLastPublished(tx, r.ItemID); err != nil {
			return translate(err, "事项")
		}
		return audit(tx, by, r.UnitCode, "publication", "retire", r.ID, reason)
	})
}

// AddAttachment implements catalog.PublicationService.
func (s *Store) AddAttachment(ctx context.Context, pubID int64, a *catalog.Attachment, by catalog.Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p publicationRecord
		if err := tx.Select("id, unit_code, index_no").Take(&p, pubID).Error; err != nil {
			return translate(err, "公开信息")
		}
		r := attachmentRecord{PublicationID: pubID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedBy: by.Username}
		if err := tx.Omit("Publication").Create(&r).Error; err != nil {
			return translate(err, "附件")
		}
		*a = r.toAttachment()
		return audit(tx, by, p.UnitCode, "publication", "attach", pubID, a.Name)
	})
}

// FindAttachment implements catalog.PublicationService.
func (s *Store) FindAttachment(ctx context.Context, id int64) (*catalog.Attachment, int64, error) {
	var r attachmentRecord
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, 0, translate(err, "附件")
	}
	a := r.toAttachment()
	return &a, r.PublicationID, nil
}

// CountView implements catalog.PublicationService.
func (s *Store) CountView(ctx context.Context, id int64) error {
	return translate(s.db.WithContext(ctx).Model(&publicationRecord{}).Where("id = ?", id).
		UpdateColumn("views", gorm.Expr("views + 1")).Error, "公开信息")
}

// SeedPublication is a demo publication with its seed key; InterpretsKey names
// the seed key of the policy a 政策解读 explains.
type SeedPublication struct {
	Key           string
	Pub           catalog.Publication
	InterpretsKey string
}

// EnsurePublications stores the seed publications of one unit whose keys are
// new, numbering them in publication order, in one transaction; it returns
// how many it created.
func (s *Store) EnsurePublications(ctx context.Context, unitCode string, seeds []SeedPublication) (int, error) {
	created := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockUnit(tx, unitCode); err != nil {
			return err
		}
		var have []string
		if err := tx.Model(&publicationRecord{}).Where("unit_code = ? AND seed_key IS NOT NULL", unitCode).Pluck("seed_key", &have).Error; err != nil {
			return err
		}
		exists := map[string]bool{}
		for _, k := range have {
			exists[k] = true
		}
		var todo []SeedPublication
		for _, sp := range seeds {
			if !exists[sp.Key] {
				todo = append(todo, sp)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		sort.SliceStable(todo, func(i, j int) bool { return todo[i].Pub.PublishedOn.Before(todo[j].Pub.PublishedOn) })
		var serials []serialRecord
		if err := tx.Where("unit_code = ?", unitCode).Find(&serials).Error; err != nil {
			return err
		}
		last := map[string]int{}
		for _, sr := range serials {
			last[sr.Month] = sr.Last
		}
		recs := make([]publicationRecord, len(todo))
		items := map[int64]bool{}
		for i, sp := range todo {
			p := sp.Pub
			if err := p.Validate(); err != nil {
				return err
			}
			month := p.PublishedOn.In(catalog.Shanghai).Format("200601")
			last[month]++
			key := sp.Key
			recs[i] = publicationRecord{IndexNo: catalog.FormatIndexNo(unitCode, p.PublishedOn.In(catalog.Shanghai), last[month]), UnitCode: unitCode, ItemID: p.ItemID,
				Publisher: p.Publisher, Topic: p.Topic, Title: p.Title, DocNo: p.DocNo, GeneratedOn: p.GeneratedOn.UTC(), PublishedOn: p.PublishedOn.UTC(),
				Body: p.Body, Views: p.Views, Status: string(catalog.PubPublished), CreatedBy: p.CreatedBy, SeedKey: &key}
			items[p.ItemID] = true
		}
		if err := tx.Omit("Unit", "Item", "Interprets").CreateInBatches(recs, 200).Error; err != nil {
			return err
		}
		for month, n := range last {
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_code"}, {Name: "month"}},
				DoUpdates: clause.AssignmentColumns([]string{"last_serial"})}).Create(&serialRecord{UnitCode: unitCode, Month: month, Last: n}).Error; err != nil {
				return err
			}
		}
		// Link interpretations to their policies by seed key.
		for i, sp := range todo {
			if sp.InterpretsKey == "" {
				continue
			}
			var target publicationRecord
			if err := tx.Select("id").Where("seed_key = ?", sp.InterpretsKey).Take(&target).Error; err != nil {
				continue // a policy not seeded: leave the interpretation unlinked
			}
			if err := tx.Model(&publicationRecord{}).Where("id = ?", recs[i].ID).UpdateColumn("interprets_id", target.ID).Error; err != nil {
				return err
			}
		}
		ids := make([]int64, 0, len(items))
		for id := range items {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if err := refreshLastPublished(tx, ids...); err != nil {
			return err
		}
		created = len(recs)
		return nil
	})
	return created, translate(err, "示例公开信息")
}
