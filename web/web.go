// Package web holds what the JSON API and the back office share about an
// HTTP request: the signed-in person (Sessions), the acting person as the
// stores record them, reading a JSON body or an id from the path, and the
// security headers every page carries. It knows no store and no SQL.
package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
)

// Actor is the signed-in person as the stores record them.
func Actor(c *fiber.Ctx) catalog.Actor {
	p, _ := rbac.PrincipalOf(c)
	return catalog.Actor{UserID: p.ID, Username: p.Username, IP: c.IP()}
}

// ParamID reads a positive id from the path parameter name; anything else
// is a record that does not exist.
func ParamID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, catalog.Errorf(catalog.ENOTFOUND, "编号“%s”不存在", c.Params(name))
	}
	return id, nil
}

// PageID reads a positive id from the path parameter "id" of a page; any
// other is a page that does not exist.
func PageID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, catalog.Errorf(catalog.ENOTFOUND, "页面不存在")
	}
	return id, nil
}

// DecodeJSON reads a JSON body into v, refusing unknown fields so a typo in
// a field name is reported, not silently dropped.
// BatchIDs reads the ids a batch request names: {"ids": […]} in JSON, or
// the form's ids fields; read once per request.
func BatchIDs(c *fiber.Ctx) ([]int64, error) {
	if ids, ok := c.Locals("batch-ids").([]int64); ok {
		return ids, nil
	}
	var ids []int64
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationJSON) {
		var in struct {
			IDs []int64 `json:"ids"`
		}
		if err := DecodeJSON(c, &in); err != nil {
			return nil, err
		}
		ids = in.IDs
	} else {
		for _, v := range c.Request().PostArgs().PeekMulti("ids") {
			id, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || id <= 0 {
				return nil, catalog.Invalid("ids", "编号“%s”不正确", v)
			}
			ids = append(ids, id)
		}
	}
	c.Locals("batch-ids", ids)
	return ids, nil
}

func DecodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return fiber.ErrUnsupportedMediaType
	}
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			f := te.Field // "Columns.level1", "Step.days": the name in the JSON
			if i := strings.LastIndexByte(f, '.'); i >= 0 {
				f = f[i+1:]
			}
			return catalog.Invalid(f, "字段“%s”的类型不正确", f)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return catalog.Invalid(f, "不认识的字段“%s”", f)
		case errors.As(err, &se):
			return catalog.Invalid("", "JSON 格式不正确（第 %d 个字节附近）", se.Offset)
		}
		return catalog.Invalid("", "JSON 格式不正确或不完整")
	}
	// One value: what follows it would be read otherwise by a check that
	// parses the body again (a route's unit), and differently.
	if _, err := dec.Token(); err != io.EOF {
		return catalog.Invalid("", "JSON 之后还有多余的内容")
	}
	return nil
}

// contentSecurityPolicy allows only the server's own scripts, styles and
// images: no inline code, no outside address, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every answer carries.
func SecurityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	return c.Next()
}

// crossOrigin is Go's CSRF protection: a state-changing browser request from
// another site (by Sec-Fetch-Site, or Origin against Host) is refused; JSON
// clients that send neither header are let through.
var crossOrigin = http.NewCrossOriginProtection()

// ForgeryProtection refuses a state-changing request made by another site.
func ForgeryProtection(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	req := &http.Request{Method: c.Method(), Host: string(c.Request().Host()), Header: http.Header{}}
	for _, h := range []string{"Sec-Fetch-Site", "Origin"} {
		if v := c.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	if err := crossOrigin.Check(req); err != nil {
		return catalog.Errorf(catalog.EFORBIDDEN, "拒绝来自其他网站的提交（跨站请求）")
	}
	return c.Next()
}

// NoStoreForPeople keeps what a signed-in person sees out of every cache.
func NoStoreForPeople(c *fiber.Ctx) error {
	err := c.Next()
	if _, ok := rbac.PrincipalOf(c); ok {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return err
}

// ParseBool reads a yes/no written as 1/0, true/false, on/off, yes/no or
// y/n (in a query or an environment variable); ok is false for anything
// else.
func ParseBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "on", "yes", "y":
		return true, true
	case "0", "false", "off", "no", "n":
		return false, true
	}
	return false, false
}

// OptionalDay reads a date (2006-01-02) given in a query, zero when empty;
// EINVALID names field.
func OptionalDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, catalog.Shanghai)
	if err != nil {
		return time.Time{}, catalog.Invalid(field, "日期“%s”格式不正确，应如 2026-11-30", s)
	}
	return t, nil
}
