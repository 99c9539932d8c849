// Package ime is the kiosk's pinyin input: the candidates for what a
// resident types on the on-screen keyboard — full pinyin (zhangsan) or
// initials (zs), and a longer input as words then characters, each
// candidate saying how much of the input it stands for — ranked by how
// common the word is, the county's own names first.
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
}

// Index finds candidates; build it with New.
type Index struct {
	full     map[string][]entry // by full pinyin, most common first
	initials map[string][]entry // by initials
	keys     []string           // the full-pinyin keys, sorted, for prefixes
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

// spell is a word's pinyin, full and as initials; ok is false when a
// character has none.
func spell(w string) (full, initials string, ok bool) {
	var f, i strings.Builder
	for _, r := range w {
		ps := pinyin.SinglePinyin(r, args)
		if len(ps) == 0 || ps[0] == "" {
			return "", "", false
		}
		f.WriteString(ps[0])
		i.WriteByte(ps[0][0])
	}
	return f.String(), i.String(), true
}

// boost puts the county's own names above any word of the dictionary.
const boost = 1 << 30

// New builds the index from the word list and the county's own names
// (units, places), which come first where they match.
func New(local []string) *Index {
	ix := &Index{full: map[string][]entry{}, initials: map[string][]entry{}}
	add := func(w string, freq int) {
		full, ini, ok := spell(w)
		if !ok {
			return
		}
		ix.full[full] = append(ix.full[full], entry{w, freq})
		if len([]rune(w)) > 1 {
			ix.initials[ini] = append(ix.initials[ini], entry{w, freq})
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(wordList))
	if err == nil {
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			w, f, ok := strings.Cut(sc.Text(), "\t")
			if n, err := strconv.Atoi(f); ok && err == nil {
				add(w, n)
			}
		}
	}
	seen := map[string]bool{}
	for _, w := range local {
		w = strings.TrimSpace(w)
		if w == "" || seen[w] || len([]rune(w)) > 12 || strings.IndexFunc(w, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) >= 0 {
			continue
		}
		seen[w] = true
		add(w, boost)
	}
	for _, m := range []map[string][]entry{ix.full, ix.initials} {
		for k, es := range m {
			sort.SliceStable(es, func(i, j int) bool { return es[i].freq > es[j].freq })
			// A word listed twice (a name also in the dictionary) once.
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
	ix.keys = make([]string, 0, len(ix.full))
	for k := range ix.full {
		ix.keys = append(ix.keys, k)
	}
	sort.Strings(ix.keys)
	return ix
}

// Candidates are the words for input (lower-case letters), best first, at
// most limit: the words spelled by the whole input, the county's names and
// common words it begins (still being typed), the words of its initials,
// then the words and characters spelled by its beginning.
func (ix *Index) Candidates(input string, limit int) []Candidate {
	input = strings.ToLower(strings.TrimSpace(input))
	if input == "" || len(input) > 40 || strings.IndexFunc(input, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return nil
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
	// Words the input spells or begins (still being typed).
	var begun []entry
	i := sort.SearchStrings(ix.keys, input)
	for ; i < len(ix.keys) && strings.HasPrefix(ix.keys[i], input) && len(begun) < 2000; i++ {
		if ix.keys[i] != input {
			begun = append(begun, ix.full[ix.keys[i]]...)
		}
	}
	sort.SliceStable(begun, func(a, b int) bool { return begun[a].freq > begun[b].freq })
	// The county's names first, then the words spelled, then those begun.
	var local []entry
	for _, e := range append(append([]entry(nil), ix.full[input]...), begun...) {
		if e.freq >= boost {
			local = append(local, e)
		}
	}
	for _, e := range ix.initials[input] {
		if e.freq >= boost {
			local = append(local, e)
		}
	}
	add(local, n, limit)
	add(ix.full[input], n, limit)
	add(begun, n, 12)
	add(ix.initials[input], n, limit)
	// The beginning of the input, longest first: words, then characters.
	for l := n - 1; l > 0 && len(out) < limit; l-- {
		add(ix.full[input[:l]], l, limit)
	}
	return out
}

var (
	once    sync.Once
	current *Index
	mu      sync.Mutex
)

// Shared is the index of the word list and local, built once, on first use.
func Shared(local func() []string) *Index {
	once.Do(func() {
		ix := New(local())
		mu.Lock()
		current = ix
		mu.Unlock()
	})
	mu.Lock()
	defer mu.Unlock()
	return current
}
