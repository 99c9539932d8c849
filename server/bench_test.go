package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/catalog/sheet"
	"gongkai/inspect"
)

// BenchmarkItemIndex measures GET /api/v1/units/{code}/items in process, on
// the demo data (庙首镇, 58 items).
func BenchmarkItemIndex(b *testing.B) {
	ts := sharedServer(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := ts.app.Test(httptest.NewRequest("GET", "/api/v1/units/miaoshou/items", nil), -1)
		if err != nil || res.StatusCode != 200 {
			b.Fatal(err, res.StatusCode)
		}
		res.Body.Close()
	}
}

// BenchmarkFindItems isolates the store from HTTP and JSON.
func BenchmarkFindItems(b *testing.B) {
	ts := sharedServer(b)
	ctx := b.Context()
	for i := 0; i < b.N; i++ {
		items, err := ts.s.items.FindItems(ctx, catalog.ItemFilter{UnitCode: "miaoshou"})
		if err != nil || len(items) == 0 {
			b.Fatal(err)
		}
	}
}

func BenchmarkItemsJSON(b *testing.B) {
	ts := sharedServer(b)
	items, _ := ts.s.items.FindItems(b.Context(), catalog.ItemFilter{UnitCode: "miaoshou"})
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(items); err != nil {
			b.Fatal(err)
		}
	}
}

// importWorkbook builds a catalogue of n rows over the demo's domains, as a
// county office's sheet would be.
func importWorkbook(b *testing.B, ts *testServer, n int) []byte {
	b.Helper()
	ds, _ := ts.s.units.FindDomains(b.Context())
	items := make([]catalog.Item, n)
	for i := range items {
		d := ds[i%len(ds)]
		items[i] = catalog.Item{Columns: catalog.Columns{DomainCode: d.Code, Level1: fmt.Sprintf("%s事项%d", d.Name, i/50), Level2: fmt.Sprintf("二级事项%05d", i),
			Content: "公开内容：" + strings.Repeat("要素、", 10), Basis: "《中华人民共和国政府信息公开条例》", TimeLimitText: "信息形成或者变更之日起20个工作日内",
			Subject: "旌德县开发区管委会", Channels: []string{"政府网站", "公开查阅点"}, ToPublic: true, Proactive: true, AtCounty: true}}
	}
	var buf bytes.Buffer
	u, _ := ts.s.units.FindUnit(b.Context(), "kaifaqu")
	if err := sheet.ExportXLSX(&buf, *u, ds, items); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportPreview5000 measures the preview of a 5,000-row catalogue
// (upload, parse, compare with the unit's items).
func BenchmarkImportPreview5000(b *testing.B) {
	ts := sharedServer(b)
	data := importWorkbook(b, ts, 5000)
	c := ts.login("kaifaqu-clerk")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := c.upload("/api/v1/units/kaifaqu/catalog/import", "目录.xlsx", data)
		if r.status != 200 {
			b.Fatalf("%d %.200s", r.status, r.body)
		}
	}
}

// BenchmarkImportCommit5000 measures preview and commit of a 5,000-row
// catalogue into a unit (each iteration on a fresh demo database).
func BenchmarkImportCommit5000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ts := newTestServer(b, true)
		data := importWorkbook(b, ts, 5000)
		c := ts.login("kaifaqu-clerk")
		b.StartTimer()
		r := c.upload("/api/v1/units/kaifaqu/catalog/import?commit=1", "目录.xlsx", data)
		if r.status != 200 {
			b.Fatalf("%d %.200s", r.status, r.body)
		}
	}
}

