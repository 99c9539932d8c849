package kiosk

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/hotline"
	"gongkai/kiosk/hw"
	"gongkai/kiosk/ime"
	"gongkai/search"
	"gongkai/web"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// UnitReader is what the kiosk reads of units.
type UnitReader interface {
	// FindUnits lists units, townships first, in the county's order.
	FindUnits(ctx context.Context) ([]catalog.Unit, error)
	// FindUnit returns one unit; ENOTFOUND.
	FindUnit(ctx context.Context, code string) (*catalog.Unit, error)
	// FindDomains lists the national domains in order.
	FindDomains(ctx context.Context) ([]catalog.Domain, error)
	// FindExemptions lists a unit's 未涉及领域说明.
	FindExemptions(ctx context.Context, unitCode string) ([]catalog.Exemption, error)
}

// ItemReader is what the kiosk reads of catalogue items.
type ItemReader interface {
	// FindItems lists active items in catalogue order.
	FindItems(ctx context.Context, f catalog.ItemFilter) ([]catalog.Item, error)
	// FindItem returns one item; ENOTFOUND.
	FindItem(ctx context.Context, id int64) (*catalog.Item, error)
}

// PubReader is what the kiosk reads of publications.
type PubReader interface {
	// FindPublications lists published ones newest first.
	FindPublications(ctx context.Context, f catalog.PubFilter) ([]catalog.Publication, error)
	// FindPublication returns one in any state; ENOTFOUND.
	FindPublication(ctx context.Context, id int64) (*catalog.Publication, error)
}

// Searcher answers a resident's search over what is public.
type Searcher interface {
	// Search finds units, items and publications; it never returns an
	// unpublished or taken-down publication.
	Search(ctx context.Context, q string) (search.Result, error)
}

// AttachmentReader reads a public attachment for display in the page.
type AttachmentReader interface {
	// PublicAttachment returns a published publication's attachment and,
	// for Word and Excel files, its text; ENOTFOUND otherwise.
	PublicAttachment(ctx context.Context, id int64) (a catalog.Attachment, pubID int64, text string, err error)
}

// Deps are the kiosk's dependencies.
type Deps struct {
	Units       UnitReader
	Items       ItemReader
	Pubs        PubReader
	Search      Searcher
	Attachments AttachmentReader
	Requests    RequestDesk
	// Hotline takes residents' messages; nil leaves the pages out.
	Hotline Hotline
	Counter *Counter
	// Generation changes whenever anything a page shows may have changed,
	// on this instance or another; rendered pages are kept until it does.
	Generation func() uint64
	// PublicURL is the address phones reach the server at, for QR codes,
	// without a trailing slash (http://10.0.0.5:8080); when empty, the
	// address the screen itself used.
	PublicURL string
	// Hosts are the host[:port] values the server is known to be reached
	// at (its listening address, the machine's addresses and names), the
	// first the default; without PublicURL a page's QR code carries the
	// one the screen used, or the default for any other.
	Hosts []string
	// Cache keeps rendered pages; a cache of DefaultCacheBytes when nil.
	Cache *PageCache
	// County is the county's identity: the title bar, and the office that
	// receives disclosure requests.
	County interface {
		County(ctx context.Context) (catalog.County, error)
	}
	// IdleSeconds without a touch start a CountdownSeconds countdown, after
	// which a kiosk returns to its home page and forgets the visit.
	IdleSeconds, CountdownSeconds int
	// Now is the clock for freshness marks; time.Now when nil.
	Now func() time.Time
	// CacheHit, when set, is told whether each page came from the cache
	// (for the metrics).
	CacheHit func(hit bool)
	// Handwriting reads characters written on the screen; nil where the
	// server has no recogniser (the keyboard then offers pinyin alone).
	Handwriting *hw.Recognizer
	// Filings are the units' 备案 records, whose office phone the contacts
	// page shows; nil shows the units' own phones alone.
	Filings interface {
		AllFilings(ctx context.Context) (map[string][]filing.Filing, error)
	}
}

// PointCookie carries a kiosk's point code. It is not secret: it only
// says where the screen stands.
const PointCookie = "gk_point"

type handler struct {
	Deps
	cache    *PageCache
	imeLayer *imeLayer
}

