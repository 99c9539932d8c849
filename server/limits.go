package main

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"gongkai/catalog/sheet"
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
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	path = bytes.TrimRight(path, "/")
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
func (s *server) requestConfig(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	return fasthttp.RequestConfig{MaxRequestBodySize: s.bodyLimit(h.Method(), h.RequestURI())}
}
