package main

import (
	"bytes"
	"context"
	"time"

	"github.com/valyala/fasthttp"

	"gongkai/account"
	"gongkai/catalog/sheet"
	"gongkai/web"
)

// Request body limits by route, decided from the request line before the
// body is read, so an oversized body costs nothing but its refusal (413
// through the error handler). Anything not named gets the smallest limit
// that fits it.
const (
	readBodyLimit      = 4 << 10  // GET, HEAD, OPTIONS: no body expected
	anonymousBodyLimit = 64 << 10 // an application, a sign-in, a status lookup
	formBodyLimit      = 4 << 20  // a publication of 200,000 characters, form-encoded
	multipartOverhead  = 1 << 20
)

// anonymousWrites are the write routes anyone may send a body to.
var anonymousWrites = [][]byte{
	[]byte("/api/v1/requests"), []byte("/api/v1/session"), []byte("/kiosk/apply"),
	[]byte("/kiosk/progress"), []byte("/admin/login"),
}

// bodyLimit is the largest body a request to uri with method may carry.
func (s *server) bodyLimit(method, uri []byte) int {
	path := uri
	switch string(method) {
	case fasthttp.MethodGet, fasthttp.MethodHead, fasthttp.MethodOptions:
		return readBodyLimit
	}
	path = routePath(path)
	for _, p := range anonymousWrites {
		if bytes.EqualFold(path, p) { // routing ignores case
			return anonymousBodyLimit
		}
	}
	switch {
	case bytes.HasSuffix(path, []byte("/attachments")):
		return int(s.cfg.MaxUpload) + multipartOverhead
	case bytes.HasSuffix(path, []byte("/import")), bytes.HasSuffix(path, []byte("/import/commit")):
		return sheet.MaxBytes + multipartOverhead
	}
	return formBodyLimit
}

// maxBodyLimit is the largest of bodyLimit's answers: Fiber's own limit.
func (s *server) maxBodyLimit() int {
	return max(int(s.cfg.MaxUpload), sheet.MaxBytes) + multipartOverhead
}

// requestConfig gives fasthttp each request's body limit once its header
// has arrived.
// Anyone may send an anonymous write's body; more than that only a signed
// in person, whose session is checked when a body larger than that is
// announced (or its length is not).
func (s *server) requestConfig(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	limit := s.bodyLimit(h.Method(), h.RequestURI())
	if n := h.ContentLength(); limit > anonymousBodyLimit && (n > anonymousBodyLimit || n < 0) && !s.signedIn(h) {
		limit = anonymousBodyLimit
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: limit}
}

// signedIn tells whether the request carries a live session.
func (s *server) signedIn(h *fasthttp.RequestHeader) bool {
	token := h.Cookie(web.Cookie)
	if len(token) == 0 {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _, err := s.accounts.FindSession(ctx, account.HashToken(string(token)))
	return err == nil
}

// routePath is the path a request line routes to, as Fiber reads it: an
// absolute form's scheme and host, the query and any fragment dropped, no
// trailing slash.
func routePath(uri []byte) []byte {
	if i := bytes.Index(uri, []byte("://")); i >= 0 && bytes.IndexByte(uri[:i], '/') < 0 {
		rest := uri[i+3:]
		j := bytes.IndexByte(rest, '/')
		if j < 0 {
			return nil
		}
		uri = rest[j:]
	}
	if i := bytes.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	return bytes.TrimRight(uri, "/")
}
