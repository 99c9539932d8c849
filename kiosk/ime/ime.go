// Package ime is the kiosk's pinyin input: the candidates for what a
// resident types on the on-screen keyboard — full pinyin (zhangsan),
// initials (zs) or both mixed (zhangs, jyzhen), and a longer input as words
// then characters, each candidate saying how much of the input it stands
// for — ranked by how common the word is, the county's own names first and
// the words of its catalogue (低保 before 地堡) next.
//
// The word list (words.txt.gz, made by ./gen) is jieba's dictionary as the
// gse segmenter ships it: every character and the common words of two to
// four characters, with their frequencies; the pinyin is go-pinyin's.
package ime

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

//go:embed words.txt.gz
var wordList []byte

type entry struct {
	word string
	freq int
	// py is the word's pinyin, a syllable per character, space-separated.
	py string
}

// table is words by full pinyin and by initials, most common first.
type table struct {
	full     map[string][]entry
	initials map[string][]entry
	keys     []string // the full-pinyin keys, sorted, for prefixes
}

func newTable() table {
	return table{full: map[string][]entry{}, initials: map[string][]entry{}}
}

func (t *table) add(w string, freq int) bool {
	full, ini, py, ok := spell(w)
	if !ok {
		return false
	}
	e := entry{w, freq, py}
	t.full[full] = append(t.full[full], e)
	if len([]rune(w)) > 1 {
		t.initials[ini] = append(t.initials[ini], e)
	}
	return true
}

func (t *table) finish() {
	for _, m := range []map[string][]entry{t.full, t.initials} {
		for k, es := range m {
			sort.SliceStable(es, func(i, j int) bool { return es[i].freq > es[j].freq })
			// A word listed twice once.
			out := es[:0]
			dup := map[string]bool{}
			for _, e := range es {
				if !dup[e.word] {
					dup[e.word] = true
					out = append(out, e)
				}
			}
			m[k] = out
		}
	}
	t.keys = make([]string, 0, len(t.full))
	for k := range t.full {
		t.keys = append(t.keys, k)
	}
	sort.Strings(t.keys)
}

// begun is the words whose full pinyin begins with input and is longer,
// at most max of them scanned.
func (t *table) begun(input string, max int) []entry {
	var out []entry
	i := sort.SearchStrings(t.keys, input)
	for ; i < len(t.keys) && strings.HasPrefix(t.keys[i], input) && len(out) < max; i++ {
		if t.keys[i] != input {
			out = append(out, t.full[t.keys[i]]...)
		}
	}
	return out
}

// Index is the dictionary's words; build it with New, and the county's
// own words with Local.
type Index struct {
	table
	// prefixes are the beginnings of every syllable (z, zh, zha … zhang).
	prefixes map[string]bool
	// words are the dictionary's words of two or more characters.
	words map[string]bool
}

// Local is a county's layer over the dictionary: its names (units,
// places), above every word, and the words its catalogue uses, above the
// words it does not.
type Local struct {
	names   table
	favored map[string]bool
}

// Candidate is a word for the input: Text, and how many letters of the
// input it stands for (the rest stay to be typed on).
type Candidate struct {
	Text string `json:"text"`
	N    int    `json:"n"`
}

var args = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Fallback = func(r rune, a pinyin.Args) []string { return nil }
	return a
}()

// spell is a word's pinyin: full, as initials, and syllable by syllable;
// ok is false when a character has none.
func spell(w string) (full, initials, py string, ok bool) {
	var f, i, p strings.Builder
	for _, r := range w {
		ps := pinyin.SinglePinyin(r, args)
		if len(ps) == 0 || ps[0] == "" {
			return "", "", "", false
		}
		f.WriteString(ps[0])
		i.WriteByte(ps[0][0])
		if p.Len() > 0 {
			p.WriteByte(' ')
		}
		p.WriteString(ps[0])
	}
	return f.String(), i.String(), p.String(), true
}

// Score tiers: a county's name above any word, a word of its catalogue
// above any other word (jieba's frequencies stay far below 1<<24).
const (
	boost    = 1 << 30
	favoured = 1 << 24
)

// New builds the dictionary's index, and the county's layer of local names
// (see Local).
func New(local []string) (*Index, *Local) {
	ix := &Index{table: newTable(), prefixes: map[string]bool{}, words: map[string]bool{}}
	zr, err := gzip.NewReader(bytes.NewReader(wordList))
	if err == nil {
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			w, f, ok := strings.Cut(sc.Text(), "\t")
			n, err := strconv.Atoi(f)
			if !ok || err != nil || !ix.add(w, n) {
				continue
			}
			if r := []rune(w); len(r) == 1 {
				_, _, py, _ := spell(w)
				for i := 1; i <= len(py); i++ {
					ix.prefixes[py[:i]] = true
				}
			} else {
				ix.words[w] = true
			}
		}
	}
	ix.finish()
	return ix, ix.Local(local, nil)
}

