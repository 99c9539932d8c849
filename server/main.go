package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"gongkai/catalog"
	"gongkai/seed"
)

// newApp builds the Fiber application on an opened server.
func (s *server) newApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "gongkai",
		ErrorHandler:          s.errorHandler,
		BodyLimit:             int(s.cfg.MaxUpload) + 1<<20,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	})
	app.Use(recover.New())
	s.routes(app)
	return app
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(log)
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		fatal(err.Error())
	}
	if len(os.Args) > 1 {
		os.Exit(command(cfg, log, os.Args[1:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	s, err := open(ctx, cfg, log)
	if err != nil {
		fatal(err.Error())
	}
	defer s.close()
	// Other instances may change policies or the calendar: pick them up.
	s.authz.AutoReload(30 * time.Second)
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

	app := s.newApp()
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.Addr) }()
	log.Info("gongkai listening", "url", "http://"+cfg.Addr, "driver", cfg.Driver, "data", cfg.DataDir)
	s.warnDemoAccounts(ctx)

	select {
	case err := <-errc:
		if err != nil {
			fatal(fmt.Sprintf("GONGKAI_ADDR=%s: %v", cfg.Addr, err))
		}
	case <-ctx.Done():
		log.Info("shutting down")
		if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
			log.Warn("shutdown", "err", err)
		}
		if err := s.flushCounts(context.Background()); err != nil {
			log.Warn("kiosk counts", "err", err)
		}
	}
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
func (s *server) warnDemoAccounts(ctx context.Context) {
	u, err := s.accounts.FindUserByName(ctx, "admin")
	if err != nil || !u.Demo {
		return
	}
	names := seed.DemoUsernames()
	fmt.Fprintf(os.Stderr, "\n警告 WARNING: demo accounts are active (password %s) — for trying the system only; never on a real deployment.\n", seed.DemoPassword)
	fmt.Fprintf(os.Stderr, "  %s\n  %s\n  … %d more: <unit code>-clerk and <unit code>-leader for every unit\n\n",
		strings.Join(names[:2], ", "), strings.Join(names[2:8], ", "), len(names)-8)
}

// command runs a one-off command instead of serving: `audit verify` checks
// the audit log's hash chain; `audit purge` deletes entries older than
// GONGKAI_AUDIT_RETENTION_DAYS.
func command(cfg Config, log *slog.Logger, args []string) int {
	known := len(args) == 2 && ((args[0] == "audit" && (args[1] == "verify" || args[1] == "purge")) || (args[0] == "requests" && args[1] == "reseal"))
	if !known {
		fmt.Fprintln(os.Stderr, "usage: server [audit verify | audit purge | requests reseal]   (no arguments: serve)")
		return 2
	}
	cfg.Demo, cfg.DemoSet = false, true
	ctx := context.Background()
	s, err := open(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gongkai:", err)
		return 2
	}
	defer s.close()
	if args[0] == "requests" {
		// After a key rotation (GONGKAI_SECRET_KEY new, GONGKAI_SECRET_KEY_OLD
		// the previous one): seal every requester's numbers with the new key.
		n, err := s.requests.Reseal(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gongkai:", err)
			return 1
		}
		fmt.Printf("已用新密钥重新加密%d件申请的个人信息\n", n)
		return 0
	}
	if args[1] == "purge" {
		n, err := s.catalog.PurgeAudit(ctx, cfg.AuditRetentionDays, time.Now(), catalog.Actor{Username: "system"})
		if err != nil {
			fmt.Fprintln(os.Stderr, "gongkai:", err)
			return 1
		}
		fmt.Printf("已删除%d条超过%d天的审计记录\n", n, cfg.AuditRetentionDays)
		return 0
	}
	n, err := s.catalog.VerifyAudit(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "审计链校验失败（已校验%d条）：%v\n", n, err)
		return 1
	}
	fmt.Printf("审计链完整：%d条记录\n", n)
	return 0
}
