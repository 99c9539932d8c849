package main

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/dbconn/dbtest"
	"gongkai/inspect"
)

// scaleServer opens the generated database named by BENCH_DATA_DIR (SQLite)
// or BENCH_DB_DSN (MySQL): `server generate --size county|province` makes
// one. Benchmarks only; the tests never need it.
func scaleServer(b *testing.B) *server {
	b.Helper()
	cfg := Config{Addr: "127.0.0.1:0", DataDir: os.Getenv("BENCH_DATA_DIR"), Driver: "sqlite", DemoSet: true, MaxUpload: 1 << 20,
		RectifyWorkdays: 5, AuditRetentionDays: 190, KioskIdle: 120, KioskCountdown: 30}
	if dsn := os.Getenv("BENCH_DB_DSN"); dsn != "" {
		// The secret key sealing the requests' numbers is in the folder
		// the generator ran with (BENCH_DATA_DIR); without one, a folder
		// of the benchmark's own, not the package's source folder.
		cfg.Driver, cfg.DSN = "mysql", dsn
		if cfg.DataDir == "" {
			cfg.DataDir = b.TempDir()
		}
	} else if cfg.DataDir == "" {
		b.Skip("set BENCH_DATA_DIR (or BENCH_DB_DSN) to a database made by `server generate`")
	} else {
		cfg.DSN = cfg.DataDir + "/gongkai.db"
	}
	s, err := open(context.Background(), cfg, quiet)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.close)
	return s
}

// scaleQueries are what residents type: words of the catalogue, pinyin
// whole and by initials, a unit, a policy topic, a single character, a
// word found only in bodies, and one that matches nothing.
var scaleQueries = []string{"财政预决算", "低保", "dibao", "czyjs", "zfxxgk", "政府信息公开", "秸秆禁烧", "fx", "危房改造", "招聘",
	"三公经费", "xiangcunzhenxing", "补贴", "庙首镇", "森林防火工作方案", "镇", "如有疑问", "jiuye", "年度报告", "无此内容查询"}

// BenchmarkSearchAtScale builds the kiosk's search index from a generated
// database (reporting its build time and heap) and runs the resident
// queries in rotation, reporting the latency percentiles.
func BenchmarkSearchAtScale(b *testing.B) {
	s := scaleServer(b)
	ctx := b.Context()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix, _, err := s.search.Current(ctx)
	if err != nil {
		b.Fatal(err)
	}
	build := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	var ds []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t := time.Now()
		ix.Search(scaleQueries[i%len(scaleQueries)])
		ds = append(ds, time.Since(t))
	}
	b.StopTimer()
	reportPercentiles(b, ds)
	b.ReportMetric(float64(slices.Max(ds).Microseconds())/1000, "max-ms")
	b.ReportMetric(build.Seconds(), "build-s")
	b.ReportMetric(float64(after.HeapInuse-min(before.HeapInuse, after.HeapInuse))/(1<<20), "index-MB")
	b.ReportMetric(float64(ix.Len()), "docs")
	st := ix.Stats()
	b.Logf("%+v", st)
}

