package main

import (
	"context"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/kiosk"
	kstore "gongkai/kiosk/gormstore"
	"gongkai/kiosk/hw"
	"gongkai/search"
)

// contentGen tells the kiosk's page cache and search index when what they
// show may have changed. It is the sum of two counts that only grow: the
// units' catalogue revisions in the database, which every instance's
// writes to catalogues, publications and unit facts raise, with the newest
// alias row and the count of 领导接听 announcements made (read after each
// write here, and polled for other instances' writes), and this
// instance's own bumps.
type contentGen struct {
	local atomic.Uint64
	db    atomic.Uint64
}

func (g *contentGen) value() uint64 { return g.local.Load() + g.db.Load() }
func (g *contentGen) bump()         { g.local.Add(1) }

// pollRevisions reads the sum of the units' catalogue revisions.
func (s *server) pollRevisions(ctx context.Context) error {
	sum, err := s.catalog.Revision(ctx)
	if err != nil {
		return err
	}
	aliases, err := s.kioskStore.AliasRevision(ctx)
	if err != nil {
		return err
	}
	// The kiosk's home page shows the 领导接听 days announced.
	leaders, err := s.stack.Orders.AnnouncementRevision(ctx)
	if err != nil {
		return err
	}
	s.gen.db.Store(uint64(sum + aliases + leaders))
	return nil
}

// followWrites reads the revisions again after every request that may
// have written (its transaction has committed when the handler returns),
// so a publication approved is on the kiosk at the next request, while a
// sign-in or a draft of nothing public leaves the kiosk's caches alone.
// A request that only reads gets a catalog.ReadScope instead.
func (s *server) followWrites(c *fiber.Ctx) error {
	read := false
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		// A page that only reads reads the units once, however many of
		// its parts ask for them.
		read = true
		c.SetUserContext(catalog.ReadScope(c.UserContext()))
	}
	err := c.Next()
	if !read {
		if perr := s.pollRevisions(c.UserContext()); perr != nil {
			s.gen.bump() // could not tell: assume it changed
		}
	}
	return err
}

// afterIndexBuild hands what the build read back to the system and sets
// the memory limit by the heap the index left.
func (s *server) afterIndexBuild() {
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.setMemoryLimit(m.HeapInuse, heapFactor)
}

// newSearch is the kiosk's search index holder.
func (s *server) newSearch() *search.Holder {
	src := &kstore.SearchSource{Catalog: s.catalog, Kiosk: s.kioskStore}
	return &search.Holder{Source: src, Generation: s.gen.value, Log: s.log, AfterBuild: s.afterIndexBuild,
		Options: search.Options{Bodies: func(ids []int64) map[int64]string {
			m, err := src.Bodies(ids)
			if err != nil {
				s.log.Warn("search: publication bodies", "err", err)
			}
			return m
		}}}
}

// flushCounts stores the kiosk counts gathered in memory; what cannot be
// stored is kept for the next try.
func (s *server) flushCounts(ctx context.Context) error {
	stats, views := s.counter.Drain()
	if err := s.kioskStore.AddStats(ctx, stats); err != nil {
		s.counter.Restore(stats, views)
		return err
	}
	for id, n := range views {
		if err := s.pubs.AddViews(ctx, id, n); err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			delete(views, id)
			s.counter.Restore(nil, views)
			return err
		}
		delete(views, id)
	}
	return nil
}

// reloadPoints tells the counter which point codes exist.
func (s *server) reloadPoints(ctx context.Context) error {
	ps, err := s.kioskStore.FindPoints(ctx)
	if err != nil {
		return err
	}
	s.counter.SetPoints(ps)
	return nil
}

func (s *server) kioskDeps() kiosk.Deps {
	return kiosk.Deps{Units: s.units, Items: s.items, Pubs: s.pubs, Search: s.search, Attachments: s.attachments, Requests: s.foiDesk, Counter: s.counter,
		Generation: s.gen.value, PublicURL: s.cfg.PublicURL, Hosts: kiosk.KnownHosts(s.cfg.Addr), Cache: s.pages, County: s.catalog,
		IdleSeconds: s.cfg.KioskIdle, CountdownSeconds: s.cfg.KioskCountdown, CacheHit: s.metrics.cacheHit,
		Handwriting: handwriting(), Filings: s.filings, Hotline: s.stack.Hotline}
}

// handwriting is the machine's recogniser, found once: one for the
// process, so that its limit of two at a time holds for every screen.
var handwriting = sync.OnceValue(func() *hw.Recognizer { return hw.New("") })

// kioskAdmin is the back office's view of the kiosk store: a saved point
// is counted at once, and the counts shown include those still in memory.
type kioskAdmin struct{ s *server }

func (k kioskAdmin) FindPoints(ctx context.Context) ([]kiosk.Point, error) {
	return k.s.kioskStore.FindPoints(ctx)
}

func (k kioskAdmin) SavePoint(ctx context.Context, p *kiosk.Point, by catalog.Actor) error {
	if err := k.s.kioskStore.SavePoint(ctx, p, by); err != nil {
		return err
	}
	return k.s.reloadPoints(ctx)
}

func (k kioskAdmin) FindStats(ctx context.Context, from, to time.Time) ([]kiosk.DayStat, error) {
	if err := k.s.flushCounts(ctx); err != nil {
		return nil, err
	}
	return k.s.kioskStore.FindStats(ctx, from, to)
}

func (k kioskAdmin) FindAliases(ctx context.Context) ([]search.AliasGroup, error) {
	return k.s.kioskStore.FindAliases(ctx)
}

// SaveAliases stores the groups; the write's revision poll (followWrites)
// has the next search use them.
func (k kioskAdmin) SaveAliases(ctx context.Context, groups []search.AliasGroup, by catalog.Actor) error {
	return k.s.kioskStore.SaveAliases(ctx, groups, by)
}

// RebuildIndex starts a full build of the search index, audited.
func (k kioskAdmin) RebuildIndex(ctx context.Context, by catalog.Actor) error {
	if !k.s.search.Rebuild() {
		return catalog.Errorf(catalog.ECONFLICT, "搜索索引正在重建，请稍后再试")
	}
	return k.s.catalog.AuditChange(ctx, by, "", "kiosk", "reindex", "search", "重建搜索索引", nil, nil)
}
