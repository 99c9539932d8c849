package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"gongkai/api"
	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
)

// mariadb is a private MariaDB server of the test's own, on its own port
// and data directory, so it can be killed and restarted without touching
// the machine's server the other tests use.
type mariadb struct {
	t    *testing.T
	dir  string
	port int
	cmd  *exec.Cmd
}

func newMariaDB(t *testing.T) *mariadb {
	t.Helper()
	for _, tool := range []string{"mariadb-install-db", "mariadbd"} {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err := os.Stat("/usr/sbin/" + tool); err != nil {
				t.Fatalf("%s is not installed: this test needs MariaDB's server programs", tool)
			}
		}
	}
	m := &mariadb{t: t, dir: t.TempDir()}
	m.port, _ = strconv.Atoi(freeAddr(t)[len("127.0.0.1:"):])
	out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db", "--user=root").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	m.start()
	t.Cleanup(m.kill)
	return m
}

func (m *mariadb) dsn(db string) string {
	return "root@tcp(127.0.0.1:" + strconv.Itoa(m.port) + ")/" + db
}

// start starts mariadbd and waits until it answers.
func (m *mariadb) start() {
	m.t.Helper()
	bin := "/usr/sbin/mariadbd"
	if p, err := exec.LookPath("mariadbd"); err == nil {
		bin = p
	}
	m.cmd = exec.Command(bin, "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"), "--port="+strconv.Itoa(m.port),
		"--bind-address=127.0.0.1", "--socket="+filepath.Join(m.dir, "sock"), "--pid-file="+filepath.Join(m.dir, "pid"),
		"--user=root", "--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--log-error="+filepath.Join(m.dir, "err.log"))
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	for i := 0; ; i++ {
		db, err := dbconn.Open(dbconn.MySQL, m.dsn(""))
		if err == nil {
			err = dbconn.Ping(db)
			dbconn.Close(db)
		}
		if err == nil {
			return
		}
		if i > 300 {
			log, _ := os.ReadFile(filepath.Join(m.dir, "err.log"))
			m.t.Fatalf("mariadbd did not start: %v\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill ends mariadbd at once, as a crash or a pulled cable would.
func (m *mariadb) kill() {
	if m.cmd != nil && m.cmd.Process != nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
		m.cmd = nil
	}
}

// TestDatabaseRestartIsSurvived kills the database under a load of
// submissions and starts it again: while it is away the server answers 503
// (never 500, never hangs) and /readyz says not ready; afterwards it
// answers 201 again by itself, without a restart, and every submission it
// acknowledged is stored.
func TestDatabaseRestartIsSurvived(t *testing.T) {
	if dbtest.Driver() != dbconn.MySQL {
		t.Skip("the MySQL path: runs in the MariaDB pass of CI (TEST_DB_DRIVER=mysql)")
	}
	my := newMariaDB(t)
	admin, err := dbconn.Open(dbconn.MySQL, my.dsn(""))
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Exec("CREATE DATABASE gongkai CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		t.Fatal(err)
	}
	dbconn.Close(admin)
	env := []string{"GONGKAI_DATA_DIR=" + t.TempDir(), "GONGKAI_DB_DRIVER=mysql", "GONGKAI_DB_DSN=" + my.dsn("gongkai"), "GONGKAI_LOG_LEVEL=warn"}
	initCounty(t, env)
	p := startServer(t, env...)

	type result struct {
		at     time.Time
		status int
		number string
	}
	var mu sync.Mutex
	var results []result
	stop := make(chan struct{})
	var wg sync.WaitGroup
	body := application()
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := newHTTPClient(p.base)
			h.c.Timeout = 20 * time.Second
			for {
				select {
				case <-stop:
					return
				default:
				}
				st, b, err := h.do("POST", "/api/v1/requests", body)
				r := result{at: time.Now(), status: st}
				if err != nil {
					r.status = -1
				}
				var rc api.Receipt
				if st == 201 && json.Unmarshal(b, &rc) == nil {
					r.number = rc.Number
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				if st != 201 {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	ready := func() int {
		res, err := http.Get(p.base + "/readyz")
		if err != nil {
			return -1
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Each wait polls its condition up to a generous deadline: a busy
	// machine is slow, never wrong.
	count := func(status int, since time.Time) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, r := range results {
			if r.status == status && r.at.After(since) {
				n++
			}
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("%s: not within 30 s\n%s", what, p.logs.String())
			}
		}
	}
	waitFor("submissions before the kill", func() bool { return count(201, time.Time{}) >= 10 })
	killedAt := time.Now()
	my.kill()
	readyWhileDown := 0
	waitFor("503 while the database is down", func() bool {
		readyWhileDown = ready()
		return readyWhileDown == 503 && count(503, killedAt) > 0
	})
	restartAt := time.Now()
	my.start()
	var recoveredAt time.Time
	deadline := time.Now().Add(30 * time.Second)
	for recoveredAt.IsZero() && time.Now().Before(deadline) {
		mu.Lock()
		for _, r := range results {
			if r.status == 201 && r.at.After(restartAt) {
				recoveredAt = r.at
				break
			}
		}
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()

	if readyWhileDown != 503 {
		t.Errorf("/readyz while the database was down: %d, want 503", readyWhileDown)
	}
	if recoveredAt.IsZero() {
		t.Fatalf("no submission succeeded within 30 s of the database's restart\n%s", p.logs.String())
	}
	if st := ready(); st != 200 {
		t.Errorf("/readyz after the restart: %d", st)
	}
	var before, during, after, unavailable int
	answered := map[string]bool{}
	for _, r := range results {
		switch {
		case r.status == 201:
			answered[r.number] = true
			switch {
			case r.at.Before(killedAt):
				before++
			case r.at.Before(recoveredAt):
				during++
			default:
				after++
			}
		case r.status == 503:
			unavailable++
		default:
			t.Errorf("a submission was answered %d (want 201 or 503)", r.status)
		}
	}
	if unavailable == 0 {
		t.Error("no 503 while the database was down")
	}
	db, err := dbconn.Open(dbconn.MySQL, my.dsn("gongkai"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(db)
	var stored []string
	db.Table("foi_requests").Pluck("number", &stored)
	have := map[string]bool{}
	for _, n := range stored {
		have[n] = true
	}
	lost := 0
	for n := range answered {
		if !have[n] {
			lost++
			t.Errorf("acknowledged submission %s is not stored", n)
		}
	}
	t.Logf("database killed and restarted: %d acknowledged before, %d during, %d after; %d answered 503; back %s after the restart; %d acknowledged lost",
		before, during, after, unavailable, recoveredAt.Sub(restartAt).Round(time.Millisecond), lost)
}
