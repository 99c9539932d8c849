package main

import (
	"context"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/foi"
	"gongkai/kiosk"
	"gongkai/search"
)

// contentGen tells the kiosk's page cache and search index when what they
// show may have changed. It is the sum of two counts that only grow: the
// units' catalogue revisions in the database, which every instance's
// writes to catalogues, publications and unit facts raise, with the newest
// alias row (read after each write here, and polled for other instances'
// writes), and this instance's own bumps.
type contentGen struct {
	local atomic.Uint64
	db    atomic.Uint64
}

func (g *contentGen) value() uint64 { return g.local.Load() + g.db.Load() }
func (g *contentGen) bump()         { g.local.Add(1) }

// pollRevisions reads the sum of the units' catalogue revisions.
func (s *server) pollRevisions(ctx context.Context) error {
	var sum, aliases int64
	if err := s.db.WithContext(ctx).Table("units").Select("COALESCE(SUM(catalog_rev), 0) + COUNT(*)").Scan(&sum).Error; err != nil {
		return err
	}
	// Saving the aliases rewrites their rows: the newest id moves.
	if err := s.db.WithContext(ctx).Table("search_aliases").Select("COALESCE(MAX(id), 0)").Scan(&aliases).Error; err != nil {
		return err
	}
	s.gen.db.Store(uint64(sum + aliases))
	return nil
}

// followWrites reads the revisions again after every request that may
// have written (its transaction has committed when the handler returns),
// so a publication approved is on the kiosk at the next request, while a
// sign-in or a draft of nothing public leaves the kiosk's caches alone.
func (s *server) followWrites(c *fiber.Ctx) error {
	err := c.Next()
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
	default:
		if perr := s.pollRevisions(c.UserContext()); perr != nil {
			s.gen.bump() // could not tell: assume it changed
		}
	}
	return err
}

// searchIndex keeps the kiosk's search index. After content changed, the
// next search rebuilds it: at once while the index is small (a county's
// demo data), in the background once it holds syncIndexDocs documents or
// more (a county over the years, a province). Meanwhile the old index
// answers, with the aliases as they are now, every publication it shows
// checked to be still public, and an overlay — a small index of the
// publications changed since the old one was built — adds what it lacks:
// a publication approved here is found by the next search, whatever the
// machine's load. The rebuild reads only published data.
type searchIndex struct {
	s        *server
	mu       sync.Mutex
	gen      uint64
	ix       *search.Index
	builtAt  time.Time // when the build of ix started reading
	building bool
	// The overlay of the generation ovGen, and the main index with the
	// aliases of that generation.
	ovGen   uint64
	overlay *search.Index
	aliased *search.Index
	// syncDocs is syncIndexDocs; tests lower it to take the background path.
	syncDocs int
}

// syncIndexDocs is the size from which the index is rebuilt in the
// background: the demo's few thousand documents build in well under a
// second, a county's 200,000 take many.
const syncIndexDocs = 50000

// overlayMax bounds the overlay: the publications changed since the index
// was built, newest first. A rebuild is under way meanwhile.
const overlayMax = 2000

// clockMargin allows for the clocks of other instances (each stamps its
// writes) when asking for what changed since a build began.
const clockMargin = 10 * time.Second

// Search implements kiosk.Searcher.
func (si *searchIndex) Search(ctx context.Context, q string) (search.Result, error) {
	ix, overlay, stale, err := si.current(ctx)
	if err != nil {
		return search.Result{}, err
	}
	res := ix.Search(q)
	if stale && len(res.Pubs) > 0 {
		ids := make([]int64, len(res.Pubs))
		for i, h := range res.Pubs {
			ids[i] = h.ID
		}
		public, err := si.s.catalog.PublishedIDs(ctx, ids)
		if err != nil {
			return search.Result{}, err
		}
		kept := res.Pubs[:0]
		for _, h := range res.Pubs {
			if public[h.ID] {
				kept = append(kept, h)
			}
		}
		res.PubN -= len(res.Pubs) - len(kept)
		res.Pubs = kept
	}
	if overlay != nil {
		res = search.Overlay(res, overlay.Search(q))
	}
	return res, nil
}

