package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const requestIDKey = "request_id"

// RequestID is the request's id that Observe gave it.
func RequestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(requestIDKey).(string); ok {
		return id
	}
	return ""
}

// validRequestID accepts a caller's X-Request-ID that is a plain token.
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

// Observe gives each request an id (the caller's X-Request-ID when it is a
// plain token, else a new random one; echoed), answers an error the
// handlers returned with onError, tells done about the request (for the
// metrics) and logs one JSON line for it. The line holds the method, the
// route, the path without its query, the status and the time taken: never
// a query string, a body or an address, so no personal data.
func Observe(log *slog.Logger, onError fiber.ErrorHandler, done func(method, route string, status int, took time.Duration)) fiber.Handler {
	return func(c *fiber.Ctx) error {
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
			if herr := onError(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		route := c.Route().Path
		if status == fiber.StatusNotFound && (route == "/" || route == "/*") && c.Path() != "/" {
			route = "(unmatched)"
		}
		took := time.Since(start)
		if done != nil {
			done(c.Method(), route, status, took)
		}
		if log.Enabled(c.UserContext(), slog.LevelInfo) {
			log.LogAttrs(c.UserContext(), slog.LevelInfo, "http", slog.String("request_id", id), slog.String("method", c.Method()),
				slog.String("route", route), slog.String("path", c.Path()), slog.Int("status", status),
				slog.Float64("ms", float64(took.Microseconds())/1000))
		}
		return nil
	}
}
