package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongkai/backup"
	"gongkai/dbconn"
	"gongkai/seed"
)

// upload sends a file as the form field "file".
func (h *httpClient) upload(p, name string, content []byte) (int, []byte, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest("POST", h.base+p, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return h.send(req)
}

func readManifest(t *testing.T, archive string) backup.Manifest {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	var m backup.Manifest
	if err := json.NewDecoder(tr).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBackupDuringWritesRestoresEveryRow: a backup taken while requests
// and attachments keep arriving restores into a fresh data directory and
// database with every table's row count and the attachments' checksum as
// the backup recorded them; the restored audit chain verifies (the
// snapshot is consistent), and the restored server starts and reads the
// sealed personal data with the restored key.
func TestBackupDuringWritesRestoresEveryRow(t *testing.T) {
	dirA := t.TempDir()
	envA := append(dbEnv(t, dirA), "GONGKAI_DEMO=on", "GONGKAI_LOG_LEVEL=warn")
	a := startServer(t, envA...)
	clerk := newHTTPClient(a.base)
	clerk.signIn(t, "sanxi-clerk", seed.DemoPassword)
	st, b, err := clerk.do("GET", "/api/v1/units/sanxi/items", nil)
	var items []struct{ ID int64 }
	if err != nil || st != 200 || json.Unmarshal(b, &items) != nil || len(items) == 0 {
		t.Fatalf("items: %d %s %v", st, b, err)
	}
	st, b, _ = clerk.do("POST", fmt.Sprintf("/api/v1/items/%d/publications", items[0].ID), map[string]any{"title": "备份测试附件", "generated_on": "2026-11-02"})
	var pub struct{ ID int64 }
	if st != 201 || json.Unmarshal(b, &pub) != nil {
		t.Fatalf("publication: %d %s", st, b)
	}
	attach := func(i int64) error {
		st, b, err := clerk.upload(fmt.Sprintf("/api/v1/publications/%d/attachments", pub.ID), fmt.Sprintf("附件%d.pdf", i),
			pdfOf(t, fmt.Sprintf("attachment %d", i)))
		if err == nil && st != 201 {
			err = fmt.Errorf("upload: %d %s", st, b)
		}
		return err
	}
	for i := int64(0); i < 5; i++ {
		if err := attach(i); err != nil {
			t.Fatal(err)
		}
	}

	// Writers: kiosk submissions and attachments, until told to stop.
	var submitted, attached atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	body := application()
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := newHTTPClient(a.base)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if st, _, err := h.do("POST", "/api/v1/requests", body); err == nil && st == 201 {
					submitted.Add(1)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(100); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if attach(i) == nil {
				attached.Add(1)
			}
		}
	}()
	// Poll (up to a minute on a busy machine) until the writers are under way.
	for deadline := time.Now().Add(time.Minute); submitted.Load() < 20; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatalf("only %d submissions within a minute", submitted.Load())
		}
	}
	before := submitted.Load()
	archive := filepath.Join(t.TempDir(), "gongkai.tar.gz")
	out, errOut, code := runBinary(t, envA, "backup", "-o", archive)
	during := submitted.Load() - before
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "备份完成") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if during == 0 {
		t.Error("no request was written while the backup ran")
	}

	m := readManifest(t, archive)
	dirB := t.TempDir()
	envB := dbEnv(t, dirB)
	out, errOut, code = runBinary(t, envB, "restore", archive)
	if code != 0 || !strings.Contains(out, "均与备份清单一致") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	// Checked again here, independently of the restore's own check.
	dbB, err := dbconn.Open(envValue(envB, "GONGKAI_DB_DRIVER"), envValue(envB, "GONGKAI_DB_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(dbB)
	got, err := backup.CountRows(dbB)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 25 {
		t.Errorf("only %d tables restored", len(got))
	}
	for table, n := range m.Tables {
		if got[table] != n {
			t.Errorf("%s: %d rows restored, the backup holds %d", table, got[table], n)
		}
	}
	dbA, err := dbconn.Open(envValue(envA, "GONGKAI_DB_DRIVER"), envValue(envA, "GONGKAI_DB_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(dbA)
	var live int64
	dbA.Table("foi_requests").Count(&live)
	if r := m.Tables["foi_requests"]; r < 8+before || r >= live {
		t.Errorf("requests: %d in the backup, %d before it started (plus 8 demo), %d at the end", r, before, live)
	}
	var restoredNumbers, liveNumbers []string
	dbB.Table("foi_requests").Pluck("number", &restoredNumbers)
	dbA.Table("foi_requests").Pluck("number", &liveNumbers)
	liveSet := map[string]bool{}
	for _, n := range liveNumbers {
		liveSet[n] = true
	}
	for _, n := range restoredNumbers {
		if !liveSet[n] {
			t.Errorf("restored request %s is not in the source", n)
		}
	}
	sum, err := backup.SumAttachments(filepath.Join(dirB, "attachments"))
	if err != nil || sum != m.Attachments || sum.Files < 5 {
		t.Errorf("attachments: %+v %v, backup %+v", sum, err, m.Attachments)
	}
	var rows int64
	dbB.Table("attachments").Count(&rows)
	if int64(sum.Files) < rows {
		t.Errorf("%d attachment rows but %d files", rows, sum.Files)
	}
	files, _ := backup.AttachmentFiles(filepath.Join(dirB, "attachments"))
	for _, rel := range files {
		b, _ := os.ReadFile(filepath.Join(dirB, "attachments", rel))
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != path.Base(rel) {
			t.Errorf("attachment %s: content does not match its name", rel)
		}
	}
	if out, errOut, code := runBinary(t, envB, "audit", "verify"); code != 0 {
		t.Errorf("restored audit chain: exit %d\n%s%s", code, out, errOut)
	}
	// The restored server opens the sealed numbers with the restored key.
	b2 := startServer(t, append(envB, "GONGKAI_LOG_LEVEL=warn")...)
	leader := newHTTPClient(b2.base)
	leader.signIn(t, "admin", seed.DemoPassword)
	st, b, _ = leader.do("GET", "/api/v1/requests/"+restoredNumbers[len(restoredNumbers)-1]+"?reveal=1", nil)
	if st != 200 || !strings.Contains(string(b), testID) {
		t.Errorf("reveal on the restored server: %d %s", st, b)
	}
	t.Logf("%s: backup of %d tables, %d attachments while %d requests and %d attachments were written during it; restored and verified",
		m.Driver, len(m.Tables), m.Attachments.Files, during, attached.Load())
}
