package search

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// Queries that match tens of thousands of titles (镇, 年度报告 in a
// province) are answered from the lists themselves: counted by rank, the
// titles that start with the query found through the lists of first
// characters, and only as many of the rest walked, newest first, as are
// shown. A term of more than two characters is counted by its character
// pairs (a title holding them all but not in a row is counted too: the
// count is then marked approximate), and the titles shown are checked.
const (
	largeFrom  = 8000 // title matches from which a query is answered so
	pyScanFrom = 6000 // pinyin candidates from which only some are matched
	pyScanKind = 3000 // … how many per kind, newest first
)

func (p plist) bitmap() *roaring.Bitmap {
	if p.bm != nil {
		return p.bm
	}
	return roaring.BitmapOf(p.arr...)
}

// kindRange is where documents of kind k are.
func (ix *Index) kindRange(k Kind) (lo, hi int) {
	if k > 0 {
		lo = ix.kindEnd[k-1]
	}
	return lo, ix.kindEnd[k]
}

// rangeCount counts the members of bm in [lo, hi).
func rangeCount(bm *roaring.Bitmap, lo, hi int) int {
	if bm == nil || hi <= lo {
		return 0
	}
	n := bm.Rank(uint32(hi - 1))
	if lo > 0 {
		n -= bm.Rank(uint32(lo - 1))
	}
	return int(n)
}

func limitOf(k Kind) int {
	return [3]int{maxUnits, maxItems, maxPubs}[k]
}

// largeTerm is one term of a large query: its titles, and those that
// start with it.
type largeTerm struct {
	t      string
	ids    []uint16
	title  *roaring.Bitmap
	starts *roaring.Bitmap
}

// and is the documents on every list, as a new bitmap (empty when there
// are none).
func and(lists []plist) *roaring.Bitmap {
	bms := make([]*roaring.Bitmap, len(lists))
	for i, l := range lists {
		bms[i] = l.bitmap()
	}
	switch len(bms) {
	case 0:
		return roaring.New()
	case 1:
		return bms[0].Clone()
	}
	return roaring.FastAnd(bms...)
}

// titleBitmap is the titles holding every character pair of ids (every
// character, for one).
func (ix *Index) titleBitmap(ids []uint16) *roaring.Bitmap {
	lists, ok := ix.titleLists(ids)
	if !ok {
		return roaring.New()
	}
	return and(lists)
}

// bodyBitmap is the bodies holding ids' listed character pairs, or nil
// when they cannot be looked for in bodies.
func (ix *Index) bodyBitmap(ids []uint16) *roaring.Bitmap {
	lists, searchable := ix.bodyLists(ids)
	if !searchable {
		return nil
	}
	return and(lists)
}

