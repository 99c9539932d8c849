package search

import (
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// runeInfo is what matching needs of a character, kept once per distinct
// character rather than once per occurrence.
type runeInfo struct {
	typed  []typing
	first  uint32   // a bit per letter its readings begin with, and zh/ch/sh
	common uint32   // the same for its most common reading alone
	syms   []uint8  // the letters (0–25) and digits (26–35) its readings begin with
	syls   []uint16 // its readings, as ids into Index.sylID
}

// docRec is a document as kept: what a hit shows, in a few words.
type docRec struct {
	id    int64
	date  int64  // unix nanoseconds; 0 for none
	ctx   uint32 // Context, as an index into Index.strs
	code  uint32 // Code, the same
	title uint32 // 0: the folded title is the title; else 1 + its index in strs
	kind  Kind
	sum   uint64 // of what was added (Holds)
	// unit and domain, as indexes into strs.
	unit, domain uint32
}

// sumOf is a digest of a document as added: a change to any of it is seen.
func sumOf(d Doc) uint64 {
	h := fnv.New64a()
	for _, s := range []string{d.Code, d.Title, d.Context, d.Body, d.Unit, d.Domain} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(d.Date.UnixNano()))
	h.Write(b[:])
	return h.Sum64()
}

// str keeps a string once, returning its index.
func (ix *Index) str(s string) uint32 {
	if id, ok := ix.strID[s]; ok {
		return id
	}
	id := uint32(len(ix.strs))
	ix.strs = append(ix.strs, s)
	ix.strID[s] = id
	return id
}

// doc is document d as the caller gave it (the body only if kept).
func (ix *Index) doc(d uint32) Doc {
	r := &ix.docs[d]
	out := Doc{Kind: r.kind, ID: r.id, Code: ix.strs[r.code], Context: ix.strs[r.ctx], Title: ix.title(d), Body: ix.bodyOf[d],
		Unit: ix.strs[r.unit], Domain: ix.strs[r.domain]}
	if r.title != 0 {
		out.Title = ix.strs[r.title-1]
	}
	if r.date != 0 {
		out.Date = time.Unix(0, r.date).In(ix.loc)
	}
	return out
}

// BodySource returns the text of published publications by id (their body
// as it was indexed); a publication not returned is no longer public.
type BodySource func(ids []int64) map[int64]string

// Options change how an index is built.
type Options struct {
	// Bodies, when set, keeps publication bodies out of memory: they are
	// indexed by character pairs, and read back through Bodies only for
	// the publications shown, to check the match and cut the snippet.
	Bodies BodySource
}

// Index is an immutable search index; build a new one when data changes.
//
// Titles are indexed by character and character pair, bodies by character
// pair (pairs found in most bodies, the boilerplate, are left out), and the
// pinyin by pairs of the letters adjacent characters' readings begin with.
// A query intersects the lists of its pairs to find the few documents
// worth matching in full, so its cost follows the matches, not the size.
type Index struct {
	// docs are what hits show; the folded titles, their characters as ids
	// and their initials are kept apart, each in one array in document
	// order, so a query walking its candidates reads memory forwards.
	docs    []docRec
	strs    []string // the contexts, codes and changed titles docs refer to
	strID   map[string]uint32
	bodyOf  map[uint32]string // original bodies kept in memory
	titles  string            // folded titles, one after another
	tbuf    []byte            // titles while building
	tOff    []uint32          // document d's title is titles[tOff[d]:tOff[d+1]]
	tids    []uint16          // their characters as ids into runes
	idOff   []uint32
	inits   []uint32          // the letters each title's characters begin with
	kept    map[uint32]string // folded bodies kept in memory
	runes   []runeInfo
	runeID  map[rune]uint16
	sylID   map[string]uint16
	aliases []AliasGroup
	// vocab holds the character pairs of unit and item names: the words of
	// disclosure. A pinyin match whose characters are such words (低保 for
	// dibao) ranks above a homophone (耕地保护).
	vocab map[uint32]bool // pairs of character ids
	// readings are every reading of the indexed characters: a query that
	// neither begins with one nor begins one cannot be typed whole.
	readings map[string]bool

	uni        map[uint16]plist // title character → documents
	bi         map[uint32]plist // title character pair → documents
	body       map[uint32]plist // body character pair → documents
	bodyCommon map[uint32]bool  // body pairs too common to list
	first      map[uint16]plist // title's first character → documents
	firstPair  map[uint32]plist // title's first two characters → documents
	sym        map[uint16]plist // pinyin letter pair → documents
	syl        map[uint32]plist // pinyin reading pair → documents
	symOne     [nSyms]plist     // pinyin letter → documents
	kindEnd    [3]int           // documents of kind k end at kindEnd[k]
	loc        *time.Location   // of the dates
	bodies     BodySource
	// Keys: each item's and publication's document by id, sorted; each
	// unit's by code (Without finds a document to leave out by them).
	byID    [3][]idDoc
	unitDoc map[string]uint32
	// dead are the documents a view leaves out (Without): changed or gone
	// since the index was built.
	dead *roaring.Bitmap
}

