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

// cand is a match before it is shown: small, so a query matching
// thousands of documents allocates little.
type cand struct {
	e          *entry
	score      int
	start, end int // the title's runes that matched, or none
	at, n      int // the body's bytes that matched, when the title did not
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
	typed    [][]typing
	first    []uint32 // per character, a bit per letter its readings start with
	initials uint32   // the union of first
	// sig has a bit per character of the body (hashed to 1024 bits): a
	// term whose characters are not all there is not looked for.
	sig *[16]uint64
	// common is first for the most common reading alone; the bits 26, 27
	// and 28 of first and common stand for zh, ch and sh.
	common []uint32
}

const (
	bitZh = 1 << 26
	bitCh = 1 << 27
	bitSh = 1 << 28
)

// initialBits is the letter bit of a reading's first letter, with its
// cluster bit for zh, ch, sh.
func initialBits(r string) uint32 {
	var b uint32
	if c := r[0]; c >= 'a' && c <= 'z' {
		b = 1 << (c - 'a')
	}
	if len(r) > 2 && r[1] == 'h' {
		switch r[0] {
		case 'z':
			b |= bitZh
		case 'c':
			b |= bitCh
		case 's':
			b |= bitSh
		}
	}
	return b
}

// typing is a character's whole reading (a letter or digit is its own);
// common when it is the character's most common reading. Initials are
// matched on the bits of entry.first instead.
type typing struct {
	text   string
	common bool
}

// typings lists each rune's readings.
func typings(readings [][]string) [][]typing {
	out := make([][]typing, len(readings))
	for i, rs := range readings {
		for k, r := range rs {
			out[i] = append(out[i], typing{text: r, common: k == 0})
		}
	}
	return out
}

// Index is an immutable search index; build a new one when data changes.
type Index struct {
	docs    []entry
	aliases []AliasGroup
	// vocab holds the character pairs of unit and item names: the words of
	// disclosure. A pinyin match whose characters are such words (低保 for
	// dibao) ranks above a homophone (耕地保护).
	vocab map[[2]rune]bool
	// readings are every reading of the indexed characters: a query that
	// neither begins with one nor begins one cannot be typed whole.
	readings map[string]bool
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
	ix := &Index{docs: make([]entry, len(docs)), aliases: aliases, vocab: map[[2]rune]bool{}, readings: map[string]bool{}}
	for i, d := range docs {
		e := &ix.docs[i]
		if d.Kind != KindPublication {
			rs := []rune(fold(d.Title))
			for j := 1; j < len(rs); j++ {
				ix.vocab[[2]rune{rs[j-1], rs[j]}] = true
			}
		}
		e.Doc = d
		e.title = []rune(fold(d.Title))
		e.lower = string(e.title)
		e.body = fold(d.Body)
		if e.body != "" {
			e.sig = signature(e.body)
		}
		readings, initials := readingsOf(e.title)
		e.typed, e.initials = typings(readings), initials
		for _, rs := range readings {
			for _, r := range rs {
				ix.readings[r] = true
			}
		}
		e.first = make([]uint32, len(readings))
		e.common = make([]uint32, len(readings))
		for j, rs := range readings {
			for k, r := range rs {
				b := initialBits(r)
				e.first[j] |= b
				if k == 0 {
					e.common[j] = b
				}
			}
		}
		e.initials &^= bitZh | bitCh | bitSh
	}
	return ix
}

func sigBit(r rune) (int, uint64) {
	h := uint32(r) * 2654435761 >> 22 // 10 bits
	return int(h >> 6), 1 << (h & 63)
}

func signature(s string) *[16]uint64 {
	var sig [16]uint64
	for _, r := range s {
		w, b := sigBit(r)
		sig[w] |= b
	}
	return &sig
}

