package ime_test

import (
	"testing"

	"gongkai/kiosk/ime"
)

// TestCandidates: full pinyin, initials and a longer input find what a
// resident means, the county's names first.
func TestCandidates(t *testing.T) {
	ix := ime.New([]string{"旌阳镇", "三溪镇", "旌德县"})
	in := func(input, want string, within int) {
		t.Helper()
		cs := ix.Candidates(input, 60)
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
	in("zhangsan", "张三", 3)
	in("zf", "政府", 8)
	in("jingyangzhen", "旌阳镇", 1)
	in("jingyang", "旌阳镇", 3)
	in("jyz", "旌阳镇", 1)
	in("zhengfu", "政府", 2)
	in("de", "的", 2)
	in("xinxi", "信息", 2)
	in("gongkai", "公开", 2)
	// A longer input: its beginning as a word, the rest to type on.
	cs := ix.Candidates("zhangsanlisi", 60)
	found := false
	for _, c := range cs {
		if c.Text == "张三" && c.N == len("zhangsan") {
			found = true
		}
	}
	if !found {
		t.Errorf("zhangsanlisi: no 张三 for its first 8 letters: %v", cs)
	}
	if cs := ix.Candidates("<script>", 10); cs != nil {
		t.Errorf("not letters: %v", cs)
	}
}
