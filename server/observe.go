package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gongkai/catalog"
	"gongkai/dbconn"
)

// schemaVersion is the database layout this binary expects; `migrate` (and
// every start) brings the database to it and records it, and /readyz is
// ready only when the database says so.
const schemaVersion = 9

// metaRecord holds facts about the database itself (the schema version).
type metaRecord struct {
	Name  string `gorm:"primaryKey;size:40"`
	Value string `gorm:"size:200;not null"`
}

func (metaRecord) TableName() string { return "gongkai_meta" }

// metrics are what Prometheus scrapes: HTTP traffic by route, the database
// pool, the kiosk's page cache and screens, the requests due soon and
// overdue.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	cache    *prometheus.CounterVec
	dbDown   prometheus.Counter
}

func (s *server) newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status code."}, []string{"method", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gongkai_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route pattern.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"method", "route"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_kiosk_page_cache_total",
		Help: "Kiosk pages served from the rendered-page cache (hit) or rendered (miss)."}, []string{"result"})
	m.dbDown = prometheus.NewCounter(prometheus.CounterOpts{Name: "gongkai_database_unavailable_total",
		Help: "Requests answered 503 because the database could not be reached."})
	m.reg.MustRegister(m.requests, m.latency, m.cache, m.dbDown,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sqlDB, err := s.db.DB(); err == nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, s.cfg.Driver))
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongkai_kiosk_active_screens",
		Help: "Kiosk screens of registered service points used within the last 5 minutes (sessions going on)."},
		func() float64 { return float64(s.counter.Active(time.Now(), 5*time.Minute)) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongkai_kiosk_page_views_total",
		Help: "Kiosk page views since the start."}, func() float64 { v, _ := s.counter.Totals(); return float64(v) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongkai_kiosk_searches_total",
		Help: "Kiosk searches since the start."}, func() float64 { _, n := s.counter.Totals(); return float64(n) }))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongkai_kiosk_page_cache_bytes",
		Help: "Bytes of rendered kiosk pages kept (bounded; see kiosk.DefaultCacheBytes)."},
		func() float64 { _, b := s.pages.Size(); return float64(b) }))
	m.reg.MustRegister(dueCollector{s})
	return m
}

// cacheHit counts a kiosk page served from the cache or rendered.
func (m *metrics) cacheHit(hit bool) {
	if hit {
		m.cache.WithLabelValues("hit").Inc()
	} else {
		m.cache.WithLabelValues("miss").Inc()
	}
}

var (
	dueSoonDesc = prometheus.NewDesc("gongkai_requests_due_soon", "Disclosure requests whose clock runs and that are due within 3 working days.", nil, nil)
	overdueDesc = prometheus.NewDesc("gongkai_requests_overdue", "Disclosure requests whose clock runs and whose due date has passed.", nil, nil)
)

// dueCollector counts the requests due soon and overdue at each scrape.
type dueCollector struct{ s *server }

func (d dueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- dueSoonDesc; ch <- overdueDesc }

func (d dueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	dates, err := d.s.requests.OpenDueDates(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(overdueDesc, err)
		return
	}
	y, mo, dd := time.Now().In(catalog.Shanghai).Date()
	today := time.Date(y, mo, dd, 0, 0, 0, 0, catalog.Shanghai)
	soon, err := d.s.calendar.AddWorkdays(today, 3)
	if err != nil {
		soon = today.AddDate(0, 0, 3)
	}
	var nSoon, nOver int
	for _, due := range dates {
		y, m, dd := due.Date()
		due = time.Date(y, m, dd, 0, 0, 0, 0, catalog.Shanghai)
		switch {
		case due.Before(today):
			nOver++
		case !due.After(soon):
			nSoon++
		}
	}
	ch <- prometheus.MustNewConstMetric(dueSoonDesc, prometheus.GaugeValue, float64(nSoon))
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(nOver))
}

// metricsHandler serves /metrics on the separate metrics address.
func (s *server) metricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}

const requestIDKey = "request_id"

// requestID is the request's id: the caller's X-Request-ID when it is a
// plain token, else a new random one.
func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(requestIDKey).(string); ok {
		return id
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// observe gives each request an id (X-Request-ID, echoed), logs one JSON
// line for it and counts it for the metrics. The line holds the method, the
// route, the path without its query, the status and the time taken: never
// a query string, a body or an address, so no personal data.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get("X-Request-ID")
	if validRequestID(id) {
		id = strings.Clone(id)
	} else {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Locals(requestIDKey, id)
	c.Set("X-Request-ID", id)
	if err := c.Next(); err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	if status == fiber.StatusNotFound && (route == "/" || route == "/*") && c.Path() != "/" {
		route = "(unmatched)"
	}
	took := time.Since(start)
	if s.metrics != nil {
		s.metrics.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(c.Method(), route).Observe(took.Seconds())
	}
	if s.log.Enabled(c.UserContext(), slog.LevelInfo) {
		s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "http", slog.String("request_id", id), slog.String("method", c.Method()),
			slog.String("route", route), slog.String("path", c.Path()), slog.Int("status", status),
			slog.Float64("ms", float64(took.Microseconds())/1000))
	}
	return nil
}

// handleHealth is /healthz: the process is alive and answering.
func (s *server) handleHealth(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// handleReady is /readyz: the database answers and has this binary's
// schema; a load balancer sends traffic only while it says ready.
func (s *server) handleReady(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	var m metaRecord
	err := dbconn.PingContext(ctx, s.db)
	if err == nil {
		err = s.db.WithContext(ctx).Where("name = ?", "schema").Take(&m).Error
	}
	if err != nil {
		s.log.Warn("not ready: the database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": "database"})
	}
	if m.Value != strconv.Itoa(schemaVersion) {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": "schema " + m.Value + ", want " + strconv.Itoa(schemaVersion) + ": run `server migrate`"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
