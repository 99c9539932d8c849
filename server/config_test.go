package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.Driver != "sqlite" || c.DSN != "data/gongkai.db" || c.DemoSet || c.MaxUpload != 20<<20 ||
		c.PublicURL != "" || c.KioskIdle != 120 || c.KioskCountdown != 30 {
		t.Errorf("defaults %+v", c)
	}
}

func TestConfigRejectsBadValuesNamingTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		name string
	}{
		{map[string]string{"GONGKAI_ADDR": "8080"}, "GONGKAI_ADDR"},
		{map[string]string{"GONGKAI_ADDR": "127.0.0.1:http"}, "GONGKAI_ADDR"},
		{map[string]string{"GONGKAI_ADDR": "example.org:80"}, "GONGKAI_ADDR"},
		{map[string]string{"GONGKAI_DB_DRIVER": "postgres"}, "GONGKAI_DB_DRIVER"},
		{map[string]string{"GONGKAI_DB_DRIVER": "mysql"}, "GONGKAI_DB_DSN"},
		{map[string]string{"GONGKAI_DB_DRIVER": "mysql", "GONGKAI_DB_DSN": "root@tcp(127.0.0.1:3306)"}, "GONGKAI_DB_DSN"},
		{map[string]string{"GONGKAI_DEMO": "maybe"}, "GONGKAI_DEMO"},
		{map[string]string{"GONGKAI_MAX_UPLOAD_MB": "0"}, "GONGKAI_MAX_UPLOAD_MB"},
		{map[string]string{"GONGKAI_RECTIFY_WORKDAYS": "0"}, "GONGKAI_RECTIFY_WORKDAYS"},
		{map[string]string{"GONGKAI_AUDIT_RETENTION_DAYS": "90"}, "GONGKAI_AUDIT_RETENTION_DAYS"},
		{map[string]string{"GONGKAI_PUBLIC_URL": "10.1.2.3:8080"}, "GONGKAI_PUBLIC_URL"},
		{map[string]string{"GONGKAI_PUBLIC_URL": "ftp://10.1.2.3/"}, "GONGKAI_PUBLIC_URL"},
		{map[string]string{"GONGKAI_KIOSK_IDLE_SECONDS": "5"}, "GONGKAI_KIOSK_IDLE_SECONDS"},
		{map[string]string{"GONGKAI_KIOSK_COUNTDOWN_SECONDS": "soon"}, "GONGKAI_KIOSK_COUNTDOWN_SECONDS"},
		{map[string]string{"GONGKAI_METRICS_ADDR": "9464"}, "GONGKAI_METRICS_ADDR"},
		{map[string]string{"GONGKAI_METRICS_ADDR": "127.0.0.1:8080"}, "GONGKAI_METRICS_ADDR"},
		{map[string]string{"GONGKAI_LOG_LEVEL": "chatty"}, "GONGKAI_LOG_LEVEL"},
		{map[string]string{"GONGKAI_SHUTDOWN_SECONDS": "0"}, "GONGKAI_SHUTDOWN_SECONDS"},
		{map[string]string{"GONGKAI_TRUSTED_PROXIES": "127.0.0.1, nginx"}, "GONGKAI_TRUSTED_PROXIES"},
		{map[string]string{"GONGKAI_MEMORY_LIMIT_MB": "10"}, "GONGKAI_MEMORY_LIMIT_MB"},
		{map[string]string{"GONGKAI_MEMORY_LIMIT_MB": "lots"}, "GONGKAI_MEMORY_LIMIT_MB"},
		{map[string]string{"GONGKAI_SMTP_ADDR": "mail.example.gov.cn:587"}, "GONGKAI_SMTP_FROM"},
		{map[string]string{"GONGKAI_SMTP_ADDR": "mail.example.gov.cn", "GONGKAI_SMTP_FROM": "a@example.gov.cn"}, "GONGKAI_SMTP_ADDR"},
		{map[string]string{"GONGKAI_SMTP_ADDR": "mail.example.gov.cn:25", "GONGKAI_SMTP_FROM": "a@example.gov.cn", "GONGKAI_SMTP_TLS": "ssl"}, "GONGKAI_SMTP_ADDR"},
		{map[string]string{"GONGKAI_SMTP_ADDR": "mail.example.gov.cn:25", "GONGKAI_SMTP_FROM": "a@example.gov.cn", "GONGKAI_SMTP_TLS": "none", "GONGKAI_SMTP_USER": "a"}, "GONGKAI_SMTP_ADDR"},
		{map[string]string{"GONGKAI_DIGEST_HOUR": "24"}, "GONGKAI_DIGEST_HOUR"},
		{map[string]string{"GONGKAI_DB_MAX_CONNS": "0"}, "GONGKAI_DB_MAX_CONNS"},
	} {
		_, err := loadConfig(env(tc.env))
		if err == nil || !strings.HasPrefix(err.Error(), tc.name) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: err = %v, want one line starting with %s", tc.env, err, tc.name)
		}
	}
}

func TestConfigMySQLAndDemo(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"GONGKAI_DB_DRIVER": "MySQL", "GONGKAI_DB_DSN": "u:p@tcp(db:3306)/gongkai", "GONGKAI_DEMO": "on", "GONGKAI_ADDR": "0.0.0.0:9000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Driver != "mysql" || !c.Demo || !c.DemoSet || newEmbeddedDB(c) {
		t.Errorf("%+v", c)
	}
	// Demo defaults on only for a new embedded file.
	c, _ = loadConfig(env(map[string]string{"GONGKAI_DATA_DIR": t.TempDir()}))
	if !newEmbeddedDB(c) {
		t.Error("a missing SQLite file is not seen as new")
	}
}

// The automatic memory limit keeps a county's server under 300 MB: at
// least 208 MB for Go, which leaves room for SQLite's pages and the
// program outside it, and 1.5 times a larger index's heap.
func TestAutoMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "") // set, it wins over the automatic limit
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	s := &server{cfg: Config{MemoryLimitMB: -1}, log: quiet}
	for _, c := range []struct{ heap, want int64 }{
		{100 << 20, 208 << 20}, // a county's index: the floor
		{600 << 20, 900 << 20}, // a province's: 1.5 times
	} {
		s.setMemoryLimit(uint64(c.heap), heapFactor)
		if got := debug.SetMemoryLimit(-1); got != c.want {
			t.Errorf("heap %d MB: limit %d MB, want %d", c.heap>>20, got>>20, c.want>>20)
		}
	}
	s.setMemoryLimit(600<<20, buildHeapFactor) // the first build: 1.4 times
	if got := debug.SetMemoryLimit(-1); got != 840<<20 {
		t.Errorf("heap 600 MB while building: limit %d MB, want 840", got>>20)
	}
	s.cfg.MemoryLimitMB = 300
	s.setMemoryLimit(600<<20, heapFactor)
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("GONGKAI_MEMORY_LIMIT_MB=300: limit %d MB", got>>20)
	}
}
