package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gofiber/fiber/v2"

	"gongkai/api"
	"gongkai/seed"
	"gongkai/stack"
	"gongkai/stack/stacktest"
	"gongkai/web"
	"gongkai/weberr"
)

// The API's tests run on a database of their own each: a copy of a
// template seeded with the demo data once, opened through the same stores
// and services the server builds (stacktest).

func TestMain(m *testing.M) { os.Exit(stacktest.Main(m)) }

const office = stacktest.Office

type harness struct {
	t   *testing.T
	app *fiber.App
	st  *stack.Stack
}

// newAPI mounts the API over a fresh copy of the template.
func newAPI(t *testing.T) *harness {
	t.Helper()
	st := stacktest.New(t)
	deps := st.API()
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return api.WriteError(c, weberr.Classify(err)) }})
	api.Mount(app.Group("/api/v1", st.Sessions.Load, web.NoStoreForPeople), deps)
	return &harness{t: t, app: app, st: st}
}

// client keeps a session cookie, as a browser or a script does.
type client struct {
	h      *harness
	cookie string
}

func (h *harness) anon() *client { return &client{h: h} }

// login signs a demo account in.
func (h *harness) login(username string) *client {
	h.t.Helper()
	c := h.anon()
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": seed.DemoPassword}); r.status != 201 {
		h.t.Fatalf("sign in %s: %d %s", username, r.status, r.body)
	}
	return c
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %.300s: %v", r.body, err)
	}
}

// problem is the API error of a response.
func (r response) problem(t *testing.T) (code, field string) {
	t.Helper()
	var e api.ErrorBody
	r.decode(t, &e)
	return e.Error.Code, e.Error.Field
}

// do sends body as JSON (a string as it is).
func (c *client) do(method, path string, body any) response {
	c.h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.(string)
		if !ok {
			raw, _ := json.Marshal(body)
			b = string(raw)
		}
		rd = bytes.NewReader([]byte(b))
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", web.Cookie+"="+c.cookie)
	}
	res, err := c.h.app.Test(req, -1)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Name == web.Cookie {
			c.cookie = ck.Value
		}
	}
	return response{res.StatusCode, b, res.Header}
}
