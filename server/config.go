package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gongkai/dbconn"
	"gongkai/notify/smtpmail"
	"gongkai/secret"
	"gongkai/web"
)

// Config is read from the environment; every variable is in the README.
type Config struct {
	Addr    string // GONGKAI_ADDR
	DataDir string // GONGKAI_DATA_DIR
	Driver  string // GONGKAI_DB_DRIVER
	DSN     string // GONGKAI_DB_DSN
	// DBMaxConns is GONGKAI_DB_MAX_CONNS: the database pool's size (0:
	// the driver's default).
	DBMaxConns int
	// Demo is GONGKAI_DEMO; DemoSet tells whether it was given, since the
	// default depends on whether the embedded database is new.
	Demo      bool
	DemoSet   bool
	MaxUpload int64 // GONGKAI_MAX_UPLOAD_MB, in bytes
	// RectifyWorkdays is GONGKAI_RECTIFY_WORKDAYS: how many working days a
	// unit has to rectify a publication the county took down.
	RectifyWorkdays int
	// AuditRetentionDays is GONGKAI_AUDIT_RETENTION_DAYS: how long audit
	// entries are kept before `server audit purge` may delete them.
	AuditRetentionDays int
	// ApplicationsPerHour is GONGKAI_APPLICATIONS_PER_HOUR: disclosure
	// applications accepted an hour from one address (a registered kiosk
	// screen: twelve times as many); 0 means the default, 5.
	ApplicationsPerHour int
	// PublicURL is GONGKAI_PUBLIC_URL: the address residents' phones reach
	// the server at, for the kiosk's QR codes.
	PublicURL string
	// KioskIdle and KioskCountdown are GONGKAI_KIOSK_IDLE_SECONDS and
	// GONGKAI_KIOSK_COUNTDOWN_SECONDS: a kiosk left untouched that long
	// counts down that long, then returns home and forgets the visit.
	KioskIdle, KioskCountdown int
	// SecretKey seals requesters' ID and phone numbers: GONGKAI_SECRET_KEY,
	// or the key file in the data directory; SecretKeyOld is
	// GONGKAI_SECRET_KEY_OLD, the previous key during a rotation.
	SecretKey, SecretKeyOld []byte
	// MetricsAddr is GONGKAI_METRICS_ADDR: where Prometheus scrapes
	// /metrics; empty: no metrics listener.
	MetricsAddr string
	// LogLevel is GONGKAI_LOG_LEVEL: debug, info (one line per request),
	// warn or error.
	LogLevel slog.Level
	// ShutdownTimeout is GONGKAI_SHUTDOWN_SECONDS: how long requests in
	// flight may take to finish after SIGTERM.
	ShutdownTimeout time.Duration
	// TrustedProxies is GONGKAI_TRUSTED_PROXIES: addresses (or CIDR
	// ranges) of the reverse proxies whose X-Real-IP header names the
	// client, for the sign-in throttle and the audit log.
	TrustedProxies []string
	// MemoryLimitMB is GONGKAI_MEMORY_LIMIT_MB: the Go runtime's soft
	// memory limit; -1 (auto, the default) starts at 208 MB and follows the
	// search index's size; 0 sets none. GOMEMLIMIT, when set, wins.
	MemoryLimitMB int
	// SMTP is the mail server the daily digest goes through
	// (GONGKAI_SMTP_*); its Addr is empty when none is configured.
	SMTP smtpmail.Mailer
	// DigestHour is GONGKAI_DIGEST_HOUR: from which hour of a working day
	// the digest goes out.
	DigestHour int
}

