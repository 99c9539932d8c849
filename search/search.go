package search

import (
	"slices"
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
	// Unit and Domain are the unit's and the domain's codes of an item or
	// a publication (a unit's own code for a unit), for SearchPage's
	// filters.
	Unit, Domain string
}

// Segment is a run of text, marked where it matched.
type Segment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
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
type Result struct {
	Query              string
	Units, Items, Pubs []Hit
	UnitN, ItemN, PubN int
	Expanded           []string // the query's alias terms, if any
	Pinyin             bool     // matched as pinyin
	// Approx is set when the counts are estimated: a query matching tens
	// of thousands of documents is counted from the index's lists rather
	// than document by document.
	Approx bool
}

// WithAliases is the index with other alias groups: they are read only
// when a query is expanded, so a change of them needs no rebuild.
func (ix *Index) WithAliases(groups []AliasGroup) *Index {
	c := *ix
	c.aliases = groups
	return &c
}

// Overlay merges into r what newer found: newer is a small index of the
// documents changed since r's was built (r's index leaving those out, see
// Without). A document in both is shown as newer has it; the hits of each
// kind are ranked together, by score and then newest first.
func Overlay(r, newer Result) Result {
	r.Units, r.UnitN = merge(r.Units, r.UnitN, newer.Units, newer.UnitN, maxUnits)
	r.Items, r.ItemN = merge(r.Items, r.ItemN, newer.Items, newer.ItemN, maxItems)
	r.Pubs, r.PubN = merge(r.Pubs, r.PubN, newer.Pubs, newer.PubN, maxPubs)
	r.Approx = r.Approx || newer.Approx
	return r
}

func merge(old []Hit, oldN int, newer []Hit, newerN, limit int) ([]Hit, int) {
	if len(newer) == 0 && newerN == 0 {
		return old, oldN
	}
	fresh := map[Key]bool{}
	for _, h := range newer {
		fresh[KeyOf(h.Doc)] = true
	}
	out := make([]Hit, 0, len(old)+len(newer))
	out = append(out, newer...)
	for _, h := range old {
		if fresh[KeyOf(h.Doc)] {
			oldN--
			continue
		}
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(a, b Hit) int {
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		return b.Date.Compare(a.Date)
	})
	return out[:min(len(out), limit)], oldN + newerN
}

// Total is the number of documents that matched.
func (r Result) Total() int { return r.UnitN + r.ItemN + r.PubN }

// AliasGroup is a set of terms a resident may use for one thing.
type AliasGroup []string

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

// Index is an immutable search index; build a new one when data changes.
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
func (ix *Index) expand(q string) []string {
	out := []string{q}
	seen := map[string]bool{q: true}
	// Letters that spell a synonym in full or by its initials (dibao, db
	// for 低保) bring in its group, searched by characters.
	if isPinyinQuery(q) {
		for _, g := range ix.aliases {
			spelt := false
			for _, t := range g {
				full, initials := spellCommon(normalize(t))
				spelt = spelt || (full != "" && (q == full || q == initials))
			}
			if !spelt {
				continue
			}
			for _, o := range g {
				if v := normalize(o); v != "" && !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
		return out
	}
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

// spellCommon is a term's pinyin by the common reading of each character,
// in full and as initials; "" when a character has none.
func spellCommon(t string) (full, initials string) {
	rs := []rune(t)
	readings, _ := readingsOf(rs)
	var f, i strings.Builder
	for k := range rs {
		if k >= len(readings) || len(readings[k]) == 0 {
			return "", ""
		}
		f.WriteString(readings[k][0])
		i.WriteByte(readings[k][0][0])
	}
	return f.String(), i.String()
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
	bonusSpelt   = 30
)

// parts splits the original title at the rune span [start, end) of the
// folded one.
func parts(title string, n, start, end int) []Segment {
	rs := []rune(title)
	if len(rs) != n || start < 0 || end > len(rs) { // folding changed the length: mark nothing
		return []Segment{{Text: title}}
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
