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
	ss := spellings(w)
	for i, s := range ss {
		// The other readings of a polyphone count a twentieth: 其 is ji
		// too, but rarely.
		f := freq
		if i > 0 && f < boost {
			f = max(f/20, 1)
		}
		e := entry{w, f, s.py}
		t.full[s.full] = append(t.full[s.full], e)
		if len([]rune(w)) > 1 {
			t.initials[s.initials] = append(t.initials[s.initials], e)
		}
	}
	return len(ss) > 0
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
	a.Heteronym = true
	a.Fallback = func(r rune, a pinyin.Args) []string { return nil }
	return a
}()

// spelling is one way to read a word: its full pinyin, its initials, and
// its syllables space-separated.
type spelling struct{ full, initials, py string }

// maxSpellings bounds the readings of one word a polyphone multiplies.
const maxSpellings = 8

// spellings are a word's readings, every reading of each of its
// characters (长 is zhang and chang, 银行 yinxing and yinhang), at most
// maxSpellings; none when a character has no pinyin.
func spellings(w string) []spelling {
	out := []spelling{{}}
	for _, r := range w {
		ps := pinyin.SinglePinyin(r, args)
		if len(ps) == 0 || ps[0] == "" {
			return nil
		}
		var next []spelling
		for _, s := range out {
			for _, p := range ps {
				if p == "" || len(next) >= maxSpellings {
					continue
				}
				py := p
				if s.py != "" {
					py = s.py + " " + p
				}
				next = append(next, spelling{s.full + p, s.initials + p[:1], py})
			}
		}
		out = next
	}
	return out
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
				for _, s := range spellings(w) {
					for i := 1; i <= len(s.py); i++ {
						ix.prefixes[s.py[:i]] = true
					}
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
	// add puts at most max new words of es (a word may be listed under
	// several readings).
	add := func(es []entry, n, max int) {
		added := 0
		for _, e := range es {
			if len(out) >= limit || added >= max {
				return
			}
			if !seen[e.word] {
				seen[e.word] = true
				out = append(out, Candidate{e.word, n})
				added++
			}
		}
	}
	n := len(input)
	spelled := rank(append(append([]entry(nil), l.names.full[input]...), ix.full[input]...))
	// What the input begins, whether it breaks off inside a syllable
	// (zhangsa) or at one (zhangs, zsan), ranked together.
	begun := rank(append(append(l.names.begun(input, 2000), ix.begun(input, 2000)...), ix.mixed(l, input)...))
	initials := rank(append(append([]entry(nil), l.names.initials[input]...), ix.initials[input]...))
	// The county's names first where the input spells them or their
	// initials, or — once it is more than one syllable — begins them; a
	// syllable alone (jing) offers its characters first.
	var local []entry
	lists := [][]entry{spelled, initials}
	if !ix.prefixes[input] {
		lists = append(lists, begun)
	}
	for _, es := range lists {
		for _, e := range es {
			if e.freq >= boost {
				local = append(local, e)
			}
		}
	}
	add(local, n, 5)
	add(spelled, n, limit)
	add(initials, n, limit)
	// A few of the words it begins, then its beginning, longest first
	// (words, then the characters of its first syllable: a name is typed
	// a character at a time), then the rest of those it begins.
	add(begun, n, 3)
	for k := n - 1; k > 0 && len(out) < limit; k-- {
		most := 3 // words of a longer beginning
		if ix.prefixes[input[:k]] {
			most = limit // the characters of the first syllable
		}
		add(rank(append([]entry(nil), ix.full[input[:k]]...)), k, most)
	}
	add(begun, n, limit)
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