// BenchmarkKioskSearch runs a rotation of resident queries against the
// search index of the demo data, and reports the 95th percentile.
func BenchmarkKioskSearch(b *testing.B) {
	ts := sharedServer(b)
	ix, _, err := ts.s.search.Current(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	queries := []string{"czyjs", "低保", "dibao", "zd", "msz", "财政", "jyjz", "教育"}
	var ds []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		ix.Search(queries[i%len(queries)])
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkKioskUnitPage serves 庙首镇's kiosk page from the page cache
// through the whole middleware chain, without the network.
func BenchmarkKioskUnitPage(b *testing.B) {
	ts := sharedServer(b)
	h := ts.app.Handler()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/kiosk/units/miaoshou")
	ctx.Request.Header.SetMethod("GET")
	ctx.Request.Header.SetHost("127.0.0.1")
	h(&ctx)
	if ctx.Response.StatusCode() != 200 {
		b.Fatalf("status %d", ctx.Response.StatusCode())
	}
	for b.Loop() {
		ctx.Response.Reset()
		h(&ctx)
	}
}

// BenchmarkInspectQuarter computes 2020 Q3 on the demo data: reading the
// year's publications and checking every unit, the quarter before included.
func BenchmarkInspectQuarter(b *testing.B) {
	ts := sharedServer(b)
	q := inspect.Quarter{Year: 2020, N: 3}
	for b.Loop() {
		if _, err := ts.s.inspect.Compute(b.Context(), q, q.End()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectCountySQLite inspects a quarter of a county-size database
// (39 units, 308 items each, BENCH_PUBS publications over five years;
// 200,000 by default; on top of the demo data) read from SQLite: the whole path a report takes.
// Building the data takes a minute or two and is not timed.
func BenchmarkInspectCountySQLite(b *testing.B) {
	n := 200000
	if v := os.Getenv("BENCH_PUBS"); v != "" {
		fmt.Sscan(v, &n)
	}
	ts := newTestServer(b, true) // the demo's units (and its 6,451 publications)
	ctx := b.Context()
	units, _ := ts.s.units.FindUnits(ctx)
	limits := []string{"按月公开", "每季度", "信息形成或者变更之日起20个工作日内", "每年1月31日前", "实时"}
	domains := []string{"shbz", "czzj", "zfwj", "jdbz", "zdjcygk"}
	body := strings.Repeat("根据《中华人民共和国政府信息公开条例》和本单位政务公开标准目录的要求，现将有关情况公开如下。", 7)
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, catalog.Shanghai)
	per := n / len(units)
	for u, unit := range units {
		var seeds []gormstore.SeedItem
		for i := 0; i < 308; i++ {
			it := catalog.Item{UnitCode: unit.Code, Columns: catalog.Columns{DomainCode: domains[i%len(domains)], Level1: "测试", Level2: fmt.Sprintf("事项%d", i),
				Content: "x", TimeLimitText: limits[i%len(limits)]}}
			it.ApplyDefaults(unit)
			seeds = append(seeds, gormstore.SeedItem{Key: fmt.Sprintf("%s/%d", unit.Code, i), Item: it})
		}
		ids, _, err := ts.s.catalog.EnsureItems(ctx, unit.Code, seeds, catalog.Actor{Username: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		var pubs []gormstore.SeedPublication
		for p := 0; p < per; p++ {
			k := (p*7919 + u) % 308
			on := start.AddDate(0, 0, (p*37+u)%(5*365))
			pubs = append(pubs, gormstore.SeedPublication{Key: fmt.Sprintf("%s/p%d", unit.Code, p), Pub: catalog.Publication{
				ItemID: ids[fmt.Sprintf("%s/%d", unit.Code, k)], UnitCode: unit.Code, Publisher: unit.FullName, Title: fmt.Sprintf("%s第%d号公告", unit.Name, p),
				DocNo: "无", GeneratedOn: on, PublishedOn: on, Body: body}})
		}
		if _, err := ts.s.catalog.EnsurePublications(ctx, unit.Code, pubs); err != nil {
			b.Fatal(err)
		}
	}
	q := inspect.Quarter{Year: 2026, N: 2}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ts.s.inspect.Compute(ctx, q, q.End()); err != nil {
			b.Fatal(err)
		}
	}
}
