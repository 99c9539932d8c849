package admin

import "testing"

// TestSafeNext: the address a sign-in goes on to is a clean path in the
// back office, or the dashboard.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/admin/review":                       "/admin/review",
		"/admin/publications/12?flash=saved":  "/admin/publications/12?flash=saved",
		"/admin/requests?unit=zhengfuban&p=2": "/admin/requests?unit=zhengfuban&p=2",
		"":                                    "/admin/",
		"/admin/\r\nSet-Cookie: sid=fixed":    "/admin/",
		"/admin/x\nRefresh: 0;url=https://e.invalid": "/admin/",
		"/admin/\x00":                    "/admin/",
		"/admin/ a":                      "/admin/",
		"/admin/\u2028":                  "/admin/",
		"//evil.invalid/admin/":          "/admin/",
		"/admin//evil.invalid":           "/admin/",
		"https://evil.invalid/admin/":    "/admin/",
		"/admin/\\\\evil.invalid":        "/admin/",
		"/admin/../kiosk/":               "/admin/",
		"/kiosk/":                        "/admin/",
		"javascript:alert(1)//admin/":    "/admin/",
		"/admin/%0d%0aSet-Cookie:%20a=b": "/admin/%0d%0aSet-Cookie:%20a=b", // escaped: harmless text in a path
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