// idDoc is a document's number by its item's or publication's id.
type idDoc struct {
	id  int64
	doc uint32
}

const nSyms = 36

// maxBodyRunes is how much of a body is indexed: the opening of a long
// document, where what it is about is said, keeps the index's size in
// proportion to the number of documents.
const maxBodyRunes = 3000

// Len is the number of documents indexed.
func (ix *Index) Len() int { return len(ix.docs) }

// Builder makes an Index from documents added in order: units, then
// items, then publications, each kind best first (publications newest
// first), which is the order equal scores are shown in.
type Builder struct {
	ix       *Index
	opt      Options
	lastKind Kind
	// the lists while building
	uni, first       map[uint16]*rawList
	bi, body, first2 map[uint32]*rawList
	sym              map[uint16]*rawList
	syl              map[uint32]*rawList
	symOne           [nSyms]rawList
}

// NewBuilder starts an index with the alias groups.
func NewBuilder(aliases []AliasGroup, opt Options) *Builder {
	ix := &Index{aliases: aliases, vocab: map[uint32]bool{}, readings: map[string]bool{}, runeID: map[rune]uint16{}, sylID: map[string]uint16{},
		runes: []runeInfo{{}}, bodyCommon: map[uint32]bool{}, bodies: opt.Bodies, strID: map[string]uint32{}, bodyOf: map[uint32]string{},
		kept: map[uint32]string{}, tOff: []uint32{0}, idOff: []uint32{0}}
	return &Builder{ix: ix, opt: opt, uni: map[uint16]*rawList{}, bi: map[uint32]*rawList{}, body: map[uint32]*rawList{},
		first: map[uint16]*rawList{}, first2: map[uint32]*rawList{},
		sym: map[uint16]*rawList{}, syl: map[uint32]*rawList{}}
}

// id is a character's id, its readings worked out the first time; id 0
// stands for every character beyond the 65,535th (none in practice).
func (ix *Index) id(r rune) uint16 {
	if id, ok := ix.runeID[r]; ok {
		return id
	}
	if len(ix.runes) > 0xFFFF {
		return 0
	}
	readings, _ := readingsOf([]rune{r})
	var ri runeInfo
	for k, p := range readings[0] {
		ix.readings[p] = true
		ri.typed = append(ri.typed, typing{text: p, common: k == 0})
		b := initialBits(p)
		ri.first |= b
		if k == 0 {
			ri.common = b
		}
		if s, ok := symOf(p[0]); ok && !containsSym(ri.syms, s) {
			ri.syms = append(ri.syms, s)
		}
		ri.syls = append(ri.syls, ix.syllable(p))
	}
	id := uint16(len(ix.runes))
	ix.runes = append(ix.runes, ri)
	ix.runeID[r] = id
	return id
}

// syllable is a reading's id.
func (ix *Index) syllable(p string) uint16 {
	id, ok := ix.sylID[p]
	if !ok {
		id = uint16(len(ix.sylID))
		ix.sylID[p] = id
	}
	return id
}

