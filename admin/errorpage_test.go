package admin

import (
	"strings"
	"testing"

	"gongkai/catalog"
)

// TestErrorPage: the back office's error page says what happened and leads
// back to the dashboard, not to the kiosk.
func TestErrorPage(t *testing.T) {
	b, err := ErrorPage("事项不存在")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"事项不存在", `href="/admin/"`, "admin.css"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if strings.Contains(string(b), "/kiosk/") {
		t.Error("the back office's error page leads to the kiosk")
	}
}

// TestFieldError: a coded error of the person's making is shown on the
// form with its field; an internal one is not.
func TestFieldError(t *testing.T) {
	if f, msg, ok := fieldError(catalog.Invalid("title", "名称不能为空")); !ok || f != "title" || msg != "名称不能为空" {
		t.Errorf("invalid: %q %q %v", f, msg, ok)
	}
	if _, _, ok := fieldError(catalog.Errorf(catalog.EINTERNAL, "秘密")); ok {
		t.Error("an internal error shown on a form")
	}
}
