package gormstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
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

// toLocal shows the dates in Asia/Shanghai; an unset 发布日期 (a draft's)
// stays the zero time.
func toLocal(p *catalog.Publication) {
	p.GeneratedOn = p.GeneratedOn.In(catalog.Shanghai)
	if p.PublishedOn.Year() <= 1 {
		p.PublishedOn = time.Time{}
	} else {
		p.PublishedOn = p.PublishedOn.In(catalog.Shanghai)
	}
	if p.RectifyDue != nil {
		d := p.RectifyDue.In(catalog.Shanghai)
		p.RectifyDue = &d
	}
}

// FindPublications implements catalog.PublicationService.
func (s *Store) FindPublications(ctx context.Context, f catalog.PubFilter) ([]catalog.Publication, error) {
	q := s.db.WithContext(ctx).Order("published_on DESC, id DESC")
	if len(f.Domains) > 0 {
		q = q.Where("item_id IN (?)", s.db.Model(&itemRecord{}).Select("id").Where("domain_code IN ?", f.Domains))
	}
	if f.ItemID != 0 {
		q = q.Where("item_id = ?", f.ItemID)
	}
	if f.UnitCode != "" {
		q = q.Where("unit_code = ?", f.UnitCode)
	}
	if f.Interprets != 0 {
		q = q.Where("interprets_id = ?", f.Interprets)
	}
	if len(f.Statuses) == 0 {
		q = q.Where("status = ?", string(catalog.PubPublished))
	} else {
		st := make([]string, len(f.Statuses))
		for i, x := range f.Statuses {
			st[i] = string(x)
		}
		q = q.Where("status IN ?", st)
	}
	if f.After != nil {
		at := f.After.At.UTC()
		q = q.Where("published_on < ? OR (published_on = ? AND id < ?)", at, at, f.After.ID)
	}
	if w := strings.TrimSpace(f.Query); w != "" {
		// '!' escapes, as it needs no escaping itself in either SQL dialect.
		like := "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(w) + "%"
		q = q.Where("(title LIKE ? ESCAPE '!' OR doc_no LIKE ? ESCAPE '!' OR index_no = ? OR body_text LIKE ? ESCAPE '!')", like, like, w, like)
	}
	const day = "CASE WHEN status = 'published' THEN published_on ELSE generated_on END"
	if !f.From.IsZero() {
		q = q.Where(day+" >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where(day+" < ?", f.To.AddDate(0, 0, 1).UTC())
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

// checkInterprets refuses a link from an interpretation of unit to a
// policy its writer may not read: the policy must be public, or the
// unit's own. Another unit's draft answers as one that does not exist, so
// the link cannot tell whether it does.
func checkInterprets(tx *gorm.DB, unit string, p *catalog.Publication) error {
	if p.InterpretsID == nil {
		return nil
	}
	var target publicationRecord
	err := tx.Select("id, unit_code, status, item_id").Take(&target, *p.InterpretsID).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	if err != nil || (target.UnitCode != unit && !catalog.PubStatus(target.Status).Public()) || (p.ID != 0 && target.ID == p.ID) {
		return catalog.Invalid("interprets_id", "关联的政策文件（编号%d）不存在或尚未发布；只能关联已发布的政策文件或本单位的文件", *p.InterpretsID)
	}
	// What is interpreted is a policy document (本级政府文件, 政策法规),
	// as the form's list offers and the inspection counts.
	var domain string
	if err := tx.Model(&itemRecord{}).Select("domain_code").Where("id = ?", target.ItemID).Scan(&domain).Error; err != nil {
		return err
	}
	if !catalog.IsPolicyDomain(domain) {
		return catalog.Invalid("interprets_id", "编号%d的信息不是政策文件（本级政府文件或政策法规），不能作为解读的对象", *p.InterpretsID)
	}
	return nil
}

// newIndexNo gives a unit's next publication of the month its 索引号: the
// next serial, skipping any number another unit already holds (a pattern
// by organisation code may meet a unit code or an earlier pattern's
// numbers).
func newIndexNo(tx *gorm.DB, unit string, month time.Time) (string, error) {
	for range 1000 {
		serial, err := nextSerial(tx, unit, month.Format("200601"))
		if err != nil {
			return "", translate(err, "索引号")
		}
		no, err := countyIndexNo(tx, unit, month, serial)
		if err != nil {
			return "", err
		}
		var taken int64
		if err := tx.Model(&publicationRecord{}).Where("index_no = ?", no).Count(&taken).Error; err != nil {
			return "", translate(err, "索引号")
		}
		if taken == 0 {
			return no, nil
		}
	}
	return "", catalog.Errorf(catalog.ECONFLICT, "索引号已被其他单位占用，请检查本县的索引号格式和各单位的统一社会信用代码")
}

// countyIndexNo is the 索引号 of a unit's serial-th publication of the
// month, by the county's pattern and the unit's 统一社会信用代码.
func countyIndexNo(tx *gorm.DB, unit string, month time.Time, serial int) (string, error) {
	c, err := county(tx)
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return "", err
	}
	var credit []string
	if c.IndexPattern != "" {
		if err := tx.Model(&unitRecord{}).Where("code = ?", unit).Pluck("credit_code", &credit).Error; err != nil {
			return "", translate(err, "单位")
		}
	}
	return catalog.IndexNo(c.IndexPattern, unit, strings.Join(credit, ""), month, serial), nil
}

// countyRules checks a publication against the county's own rules (the
// shortest consultation period), once the county is set up.
func countyRules(tx *gorm.DB, p *catalog.Publication) error {
	c, err := county(tx)
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	return p.CheckConsultation(c)
}

// CreatePublication implements catalog.PublicationService.
func (s *Store) CreatePublication(ctx context.Context, p *catalog.Publication, by catalog.Actor) error {
	if err := p.Validate(); err != nil {
		return err
	}
	asked := *p
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*p = asked // as asked, when run again after a deadlock
		if err := countyRules(tx, p); err != nil {
			return err
		}
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
		if err := checkInterprets(tx, it.UnitCode, p); err != nil {
			return translate(err, "政策解读关联")
		}
		if p.Publisher == "" {
			var u unitRecord
			if err := tx.Where("code = ?", it.UnitCode).Take(&u).Error; err != nil {
				return translate(err, "单位")
			}
			p.Publisher = u.FullName
		}
		// The 索引号 is given on registration, in the month of the 发布日期
		// the clerk gave or else of today.
		month := time.Now().In(catalog.Shanghai)
		if !p.PublishedOn.IsZero() {
			month = p.PublishedOn.In(catalog.Shanghai)
		}
		indexNo, err := newIndexNo(tx, it.UnitCode, month)
		if err != nil {
			return err
		}
		r := publicationRecord{IndexNo: indexNo, UnitCode: it.UnitCode, ItemID: it.ID,
			Publisher: p.Publisher, Topic: p.Topic, Title: p.Title, DocNo: p.DocNo, GeneratedOn: p.GeneratedOn.UTC(), PublishedOn: utcOrZero(p.PublishedOn),
			Body: p.Body, InterpretsID: p.InterpretsID, ConsultOpens: utcPtr(p.ConsultOpens), ConsultCloses: utcPtr(p.ConsultCloses),
			Status: string(catalog.PubDraft), LockVersion: 1, CreatedBy: by.Username}
		if err := tx.Omit("Unit", "Item", "Interprets").Create(&r).Error; err != nil {
			return translate(err, "公开信息")
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
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := countyRules(tx, p); err != nil {
			return err
		}
		r, err := lockPublication(tx, p.ID)
		if err != nil {
			return err
		}
		if r.ItemID != p.ItemID {
			return catalog.Invalid("item_id", "不能修改组配分类；请撤回后在新事项下重新发布")
		}
		switch st := catalog.PubStatus(r.Status); st {
		case catalog.PubDraft, catalog.PubTakenDown:
		default:
			return catalog.Errorf(catalog.ECONFLICT, "该信息的状态为“%s”，不能修改（草稿和撤下待整改的信息才能修改）", st.Name())
		}
		if p.Version != 0 && p.Version != r.LockVersion {
			return catalog.Errorf(catalog.ECONFLICT, "该信息已被他人修改（您编辑的是第%d版，现为第%d版），请刷新后重新修改", p.Version, r.LockVersion)
		}
		if err := checkInterprets(tx, r.UnitCode, p); err != nil {
			return translate(err, "政策解读关联")
		}
		before := r.toPublication()
		if p.Publisher != "" {
			r.Publisher = p.Publisher
		}
		r.Topic, r.Title, r.DocNo, r.Body, r.InterpretsID = p.Topic, p.Title, p.DocNo, p.Body, p.InterpretsID
		r.ConsultOpens, r.ConsultCloses = utcPtr(p.ConsultOpens), utcPtr(p.ConsultCloses)
		r.GeneratedOn, r.PublishedOn = p.GeneratedOn.UTC(), utcOrZero(p.PublishedOn)
		r.LockVersion++
		if err := tx.Omit("Unit", "Item", "Interprets").Save(&r).Error; err != nil {
			return translate(err, "公开信息")
		}
		*p = r.toPublication()
		toLocal(p)
		after := r.toPublication()
		return auditChange(tx, by, r.UnitCode, "publication", "update", r.ID, diffTitle(before.Title, r.Title), before, after)
	})
}

func diffTitle(before, after string) string {
	if before == after {
		return after
	}
	return before + " → " + after
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// Transition implements catalog.PublicationService. The caller has checked
// the acting user's right for the step; this checks the state under the
// unit's lock, so two reviewers cannot both act on one submission.
func (s *Store) Transition(ctx context.Context, id int64, step catalog.Step, by catalog.Actor) (*catalog.Publication, error) {
	var out catalog.Publication
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		r, err := lockPublication(tx, id)
		if err != nil {
			return err
		}
		from := catalog.PubStatus(r.Status)
		t, ok := catalog.FindTransition(from, step.Action)
		if !ok {
			return catalog.Errorf(catalog.ECONFLICT, "该信息的状态为“%s”，不能%s", from.Name(), catalog.StepName(step.Action))
		}
		if err := step.Validate(t); err != nil {
			return err
		}
		now := time.Now().UTC()
		switch t.Step {
		case catalog.StepSubmit, catalog.StepRectify:
			if err := requireForSubmission(tx, r); err != nil {
				return err
			}
			if _, err := catalog.CheckPrivacy(r.Title+"\n"+catalog.BodyText(r.Body)+"\n"+step.AttachmentText, step.Privacy); err != nil {
				return err
			}
			r.SubmittedByID, r.SubmittedBy = by.UserID, by.Username
		case catalog.StepApprove:
			if r.SubmittedByID == by.UserID {
				return catalog.Errorf(catalog.EFORBIDDEN, "不能审核自己提交的信息，须由本单位其他负责人审核")
			}
			if err := requireInterpretationLink(tx, r); err != nil {
				return err
			}
			r.ApprovedBy = by.Username
			if r.PublishedOn.IsZero() {
				r.PublishedOn = now
			}
			if !step.PublishAt.IsZero() && step.PublishAt.After(now) {
				r.PublishedOn = step.PublishAt.UTC()
				t.To = catalog.PubScheduled
			} else {
				becamePublic(&r, now)
			}
			r.TakedownReason, r.RectifyDue = "", nil
		case catalog.StepTakedown:
			due := step.RectifyDue.UTC()
			r.TakedownReason, r.RectifyDue = step.Reason, &due
		}
		if step.Reason != "" || step.Note != "" {
			r.StatusReason, r.StatusNote = step.Reason, step.Note
			if t.Step == catalog.StepTakedown {
				name, _ := catalog.TakedownReasonName(step.Reason)
				r.StatusReason = name
			}
		}
		if from == catalog.PubPublished && t.To != catalog.PubPublished {
			r.PublicUntil = &now
		}
		r.Status = string(t.To)
		r.LockVersion++
		if err := tx.Omit("Unit", "Item", "Interprets").Save(&r).Error; err != nil {
			return translate(err, "公开信息")
		}
		ev := eventRecord{PublicationID: r.ID, Action: string(t.Step), FromStatus: string(from), ToStatus: string(t.To), ActorID: by.UserID,
			Actor: by.Username, Note: step.Note, At: now}
		if step.Reason != "" {
			ev.Reason = r.StatusReason
		}
		if step.Checklist != nil {
			b, _ := json.Marshal(step.Checklist)
			ev.Checklist = string(b)
		}
		if len(step.Privacy) > 0 {
			b, _ := json.Marshal(step.Privacy)
			ev.Privacy = string(b)
		}
		if err := tx.Omit("Publication").Create(&ev).Error; err != nil {
			return translate(err, "审核记录")
		}
		if from == catalog.PubPublished || t.To == catalog.PubPublished {
			if err := refreshLastPublished(tx, r.ItemID); err != nil {
				return translate(err, "事项")
			}
		}
		if t.To == catalog.PubPublished && r.SupersedesID != nil {
			if err := supersede(tx, *r.SupersedesID, r.ID, by, now); err != nil {
				return err
			}
		}
		out = r.toPublication()
		toLocal(&out)
		return auditChange(tx, by, r.UnitCode, "publication", string(t.Step), r.ID, fmt.Sprintf("%s → %s %s", from, t.To, r.StatusReason),
			map[string]any{"status": from}, map[string]any{"status": t.To, "reason": r.StatusReason, "note": step.Note, "rectify_due": r.RectifyDue})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// becamePublic records that r is public from now: the first time, its
// PublicFrom; any time, it is no longer ended.
func becamePublic(r *publicationRecord, now time.Time) {
	if r.PublicFrom == nil {
		r.PublicFrom = &now
	}
	r.PublicUntil = nil
}

// lockPublication takes the publication's unit lock (see lockUnit), then the
// publication's row, and returns it.
func lockPublication(tx *gorm.DB, id int64) (publicationRecord, error) {
	var r publicationRecord
	unit, err := unitOf(tx, &publicationRecord{}, id, "公开信息")
	if err != nil {
		return r, err
	}
	if err := lockUnit(tx, unit); err != nil {
		return r, err
	}
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, id).Error; err != nil {
		return r, translate(err, "公开信息")
	}
	return r, nil
}

// supersede marks the old version replaced once its revision is public.
func supersede(tx *gorm.DB, oldID, newID int64, by catalog.Actor, now time.Time) error {
	var old publicationRecord
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&old, oldID).Error; err != nil {
		return translate(err, "原版本")
	}
	if old.Status != string(catalog.PubPublished) {
		return nil // withdrawn or taken down meanwhile: nothing to replace
	}
	if err := tx.Model(&old).Updates(map[string]any{"status": string(catalog.PubSuperseded), "superseded_by_id": newID,
		"lock_version": old.LockVersion + 1, "public_until": now}).Error; err != nil {
		return translate(err, "原版本")
	}
	ev := eventRecord{PublicationID: oldID, Action: "supersede", FromStatus: old.Status, ToStatus: string(catalog.PubSuperseded),
		ActorID: by.UserID, Actor: by.Username, Note: fmt.Sprintf("由新版本（编号%d）替代", newID), At: now}
	if err := tx.Omit("Publication").Create(&ev).Error; err != nil {
		return translate(err, "审核记录")
	}
	if err := refreshLastPublished(tx, old.ItemID); err != nil {
		return translate(err, "事项")
	}
	return auditChange(tx, by, old.UnitCode, "publication", "supersede", oldID, fmt.Sprintf("由%d替代", newID),
		map[string]any{"status": old.Status}, map[string]any{"status": catalog.PubSuperseded, "superseded_by_id": newID})
}

// Revise implements catalog.PublicationService.
func (s *Store) Revise(ctx context.Context, id int64, by catalog.Actor) (*catalog.Publication, error) {
	var out catalog.Publication
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		old, err := lockPublication(tx, id)
		if err != nil {
			return err
		}
		if old.Status != string(catalog.PubPublished) {
			return catalog.Errorf(catalog.ECONFLICT, "只有已发布的信息才能修订，该信息的状态为“%s”", catalog.PubStatus(old.Status).Name())
		}
		var n int64
		if err := tx.Model(&publicationRecord{}).Where("supersedes_id = ? AND status IN ?", id,
			[]string{string(catalog.PubDraft), string(catalog.PubSubmitted), string(catalog.PubTakenDown), string(catalog.PubScheduled)}).Count(&n).Error; err != nil {
			return translate(err, "公开信息")
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "该信息已有修订版本在办理中")
		}
		oldID := old.ID
		indexNo, err := newIndexNo(tx, old.UnitCode, time.Now().In(catalog.Shanghai))
		if err != nil {
			return err
		}
		r := publicationRecord{IndexNo: indexNo, UnitCode: old.UnitCode, ItemID: old.ItemID,
			Publisher: old.Publisher, Topic: old.Topic, Title: old.Title, DocNo: old.DocNo, GeneratedOn: old.GeneratedOn, Body: old.Body,
			InterpretsID: old.InterpretsID, ConsultOpens: old.ConsultOpens, ConsultCloses: old.ConsultCloses, SupersedesID: &oldID,
			Status: string(catalog.PubDraft), LockVersion: 1, CreatedBy: by.Username}
		if err := tx.Omit("Unit", "Item", "Interprets").Create(&r).Error; err != nil {
			return translate(err, "公开信息")
		}
		// The revision starts with the old version's attachments; the
		// files are shared by content, so only the rows are copied.
		var atts []attachmentRecord
		if err := tx.Where("publication_id = ?", oldID).Order("id").Find(&atts).Error; err != nil {
			return translate(err, "附件")
		}
		out = r.toPublication()
		toLocal(&out)
		out.Attachments = []catalog.Attachment{}
		for _, a := range atts {
			c := attachmentRecord{PublicationID: r.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedBy: by.Username}
			if err := tx.Omit("Publication").Create(&c).Error; err != nil {
				return translate(err, "附件")
			}
			out.Attachments = append(out.Attachments, c.toAttachment())
		}
		return audit(tx, by, r.UnitCode, "publication", "revise", r.ID, fmt.Sprintf("修订%d", oldID))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReleaseScheduled implements catalog.PublicationService. Any instance may
// run it: a publication is released once, by whichever gets its unit's lock.
func (s *Store) ReleaseScheduled(ctx context.Context, now time.Time) (int, error) {
	var due []publicationRecord
	if err := s.db.WithContext(ctx).Select("id, unit_code").Where("status = ? AND published_on <= ?", string(catalog.PubScheduled), now.UTC()).
		Limit(500).Find(&due).Error; err != nil {
		return 0, translate(err, "定时发布")
	}
	released := 0
	system := catalog.Actor{Username: "system"}
	for _, d := range due {
		did := false
		err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
			did = false
			if err := lockUnit(tx, d.UnitCode); err != nil {
				return err
			}
			var r publicationRecord
			if err := tx.Take(&r, d.ID).Error; err != nil {
				return err
			}
			if r.Status != string(catalog.PubScheduled) {
				return nil // withdrawn or released meanwhile
			}
			becamePublic(&r, now.UTC())
			if err := tx.Model(&r).Updates(map[string]any{"status": string(catalog.PubPublished), "lock_version": r.LockVersion + 1,
				"public_from": r.PublicFrom, "public_until": nil}).Error; err != nil {
				return err
			}
			ev := eventRecord{PublicationID: r.ID, Action: "release", FromStatus: r.Status, ToStatus: string(catalog.PubPublished), Actor: system.Username, At: now.UTC()}
			if err := tx.Omit("Publication").Create(&ev).Error; err != nil {
				return err
			}
			if err := refreshLastPublished(tx, r.ItemID); err != nil {
				return err
			}
			if r.SupersedesID != nil {
				if err := supersede(tx, *r.SupersedesID, r.ID, system, now.UTC()); err != nil {
					return err
				}
			}
			did = true
			return audit(tx, system, r.UnitCode, "publication", "release", r.ID, "定时发布")
		})
		if err != nil {
			return released, translate(err, "定时发布")
		}
		if did {
			released++
		}
	}
	return released, nil
}

