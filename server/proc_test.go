package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gongkai/web"
)

// The tests here run the real binary as an operator would: a process with
// its environment, signals and exit codes.

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// serverBinary builds the server once per test run.
func serverBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gongkai-bin-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "gongkai")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return builtBin
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running server process.
type proc struct {
	t    testing.TB
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
	done chan struct{}
	err  error
}

// startServer starts the binary with env (GONGKAI_ADDR is chosen) and waits
// until it is ready.
func startServer(t testing.TB, env ...string) *proc {
	t.Helper()
	return startServerWithin(t, 60*time.Second, env...)
}

// startServerWithin is startServer, waiting up to d for it to be ready.
func startServerWithin(t testing.TB, d time.Duration, env ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{t: t, base: "http://" + addr, logs: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(serverBinary(t))
	p.cmd.Env = append(append(os.Environ(), "GONGKAI_ADDR="+addr, fmt.Sprint("GONGKAI_APPLICATIONS_PER_HOUR=", testApplicationsPerHour)), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(d)
	for {
		if r, err := client.Get(p.base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("server exited before it was ready (%v):\n%s", p.err, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready within %s:\n%s", d, p.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signal sends sig and waits up to d for the process to end; it returns
// the exit code (-1 if it did not end).
func (p *proc) signal(sig syscall.Signal, d time.Duration) int {
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		return -1
	}
}

// httpClient is a client with a cookie of its own (a browser).
type httpClient struct {
	base   string
	cookie string
	c      *http.Client
}

func newHTTPClient(base string) *httpClient {
	return &httpClient{base: base, c: &http.Client{Timeout: 15 * time.Second}}
}

// do sends a JSON request and returns the status and body; err is a
// transport failure.
func (h *httpClient) do(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return h.send(req)
}

// send sends a request with the client's cookie and keeps a new one.
func (h *httpClient) send(req *http.Request) (int, []byte, error) {
	if h.cookie != "" {
		req.Header.Set("Cookie", h.cookie)
	}
	res, err := h.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.Name == web.Cookie {
			h.cookie = c.Name + "=" + c.Value
		}
	}
	return res.StatusCode, b, nil
}

// signIn signs in as a demo account.
func (h *httpClient) signIn(t testing.TB, username, password string) {
	t.Helper()
	st, b, err := h.do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if err != nil || st != 201 {
		t.Fatalf("sign in %s: %d %s %v", username, st, b, err)
	}
}

// runBinary runs a command of the binary with env and returns its output
// and exit code.
func runBinary(t testing.TB, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(serverBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// initCounty sets the database of env up for a county (青山县), as an
// operator's first `init` does.
func initCounty(t testing.TB, env []string) {
	t.Helper()
	if out, errOut, code := runBinary(t, env, "init", "--county-name", "青山县", "--division-code", "341899", "--office-name", "青山县人民政府办公室"); code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, out, errOut)
	}
}

// readByServer tells whether the server's end of conn (a loopback IPv4
// connection) has read everything sent to it: its receive queue in
// /proc/net/tcp is empty. Data not yet accepted or read stays queued.
func readByServer(t testing.TB, conn net.Conn) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Fatalf("the connection's state: %v", err)
	}
	hex := func(a net.Addr) string {
		ta := a.(*net.TCPAddr)
		ip := ta.IP.To4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], ta.Port)
	}
	server, client := hex(conn.RemoteAddr()), hex(conn.LocalAddr())
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 4 && f[1] == server && f[2] == client {
			q := strings.Split(f[4], ":")
			return len(q) == 2 && strings.Trim(q[1], "0") == ""
		}
	}
	return false
}
