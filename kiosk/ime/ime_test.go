package ime_test

import (
	"strings"
	"testing"

	"gongkai/kiosk/ime"
)

// TestCandidates: full pinyin, initials and a longer input find what a
// resident means, the county's names first.
func TestCandidates(t *testing.T) {
	ix, local := ime.New([]string{"旌阳镇", "三溪镇", "旌德县"})
	in := func(input, want string, within int) {
		t.Helper()
		cs := ix.Candidates(local, input, 60)
		for i, c := range cs {
			if i >= within {
				break
			}
			if c.Text == want {
				return
			}
		}
		t.Errorf("%q: %q not among the first %d of %v", input, want, within, cs[:min(len(cs), within)])
	}
	// A name is typed a character at a time: 张 from zhangsan, then 三.
	in("zhangsan", "张", 8)
	in("san", "三", 2)
	// Every reading of a polyphone: 长 under chang, 银行 under yinhang.
	in("chang", "长", 8)
	in("yinhang", "银行", 1)
	in("jing", "静", 20)
	in("zf", "政府", 8)
	in("jingyangzhen", "旌阳镇", 1)
	in("jingyang", "旌阳镇", 3)
	in("jyz", "旌阳镇", 1)
	in("zhengfu", "政府", 2)
	in("de", "的", 2)
	in("xinxi", "信息", 2)
	in("gongkai", "公开", 2)
	// A longer input: its beginning as a word, the rest to type on.
	// Syllables and initials mixed.
	in("zhangs", "掌声", 8)
	in("zhengshou", "征收", 3)
	in("jyzhen", "旌阳镇", 1)
	in("jingyz", "旌阳镇", 1)
	in("shbz", "社会保障", 2)
	cs := ix.Candidates(local, "shehuibaozhangju", 60)
	found := false
	for _, c := range cs {
		if c.Text == "社会保障" && c.N == len("shehuibaozhang") {
			found = true
		}
	}
	if !found {
		t.Errorf("shehuibaozhangju: no 社会保障 for its first 14 letters: %v", cs)
	}
	if cs := ix.Candidates(local, "<script>", 10); cs != nil {
		t.Errorf("not letters: %v", cs)
	}
	// Forty letters of anything are answered, not searched for ever.
	if cs := ix.Candidates(local, strings.Repeat("a", 40), 10); len(cs) == 0 {
		t.Error("forty letters: no candidates")
	}
}

// TestCatalogueWords: the words of the county's catalogue come before the
// dictionary's more common words of the same pinyin, and after its names.
func TestCatalogueWords(t *testing.T) {
	ix := ime.Shared()
	first := func(l *ime.Local, py string) string {
		cs := ix.Candidates(l, py, 10)
		if len(cs) == 0 {
			return ""
		}
		return cs[0].Text
	}
	plain := ix.Local(nil, nil)
	if got := first(plain, "dibao"); got == "低保" {
		t.Fatalf("the dictionary alone: dibao gives %q first (the test needs another word first)", got)
	}
	gov := ix.Local(nil, []string{"城乡最低生活保障（低保）对象名单", "医疗救助"})
	if got := first(gov, "dibao"); got != "低保" {
		t.Errorf("with the catalogue: dibao gives %q first, want 低保", got)
	}
	if got := first(gov, "db"); got != "低保" {
		t.Errorf("with the catalogue: db gives %q first, want 低保", got)
	}
	if got := first(ix.Local([]string{"地堡村"}, nil), "dibaoc"); got != "地堡村" {
		t.Errorf("a county name: dibaoc gives %q first, want 地堡村", got)
	}
}

// BenchmarkCandidates is a keystroke's work at its worst: the longest
// input, of letters that cut many ways.
func BenchmarkCandidates(b *testing.B) {
	ix := ime.Shared()
	l := ix.Local([]string{"旌阳镇"}, nil)
	for _, in := range []string{"zhangsan", "jyzhen", strings.Repeat("zhangshang", 4), strings.Repeat("a", 40)} {
		b.Run(in[:min(len(in), 12)], func(b *testing.B) {
			for b.Loop() {
				ix.Candidates(l, in, 60)
			}
		})
	}
}
