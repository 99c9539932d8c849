package search

import (
	"slices"
	"strings"
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

// maxReadings bounds the ways a letter query is read before the index
// gives up narrowing it and matches every title.
const maxReadings = 64

// A way of reading a query is a list of the pairs adjacent characters of a
// matching title must have: letter pairs (initials) or reading pairs
// (whole readings); pairRef names one.
type pairRef struct {
	syllables bool
	key       uint32
}

// readingsOfQuery lists the pairs for every way of reading a pinyin
// query: by initials (czyjs; zh, ch and sh maybe one), or by whole
// readings of which the last may be unfinished (dibao, dib). A way of one
// character has no pair: its letter is given instead. ok is false when
// there are too many ways.
func (ix *Index) readingsOfQuery(q []byte, plan pinyinPlan) (ways [][]pairRef, singles []uint8, ok bool) {
	seen := map[string]bool{}
	type tok struct {
		sym uint8
		syl int32 // -1: an initial, or an unfinished reading
	}
	var cur []tok
	steps := 0
	emit := func() {
		if len(cur) == 1 {
			if !containsSym(singles, cur[0].sym) {
				singles = append(singles, cur[0].sym)
			}
			return
		}
		refs := make([]pairRef, 0, len(cur)-1)
		var k []byte
		for j := 1; j < len(cur); j++ {
			a, b := cur[j-1], cur[j]
			r := pairRef{key: uint32(a.sym)*nSyms + uint32(b.sym)}
			if a.syl >= 0 && b.syl >= 0 {
				r = pairRef{syllables: true, key: pairKey(uint16(a.syl), uint16(b.syl))}
			}
			refs = append(refs, r)
			k = append(k, byte(r.key>>24), byte(r.key>>16), byte(r.key>>8), byte(r.key))
			if r.syllables {
				k = append(k, 1)
			}
		}
		if !seen[string(k)] {
			seen[string(k)] = true
			ways = append(ways, refs)
		}
	}
	var byInitials func(i int) bool
	byInitials = func(i int) bool {
		if steps++; steps > 10000 || len(ways) > maxReadings {
			return false
		}
		if i == len(q) {
			emit()
			return true
		}
		s, ok := symOf(q[i])
		if !ok {
			return true
		}
		cur = append(cur, tok{s, -1})
		defer func() { cur = cur[:len(cur)-1] }()
		if !byInitials(i + 1) {
			return false
		}
		if i+1 < len(q) && q[i+1] == 'h' && (q[i] == 'z' || q[i] == 'c' || q[i] == 's') {
			return byInitials(i + 2)
		}
		return true
	}
	if !byInitials(0) {
		return nil, nil, false
	}
	if !plan.full {
		return ways, singles, true
	}
	var byReadings func(i int) bool
	byReadings = func(i int) bool {
		if steps++; steps > 10000 || len(ways) > maxReadings {
			return false
		}
		if i == len(q) {
			emit()
			return true
		}
		s, ok := symOf(q[i])
		if !ok {
			return true
		}
		rest := string(q[i:])
		unfinished := false
		for r, id := range ix.sylID {
			switch {
			case strings.HasPrefix(rest, r):
				cur = append(cur, tok{s, int32(id)})
				ok := byReadings(i + len(r))
				cur = cur[:len(cur)-1]
				if !ok {
					return false
				}
			case strings.HasPrefix(r, rest):
				unfinished = true
			}
		}
		if unfinished {
			cur = append(cur, tok{s, -1})
			emit()
			cur = cur[:len(cur)-1]
		}
		return true
	}
	if !byReadings(0) {
		return nil, nil, false
	}
	return ways, singles, true
}

// pinyinCandidates are the documents whose titles may spell the query, in
// document order; ok is false when it cannot be narrowed.
func (ix *Index) pinyinCandidates(q []byte, plan pinyinPlan, seen []uint64, buf []uint32) ([]uint32, bool) {
	ways, singles, ok := ix.readingsOfQuery(q, plan)
	if !ok {
		return nil, false
	}
	out := buf[:0]
	var tmp []uint32
	add := func(l []uint32) {
		for _, d := range l {
			if !has(seen, d) {
				set(seen, d)
				out = append(out, d)
			}
		}
	}
	for _, s := range singles {
		tmp = ix.symOne[s].appendTo(tmp[:0])
		add(tmp)
	}
	for _, refs := range ways {
		lists := make([]plist, 0, len(refs))
		for _, r := range refs {
			if r.syllables {
				lists = append(lists, ix.syl[r.key])
			} else {
				lists = append(lists, ix.sym[uint16(r.key)])
			}
		}
		tmp = intersect(lists, tmp)
		add(tmp)
	}
	if len(ways) > 1 || (len(singles) > 0 && len(ways) > 0) || len(singles) > 1 {
		slices.Sort(out) // several ways: back into document order
	}
	return out, true
}

// view is a title as the pinyin matcher reads it.
type view struct {
	tid      []uint16
	rt       []runeInfo
	initials uint32
}

// matchPinyin finds the first run of title characters that q spells,
// either by initials (czyjs, zhzh) or by whole readings of which the last
// may be unfinished (dibao, dib, miaos); common tells whether only the most
// common reading of each character was needed. The query positions
// reachable after each character are a bit set (q is at most 63 bytes),
// so no start is tried twice and nothing is allocated.
func (e view) matchPinyin(q []byte, plan pinyinPlan) (start, end int, common, ok bool) {
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
func (e view) step(q []byte, from uint64, j int, full, commonOnly bool) (to uint64, last bool) {
	if !full {
		return e.stepInitial(q, from, j, commonOnly), false
	}
	ri := &e.rt[e.tid[j]]
	for qi := 0; from>>qi != 0; qi++ {
		if from&(1<<qi) == 0 {
			continue
		}
		rest := q[qi:]
		if len(rest) == 0 {
			continue
		}
		if c := rest[0]; c >= 'a' && c <= 'z' && ri.first&(1<<(c-'a')) == 0 {
			continue // no reading of the character begins with this letter
		}
		for _, t := range ri.typed {
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
func (e view) stepInitial(q []byte, from uint64, j int, commonOnly bool) (to uint64) {
	ri := &e.rt[e.tid[j]]
	bits := ri.first
	if commonOnly {
		bits = ri.common
	}
	for qi := 0; qi < len(q) && from>>qi != 0; qi++ {
		c := q[qi]
		if from&(1<<qi) == 0 || c < 'a' || c > 'z' {
			if from&(1<<qi) != 0 && c >= '0' && c <= '9' {
				for _, t := range ri.typed { // a digit in the title
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
func (e view) firstEnd(q []byte, lead uint32, full bool) int {
	done := uint64(1) << len(q)
	var state uint64
	for j := range e.tid {
		if lead == 0 || e.rt[e.tid[j]].first&lead != 0 {
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
func (e view) spells(q []byte, start, end int, full, commonOnly bool) bool {
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
