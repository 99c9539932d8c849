package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gongkai/api"
	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
)

// TestNoAnsweredNumberIsLostOnKill builds the server, fires 200 kiosk-style
// submissions at it from 16 clients, kills it with SIGKILL halfway, and
// checks that every submission that was answered with a number is in the
// database. A number is given only after its transaction has committed.
func TestNoAnsweredNumberIsLostOnKill(t *testing.T) {
	bin := serverBinary(t)
	addr := freeAddr(t)
	driver, dsn := dbtest.DSN(t)
	env := []string{"GONGKAI_DATA_DIR=" + t.TempDir(), "GONGKAI_DB_DRIVER=" + driver, "GONGKAI_DB_DSN=" + dsn, "GONGKAI_DEMO=off",
		fmt.Sprint("GONGKAI_APPLICATIONS_PER_HOUR=", testApplicationsPerHour)}
	initCounty(t, env)
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "GONGKAI_ADDR="+addr), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; ; i++ {
		if r, err := client.Get(base + "/healthz"); err == nil && r.StatusCode == 200 {
			r.Body.Close()
			break
		}
		if i > 600 { // a minute, on a busy machine
			t.Fatalf("server did not start:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	body, _ := json.Marshal(application())
	const total, workers, killAfter = 200, 16, 100
	var answered sync.Map
	var nAnswered, nFailed atomic.Int64
	var once sync.Once
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				res, err := client.Post(base+"/api/v1/requests", "application/json", bytes.NewReader(body))
				if err != nil {
					nFailed.Add(1)
					continue
				}
				var rc api.Receipt
				ok := res.StatusCode == 201 && json.NewDecoder(res.Body).Decode(&rc) == nil && rc.Number != ""
				res.Body.Close()
				if !ok {
					nFailed.Add(1)
					continue
				}
				answered.Store(rc.Number, true)
				if nAnswered.Add(1) == killAfter {
					once.Do(func() { cmd.Process.Signal(syscall.SIGKILL) })
				}
			}
		}()
	}
	for i := 0; i < total; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	cmd.Wait()

	db, err := dbconn.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	if err := db.Table("foi_requests").Pluck("number", &numbers).Error; err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, n := range numbers {
		stored[n] = true
	}
	lost := 0
	answered.Range(func(k, _ any) bool {
		if !stored[k.(string)] {
			lost++
			t.Errorf("number %s was answered but is not stored", k)
		}
		return true
	})
	t.Logf("%s: %d answered with a number, %d refused or cut off by the kill, %d stored, %d lost", driver, nAnswered.Load(), nFailed.Load(), len(numbers), lost)
	if nAnswered.Load() < killAfter || nFailed.Load() == 0 {
		t.Errorf("the kill did not land mid-burst (%d answered, %d failed)", nAnswered.Load(), nFailed.Load())
	}
}