func symOf(c byte) (uint8, bool) {
	switch {
	case c >= 'a' && c <= 'z':
		return c - 'a', true
	case c >= '0' && c <= '9':
		return 26 + c - '0', true
	}
	return 0, false
}

func containsSym(ss []uint8, s uint8) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// post adds doc to a list.
func post[K comparable](m map[K]*rawList, k K, doc uint32) {
	l, ok := m[k]
	if !ok {
		l = &rawList{}
		m[k] = l
	}
	l.add(doc)
}

func pairKey(a, b uint16) uint32 { return uint32(a)<<16 | uint32(b) }

// Add indexes one document.
func (b *Builder) Add(d Doc) {
	ix := b.ix
	doc := uint32(len(ix.docs))
	if d.Kind < b.lastKind {
		panic("search: documents must be added by kind: units, items, publications")
	}
	b.lastKind = d.Kind
	for k := d.Kind; k < 3; k++ {
		ix.kindEnd[k] = int(doc) + 1
	}
	lower := fold(d.Title)
	ix.tbuf = append(ix.tbuf, lower...)
	ix.tOff = append(ix.tOff, uint32(len(ix.tbuf)))
	var initials uint32
	var prev uint16
	j := 0
	for _, r := range lower {
		id := ix.id(r)
		ix.tids = append(ix.tids, id)
		ri := &ix.runes[id]
		initials |= ri.first
		post(b.uni, id, doc)
		for _, s := range ri.syms {
			b.symOne[s].add(doc)
		}
		if j == 0 {
			post(b.first, id, doc)
		}
		if j == 1 {
			post(b.first2, pairKey(prev, id), doc)
		}
		if j > 0 {
			post(b.bi, pairKey(prev, id), doc)
			if d.Kind != KindPublication {
				ix.vocab[pairKey(prev, id)] = true
			}
			pr := &ix.runes[prev]
			for _, a := range pr.syms {
				for _, s := range ri.syms {
					post(b.sym, uint16(a)*nSyms+uint16(s), doc)
				}
			}
			for _, a := range pr.syls {
				for _, s := range ri.syls {
					post(b.syl, pairKey(a, s), doc)
				}
			}
		}
		prev = id
		j++
	}
	ix.idOff = append(ix.idOff, uint32(len(ix.tids)))
	ix.inits = append(ix.inits, initials&^(bitZh|bitCh|bitSh))
	if d.Body != "" {
		body := fold(d.Body)
		var prev uint16
		first := true
		n := 0
		for _, r := range body {
			if n++; n > maxBodyRunes {
				break
			}
			id := ix.id(r)
			if !first {
				post(b.body, pairKey(prev, id), doc)
			}
			prev, first = id, false
		}
		if b.opt.Bodies == nil || d.Kind != KindPublication {
			ix.kept[doc] = body
			ix.bodyOf[doc] = d.Body
		}
	}
	rec := docRec{id: d.ID, ctx: ix.str(d.Context), code: ix.str(d.Code), kind: d.Kind, sum: sumOf(d), unit: ix.str(d.Unit), domain: ix.str(d.Domain)}
	if lower != d.Title {
		rec.title = 1 + ix.str(d.Title)
	}
	if !d.Date.IsZero() {
		rec.date = d.Date.UnixNano()
		if ix.loc == nil {
			ix.loc = d.Date.Location()
		}
	}
	ix.docs = append(ix.docs, rec)
}

// title is document d's folded title; tid its characters as ids.
func (ix *Index) title(d uint32) string { return ix.titles[ix.tOff[d]:ix.tOff[d+1]] }
func (ix *Index) tid(d uint32) []uint16 { return ix.tids[ix.idOff[d]:ix.idOff[d+1]] }