// Mount adds the kiosk routes to r (mounted at /kiosk).
func Mount(r fiber.Router, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Generation == nil {
		d.Generation = func() uint64 { return 0 }
	}
	if d.Counter == nil {
		d.Counter = NewCounter(nil)
	}
	if d.IdleSeconds == 0 {
		d.IdleSeconds, d.CountdownSeconds = 120, 30
	}
	if d.Cache == nil {
		d.Cache = NewPageCache(DefaultCacheBytes)
	}
	h := &handler{Deps: d, cache: d.Cache, imeLayer: &imeLayer{}}
	sub, _ := fs.Sub(staticFS, "static")
	r.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(sub), MaxAge: 3600}))
	r.Get("/", h.assignPoint, h.cached(h.renderHome))
	r.Get("/units", h.cached(h.renderUnits))
	r.Get("/units/:code", h.cached(h.renderUnit))
	r.Get("/domains", h.cached(h.renderDomains))
	r.Get("/domains/:code", h.cached(h.renderDomain))
	r.Get("/items/:id", h.cached(h.renderItem))
	r.Get("/publications/:id", h.cached(h.renderPublication))
	r.Get("/contacts", h.cached(h.renderContacts))
	r.Get("/apply", h.handleApplyForm)
	r.Post("/apply", h.handleApply)
	r.Get("/receipt/:number", h.handleReceipt)
	r.Get("/progress", h.handleProgress)
	r.Post("/progress", h.handleProgress)
	if d.Hotline != nil {
		r.Get("/messages", h.handleMessages)
		r.Post("/messages", h.handleMessages)
		r.Get("/messages/new", h.handleMessageForm)
		r.Post("/messages/new", h.handleMessage)
		r.Get("/messages/:number", h.handleFollow)
	}
	r.Get("/search", h.handleSearch)
	r.Get("/attachments/:id", h.handleAttachment)
	r.Get("/offline", h.handleOffline)
	r.Get("/ime", h.handleIME)
	r.Post("/hw", h.handleHandwriting)
	r.Get("/sw.js", handleServiceWorker)
}

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2006-01-02") },
	// itemName is 一级事项 · 二级事项 (· 三级事项), once when the first two
	// are the same.
	"itemName": func(it catalog.Item) string {
		if it.Level1 == it.Level2 || it.Level1 == "" {
			if it.Level3 != "" {
				return it.Level2 + " · " + it.Level3
			}
			return it.Level2
		}
		return it.Path()
	},
	// bodyHTML is a publication's body through the allow-list again, as
	// it is shown (a row written before bodies were HTML, or by hand in
	// the database, is no exception).
	"bodyHTML":   func(s string) template.HTML { return template.HTML(catalog.CleanBody(s)) },
	"keypadKeys": func() []string { return strings.Split("123456789X0", "") },
	// imePunct are the punctuation keys of Chinese text (a 文号's 〔〕, a
	// title's 《》) and of letters (an e-mail address).
	"imePunct": func(mode string) []string {
		if mode == "en" {
			return strings.Split("@ . - _ / : # ( ) +", " ")
		}
		return strings.Split("、 ： （ ） 《 》 〔 〕 - # ；", " ")
	},
	"imeRows": func() [][]string {
		return [][]string{strings.Split("1234567890", ""), strings.Split("qwertyuiop", ""), strings.Split("asdfghjkl", ""), strings.Split("zxcvbnm，。", "")}
	},
	"idTypes": func() []foi.IDType { return []foi.IDType{foi.ResidentID, foi.Passport, foi.HMTPermit, foi.ForeignPR} },
	"groupID": foi.GroupID,
	"weekday": func(t time.Time) string { return "星期" + string([]rune("日一二三四五六")[t.Weekday()]) },
	"messageHidden": func(f messageForm) map[string]string {
		return map[string]string{"category": f.Category, "caller_name": f.Name, "caller_phone": f.Phone, "title": f.Title, "content": f.Content,
			"address": f.Address, "publish": f.Publish, "submit_key": f.SubmitKey}
	},
	"hiddenFields": func(f applyForm) map[string]string {
		return map[string]string{"applicant_type": f.ApplicantType, "name": f.Name, "org_name": f.OrgName, "legal_rep": f.LegalRep,
			"id_type": f.IDType, "id_number": f.IDNumber, "credit_code": f.CreditCode, "address": f.Address, "phone": f.Phone,
			"email": f.Email, "description": f.Description, "purpose": f.Purpose, "form": f.Form, "delivery": f.Delivery, "unit": f.Unit, "submit_key": f.SubmitKey}
	},
}).ParseFS(templateFS, "templates/*.html"))

