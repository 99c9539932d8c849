// Package throttle counts tries by key in windows kept in the database, so
// every instance behind a load balancer shares them: failed sign-ins,
// wrong status look-ups, anonymous applications. Only a hash of each key
// is stored. It may import gorm; nothing of ours.
package throttle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// throttle counts events by key — failed sign-ins by address, by account
// and address, wrong status look-ups, applications by address — in a
// window that starts with the key's first event; a key with limit events
// in its window is blocked until the window ends. The counts live in the
// database, so every instance behind a load balancer shares them; only a
// hash of the key is stored. A key may belong to a scope (an account, for
// the addresses that tried it), whose keys with events in their window can
// be counted.
type Throttle struct {
	db     *gorm.DB
	kind   string // login, pair, account, notice, status, apply
	limit  int
	window time.Duration
}

// New returns the throttle of kind (a name that keeps its keys apart from
// other kinds') allowing limit events a window.
func New(db *gorm.DB, kind string, limit int, window time.Duration) *Throttle {
	return &Throttle{db: db, kind: kind, limit: limit, window: window}
}

// Limit is how many events a window allows.
func (g *Throttle) Limit() int { return g.limit }

// throttleRecord is one key's events in its current window.
type throttleRecord struct {
	KeyHash     string    `gorm:"primaryKey;size:64"`
	ScopeHash   string    `gorm:"size:64;index"`
	WindowStart time.Time `gorm:"not null;index"`
	// ExpiresAt is the window's end, after which the row may be swept.
	ExpiresAt time.Time `gorm:"index"`
	N         int       `gorm:"not null"`
}

func (throttleRecord) TableName() string { return "throttles" }

// Migrate creates the throttles table.
func Migrate(db *gorm.DB) error { return db.AutoMigrate(&throttleRecord{}) }

func (g *Throttle) hash(key string) string {
	h := sha256.Sum256([]byte(g.kind + "\x00" + key))
	return hex.EncodeToString(h[:])
}

// blocked tells whether key has used up its events in its window, and
// until when. When the database cannot say, nothing else works either: it
// is not blocked here.
func (g *Throttle) Blocked(ctx context.Context, key string, now time.Time) (time.Time, bool) {
	var r throttleRecord
	if err := g.db.WithContext(ctx).Where("key_hash = ?", g.hash(key)).Take(&r).Error; err != nil {
		return time.Time{}, false
	}
	end := r.WindowStart.Add(g.window)
	return end, now.Before(end) && r.N >= g.limit
}

// count records an event of key (in scope, or "" for none), starting a new
// window when the last one is over; old rows are swept now and then.
func (g *Throttle) Count(ctx context.Context, key, scope string, now time.Time) {
	if err := g.upsert(g.db.WithContext(ctx), key, scope, now); err != nil {
		slog.Warn("throttle", "kind", g.kind, "err", err)
	}
}

// take records an event of key (in scope) and tells whether it was
// within the limit, how many the window now holds and until when it runs,
// in one transaction: the row stays locked from the count to the check, so
// parallel requests cannot all pass a check made before any of them was
// counted. An event that turns out not to count is given back (refund).
func (g *Throttle) Take(ctx context.Context, key, scope string, now time.Time) (until time.Time, n int, ok bool) {
	var err error
	for try := 0; try < 10; try++ { // parallel inserts of one new key may deadlock on MySQL: again
		err = g.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := g.upsert(tx, key, scope, now); err != nil {
				return err
			}
			var r throttleRecord
			if err := tx.Where("key_hash = ?", g.hash(key)).Take(&r).Error; err != nil {
				return err
			}
			until, n = r.WindowStart.Add(g.window), r.N
			return nil
		})
		if err == nil {
			return until, n, n <= g.limit
		}
	}
	// The database cannot say: nothing else works either; let it through.
	slog.Warn("throttle", "kind", g.kind, "err", err)
	return time.Time{}, 0, true
}

// refund gives back an event take counted that does not count after all
// (the right password, the right phone digits).
func (g *Throttle) Refund(ctx context.Context, key string) {
	if err := g.db.WithContext(ctx).Model(&throttleRecord{}).Where("key_hash = ? AND n > 0", g.hash(key)).
		UpdateColumn("n", gorm.Expr("n - 1")).Error; err != nil {
		slog.Warn("throttle", "kind", g.kind, "err", err)
	}
}

func (g *Throttle) upsert(db *gorm.DB, key, scope string, now time.Time) error {
	now = now.UTC().Truncate(time.Millisecond)
	cutoff := now.Add(-g.window)
	scopeHash := ""
	if scope != "" {
		scopeHash = g.hash("scope\x00" + scope)
	}
	err := db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "key_hash"}},
		DoUpdates: clause.Set{
			// Assigned in this order: MySQL reads the new values of the
			// columns assigned before, so window_start comes last.
			{Column: clause.Column{Name: "n"}, Value: gorm.Expr("CASE WHEN window_start < ? THEN 1 ELSE n + 1 END", cutoff)},
			{Column: clause.Column{Name: "expires_at"}, Value: gorm.Expr("CASE WHEN window_start < ? THEN ? ELSE expires_at END", cutoff, now.Add(g.window))},
			{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr("CASE WHEN window_start < ? THEN ? ELSE window_start END", cutoff, now)},
		},
	}).Create(&throttleRecord{KeyHash: g.hash(key), ScopeHash: scopeHash, WindowStart: now, ExpiresAt: now.Add(g.window), N: 1}).Error
	if err != nil {
		return err
	}
	if now.Second() == 0 {
		db.Where("expires_at < ? OR (expires_at IS NULL AND window_start < ?)", now, now.Add(-time.Hour)).Delete(&throttleRecord{})
	}
	return nil
}

// clientKey is the address a throttle counts a client by: an IPv4 address
// as it is, an IPv6 one by its /64, which one client holds whole.
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// keys tells how many keys of scope have events in their window now.
func (g *Throttle) Keys(ctx context.Context, scope string, now time.Time) int {
	var n int64
	if err := g.db.WithContext(ctx).Model(&throttleRecord{}).Where("scope_hash = ? AND window_start > ?", g.hash("scope\x00"+scope), now.UTC().Add(-g.window)).
		Count(&n).Error; err != nil {
		return 0
	}
	return int(n)
}

// events tells how many events key has in its window now.
func (g *Throttle) Events(ctx context.Context, key string, now time.Time) int {
	var r throttleRecord
	if err := g.db.WithContext(ctx).Where("key_hash = ?", g.hash(key)).Take(&r).Error; err != nil || !now.Before(r.WindowStart.Add(g.window)) {
		return 0
	}
	return r.N
}

// clear forgets key's events.
func (g *Throttle) Clear(ctx context.Context, key string) {
	if err := g.db.WithContext(ctx).Where("key_hash = ?", g.hash(key)).Delete(&throttleRecord{}).Error; err != nil {
		slog.Warn("throttle", "kind", g.kind, "err", err)
	}
}
