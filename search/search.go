package search

import (
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/width"
)

// Kind is what a document is.
type Kind int

// The kinds of document, in the order results are shown.
const (
	KindUnit Kind = iota
	KindItem
	KindPublication
)

// Doc is one thing a resident can find.
type Doc struct {
	Kind Kind
	// ID is the item's or publication's id; Code the unit's code.
	ID   int64
	Code string
	// Title is matched by characters and pinyin and shown highlighted;
	// Context (the unit, the item's place) is shown beneath it; Body is
	// matched by characters only, and a snippet of it shown.
	Title, Context, Body string
	// Date orders publications of equal score, newest first.
	Date time.Time
}

// Segment is a run of text, marked where it matched.
type Segment struct {
	Text string
	Mark bool
}

// Hit is a document that matched, with its title and a body snippet split
// into segments for highlighting.
type Hit struct {
	Doc
	Score   int
	Parts   []Segment
	Snippet []Segment
}

// Result is the answer to a query: hits grouped by kind, best first, and
// how many matched of each kind in all.
type Result struct {
	Query              string
	Units, Items, Pubs []Hit
	UnitN, ItemN, PubN int
	Expanded           []string // the query's alias terms, if any
	Pinyin             bool     // matched as pinyin
}

// Total is the number of documents that matched.
func (r Result) Total() int { return r.UnitN + r.ItemN + r.PubN }

// AliasGroup is a set of terms a resident may use for one thing.
type AliasGroup []string

type entry struct {
	Doc
	title    []rune
	lower    string // title, folded
	body     string // body, folded
	readings [][]string
	initials uint32 // bit per letter some character's reading starts with
}

// Index is an immutable search index; build a new one when data changes.
type Index struct {
	docs    []entry
	aliases []AliasGroup
}

var pyArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Heteronym = true
	a.Fallback = func(r rune, a pinyin.Args) []string { return nil }
	return a
}()

// readingsOf returns, per rune of s, the lowercase readings to match: the
// pinyin of a Han character (most common first), the letter or digit
// itself, or none for punctuation.
func readingsOf(rs []rune) ([][]string, uint32) {
	out := make([][]string, len(rs))
	var mask uint32
	for i, r := range rs {
		switch {
		case unicode.Is(unicode.Han, r):
			if ps := pinyin.SinglePinyin(r, pyArgs); len(ps) > 0 {
				out[i] = dedupe(ps)
			}
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			out[i] = []string{string(unicode.ToLower(r))}
		}
		for _, p := range out[i] {
			if c := p[0]; c >= 'a' && c <= 'z' {
				mask |= 1 << (c - 'a')
			}
		}
	}
	return out, mask
}

func dedupe(ps []string) []string {
	out := ps[:0:0]
	for _, p := range ps {
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// fold makes text comparable: full-width to half-width, lower case.
func fold(s string) string {
	return strings.ToLower(width.Fold.String(s))
}

// Build indexes docs with the alias groups.
func Build(docs []Doc, aliases []AliasGroup) *Index {
	ix := &Index{docs: make([]entry, len(docs)), aliases: aliases}
	for i, d := range docs {
		e := &ix.docs[i]
		e.Doc = d
		e.title = []rune(fold(d.Title))
		e.lower = string(e.title)
		e.body = fold(d.Body)
		e.readings, e.initials = readingsOf(e.title)
	}
	return ix
}

// Len is the number of documents indexed.
func (ix *Index) Len() int { return len(ix.docs) }

// Limits on how many hits of each kind a result carries.
const (
	maxUnits = 10
	maxItems = 30
	maxPubs  = 50
)

// normalize folds a query and drops spaces and apostrophes (xi'an).
func normalize(q string) string {
	q = fold(strings.TrimSpace(q))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\'' {
			return -1
		}
		return r
	}, q)
}

func isPinyinQuery(q string) bool {
	if q == "" {
		return false
	}
	letters := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c >= 'a' && c <= 'z':
			letters = true
		case c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return letters
}

// Search finds documents for q, by characters (with alias terms) or, for a
// query of letters, by pinyin.
func (ix *Index) Search(q string) Result {
	res := Result{Query: strings.TrimSpace(q)}
	q = normalize(q)
	if q == "" || utf8.RuneCountInString(q) > 40 {
		return res
	}
	terms := ix.expand(q)
	if len(terms) > 1 {
		res.Expanded = terms[1:]
	}
	py := isPinyinQuery(q)
	res.Pinyin = py
	var qs []byte
	if py {
		qs = []byte(q)
	}
	var hits [3][]Hit
	for i := range ix.docs {
		e := &ix.docs[i]
		h, ok := e.match(terms, qs)
		if ok {
			hits[e.Kind] = append(hits[e.Kind], h)
		}
	}
	for k := range hits {
		sort.SliceStable(hits[k], func(i, j int) bool {
			a, b := hits[k][i], hits[k][j]
			if a.Score != b.Score {
				return a.Score > b.Score
			}
			if !a.Date.Equal(b.Date) {
				return a.Date.After(b.Date)
			}
			return len(a.Title) < len(b.Title)
		})
	}
	res.UnitN, res.ItemN, res.PubN = len(hits[KindUnit]), len(hits[KindItem]), len(hits[KindPublication])
	res.Units = capHits(hits[KindUnit], maxUnits)
	res.Items = capHits(hits[KindItem], maxItems)
	res.Pubs = capHits(hits[KindPublication], maxPubs)
	return res
}