// requireInterpretationLink refuses to put a 政策解读 forward without the
// policy it explains (the rubric wants 100% linked).
func requireInterpretationLink(tx *gorm.DB, r publicationRecord) error {
	if r.InterpretsID != nil {
		return nil
	}
	var domain string
	if err := tx.Model(&itemRecord{}).Where("id = ?", r.ItemID).Pluck("domain_code", &domain).Error; err != nil {
		return translate(err, "事项")
	}
	if domain == InterpretationDomain {
		return catalog.Invalid("interprets_id", "政策解读须关联所解读的政策文件后才能提交和发布")
	}
	return nil
}

// requireForSubmission adds to the interpretation link that a publication
// under a consultation item (二级事项 with 征求意见) carries its dates.
func requireForSubmission(tx *gorm.DB, r publicationRecord) error {
	if err := requireInterpretationLink(tx, r); err != nil {
		return err
	}
	var level2 string
	if err := tx.Model(&itemRecord{}).Where("id = ?", r.ItemID).Pluck("level2", &level2).Error; err != nil {
		return translate(err, "事项")
	}
	if strings.Contains(level2, "征求意见") && (r.ConsultOpens == nil || r.ConsultCloses == nil) {
		return catalog.Invalid("consultation_opens", "意见征集须填写开始和截止日期")
	}
	return nil
}

