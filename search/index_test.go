package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// corpus makes titles and bodies from disclosure words, with Latin
// letters, digits and polyphones among them.
func corpus(n int) []Doc {
	words := []string{"财政", "预决算", "低保", "最低生活保障", "重大", "重庆", "建设项目", "政府信息公开", "年度报告", "庙首镇", "三溪镇",
		"秸秆禁烧", "森林防火", "PPP", "项目", "2024年", "第3期", "公示", "通知", "乡村振兴", "危房改造", "补贴", "就业", "招聘", "银行", "行政"}
	r := rand.New(rand.NewPCG(1, 2))
	pool := []rune("东西南北新桃柳青石白黄龙凤梅杨高长平安和永丰仁义河山溪湖桥岭花云竹松泉林金上下前后大小马汪朱江许方程吴刘胡李张王")
	for len(words) < 300 {
		words = append(words, string([]rune{pool[r.IntN(len(pool))], pool[r.IntN(len(pool))]})+"村")
	}
	var docs []Doc
	for i := 0; i < n; i++ {
		var t, b strings.Builder
		for k := 0; k < 2+r.IntN(4); k++ {
			t.WriteString(words[r.IntN(26)])
		}
		for k := 0; k < 10+r.IntN(20); k++ {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteString("，")
		}
		kind := KindPublication
		if i < n/20 {
			kind = KindItem
		}
		docs = append(docs, Doc{Kind: kind, ID: int64(i + 1), Title: t.String(), Body: b.String(), Date: time.Date(2024, 1, 1+i%300, 0, 0, 0, 0, time.UTC)})
	}
	return docs
}

// brute counts the documents a query matches by trying every one.
func brute(ix *Index, q string) (title, pinyin, body int) {
	q = normalize(q)
	terms := ix.expand(q)
	py := isPinyinQuery(q)
	qs := []byte(q)
	plan := ix.plan(qs)
	for d := range ix.docs {
		hit := false
		for _, t := range terms {
			hit = hit || strings.Contains(ix.title(uint32(d)), t)
		}
		if hit {
			title++
			continue
		}
		if py {
			if _, _, _, ok := (view{tid: ix.tid(uint32(d)), rt: ix.runes, initials: ix.inits[d]}).matchPinyin(qs, plan); ok {
				pinyin++
			}
			continue
		}
		for _, t := range terms {
			if len([]rune(t)) > 1 && strings.Contains(ix.kept[uint32(d)], t) {
				body++
				break
			}
		}
	}
	return
}

// TestIndexFindsWhatAScanFinds: for character and pinyin queries (by
// initials, whole, unfinished, with digits and Latin letters), the index
// finds exactly the documents that trying every document finds.
func TestIndexFindsWhatAScanFinds(t *testing.T) {
	ix := Build(corpus(3000), []AliasGroup{{"低保", "最低生活保障"}})
	for _, q := range []string{"财政", "低保", "重大", "政府信息公开", "镇", "ppp", "PPP项目", "2024", "第3期",
		"cz", "czyjs", "dibao", "dib", "zd", "cq", "chongqing", "zhongda", "xiangcunzhenxing", "xczx", "zfxxgk",
		"ndbg", "pppxm", "2024n", "yinhang", "xingzheng", "hangzheng", "weifang", "wfgz", "jiuye", "zp", "zhaopin",
		"森林防火", "防火补贴", "庙首镇三溪", "xyz", "a", "z", "sh", "zhzh"} {
		wantT, wantP, wantB := brute(ix, q)
		r := ix.Search(q)
		if got := r.Total(); got != wantT+wantP+wantB {
			t.Errorf("%q: %d found, a scan finds %d by title, %d by pinyin, %d by body", q, got, wantT, wantP, wantB)
		}
	}
}