// Page is what every page's layout needs.
type Page struct {
	Title string
	// Back is the parent page's address; the home page has none.
	Back string
	// QR is the page's own address as a QR code, for phones.
	QR     template.HTML
	QRLink string
	Shell  Shell
}

// Shell is the same on every page.
type Shell struct {
	// Title is the title bar's text (catalog.County.Title).
	Title                  string
	IdleSeconds, Countdown int
	// Handwriting: the keyboard offers 手写.
	Handwriting bool
}

func (h *handler) page(c *fiber.Ctx, title, back, self string) Page {
	county, _ := h.County.County(c.UserContext()) // before set-up: the title alone
	p := Page{Title: title, Back: back, Shell: Shell{Title: county.Title(), IdleSeconds: h.IdleSeconds, Countdown: h.CountdownSeconds, Handwriting: h.Handwriting != nil}}
	if self != "" {
		p.QRLink = h.origin(c) + self
		p.QR = qrSVG(p.QRLink)
	}
	return p
}

// origin is the scheme and host a page's QR code carries: the configured
// public address; else the address the screen used, when it is one the
// server is known by (Hosts); else the first of those. Neither the Host
// header nor X-Forwarded-* of a client can put another address on a page
// others are served.
func (h *handler) origin(c *fiber.Ctx) string {
	if h.PublicURL != "" {
		return h.PublicURL
	}
	host := string(c.Request().Host())
	for _, k := range h.Hosts {
		if strings.EqualFold(k, host) {
			return "http://" + k
		}
	}
	if len(h.Hosts) > 0 {
		return "http://" + h.Hosts[0]
	}
	return "http://localhost"
}

// handleIME answers the on-screen pinyin keyboard: the candidates for
// ?py= (letters), the county's unit names first and its catalogue's words
// next.
func (h *handler) handleIME(c *fiber.Ctx) error {
	l, err := h.imeLayer.get(c.UserContext(), h)
	if err != nil {
		return err
	}
	cs := ime.Shared().Candidates(l, c.Query("py"), 60)
	if cs == nil {
		cs = []ime.Candidate{}
	}
	c.Set(fiber.HeaderCacheControl, "no-store") // what is typed may be a name
	return c.JSON(cs)
}

// handleHandwriting answers the keyboard's 手写 pad: the characters the
// strokes written may be, best first, as candidates standing for no
// letters.
func (h *handler) handleHandwriting(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if h.Handwriting == nil {
		return catalog.Errorf(catalog.ENOTFOUND, "本机未安装手写识别")
	}
	var in hw.Ink
	if err := json.Unmarshal(c.Body(), &in); err != nil {
		return catalog.Invalid("strokes", "笔迹格式不正确")
	}
	cs, err := h.Handwriting.Recognize(c.UserContext(), in, 20)
	if errors.Is(err, hw.ErrBusy) {
		return catalog.Errorf(catalog.EUNAVAILABLE, "手写识别繁忙，请稍后再写")
	}
	if err != nil {
		return err
	}
	out := make([]ime.Candidate, 0, len(cs))
	for _, ch := range cs {
		out = append(out, ime.Candidate{Text: ch})
	}
	return c.JSON(out)
}

// imeLayer is the pinyin keyboard's county layer, made again when the
// content's generation moves (a unit added, an item renamed).
type imeLayer struct {
	mu    sync.Mutex
	gen   uint64
	local *ime.Local
}

