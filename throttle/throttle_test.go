package throttle_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongkai/dbconn/dbtest"
	"gongkai/throttle"
)

// TestTakeCountsParallelTriesOneByOne: twenty tries at once on a limit of
// five pass five; a refund gives one back; a new window starts afresh.
func TestTakeCountsParallelTriesOneByOne(t *testing.T) {
	db := dbtest.Open(t)
	if err := throttle.Migrate(db); err != nil {
		t.Fatal(err)
	}
	g := throttle.New(db, "test", 5, time.Minute)
	ctx := context.Background()
	now := time.Now()
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, pass := g.Take(ctx, "10.0.0.1", "", now); pass {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 5 {
		t.Errorf("%d of 20 passed a limit of 5", ok.Load())
	}
	if _, blocked := g.Blocked(ctx, "10.0.0.1", now); !blocked {
		t.Error("a full window is not blocked")
	}
	if _, _, pass := g.Take(ctx, "10.0.0.2", "", now); !pass {
		t.Error("another key is blocked")
	}
	if _, _, pass := g.Take(ctx, "10.0.0.1", "", now.Add(2*time.Minute)); !pass {
		t.Error("the next window is blocked")
	}
	g.Refund(ctx, "10.0.0.2")
	if n := g.Events(ctx, "10.0.0.2", now); n != 0 {
		t.Errorf("after a refund: %d", n)
	}
}

func TestClientKey(t *testing.T) {
	for ip, want := range map[string]string{
		"10.1.2.3":             "10.1.2.3",
		"::ffff:10.1.2.3":      "::ffff:10.1.2.3",
		"2001:db8:1:2::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"not an address":       "not an address",
	} {
		if got := throttle.ClientKey(ip); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", ip, got, want)
		}
	}
}