// searchLarge answers a query by characters whose titles are many; ok is
// false when they are few (the exact path is quick then).
func (ix *Index) searchLarge(terms []string, res *Result) bool {
	// At most as many titles as the shortest list of each term: when that
	// is few, nothing is intersected here.
	bound := uint64(0)
	for _, t := range terms {
		ids, known := ix.ids(t)
		if !known || len(ids) == 0 {
			continue
		}
		m := ix.uni[ids[0]].card()
		var mb uint64
		for j := 1; j < len(ids); j++ {
			k := pairKey(ids[j-1], ids[j])
			m = min(m, ix.bi[k].card())
			if !ix.bodyCommon[k] {
				if c := ix.body[k].card(); mb == 0 || c < mb {
					mb = c
				}
			}
		}
		bound += m + mb // and bodies: many body matches are as costly
	}
	if bound < largeFrom {
		return false
	}
	var ts []largeTerm
	union := roaring.New()
	exact := true
	for _, t := range terms {
		ids, known := ix.ids(t)
		if !known || len(ids) == 0 {
			continue
		}
		lt := largeTerm{t: t, ids: ids, title: ix.titleBitmap(ids)}
		if ix.dead != nil {
			lt.title.AndNot(ix.dead)
		}
		if len(ids) == 1 {
			lt.starts = roaring.And(lt.title, ix.first[ids[0]].bitmap())
		} else {
			lt.starts = roaring.And(lt.title, ix.firstPair[pairKey(ids[0], ids[1])].bitmap())
		}
		exact = exact && len(ids) <= 2
		union.Or(lt.title)
		ts = append(ts, lt)
	}
	if union.GetCardinality() < largeFrom/2 && bound < 2*largeFrom {
		return false
	}
	res.Approx = !exact
	starts := roaring.New()
	var bodies []*roaring.Bitmap
	for _, lt := range ts {
		starts.Or(lt.starts)
		if b := ix.bodyBitmap(lt.ids); b != nil {
			bodies = append(bodies, b)
		}
	}
	var body *roaring.Bitmap
	if len(bodies) > 0 {
		body = roaring.FastOr(bodies...) // a new bitmap, changed below
		if len(bodies) == 1 {
			body = bodies[0]
		}
		body.AndNot(union)
		if ix.dead != nil {
			body.AndNot(ix.dead)
		}
	}
	// score is a title's best match of the terms, or false if the pairs
	// are there but no term is.
	score := func(d uint32) (cand, bool) {
		best := cand{doc: d, score: -1, at: -1}
		tid := ix.tid(d)
		for ti, lt := range ts {
			if !lt.title.Contains(d) {
				continue
			}
			start := int32(-1)
			if len(lt.ids) > 2 || lt.starts.Contains(d) {
				at := indexIDs(tid, lt.ids)
				if at < 0 {
					continue
				}
				start = int32(at)
			}
			s := int32(scoreTitle)
			if start == 0 {
				s += bonusStart
				if len(tid) == len(lt.ids) {
					s += bonusExact
				}
			}
			if ti == 0 {
				s += bonusLiteral
			}
			if s > best.score {
				best = cand{doc: d, score: s, start: start, end: -int32(len(lt.ids)), term: int32(ti), at: -1}
				if start >= 0 {
					best.end = start + int32(len(lt.ids))
				}
			}
		}
		return best, best.score >= 0
	}
	for k := KindUnit; k <= KindPublication; k++ {
		lo, hi := ix.kindRange(k)
		limit := limitOf(k)
		n := rangeCount(union, lo, hi) + rangeCount(body, lo, hi)
		var cs []cand
		it := starts.Iterator()
		it.AdvanceIfNeeded(uint32(lo))
		for it.HasNext() {
			d := it.Next()
			if int(d) >= hi {
				break
			}
			if c, ok := score(d); ok {
				cs = append(cs, c)
			} else {
				n--
			}
		}
		// The rest, newest first: the literal term's before its aliases',
		// which score lower.
		taken := map[uint32]bool{}
		for _, lt := range ts {
			it = lt.title.Iterator()
			it.AdvanceIfNeeded(uint32(lo))
			rest := 0
			for rest < limit && it.HasNext() {
				d := it.Next()
				if int(d) >= hi {
					break
				}
				if starts.Contains(d) || taken[d] {
					continue
				}
				taken[d] = true
				c, ok := score(d)
				if !ok {
					n--
					continue
				}
				cs = append(cs, c)
				rest++
			}
		}
		if body != nil && len(cs) < limit {
			it = body.Iterator()
			it.AdvanceIfNeeded(uint32(lo))
			for len(cs) < limit && it.HasNext() {
				d := it.Next()
				if int(d) >= hi {
					break
				}
				c := cand{doc: d, score: scoreBody, at: -1}
				if kept, ok := ix.kept[d]; ok {
					c.at = -1
					for ti, lt := range ts {
						if at := strings.Index(kept, lt.t); at >= 0 {
							c.at, c.term = int32(at), int32(ti)
							break
						}
					}
					if c.at < 0 {
						n--
						continue
					}
				} else if ix.bodies == nil || k != KindPublication {
					n--
					continue
				}
				if c.term == 0 {
					c.score += bonusLiteral
				}
				cs = append(cs, c)
			}
		}
		top := top(cs, limit)
		hits := ix.hits(top, terms)
		n -= len(top) - len(hits)
		switch k {
		case KindUnit:
			res.Units, res.UnitN = hits, n
		case KindItem:
			res.Items, res.ItemN = hits, n
		default:
			res.Pubs, res.PubN = hits, n
		}
	}
	return true
}
