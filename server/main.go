package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"gongkai/seed"
	"gongkai/web"
)

// newApp builds the Fiber application on an opened server.
func (s *server) newApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "gongkai",
		ErrorHandler:          s.errorHandler,
		BodyLimit:             s.maxBodyLimit(), // and per route: see bodyLimit
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		// Behind nginx, the client's address comes from X-Real-IP, but only
		// when the request comes from a proxy we were told to trust.
		EnableTrustedProxyCheck: len(s.cfg.TrustedProxies) > 0,
		TrustedProxies:          s.cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(s.cfg.TrustedProxies),
	})
	app.Server().HeaderReceived = s.requestConfig
	app.Use(web.Observe(s.log, s.errorHandler, s.observed), recover.New())
	s.routes(app)
	return app
}

// runServe serves until SIGTERM or SIGINT, then lets the requests in
// flight finish (up to GONGKAI_SHUTDOWN_SECONDS) and stores the kiosk's
// counts.
func runServe(_ context.Context, cl *cli, _ *flag.FlagSet, _ []string) int {
	cfg, log := cl.cfg, cl.log
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	s, err := open(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(cl.err, "gongkai:", err)
		return exitFail
	}
	defer s.close()
	s.setMemoryLimit(s.expectedHeap(ctx), buildHeapFactor)
	// The search index is built once, now, not at the first resident's
	// search; after that it follows each change. Then the inspection of
	// the latest finished quarter is computed and kept, for the
	// inspector's first look (it is kept until something it reads changes).
	go func() {
		if _, _, err := s.search.Current(ctx); err != nil {
			log.Warn("search index", "err", err)
		}
		if _, q, err := s.inspect.Quarters(ctx); err != nil {
			log.Warn("inspection quarters", "err", err)
		} else if _, err := s.inspect.Report(ctx, q, time.Time{}); err != nil {
			log.Warn("inspection report", "quarter", q.String(), "err", err)
		}
	}()
	// Other instances may change role grants: seen here within 2 s.
	every(ctx, 2*time.Second, func() {
		if changed, err := s.authz.ReloadIfChanged(ctx); err != nil {
			log.Warn("policy reload", "err", err)
		} else if changed {
			log.Info("policies reloaded: changed by another instance")
		}
	})
	every(ctx, time.Minute, func() {
		if err := s.calStore.LoadInto(ctx, s.calendar); err != nil {
			log.Warn("calendar reload", "err", err)
		}
	})
	// Scheduled publications go public on time, whichever instance sees it.
	every(ctx, 20*time.Second, func() {
		if n, err := s.pubs.ReleaseScheduled(ctx, time.Now()); err != nil {
			log.Warn("scheduled publications", "err", err)
		} else if n > 0 {
			log.Info("scheduled publications released", "n", n)
			s.pollRevisions(ctx) // on the kiosk at once
		}
	})
	// Kiosk pages and search follow other instances' writes within 2 s; the
	// kiosk's use counts are stored every 10 s and at shutdown.
	every(ctx, 2*time.Second, func() {
		if err := s.pollRevisions(ctx); err != nil {
			log.Warn("content revision", "err", err)
		}
	})
	every(ctx, 10*time.Second, func() {
		if err := s.flushCounts(ctx); err != nil {
			log.Warn("kiosk counts", "err", err)
		}
	})

	s.startDigests(ctx)
	// The hotline's 催办 and 督办 of missed deadlines, sent once each.
	every(ctx, 5*time.Minute, func() {
		if n, err := s.stack.Hotline.Sweep(ctx, time.Now()); err != nil {
			log.Warn("hotline sweep", "err", err)
		} else if n > 0 {
			log.Info("hotline reminders sent", "n", n)
		}
	})

	app := s.newApp()
	errc := make(chan error, 2)
	go func() { errc <- app.Listen(cfg.Addr) }()
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		metricsSrv = &http.Server{Addr: cfg.MetricsAddr, Handler: s.metricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := metricsSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("GONGKAI_METRICS_ADDR=%s: %w", cfg.MetricsAddr, err)
			}
		}()
	}
	log.Info("gongkai listening", "url", "http://"+cfg.Addr, "driver", cfg.Driver, "data", cfg.DataDir, "metrics", cfg.MetricsAddr)
	s.warnDemoAccounts(ctx, cl.err)

	select {
	case err := <-errc:
		if err != nil {
			fmt.Fprintf(cl.err, "gongkai: GONGKAI_ADDR=%s: %v\n", cfg.Addr, err)
			return exitFail
		}
	case <-ctx.Done():
		log.Info("shutting down: finishing the requests in flight", "timeout", cfg.ShutdownTimeout.String())
		if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
			log.Warn("shutdown", "err", err)
		}
		if metricsSrv != nil {
			metricsSrv.Close()
		}
		if err := s.flushCounts(context.Background()); err != nil {
			log.Warn("kiosk counts", "err", err)
		}
		log.Info("stopped")
	}
	return exitOK
}

// expectedHeap guesses the heap the search index will leave, from what it
// will hold (about 520 bytes a document, measured at a county's and a
// province's size), so the limit fits before the first build.
func (s *server) expectedHeap(ctx context.Context) uint64 {
	docs, _ := s.catalog.SearchableCount(ctx) // none known: the floor
	return 40<<20 + uint64(docs)*520
}

// autoMemoryFloor is where the automatic soft memory limit starts.
const autoMemoryFloor = 208 << 20

// The automatic limit's multiples of the index's heap: while the first
// build runs, and after each build. At 1.7 times for both, a county's
// server peaked at 290–300 MB, during the first build and again when the
// first report was computed beside the index; at 1.4 and 1.5, near 265 MB,
// the first report as quick.
const (
	buildHeapFactor = 1.4
	heapFactor      = 1.5
)

// setMemoryLimit applies GONGKAI_MEMORY_LIMIT_MB, unless GOMEMLIMIT is set.
// The automatic limit is factor times the heap the search index is
// expected to leave (at start, buildHeapFactor) or left (after each build,
// heapFactor), and at least 208 MB: the garbage collector then keeps a
// county's server under 300 MB — SQLite's pages and the program's own
// code, some 50–60 MB, are outside Go's limit — and a province's near what
// its index needs.
func (s *server) setMemoryLimit(heapInUse uint64, factor float64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	switch {
	case s.cfg.MemoryLimitMB > 0:
		debug.SetMemoryLimit(int64(s.cfg.MemoryLimitMB) << 20)
	case s.cfg.MemoryLimitMB < 0:
		limit := max(int64(autoMemoryFloor), int64(float64(heapInUse)*factor))
		if old := debug.SetMemoryLimit(-1); limit != old {
			debug.SetMemoryLimit(limit)
			s.log.Info("memory limit", "mb", limit>>20)
		}
	}
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return "X-Real-IP"
}

// every runs fn every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn()
			}
		}
	}()
}

// warnDemoAccounts prints the demo accounts when they exist, with a warning.
func (s *server) warnDemoAccounts(ctx context.Context, w io.Writer) {
	u, err := s.accounts.FindUserByName(ctx, "admin")
	if err != nil || !u.Demo {
		return
	}
	names := seed.DemoUsernames()
	fmt.Fprintf(w, "\n警告 WARNING: demo accounts are active (password %s) — for trying the system only; never on a real deployment.\n", seed.DemoPassword)
	fmt.Fprintf(w, "  %s\n  %s\n  … %d more: <unit code>-clerk and <unit code>-leader for every unit\n\n",
		strings.Join(names[:2], ", "), strings.Join(names[2:8], ", "), len(names)-8)
}
