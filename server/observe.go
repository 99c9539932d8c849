package main

import (
	"context"
	"net/http"
	"strconv"
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
const schemaVersion = 15

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
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongkai_db_transaction_retries_total",
		Help: "Transactions run again after a deadlock or, on a Galera cluster, a certification failure."},
		func() float64 { return float64(dbconn.Retries()) }))
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

// observed counts a request for the metrics.
func (s *server) observed(method, route string, status int, took time.Duration) {
	if s.metrics != nil {
		s.metrics.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(method, route).Observe(took.Seconds())
	}
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
	var schema string
	err := dbconn.PingContext(ctx, s.db)
	if err == nil {
		schema, err = dbconn.SchemaVersion(ctx, s.db)
	}
	if err != nil {
		s.log.Warn("not ready: the database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": "database"})
	}
	if schema != strconv.Itoa(schemaVersion) {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": "schema " + schema + ", want " + strconv.Itoa(schemaVersion) + ": run `server migrate`"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