// Local makes a county's layer: names (units, places: Chinese only, at
// most 12 characters) come first where they match; the dictionary's words
// found in texts (the catalogue's domains, columns and items) come before
// the words not found.
func (ix *Index) Local(names, texts []string) *Local {
	l := &Local{names: newTable(), favored: map[string]bool{}}
	seen := map[string]bool{}
	for _, w := range names {
		w = strings.TrimSpace(w)
		if w == "" || seen[w] || len([]rune(w)) > 12 || strings.IndexFunc(w, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) >= 0 {
			continue
		}
		seen[w] = true
		l.names.add(w, boost)
	}
	l.names.finish()
	for _, t := range texts {
		rs := []rune(t)
		for i := range rs {
			for n := 2; n <= 4 && i+n <= len(rs); n++ {
				if w := string(rs[i : i+n]); ix.words[w] {
					l.favored[w] = true
				}
			}
		}
	}
	return l
}

// Candidates are the words for input (lower-case letters), best first, at
// most limit: the words spelled by the whole input, those it begins (still
// being typed), the words of its initials, and of initials and syllables
// mixed — the county's names first and its catalogue's words next in each
// — then the words and characters spelled by its beginning. l may be nil.
func (ix *Index) Candidates(l *Local, input string, limit int) []Candidate {
	input = strings.ToLower(strings.TrimSpace(input))
	if input == "" || len(input) > 40 || strings.IndexFunc(input, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return nil
	}
	if l == nil {
		l = &Local{names: newTable()}
	}
	score := func(e entry) int {
		if l.favored[e.word] {
			return e.freq + favoured
		}
		return e.freq
	}
	rank := func(es []entry) []entry {
		sort.SliceStable(es, func(a, b int) bool { return score(es[a]) > score(es[b]) })
		return es
	}
	var out []Candidate
	seen := map[string]bool{}
	add := func(es []entry, n, max int) {
		for i, e := range es {
			if len(out) >= limit || i >= max {
				return
			}
			if !seen[e.word] {
				seen[e.word] = true
				out = append(out, Candidate{e.word, n})
			}
		}
	}
	n := len(input)
	spelled := rank(append(append([]entry(nil), l.names.full[input]...), ix.full[input]...))
	// What the input begins, whether it breaks off inside a syllable
	// (zhangsa) or at one (zhangs, zsan), ranked together.
	begun := rank(append(append(l.names.begun(input, 2000), ix.begun(input, 2000)...), ix.mixed(l, input)...))
	initials := rank(append(append([]entry(nil), l.names.initials[input]...), ix.initials[input]...))
	// The county's names first, wherever they match.
	var local []entry
	for _, es := range [][]entry{spelled, begun, initials} {
		for _, e := range es {
			if e.freq >= boost {
				local = append(local, e)
			}
		}
	}
	add(local, n, limit)
	add(spelled, n, limit)
	add(begun, n, 12)
	add(initials, n, limit)
	add(begun[min(len(begun), 12):], n, limit)
	// The beginning of the input, longest first: words, then characters.
	for k := n - 1; k > 0 && len(out) < limit; k-- {
		add(rank(append([]entry(nil), ix.full[input[:k]]...)), k, limit)
	}
	return out
}

// mixed is the words of input typed as syllables and initials together
// (zhangs, jyzhen, zhsan): every way of cutting it into beginnings of
// syllables, the words whose characters' syllables begin so, one piece a
// character.
func (ix *Index) mixed(l *Local, input string) []entry {
	var out []entry
	// Bounded: at most 64 ways of cutting, 2,000 steps to find them and
	// 20,000 words tried, whatever is typed.
	tried, steps, budget := 0, 0, 20000
	var pieces []string
	var walk func(at int)
	walk = func(at int) {
		if steps++; tried > 64 || steps > 2000 || budget <= 0 {
			return
		}
		if at == len(input) {
			if len(pieces) < 2 {
				return
			}
			tried++
			var key strings.Builder
			for _, p := range pieces {
				key.WriteByte(p[0])
			}
			for _, es := range [][]entry{l.names.initials[key.String()], ix.initials[key.String()]} {
				for _, e := range es {
					if budget--; budget <= 0 {
						return
					}
					if fits(e.py, pieces) {
						out = append(out, e)
					}
				}
			}
			return
		}
		if len(pieces) >= 12 {
			return
		}
		// Longer pieces first: whole syllables before their initials.
		for end := min(len(input), at+6); end > at; end-- {
			if ix.prefixes[input[at:end]] {
				pieces = append(pieces, input[at:end])
				walk(end)
				pieces = pieces[:len(pieces)-1]
			}
		}
	}
	walk(0)
	return out
}

// fits tells whether each syllable of py begins with its piece.
func fits(py string, pieces []string) bool {
	for i, p := range pieces {
		s, rest, _ := strings.Cut(py, " ")
		if !strings.HasPrefix(s, p) || (rest == "") != (i == len(pieces)-1) {
			return false
		}
		py = rest
	}
	return true
}

var (
	once sync.Once
	base *Index
)

// Shared is the dictionary's index, built once, on first use.
func Shared() *Index {
	once.Do(func() { base, _ = New(nil) })
	return base
}
