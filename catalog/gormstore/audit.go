package gormstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
)

type auditRecord struct {
	ID       int64     `gorm:"primaryKey"`
	At       time.Time `gorm:"index"`
	Username string    `gorm:"size:80;index"`
	IP       string    `gorm:"size:64"`
	UnitCode string    `gorm:"size:40;index"`
	Object   string    `gorm:"size:40"`
	Action   string    `gorm:"size:40"`
	TargetID string    `gorm:"size:80"`
	Detail   string    `gorm:"type:text"`
	Before   string    `gorm:"type:longtext"`
	After    string    `gorm:"type:longtext"`
	PrevHash string    `gorm:"size:64"`
	Hash     string    `gorm:"size:64"`
}

func (auditRecord) TableName() string { return "audit_log" }

func (r auditRecord) toEntry() catalog.AuditEntry {
	return catalog.AuditEntry{ID: r.ID, At: r.At.In(catalog.Shanghai), Username: r.Username, IP: r.IP, UnitCode: r.UnitCode, Object: r.Object,
		Action: r.Action, TargetID: r.TargetID, Detail: r.Detail, Before: r.Before, After: r.After, PrevHash: r.PrevHash, Hash: r.Hash}
}

// auditHeadRecord is the single row that holds the chain's last hash; every
// audited transaction locks it last, so entries are chained in commit order.
type auditHeadRecord struct {
	ID       int `gorm:"primaryKey;autoIncrement:false"`
	LastID   int64
	LastHash string `gorm:"size:64"`
	// AnchorHash is the hash of the last entry purged: the chain that is
	// left starts from it.
	AnchorHash string `gorm:"size:64"`
}

// MinAuditRetentionDays is the shortest time audit entries are kept (the
// usual requirement for security logs is six months).
const MinAuditRetentionDays = 184

func (auditHeadRecord) TableName() string { return "audit_head" }

// entryHash is the hash of an entry chained to the one before.
func entryHash(r auditRecord) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
		r.PrevHash, r.At.UTC().Format(time.RFC3339Nano), r.Username, r.IP, r.UnitCode, r.Object, r.Action, r.TargetID, r.Detail, r.Before, r.After)
	return hex.EncodeToString(h.Sum(nil))
}

func asJSON(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// audit records a write in the transaction that makes it.
func audit(tx *gorm.DB, by catalog.Actor, unit, obj, action string, target any, detail string) error {
	return auditChange(tx, by, unit, obj, action, target, detail, nil, nil)
}

// auditChange records a write with the states before and after it.
func auditChange(tx *gorm.DB, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error {
	var head auditHeadRecord
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&head, 1).Error; err != nil {
		return fmt.Errorf("gormstore: audit head: %w", err)
	}
	// Milliseconds are what every database keeps; the hash covers what is stored.
	r := auditRecord{At: time.Now().UTC().Truncate(time.Millisecond), Username: by.Username, IP: by.IP, UnitCode: unit, Object: obj, Action: action,
		TargetID: fmt.Sprint(target), Detail: detail, Before: asJSON(before), After: asJSON(after), PrevHash: head.LastHash}
	r.Hash = entryHash(r)
	if err := tx.Create(&r).Error; err != nil {
		return fmt.Errorf("gormstore: audit: %w", err)
	}
	return tx.Model(&auditHeadRecord{}).Where("id = 1").Updates(map[string]any{"last_id": r.ID, "last_hash": r.Hash}).Error
}

func ensureAuditHead(db *gorm.DB) error {
	var n int64
	if err := db.Model(&auditHeadRecord{}).Where("id = 1").Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	err := db.Create(&auditHeadRecord{ID: 1}).Error
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "duplicate") {
		return nil
	}
	return err
}

// FindAudit returns audit entries, newest first.
func (s *Store) FindAudit(ctx context.Context, f catalog.AuditFilter) ([]catalog.AuditEntry, error) {
	q := s.db.WithContext(ctx).Order("id DESC")
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	q = q.Limit(f.Limit)
	for col, v := range map[string]string{"unit_code": f.UnitCode, "username": f.Username, "object": f.Object, "action": f.Action} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if len(f.WithoutObjects) > 0 {
		q = q.Where("object NOT IN ?", f.WithoutObjects)
	}
	var rs []auditRecord
	if err := q.Find(&rs).Error; err != nil {
		return nil, translate(err, "审计记录")
	}
	out := make([]catalog.AuditEntry, len(rs))
	for i, r := range rs {
		out[i] = r.toEntry()
	}
	return out, nil
}

