package weberr_test

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/weberr"
	"gongkai/workday"
)

// TestClassify: every coded error has one status and API code; Fiber's
// own refusals are told in Chinese without its English text; a database
// away is 503 with Retry-After; anything else is ours, shown as 系统内部错误.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err                  error
		status               int
		code, message, retry string
		internal             bool
	}{
		{catalog.Errorf(catalog.ENOTFOUND, "事项不存在"), 404, "not_found", "事项不存在", "", false},
		{fmt.Errorf("wrapped: %w", catalog.Invalid("title", "名称不能为空")), 400, "invalid", "名称不能为空", "", false},
		{catalog.Errorf(catalog.ECONFLICT, "已被修改"), 409, "conflict", "已被修改", "", false},
		{catalog.Errorf(catalog.EFORBIDDEN, "无权"), 403, "forbidden", "无权", "", false},
		{catalog.Errorf(catalog.EUNAUTH, "请先登录"), 401, "unauthorized", "请先登录", "", false},
		{catalog.Errorf(catalog.ELOCKED, "已锁定"), 423, "locked", "已锁定", "", false},
		{catalog.Errorf(catalog.ERATELIMIT, "请稍后"), 429, "too_many_requests", "请稍后", "60", false},
		{catalog.Errorf(catalog.EPASSWORD, "请先修改密码"), 403, "password_change_required", "请先修改密码", "", false},
		{catalog.Errorf(catalog.EUNAVAILABLE, "稍后"), 503, "unavailable", "稍后", "5", false},
		{catalog.Errorf(catalog.EINTERNAL, "秘密细节"), 500, "internal", "系统内部错误", "", true},
		{fiber.ErrNotFound, 404, "not_found", "页面或接口不存在", "", false},
		{fiber.NewError(404, "Cannot GET /api/v1/x"), 404, "not_found", "页面或接口不存在", "", false},
		{fiber.ErrRequestEntityTooLarge, 413, "too_large", "提交的内容过大", "", false},
		{fiber.ErrRequestHeaderFieldsTooLarge, 431, "too_large", "请求过长，请缩短搜索的字词后重试", "", false},
		{fiber.ErrUnsupportedMediaType, 415, "unsupported_media_type", "请以 JSON 提交（Content-Type: application/json）", "", false},
		{&workday.UnknownYearError{Year: 2031}, 422, "unknown_year", (&workday.UnknownYearError{Year: 2031}).Error(), "", false},
		{fmt.Errorf("query: %w", syscall.ECONNREFUSED), 503, "unavailable", "系统暂时无法连接数据库，请稍后再试", "5", false},
		{errors.New("nil pointer somewhere"), 500, "internal", "系统内部错误", "", true},
	} {
		p := weberr.Classify(c.err)
		if p.Status != c.status || p.Code != c.code || p.Message != c.message || p.RetryAfter != c.retry || p.Internal != c.internal {
			t.Errorf("%v: %+v", c.err, p)
		}
	}
	if p := weberr.Classify(catalog.Invalid("title", "x")); p.Field != "title" {
		t.Errorf("field: %+v", p)
	}
}