// Build finishes the index: the lists are packed tight, and body pairs
// found in more than a fifth of the documents (and at least a thousand)
// are dropped, as words every notice carries find nothing in particular.
func (b *Builder) Build() *Index {
	ix := b.ix
	maxDF := max(1000, len(ix.docs)/5)
	for k, l := range b.body {
		if l.len() > maxDF {
			ix.bodyCommon[k] = true
			delete(b.body, k)
		}
	}
	ix.uni, ix.bi, ix.body, ix.sym, ix.syl = packLists(b.uni), packLists(b.bi), packLists(b.body), packLists(b.sym), packLists(b.syl)
	ix.first, ix.firstPair = packLists(b.first), packLists(b.first2)
	for s := range b.symOne {
		var arena []uint32
		ix.symOne[s] = b.symOne[s].pack(&arena)
	}
	ix.docs = slices.Clip(slices.Clone(ix.docs))
	ix.titles, ix.tbuf = string(ix.tbuf), nil
	ix.strID = nil
	if ix.loc == nil {
		ix.loc = time.UTC
	}
	ix.tOff = slices.Clip(slices.Clone(ix.tOff))
	ix.tids = slices.Clip(slices.Clone(ix.tids))
	ix.idOff = slices.Clip(slices.Clone(ix.idOff))
	ix.inits = slices.Clip(slices.Clone(ix.inits))
	ix.unitDoc = map[string]uint32{}
	for d, r := range ix.docs {
		switch r.kind {
		case KindUnit:
			ix.unitDoc[ix.strs[r.code]] = uint32(d)
		default:
			ix.byID[r.kind] = append(ix.byID[r.kind], idDoc{r.id, uint32(d)})
		}
	}
	for k := range ix.byID {
		slices.SortFunc(ix.byID[k], func(a, b idDoc) int { return cmp.Compare(a.id, b.id) })
		ix.byID[k] = slices.Clip(ix.byID[k])
	}
	b.ix = nil
	return ix
}

// Key names a document: a unit by its code, an item or a publication by
// its id.
type Key struct {
	Kind Kind
	ID   int64
	Code string
}

// KeyOf is d's key.
func KeyOf(d Doc) Key {
	if d.Kind == KindUnit {
		return Key{Kind: KindUnit, Code: d.Code}
	}
	return Key{Kind: d.Kind, ID: d.ID}
}

// docOf is the document k names, if the index holds it.
func (ix *Index) docOf(k Key) (uint32, bool) {
	if k.Kind == KindUnit {
		d, ok := ix.unitDoc[k.Code]
		return d, ok
	}
	if k.Kind < 0 || int(k.Kind) >= len(ix.byID) {
		return 0, false
	}
	l := ix.byID[k.Kind]
	i, ok := slices.BinarySearchFunc(l, k.ID, func(e idDoc, id int64) int { return cmp.Compare(e.id, id) })
	if !ok {
		return 0, false
	}
	return l[i].doc, true
}

// Without is a view of the index that leaves out the documents keys name
// (changed or gone since it was built; a newer index has those now). It
// shares everything else: making one costs the keys, not the index.
func (ix *Index) Without(keys []Key) *Index {
	c := *ix
	c.dead = nil
	for _, k := range keys {
		if d, ok := ix.docOf(k); ok {
			if c.dead == nil {
				c.dead = roaring.New()
			}
			c.dead.Add(d)
		}
	}
	if ix.dead != nil {
		if c.dead == nil {
			c.dead = ix.dead
		} else {
			c.dead.Or(ix.dead)
		}
	}
	return &c
}

// Holds tells whether the index has d as it is (and does not leave it
// out): a document changed on paper but not in what the index reads.
func (ix *Index) Holds(d Doc) bool {
	doc, ok := ix.docOf(KeyOf(d))
	return ok && ix.docs[doc].sum == sumOf(d) && (ix.dead == nil || !ix.dead.Contains(doc))
}

// Left tells how many documents the view leaves out.
func (ix *Index) Left() int {
	if ix.dead == nil {
		return 0
	}
	return int(ix.dead.GetCardinality())
}

// Build indexes docs with the alias groups, keeping the bodies in memory.
func Build(docs []Doc, aliases []AliasGroup) *Index {
	sorted := make([]Doc, len(docs))
	copy(sorted, docs)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		return len(a.Title) < len(b.Title)
	})
	b := NewBuilder(aliases, Options{})
	for _, d := range sorted {
		b.Add(d)
	}
	return b.Build()
}

