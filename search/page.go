package search

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Filter narrows SearchPage: a unit's, a domain's, or between two days
// (publications by their date; none of them zero: no bound).
type Filter struct {
	Unit, Domain string
	From, To     time.Time // To is the last day included
	// Limit is how many publications a page holds (1–100; 20 when 0);
	// After continues after the last of the page before.
	Limit int
	After *Cursor
}

// Cursor is where a page stopped: its last hit's score, date and id, the
// order pages are in. Its text form goes in the next page's address.
type Cursor struct {
	Score int
	Date  time.Time
	ID    int64
}

// String is the cursor's text form: score~unix-nanoseconds~id.
func (c Cursor) String() string {
	return strconv.Itoa(c.Score) + "~" + strconv.FormatInt(c.Date.UnixNano(), 10) + "~" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor's text form; false when it is not one.
func ParseCursor(s string) (*Cursor, bool) {
	parts := strings.Split(s, "~")
	if len(parts) != 3 {
		return nil, false
	}
	score, err1 := strconv.Atoi(parts[0])
	ns, err2 := strconv.ParseInt(parts[1], 10, 64)
	id, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || score < 0 || id < 0 {
		return nil, false
	}
	return &Cursor{Score: score, Date: time.Unix(0, ns), ID: id}, true
}

// Page is a page of a search's publications, with the units and items
// that match on the first page.
type Page struct {
	Query    string
	Expanded []string
	Pinyin   bool
	Units    []Hit
	Items    []Hit
	Pubs     []Hit
	// PubN is how many publications match in all; Next continues after
	// this page (nil at the last).
	PubN int
	Next *Cursor
}

// DefaultPageSize and MaxPageSize bound a page.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

func (f *Filter) keep(ix *Index, d uint32) bool {
	r := &ix.docs[d]
	if f.Unit != "" && ix.strs[r.unit] != f.Unit {
		return false
	}
	if f.Domain != "" && ix.strs[r.domain] != f.Domain {
		return false
	}
	if r.kind == KindPublication && (!f.From.IsZero() || !f.To.IsZero()) {
		if r.date == 0 {
			return false
		}
		at := time.Unix(0, r.date)
		if !f.From.IsZero() && at.Before(f.From) || !f.To.IsZero() && !at.Before(f.To.AddDate(0, 0, 1)) {
			return false
		}
	} else if r.kind != KindPublication && (!f.From.IsZero() || !f.To.IsZero()) {
		return false // dates bound publications: units and items have none
	}
	return true
}

// ranked is a candidate with what pages are ordered by.
type ranked struct {
	c    cand
	date int64
	id   int64
}

func before(a, b ranked) int {
	if a.c.score != b.c.score {
		return cmp.Compare(b.c.score, a.c.score)
	}
	if a.date != b.date {
		return cmp.Compare(b.date, a.date)
	}
	return cmp.Compare(b.id, a.id)
}

// page ranks ix's candidates passing f: publications after f.After, the
// first limit of them and how many in all; units and items on the first
// page only.
func (ix *Index) page(q string, f Filter, limit int) (Result, []ranked, int, []cand, []cand) {
	res, cs := ix.search(q, &f)
	var pubs []ranked
	var units, items []cand
	for _, c := range cs {
		r := &ix.docs[c.doc]
		switch r.kind {
		case KindUnit:
			units = append(units, c)
		case KindItem:
			items = append(items, c)
		default:
			pubs = append(pubs, ranked{c, r.date, r.id})
		}
	}
	slices.SortFunc(pubs, before)
	total := len(pubs)
	if f.After != nil {
		at := ranked{c: cand{score: int32(f.After.Score)}, date: f.After.Date.UnixNano(), id: f.After.ID}
		i, _ := slices.BinarySearchFunc(pubs, at, before)
		for i < len(pubs) && before(pubs[i], at) <= 0 {
			i++
		}
		pubs = pubs[i:]
		units, items = nil, nil
	}
	return res, pubs[:min(len(pubs), limit+1)], total, units, items
}

// SearchPage answers q as Search does, narrowed by f and paged by key:
// the publications in order of score, then newest first.
func (ix *Index) SearchPage(q string, f Filter) Page {
	return SearchPages(q, f, ix)
}

// SearchPages is SearchPage over an index and the newer ones that hold
// its changed documents (a Holder's view and delta): their hits ranked
// together.
func SearchPages(q string, f Filter, ixs ...*Index) Page {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	out := Page{Query: strings.TrimSpace(q)}
	type from struct {
		ix *Index
		r  ranked
	}
	var pubs []from
	var terms []string
	for _, ix := range ixs {
		if ix == nil || ix.Len() == 0 {
			continue
		}
		res, ps, total, units, items := ix.page(q, f, limit)
		out.Expanded, out.Pinyin = res.Expanded, res.Pinyin
		terms = append([]string{normalize(q)}, res.Expanded...)
		out.PubN += total
		out.Units = append(out.Units, ix.hits(top(units, maxUnits), terms)...)
		out.Items = append(out.Items, ix.hits(top(items, maxItems), terms)...)
		for _, r := range ps {
			pubs = append(pubs, from{ix, r})
		}
	}
	slices.SortFunc(pubs, func(a, b from) int { return before(a.r, b.r) })
	more := len(pubs) > limit
	pubs = pubs[:min(len(pubs), limit)]
	// Each index cuts its own hits (reading bodies back in one go), kept
	// in the page's order; a body match that was not is dropped.
	shown := map[*Index][]cand{}
	for _, p := range pubs {
		shown[p.ix] = append(shown[p.ix], p.r.c)
	}
	cut := map[Key]Hit{}
	for ix, cs := range shown {
		for _, h := range ix.hits(cs, terms) {
			cut[KeyOf(h.Doc)] = h
		}
	}
	for _, p := range pubs {
		if h, ok := cut[Key{Kind: KindPublication, ID: p.r.id}]; ok {
			out.Pubs = append(out.Pubs, h)
		}
	}
	if more && len(pubs) > 0 {
		last := pubs[len(pubs)-1].r
		out.Next = &Cursor{Score: int(last.c.score), Date: time.Unix(0, last.date), ID: last.id}
	}
	return out
}