// InterpretationDomain is the code of the 政策解读 column.
const InterpretationDomain = "zcjd"

// FindEvents implements catalog.PublicationService.
func (s *Store) FindEvents(ctx context.Context, id int64) ([]catalog.Event, error) {
	var rs []eventRecord
	if err := s.db.WithContext(ctx).Where("publication_id = ?", id).Order("id").Find(&rs).Error; err != nil {
		return nil, translate(err, "审核记录")
	}
	out := make([]catalog.Event, len(rs))
	for i, r := range rs {
		out[i] = catalog.Event{ID: r.ID, PubID: r.PublicationID, Action: catalog.PubAction(r.Action), From: catalog.PubStatus(r.FromStatus),
			To: catalog.PubStatus(r.ToStatus), Actor: r.Actor, Reason: r.Reason, Note: r.Note, At: r.At.In(catalog.Shanghai)}
		if r.Checklist != "" {
			var c catalog.Checklist
			if json.Unmarshal([]byte(r.Checklist), &c) == nil {
				out[i].Checklist = &c
			}
		}
		if r.Privacy != "" {
			_ = json.Unmarshal([]byte(r.Privacy), &out[i].Privacy)
		}
	}
	return out, nil
}

// lockEditable locks a publication whose attachments are to change and
// refuses one that is not editable.
func lockEditable(tx *gorm.DB, pubID int64, what string) (publicationRecord, error) {
	p, err := lockPublication(tx, pubID)
	if err != nil {
		return p, err
	}
	if st := catalog.PubStatus(p.Status); !st.Editable() {
		hint := ""
		if st == catalog.PubPublished {
			hint = "；已发布的信息请点“修订”生成新版本，在新版本中修改附件，审核发布后替代原版本"
		}
		return p, catalog.Errorf(catalog.ECONFLICT, "该信息%s，不能%s（只有草稿、退回修改和撤下待整改的信息才能修改附件）%s", st.Name(), what, hint)
	}
	return p, nil
}

