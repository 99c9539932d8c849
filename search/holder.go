package search

import (
	"context"
	"log/slog"
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
	// Public tells which of the publications are public now.
	Public(ctx context.Context, ids []int64) (map[int64]bool, error)
	// ChangedSince lists the publications made public or changed since t,
	// newest first, at most limit, as documents.
	ChangedSince(ctx context.Context, t time.Time, limit int) ([]Doc, error)
}

// Holder keeps the search index of a Source. After the content changed
// (Generation moved), the next search rebuilds it: at once while the index
// is small (a county's demo data), in the background once it holds
// SyncDocs documents or more (a county over the years, a province).
// Meanwhile the old index answers, with the aliases as they are now, every
// publication it shows checked to be still public, and an overlay — a
// small index of the publications changed since the old one was built —
// adds what it lacks: a publication approved here is found by the next
// search, whatever the machine's load.
type Holder struct {
	Source Source
	// Generation changes whenever what the index holds may have changed.
	Generation func() uint64
	// Options are those of every build (Bodies, say).
	Options Options
	// AfterBuild, when set, is called after a build that took more than a
	// second (to hand memory back, say).
	AfterBuild func()
	Log        *slog.Logger
	// SyncDocs is the size from which rebuilds go to the background;
	// DefaultSyncDocs when 0.
	SyncDocs int

	mu       sync.Mutex
	gen      uint64
	ix       *Index
	builtAt  time.Time // when the build of ix started reading
	building bool
	// The overlay of the generation ovGen, and the main index with the
	// aliases of that generation.
	ovGen   uint64
	overlay *Index
	aliased *Index
}

// DefaultSyncDocs: the demo's few thousand documents build in well under a
// second, a county's 200,000 take many.
const DefaultSyncDocs = 50000

// overlayMax bounds the overlay: the publications changed since the index
// was built, newest first. A rebuild is under way meanwhile.
const overlayMax = 2000

// clockMargin allows for the clocks of other instances (each stamps its
// writes) when asking for what changed since a build began.
const clockMargin = 10 * time.Second

// Search answers q from the index as it is now.
func (h *Holder) Search(ctx context.Context, q string) (Result, error) {
	ix, overlay, stale, err := h.Current(ctx)
	if err != nil {
		return Result{}, err
	}
	res := ix.Search(q)
	if stale && len(res.Pubs) > 0 {
		ids := make([]int64, len(res.Pubs))
		for i, hit := range res.Pubs {
			ids[i] = hit.ID
		}
		public, err := h.Source.Public(ctx, ids)
		if err != nil {
			return Result{}, err
		}
		kept := res.Pubs[:0]
		for _, hit := range res.Pubs {
			if public[hit.ID] {
				kept = append(kept, hit)
			}
		}
		res.PubN -= len(res.Pubs) - len(kept)
		res.Pubs = kept
	}
	if overlay != nil {
		res = Overlay(res, overlay.Search(q))
	}
	return res, nil
}

// Current returns the index to search, the overlay to add to it (nil when
// there is none), and whether content changed since the index was built.
func (h *Holder) Current(ctx context.Context) (ix, overlay *Index, stale bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	gen := h.Generation()
	if h.ix != nil && h.gen == gen {
		return h.ix, nil, false, nil
	}
	sync := h.SyncDocs
	if sync == 0 {
		sync = DefaultSyncDocs
	}
	if h.ix == nil || h.ix.Len() < sync {
		if err := h.build(ctx, gen); err != nil {
			return nil, nil, false, err
		}
		return h.ix, nil, false, nil
	}
	if !h.building {
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
			h.ix, h.gen, h.builtAt = ix, gen, started
			h.overlay, h.aliased, h.ovGen = nil, nil, 0
			h.info("search index rebuilt", "docs", ix.Len(), "took", took.Round(time.Millisecond))
			if h.AfterBuild != nil {
				h.AfterBuild()
			}
		}()
	}
	if h.ovGen != gen || h.aliased == nil {
		if err := h.buildOverlay(ctx, gen); err != nil {
			return nil, nil, false, err
		}
	}
	return h.aliased, h.overlay, true, nil
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

// build builds the index now; h.mu is held.
func (h *Holder) build(ctx context.Context, gen uint64) error {
	started := time.Now()
	ix, took, err := h.newIndex(ctx)
	if err != nil {
		return err
	}
	h.ix, h.gen, h.builtAt = ix, gen, started
	h.overlay, h.aliased, h.ovGen = nil, nil, 0
	h.info("search index built", "docs", ix.Len(), "took", took.Round(time.Millisecond))
	if took > time.Second && h.AfterBuild != nil {
		h.AfterBuild()
	}
	return nil
}

// buildOverlay indexes the publications changed since the index was built,
// with the aliases as they are now, which the main index takes on too;
// h.mu is held.
func (h *Holder) buildOverlay(ctx context.Context, gen uint64) error {
	aliases, err := h.Source.Aliases(ctx)
	if err != nil {
		return err
	}
	docs, err := h.Source.ChangedSince(ctx, h.builtAt.Add(-clockMargin), overlayMax)
	if err != nil {
		return err
	}
	b := NewBuilder(aliases, Options{})
	for _, d := range docs {
		b.Add(d)
	}
	h.overlay, h.aliased, h.ovGen = b.Build(), h.ix.WithAliases(aliases), gen
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
