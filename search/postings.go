package search

import (
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
)

// plist is a list of documents in order: a short one as an array (most
// character pairs are rare), a long one as a compressed bitmap (roaring),
// about two bytes a document when sparse and a bit a document when dense,
// and intersected a block at a time.
type plist struct {
	arr []uint32
	bm  *roaring.Bitmap
}

// bitmapFrom is the length from which a list is kept as a bitmap.
const bitmapFrom = 64

// rawList is a list while the index is built: a slice while short, a
// bitmap once long, so building does not hold the long lists twice over.
type rawList struct {
	arr []uint32
	bm  *roaring.Bitmap
}

// add appends doc, which is never smaller than the last one added.
func (l *rawList) add(doc uint32) {
	if l.bm != nil {
		l.bm.Add(doc)
		return
	}
	if n := len(l.arr); n > 0 && l.arr[n-1] == doc {
		return
	}
	l.arr = append(l.arr, doc)
	if len(l.arr) >= bitmapFrom {
		l.bm = roaring.BitmapOf(l.arr...)
		l.arr = nil
	}
}

func (l *rawList) len() int {
	if l.bm != nil {
		return int(l.bm.GetCardinality())
	}
	return len(l.arr)
}

// packLists turns the lists built into plists, the short ones sharing one
// array and the long ones compacted.
func packLists[K comparable](raw map[K]*rawList) map[K]plist {
	short := 0
	for _, l := range raw {
		short += len(l.arr)
	}
	arena := make([]uint32, 0, short)
	out := make(map[K]plist, len(raw))
	for k, l := range raw {
		out[k] = l.pack(&arena)
		delete(raw, k)
	}
	return out
}

func (l *rawList) pack(arena *[]uint32) plist {
	if l.bm == nil {
		start := len(*arena)
		*arena = append(*arena, l.arr...)
		return plist{arr: (*arena)[start:len(*arena):len(*arena)]}
	}
	l.bm.RunOptimize()
	return plist{bm: l.bm.Clone()} // the clone's arrays have no room to spare
}

func (p plist) card() uint64 {
	if p.bm != nil {
		return p.bm.GetCardinality()
	}
	return uint64(len(p.arr))
}

func (p plist) sizeInBytes() uint64 {
	if p.bm != nil {
		return p.bm.GetSizeInBytes()
	}
	return uint64(4 * len(p.arr))
}

// appendTo appends the list's documents in order.
func (p plist) appendTo(buf []uint32) []uint32 {
	if p.bm == nil {
		return append(buf, p.arr...)
	}
	it := p.bm.ManyIterator()
	var chunk [256]uint32
	for {
		n := it.NextMany(chunk[:])
		if n == 0 {
			return buf
		}
		buf = append(buf, chunk[:n]...)
	}
}

func (p plist) contains(d uint32) bool {
	if p.bm != nil {
		return p.bm.Contains(d)
	}
	_, ok := slices.BinarySearch(p.arr, d)
	return ok
}

// intersect returns the documents on every list, in order, into buf.
func intersect(lists []plist, buf []uint32) []uint32 {
	buf = buf[:0]
	if len(lists) == 0 {
		return buf
	}
	allBitmaps := true
	for _, l := range lists {
		if l.card() == 0 {
			return buf
		}
		allBitmaps = allBitmaps && l.bm != nil
	}
	if len(lists) == 1 {
		return lists[0].appendTo(buf)
	}
	if allBitmaps {
		bms := make([]*roaring.Bitmap, len(lists))
		for i, l := range lists {
			bms[i] = l.bm
		}
		return plist{bm: roaring.FastAnd(bms...)}.appendTo(buf)
	}
	// An array among them: walk the shortest, look the rest up.
	sort.Slice(lists, func(i, j int) bool { return lists[i].card() < lists[j].card() })
	buf = lists[0].appendTo(buf)
	out := buf[:0]
next:
	for _, d := range buf {
		for _, l := range lists[1:] {
			if !l.contains(d) {
				continue next
			}
		}
		out = append(out, d)
	}
	return out
}