// AddAttachment implements catalog.PublicationService.
func (s *Store) AddAttachment(ctx context.Context, pubID int64, a *catalog.Attachment, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		p, err := lockEditable(tx, pubID, "添加附件")
		if err != nil {
			return err
		}
		r := attachmentRecord{PublicationID: pubID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedBy: by.Username}
		if err := tx.Omit("Publication").Create(&r).Error; err != nil {
			return translate(err, "附件")
		}
		*a = r.toAttachment()
		return audit(tx, by, p.UnitCode, "publication", "attach", pubID, a.Name)
	})
}

// DeleteAttachment implements catalog.PublicationService.
func (s *Store) DeleteAttachment(ctx context.Context, pubID, attachmentID int64, by catalog.Actor) (*catalog.Attachment, bool, error) {
	var out catalog.Attachment
	inUse := false
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		p, err := lockEditable(tx, pubID, "删除附件")
		if err != nil {
			return err
		}
		var r attachmentRecord
		if err := tx.Where("id = ? AND publication_id = ?", attachmentID, pubID).Take(&r).Error; err != nil {
			return translate(err, "附件")
		}
		if err := tx.Delete(&r).Error; err != nil {
			return translate(err, "附件")
		}
		var n int64
		if err := tx.Model(&attachmentRecord{}).Where("sha256 = ?", r.SHA256).Count(&n).Error; err != nil {
			return translate(err, "附件")
		}
		inUse = n > 0
		out = r.toAttachment()
		return auditChange(tx, by, p.UnitCode, "publication", "detach", pubID, r.Name, out, nil)
	})
	if err != nil {
		return nil, false, err
	}
	return &out, inUse, nil
}