func (il *imeLayer) get(ctx context.Context, h *handler) (*ime.Local, error) {
	il.mu.Lock()
	defer il.mu.Unlock()
	gen := h.Generation()
	if il.local != nil && il.gen == gen {
		return il.local, nil
	}
	var names, texts []string
	if county, err := h.County.County(ctx); err == nil {
		names = append(names, county.Name, county.Government)
	}
	us, err := h.Units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		names = append(names, u.Name)
	}
	ds, err := h.Units.FindDomains(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		texts = append(texts, d.Name)
	}
	its, err := h.Items.FindItems(ctx, catalog.ItemFilter{})
	if err != nil {
		return nil, err
	}
	for _, it := range its {
		texts = append(texts, it.Level1, it.Level2, it.Level3, it.Content)
	}
	il.local, il.gen = ime.Shared().Local(names, texts), gen
	return il.local, nil
}

// offlinePage is what the screen shows without the network: a page it has
// not kept, or an application that could not be sent (NotSent).
type offlinePage struct {
	Page
	NotSent bool
}

// handleOffline renders the offline page the service worker keeps; its
// notice (kiosk.js) says the connection is being retried.
func (h *handler) handleOffline(c *fiber.Ctx) error {
	p := offlinePage{Page: h.page(c, "网络连接中断", "", ""), NotSent: c.Query("sent") == "0"}
	if p.NotSent {
		p.Page.Title = "申请没有送出"
	}
	body, err := execute("offline.html", p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(body)
}

// handleServiceWorker serves the screen's service worker under /kiosk/, the
// scope it keeps pages for; browsers check it for updates at each visit.
func handleServiceWorker(c *fiber.Ctx) error {
	b, err := staticFS.ReadFile("static/sw.js")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(b)
}

// errorPage is the kiosk's page for an error.
type errorPage struct {
	Page
	Message string
}

// ErrorPage renders the kiosk's page for an error answered with status;
// like every kiosk page it returns home when the screen is left idle.
func ErrorPage(status int, message string, shell Shell) ([]byte, error) {
	title := "出错了"
	switch {
	case status == fiber.StatusNotFound:
		title = "页面不存在"
		if message == "页面或接口不存在" {
			message = "您要找的页面不存在，可能地址有误或信息已撤下。请返回首页重新查找。"
		}
	case status == fiber.StatusTooManyRequests:
		title = "请稍后再试"
	case status >= 500:
		title = "暂时无法访问"
	}
	return execute("error.html", errorPage{Page: Page{Title: title, Back: "/kiosk/", Shell: shell}, Message: message})
}

func execute(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("kiosk: render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// PageCache keeps rendered pages by address with the generation and day
// they were rendered at; a page of another generation or day is rendered
// again. It is bounded by bytes: when a page would pass the bound, pages
// are dropped at random (a map's order) until a quarter of it is free, so
// hot pages come back at once and no address an outsider chooses makes it
// grow.
type PageCache struct {
	mu    sync.RWMutex
	m     map[string]cachedPage
	bytes int64
	max   int64
}

type cachedPage struct {
	gen  uint64
	day  int
	body []byte
	etag string
	// gz and br are the body compressed, made the first time a client
	// asks for them and kept with the page: a page is compressed once per
	// generation, not for every resident.
	gz, br []byte
}

// DefaultCacheBytes bounds the kiosk's page cache unless told otherwise:
// a county's units, domains and the items and publications residents open
// most fit many times over.
const DefaultCacheBytes = 64 << 20

// NewPageCache returns an empty cache holding at most maxBytes of pages.
func NewPageCache(maxBytes int64) *PageCache {
	return &PageCache{m: map[string]cachedPage{}, max: maxBytes}
}

// Size tells how many pages and bytes the cache holds now.
func (pc *PageCache) Size() (pages int, bytes int64) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return len(pc.m), pc.bytes
}

func (pc *PageCache) get(key string) (cachedPage, bool) {
	pc.mu.RLock()
	e, ok := pc.m[key]
	pc.mu.RUnlock()
	return e, ok
}

func pageCost(key string, e cachedPage) int64 {
	return int64(len(key) + len(e.body) + len(e.gz) + len(e.br) + len(e.etag) + 64)
}

// compressed is the page's body in encoding ("br" or "gzip"), compressed
// now if it was not yet and kept in the cache with the page.
func (pc *PageCache) compressed(key string, e *cachedPage, encoding string) []byte {
	have := &e.gz
	if encoding == "br" {
		have = &e.br
	}
	if *have != nil {
		return *have
	}
	var buf bytes.Buffer
	buf.Grow(len(e.body) / 4)
	if encoding == "br" {
		w := brotli.NewWriterLevel(&buf, 6)
		w.Write(e.body)
		w.Close()
	} else {
		w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		w.Write(e.body)
		w.Close()
	}
	*have = buf.Bytes()
	// Kept only if the cache still holds this very page.
	pc.mu.Lock()
	if cur, ok := pc.m[key]; ok && cur.gen == e.gen && cur.day == e.day && cur.etag == e.etag {
		kept := &cur.gz
		if encoding == "br" {
			kept = &cur.br
		}
		if *kept == nil { // not made meanwhile by another request
			*kept = *have
			pc.bytes += int64(len(*have))
			pc.m[key] = cur
		}
	}
	pc.mu.Unlock()
	return *have
}

func (pc *PageCache) put(key string, e cachedPage) {
	cost := pageCost(key, e)
	if cost > pc.max/4 {
		return // a page this large is rendered each time
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if old, ok := pc.m[key]; ok {
		pc.bytes -= pageCost(key, old)
		delete(pc.m, key)
	}
	if pc.bytes+cost > pc.max {
		for k, v := range pc.m {
			delete(pc.m, k)
			pc.bytes -= pageCost(k, v)
			if pc.bytes+cost <= pc.max*3/4 {
				break
			}
		}
	}
	pc.m[key] = e
	pc.bytes += cost
}

// cached serves a page from the cache, or renders and keeps it. Browsers
// get an ETag and revalidate each time, so a change shows at once.
func (h *handler) cached(render func(c *fiber.Ctx) ([]byte, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		now := h.Now()
		h.Counter.View(c.Cookies(PointCookie), now)
		gen := h.Generation()
		day := now.In(catalog.Shanghai).YearDay()
		// The page's QR code carries its origin, so the origin is part of
		// the key; it is one of a few known ones, never what a client sent.
		key := h.origin(c) + string(c.Request().URI().Path())
		e, ok := h.cache.get(key)
		hit := ok && e.gen == gen && e.day == day
		if h.CacheHit != nil {
			h.CacheHit(hit)
		}
		if !hit {
			body, err := render(c)
			if err != nil {
				return err
			}
			f := fnv.New64a()
			f.Write(body)
			e = cachedPage{gen: gen, day: day, body: body, etag: fmt.Sprintf(`"k%x-%x"`, gen, f.Sum64())}
			h.cache.put(key, e)
		}
		// Brotli or gzip when the browser takes them (every kiosk's does):
		// a third to a fifth of the bytes over the hall's network.
		encoding, etag := "", e.etag
		if len(e.body) >= 1024 {
			if encoding = acceptedEncoding(c.Get(fiber.HeaderAcceptEncoding)); encoding != "" {
				etag = e.etag[:len(e.etag)-1] + "-" + encoding + `"`
			}
		}
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		c.Set(fiber.HeaderETag, etag)
		c.Set(fiber.HeaderCacheControl, "no-cache")
		if string(c.Request().Header.Peek(fiber.HeaderIfNoneMatch)) == etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		if encoding == "" {
			return c.Send(e.body)
		}
		c.Set(fiber.HeaderContentEncoding, encoding)
		return c.Send(h.cache.compressed(key, &e, encoding))
	}
}

// acceptedEncoding is "br" or "gzip", whichever an Accept-Encoding header
// takes with the higher weight (brotli when equal: it is the smaller),
// or "" for neither.
func acceptedEncoding(header string) string {
	if header == "" {
		return ""
	}
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		w := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.ReplaceAll(p, " ", ""), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					w = f
				}
			}
		}
		q[strings.ToLower(strings.TrimSpace(name))] = w
	}
	weight := func(enc string) float64 {
		if w, ok := q[enc]; ok {
			return w
		}
		return q["*"] // 0 when there is no *
	}
	br, gz := weight("br"), weight("gzip")
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// assignPoint handles /kiosk/?point=code: the screen is assigned to the
// point (its launcher opens this address once) and sent home.
func (h *handler) assignPoint(c *fiber.Ctx) error {
	code := c.Query("point")
	if code == "" {
		return c.Next()
	}
	if !h.Counter.Known(code) {
		return catalog.Errorf(catalog.ENOTFOUND, "查阅点“%s”不存在，请在后台“查阅点”中先登记", code)
	}
	c.Cookie(&fiber.Cookie{Name: PointCookie, Value: code, Path: "/kiosk", MaxAge: 10 * 365 * 24 * 3600, SameSite: "Lax"})
	return c.Redirect("/kiosk/", fiber.StatusSeeOther)
}