// envVars documents each variable once, for the README and the tests.
var envVars = []struct{ Name, Default, Meaning string }{
	{"GONGKAI_ADDR", "127.0.0.1:8080", "address and port to listen on"},
	{"GONGKAI_DATA_DIR", "./data", "embedded database, attachments"},
	{"GONGKAI_DB_DRIVER", "sqlite", "sqlite or mysql"},
	{"GONGKAI_DB_DSN", "(data dir)/gongkai.db", "SQLite file, or MySQL DSN user:pass@tcp(host:3306)/db"},
	{"GONGKAI_DB_MAX_CONNS", "4 (SQLite), 32 (MySQL)", "connections the database pool opens at most, 1–1000"},
	{"GONGKAI_DEMO", "on for a new embedded database, else off", "load Jingde's demo data and accounts"},
	{"GONGKAI_MAX_UPLOAD_MB", "20", "largest attachment accepted"},
	{"GONGKAI_RECTIFY_WORKDAYS", "5", "working days a unit has to rectify a publication taken down"},
	{"GONGKAI_AUDIT_RETENTION_DAYS", "190", "days audit entries are kept (at least 184)"},
	{"GONGKAI_APPLICATIONS_PER_HOUR", "5", "disclosure applications accepted an hour from one address; a registered kiosk screen gets twelve times as many"},
	{"GONGKAI_PUBLIC_URL", "(the address the kiosk used)", "address phones reach the server at, for the kiosk's QR codes, e.g. http://10.1.2.3:8080"},
	{"GONGKAI_KIOSK_IDLE_SECONDS", "120", "seconds without a touch before a kiosk counts down to its home page"},
	{"GONGKAI_KIOSK_COUNTDOWN_SECONDS", "30", "length of that countdown"},
	{"GONGKAI_SECRET_KEY", "(data dir)/secret.key, made on first start", "32 bytes in base64 (openssl rand -base64 32) sealing requesters' ID and phone numbers"},
	{"GONGKAI_SECRET_KEY_OLD", "", "the previous key while rotating; then run `server requests reseal`"},
	{"GONGKAI_METRICS_ADDR", "(none: no metrics listener)", "address for Prometheus to scrape /metrics, e.g. 127.0.0.1:9464; keep it off the public network"},
	{"GONGKAI_LOG_LEVEL", "info", "debug, info (a JSON line per request), warn or error"},
	{"GONGKAI_SHUTDOWN_SECONDS", "15", "on SIGTERM, how long requests in flight may take to finish"},
	{"GONGKAI_TRUSTED_PROXIES", "(none)", "comma-separated addresses or CIDR ranges of reverse proxies (nginx) whose X-Real-IP header is believed"},
	{"GONGKAI_SMTP_ADDR", "(none: no e-mail)", "mail server for the daily digest of each person's notices, host:port, e.g. mail.example.gov.cn:587"},
	{"GONGKAI_SMTP_FROM", "(required with GONGKAI_SMTP_ADDR)", "sender address of the digest, e.g. gongkai@example.gov.cn"},
	{"GONGKAI_SMTP_USER", "(none)", "login at the mail server, when it asks for one"},
	{"GONGKAI_SMTP_PASSWORD", "(none)", "its password; sent only over TLS"},
	{"GONGKAI_SMTP_TLS", "auto", "auto (TLS on port 465, else STARTTLS), starttls, tls, or none for a relay without TLS on the same host or LAN"},
	{"GONGKAI_DIGEST_HOUR", "8", "hour (0–23, Beijing time) from which each working day's digest is sent"},
	{"GONGKAI_MEMORY_LIMIT_MB", "auto", "soft memory limit for the Go runtime in MB: auto (1.4 times the heap the search index is expected to leave, then 1.5 times what it left, at least 208), a number, or 0 for none; GOMEMLIMIT wins"},
}