// Audit records a write done outside this store (sign-in, calendar) in the
// same chained log.
func (s *Store) Audit(ctx context.Context, by catalog.Actor, unit, obj, action string, target any, detail string) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		return audit(tx, by, unit, obj, action, target, detail)
	})
}

// AuditInTx records a write made by another store in that store's own
// transaction, so the change and its entry commit together.
func AuditInTx(tx *gorm.DB, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error {
	return auditChange(tx, by, unit, obj, action, target, detail, before, after)
}

// AuditChange is Audit with the states before and after.
func (s *Store) AuditChange(ctx context.Context, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		return auditChange(tx, by, unit, obj, action, target, detail, before, after)
	})
}

// VerifyAudit walks the whole chain and recomputes every hash; it returns how
// many entries it checked, and an error naming the first entry that was
// changed, removed or inserted out of the chain.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	var head auditHeadRecord
	if err := s.db.WithContext(ctx).Take(&head, 1).Error; err != nil {
		return 0, translate(err, "审计链")
	}
	prev, lastID, n := head.AnchorHash, int64(0), 0
	for {
		var rs []auditRecord
		if err := s.db.WithContext(ctx).Where("id > ?", lastID).Order("id").Limit(1000).Find(&rs).Error; err != nil {
			return n, translate(err, "审计记录")
		}
		if len(rs) == 0 {
			break
		}
		for _, r := range rs {
			if r.PrevHash != prev {
				return n, fmt.Errorf("审计记录第%d条与前一条不衔接：前一条被删除或篡改", r.ID)
			}
			if entryHash(r) != r.Hash {
				return n, fmt.Errorf("审计记录第%d条内容与其哈希不符：已被篡改", r.ID)
			}
			prev, lastID = r.Hash, r.ID
			n++
		}
	}
	if err := s.db.WithContext(ctx).Take(&head, 1).Error; err != nil {
		return n, translate(err, "审计链")
	}
	if head.LastHash != prev || (n > 0 && head.LastID != lastID) {
		return n, fmt.Errorf("审计链末尾（第%d条）与链头记录（第%d条）不符：最新的记录被删除", lastID, head.LastID)
	}
	return n, nil
}

// PurgeAudit deletes the entries older than retentionDays (at least
// MinAuditRetentionDays) and keeps the chain verifiable from what is left;
// the purge itself is recorded. It returns how many entries went.
func (s *Store) PurgeAudit(ctx context.Context, retentionDays int, now time.Time, by catalog.Actor) (int64, error) {
	if retentionDays < MinAuditRetentionDays {
		return 0, catalog.Invalid("retention", "审计记录至少保留%d天", MinAuditRetentionDays)
	}
	before := now.UTC().AddDate(0, 0, -retentionDays)
	var n int64
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		n = 0 // run again after a deadlock
		var head auditHeadRecord
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&head, 1).Error; err != nil {
			return err
		}
		var last auditRecord
		err := tx.Where("at < ?", before).Order("id DESC").Limit(1).Find(&last).Error
		if err != nil || last.ID == 0 {
			return err
		}
		res := tx.Where("id <= ?", last.ID).Delete(&auditRecord{})
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		if err := tx.Model(&auditHeadRecord{}).Where("id = 1").Update("anchor_hash", last.Hash).Error; err != nil {
			return err
		}
		if head.LastID == last.ID { // everything went: the chain restarts at the anchor
			if err := tx.Model(&auditHeadRecord{}).Where("id = 1").Updates(map[string]any{"last_hash": last.Hash}).Error; err != nil {
				return err
			}
		}
		return auditChange(tx, by, "", "audit", "purge", last.ID, fmt.Sprintf("删除%s之前的%d条审计记录（保留%d天）", before.In(catalog.Shanghai).Format("2006-01-02"), n, retentionDays), nil, nil)
	})
	return n, translate(err, "审计记录")
}