type homePage struct {
	Page
	// LeaderDays are the 领导接听 days coming, announced in advance.
	LeaderDays []leaderDay
}

func (h *handler) renderHome(c *fiber.Ctx) ([]byte, error) {
	p := homePage{Page: h.page(c, "首页", "", "")}
	if h.Hotline != nil {
		as, err := h.Hotline.Upcoming(c.UserContext(), h.Now())
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			l := leaderDay{Announcement: a, Unit: "县人民政府"}
			if a.UnitCode != "" {
				if u, err := h.Units.FindUnit(c.UserContext(), a.UnitCode); err == nil {
					l.Unit = u.FullName
				}
			}
			p.LeaderDays = append(p.LeaderDays, l)
		}
	}
	return execute("home.html", p)
}

// leaderDay is a 领导接听 day as the home page announces it.
type leaderDay struct {
	hotline.Announcement
	Unit string
}

type unitsPage struct {
	Page
	Towns, Departments []catalog.Unit
}

func (h *handler) splitUnits(ctx context.Context) (towns, departments []catalog.Unit, err error) {
	us, err := h.Units.FindUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range us {
		if u.Level == catalog.LevelTownship {
			towns = append(towns, u)
		} else {
			departments = append(departments, u)
		}
	}
	return towns, departments, nil
}

