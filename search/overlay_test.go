package search_test

import (
	"testing"
	"time"

	"gongkai/search"
)

// TestOverlay: a publication in both indexes is shown once, as the newer
// one has it; the newer one's own are added and ranked with the rest.
func TestOverlay(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	old := search.Build([]search.Doc{
		{Kind: search.KindPublication, ID: 1, Title: "秸秆禁烧工作的通知", Date: day(1)},
		{Kind: search.KindPublication, ID: 2, Title: "关于秸秆综合利用的公告", Date: day(2)},
	}, nil)
	newer := search.Build([]search.Doc{
		{Kind: search.KindPublication, ID: 2, Title: "秸秆综合利用补助发放公告（修订）", Date: day(20)},
		{Kind: search.KindPublication, ID: 3, Title: "秸秆收储点名单", Date: day(25)},
	}, nil)
	r := search.Overlay(old.Search("秸秆"), newer.Search("秸秆"))
	if r.PubN != 3 || len(r.Pubs) != 3 {
		t.Fatalf("%d found, %d shown: %+v", r.PubN, len(r.Pubs), r.Pubs)
	}
	seen := map[int64]string{}
	for i, h := range r.Pubs {
		seen[h.ID] = h.Title
		if i > 0 && (h.Score > r.Pubs[i-1].Score || h.Score == r.Pubs[i-1].Score && h.Date.After(r.Pubs[i-1].Date)) {
			t.Errorf("out of order at %d: %+v", i, r.Pubs)
		}
	}
	if seen[2] != "秸秆综合利用补助发放公告（修订）" || seen[3] == "" || seen[1] == "" {
		t.Errorf("merged: %v", seen)
	}
	if got := search.Overlay(old.Search("秸秆"), newer.Search("没有的词")); got.PubN != 2 {
		t.Errorf("an empty overlay changed the result: %d", got.PubN)
	}
	ix := old.WithAliases([]search.AliasGroup{{"秸秆", "麦草"}})
	if r := ix.Search("麦草"); r.PubN != 2 {
		t.Errorf("aliases swapped in: %d found", r.PubN)
	}
	if r := old.Search("麦草"); r.PubN != 0 {
		t.Errorf("the original index took the aliases: %d", r.PubN)
	}
}