// TestBodiesOutOfMemory: with a body source, publication bodies are not
// kept; body matches are read back for the hits shown, and a publication
// the source no longer returns (taken down) is not shown.
func TestBodiesOutOfMemory(t *testing.T) {
	docs := []Doc{
		{Kind: KindPublication, ID: 1, Title: "工作动态", Body: "本月走访低保户二十户，核查家庭收入。"},
		{Kind: KindPublication, ID: 2, Title: "工作简报", Body: "入户核查低保对象十户。"},
		{Kind: KindPublication, ID: 3, Title: "低保名单", Body: "名单如下。"},
	}
	bodies := map[int64]string{1: docs[0].Body, 3: docs[2].Body} // 2 was taken down
	var asked []int64
	b := NewBuilder(nil, Options{Bodies: func(ids []int64) map[int64]string {
		asked = append(asked, ids...)
		out := map[int64]string{}
		for _, id := range ids {
			if s, ok := bodies[id]; ok {
				out[id] = s
			}
		}
		return out
	}})
	for _, d := range docs {
		b.Add(d)
	}
	ix := b.Build()
	if len(ix.kept) > 0 || len(ix.bodyOf) > 0 {
		t.Fatal("a publication body is kept in memory")
	}
	r := ix.Search("低保")
	if len(r.Pubs) != 2 || r.Pubs[0].ID != 3 || r.Pubs[1].ID != 1 || r.PubN != 2 {
		t.Fatalf("pubs %+v (n %d)", r.Pubs, r.PubN)
	}
	if fmt.Sprint(asked) != "[1 2]" {
		t.Errorf("bodies read back: %v, want those of the body matches shown", asked)
	}
	var snip strings.Builder
	for _, s := range r.Pubs[1].Snippet {
		if s.Mark {
			snip.WriteString("[" + s.Text + "]")
		} else {
			snip.WriteString(s.Text)
		}
	}
	if !strings.Contains(snip.String(), "走访[低保]户") {
		t.Errorf("snippet %q", snip.String())
	}
}

func BenchmarkSearch100k(b *testing.B) {
	ix := Build(corpus(100000), []AliasGroup{{"低保", "最低生活保障"}})
	qs := []string{"财政预决算", "低保", "dibao", "czyjs", "zfxxgk", "政府信息公开", "森林防火", "镇", "xiangcunzhenxing", "补贴"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Search(qs[i%len(qs)])
	}
}

// TestLargeResultsAreCountedFromLists: a query matching many thousands of
// titles is counted from the lists (exactly for one or two characters),
// and what it shows are real matches, best first and newest first.
func TestLargeResultsAreCountedFromLists(t *testing.T) {
	words := []string{"低保", "庙首镇", "政府信息公开", "年度报告", "财政", "公示"}
	r := rand.New(rand.NewPCG(3, 4))
	var docs []Doc
	for i := 0; i < 30000; i++ {
		var b strings.Builder
		for k := 0; k < 2+r.IntN(3); k++ {
			b.WriteString(words[r.IntN(len(words))])
		}
		docs = append(docs, Doc{Kind: KindPublication, ID: int64(i + 1), Title: b.String(), Date: time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC)})
	}
	ix := Build(docs, nil)
	for _, q := range []string{"低保", "镇", "政府信息公开"} {
		res := ix.Search(q)
		want, _, _ := brute(ix, q)
		if want < largeFrom {
			t.Fatalf("%q matches only %d titles: not a large query", q, want)
		}
		if len([]rune(q)) <= 2 && (res.Total() != want || res.Approx) {
			t.Errorf("%q: %d found (approx %v), a scan finds %d", q, res.Total(), res.Approx, want)
		}
		if len([]rune(q)) > 2 && (!res.Approx || res.Total() < want || res.Total() > want*11/10) {
			t.Errorf("%q: about %d found (approx %v), a scan finds %d", q, res.Total(), res.Approx, want)
		}
		if len(res.Pubs) != maxPubs {
			t.Fatalf("%q: %d shown", q, len(res.Pubs))
		}
		for i, h := range res.Pubs {
			if !strings.Contains(h.Title, q) || marked(h) != q {
				t.Errorf("%q: hit %q marked %q", q, h.Title, marked(h))
			}
			if i > 0 {
				p := res.Pubs[i-1]
				if p.Score < h.Score || (p.Score == h.Score && p.Date.Before(h.Date)) {
					t.Errorf("%q: hit %d (%d, %s) after (%d, %s)", q, i, h.Score, h.Date, p.Score, p.Date)
				}
			}
		}
		if q != "镇" && res.Pubs[0].Score < scoreTitle+bonusStart { // no title starts with 镇
			t.Errorf("%q: the best hit does not start with the query: %q", q, res.Pubs[0].Title)
		}
	}
}