func (h *handler) renderUnits(c *fiber.Ctx) ([]byte, error) {
	towns, deps, err := h.splitUnits(c.UserContext())
	if err != nil {
		return nil, err
	}
	return execute("units.html", unitsPage{h.page(c, "按单位查看", "/kiosk/", ""), towns, deps})
}

// Freshness is a plain mark of how recently an item was updated.
type Freshness struct {
	Class, Label string
}

// freshness marks a column by its last publication; hide leaves a column
// not updated for over a year unmarked (the county's choice).
func freshness(last *time.Time, now time.Time, hide bool) Freshness {
	if last == nil {
		return Freshness{"none", "暂无公开信息"}
	}
	switch days := now.Sub(*last).Hours() / 24; {
	case days <= 92:
		return Freshness{"fresh", "近期已更新"}
	case days <= 365:
		return Freshness{"aging", "一年内更新"}
	}
	if hide {
		return Freshness{}
	}
	return Freshness{"stale", "超过一年未更新"}
}

// hideStale tells whether the county keeps 超过一年未更新 off public pages.
func (h *handler) hideStale(ctx context.Context) bool {
	county, _ := h.County.County(ctx)
	return county.HideStale
}

type itemRow struct {
	Item  catalog.Item
	Fresh Freshness
}

type domainGroup struct {
	Domain catalog.Domain
	Items  []itemRow
}

type unitPage struct {
	Page
	Unit   catalog.Unit
	Groups []domainGroup
	// Successor took over the unit's work when it ended in a reform.
	Successor *catalog.Unit
	// NotApplicable are the domains the unit declared 未涉及, with why.
	NotApplicable []notApplicable
}

type notApplicable struct {
	Domain, Reason string
}

