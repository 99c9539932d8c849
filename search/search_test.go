package search_test

import (
	"strings"
	"testing"
	"time"

	"gongkai/search"
)

func docs() []search.Doc {
	day := func(d int) time.Time { return time.Date(2020, 1, d, 0, 0, 0, 0, time.UTC) }
	return []search.Doc{
		{Kind: search.KindUnit, Code: "caizhengju", Title: "财政局", Context: "县直单位"},
		{Kind: search.KindUnit, Code: "miaoshou", Title: "庙首镇", Context: "镇人民政府"},
		{Kind: search.KindItem, ID: 1, Title: "财政预决算 · 部门预算", Context: "财政局"},
		{Kind: search.KindItem, ID: 2, Title: "社会救助 · 城乡低保发放花名册", Context: "庙首镇"},
		{Kind: search.KindItem, ID: 3, Title: "重大建设项目 · 批准和实施", Context: "发改委"},
		{Kind: search.KindPublication, ID: 10, Title: "2020年1月城乡低保发放花名册", Context: "庙首镇", Date: day(10)},
		{Kind: search.KindPublication, ID: 11, Title: "2020年2月城乡低保发放花名册", Context: "庙首镇", Date: day(20)},
		{Kind: search.KindPublication, ID: 12, Title: "关于做好最低生活保障工作的通知", Context: "民政局", Date: day(5)},
		{Kind: search.KindPublication, ID: 13, Title: "赴重庆考察学习情况", Context: "商务局", Date: day(6)},
		{Kind: search.KindPublication, ID: 14, Title: "工作动态", Context: "三溪镇", Body: "本月走访低保户二十户，核查家庭收入。", Date: day(7)},
		{Kind: search.KindPublication, ID: 15, Title: "ＰＰＰ项目清单（全角）", Context: "财政局", Date: day(8)},
		{Kind: search.KindPublication, ID: 16, Title: "地标奥运", Context: "体育局", Date: day(9)}, // di biao ao: not "dibao"
	}
}