func marked(h Hit) string {
	var b strings.Builder
	for _, p := range h.Parts {
		if p.Mark {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// TestSearchPage: the API's pages hold the publications in order of score
// then date, narrowed by unit, domain and dates, each page after the last
// one's cursor, with nothing twice and nothing left out; a view and its
// delta page together.
func TestSearchPage(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	var docs []Doc
	for i := 1; i <= 25; i++ {
		unit, domain := "sanxi", "shjz"
		if i%2 == 0 {
			unit, domain = "miaoshou", "czyjs"
		}
		docs = append(docs, Doc{Kind: KindPublication, ID: int64(i), Title: fmt.Sprintf("秸秆禁烧通知第%d号", i), Date: day(i), Unit: unit, Domain: domain})
	}
	docs = append(docs, Doc{Kind: KindUnit, Code: "sanxi", Unit: "sanxi", Title: "三溪镇"}, Doc{Kind: KindItem, ID: 900, Title: "秸秆禁烧", Unit: "sanxi", Domain: "shjz"})
	ix := Build(docs, nil)
	var got []int64
	var after *Cursor
	for pages := 0; ; pages++ {
		p := ix.SearchPage("秸秆", Filter{Limit: 10, After: after})
		if pages == 0 && (p.PubN != 25 || len(p.Items) != 1) {
			t.Fatalf("first page: %d publications, %d items", p.PubN, len(p.Items))
		}
		if pages > 0 && len(p.Items) != 0 {
			t.Error("items on a later page")
		}
		for _, h := range p.Pubs {
			got = append(got, h.ID)
		}
		if p.Next == nil {
			break
		}
		c, ok := ParseCursor(p.Next.String())
		if !ok || c.Score != p.Next.Score || c.ID != p.Next.ID || !c.Date.Equal(p.Next.Date) {
			t.Fatalf("cursor %q", p.Next.String())
		}
		after = c
	}
	if len(got) != 25 || got[0] != 25 || got[24] != 1 {
		t.Errorf("pages: %v", got)
	}
	p := ix.SearchPage("秸秆", Filter{Unit: "sanxi", From: day(10), To: day(20)})
	var ids []int64
	for _, h := range p.Pubs {
		ids = append(ids, h.ID)
	}
	if fmt.Sprint(ids) != "[19 17 15 13 11]" || p.PubN != 5 || len(p.Items) != 0 {
		t.Errorf("sanxi, 10–20 November: %v (%d), items %d", ids, p.PubN, len(p.Items))
	}
	if p := ix.SearchPage("秸秆", Filter{Domain: "czyjs"}); p.PubN != 12 || len(p.Items) != 0 {
		t.Errorf("by domain: %d, items %d", p.PubN, len(p.Items))
	}
	// A view without publication 25, and a delta with its new version.
	delta := Build([]Doc{{Kind: KindPublication, ID: 25, Title: "秸秆禁烧通知（修订）", Date: day(28), Unit: "sanxi", Domain: "shjz"}}, nil)
	view := ix.Without([]Key{{Kind: KindPublication, ID: 25}})
	p = SearchPages("秸秆", Filter{Limit: 3}, view, delta)
	if p.PubN != 25 || len(p.Pubs) != 3 || p.Pubs[0].Title != "秸秆禁烧通知（修订）" || p.Pubs[1].ID != 24 {
		t.Errorf("view and delta: %d %+v", p.PubN, p.Pubs)
	}
	if _, ok := ParseCursor("1~2"); ok {
		t.Error("a cursor of two parts")
	}
}