func (h *handler) renderUnit(c *fiber.Ctx) ([]byte, error) {
	ctx := c.UserContext()
	u, err := h.Units.FindUnit(ctx, c.Params("code"))
	if err != nil {
		return nil, err
	}
	items, err := h.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return nil, err
	}
	domains, err := h.Units.FindDomains(ctx)
	if err != nil {
		return nil, err
	}
	now, hide := h.Now(), h.hideStale(ctx)
	byDomain := map[string][]itemRow{}
	for _, it := range items {
		byDomain[it.DomainCode] = append(byDomain[it.DomainCode], itemRow{it, freshness(it.LastPublishedAt, now, hide)})
	}
	p := unitPage{Page: h.page(c, u.Name, "/kiosk/units", "/kiosk/units/"+u.Code), Unit: *u}
	if u.Retired() {
		if p.Successor, err = h.Units.FindUnit(ctx, u.Successor); err != nil {
			return nil, err
		}
	}
	ex, err := h.Units.FindExemptions(ctx, u.Code)
	if err != nil {
		return nil, err
	}
	exempt := map[string]string{}
	for _, e := range ex {
		exempt[e.DomainCode] = e.Reason
	}
	for _, d := range domains {
		if rows := byDomain[d.Code]; len(rows) > 0 {
			p.Groups = append(p.Groups, domainGroup{d, rows})
		}
		published := false
		for _, r := range byDomain[d.Code] {
			published = published || r.Item.LastPublishedAt != nil
		}
		// A domain with publications is not shown as 未涉及 beside them.
		if reason, ok := exempt[d.Code]; ok && !published {
			p.NotApplicable = append(p.NotApplicable, notApplicable{d.Name, reason})
		}
	}
	return execute("unit.html", p)
}

type domainsPage struct {
	Page
	Domains []catalog.Domain
}

func (h *handler) renderDomains(c *fiber.Ctx) ([]byte, error) {
	ds, err := h.Units.FindDomains(c.UserContext())
	if err != nil {
		return nil, err
	}
	return execute("domains.html", domainsPage{h.page(c, "按领域查看", "/kiosk/", ""), ds})
}

type unitGroup struct {
	Unit  catalog.Unit
	Items []itemRow
}

type domainPage struct {
	Page
	Domain catalog.Domain
	Groups []unitGroup
}

func (h *handler) renderDomain(c *fiber.Ctx) ([]byte, error) {
	ctx := c.UserContext()
	ds, err := h.Units.FindDomains(ctx)
	if err != nil {
		return nil, err
	}
	var d *catalog.Domain
	for i := range ds {
		if ds[i].Code == c.Params("code") {
			d = &ds[i]
		}
	}
	if d == nil {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "领域不存在")
	}
	items, err := h.Items.FindItems(ctx, catalog.ItemFilter{DomainCode: d.Code})
	if err != nil {
		return nil, err
	}
	us, err := h.Units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	now, hide := h.Now(), h.hideStale(ctx)
	byUnit := map[string][]itemRow{}
	for _, it := range items {
		byUnit[it.UnitCode] = append(byUnit[it.UnitCode], itemRow{it, freshness(it.LastPublishedAt, now, hide)})
	}
	p := domainPage{Page: h.page(c, d.Name, "/kiosk/domains", "/kiosk/domains/"+d.Code), Domain: *d}
	for _, u := range us {
		if rows := byUnit[u.Code]; len(rows) > 0 {
			p.Groups = append(p.Groups, unitGroup{u, rows})
		}
	}
	return execute("domain.html", p)
}

type itemPage struct {
	Page
	Unit  catalog.Unit
	Item  catalog.Item
	Fresh Freshness
	Pubs  []catalog.Publication
}

func (h *handler) renderItem(c *fiber.Ctx) ([]byte, error) {
	ctx := c.UserContext()
	id, err := web.PageID(c)
	if err != nil {
		return nil, err
	}
	it, err := h.Items.FindItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if it.Status != catalog.ItemActive {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "该目录事项已停用")
	}
	u, err := h.Units.FindUnit(ctx, it.UnitCode)
	if err != nil {
		return nil, err
	}
	pubs, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{ItemID: id, Limit: 200})
	if err != nil {
		return nil, err
	}
	self := "/kiosk/items/" + strconv.FormatInt(id, 10)
	return execute("item.html", itemPage{h.page(c, it.Name(), "/kiosk/units/"+u.Code, self), *u, *it, freshness(it.LastPublishedAt, h.Now(), h.hideStale(ctx)), pubs})
}

type pubPage struct {
	Page
	Unit catalog.Unit
	Pub  catalog.Publication
	// Policy is the policy a 政策解读 explains; Interpretations are the
	// 政策解读 published for this policy.
	Policy          *catalog.Publication
	Interpretations []catalog.Publication
}