// mayContain tells whether every character of term may be in the body.
func (e *entry) mayContain(term string) bool {
	for _, r := range term {
		if w, b := sigBit(r); e.sig[w]&b == 0 {
			return false
		}
	}
	return true
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
	if q == "" || len(q) > maxQuery || utf8.RuneCountInString(q) > 40 {
		return res
	}
	terms := ix.expand(q)
	if len(terms) > 1 {
		res.Expanded = terms[1:]
	}
	py := isPinyinQuery(q)
	res.Pinyin = py
	var qs []byte
	var plan pinyinPlan
	if py {
		qs = []byte(q)
		plan = ix.plan(qs)
	}
	var hits [3][]cand
	for i := range ix.docs {
		e := &ix.docs[i]
		if h, ok := e.match(terms, qs, plan, ix.vocab); ok {
			hits[e.Kind] = append(hits[e.Kind], h)
		}
	}
	for k := range hits {
		sort.SliceStable(hits[k], func(i, j int) bool {
			a, b := hits[k][i], hits[k][j]
			if a.score != b.score {
				return a.score > b.score
			}
			if !a.e.Date.Equal(b.e.Date) {
				return a.e.Date.After(b.e.Date)
			}
			return len(a.e.Title) < len(b.e.Title)
		})
	}
	res.UnitN, res.ItemN, res.PubN = len(hits[KindUnit]), len(hits[KindItem]), len(hits[KindPublication])
	res.Units = capHits(hits[KindUnit], maxUnits)
	res.Items = capHits(hits[KindItem], maxItems)
	res.Pubs = capHits(hits[KindPublication], maxPubs)
	return res
}

// capHits keeps the first n hits and splits their titles and snippets
// for highlighting (only those shown are split).
func capHits(cs []cand, n int) []Hit {
	if len(cs) > n {
		cs = cs[:n]
	}
	out := make([]Hit, len(cs))
	for i, c := range cs {
		out[i] = Hit{Doc: c.e.Doc, Score: c.score}
		if c.end > c.start {
			out[i].Parts = c.e.parts(c.start, c.end)
		} else {
			out[i].Parts = []Segment{{Text: c.e.Title}}
			out[i].Snippet = snippet(c.e.Body, c.e.body, c.at, c.n)
		}
	}
	return out
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
	bonusWord    = 3
)

// pinyinPlan says which ways a letter query can match: by initials, only
// in titles that have a character beginning with each of its letters; by
// whole readings, only if it begins with a reading or begins one.
type pinyinPlan struct {
	initials bool
	needs    uint32 // letters a title must have characters for
	full     bool
}

func (ix *Index) plan(q []byte) pinyinPlan {
	p := pinyinPlan{initials: true}
	for i, c := range q {
		if c < 'a' || c > 'z' {
			continue
		}
		if c == 'h' && i > 0 && (q[i-1] == 'z' || q[i-1] == 'c' || q[i-1] == 's') {
			continue // zh, ch, sh: the h may belong to the cluster
		}
		p.needs |= 1 << (c - 'a')
	}
	for r := range ix.readings {
		if hasPrefix(q, r) || strings.HasPrefix(r, string(q)) {
			p.full = true
			break
		}
	}
	return p
}

func (e *entry) match(terms []string, py []byte, plan pinyinPlan, vocab map[[2]rune]bool) (cand, bool) {
	best := cand{score: -1}
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
			if s > best.score {
				best = cand{e: e, score: s, start: start, end: end}
			}
		}
	}
	if py != nil && best.score < 0 {
		if start, end, common, ok := e.matchPinyin(py, plan); ok {
			s := scoreTitle
			if start == 0 {
				s += bonusStart
			}
			if common {
				s += bonusCommon
			}
			if end-start > 1 {
				known := true
				for j := start + 1; j < end && known; j++ {
					known = vocab[[2]rune{e.title[j-1], e.title[j]}]
				}
				if known {
					s += bonusWord
				}
			}
			best = cand{e: e, score: s, start: start, end: end}
		}
	}
	if best.score < 0 && e.body != "" && py == nil {
		for ti, t := range terms {
			if !e.mayContain(t) {
				continue
			}
			if at := strings.Index(e.body, t); at >= 0 {
				s := scoreBody
				if ti == 0 {
					s += bonusLiteral
				}
				best = cand{e: e, score: s, at: at, n: len(t)}
				break
			}
		}
	}
	return best, best.score >= 0
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