// DeletePublication implements catalog.PublicationService.
func (s *Store) DeletePublication(ctx context.Context, id int64, by catalog.Actor) ([]string, error) {
	var unused []string
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		unused = nil // run again after a deadlock
		p, err := lockPublication(tx, id)
		if err != nil {
			return err
		}
		if catalog.PubStatus(p.Status) != catalog.PubDraft {
			return catalog.Errorf(catalog.ECONFLICT, "该信息%s，不能删除（只有从未提交审核的草稿可以删除）", catalog.PubStatus(p.Status).Name())
		}
		var n int64
		if err := tx.Model(&eventRecord{}).Where("publication_id = ? AND action = ?", id, string(catalog.StepSubmit)).Count(&n).Error; err != nil {
			return translate(err, "公开信息")
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "该草稿曾提交审核，审核记录须保留，不能删除；不再需要的请由负责人“撤回”")
		}
		if err := tx.Model(&publicationRecord{}).Where("interprets_id = ?", id).Count(&n).Error; err != nil {
			return translate(err, "公开信息")
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "有%d条政策解读关联了该草稿，请先解除关联", n)
		}
		var atts []attachmentRecord
		if err := tx.Where("publication_id = ?", id).Find(&atts).Error; err != nil {
			return translate(err, "附件")
		}
		before := p.toPublication()
		for _, a := range atts {
			before.Attachments = append(before.Attachments, a.toAttachment())
		}
		for _, m := range []any{&attachmentRecord{}, &eventRecord{}} {
			if err := tx.Where("publication_id = ?", id).Delete(m).Error; err != nil {
				return translate(err, "公开信息")
			}
		}
		if err := tx.Delete(&publicationRecord{}, id).Error; err != nil {
			return translate(err, "公开信息")
		}
		for _, a := range atts {
			if err := tx.Model(&attachmentRecord{}).Where("sha256 = ?", a.SHA256).Count(&n).Error; err != nil {
				return translate(err, "附件")
			}
			if n == 0 {
				unused = append(unused, a.SHA256)
			}
		}
		return auditChange(tx, by, p.UnitCode, "publication", "delete", id, "删除草稿 "+p.IndexNo+" "+p.Title, before, nil)
	})
	if err != nil {
		return nil, err
	}
	return unused, nil
}

