package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKioskLauncher runs deploy/kiosk/gongkai-kiosk with a stand-in
// browser that records its arguments and dies: the launcher passes the
// kiosk flags and the point's address, and starts the browser again.
func TestKioskLauncher(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "runs")
	fake := filepath.Join(dir, "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho \"$@\" >> "+record+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	launcher, err := filepath.Abs(filepath.Join("..", "deploy", "kiosk", "gongkai-kiosk"))
	if err != nil {
		t.Fatal(err)
	}
	url := "http://10.1.2.3:8080/kiosk/?point=miaoshou-hall"
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", launcher)
	cmd.Env = append(os.Environ(), "GONGKAI_KIOSK_URL="+url, "CHROMIUM="+fake, "TMPDIR="+dir)
	cmd.Run() // runs until the deadline: it never gives up on the browser
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the browser never started: %v", err)
	}
	runs := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(runs) < 2 {
		t.Errorf("browser started %d times in 3 s, want a restart after it died", len(runs))
	}
	for _, flag := range []string{"--kiosk", "--disable-pinch", "--overscroll-history-navigation=0", "--noerrdialogs", "--incognito",
		"--kiosk-printing", "--no-first-run", "--disable-background-networking", "--user-data-dir=", "--enable-speech-dispatcher",
		"--unsafely-treat-insecure-origin-as-secure=http://10.1.2.3:8080 "} {
		if !strings.Contains(runs[0], flag) {
			t.Errorf("launcher does not pass %s: %s", flag, runs[0])
		}
	}
	if !strings.HasSuffix(runs[0], url) {
		t.Errorf("launcher opens %q", runs[0])
	}

	// Without an address it says what to set and fails.
	out, err := exec.Command("/bin/sh", launcher).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "GONGKAI_KIOSK_URL") {
		t.Errorf("no address: %v %s", err, out)
	}
}
