package kiosk_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/kiosk"
	kstore "gongkai/kiosk/gormstore"
	"gongkai/search"
	"gongkai/seed"
	"gongkai/stack"
	"gongkai/stack/stacktest"
	"gongkai/weberr"
)

// The kiosk's handler tests run each on a copy of a template seeded with
// the demo data once, through the services the server builds.

func TestMain(m *testing.M) { os.Exit(stacktest.Main(m)) }

type hall struct {
	t   *testing.T
	app *fiber.App
	st  *stack.Stack
}

// newHall mounts the kiosk, the demo's county renamed 某县.
func newHall(t *testing.T) *hall {
	st := stacktest.New(t)
	county := catalog.NewCounty("某县", "341899", stacktest.Office)
	if err := st.Catalog.SaveCounty(t.Context(), &county, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	gen := func() uint64 { // as the server's: the catalogue's revision
		r, err := st.Catalog.Revision(context.Background())
		if err != nil {
			t.Error(err)
		}
		return uint64(r)
	}
	holder := &search.Holder{Source: &kstore.SearchSource{Catalog: st.Catalog, Kiosk: st.Kiosk}, Generation: gen}
	deps := kiosk.Deps{Units: st.Catalog, Items: st.Catalog, Pubs: st.Catalog, Search: holder, Attachments: st.Attachments,
		Requests: st.RequestDesk, Hotline: st.Hotline, Counter: kiosk.NewCounter(nil), Generation: gen, PublicURL: "http://10.0.0.5:8080",
		County: st.Catalog, IdleSeconds: 120, CountdownSeconds: 30}
	shell := kiosk.Shell{Title: county.Title(), IdleSeconds: 120, Countdown: 30}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		p := weberr.Classify(err)
		page, perr := kiosk.ErrorPage(p.Status, p.Message, shell)
		if perr != nil {
			return perr
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Status(p.Status).Send(page)
	}})
	kiosk.Mount(app.Group("/kiosk"), deps)
	return &hall{t: t, app: app, st: st}
}

type screen struct {
	status   int
	body     string
	location string
}

func (h *hall) send(method, path string, form url.Values) screen {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := h.app.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return screen{res.StatusCode, string(raw), res.Header.Get("Location")}
}

// outside finds a script, style, font or image that a page would fetch
// from outside the hall's server.
var outside = regexp.MustCompile(`(?i)(src|href)="(https?:)?//`)

// TestPagesAreTheCountys: the home, a township's catalogue and an item
// show the county's name and data, fetch nothing from outside, and an
// unknown unit is the kiosk's own 404 page.
func TestPagesAreTheCountys(t *testing.T) {
	h := newHall(t)
	items, err := h.st.Catalog.FindItems(t.Context(), catalogOf("sanxi"))
	if err != nil || len(items) == 0 {
		t.Fatalf("the demo's items of sanxi: %v %d", err, len(items))
	}
	for _, path := range []string{"/kiosk/", "/kiosk/units", "/kiosk/units/sanxi", fmt.Sprintf("/kiosk/items/%d", items[0].ID), "/kiosk/contacts"} {
		p := h.send(http.MethodGet, path, nil)
		if p.status != 200 || !strings.Contains(p.body, "某县政务公开查询") || strings.Contains(p.body, "旌德县政务公开") {
			t.Errorf("%s: %d, the county's title shown %v", path, p.status, strings.Contains(p.body, "某县政务公开查询"))
		}
		if m := outside.FindString(p.body); m != "" {
			t.Errorf("%s fetches from outside: %s", path, m)
		}
	}
	if p := h.send(http.MethodGet, "/kiosk/units/sanxi", nil); !strings.Contains(p.body, items[0].Level2) {
		t.Errorf("the township's page lacks its item %q", items[0].Level2)
	}
	if p := h.send(http.MethodGet, "/kiosk/units/no-such-unit", nil); p.status != 404 || !strings.Contains(p.body, "某县") {
		t.Errorf("unknown unit: %d %.200s", p.status, p.body)
	}
}

// TestSearchFindsTheCatalogue: a resident's words find the items that
// hold them.
func TestSearchFindsTheCatalogue(t *testing.T) {
	h := newHall(t)
	p := h.send(http.MethodGet, "/kiosk/search?q="+url.QueryEscape("财政预决算"), nil)
	if p.status != 200 || !strings.Contains(p.body, "/kiosk/items/") {
		t.Errorf("search: %d %.300s", p.status, p.body)
	}
}

