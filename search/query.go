package search

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// cand is a match before it is shown: small, so a query matching
// thousands of documents allocates little.
type cand struct {
	doc        uint32
	score      int32
	start, end int32 // the title's runes that matched, or none
	at         int32 // the body's byte that matched, -1 if not yet looked at
	term       int32 // the term that matched in the body
}

// scratch is a query's working memory, reused across queries.
type scratch struct {
	matched, seen []uint64
	cands         []cand
	list, list2   []uint32
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

func (s *scratch) reset(n int) {
	words := (n + 63) / 64
	if cap(s.matched) < words {
		s.matched, s.seen = make([]uint64, words), make([]uint64, words)
	} else {
		s.matched, s.seen = s.matched[:words], s.seen[:words]
		clear(s.matched)
		clear(s.seen)
	}
	s.cands = s.cands[:0]
}

func has(bits []uint64, d uint32) bool { return bits[d/64]&(1<<(d%64)) != 0 }
func set(bits []uint64, d uint32)      { bits[d/64] |= 1 << (d % 64) }

// Search finds documents for q, by characters (with alias terms) or, for a
// query of letters, by pinyin.
func (ix *Index) Search(q string) Result {
	res, _ := ix.search(q, nil)
	return res
}

// search is Search, or with a filter the candidates that pass it, of
// every kind, for SearchPage (not the shortcut of queries matching very
// many titles: every match is scored).
func (ix *Index) search(q string, f *Filter) (Result, []cand) {
	res := Result{Query: strings.TrimSpace(q)}
	q = normalize(q)
	if q == "" || len(q) > maxQuery || utf8.RuneCountInString(q) > 40 {
		return res, nil
	}
	terms := ix.expand(q)
	if len(terms) > 1 {
		res.Expanded = terms[1:]
	}
	py := isPinyinQuery(q)
	res.Pinyin = py
	if f == nil && !py && ix.searchLarge(terms, &res) {
		return res, nil
	}
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	sc.reset(len(ix.docs))

	// Titles, by characters: the literal query first, then its aliases;
	// a document keeps its best score. Each term's matches come in
	// document order, and are merged in that order.
	runs := make([][]cand, 0, len(terms))
	for ti, t := range terms {
		ids, known := ix.ids(t)
		if !known {
			continue
		}
		sc.list = ix.titleCandidates(t, sc.list)
		var run []cand
		if len(terms) == 1 {
			run = sc.cands[:0]
		}
		for _, d := range sc.list {
			// One or two characters: the lists are exact, and where the
			// match starts is worked out only for the hits shown.
			if ix.dead != nil && ix.dead.Contains(d) {
				continue // changed since: the newer index has it
			}
			start := int32(-1)
			tid := ix.tid(d)
			if len(ids) > 2 {
				if start = int32(indexIDs(tid, ids)); start < 0 {
					continue
				}
			} else if tid[0] == ids[0] && (len(ids) == 1 || tid[1] == ids[1]) {
				start = 0
			}
			s := int32(scoreTitle)
			if start == 0 {
				s += bonusStart
				if len(tid) == len(ids) {
					s += bonusExact
				}
			}
			if ti == 0 {
				s += bonusLiteral
			} else if py {
				// A synonym the letters spell (db: 低保) is what was meant.
				s += bonusSpelt
			}
			c := cand{doc: d, score: s, start: start, end: -int32(len(ids)), term: int32(ti), at: -1}
			if start >= 0 {
				c.end = start + int32(len(ids))
			}
			run = append(run, c)
		}
		runs = append(runs, run)
	}
	if len(runs) == 1 {
		sc.cands = runs[0]
	} else {
		sc.cands = mergeRuns(runs, sc.cands[:0])
	}
	for _, c := range sc.cands {
		set(sc.matched, c.doc)
	}
	if ix.dead != nil { // left out of pinyin and body matches too
		for it := ix.dead.Iterator(); it.HasNext(); {
			set(sc.matched, it.Next())
		}
	}
	// Pinyin, for titles not matched by characters.
	var inKind, checked, found [3]int
	if py {
		qs := []byte(q)
		plan := ix.plan(qs)
		var ok bool
		sc.list2, ok = ix.pinyinCandidates(qs, plan, sc.seen, sc.list2)
		if !ok { // too many readings to narrow: every title
			sc.list2 = sc.list2[:0]
			for d := range ix.docs {
				sc.list2 = append(sc.list2, uint32(d))
			}
		}
		// Very many candidates: match the newest few thousand of each kind
		// and estimate the rest from them.
		capped := len(sc.list2) > pyScanFrom
		if capped {
			for _, d := range sc.list2 {
				inKind[ix.kindOf(d)]++
			}
		}
		for _, d := range sc.list2 {
			if has(sc.matched, d) {
				continue
			}
			k := ix.kindOf(d)
			if capped {
				if checked[k] >= pyScanKind {
					continue
				}
				checked[k]++
			}
			tid := ix.tid(d)
			v := view{tid: tid, rt: ix.runes, initials: ix.inits[d]}
			start, end, common, ok := v.matchPinyin(qs, plan)
			if !ok {
				continue
			}
			found[k]++
			s := int32(scoreTitle)
			if start == 0 {
				s += bonusStart
			}
			if common {
				s += bonusCommon
			}
			if end-start > 1 {
				known := true
				for j := start + 1; j < end && known; j++ {
					known = ix.vocab[pairKey(tid[j-1], tid[j])]
				}
				if known {
					s += bonusWord
				}
			}
			set(sc.matched, d)
			sc.cands = append(sc.cands, cand{doc: d, score: s, start: int32(start), end: int32(end), at: -1})
		}
	}
	// Bodies, by characters, for documents not matched by title.
	if !py {
		for ti, t := range terms {
			var ok bool
			sc.list, ok = ix.bodyCandidates(t, sc.list)
			if !ok {
				continue
			}
			for _, d := range sc.list {
				if has(sc.matched, d) {
					continue
				}
				at := -1
				if body, kept := ix.kept[d]; kept {
					if at = strings.Index(body, t); at < 0 {
						continue
					}
				} else if ix.docs[d].kind != KindPublication || ix.bodies == nil {
					continue
				}
				s := int32(scoreBody)
				if ti == 0 {
					s += bonusLiteral
				}
				set(sc.matched, d)
				sc.cands = append(sc.cands, cand{doc: d, score: s, at: int32(at), term: int32(ti)})
			}
		}
	}

	if f != nil {
		var out []cand
		for _, c := range sc.cands {
			if f.keep(ix, c.doc) {
				out = append(out, c)
			}
		}
		return res, out
	}
	var byKind [3][]cand
	for _, c := range sc.cands {
		k := ix.kindOf(c.doc)
		byKind[k] = append(byKind[k], c)
	}
	res.UnitN, res.ItemN, res.PubN = len(byKind[KindUnit]), len(byKind[KindItem]), len(byKind[KindPublication])
	if extra := estimateRest(inKind, checked, found); extra != [3]int{} {
		res.Approx = true
		res.UnitN, res.ItemN, res.PubN = res.UnitN+extra[0], res.ItemN+extra[1], res.PubN+extra[2]
	}
	res.Units = ix.hits(top(byKind[KindUnit], maxUnits), terms)
	res.Items = ix.hits(top(byKind[KindItem], maxItems), terms)
	pubs := top(byKind[KindPublication], maxPubs)
	res.Pubs = ix.hits(pubs, terms)
	res.PubN -= len(pubs) - len(res.Pubs) // body matches that were not
	return res, nil
}

// estimateRest is, per kind, how many more of the pinyin candidates not
// matched would have matched, at the rate of those that were.
func estimateRest(inKind, checked, found [3]int) (extra [3]int) {
	for k := range extra {
		if checked[k] > 0 && inKind[k] > checked[k] {
			extra[k] = int(float64(found[k]) * float64(inKind[k]-checked[k]) / float64(checked[k]))
		}
	}
	return extra
}

// indexIDs is where ids first occur in tid, or -1.
func indexIDs(tid, ids []uint16) int {
	for i := 0; i+len(ids) <= len(tid); i++ {
		if tid[i] != ids[0] {
			continue
		}
		j := 1
		for j < len(ids) && tid[i+j] == ids[j] {
			j++
		}
		if j == len(ids) {
			return i
		}
	}
	return -1
}

// mergeRuns merges runs of candidates in document order into one, a
// document matched by several keeping its best.
func mergeRuns(runs [][]cand, out []cand) []cand {
	at := make([]int, len(runs))
	for {
		best := -1
		for k, r := range runs {
			if at[k] < len(r) && (best < 0 || r[at[k]].doc < runs[best][at[best]].doc) {
				best = k
			}
		}
		if best < 0 {
			return out
		}
		c := runs[best][at[best]]
		at[best]++
		if n := len(out); n > 0 && out[n-1].doc == c.doc {
			if c.score > out[n-1].score {
				out[n-1] = c
			}
			continue
		}
		out = append(out, c)
	}
}

// top returns the n best candidates, by score and then by document order
// (the order they were added in: newest first), without sorting them all.
func top(cs []cand, n int) []cand {
	if len(cs) > n {
		var hist [256]int
		for _, c := range cs {
			hist[min(c.score, 255)]++
		}
		// The lowest score that makes the cut, and how many of it.
		cut, above := 255, 0
		for ; cut > 0 && above+hist[cut] < n; cut-- {
			above += hist[cut]
		}
		need := n - above
		out := make([]cand, 0, n)
		var tie []cand
		for _, c := range cs {
			switch s := min(c.score, 255); {
			case s > int32(cut):
				out = append(out, c)
			case s == int32(cut):
				tie = append(tie, c)
			}
		}
		if len(tie) > need {
			// The ties are in document order unless they came by several
			// ways (title, pinyin, body): take the earliest documents.
			if !slices.IsSortedFunc(tie, func(a, b cand) int { return int(a.doc) - int(b.doc) }) {
				slices.SortFunc(tie, func(a, b cand) int { return int(a.doc) - int(b.doc) })
			}
			tie = tie[:need]
		}
		cs = append(out, tie...)
	} else {
		cs = slices.Clone(cs)
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.score != b.score {
			return int(b.score - a.score)
		}
		return int(a.doc) - int(b.doc)
	})
	return cs
}