func ids(hs []search.Hit) []int64 {
	var out []int64
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

func marked(h search.Hit) string {
	var b strings.Builder
	for _, p := range h.Parts {
		if p.Mark {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestSearch(t *testing.T) {
	ix := search.Build(docs(), []search.AliasGroup{{"低保", "最低生活保障"}})
	for _, tc := range []struct {
		name, q   string
		wantItems []int64
		wantPubs  []int64
		wantUnits []string
		mark      string // the first hit's marked text
	}{
		{name: "Characters", q: "低保", wantItems: []int64{2}, wantPubs: []int64{11, 10, 12, 14}, mark: "低保"},
		{name: "Initials", q: "czyjs", wantItems: []int64{1}, mark: "财政预决算"},
		{name: "FullPinyin", q: "dibao", wantItems: []int64{2}, wantPubs: []int64{11, 10, 12}, mark: "低保"},          // 12 by the synonym 最低生活保障
		{name: "InitialsOfASynonym", q: "db", wantItems: []int64{2}, wantPubs: []int64{11, 10, 12, 16}, mark: "低保"}, // the synonym first, then 地标 by its initials
		{name: "UnfinishedSyllable", q: "dib", wantItems: []int64{2}, wantPubs: []int64{16, 11, 10}, mark: "低保"},    // 地标 too: b begins biao
		{name: "ZhInitialCluster", q: "zhzh", wantUnits: nil},
		{name: "UnfinishedLastSyllable", q: "miaos", wantUnits: []string{"miaoshou"}, mark: "庙首"},
		{name: "NoMixOfInitialsAndSyllables", q: "dibaj", wantItems: nil},
		{name: "NoSyllablesFromInitials", q: "diaobiao"},                                                // 低(di) 保(b… ao) must not spell it
		{name: "PolyphoneZhong", q: "zd", wantItems: []int64{3}, wantPubs: []int64{14, 12}, mark: "重大"}, // 工作动态, 最低
		{name: "PolyphoneChong", q: "cq", wantPubs: []int64{13}, mark: "重庆"},
		{name: "UnitByInitials", q: "msz", wantUnits: []string{"miaoshou"}, mark: "庙首镇"},
		{name: "UpperCaseAndSpaces", q: " MIAO Shou ", wantUnits: []string{"miaoshou"}, mark: "庙首"},
		{name: "FullWidthQuery", q: "ｃｚｊ", wantUnits: []string{"caizhengju"}, mark: "财政局"},
		{name: "FullWidthTitle", q: "ppp", wantPubs: []int64{15}},
		{name: "Nothing", q: "xyzxyz"},
		{name: "Empty", q: "  "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ix.Search(tc.q)
			var units []string
			for _, h := range r.Units {
				units = append(units, h.Code)
			}
			if got := ids(r.Items); !equal(got, tc.wantItems) {
				t.Errorf("items = %v, want %v", got, tc.wantItems)
			}
			if got := ids(r.Pubs); !equal(got, tc.wantPubs) {
				t.Errorf("publications = %v, want %v", got, tc.wantPubs)
			}
			if strings.Join(units, ",") != strings.Join(tc.wantUnits, ",") {
				t.Errorf("units = %v, want %v", units, tc.wantUnits)
			}
			if tc.mark != "" {
				var first search.Hit
				for _, hs := range [][]search.Hit{r.Units, r.Items, r.Pubs} {
					if len(hs) > 0 {
						first = hs[0]
						break
					}
				}
				if got := marked(first); got != tc.mark {
					t.Errorf("marked %q, want %q", got, tc.mark)
				}
			}
		})
	}
}

// TestSearchRanking: a title match beats an alias match, which beats a
// body match; the body match carries a snippet with the term marked.
func TestSearchRanking(t *testing.T) {
	r := search.Build(docs(), []search.AliasGroup{{"低保", "最低生活保障"}}).Search("低保")
	if len(r.Pubs) != 4 || r.Pubs[2].ID != 12 || r.Pubs[3].ID != 14 {
		t.Fatalf("publications %v: want the titles first, then the alias, then the body", ids(r.Pubs))
	}
	if r.Pubs[0].Score <= r.Pubs[2].Score || r.Pubs[2].Score <= r.Pubs[3].Score {
		t.Errorf("scores %d %d %d not decreasing", r.Pubs[0].Score, r.Pubs[2].Score, r.Pubs[3].Score)
	}
	var snip strings.Builder
	for _, s := range r.Pubs[3].Snippet {
		if s.Mark {
			snip.WriteString("[" + s.Text + "]")
		} else {
			snip.WriteString(s.Text)
		}
	}
	if !strings.Contains(snip.String(), "走访[低保]户") {
		t.Errorf("snippet %q", snip.String())
	}
	if len(r.Expanded) != 1 || r.Expanded[0] != "最低生活保障" {
		t.Errorf("expanded %v", r.Expanded)
	}
}

// TestPolyphoneCommonReadingRanksFirst: 重 read zhong (its common reading)
// ranks above 重 read chong for the same initials' position.
func TestPolyphoneCommonReadingRanksFirst(t *testing.T) {
	ix := search.Build([]search.Doc{
		{Kind: search.KindItem, ID: 1, Title: "虫情测报"}, // chong qing
		{Kind: search.KindItem, ID: 2, Title: "重庆"},   // zhong/chong qing
	}, nil)
	r := ix.Search("chongqing")
	if len(r.Items) != 2 {
		t.Fatalf("items %v", ids(r.Items))
	}
	if r.Items[0].ID != 1 {
		t.Errorf("the character whose common reading is chong should rank first: %v", ids(r.Items))
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzSearch(f *testing.F) {
	ix := search.Build(docs(), []search.AliasGroup{{"低保", "最低生活保障"}})
	for _, s := range []string{"低保", "czyjs", "zd", "ｃｚｊ", "x'ian", "重"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := ix.Search(q)
		for _, h := range append(append(r.Units, r.Items...), r.Pubs...) {
			var b strings.Builder
			for _, p := range h.Parts {
				b.WriteString(p.Text)
			}
			if b.String() != h.Title {
				t.Fatalf("parts %q do not spell the title %q", b.String(), h.Title)
			}
		}
	})
}
