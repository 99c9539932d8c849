package admin

import (
	"testing"

	"gongkai/catalog"
)

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
