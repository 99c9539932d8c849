package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts Debian's Chromium headless on a served app; CI installs it,
// so there a missing browser fails the test instead of skipping it.
func browser(t *testing.T, ts *testServer) (context.Context, string) {
	t.Helper()
	return browserAt(t, ts, 1280, 1024)
}

// browserAt is browser with a window of w×h CSS pixels.
func browserAt(t *testing.T, ts *testServer, w, h int) (context.Context, string) {
	t.Helper()
	ctx := browserWindow(t, w, h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.app.Listener(ln)
	t.Cleanup(func() { ln.Close() })
	return ctx, "http://" + ln.Addr().String()
}

// browserWindow starts Chromium with a window of w×h CSS pixels; the
// test ends it.
func browserWindow(t *testing.T, w, h int) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run installs it")
		}
		t.Skip("chromium not installed (apt-get install -y chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(w, h),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// fatalOn returns a check that ends the test on an error, naming the step.
func fatalOn(t *testing.T) func(err error, what string) {
	return func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}