// current returns the index to search, the overlay to add to it, and
// whether content changed since the index was built.
func (si *searchIndex) current(ctx context.Context) (ix, overlay *search.Index, stale bool, err error) {
	si.mu.Lock()
	defer si.mu.Unlock()
	gen := si.s.gen.value()
	if si.ix != nil && si.gen == gen {
		return si.ix, nil, false, nil
	}
	if si.syncDocs == 0 {
		si.syncDocs = syncIndexDocs
	}
	if si.ix == nil || si.ix.Len() < si.syncDocs {
		if err := si.build(ctx, gen); err != nil {
			return nil, nil, false, err
		}
		return si.ix, nil, false, nil
	}
	if !si.building {
		si.building = true
		go func() {
			started := time.Now()
			ix, took, err := si.s.buildIndex(context.Background())
			si.mu.Lock()
			defer si.mu.Unlock()
			si.building = false
			if err != nil {
				si.s.log.Warn("search index", "err", err)
				return
			}
			si.ix, si.gen, si.builtAt = ix, gen, started
			si.overlay, si.aliased, si.ovGen = nil, nil, 0
			si.s.log.Info("search index rebuilt", "docs", ix.Len(), "took", took.Round(time.Millisecond))
			si.s.afterIndexBuild()
		}()
	}
	if si.ovGen != gen || si.aliased == nil {
		if err := si.buildOverlay(ctx, gen); err != nil {
			return nil, nil, false, err
		}
	}
	return si.aliased, si.overlay, true, nil
}

// buildOverlay indexes the publications changed since the index was built,
// with the aliases as they are now, which the main index takes on too;
// si.mu is held.
func (si *searchIndex) buildOverlay(ctx context.Context, gen uint64) error {
	aliases, err := si.s.kioskStore.FindAliases(ctx)
	if err != nil {
		return err
	}
	pubs, err := si.s.catalog.PublishedChangedSince(ctx, si.builtAt.Add(-clockMargin), overlayMax)
	if err != nil {
		return err
	}
	units, err := si.s.units.FindUnits(ctx)
	if err != nil {
		return err
	}
	name := map[string]string{}
	for _, u := range units {
		name[u.Code] = u.Name
	}
	b := search.NewBuilder(aliases, search.Options{})
	for _, p := range pubs {
		b.Add(search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: name[p.UnitCode],
			Body: gormstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn})
	}
	si.overlay, si.aliased, si.ovGen = b.Build(), si.ix.WithAliases(aliases), gen
	return nil
}

// build builds the index now; si.mu is held.
func (si *searchIndex) build(ctx context.Context, gen uint64) error {
	started := time.Now()
	ix, took, err := si.s.buildIndex(ctx)
	if err != nil {
		return err
	}
	si.ix, si.gen, si.builtAt = ix, gen, started
	si.overlay, si.aliased, si.ovGen = nil, nil, 0
	si.s.log.Info("search index built", "docs", ix.Len(), "took", took.Round(time.Millisecond))
	if took > time.Second {
		si.s.afterIndexBuild()
	}
	return nil
}

// afterIndexBuild hands what the build read back to the system and sets
// the memory limit by the heap the index left.
func (s *server) afterIndexBuild() {
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.setMemoryLimit(m.HeapInuse)
}

