package gormstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/dbconn/dbtest"
)

var clerk = catalog.Actor{UserID: 1, Username: "miaoshou-clerk"}

func newStore(t *testing.T) (*gormstore.Store, catalog.Item) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	s := gormstore.New(db)
	ctx := context.Background()
	if _, err := s.EnsureUnit(ctx, catalog.Unit{Code: "miaoshou", Name: "庙首镇", FullName: "旌德县庙首镇人民政府", Level: catalog.LevelTownship, Kind: catalog.KindTown}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnsureDomain(ctx, catalog.Domain{Code: "zfwj", Name: "本级政府文件"}); err != nil {
		t.Fatal(err)
	}
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "政府文件", Content: "政府文件。",
		TimeLimitText: "信息形成或变更之日起3个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	if err := s.CreateItem(ctx, &it, clerk); err != nil {
		t.Fatal(err)
	}
	return s, it
}

func pub(itemID int64, title string, on time.Time) *catalog.Publication {
	return &catalog.Publication{ItemID: itemID, Title: title, GeneratedOn: on, PublishedOn: on}
}

// TestIndexSerialsUnderConcurrency: writers at once, as two instances would be,
// never get one 索引号 twice, and the serials of a month have no gaps.
func TestIndexSerialsUnderConcurrency(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	on := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	const writers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	seen := sync.Map{}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; k < each; k++ {
				p := pub(it.ID, fmt.Sprintf("通知 %d-%d", w, k), on)
				if err := s.CreatePublication(ctx, p, clerk); err != nil {
					errs <- err
					return
				}
				if _, dup := seen.LoadOrStore(p.IndexNo, true); dup {
					errs <- fmt.Errorf("索引号 %s given twice", p.IndexNo)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for n := 1; n <= writers*each; n++ {
		want := fmt.Sprintf("miaoshou/202611-%05d", n)
		if _, ok := seen.Load(want); !ok {
			t.Errorf("serial %s missing", want)
		}
	}
	// A new month starts again at 1.
	p := pub(it.ID, "十二月", on.AddDate(0, 1, 0))
	if err := s.CreatePublication(ctx, p, clerk); err != nil || p.IndexNo != "miaoshou/202612-00001" {
		t.Errorf("next month: %q %v", p.IndexNo, err)
	}
}

func TestRetiredItemTakesNoPublication(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	if err := s.RetireItem(ctx, it.ID, "", clerk); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("retire without reason: %v", err)
	}
	if err := s.RetireItem(ctx, it.ID, "事项调整", clerk); err != nil {
		t.Fatal(err)
	}
	err := s.CreatePublication(ctx, pub(it.ID, "迟到的通知", time.Now()), clerk)
	if catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("publication under a retired item: %v", err)
	}
	it.Level2 = "改"
	if err := s.UpdateItem(ctx, &it, "", clerk); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("update of a retired item: %v", err)
	}
	if _, err := s.FindItem(ctx, 987654); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("missing item: %v", err)
	}
}

func TestLastPublishedFollowsWithdrawal(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	d1 := time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC)
	d2 := time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)
	a, b := pub(it.ID, "十月", d1), pub(it.ID, "十一月", d2)
	for _, p := range []*catalog.Publication{a, b} {
		if err := s.CreatePublication(ctx, p, clerk); err != nil {
			t.Fatal(err)
		}
	}
	last := func() time.Time {
		got, err := s.FindItem(ctx, it.ID)
		if err != nil || got.LastPublishedAt == nil {
			t.Fatalf("last published: %v %v", got, err)
		}
		return got.LastPublishedAt.UTC()
	}
	if !last().Equal(d2) {
		t.Errorf("last published %v, want %v", last(), d2)
	}
	if err := s.RetirePublication(ctx, b.ID, "错误", clerk); err != nil {
		t.Fatal(err)
	}
	if !last().Equal(d1) {
		t.Errorf("after withdrawal last published %v, want %v", last(), d1)
	}
	pubs, err := s.FindPublications(ctx, catalog.PubFilter{ItemID: it.ID})
	if err != nil || len(pubs) != 1 || pubs[0].ID != a.ID {
		t.Errorf("published list %v %v", pubs, err)
	}
}
