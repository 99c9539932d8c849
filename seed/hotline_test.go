package seed_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"gongkai/catalog/gormstore"
	"gongkai/dbconn/dbtest"
	"gongkai/hotline"
	hstore "gongkai/hotline/gormstore"
	"gongkai/secret"
	"gongkai/seed"
	"gongkai/workday"
)

// TestHotlineDemoIsIdempotentAndComplete: the demo's hotline has an order
// at each stage, answers in the knowledge base and an announced 领导接听
// day; loading it again adds nothing.
func TestHotlineDemoIsIdempotentAndComplete(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	if err := hstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	cat := gormstore.New(db)
	for _, u := range seed.Units() {
		if _, err := cat.EnsureUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	box, _ := secret.New(bytes.Repeat([]byte{3}, 32))
	cal := workday.New()
	orders := hstore.New(db, box, cal, gormstore.AuditInTx)
	d := &hotline.Desk{Orders: orders, Knowledge: orders, Announcements: orders, Units: cat, Calendar: cal}
	now := time.Now()
	count := func() (int, int, int) {
		os, err := orders.FindOrders(ctx, hotline.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		es, _ := orders.FindEntries(ctx, hotline.EntryFilter{})
		as, _ := orders.FindAnnouncements(ctx, hotline.Day(now))
		return len(os), len(es), len(as)
	}
	if err := seed.Hotline(ctx, d, now); err != nil {
		t.Fatal(err)
	}
	o1, e1, a1 := count()
	if err := seed.Hotline(ctx, d, now); err != nil {
		t.Fatal(err)
	}
	if o2, e2, a2 := count(); o1 != 6 || e1 != 3 || a1 != 1 || o2 != o1 || e2 != e1 || a2 != a1 {
		t.Errorf("orders %d→%d, entries %d→%d, announcements %d→%d", o1, o2, e1, e2, a1, a2)
	}
	states := map[hotline.State]int{}
	os, _ := orders.FindOrders(ctx, hotline.Filter{})
	for _, o := range os {
		states[o.State]++
	}
	if states[hotline.Received] != 1 || states[hotline.Transferred] != 1 || states[hotline.Handling] != 1 || states[hotline.Replied] != 1 || states[hotline.Closed] != 2 {
		t.Errorf("states: %v", states)
	}
	if pub, _ := d.Published(ctx, "", 10); len(pub) != 2 {
		t.Errorf("%d answers published", len(pub))
	}
}