// ids are a term's characters as ids, or false if one was never indexed.
func (ix *Index) ids(t string) ([]uint16, bool) {
	out := make([]uint16, 0, utf8.RuneCountInString(t))
	for _, r := range t {
		id, ok := ix.runeID[r]
		if !ok {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// titleLists are the lists a title holding ids must be on: its character
// for one, its character pairs for more; ok is false when one is empty.
func (ix *Index) titleLists(ids []uint16) ([]plist, bool) {
	if len(ids) == 1 {
		l := ix.uni[ids[0]]
		return []plist{l}, l.card() > 0
	}
	lists := make([]plist, 0, len(ids)-1)
	for j := 1; j < len(ids); j++ {
		l, ok := ix.bi[pairKey(ids[j-1], ids[j])]
		if !ok {
			return nil, false
		}
		lists = append(lists, l)
	}
	return lists, true
}

// bodyLists are the lists of ids' character pairs that bodies are indexed
// by (the common ones are not); searchable is false when there are none
// (one character, or common pairs only), and the lists are nil when a pair
// is on no body.
func (ix *Index) bodyLists(ids []uint16) (lists []plist, searchable bool) {
	if len(ids) < 2 {
		return nil, false
	}
	for j := 1; j < len(ids); j++ {
		k := pairKey(ids[j-1], ids[j])
		if ix.bodyCommon[k] {
			continue
		}
		l, ok := ix.body[k]
		if !ok {
			return nil, true
		}
		lists = append(lists, l)
	}
	return lists, len(lists) > 0
}

// titleCandidates are the documents whose titles hold every character pair
// of t (every character, for one).
func (ix *Index) titleCandidates(t string, buf []uint32) []uint32 {
	ids, ok := ix.ids(t)
	if !ok || len(ids) == 0 {
		return buf[:0]
	}
	lists, ok := ix.titleLists(ids)
	if !ok {
		return buf[:0]
	}
	return intersect(lists, buf)
}

// bodyCandidates are the documents whose bodies hold every listed character
// pair of t; ok is false when t has none but common ones (or is one
// character), and cannot be looked for in bodies.
func (ix *Index) bodyCandidates(t string, buf []uint32) ([]uint32, bool) {
	ids, known := ix.ids(t)
	if !known {
		return buf[:0], true
	}
	lists, searchable := ix.bodyLists(ids)
	if !searchable || lists == nil {
		return buf[:0], searchable
	}
	return intersect(lists, buf), true
}

// kindOf is the kind of document doc.
func (ix *Index) kindOf(doc uint32) Kind {
	switch {
	case int(doc) < ix.kindEnd[KindUnit]:
		return KindUnit
	case int(doc) < ix.kindEnd[KindItem]:
		return KindItem
	}
	return KindPublication
}

// Stats are the index's sizes, for reports.
type Stats struct {
	Docs, Runes, Syllables                              int
	TitlePostings, PinyinPostings, BodyPostings, Titles int
	CommonBodyPairs                                     int
	ListBytes                                           uint64
}

// Stats counts what the index holds.
func (ix *Index) Stats() Stats {
	st := Stats{Docs: len(ix.docs), Runes: len(ix.runes), Syllables: len(ix.sylID), Titles: len(ix.titles), CommonBodyPairs: len(ix.bodyCommon)}
	for _, l := range ix.uni {
		st.TitlePostings += int(l.card())
		st.ListBytes += l.sizeInBytes()
	}
	for _, l := range ix.bi {
		st.TitlePostings += int(l.card())
		st.ListBytes += l.sizeInBytes()
	}
	for _, l := range ix.sym {
		st.PinyinPostings += int(l.card())
		st.ListBytes += l.sizeInBytes()
	}
	for _, l := range ix.syl {
		st.PinyinPostings += int(l.card())
		st.ListBytes += l.sizeInBytes()
	}
	for _, l := range ix.symOne {
		st.PinyinPostings += int(l.card())
		st.ListBytes += l.sizeInBytes()
	}
	for _, l := range ix.body {
		st.BodyPostings += int(l.card())
		st.ListBytes += l.sizeInBytes()
	}
	return st
}