// BenchmarkInspectAtScale computes the inspection of 2026 Q3 on a generated
// database: every unit's publications of the quarter and the one before.
func BenchmarkInspectAtScale(b *testing.B) {
	s := scaleServer(b)
	q := inspect.Quarter{Year: 2026, N: 3}
	for b.Loop() {
		if _, err := s.inspect.Compute(b.Context(), q, q.End()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectFirstAtScale is the first report after a start: the
// search index built (as the server builds it at start), then the
// quarter's report through the API, as the inspector's screen asks for it.
// Run it with -benchtime 1x: later rounds find the report kept.
func BenchmarkInspectFirstAtScale(b *testing.B) {
	s := scaleServer(b)
	if _, _, err := s.search.Current(b.Context()); err != nil {
		b.Fatal(err)
	}
	s.demoPasswordsExpire = false // the generated county keeps the demo's accounts
	ts := &testServer{t: b, s: s, app: s.newApp(), cfg: s.cfg}
	c := ts.login("admin")
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		if r := c.do("GET", "/api/v1/inspections/2026Q3", nil); r.status != 200 {
			b.Fatalf("report: %d %s", r.status, r.body)
		}
	}
}

// BenchmarkDashboardAtScale is the county office's 工作台 on a generated
// county, as its staff reload it.
func BenchmarkDashboardAtScale(b *testing.B) {
	s := scaleServer(b)
	s.demoPasswordsExpire = false // the generated county keeps the demo's accounts
	ts := &testServer{t: b, s: s, app: s.newApp(), cfg: s.cfg}
	c := ts.login("admin")
	b.ResetTimer()
	for b.Loop() {
		if r := c.do("GET", "/admin/", nil); r.status != 200 {
			b.Fatalf("dashboard: %d %s", r.status, r.body)
		}
	}
}

// BenchmarkSearchUpdateAtScale measures what one change costs the search
// index of a generated database: a publication is changed (its updated_at
// moved, as an approval or a revision moves it) and the next search's
// index is made — the changes since the full build read, the delta of
// those documents built, the full index's view leaving them out. The
// changes rotate over 200 publications, so the delta holds up to 200.
func BenchmarkSearchUpdateAtScale(b *testing.B) {
	s := scaleServer(b)
	ctx := b.Context()
	if _, _, err := s.search.Current(ctx); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	if err := s.db.Raw("SELECT id FROM publications WHERE status = 'published' ORDER BY id DESC LIMIT 200").Scan(&ids).Error; err != nil || len(ids) == 0 {
		b.Fatalf("publications: %v", err)
	}
	var ds []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.db.Exec("UPDATE publications SET updated_at = ? WHERE id = ?", time.Now().UTC(), ids[i%len(ids)]).Error; err != nil {
			b.Fatal(err)
		}
		s.gen.bump()
		t := time.Now()
		if _, _, err := s.search.Current(ctx); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	b.StopTimer()
	reportPercentiles(b, ds)
}

// reportPercentiles reports the median and the 95th percentile of ds, in ms.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(ds[len(ds)/2]), "p50-ms")
	b.ReportMetric(ms(ds[len(ds)*95/100]), "p95-ms")
}

// BenchmarkGaleraAtScale generates the county on a three-node MariaDB
// Galera cluster on loopback ports and measures there what the other
// benchmarks measure on one database: the generation, the inspection of
// 2026 Q3 (three times), the search index's build and resident queries,
// and the county office's 工作台 (100 loads). The server reads through
// the first node, failing over to the others. TEST_GALERA=1, -benchtime
// 1x; about three minutes (BENCH_SIZE=province: the province instead).
func BenchmarkGaleraAtScale(b *testing.B) {
	if os.Getenv("TEST_GALERA") == "" {
		b.Skip("TEST_GALERA=1 runs it: it starts a three-node MariaDB Galera cluster")
	}
	g := dbtest.StartGalera(b, 3)
	g.Exec(0, "CREATE DATABASE gk_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	dsn := g.DSN("gk_bench", 0, 1, 2)
	start := time.Now()
	dir := b.TempDir()
	env := []string{"GONGKAI_DATA_DIR=" + dir, "GONGKAI_DB_DRIVER=mysql", "GONGKAI_DB_DSN=" + dsn}
	size := "county"
	if os.Getenv("BENCH_SIZE") == "province" {
		size = "province"
	}
	if o, e, code := runBinary(b, env, "generate", "--size", size); code != 0 {
		b.Fatalf("generate: exit %d\n%s%s", code, o, e)
	} else {
		b.Log(strings.TrimSpace(o))
	}
	generated := time.Since(start)
	b.Setenv("BENCH_DB_DSN", dsn)
	b.Setenv("BENCH_DATA_DIR", dir) // its secret key
	s := scaleServer(b)
	ctx := b.Context()
	b.ResetTimer()
	for b.Loop() {
		q := inspect.Quarter{Year: 2026, N: 3}
		var inspections []time.Duration
		for range 3 {
			t := time.Now()
			if _, err := s.inspect.Compute(ctx, q, q.End()); err != nil {
				b.Fatal(err)
			}
			inspections = append(inspections, time.Since(t))
		}
		t := time.Now()
		ix, _, err := s.search.Current(ctx)
		if err != nil {
			b.Fatal(err)
		}
		build := time.Since(t)
		var ds []time.Duration
		for i := range 400 {
			t := time.Now()
			ix.Search(scaleQueries[i%len(scaleQueries)])
			ds = append(ds, time.Since(t))
		}
		s.demoPasswordsExpire = false // the generated county keeps the demo's accounts
		ts := &testServer{t: b, s: s, app: s.newApp(), cfg: s.cfg}
		c := ts.login("admin")
		t = time.Now()
		for range 100 {
			if r := c.do("GET", "/admin/", nil); r.status != 200 {
				b.Fatalf("dashboard: %d %s", r.status, r.body)
			}
		}
		b.ReportMetric(float64(time.Since(t).Microseconds())/100/1000, "dashboard-ms")
		b.ReportMetric(generated.Seconds(), "generate-s")
		b.ReportMetric(slices.Min(inspections).Seconds(), "inspect-min-s")
		b.ReportMetric(slices.Max(inspections).Seconds(), "inspect-max-s")
		b.ReportMetric(build.Seconds(), "index-build-s")
		reportPercentiles(b, ds)
	}
}