// matchPinyin finds the first run of title characters that q spells,
// either by initials (czyjs, zhzh) or by whole readings of which the last
// may be unfinished (dibao, dib, miaos); common tells whether only the most
// common reading of each character was needed. The query positions
// reachable after each character are a bit set (q is at most 40 bytes),
// so no start is tried twice and nothing is allocated.
func (e *entry) matchPinyin(q []byte, plan pinyinPlan) (start, end int, common, ok bool) {
	var lead uint32 // the letter a match starts with; 0 for a digit
	if c := q[0]; c >= 'a' && c <= 'z' {
		lead = 1 << (c - 'a')
		if e.initials&lead == 0 {
			return 0, 0, false, false
		}
	}
	for _, full := range []bool{false, true} {
		if full && !plan.full || !full && e.initials&plan.needs != plan.needs {
			continue
		}
		if end := e.firstEnd(q, lead, full); end > 0 {
			start := end - 1
			for ; start > 0 && !e.spells(q, start, end, full, false); start-- {
			}
			return start, end, e.spells(q, start, end, full, true), true
		}
	}
	return 0, 0, false, false
}

const maxQuery = 63

// step moves every query position in from across character j, typed
// whole (full) or by initial; with last it also reports whether some
// position's rest of q begins the character's reading (unfinished typing).
func (e *entry) step(q []byte, from uint64, j int, full, commonOnly bool) (to uint64, last bool) {
	if !full {
		return e.stepInitial(q, from, j, commonOnly), false
	}
	for qi := 0; from>>qi != 0; qi++ {
		if from&(1<<qi) == 0 {
			continue
		}
		rest := q[qi:]
		if len(rest) == 0 {
			continue
		}
		if c := rest[0]; c >= 'a' && c <= 'z' && e.first[j]&(1<<(c-'a')) == 0 {
			continue // no reading of the character begins with this letter
		}
		for _, t := range e.typed[j] {
			if commonOnly && !t.common {
				continue
			}
			if hasPrefix(rest, t.text) {
				to |= 1 << (qi + len(t.text))
			} else if len(rest) < len(t.text) && t.text[:len(rest)] == string(rest) {
				last = true
			}
		}
	}
	return to, last
}

// stepInitial is step by initials, on the characters' initial bits.
func (e *entry) stepInitial(q []byte, from uint64, j int, commonOnly bool) (to uint64) {
	bits := e.first[j]
	if commonOnly {
		bits = e.common[j]
	}
	for qi := 0; qi < len(q) && from>>qi != 0; qi++ {
		c := q[qi]
		if from&(1<<qi) == 0 || c < 'a' || c > 'z' {
			if from&(1<<qi) != 0 && c >= '0' && c <= '9' {
				for _, t := range e.typed[j] { // a digit in the title
					if t.text[0] == c {
						to |= 1 << (qi + 1)
					}
				}
			}
			continue
		}
		if bits&(1<<(c-'a')) != 0 {
			to |= 1 << (qi + 1)
		}
		if qi+1 < len(q) && q[qi+1] == 'h' {
			switch {
			case c == 'z' && bits&bitZh != 0, c == 'c' && bits&bitCh != 0, c == 's' && bits&bitSh != 0:
				to |= 1 << (qi + 2)
			}
		}
	}
	return to
}

// firstEnd is the end of the earliest match, trying every start at once,
// or 0.
func (e *entry) firstEnd(q []byte, lead uint32, full bool) int {
	done := uint64(1) << len(q)
	var state uint64
	for j := range e.typed {
		if lead == 0 || e.first[j]&lead != 0 {
			state |= 1 // a match may start here
		}
		if state == 0 {
			continue
		}
		var last bool
		state, last = e.step(q, state, j, full, false)
		if state&done != 0 || last {
			return j + 1
		}
	}
	return 0
}

// spells tells whether characters start..end-1 spell q.
func (e *entry) spells(q []byte, start, end int, full, commonOnly bool) bool {
	st := uint64(1)
	for j := start; j < end; j++ {
		var last bool
		st, last = e.step(q, st, j, full, commonOnly)
		if j == end-1 {
			return st&(1<<len(q)) != 0 || last
		}
		if st == 0 {
			return false
		}
	}
	return false
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}