func capHits(h []Hit, n int) []Hit {
	if len(h) > n {
		h = h[:n]
	}
	return h
}

// expand returns q followed by the variants its alias groups give: each
// group term found in q replaced by each other term of the group.
func (ix *Index) expand(q string) []string {
	out := []string{q}
	seen := map[string]bool{q: true}
	for _, g := range ix.aliases {
		for _, t := range g {
			ft := normalize(t)
			if ft == "" || !strings.Contains(q, ft) {
				continue
			}
			for _, o := range g {
				v := strings.Replace(q, ft, normalize(o), 1)
				if !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// Scores: a title match outranks a body match; a match at the start of the
// title, the whole title, the query itself (not an alias) and the common
// reading of a polyphone each add to it.
const (
	scoreTitle   = 100
	scoreBody    = 30
	bonusStart   = 20
	bonusExact   = 40
	bonusLiteral = 10
	bonusCommon  = 5
)

func (e *entry) match(terms []string, py []byte) (Hit, bool) {
	best := Hit{Score: -1}
	for ti, t := range terms {
		if at := strings.Index(e.lower, t); at >= 0 {
			start := utf8.RuneCountInString(e.lower[:at])
			end := start + utf8.RuneCountInString(t)
			s := scoreTitle
			if start == 0 {
				s += bonusStart
			}
			if end == len(e.title) && start == 0 {
				s += bonusExact
			}
			if ti == 0 {
				s += bonusLiteral
			}
			if s > best.Score {
				best = Hit{Doc: e.Doc, Score: s, Parts: e.parts(start, end)}
			}
		}
	}
	if py != nil && best.Score < 0 {
		if start, end, common, ok := e.matchPinyin(py); ok {
			s := scoreTitle
			if start == 0 {
				s += bonusStart
			}
			if common {
				s += bonusCommon
			}
			best = Hit{Doc: e.Doc, Score: s, Parts: e.parts(start, end)}
		}
	}
	if best.Score < 0 && e.body != "" {
		for ti, t := range terms {
			if at := strings.Index(e.body, t); at >= 0 {
				s := scoreBody
				if ti == 0 {
					s += bonusLiteral
				}
				best = Hit{Doc: e.Doc, Score: s, Parts: []Segment{{Text: e.Title}}, Snippet: snippet(e.Body, e.body, at, len(t))}
				break
			}
		}
	}
	return best, best.Score >= 0
}

// parts splits the original title at the rune span [start, end).
func (e *entry) parts(start, end int) []Segment {
	rs := []rune(e.Title)
	if len(rs) != len(e.title) { // folding changed the length: mark nothing
		return []Segment{{Text: e.Title}}
	}
	var out []Segment
	if start > 0 {
		out = append(out, Segment{Text: string(rs[:start])})
	}
	out = append(out, Segment{Text: string(rs[start:end]), Mark: true})
	if end < len(rs) {
		out = append(out, Segment{Text: string(rs[end:])})
	}
	return out
}

// snippet cuts about 40 characters of the body around a match at byte at
// (of the folded body) of n bytes, marking the match.
func snippet(orig, folded string, at, n int) []Segment {
	if len(orig) != len(folded) {
		orig = folded
	}
	const around = 20
	rs := []rune(orig)
	start := utf8.RuneCountInString(orig[:at])
	end := start + utf8.RuneCountInString(orig[at:at+n])
	from, to := max(0, start-around), min(len(rs), end+around)
	var out []Segment
	pre := string(rs[from:start])
	if from > 0 {
		pre = "…" + pre
	}
	out = append(out, Segment{Text: pre}, Segment{Text: string(rs[start:end]), Mark: true})
	post := string(rs[end:to])
	if to < len(rs) {
		post += "…"
	}
	return append(out, Segment{Text: post})
}

// matchPinyin finds the first run of title characters whose readings,
// each taken whole or by its initial, spell q. common tells whether only
// the first (most common) reading of each character was used.
func (e *entry) matchPinyin(q []byte) (start, end int, common, ok bool) {
	if c := q[0]; c >= 'a' && c <= 'z' && e.initials&(1<<(c-'a')) == 0 {
		return 0, 0, false, false
	}
	n := len(e.readings)
	var failed map[[2]int]bool
	var rec func(qi, ri int, common bool) (int, bool, bool)
	rec = func(qi, ri int, common bool) (int, bool, bool) {
		if qi == len(q) {
			return ri, common, true
		}
		if ri == n || failed[[2]int{qi, ri}] {
			return 0, false, false
		}
		rest := q[qi:]
		for k, r := range e.readings[ri] {
			for _, p := range prefixes(r) {
				if hasPrefix(rest, p) {
					if end, c, ok := rec(qi+len(p), ri+1, common && k == 0); ok {
						return end, c, true
					}
				}
			}
		}
		if failed == nil {
			failed = map[[2]int]bool{}
		}
		failed[[2]int{qi, ri}] = true
		return 0, false, false
	}
	for i := 0; i < n; i++ {
		if end, c, ok := rec(0, i, true); ok {
			return i, end, c, true
		}
	}
	return 0, 0, false, false
}

// prefixes are the ways a reading may be typed: whole, by its initial
// consonant cluster (zh, ch, sh) or by its first letter.
func prefixes(r string) []string {
	if len(r) > 2 && (r[:2] == "zh" || r[:2] == "ch" || r[:2] == "sh") {
		return []string{r, r[:2], r[:1]}
	}
	if len(r) > 1 {
		return []string{r, r[:1]}
	}
	return []string{r}
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}
