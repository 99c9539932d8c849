package search

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Source is what a Holder builds its index from.
type Source interface {
	// Aliases are the alias groups as they are now.
	Aliases(ctx context.Context) ([]AliasGroup, error)
	// Fill adds every public document to b: units, items, then
	// publications newest first.
	Fill(ctx context.Context, b *Builder) error
	// Changes are the documents changed since t, newest change first, at
	// most limit of them.
	Changes(ctx context.Context, t time.Time, limit int) (Changes, error)
}

// Changes are what changed in a Source since a time.
type Changes struct {
	// Keys name every document changed: made public, edited, withdrawn,
	// retired. Docs are those of them public now, as they are now.
	Keys []Key
	Docs []Doc
	// Latest is when the newest change was made; More is set when there
	// were more changes than asked for, and Cutoff is then the time of the
	// oldest change given (those before it were left out).
	Latest, Cutoff time.Time
	More           bool
}

// Holder keeps the search index of a Source as it changes. The index is
// built in full once (at the first search, or Warm at start) and again only
// on demand (Rebuild) or when the changes since have grown past
// CompactAfter. In between, each change costs a small index of the
// documents changed since the full build (the delta) and a view of the full
// one that leaves those documents out: a publication approved, withdrawn or
// revised, an item edited or a synonym saved is seen by this instance's
// next search, and by another instance's once its generation has moved.
type Holder struct {
	Source Source
	// Generation changes whenever what the index holds may have changed.
	Generation func() uint64
	// Options are those of every full build (Bodies, say).
	Options Options
	// AfterBuild, when set, is called after a full build that took more
	// than a second (to hand memory back, say).
	AfterBuild func()
	Log        *slog.Logger
	// SyncDocs is the size under which a compaction is done at once, not
	// in the background; DefaultSyncDocs when 0.
	SyncDocs int
	// CompactAfter is how many changes the delta holds before a full
	// build is started; DefaultCompactAfter when 0.
	CompactAfter int

	mu       sync.Mutex
	builds   int       // full builds done
	base     *Index    // the full build
	builtAt  time.Time // when the build of base started reading
	building bool
	// The view served for generation gen: base with the aliases of then,
	// less the documents changed since its build (gone), and the delta
	// holding those public now as they are now (fresh); seenUntil is the
	// newest change read.
	gen       uint64
	view      *Index
	delta     *Index
	aliases   []AliasGroup
	gone      map[Key]bool
	fresh     map[Key]Doc
	seenUntil time.Time
}

// DefaultSyncDocs: the demo's few thousand documents build in well under a
// second, a county's 200,000 take many.
const DefaultSyncDocs = 50000

// DefaultCompactAfter bounds the delta: past this many changes since the
// full build, another is started (meanwhile the newest changes are kept).
const DefaultCompactAfter = 2000

// clockMargin allows for the clocks of other instances (each stamps its
// writes) when asking for what changed since a build began.
const clockMargin = 2 * time.Second

// Search answers q from the index as it is now.
func (h *Holder) Search(ctx context.Context, q string) (Result, error) {
	view, delta, err := h.Current(ctx)
	if err != nil {
		return Result{}, err
	}
	res := view.Search(q)
	if delta != nil && delta.Len() > 0 {
		res = Overlay(res, delta.Search(q))
	}
	return res, nil
}

// SearchPage answers q narrowed by f, a page of publications at a time
// (the JSON API's search), from the index as it is now.
func (h *Holder) SearchPage(ctx context.Context, q string, f Filter) (Page, error) {
	view, delta, err := h.Current(ctx)
	if err != nil {
		return Page{}, err
	}
	return SearchPages(q, f, view, delta), nil
}

// Current returns the index to search and the delta to add to it (nil when
// there is none), as of the current generation.
func (h *Holder) Current(ctx context.Context) (view, delta *Index, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	gen := h.Generation()
	if h.base == nil {
		if err := h.build(ctx); err != nil {
			return nil, nil, err
		}
	}
	if h.view != nil && h.gen == gen {
		return h.view, h.delta, nil
	}
	if err := h.follow(ctx, true); err != nil {
		return nil, nil, err
	}
	h.gen = gen
	return h.view, h.delta, nil
}

