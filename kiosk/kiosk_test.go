package kiosk

import (
	"fmt"
	"strings"
	"testing"
)

// TestPageCacheStaysUnderItsBound: pages fed far past the bound leave the
// cache under it, keeping the last one; a page too large for it is not
// kept at all.
func TestPageCacheStaysUnderItsBound(t *testing.T) {
	pc := NewPageCache(64 << 10)
	page := cachedPage{body: []byte(strings.Repeat("页", 1000)), etag: `"k1"`}
	for i := 0; i < 500; i++ {
		pc.put(fmt.Sprintf("http://10.0.0.5/kiosk/items/%d", i), page)
		if _, b := pc.Size(); b > 64<<10 {
			t.Fatalf("after %d pages: %d bytes", i+1, b)
		}
	}
	if _, ok := pc.get("http://10.0.0.5/kiosk/items/499"); !ok {
		t.Error("the last page put is not kept")
	}
	pc.put("huge", cachedPage{body: make([]byte, 32<<10)})
	if _, ok := pc.get("huge"); ok {
		t.Error("a page over a quarter of the bound is kept")
	}
	// Putting a page again replaces it and its bytes.
	pages, before := pc.Size()
	pc.put("http://10.0.0.5/kiosk/items/499", page)
	if p, b := pc.Size(); p != pages || b != before {
		t.Errorf("a page put twice counted twice: %d/%d → %d/%d", pages, before, p, b)
	}
}

func TestScreens(t *testing.T) {
	if got := SplitScreens("10.1.2.31, 10.1.2.32；10.1.3.0/28\n2001:db8::1"); len(got) != 4 {
		t.Errorf("split: %q", got)
	}
	for _, ok := range []string{"10.1.2.31", "10.1.2.0/24", "10.1.2.16/28", "2001:db8::1", "2001:db8::/120"} {
		if _, err := ParseScreen(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"10.0.0.0/8", "10.1.0.0/16", "::/0", "2001:db8::/64", "kiosk-1", ""} {
		if _, err := ParseScreen(bad); err == nil {
			t.Errorf("%q accepted as a screen", bad)
		}
	}
	p := Point{Code: "county-hall", Name: "查询点", UnitCode: "zhengfuban", Screens: []string{"10.1.2.31", " 10.1.2.31 ", "", "10.1.2.32"}}
	if err := p.Validate(); err != nil || len(p.Screens) != 2 {
		t.Errorf("validate: %v %q", err, p.Screens)
	}
	p.Screens = []string{"10.0.0.0/8"}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "10.0.0.0/8") {
		t.Errorf("a network as a screen: %v", err)
	}
}

// TestErrorPage: the kiosk's error page says what happened, leads home and
// returns home by itself when left idle.
func TestErrorPage(t *testing.T) {
	b, err := ErrorPage(404, "事项不存在", Shell{Title: "某县政务公开查询", IdleSeconds: 120, Countdown: 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"页面不存在", "事项不存在", `href="/kiosk/"`, `data-idle="120"`, "某县政务公开查询"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("error page lacks %q", want)
		}
	}
}