// hits splits the titles and snippets of the candidates shown; body
// matches of publications whose bodies are not in memory are read back,
// checked and cut here, and dropped if the body does not hold the term
// after all (or the publication is no longer public).
func (ix *Index) hits(cs []cand, terms []string) []Hit {
	var bodies map[int64]string
	if ix.bodies != nil {
		var want []int64
		for _, c := range cs {
			if c.at < 0 && c.end == 0 && c.start == 0 {
				want = append(want, ix.docs[c.doc].id)
			}
		}
		if len(want) > 0 {
			bodies = ix.bodies(want)
		}
	}
	out := make([]Hit, 0, len(cs))
	for _, c := range cs {
		d := ix.doc(c.doc)
		h := Hit{Doc: d, Score: int(c.score)}
		n := len(ix.tid(c.doc))
		switch {
		case c.start < 0 && c.end < 0: // a title match not yet placed
			f := ix.title(c.doc)
			at := strings.Index(f, terms[c.term])
			start := utf8.RuneCountInString(f[:max(at, 0)])
			h.Parts = parts(d.Title, n, start, start+int(-c.end))
		case c.end > c.start:
			h.Parts = parts(d.Title, n, int(c.start), int(c.end))
		case c.at >= 0:
			h.Parts = []Segment{{Text: d.Title}}
			h.Snippet = snippet(d.Body, ix.kept[c.doc], int(c.at), len(terms[c.term]))
		default:
			body, ok := bodies[d.ID]
			if !ok {
				continue
			}
			folded := fold(body)
			at, term := -1, ""
			for _, t := range terms[c.term:] { // the term noted, or an alias after it
				if at = strings.Index(folded, t); at >= 0 {
					term = t
					break
				}
			}
			if at < 0 {
				continue
			}
			h.Parts = []Segment{{Text: d.Title}}
			h.Snippet = snippet(body, folded, at, len(term))
		}
		out = append(out, h)
	}
	return out
}