// follow brings the view and the delta up to the source's changes, first
// building the index anew when they are too many and compact allows; h.mu
// is held. It reads only what changed since the last follow (less the
// clocks' margin), so its cost is that of the changes, not the index's.
func (h *Holder) follow(ctx context.Context, compact bool) error {
	limit := h.CompactAfter
	if limit == 0 {
		limit = DefaultCompactAfter
	}
	since := h.builtAt
	if h.seenUntil.After(since) {
		since = h.seenUntil
	}
	ch, err := h.Source.Changes(ctx, since.Add(-clockMargin), limit)
	if err != nil {
		return err
	}
	aliases, err := h.Source.Aliases(ctx)
	if err != nil {
		return err
	}
	// Too many changes to follow: build anew. Those left out from before
	// the build began (a bulk load just before it, within the clocks'
	// margin) are in the index already, and do not count.
	if compact && (ch.More && ch.Cutoff.After(h.builtAt) || len(h.gone) > limit) {
		sync := h.SyncDocs
		if sync == 0 {
			sync = DefaultSyncDocs
		}
		if h.base.Len() < sync {
			if err := h.build(ctx); err != nil {
				return err
			}
			return h.follow(ctx, false)
		}
		h.startRebuild()
	}
	// What the full index holds as it is now (written just before its
	// build, within the clocks' margin, or changed back) stays there; the
	// rest is left out of it, and what is public of it is in the delta.
	changed := false
	public := map[Key]bool{}
	for _, d := range ch.Docs {
		k := KeyOf(d)
		public[k] = true
		if h.base.Holds(d) {
			if h.gone[k] {
				delete(h.gone, k)
				delete(h.fresh, k)
				changed = true
			}
			continue
		}
		if old, ok := h.fresh[k]; !ok || sumOf(old) != sumOf(d) {
			h.gone[k], h.fresh[k] = true, d
			changed = true
		}
	}
	for _, k := range ch.Keys {
		if public[k] {
			continue
		}
		if _, ok := h.fresh[k]; ok {
			delete(h.fresh, k)
			changed = true
		}
		if !h.gone[k] {
			if _, held := h.base.docOf(k); held {
				h.gone[k] = true
				changed = true
			}
		}
	}
	if ch.Latest.After(h.seenUntil) {
		h.seenUntil = ch.Latest
	}
	if h.view != nil && !changed && slices.EqualFunc(aliases, h.aliases, func(x, y AliasGroup) bool { return slices.Equal(x, y) }) {
		return nil // a write that touched nothing the index holds
	}
	keys := make([]Key, 0, len(h.gone))
	for k := range h.gone {
		keys = append(keys, k)
	}
	docs := make([]Doc, 0, len(h.fresh))
	for _, d := range h.fresh {
		docs = append(docs, d)
	}
	h.view = h.base.WithAliases(aliases).Without(keys)
	h.delta = Build(docs, aliases)
	h.aliases = aliases
	return nil
}

// Builds is how many full builds were done, and how many documents the
// changes since the last one hold.
func (h *Holder) Builds() (builds, delta int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.delta != nil {
		delta = h.delta.Len()
	}
	return h.builds, delta
}

// Warm builds the index in the background, so that the first search does
// not wait for it.
func (h *Holder) Warm(ctx context.Context) {
	go func() {
		if _, _, err := h.Current(ctx); err != nil {
			h.warn("search index", "err", err)
		}
	}()
}

// Rebuild starts a full build in the background (on demand: after a bulk
// import, say); the index in use answers until it is done. It returns
// false when one is under way already.
func (h *Holder) Rebuild() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.building {
		return false
	}
	h.startRebuild()
	return true
}

// startRebuild builds a new full index in the background and swaps it in;
// h.mu is held.
func (h *Holder) startRebuild() {
	if h.building {
		return
	}
	h.building = true
	go func() {
		started := time.Now()
		ix, took, err := h.newIndex(context.Background())
		h.mu.Lock()
		defer h.mu.Unlock()
		h.building = false
		if err != nil {
			h.warn("search index", "err", err)
			return
		}
		h.base, h.builtAt = ix, started
		h.builds++
		h.reset()
		h.info("search index rebuilt", "docs", ix.Len(), "took", took.Round(time.Millisecond))
		if h.AfterBuild != nil {
			h.AfterBuild()
		}
	}()
}

// reset forgets the changes followed, for a new full build; h.mu is held.
func (h *Holder) reset() {
	h.view, h.delta, h.aliases = nil, nil, nil
	h.gone, h.fresh, h.seenUntil = map[Key]bool{}, map[Key]Doc{}, time.Time{}
}

func (h *Holder) newIndex(ctx context.Context) (*Index, time.Duration, error) {
	start := time.Now()
	aliases, err := h.Source.Aliases(ctx)
	if err != nil {
		return nil, 0, err
	}
	b := NewBuilder(aliases, h.Options)
	if err := h.Source.Fill(ctx, b); err != nil {
		return nil, 0, err
	}
	return b.Build(), time.Since(start), nil
}

// build builds the full index now; h.mu is held.
func (h *Holder) build(ctx context.Context) error {
	started := time.Now()
	ix, took, err := h.newIndex(ctx)
	if err != nil {
		return err
	}
	h.base, h.builtAt = ix, started
	h.builds++
	h.reset()
	h.info("search index built", "docs", ix.Len(), "took", took.Round(time.Millisecond))
	if took > time.Second && h.AfterBuild != nil {
		h.AfterBuild()
	}
	return nil
}

func (h *Holder) info(msg string, args ...any) {
	if h.Log != nil {
		h.Log.Info(msg, args...)
	}
}

func (h *Holder) warn(msg string, args ...any) {
	if h.Log != nil {
		h.Log.Warn(msg, args...)
	}
}