// TestApplyAtTheKiosk: a form with a mistake comes back with the field's
// message and what was typed; a good one is reviewed, then submitted, and
// the receipt shows its number; the progress lookup needs the phone.
func TestApplyAtTheKiosk(t *testing.T) {
	h := newHall(t)
	// A company's name typed before the resident chose 自然人 is not kept.
	form := url.Values{"applicant_type": {"person"}, "name": {"王五"}, "id_type": {"resident_id"}, "id_number": {seed.DemoID("19650101", 3)},
		"phone": {"13912345678"}, "address": {"三溪镇"}, "description": {"本村2025年低保名单"}, "form": {"paper"}, "org_name": {"某某公司"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("phone", "12345")
	p := h.send(http.MethodPost, "/kiosk/apply", bad)
	if p.status != 400 || !strings.Contains(p.body, "电话") || !strings.Contains(p.body, "本村2025年低保名单") {
		t.Errorf("bad phone: %d %.300s", p.status, p.body)
	}
	if p := h.send(http.MethodPost, "/kiosk/apply", form); p.status != 200 || !strings.Contains(p.body, "王五") {
		t.Fatalf("review: %d %.300s", p.status, p.body)
	}
	form.Set("step", "submit")
	p = h.send(http.MethodPost, "/kiosk/apply", form)
	if p.status != 303 || !strings.HasPrefix(p.location, "/kiosk/receipt/") {
		t.Fatalf("submit: %d %q %.300s", p.status, p.location, p.body)
	}
	number := strings.SplitN(strings.TrimPrefix(p.location, "/kiosk/receipt/"), "?", 2)[0]
	r, err := h.st.Requests.Find(t.Context(), number)
	if err != nil || r.UnitCode != stacktest.Office || r.ReceivedOn.Format("2006-01-02") != time.Now().In(r.ReceivedOn.Location()).Format("2006-01-02") {
		t.Fatalf("the request: %v %+v", err, r)
	}
	if r.OrgName != "" || r.Name != "王五" {
		t.Errorf("a person's request keeps %q, %q", r.Name, r.OrgName)
	}
	// The paper prints the number, the QR and a link one can type: not
	// the QR's link with its token.
	if p := h.send(http.MethodGet, p.location, nil); p.status != 200 || !strings.Contains(p.body, number) || !strings.Contains(p.body, "/kiosk/progress 输入登记号") || strings.Contains(p.body, r.ReceiptToken+"</p>") || strings.Contains(p.body, "progress?number=") {
		t.Errorf("receipt: %d %s", p.status, p.body)
	}
	if p := h.send(http.MethodGet, "/kiosk/receipt/"+number, nil); p.status != 404 {
		t.Errorf("a receipt without its token: %d", p.status)
	}
	wrong := h.send(http.MethodPost, "/kiosk/progress", url.Values{"number": {number}, "phone4": {"0000"}})
	right := h.send(http.MethodPost, "/kiosk/progress", url.Values{"number": {number}, "phone4": {"5678"}})
	if wrong.status == 200 || right.status != 200 {
		t.Errorf("progress: wrong phone %d, right phone %d", wrong.status, right.status)
	}
	// A correction notice sent: the applicant reads it on the same page.
	due, _ := h.st.Calendar.Provisional().AddWorkdays(time.Now(), 12)
	if _, err := h.st.RequestDesk.Step(t.Context(), number, foi.Step{Action: foi.ActCorrect, Note: "请写明所需名单的村名", Due: due, Via: "电话告知后邮寄"},
		catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	right = h.send(http.MethodPost, "/kiosk/progress", url.Values{"number": {number}, "phone4": {"5678"}})
	if right.status != 200 || !strings.Contains(right.body, "政府信息公开申请补正告知书") || !strings.Contains(right.body, "请写明所需名单的村名") || strings.Contains(right.body, "王五") {
		t.Errorf("progress with a correction notice: %d %.300s", right.status, right.body)
	}
}

func catalogOf(unit string) catalog.ItemFilter { return catalog.ItemFilter{UnitCode: unit} }

// TestARetiredUnitPointsToItsSuccessor: after 庙首镇 is merged into 三溪镇,
// the list of units leaves it out, its old page (a bookmark, a printed QR
// code) says who took over and links there, and its publications show
// under 三溪镇.
func TestARetiredUnitPointsToItsSuccessor(t *testing.T) {
	h := newHall(t)
	ctx := t.Context()
	pubs, err := h.st.Catalog.FindPublications(ctx, catalog.PubFilter{UnitCode: "miaoshou", Statuses: []catalog.PubStatus{catalog.PubPublished}, Limit: 1})
	if err != nil || len(pubs) == 0 {
		t.Fatalf("庙首镇's publications: %v %d", err, len(pubs))
	}
	if p := h.send(http.MethodGet, "/kiosk/units", nil); !strings.Contains(p.body, "/kiosk/units/miaoshou") {
		t.Fatal("庙首镇 is not listed before the merge")
	}
	r := catalog.Reform{Kind: catalog.ReformMerge, From: []string{"miaoshou"}, Into: []string{"sanxi"}, Basis: "某编〔2026〕3号"}
	if err := h.st.Catalog.Reform(ctx, &r, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	if p := h.send(http.MethodGet, "/kiosk/units", nil); strings.Contains(p.body, "/kiosk/units/miaoshou") {
		t.Error("the retired township is still listed")
	}
	p := h.send(http.MethodGet, "/kiosk/units/miaoshou", nil)
	if p.status != 200 || !strings.Contains(p.body, "在机构改革中撤销") || !strings.Contains(p.body, `href="/kiosk/units/sanxi"`) {
		t.Errorf("the retired township's page: %d %.300s", p.status, p.body)
	}
	p = h.send(http.MethodGet, fmt.Sprintf("/kiosk/publications/%d", pubs[0].ID), nil)
	if p.status != 200 || !strings.Contains(p.body, pubs[0].IndexNo) {
		t.Errorf("the publication after the merge: %d", p.status)
	}
}

// TestNotApplicableDomainsAreShown: a unit's 未涉及领域说明 is on its
// catalogue page, with the domain's name and the reason it wrote — unless
// the unit published under that domain, which the page then lists.
func TestNotApplicableDomainsAreShown(t *testing.T) {
	h := newHall(t)
	if p := h.send(http.MethodGet, "/kiosk/units/sanxi", nil); strings.Contains(p.body, "本单位未涉及的领域") {
		t.Fatal("a heading for none")
	}
	items, err := h.st.Catalog.FindItems(t.Context(), catalog.ItemFilter{UnitCode: "sanxi"})
	if err != nil {
		t.Fatal(err)
	}
	published := ""
	for _, it := range items {
		if it.LastPublishedAt != nil {
			published = it.DomainCode
			break
		}
	}
	for _, e := range []catalog.Exemption{{UnitCode: "sanxi", DomainCode: "ssgl", Reason: "本镇无税收征管职能"},
		{UnitCode: "sanxi", DomainCode: published, Reason: "无"}} {
		if err := h.st.Catalog.SetExemption(t.Context(), e, catalog.Actor{Username: "sanxi-clerk"}); err != nil {
			t.Fatal(err)
		}
	}
	p := h.send(http.MethodGet, "/kiosk/units/sanxi", nil)
	if p.status != 200 || !strings.Contains(p.body, "本单位未涉及的领域") || !strings.Contains(p.body, "<b>税收管理</b>：本镇无税收征管职能") {
		t.Errorf("sanxi's page: %d %.2000s", p.status, p.body[strings.Index(p.body, "公开目录"):])
	}
	if strings.Contains(p.body, "：无</li>") {
		t.Errorf("a domain published under is shown as 未涉及 (%s)", published)
	}
}

// TestPagesComeCompressed: a browser that takes brotli or gzip gets the
// page so, the same bytes once decoded, a third of them or fewer, with
// an ETag of its own that revalidates; one that takes neither (or refuses
// brotli with q=0) gets what it can read; the page says it varies by
// Accept-Encoding.
func TestPagesComeCompressed(t *testing.T) {
	h := newHall(t)
	get := func(accept, ifNoneMatch string) (*http.Response, []byte) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/kiosk/units/sanxi", nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		res, err := h.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	plainRes, plain := get("", "")
	if plainRes.Header.Get("Content-Encoding") != "" || !strings.Contains(string(plain), "某县") {
		t.Fatalf("no Accept-Encoding: %q, %d bytes", plainRes.Header.Get("Content-Encoding"), len(plain))
	}
	etags := map[string]string{"": plainRes.Header.Get("ETag")}
	for _, c := range []struct{ accept, encoding string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"br;level=5;q=0, gzip", "gzip"},
		{"identity", ""},
	} {
		for round := 0; round < 2; round++ { // the second from what the cache kept
			res, b := get(c.accept, "")
			if got := res.Header.Get("Content-Encoding"); got != c.encoding {
				t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.encoding)
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Accept-Encoding %q: Vary %q", c.accept, res.Header.Get("Vary"))
			}
			var r io.Reader = bytes.NewReader(b)
			switch c.encoding {
			case "br":
				r = brotli.NewReader(r)
			case "gzip":
				zr, err := gzip.NewReader(r)
				if err != nil {
					t.Fatal(err)
				}
				r = zr
			}
			decoded, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(decoded, plain) {
				t.Fatalf("Accept-Encoding %q: decoded %d bytes (%v), the page is %d", c.accept, len(decoded), err, len(plain))
			}
			if c.encoding != "" && len(b)*3 > len(plain) {
				t.Errorf("%s: %d bytes of %d", c.encoding, len(b), len(plain))
			}
			etag := res.Header.Get("ETag")
			if prev, ok := etags[c.encoding]; ok && prev != etag {
				t.Errorf("%s: ETag %s, then %s", c.encoding, prev, etag)
			}
			etags[c.encoding] = etag
			if again, _ := get(c.accept, etag); again.StatusCode != http.StatusNotModified {
				t.Errorf("%s: revalidated with its ETag: %d", c.encoding, again.StatusCode)
			}
		}
	}
	if etags["br"] == etags["gzip"] || etags["br"] == etags[""] || etags["gzip"] == etags[""] {
		t.Errorf("one ETag for two encodings: %v", etags)
	}
	// A gzip ETag does not revalidate the plain page.
	if res, _ := get("", etags["gzip"]); res.StatusCode != 200 {
		t.Errorf("plain page revalidated with the gzip ETag: %d", res.StatusCode)
	}
}
