package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts Debian's Chromium headless on a served app; CI installs it,
// so there a missing browser fails the test instead of skipping it.
func browser(t *testing.T, ts *testServer) (context.Context, string) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run installs it")
		}
		t.Skip("chromium not installed (apt-get install -y chromium)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.app.Listener(ln)
	t.Cleanup(func() { ln.Close() })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1024),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx, "http://" + ln.Addr().String()
}

// TestKioskInBrowser: a resident taps their township, an item, and a notice.
func TestKioskInBrowser(t *testing.T) {
	ts := sharedServer(t)
	ctx, base := browser(t, ts)
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	step(chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("a.tile"))))
	tiles, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("a.tile").length`))
	step(err)
	step(chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//a[contains(@class,"tile") and normalize-space(.)="庙首镇"]`)),
		chromedp.WaitVisible(chromedp.CSS("ul.items"))))
	unitTitle, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	step(err)
	step(chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//ul[@class="items"]/li[span[contains(@class,"mark") and contains(., "2020")]]/a`)),
		chromedp.WaitVisible(chromedp.CSS("dl.columns"))))
	itemText, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	step(err)
	step(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("ul.pubs li a")), chromedp.WaitVisible(chromedp.CSS("table.meta"))))
	meta, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.meta")))
	step(err)
	if tiles != 39 {
		t.Errorf("%d unit tiles, want 39", tiles)
	}
	if unitTitle != "旌德县庙首镇人民政府" {
		t.Errorf("unit page title %q", unitTitle)
	}
	if !strings.Contains(itemText, "应当公开什么") || !strings.Contains(itemText, "已公开的信息") {
		t.Errorf("item page: %.200q", itemText)
	}
	if !strings.Contains(meta, "索引号") || !strings.Contains(meta, "miaoshou/2020") || !strings.Contains(meta, "旌德县庙首镇人民政府") {
		t.Errorf("publication metadata: %q", meta)
	}
}
