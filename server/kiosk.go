package main

import (
	"context"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
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
	sum, err := s.catalog.Revision(ctx)
	if err != nil {
		return err
	}
	aliases, err := s.kioskStore.AliasRevision(ctx)
	if err != nil {
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

// afterIndexBuild hands what the build read back to the system and sets
// the memory limit by the heap the index left.
func (s *server) afterIndexBuild() {
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.setMemoryLimit(m.HeapInuse)
}

// searchSource gives the search index what it reads: everything public,
// from the stores.
type searchSource struct{ s *server }

func (ss searchSource) Aliases(ctx context.Context) ([]search.AliasGroup, error) {
	return ss.s.kioskStore.FindAliases(ctx)
}

func (ss searchSource) Public(ctx context.Context, ids []int64) (map[int64]bool, error) {
	return ss.s.catalog.PublishedIDs(ctx, ids)
}

// unitNames are the units' short names by code.
func (ss searchSource) unitNames(ctx context.Context) ([]catalog.Unit, map[string]string, error) {
	units, err := ss.s.units.FindUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	name := map[string]string{}
	for _, u := range units {
		name[u.Code] = u.Name
	}
	return units, name, nil
}

// Fill adds units, items and published publications (newest first).
// Publication bodies are indexed by character pairs and not kept: the hits
// shown read theirs back.
func (ss searchSource) Fill(ctx context.Context, b *search.Builder) error {
	units, name, err := ss.unitNames(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		kind := "县直单位"
		if u.Level == catalog.LevelTownship {
			kind = "镇人民政府"
		}
		b.Add(search.Doc{Kind: search.KindUnit, Code: u.Code, Title: u.Name, Context: u.FullName + " · " + kind, Body: u.FullName})
	}
	items, err := ss.s.items.FindItems(ctx, catalog.ItemFilter{})
	if err != nil {
		return err
	}
	// One context string per item, shared by its publications.
	itemContext := map[int64]string{}
	for _, it := range items {
		itemContext[it.ID] = name[it.UnitCode] + " · " + it.Level2
		b.Add(search.Doc{Kind: search.KindItem, ID: it.ID, Title: it.Level1 + " · " + it.Level2, Context: name[it.UnitCode], Body: it.Content})
	}
	return ss.s.catalog.EachPublishedNewestFirst(ctx, func(p catalog.Publication) error {
		b.Add(search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: itemContext[p.ItemID],
			Body: gormstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn})
		return nil
	})
}

func (ss searchSource) ChangedSince(ctx context.Context, t time.Time, limit int) ([]search.Doc, error) {
	pubs, err := ss.s.catalog.PublishedChangedSince(ctx, t, limit)
	if err != nil {
		return nil, err
	}
	_, name, err := ss.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	docs := make([]search.Doc, len(pubs))
	for i, p := range pubs {
		docs[i] = search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: name[p.UnitCode],
			Body: gormstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn}
	}
	return docs, nil
}

// newSearch is the kiosk's search index holder.
func (s *server) newSearch() *search.Holder {
	return &search.Holder{Source: searchSource{s}, Generation: s.gen.value, Log: s.log, AfterBuild: s.afterIndexBuild,
		Options: search.Options{Bodies: func(ids []int64) map[int64]string {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			m, err := s.catalog.PublishedBodies(ctx, ids)
			if err != nil {
				s.log.Warn("search: publication bodies", "err", err)
			}
			return m
		}}}
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
		Generation: s.gen.value, PublicURL: s.cfg.PublicURL, Hosts: knownHosts(s.cfg.Addr), Cache: s.pages, County: "旌德县", Office: s.foiDesk.Office,
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
	return d.s.foiDesk.Submit(ctx, r, foi.Kiosk, ip)
}

func (d requestDesk) Receipt(ctx context.Context, number, token, ip string) (*foi.Request, string, error) {
	if token == "" {
		return nil, "", catalog.Errorf(catalog.ENOTFOUND, "回执不存在；请用登记号和电话号码后四位查询申请进度")
	}
	r, err := d.s.foiDesk.FindByProof(ctx, number, "", token, ip)
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
	return d.s.foiDesk.Status(ctx, number, phone4, token, ip)
}