func (h *handler) renderPublication(c *fiber.Ctx) ([]byte, error) {
	ctx := c.UserContext()
	id, err := web.PageID(c)
	if err != nil {
		return nil, err
	}
	p, err := h.Pubs.FindPublication(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.Status.Public() {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "该信息不存在或已撤回")
	}
	h.Counter.ViewPublication(id)
	u, err := h.Units.FindUnit(ctx, p.UnitCode)
	if err != nil {
		return nil, err
	}
	page := pubPage{Page: h.page(c, p.Title, "/kiosk/items/"+strconv.FormatInt(p.ItemID, 10), "/kiosk/publications/"+strconv.FormatInt(id, 10)), Unit: *u, Pub: *p}
	if p.InterpretsID != nil {
		if pol, err := h.Pubs.FindPublication(ctx, *p.InterpretsID); err == nil && pol.Status.Public() {
			page.Policy = pol
		}
	}
	if page.Interpretations, err = h.Pubs.FindPublications(ctx, catalog.PubFilter{Interprets: id, Limit: 20}); err != nil {
		return nil, err
	}
	return execute("publication.html", page)
}

type contactsPage struct {
	Page
	Towns, Departments []contact
}

// contact is a unit with the office its filing names for openness
// (政务公开), and that office's phone — a landline only, never a personal
// mobile.
type contact struct {
	catalog.Unit
	OfficeName, OfficePhone string
}

func (h *handler) renderContacts(c *fiber.Ctx) ([]byte, error) {
	towns, deps, err := h.splitUnits(c.UserContext())
	if err != nil {
		return nil, err
	}
	var filed map[string][]filing.Filing
	if h.Filings != nil {
		if filed, err = h.Filings.AllFilings(c.UserContext()); err != nil {
			return nil, err
		}
	}
	of := func(us []catalog.Unit) []contact {
		out := make([]contact, len(us))
		for i, u := range us {
			out[i] = contact{Unit: u}
			if fs := filed[u.Code]; len(fs) > 0 {
				if o := fs[len(fs)-1].Office; catalog.PhoneKind(o.Phone) == "landline" {
					out[i].OfficeName, out[i].OfficePhone = o.Name, o.Phone
				}
			}
		}
		return out
	}
	return execute("contacts.html", contactsPage{h.page(c, "机构与联系方式", "/kiosk/", "/kiosk/contacts"), of(towns), of(deps)})
}

type searchPage struct {
	Page
	Result search.Result
	Empty  bool
}

// handleSearch is not cached: each query is answered from the in-memory
// index, which its owner keeps in step with what is published.
func (h *handler) handleSearch(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	p := searchPage{Page: h.page(c, "搜索", "/kiosk/", "")}
	h.Counter.View(c.Cookies(PointCookie), h.Now())
	if q != "" {
		h.Counter.Search(c.Cookies(PointCookie), h.Now())
		r, err := h.Search.Search(c.UserContext(), q)
		if err != nil {
			return err
		}
		p.Result, p.Empty = r, r.Total() == 0
	}
	return sendUncached(c, fiber.StatusOK, "search.html", p)
}

type attachmentPage struct {
	Page
	Attachment catalog.Attachment
	PubID      int64
	Kind       string // pdf, image, text, other
	Text       string
}

func (h *handler) handleAttachment(c *fiber.Ctx) error {
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	a, pubID, text, err := h.Attachments.PublicAttachment(c.UserContext(), id)
	if err != nil {
		return err
	}
	h.Counter.View(c.Cookies(PointCookie), h.Now())
	kind := "other"
	switch {
	case a.ContentType == "application/pdf":
		kind = "pdf"
	case strings.HasPrefix(a.ContentType, "image/"):
		kind = "image"
	case text != "":
		kind = "text"
	}
	p := attachmentPage{Page: h.page(c, a.Name, "/kiosk/publications/"+strconv.FormatInt(pubID, 10), "/api/v1/attachments/"+strconv.FormatInt(id, 10)),
		Attachment: a, PubID: pubID, Kind: kind, Text: text}
	body, err := execute("attachment.html", p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(body)
}