// loadConfig reads the configuration; a bad value is an error naming the
// variable, in one line.
func loadConfig(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:    get("GONGKAI_ADDR", "127.0.0.1:8080"),
		DataDir: get("GONGKAI_DATA_DIR", "./data"),
		Driver:  strings.ToLower(get("GONGKAI_DB_DRIVER", dbconn.SQLite)),
		DSN:     get("GONGKAI_DB_DSN", ""),
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return c, fmt.Errorf("GONGKAI_ADDR=%q: want host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return c, fmt.Errorf("GONGKAI_ADDR=%q: port must be a number from 0 to 65535", c.Addr)
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		return c, fmt.Errorf("GONGKAI_ADDR=%q: host must be an IP address or localhost", c.Addr)
	}
	switch c.Driver {
	case dbconn.SQLite:
		if c.DSN == "" {
			c.DSN = dbconn.SQLiteDSN(c.DataDir)
		}
	case dbconn.MySQL:
		if c.DSN == "" {
			return c, fmt.Errorf("GONGKAI_DB_DSN: required when GONGKAI_DB_DRIVER=mysql, e.g. gongkai:secret@tcp(127.0.0.1:3306)/gongkai")
		}
		if !strings.Contains(c.DSN, "/") {
			return c, fmt.Errorf("GONGKAI_DB_DSN: a MySQL DSN names the database after a slash, e.g. user:pass@tcp(host:3306)/gongkai")
		}
	default:
		return c, fmt.Errorf("GONGKAI_DB_DRIVER=%q: want sqlite or mysql", c.Driver)
	}
	if v := get("GONGKAI_DB_MAX_CONNS", ""); v != "" {
		if c.DBMaxConns, err = strconv.Atoi(v); err != nil || c.DBMaxConns < 1 || c.DBMaxConns > 1000 {
			return c, fmt.Errorf("GONGKAI_DB_MAX_CONNS=%q: want a whole number of connections from 1 to 1000", v)
		}
	}
	if v := getenv("GONGKAI_DEMO"); strings.TrimSpace(v) != "" {
		b, ok := web.ParseBool(v)
		if !ok {
			return c, fmt.Errorf("GONGKAI_DEMO=%q: want on or off (1/0, true/false, yes/no)", v)
		}
		c.Demo, c.DemoSet = b, true
	}
	mb := get("GONGKAI_MAX_UPLOAD_MB", "20")
	n, err := strconv.Atoi(mb)
	if err != nil || n < 1 || n > 1024 {
		return c, fmt.Errorf("GONGKAI_MAX_UPLOAD_MB=%q: want a whole number of megabytes from 1 to 1024", mb)
	}
	c.MaxUpload = int64(n) << 20
	rd := get("GONGKAI_RECTIFY_WORKDAYS", "5")
	if c.RectifyWorkdays, err = strconv.Atoi(rd); err != nil || c.RectifyWorkdays < 1 || c.RectifyWorkdays > 60 {
		return c, fmt.Errorf("GONGKAI_RECTIFY_WORKDAYS=%q: want a whole number of working days from 1 to 60", rd)
	}
	aph := get("GONGKAI_APPLICATIONS_PER_HOUR", "5")
	if c.ApplicationsPerHour, err = strconv.Atoi(aph); err != nil || c.ApplicationsPerHour < 1 || c.ApplicationsPerHour > 100000 {
		return c, fmt.Errorf("GONGKAI_APPLICATIONS_PER_HOUR=%q: want a whole number from 1 to 100000", aph)
	}
	ar := get("GONGKAI_AUDIT_RETENTION_DAYS", "190")
	if c.AuditRetentionDays, err = strconv.Atoi(ar); err != nil || c.AuditRetentionDays < 184 || c.AuditRetentionDays > 36500 {
		return c, fmt.Errorf("GONGKAI_AUDIT_RETENTION_DAYS=%q: want a whole number of days, at least 184", ar)
	}
	c.PublicURL = strings.TrimRight(get("GONGKAI_PUBLIC_URL", ""), "/")
	if u, err := url.Parse(c.PublicURL); c.PublicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "") {
		return c, fmt.Errorf("GONGKAI_PUBLIC_URL=%q: want an http or https address such as http://10.1.2.3:8080", c.PublicURL)
	}
	ki := get("GONGKAI_KIOSK_IDLE_SECONDS", "120")
	if c.KioskIdle, err = strconv.Atoi(ki); err != nil || c.KioskIdle < 10 || c.KioskIdle > 3600 {
		return c, fmt.Errorf("GONGKAI_KIOSK_IDLE_SECONDS=%q: want a whole number of seconds from 10 to 3600", ki)
	}
	kc := get("GONGKAI_KIOSK_COUNTDOWN_SECONDS", "30")
	if c.KioskCountdown, err = strconv.Atoi(kc); err != nil || c.KioskCountdown < 5 || c.KioskCountdown > 120 {
		return c, fmt.Errorf("GONGKAI_KIOSK_COUNTDOWN_SECONDS=%q: want a whole number of seconds from 5 to 120", kc)
	}
	if c.MetricsAddr = get("GONGKAI_METRICS_ADDR", ""); c.MetricsAddr != "" {
		if _, p, err := net.SplitHostPort(c.MetricsAddr); err != nil || p == "" {
			return c, fmt.Errorf("GONGKAI_METRICS_ADDR=%q: want host:port, e.g. 127.0.0.1:9464", c.MetricsAddr)
		}
		if c.MetricsAddr == c.Addr {
			return c, fmt.Errorf("GONGKAI_METRICS_ADDR=%q: must differ from GONGKAI_ADDR", c.MetricsAddr)
		}
	}
	ll := get("GONGKAI_LOG_LEVEL", "info")
	if err := c.LogLevel.UnmarshalText([]byte(ll)); err != nil {
		return c, fmt.Errorf("GONGKAI_LOG_LEVEL=%q: want debug, info, warn or error", ll)
	}
	sd := get("GONGKAI_SHUTDOWN_SECONDS", "15")
	if n, err := strconv.Atoi(sd); err != nil || n < 1 || n > 600 {
		return c, fmt.Errorf("GONGKAI_SHUTDOWN_SECONDS=%q: want a whole number of seconds from 1 to 600", sd)
	} else {
		c.ShutdownTimeout = time.Duration(n) * time.Second
	}
	switch ml := get("GONGKAI_MEMORY_LIMIT_MB", "auto"); ml {
	case "auto":
		c.MemoryLimitMB = -1
	default:
		if c.MemoryLimitMB, err = strconv.Atoi(ml); err != nil || c.MemoryLimitMB < 0 || (c.MemoryLimitMB > 0 && c.MemoryLimitMB < 64) {
			return c, fmt.Errorf("GONGKAI_MEMORY_LIMIT_MB=%q: want auto, 0 (none) or a number of megabytes of at least 64", ml)
		}
	}
	if c.SMTP.Addr = get("GONGKAI_SMTP_ADDR", ""); c.SMTP.Addr != "" {
		c.SMTP.From, c.SMTP.Username, c.SMTP.Password = get("GONGKAI_SMTP_FROM", ""), get("GONGKAI_SMTP_USER", ""), getenv("GONGKAI_SMTP_PASSWORD")
		c.SMTP.TLS = strings.ToLower(get("GONGKAI_SMTP_TLS", smtpmail.TLSAuto))
		if c.SMTP.From == "" {
			return c, fmt.Errorf("GONGKAI_SMTP_FROM: required with GONGKAI_SMTP_ADDR, e.g. gongkai@example.gov.cn")
		}
		if err := c.SMTP.Validate(); err != nil {
			return c, fmt.Errorf("GONGKAI_SMTP_ADDR=%q: %v", c.SMTP.Addr, err)
		}
	}
	dh := get("GONGKAI_DIGEST_HOUR", "8")
	if c.DigestHour, err = strconv.Atoi(dh); err != nil || c.DigestHour < 0 || c.DigestHour > 23 {
		return c, fmt.Errorf("GONGKAI_DIGEST_HOUR=%q: want an hour from 0 to 23", dh)
	}
	for _, p := range strings.Split(get("GONGKAI_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return c, fmt.Errorf("GONGKAI_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	for _, v := range []struct {
		name string
		key  *[]byte
	}{{"GONGKAI_SECRET_KEY", &c.SecretKey}, {"GONGKAI_SECRET_KEY_OLD", &c.SecretKeyOld}} {
		if s := get(v.name, ""); s != "" {
			k, err := secret.ParseKey(s)
			if err != nil {
				return c, fmt.Errorf("%s: %v", v.name, err)
			}
			*v.key = k
		}
	}
	return c, nil
}

// newEmbeddedDB tells whether the SQLite file does not exist yet.
func newEmbeddedDB(c Config) bool {
	if c.Driver != dbconn.SQLite {
		return false
	}
	_, err := os.Stat(c.DSN)
	return os.IsNotExist(err)
}

func (c Config) attachmentDir() string { return filepath.Join(c.DataDir, "attachments") }