// FileInUse implements catalog.PublicationService.
func (s *Store) FileInUse(ctx context.Context, sha256 string) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&attachmentRecord{}).Where("sha256 = ?", sha256).Count(&n).Error; err != nil {
		return false, translate(err, "附件")
	}
	return n > 0, nil
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

// AddViews implements catalog.PublicationService.
func (s *Store) AddViews(ctx context.Context, id, n int64) error {
	return translate(s.db.WithContext(ctx).Model(&publicationRecord{}).Where("id = ?", id).
		UpdateColumn("views", gorm.Expr("views + ?", n)).Error, "公开信息")
}

// EachPublishedBetween is EachPublished for the publications published
// from from to to (dates, inclusive); withBody false leaves bodies out.
// With publicAt, they are those public at the end of that day — approved
// by then, and not withdrawn, taken down or replaced until after — so a
// past quarter reads the same whatever is approved or withdrawn today;
// without it, those public now.
// Rows are found by the (status, published_on) index, so only the period
// is touched, and come in no particular order: sorting a province's
// hundred thousand rows (and their bodies) took the database a temporary
// B-tree on disk; the inspection orders what it lists itself.
func (s *Store) EachPublishedBetween(ctx context.Context, from, to, publicAt time.Time, withBody bool, fn func(catalog.Publication) error) error {
	body := "''"
	if withBody {
		body = "body"
	}
	q := s.db.WithContext(ctx).Model(&publicationRecord{}).
		Select("id, unit_code, item_id, title, "+dbconn.TextTime(s.db, "generated_on")+", "+dbconn.TextTime(s.db, "published_on")+", interprets_id, "+body).
		Where("published_on >= ? AND published_on < ?", from.UTC(), to.AddDate(0, 0, 1).UTC())
	if publicAt.IsZero() {
		q = q.Where("status = ?", string(catalog.PubPublished))
	} else {
		// Public at the end of that day: published by then and still, or
		// published by then and ended only after.
		y, m, d := publicAt.In(catalog.Shanghai).Date()
		end := time.Date(y, m, d+1, 0, 0, 0, 0, catalog.Shanghai).UTC()
		q = q.Where("((status = ? AND (public_from IS NULL OR public_from < ?)) OR (status IN ? AND public_from < ? AND public_until >= ?))",
			string(catalog.PubPublished), end,
			[]string{string(catalog.PubSuperseded), string(catalog.PubWithdrawn), string(catalog.PubTakenDown)}, end, end)
	}
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("gormstore: publications between %s and %s: %w", from.Format("2006-01-02"), to.Format("2006-01-02"), err)
	}
	defer rows.Close()
	for rows.Next() {
		var p catalog.Publication
		var interprets sql.NullInt64
		var generated, published dbconn.Time
		if err := rows.Scan(&p.ID, &p.UnitCode, &p.ItemID, &p.Title, &generated, &published, &interprets, &p.Body); err != nil {
			return fmt.Errorf("gormstore: publications between: %w", err)
		}
		p.GeneratedOn, p.PublishedOn = generated.Time, published.Time
		if interprets.Valid {
			v := interprets.Int64
			p.InterpretsID = &v
		}
		p.Status = catalog.PubPublished
		toLocal(&p)
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AttachmentsPublishedBetween lists the attachments of the publications
// published from from to to (dates, inclusive), by publication id.
func (s *Store) AttachmentsPublishedBetween(ctx context.Context, from, to time.Time) (map[int64][]catalog.Attachment, error) {
	var rs []attachmentRecord
	err := s.db.WithContext(ctx).Joins("JOIN publications ON publications.id = attachments.publication_id").
		Where("publications.status = ? AND publications.published_on >= ? AND publications.published_on < ?", string(catalog.PubPublished), from.UTC(), to.AddDate(0, 0, 1).UTC()).
		Order("attachments.id").Find(&rs).Error
	if err != nil {
		return nil, translate(err, "附件")
	}
	out := map[int64][]catalog.Attachment{}
	for _, r := range rs {
		out[r.PublicationID] = append(out[r.PublicationID], r.toAttachment())
	}
	return out, nil
}

// EachPublished calls fn with every published publication, its body
// included and its attachments not, a batch at a time; the search index is
// built from it.
func (s *Store) EachPublished(ctx context.Context, fn func(catalog.Publication) error) error {
	var batch []publicationRecord
	res := s.db.WithContext(ctx).Select("id", "unit_code", "item_id", "title", "body", "doc_no", "generated_on", "published_on", "interprets_id").
		Where("status = ?", string(catalog.PubPublished)).FindInBatches(&batch, 2000, func(tx *gorm.DB, _ int) error {
		for _, r := range batch {
			p := r.toPublication()
			toLocal(&p)
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	})
	if res.Error != nil {
		return fmt.Errorf("gormstore: published publications: %w", res.Error)
	}
	return nil
}

// EachPublishedNewestFirst calls fn for every published publication,
// newest first (by publication time, then id), reading pages of 2,000 by
// key on the (status, published_on) index: for building the search index
// in the order it shows equal matches.
func (s *Store) EachPublishedNewestFirst(ctx context.Context, fn func(catalog.Publication) error) error {
	type key struct {
		ID          int64
		PublishedOn time.Time
	}
	var last *key
	for {
		// The page's ids first, from the (status, published_on) index
		// alone: a range MariaDB's optimiser walks down (with the bodies
		// in the select list it preferred to scan from the top each time);
		// then the rows by id.
		var keys []key
		q := s.db.WithContext(ctx).Model(&publicationRecord{}).Select("id", "published_on").Where("status = ?", string(catalog.PubPublished))
		if last != nil {
			q = q.Where("published_on <= ? AND (published_on < ? OR id < ?)", last.PublishedOn, last.PublishedOn, last.ID)
		}
		if err := q.Order("published_on DESC, id DESC").Limit(2000).Scan(&keys).Error; err != nil {
			return fmt.Errorf("gormstore: published publications: %w", err)
		}
		if len(keys) == 0 {
			return nil
		}
		ids := make([]int64, len(keys))
		for i, k := range keys {
			ids[i] = k.ID
		}
		var batch []publicationRecord
		if err := s.db.WithContext(ctx).Select("id", "unit_code", "item_id", "title", "body", "doc_no", "generated_on", "published_on").
			Where("id IN ?", ids).Find(&batch).Error; err != nil {
			return fmt.Errorf("gormstore: published publications: %w", err)
		}
		byID := make(map[int64]*publicationRecord, len(batch))
		for i := range batch {
			byID[batch[i].ID] = &batch[i]
		}
		for _, id := range ids {
			r, ok := byID[id]
			if !ok {
				continue // gone meanwhile
			}
			p := r.toPublication()
			toLocal(&p)
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(keys) < 2000 {
			return nil
		}
		last = &keys[len(keys)-1]
	}
}

// PublishedBodies returns the text of the publications of ids that are
// published, as the search index read it: the body and the document number.
func (s *Store) PublishedBodies(ctx context.Context, ids []int64) (map[int64]string, error) {
	var rows []publicationRecord
	if err := s.db.WithContext(ctx).Select("id", "body", "doc_no").Where("id IN ? AND status = ?", ids, string(catalog.PubPublished)).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = SearchBody(r.Body, r.DocNo)
	}
	return out, nil
}

// SearchBody is the text of a publication the search looks in.
func SearchBody(body, docNo string) string { return catalog.BodyText(body) + " " + docNo }

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
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		created = 0 // run again after a deadlock
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
				Body: p.Body, Views: p.Views, Status: string(catalog.PubPublished), LockVersion: 1, CreatedBy: p.CreatedBy, SeedKey: &key}
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

// SearchChangeSet is what changed since a time, for the search index.
type SearchChangeSet struct {
	// Pubs are publications of any status, the published with their
	// bodies, the others their id and status alone.
	Pubs  []catalog.Publication
	Items []catalog.Item // active or retired
	Units []catalog.Unit // active or retired
	// Latest is the newest change's time; More is set when a kind had more
	// changes than asked for, and Cutoff is then the latest of such a
	// kind's oldest change given.
	Latest, Cutoff time.Time
	More           bool
}

// SearchChanges are what the search index follows, changed since since,
// newest first, at most limit of each kind.
func (s *Store) SearchChanges(ctx context.Context, since time.Time, limit int) (SearchChangeSet, error) {
	var out SearchChangeSet
	db := s.db.WithContext(ctx)
	note := func(n int, newest, oldest time.Time) {
		if n > limit {
			out.More = true
			if oldest.After(out.Cutoff) {
				out.Cutoff = oldest
			}
		}
		if newest.After(out.Latest) {
			out.Latest = newest
		}
	}
	var keys []struct {
		ID        int64
		Status    string
		UpdatedAt time.Time
	}
	if err := db.Model(&publicationRecord{}).Select("id", "status", "updated_at").Where("updated_at >= ?", since.UTC()).
		Order("updated_at DESC, id DESC").Limit(limit + 1).Scan(&keys).Error; err != nil {
		return out, translate(err, "公开信息")
	}
	if len(keys) > 0 {
		n := len(keys)
		keys = keys[:min(n, limit)]
		note(n, keys[0].UpdatedAt, keys[len(keys)-1].UpdatedAt)
	}
	var published []int64
	for _, k := range keys {
		if k.Status == string(catalog.PubPublished) {
			published = append(published, k.ID)
		}
	}
	full := map[int64]catalog.Publication{}
	for chunk := range slices.Chunk(published, 500) {
		var rs []publicationRecord
		if err := db.Select("id", "unit_code", "item_id", "title", "body", "doc_no", "generated_on", "published_on", "interprets_id", "status").
			Where("id IN ? AND status = ?", chunk, string(catalog.PubPublished)).Find(&rs).Error; err != nil {
			return out, translate(err, "公开信息")
		}
		for _, r := range rs {
			p := r.toPublication()
			toLocal(&p)
			full[p.ID] = p
		}
	}
	for _, k := range keys {
		if p, ok := full[k.ID]; ok {
			out.Pubs = append(out.Pubs, p)
		} else {
			out.Pubs = append(out.Pubs, catalog.Publication{ID: k.ID, Status: catalog.PubStatus(k.Status)})
		}
	}
	var irs []itemRecord
	if err := db.Where("updated_at >= ?", since.UTC()).Order("updated_at DESC, id DESC").Limit(limit + 1).Find(&irs).Error; err != nil {
		return out, translate(err, "事项")
	}
	if n := len(irs); n > 0 {
		irs = irs[:min(n, limit)]
		note(n, irs[0].UpdatedAt, irs[len(irs)-1].UpdatedAt)
	}
	for _, r := range irs {
		out.Items = append(out.Items, r.toItem())
	}
	var urs []unitRecord
	if err := db.Where("updated_at >= ?", since.UTC()).Order("updated_at DESC, id DESC").Limit(limit + 1).Find(&urs).Error; err != nil {
		return out, translate(err, "单位")
	}
	if n := len(urs); n > 0 {
		urs = urs[:min(n, limit)]
		note(n, urs[0].UpdatedAt, urs[len(urs)-1].UpdatedAt)
	}
	for _, r := range urs {
		out.Units = append(out.Units, r.toUnit())
	}
	return out, nil
}
