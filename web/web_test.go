package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
)

// TestDecodeJSON: a mistyped field, a wrong type and a cut body are each
// EINVALID with a Chinese message naming what is wrong; a body that is not
// JSON is 415.
func TestDecodeJSON(t *testing.T) {
	type in struct {
		Title string `json:"title"`
		Count int    `json:"count"`
	}
	cases := []struct {
		body, ctype, field, say string
	}{
		{`{"titel":"x"}`, "application/json", "titel", "不认识的字段"},
		{`{"count":"three"}`, "application/json", "count", "类型不正确"},
		{`{"title":"x",}`, "application/json", "", "JSON 格式不正确"},
		{`{"title":`, "application/json; charset=utf-8", "", "不完整"},
	}
	app := fiber.New()
	var got error
	app.Post("/", func(c *fiber.Ctx) error { var v in; got = DecodeJSON(c, &v); return nil })
	for _, tc := range cases {
		req := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ctype)
		if _, err := app.Test(req); err != nil {
			t.Fatal(err)
		}
		var ce *catalog.Error
		ok := false
		if e, is := got.(*catalog.Error); is {
			ce, ok = e, true
		}
		if !ok || ce.Code != catalog.EINVALID || ce.Field != tc.field || !strings.Contains(ce.Message, tc.say) || strings.Contains(ce.Message, "json:") {
			t.Errorf("%s: %v", tc.body, got)
		}
	}
	req := httptest.NewRequest("POST", "/", strings.NewReader(`{"title":"x"}`))
	req.Header.Set("Content-Type", "text/plain")
	app.Test(req)
	if got != fiber.ErrUnsupportedMediaType {
		t.Errorf("text/plain: %v", got)
	}
}

// TestIDs: an id is a positive number; anything else is a record (or, for
// a page, a page) that does not exist.
func TestIDs(t *testing.T) {
	app := fiber.New()
	var id, page int64
	var idErr, pageErr error
	app.Get("/:id", func(c *fiber.Ctx) error {
		id, idErr = ParamID(c, "id")
		page, pageErr = PageID(c)
		return nil
	})
	for path, want := range map[string]int64{"/42": 42, "/0": 0, "/-3": 0, "/abc": 0, "/99999999999999999999": 0} {
		app.Test(httptest.NewRequest("GET", path, nil))
		if id != want || page != want || (want == 0) != (catalog.ErrorCode(idErr) == catalog.ENOTFOUND) || (want == 0) != (catalog.ErrorCode(pageErr) == catalog.ENOTFOUND) {
			t.Errorf("%s: %d %v, page %d %v", path, id, idErr, page, pageErr)
		}
	}
}

func TestParseBool(t *testing.T) {
	for s, want := range map[string][2]bool{"1": {true, true}, " Yes ": {true, true}, "off": {false, true}, "0": {false, true}, "maybe": {false, false}, "": {false, false}} {
		if v, ok := ParseBool(s); v != want[0] || ok != want[1] {
			t.Errorf("%q: %v %v", s, v, ok)
		}
	}
}

// TestRequestIDs: a caller's plain token is kept; anything else (long,
// with spaces or markup) is replaced.
func TestRequestIDs(t *testing.T) {
	for id, ok := range map[string]bool{"abc-123_x.y": true, "": false, strings.Repeat("a", 65): false, "a b": false, "<script>": false, "id\r\nX: y": false} {
		if validRequestID(id) != ok {
			t.Errorf("%q: valid %v", id, !ok)
		}
	}
}
