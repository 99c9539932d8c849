// Package weberr turns any error a handler returns into what an HTTP
// answer shows: one table from the domain's error codes to statuses and
// the API's codes, used alike by the JSON API, the back office and the
// kiosk, which each render it their own way. It may import catalog,
// workday, dbconn and Fiber (for Fiber's own errors), nothing else of ours.
package weberr

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/workday"
)

// Problem is an error as an answer shows it.
type Problem struct {
	Status  int
	Code    string // the API's code: not_found, invalid, locked …
	Message string // for the person at the screen, in Chinese
	Field   string // the field at fault, if any
	// RetryAfter, in seconds, when trying again later may work ("" if not).
	RetryAfter string
	// Internal is set when the error is ours, not the caller's: it is
	// logged, and shown only as 系统内部错误.
	Internal bool
}

// codes maps the domain's error codes to statuses and the API's codes.
var codes = map[string]struct {
	status int
	code   string
}{
	catalog.ENOTFOUND:    {fiber.StatusNotFound, "not_found"},
	catalog.EINVALID:     {fiber.StatusBadRequest, "invalid"},
	catalog.ECONFLICT:    {fiber.StatusConflict, "conflict"},
	catalog.EFORBIDDEN:   {fiber.StatusForbidden, "forbidden"},
	catalog.EUNAUTH:      {fiber.StatusUnauthorized, "unauthorized"},
	catalog.ELOCKED:      {fiber.StatusLocked, "locked"},
	catalog.ERATELIMIT:   {fiber.StatusTooManyRequests, "too_many_requests"},
	catalog.EPASSWORD:    {fiber.StatusForbidden, "password_change_required"},
	catalog.ETOOLARGE:    {fiber.StatusRequestEntityTooLarge, "too_large"},
	catalog.EUNAVAILABLE: {fiber.StatusServiceUnavailable, "unavailable"},
}

// APICode is the API's code of a domain error code (ECONFLICT: conflict),
// as a batch answers each of its ids; internal for an unknown one.
func APICode(domainCode string) string {
	if c, ok := codes[domainCode]; ok {
		return c.code
	}
	return "internal"
}

// fiberErrors are Fiber's own refusals (no such route, a body too large
// for its limit, a malformed request), in Chinese.
var fiberErrors = map[int]struct{ code, msg string }{
	fiber.StatusNotFound:              {"not_found", "页面或接口不存在"},
	fiber.StatusMethodNotAllowed:      {"method_not_allowed", "不支持该请求方法"},
	fiber.StatusRequestEntityTooLarge: {"too_large", "提交的内容过大"},
	// A request line or headers past the read buffer: a search of
	// thousands of characters, or a crafted header.
	fiber.StatusRequestHeaderFieldsTooLarge: {"too_large", "请求过长，请缩短搜索的字词后重试"},
	fiber.StatusUnsupportedMediaType:        {"unsupported_media_type", "请以 JSON 提交（Content-Type: application/json）"},
	fiber.StatusTooManyRequests:             {"too_many_requests", "请求过于频繁，请稍后再试"},
	fiber.StatusBadRequest:                  {"invalid", "请求格式不正确"},
	fiber.StatusRequestTimeout:              {"timeout", "请求超时，请重试"},
}

// internal is what an error of ours shows.
var internal = Problem{Status: fiber.StatusInternalServerError, Code: "internal", Message: "系统内部错误", Internal: true}

// Classify says how err is answered.
func Classify(err error) Problem {
	var ce *catalog.Error
	var fe *fiber.Error
	var ue *workday.UnknownYearError
	switch {
	case errors.As(err, &ce):
		m, ok := codes[ce.Code]
		if !ok {
			return internal
		}
		p := Problem{Status: m.status, Code: m.code, Message: ce.Message, Field: ce.Field}
		switch ce.Code {
		case catalog.ERATELIMIT:
			p.RetryAfter = "60"
		case catalog.EUNAVAILABLE:
			p.RetryAfter = "5"
		}
		return p
	case errors.As(err, &ue):
		return Problem{Status: fiber.StatusUnprocessableEntity, Code: "unknown_year", Message: ue.Error()}
	case errors.As(err, &fe):
		m, ok := fiberErrors[fe.Code]
		if !ok {
			if fe.Code < 500 {
				return Problem{Status: fe.Code, Code: "invalid", Message: fe.Message}
			}
			return internal
		}
		// Fiber's own message is English and names the path: not shown.
		return Problem{Status: fe.Code, Code: m.code, Message: m.msg}
	case dbconn.Unavailable(err):
		return Problem{Status: fiber.StatusServiceUnavailable, Code: "unavailable", Message: "系统暂时无法连接数据库，请稍后再试", RetryAfter: "5"}
	}
	return internal
}