// buildIndex reads units, items and published publications (newest first)
// into a new index. Publication bodies are indexed by character pairs and
// not kept: the hits shown read theirs back.
func (s *server) buildIndex(ctx context.Context) (*search.Index, time.Duration, error) {
	start := time.Now()
	aliases, err := s.kioskStore.FindAliases(ctx)
	if err != nil {
		return nil, 0, err
	}
	b := search.NewBuilder(aliases, search.Options{Bodies: func(ids []int64) map[int64]string {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		m, err := s.catalog.PublishedBodies(ctx, ids)
		if err != nil {
			s.log.Warn("search: publication bodies", "err", err)
		}
		return m
	}})
	units, err := s.units.FindUnits(ctx)
	if err != nil {
		return nil, 0, err
	}
	name := map[string]string{}
	for _, u := range units {
		name[u.Code] = u.Name
		kind := "县直单位"
		if u.Level == catalog.LevelTownship {
			kind = "镇人民政府"
		}
		b.Add(search.Doc{Kind: search.KindUnit, Code: u.Code, Title: u.Name, Context: u.FullName + " · " + kind, Body: u.FullName})
	}
	items, err := s.items.FindItems(ctx, catalog.ItemFilter{})
	if err != nil {
		return nil, 0, err
	}
	// One context string per item, shared by its publications.
	itemContext := map[int64]string{}
	for _, it := range items {
		itemContext[it.ID] = name[it.UnitCode] + " · " + it.Level2
		b.Add(search.Doc{Kind: search.KindItem, ID: it.ID, Title: it.Level1 + " · " + it.Level2, Context: name[it.UnitCode], Body: it.Content})
	}
	err = s.catalog.EachPublishedNewestFirst(ctx, func(p catalog.Publication) error {
		b.Add(search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: itemContext[p.ItemID],
			Body: gormstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn})
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return b.Build(), time.Since(start), nil
}

// PublicAttachment implements kiosk.AttachmentReader.
func (s *server) PublicAttachment(ctx context.Context, id int64) (catalog.Attachment, int64, string, error) {
	a, pubID, err := s.pubs.FindAttachment(ctx, id)
	if err != nil {
		return catalog.Attachment{}, 0, "", err
	}
	p, err := s.pubs.FindPublication(ctx, pubID)
	if err != nil {
		return catalog.Attachment{}, 0, "", err
	}
	if !p.Status.Public() {
		return catalog.Attachment{}, 0, "", catalog.Errorf(catalog.ENOTFOUND, "附件不存在")
	}
	var text string
	if n := strings.ToLower(a.Name); strings.HasSuffix(n, ".docx") || strings.HasSuffix(n, ".xlsx") {
		text, _ = s.attachments.Text(*a) // shown as text; one that cannot be read is offered for download
	}
	return *a, pubID, text, nil
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
	return kiosk.Deps{Units: s.units, Items: s.items, Pubs: s.pubs, Search: s.search, Attachments: s, Requests: requestDesk{s}, Counter: s.counter,
		Generation: s.gen.value, PublicURL: s.cfg.PublicURL, Hosts: knownHosts(s.cfg.Addr), Cache: s.pages, County: "旌德县",
		IdleSeconds: s.cfg.KioskIdle, CountdownSeconds: s.cfg.KioskCountdown, CacheHit: s.metrics.cacheHit}
}

// knownHosts are the host[:port] values residents' screens and phones may
// reach a server listening on addr by: that address, or every address of
// the machine when it listens on all of them, then the machine's name and
// localhost. Port 80 is also known without it, as browsers send it.
func knownHosts(addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	var ips []string
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		if as, err := net.InterfaceAddrs(); err == nil {
			var loop []string
			for _, a := range as {
				n, ok := a.(*net.IPNet)
				if !ok || n.IP.IsLinkLocalUnicast() {
					continue
				}
				if n.IP.IsLoopback() {
					loop = append(loop, n.IP.String())
				} else {
					ips = append(ips, n.IP.String())
				}
			}
			ips = append(ips, loop...)
		}
	} else {
		ips = append(ips, host)
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		ips = append(ips, name)
	}
	ips = append(ips, "localhost")
	var out []string
	seen := map[string]bool{}
	for _, h := range ips {
		hp := net.JoinHostPort(h, port)
		forms := []string{hp}
		if port == "80" {
			forms = append(forms, strings.Trim(net.JoinHostPort(h, ""), ":"))
		}
		for _, f := range forms {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// defaultAliases are the alias groups a new installation starts with:
// what residents say beside what the catalogue writes.
var defaultAliases = []search.AliasGroup{
	{"低保", "最低生活保障"},
	{"五保", "特困人员", "特困供养"},
	{"医保", "医疗保障", "医疗保险"},
	{"社保", "社会保障", "社会保险"},
	{"预决算", "预算", "决算"},
	{"三公", "三公经费"},
	{"拆迁", "征收", "征地"},
	{"危房", "危房改造"},
	{"扶贫", "脱贫", "乡村振兴"},
	{"招聘", "招考", "公开招聘"},
}

// seedKiosk stores the default aliases on a new installation and, with
// the demo data, a service point in each township's 便民服务中心 and the
// county's 政府信息公开查询点.
func (s *server) seedKiosk(ctx context.Context, demo bool) error {
	if err := s.kioskStore.SeedAliases(ctx, defaultAliases); err != nil {
		return err
	}
	if !demo {
		return nil
	}
	units, err := s.units.FindUnits(ctx)
	if err != nil {
		return err
	}
	points := []kiosk.Point{{Code: "county-hall", Name: "旌德县政府信息公开查询点", UnitCode: "zhengfuban"}}
	for _, u := range units {
		if u.Level == catalog.LevelTownship {
			points = append(points, kiosk.Point{Code: u.Code + "-hall", Name: u.Name + "便民服务中心", UnitCode: u.Code, Address: u.Address})
		}
	}
	for _, p := range points {
		if err := s.kioskStore.SeedPoint(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

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
// rebuilds the search with them.
func (k kioskAdmin) SaveAliases(ctx context.Context, groups []search.AliasGroup, by catalog.Actor) error {
	return k.s.kioskStore.SaveAliases(ctx, groups, by)
}

// requestDesk is the kiosk's view of the disclosure requests.
type requestDesk struct{ s *server }

func (d requestDesk) Submit(ctx context.Context, r *foi.Request, ip string) error {
	return d.s.submitRequest(ctx, r, foi.Kiosk, ip)
}

func (d requestDesk) Receipt(ctx context.Context, number, token, ip string) (*foi.Request, string, error) {
	if token == "" {
		return nil, "", catalog.Errorf(catalog.ENOTFOUND, "回执不存在；请用登记号和电话号码后四位查询申请进度")
	}
	r, err := d.s.findByProof(ctx, number, "", token, ip)
	if err != nil {
		return nil, "", err
	}
	u, err := d.s.units.FindUnit(ctx, r.UnitCode)
	if err != nil {
		return nil, "", err
	}
	return r, u.FullName, nil
}

func (d requestDesk) Status(ctx context.Context, number, phone4, token, ip string) (*foi.PublicStatus, error) {
	return d.s.lookupStatus(ctx, number, phone4, token, ip)
}
