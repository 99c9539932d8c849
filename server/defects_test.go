package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"gongkai/account"
	"gongkai/api"
	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/foi"
	"gongkai/inspect"
	"gongkai/search"
	"gongkai/seed"
	"gongkai/web"
)

// pdfOf is a real one-page PDF saying text.
func pdfOf(t testing.TB, text string) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	doc.Cell(0, 10, text)
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipOf is a zip archive of the files.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, body := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// draftOf writes a draft under the unit's first item as its clerk.
func draftOf(t *testing.T, ts *testServer, unit, title string) catalog.Publication {
	t.Helper()
	return newPublication(t, ts, unit, firstItem(t, ts, unit).ID, title)
}

// TestAttachmentsOnlyWhileEditable: an attachment goes through the review
// like the rest of a publication. Once submitted or published none may be
// added (through the API or the back office); a published one is changed
// by a revision, which starts with its attachments and is reviewed again;
// a clerk deletes an attachment of an editable publication, not of a
// published one.
func TestAttachmentsOnlyWhileEditable(t *testing.T) {
	ts := sharedServer(t)
	p := draftOf(t, ts, "sanxi", "三溪镇附件审核测试")
	clerk := ts.login("sanxi-clerk")
	path := "/api/v1/publications/" + itoa(p.ID) + "/attachments"
	if r := clerk.upload(path, "原件.pdf", pdfOf(t, "original")); r.status != 201 {
		t.Fatalf("upload to a draft: %d %s", r.status, r.body)
	}
	if r := clerk.step(p.ID, "submit", submitBody); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := clerk.upload(path, "提交后.pdf", pdfOf(t, "after submission")); r.status != 409 || !strings.Contains(string(r.body), "不能添加附件") {
		t.Errorf("upload to a submitted publication: %d %s", r.status, r.body)
	}
	if r := ts.login("sanxi-leader").step(p.ID, "approve", nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	var pub catalog.Publication
	ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &pub)
	if len(pub.Attachments) != 1 {
		t.Fatalf("published attachments: %+v", pub.Attachments)
	}
	for _, c := range []*client{clerk, ts.login("admin")} {
		if r := c.upload(path, "发布后.pdf", pdfOf(t, "unreviewed")); r.status != 409 || !strings.Contains(string(r.body), "修订") {
			t.Errorf("upload to a published publication: %d %s", r.status, r.body)
		}
	}
	// The back office's form answers the same, on the publication's page.
	if r := clerk.upload("/admin/publications/"+itoa(p.ID)+"/attachments", "表单.pdf", pdfOf(t, "form")); r.status != 409 || !strings.Contains(string(r.body), "不能添加附件") {
		t.Errorf("back-office upload to a published publication: %d", r.status)
	}
	if r := clerk.do("DELETE", path+"/"+itoa(pub.Attachments[0].ID), nil); r.status != 409 {
		t.Errorf("delete from a published publication: %d %s", r.status, r.body)
	}
	ts.anon().do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &pub)
	if len(pub.Attachments) != 1 || pub.Attachments[0].Name != "原件.pdf" {
		t.Fatalf("the published attachments changed: %+v", pub.Attachments)
	}

	// A revision carries the attachments; the clerk changes them there.
	var rev catalog.Publication
	r := clerk.do("POST", "/api/v1/publications/"+itoa(p.ID)+"/revise", nil)
	if r.status != 201 && r.status != 200 {
		t.Fatalf("revise: %d %s", r.status, r.body)
	}
	r.decode(t, &rev)
	ts.login("sanxi-clerk").do("GET", "/api/v1/publications/"+itoa(rev.ID), nil).decode(t, &rev)
	if len(rev.Attachments) != 1 || rev.Attachments[0].SHA256 != pub.Attachments[0].SHA256 {
		t.Fatalf("revision's attachments: %+v", rev.Attachments)
	}
	revPath := "/api/v1/publications/" + itoa(rev.ID) + "/attachments"
	if r := clerk.upload(revPath, "新增.pdf", pdfOf(t, "added in the revision")); r.status != 201 {
		t.Fatalf("upload to the revision: %d %s", r.status, r.body)
	}
	if r := ts.login("miaoshou-clerk").do("DELETE", revPath+"/"+itoa(rev.Attachments[0].ID), nil); r.status != 403 {
		t.Errorf("another township deletes: %d", r.status)
	}
	if r := clerk.do("DELETE", path+"/"+itoa(rev.Attachments[0].ID), nil); r.status != 409 && r.status != 404 {
		t.Errorf("the revision's attachment deleted through the published one: %d", r.status)
	}
	// Through the back office, as a clerk would.
	if r := postForm(clerk, "/admin/publications/"+itoa(rev.ID)+"/attachments/"+itoa(rev.Attachments[0].ID)+"/delete", url.Values{}); r.status != 303 {
		t.Fatalf("delete from the revision: %d %s", r.status, r.body)
	}
	// The published version's file is still there: the two shared it.
	if got := ts.anon().do("GET", "/api/v1/attachments/"+itoa(pub.Attachments[0].ID), nil); got.status != 200 {
		t.Errorf("the published attachment's file went with the revision's: %d", got.status)
	}
	ts.login("sanxi-clerk").do("GET", "/api/v1/publications/"+itoa(rev.ID), nil).decode(t, &rev)
	if len(rev.Attachments) != 1 || rev.Attachments[0].Name != "新增.pdf" {
		t.Fatalf("revision after delete: %+v", rev.Attachments)
	}
	if r := clerk.do("DELETE", revPath+"/"+itoa(rev.Attachments[0].ID), nil); r.status != 204 {
		t.Fatalf("API delete: %d %s", r.status, r.body)
	}
	if _, err := os.Stat(ts.s.attachments.Path(rev.Attachments[0].SHA256)); !os.IsNotExist(err) {
		t.Errorf("an unused file is kept after its attachment was deleted: %v", err)
	}
	var found bool
	var entries []catalog.AuditEntry
	ts.login("admin").do("GET", "/api/v1/audit?unit=sanxi&action=detach", nil).decode(t, &entries)
	for _, e := range entries {
		found = found || e.TargetID == itoa(rev.ID)
	}
	if !found {
		t.Errorf("deletion not audited: %+v", entries)
	}
}

// TestUnreadableAttachments: a file with only the right first bytes is
// refused at upload, and one stored before uploads were checked names
// itself on the publication's page instead of breaking it.
func TestUnreadableAttachments(t *testing.T) {
	ts := sharedServer(t)
	p := draftOf(t, ts, "sanxi", "三溪镇损坏附件测试")
	clerk := ts.login("sanxi-clerk")
	path := "/api/v1/publications/" + itoa(p.ID) + "/attachments"
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4)))
	realPNG := pngBuf.Bytes()
	bigHeader := strings.Repeat("<w:p><w:r><w:t>x</w:t></w:r></w:p>", 20<<20/30)
	for name, content := range map[string][]byte{
		"假.pdf":   []byte("%PDF-1.4\nnot really a pdf at all\n"),
		"假.docx":  []byte("PK\x03\x04 truncated zip"),
		"空壳.docx": zipOf(t, map[string]string{"hello.txt": "hello"}),
		"炸弹.docx": zipOf(t, map[string]string{"word/document.xml": "<w:document/>", "word/header1.xml": bigHeader}),
		"假.png":   []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"截断.png":  realPNG[:len(realPNG)-20],
		"旧.doc":   append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "<html>11010519491231002X</html>"...),
		"旧.xls":   {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1},
	} {
		if r := clerk.upload(path, name, content); r.status != 400 || !strings.Contains(string(r.body), name) {
			t.Errorf("%s accepted: %d %s", name, r.status, r.body)
		}
	}
	// A picture with text behind it: the privacy check reads the text.
	hidden := append(append([]byte(nil), realPNG...), " 身份证 11010519491231002X 手机 13905631234 "...)
	if r := clerk.upload(path, "照片.png", hidden); r.status != 201 {
		t.Fatalf("picture: %d %s", r.status, r.body)
	}
	if r := clerk.step(p.ID, "submit", submitBody); r.status != 400 || !strings.Contains(string(r.body), "身份证号码") || !strings.Contains(string(r.body), "139****1234") {
		t.Errorf("the text behind a picture is not checked: %d %s", r.status, r.body)
	}
	var withPicture catalog.Publication
	clerk.do("GET", "/api/v1/publications/"+itoa(p.ID), nil).decode(t, &withPicture)
	for _, a := range withPicture.Attachments {
		if r := clerk.do("DELETE", path+"/"+itoa(a.ID), nil); r.status != 204 {
			t.Fatalf("delete the picture: %d", r.status)
		}
	}
	// One stored by an earlier version.
	bad := []byte("%PDF-1.4\nbroken\n")
	sum := sha256.Sum256(bad)
	a := catalog.Attachment{Name: "旧附件.pdf", ContentType: "application/pdf", Size: int64(len(bad)), SHA256: hex.EncodeToString(sum[:])}
	dst := ts.s.attachments.Path(a.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, bad, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := ts.s.pubs.AddAttachment(context.Background(), p.ID, &a, catalog.Actor{Username: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"sanxi-clerk", "admin"} {
		r := ts.login(who).do("GET", "/admin/publications/"+itoa(p.ID), nil)
		if r.status != 200 || !strings.Contains(string(r.body), "旧附件.pdf") || !strings.Contains(string(r.body), "无法读取") {
			t.Errorf("%s: publication page with an unreadable attachment: %d", who, r.status)
		}
	}
	// Submitting is refused, naming it, until the clerk deletes it.
	if r := clerk.step(p.ID, "submit", submitBody); r.status != 400 || !strings.Contains(string(r.body), "旧附件.pdf") {
		t.Errorf("submitted with an unreadable attachment: %d %s", r.status, r.body)
	}
	if r := clerk.do("DELETE", path+"/"+itoa(a.ID), nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := clerk.step(p.ID, "submit", submitBody); r.status != 200 {
		t.Errorf("submit after the delete: %d %s", r.status, r.body)
	}
}

// TestSignInNextCannotInjectHeaders: a next address with CR/LF does not
// reach the 303's headers; the sign-in goes to the dashboard.
func TestSignInNextCannotInjectHeaders(t *testing.T) {
	ts := sharedServer(t)
	for _, next := range []string{
		"/admin/\r\nRefresh: 0;url=https://phish.invalid/\r\nSet-Cookie: " + web.Cookie + "=fixated",
		"/admin/review\nSet-Cookie: x=1",
	} {
		c := ts.anon()
		r := postForm(c, "/admin/login", url.Values{"username": {"sanxi-clerk"}, "password": {"Demo-2026-gongkai"}, "next": {next}})
		if r.status != 303 || r.header.Get("Location") != "/admin/" {
			t.Errorf("next %q: %d, Location %q", next, r.status, r.header.Get("Location"))
		}
		if r.header.Get("Refresh") != "" {
			t.Errorf("next %q injected Refresh: %q", next, r.header.Get("Refresh"))
		}
		for _, ck := range r.header.Values("Set-Cookie") {
			if strings.Contains(ck, "fixated") || strings.HasPrefix(ck, "x=") {
				t.Errorf("next %q injected a cookie: %q", next, ck)
			}
		}
		if c.cookie == "" || c.cookie == "fixated" {
			t.Errorf("next %q: session %q", next, c.cookie)
		}
	}
}

// TestInterpretationLinksShowOnlyReadableTitles: an interpretation links
// only to a policy its writer may read (public, or his own unit's); pages
// name linked publications only to those who may read them.
func TestInterpretationLinksShowOnlyReadableTitles(t *testing.T) {
	ts := sharedServer(t)
	secret := draftOf(t, ts, "sanxi", "三溪镇尚未发布的草稿政策")
	policy := draftOf(t, ts, "sanxi", "三溪镇已发布的政策文件")
	publishDraft(t, ts, "sanxi", policy.ID)
	it := firstItem(t, ts, "miaoshou")
	ms := ts.login("miaoshou-clerk")
	body := map[string]any{"title": "庙首镇对三溪镇政策的解读", "generated_on": "2026-11-02", "interprets_id": secret.ID}
	r := ms.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", body)
	if r.status != 400 || strings.Contains(string(r.body), secret.Title) {
		t.Errorf("link to another unit's draft: %d %s", r.status, r.body)
	}
	// The same answer as for a publication that does not exist.
	body["interprets_id"] = 99999999
	r2 := ms.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", body)
	if _, _, m1 := r.errorOf(t); r2.status != 400 || !strings.Contains(m1, "不存在或尚未发布") {
		t.Errorf("unknown link: %d %s / %s", r2.status, r2.body, m1)
	}
	body["interprets_id"] = policy.ID
	var interp catalog.Publication
	if r := ms.do("POST", "/api/v1/items/"+itoa(it.ID)+"/publications", body); r.status != 201 {
		t.Fatalf("link to a published policy: %d %s", r.status, r.body)
	} else {
		r.decode(t, &interp)
	}
	// Switching the link to the draft by an update is refused too.
	interp.InterpretsID = &secret.ID
	if r := ms.do("PUT", "/api/v1/publications/"+itoa(interp.ID), interp); r.status != 400 {
		t.Errorf("update to another unit's draft: %d %s", r.status, r.body)
	}
	// 三溪镇's staff do not see 庙首镇's draft interpretation on their policy.
	if r := ts.login("sanxi-clerk").do("GET", "/admin/publications/"+itoa(policy.ID), nil); r.status != 200 || strings.Contains(string(r.body), "庙首镇对三溪镇政策的解读") {
		t.Errorf("another unit's draft interpretation named on the policy's page: %d", r.status)
	}
	if r := ts.login("admin").do("GET", "/admin/publications/"+itoa(policy.ID), nil); !strings.Contains(string(r.body), "庙首镇对三溪镇政策的解读") {
		t.Error("the county office does not see the interpretation")
	}
	// Once the policy is withdrawn its title is 三溪镇's again.
	if r := ts.login("sanxi-leader").step(policy.ID, "withdraw", map[string]string{"reason": "政策废止"}); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if r := ms.do("GET", "/admin/publications/"+itoa(interp.ID), nil); r.status != 200 || strings.Contains(string(r.body), policy.Title) {
		t.Errorf("a withdrawn policy of another unit named: %d", r.status)
	}
}

// TestNobodyLocksAColleagueOut: five wrong passwords from one address stop
// that address trying the account, while its owner signs in from another
// and is told of the failures; an unknown name is answered the same way
// at every step; only many failures from several addresses lock the
// account for everyone, ending its sessions, audited.
func TestNobodyLocksAColleagueOut(t *testing.T) {
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5,
		AuditRetentionDays: 190, KioskIdle: 120, KioskCountdown: 30, TrustedProxies: []string{"0.0.0.0/0"}}
	ts := openTestServer(t, cfg)
	const password = "Baidi-leader-2026"
	hash, err := account.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &account.User{Username: "baidi-leader", PasswordHash: hash}
	if err := ts.s.accounts.CreateUser(context.Background(), u, catalog.Actor{Username: "test"}); err != nil {
		t.Fatal(err)
	}
	signIn := func(c *client, from, name, pw string) response {
		t.Helper()
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, name, pw)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Real-IP", from)
		return c.send(req)
	}
	answer := func(r response) string {
		code, _, msg := r.errorOf(t)
		// The time in a lock message differs by the minute at most.
		if i := strings.Index(msg, "请于"); i >= 0 {
			msg = msg[:i]
		}
		return fmt.Sprint(r.status, code, msg)
	}
	owner := ts.anon()
	if r := signIn(owner, "10.0.0.50", "baidi-leader", password); r.status != 201 {
		t.Fatalf("owner's first sign-in: %d %s", r.status, r.body)
	}
	// An attacker tries the real name and an unknown one from one address.
	for i := 1; i <= 6; i++ {
		known := signIn(ts.anon(), "10.0.0.66", "baidi-leader", "Wrong-guess-1")
		unknown := signIn(ts.anon(), "10.0.0.67", "baidi-nobody", "Wrong-guess-1")
		if answer(known) != answer(unknown) {
			t.Errorf("try %d: known %s, unknown %s", i, known.body, unknown.body)
		}
		want := 401
		if i >= 5 {
			want = 423
		}
		if known.status != want {
			t.Errorf("try %d: %d, want %d (%s)", i, known.status, want, known.body)
		}
	}
	// Even the right password from that address waits.
	if r := signIn(ts.anon(), "10.0.0.66", "baidi-leader", password); r.status != 423 {
		t.Errorf("right password from the guessing address: %d", r.status)
	}
	// The owner's session goes on, and the owner signs in from elsewhere,
	// told of the five failures (the tries refused unchecked are not).
	if r := owner.do("GET", "/api/v1/session", nil); r.status != 200 {
		t.Errorf("the owner's session ended: %d", r.status)
	}
	second := ts.anon()
	r := signIn(second, "10.0.0.51", "baidi-leader", password)
	var v api.SessionView
	if r.status != 201 {
		t.Fatalf("owner from another address: %d %s", r.status, r.body)
	}
	r.decode(t, &v)
	if v.User.FailedSignIns != 5 {
		t.Errorf("owner told of %d failures, want 5", v.User.FailedSignIns)
	}
	if page := second.do("GET", "/admin/", nil); !strings.Contains(string(page.body), "错误的密码尝试登录您的账号5次") {
		t.Error("the back office does not tell the owner of the failures")
	}
	// Failures from several addresses, beyond the county-wide bound, lock
	// the account for everyone; the unknown name likewise.
	var lastKnown, lastUnknown response
	for i := 0; i < account.CountyLockFailures; i++ {
		from := fmt.Sprintf("10.0.1.%d", i%account.CountyLockAddresses+1)
		lastKnown = signIn(ts.anon(), from, "baidi-leader", "Wrong-guess-2")
		lastUnknown = signIn(ts.anon(), from, "baidi-nobody", "Wrong-guess-2")
	}
	if lastKnown.status != 423 || answer(lastKnown) != answer(lastUnknown) {
		t.Errorf("county-wide lock: known %d %s, unknown %d %s", lastKnown.status, lastKnown.body, lastUnknown.status, lastUnknown.body)
	}
	if r := signIn(ts.anon(), "10.0.0.52", "baidi-leader", password); r.status != 423 {
		t.Errorf("right password from a fresh address on a locked account: %d", r.status)
	}
	if r := second.do("GET", "/api/v1/session", nil); r.status != 401 {
		t.Errorf("a session of the locked account goes on: %d", r.status)
	}
	entries, err := ts.s.catalog.FindAudit(context.Background(), catalog.AuditFilter{Object: "account", Action: "lock"})
	if err != nil || len(entries) != 1 || entries[0].TargetID != itoa(u.ID) {
		t.Errorf("lock audited: %+v %v", entries, err)
	}
	// Half an hour on (every window and the account's lock moved back),
	// the known and the unknown name are answered alike again.
	back := func(col string) {
		t.Helper()
		table := "throttles"
		if col == "locked_until" {
			table = "users"
		}
		if err := ts.s.db.Exec(fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s IS NOT NULL", table, col, col), time.Now().UTC().Add(-31*time.Minute)).Error; err != nil {
			t.Fatal(err)
		}
	}
	back("window_start")
	back("expires_at")
	back("locked_until")
	known := signIn(ts.anon(), "10.0.2.1", "baidi-leader", "Wrong-guess-3")
	unknown := signIn(ts.anon(), "10.0.2.2", "baidi-nobody", "Wrong-guess-3")
	if known.status != 401 || answer(known) != answer(unknown) {
		t.Errorf("after the lock: known %d %s, unknown %d %s", known.status, known.body, unknown.status, unknown.body)
	}
	// Names the database's collation would match to the account are not
	// looked up: they never sign in, and never reach its lock.
	for _, name := range []string{"báidi-leader", "baidi-leader ", "BAIDI-LEADER"} {
		if r := signIn(ts.anon(), "10.0.3.1", name, password); r.status != 401 {
			t.Errorf("%q with the right password: %d %s", name, r.status, r.body)
		}
	}
}

// TestParallelApplicationsAreCountedOneByOne: twenty applications sent at
// once from one address get five receipts; the addresses of one IPv6 /64
// share its allowance.
func TestParallelApplicationsAreCountedOneByOne(t *testing.T) {
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, Demo: true, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5,
		AuditRetentionDays: 190, KioskIdle: 120, KioskCountdown: 30, PublicURL: testPublicURL, TrustedProxies: []string{"0.0.0.0/0", "::/0"}}
	ts := openTestServer(t, cfg)
	body, _ := json.Marshal(application())
	apply := func(from string) int {
		req := httptest.NewRequest("POST", "/api/v1/requests", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Real-IP", from)
		res, err := ts.app.Test(req, -1)
		if err != nil {
			return -1
		}
		res.Body.Close()
		return res.StatusCode
	}
	var wg sync.WaitGroup
	var accepted, refused atomic.Int32
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch apply("10.0.9.9") {
			case 201:
				accepted.Add(1)
			case 429:
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	if accepted.Load() != 5 || refused.Load() != 15 {
		t.Errorf("20 at once: %d accepted, %d refused", accepted.Load(), refused.Load())
	}
	for i := 1; i <= 6; i++ {
		want := 201
		if i == 6 {
			want = 429
		}
		if got := apply(fmt.Sprintf("2001:db8:1:2::%x", i)); got != want {
			t.Errorf("IPv6 address %d of one /64: %d, want %d", i, got, want)
		}
	}
	if got := apply("2001:db8:1:3::1"); got != 201 {
		t.Errorf("another /64: %d", got)
	}
}

// TestApplicationsFromOneAddressAreThrottled: an address gets five
// applications an hour (refused forms cost nothing), then 429 with a
// Chinese message, the kiosk's form kept; a registered kiosk screen gets
// more; the county office's leader merges a flood into one request, which
// the annual report then counts once.
func TestApplicationsFromOneAddressAreThrottled(t *testing.T) {
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, Demo: true, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5,
		AuditRetentionDays: 190, KioskIdle: 120, KioskCountdown: 30, PublicURL: testPublicURL, TrustedProxies: []string{"0.0.0.0/0"}}
	ts := openTestServer(t, cfg)
	apply := func(from string, body map[string]any) response {
		t.Helper()
		b, _ := json.Marshal(body)
		req := httptest.NewRequest("POST", "/api/v1/requests", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Real-IP", from)
		return ts.anon().send(req)
	}
	newCount := func() int {
		var rep foi.Report
		ts.login("admin").do("GET", fmt.Sprintf("/api/v1/reports/annual?year=%d&unit=zhengfuban", time.Now().In(catalog.Shanghai).Year()), nil).decode(t, &rep)
		return rep.Rows[0].Cells[6]
	}
	before := newCount()
	var numbers []string
	for i := 1; i <= 5; i++ {
		r := apply("10.0.0.7", application())
		if r.status != 201 {
			t.Fatalf("application %d: %d %s", i, r.status, r.body)
		}
		var rc struct{ Number string }
		r.decode(t, &rc)
		numbers = append(numbers, rc.Number)
	}
	r := apply("10.0.0.7", application())
	if code, _, msg := r.errorOf(t); r.status != 429 || code != "too_many_requests" || !strings.Contains(msg, "一小时内已提交5件") {
		t.Errorf("sixth application: %d %s", r.status, r.body)
	}
	// The kiosk's form says so and keeps what was typed.
	form := url.Values{"step": {"submit"}, "applicant_type": {"person"}, "name": {"张凤英"}, "id_type": {"resident_id"}, "id_number": {testID},
		"address": {"旌德县旌阳镇文化路1号"}, "phone": {"13905631234"}, "description": {"2019年度县政府办公室部门预算"}, "form": {"paper"}}
	req := httptest.NewRequest("POST", "/kiosk/apply", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Real-IP", "10.0.0.7")
	if r := ts.anon().send(req); r.status != 429 || !strings.Contains(string(r.body), "一小时内已提交5件") || !strings.Contains(string(r.body), "文化路1号") {
		t.Errorf("kiosk form over the limit: %d", r.status)
	}
	// Refused forms cost nothing: another address's five bad ones leave
	// its allowance whole.
	bad := application()
	bad["description"] = ""
	for i := 0; i < 6; i++ {
		if r := apply("10.0.0.8", bad); r.status != 400 {
			t.Fatalf("bad application: %d", r.status)
		}
	}
	if r := apply("10.0.0.8", application()); r.status != 201 {
		t.Errorf("a good application after refused ones: %d %s", r.status, r.body)
	}
	// A registered kiosk screen gets more.
	if r := postForm(ts.login("admin"), "/admin/kiosk/points", url.Values{"code": {"county-hall"}, "name": {"旌德县政府信息公开查询点"},
		"unit_code": {"zhengfuban"}, "screens": {"10.0.0.9, 10.0.3.0/28"}}); r.status != 303 {
		t.Fatalf("register the screens: %d %s", r.status, r.body)
	}
	for _, from := range []string{"10.0.0.9", "10.0.3.5"} {
		for i := 1; i <= 7; i++ {
			if r := apply(from, application()); r.status != 201 {
				t.Fatalf("screen %s, application %d: %d %s", from, i, r.status, r.body)
			}
		}
	}
	if r := postForm(ts.login("admin"), "/admin/kiosk/points", url.Values{"code": {"county-hall"}, "name": {"查询点"},
		"unit_code": {"zhengfuban"}, "screens": {"10.0.0.0/8"}}); r.status != 400 || !strings.Contains(string(r.body), "10.0.0.0/8") {
		t.Errorf("a whole network as a screen: %d", r.status)
	}

	// The five from 10.0.0.7 are marked as alike, and merged into the
	// first by the county office's leader (not its clerk).
	leader := ts.login("zhengfuban-leader")
	if page := leader.do("GET", "/admin/requests?unit=zhengfuban", nil); !strings.Contains(string(page.body), "疑似重复：与"+numbers[0]+"相同") {
		t.Error("the requests list does not mark the flood")
	}
	merge := map[string]string{"into": numbers[0], "note": "同一申请人短时间内提交内容相同的申请"}
	if r := ts.login("zhengfuban-clerk").do("POST", "/api/v1/requests/"+numbers[1]+"/merge", merge); r.status != 403 {
		t.Errorf("the clerk merges: %d", r.status)
	}
	for _, n := range numbers[1:] {
		if r := leader.do("POST", "/api/v1/requests/"+n+"/merge", merge); r.status != 200 {
			t.Fatalf("merge %s: %d %s", n, r.status, r.body)
		}
	}
	var merged foi.Request
	leader.do("GET", "/api/v1/requests/"+numbers[1], nil).decode(t, &merged)
	if merged.State != foi.Closed || merged.MergedInto != numbers[0] {
		t.Errorf("merged request: %s into %q", merged.State, merged.MergedInto)
	}
	if r := leader.do("POST", "/api/v1/requests/"+numbers[0]+"/merge", map[string]string{"into": numbers[1], "note": "x"}); r.status != 400 {
		t.Errorf("merge into a merged request: %d %s", r.status, r.body)
	}
	if got := newCount(); got != before+1+1+14 {
		t.Errorf("new requests in the annual report: %d, want %d (the flood counted once)", got, before+16)
	}
}

// TestReceiptsNeedTheirToken: an api.Receipt or status page is reached only
// with the request's unguessable token (which the application's answer and
// the receipt's QR code carry) or its phone digits; numbers in any other
// spelling — full-width, zero-width characters — are one number to the
// throttle, and malformed ones are refused.
func TestReceiptsNeedTheirToken(t *testing.T) {
	driver, dsn := dbtest.DSN(t)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Driver: driver, DSN: dsn, Demo: true, DemoSet: true, MaxUpload: 1 << 20, RectifyWorkdays: 5,
		AuditRetentionDays: 190, KioskIdle: 120, KioskCountdown: 30, PublicURL: testPublicURL, TrustedProxies: []string{"0.0.0.0/0"},
		ApplicationsPerHour: testApplicationsPerHour}
	ts := openTestServer(t, cfg)
	get := func(from, path string) response {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("X-Real-IP", from)
		return ts.anon().send(req)
	}
	var rc api.Receipt
	r := ts.anon().do("POST", "/api/v1/requests", application())
	if r.status != 201 {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	r.decode(t, &rc)
	if !strings.Contains(rc.ReceiptURL, "?t=") || !strings.Contains(rc.StatusURL, "&t=") {
		t.Fatalf("receipt without its token: %+v", rc)
	}
	// The paper carries a lookup address one can type (the QR carries the
	// status link with its token).
	if got := get("10.0.1.1", rc.ReceiptURL); got.status != 200 || !strings.Contains(string(got.body), rc.Number) ||
		!strings.Contains(string(got.body), html.EscapeString(testPublicURL+"/kiosk/progress")) {
		t.Errorf("receipt with its token: %d", got.status)
	}
	if got := get("10.0.1.1", rc.StatusURL); got.status != 200 || !strings.Contains(string(got.body), "办理中") {
		t.Errorf("status with its token: %d", got.status)
	}
	// The demo's 2020 receipts, and this one without or with a wrong
	// token, are not there.
	for _, path := range []string{"/kiosk/receipt/2020-00001", "/kiosk/receipt/" + rc.Number, "/kiosk/receipt/" + rc.Number + "?t=AAAAAAAAAAAAAAAAAAAAAAAA"} {
		if got := get("10.0.1.2", path); got.status != 404 || strings.Contains(string(got.body), rc.Number+"</") {
			t.Errorf("%s: %d", path, got.status)
		}
	}
	// Lookups by phone digits: full-width and zero-width spellings are the
	// same number, so ten wrong guesses in any spelling (one was the wrong
	// token above) use up its tries.
	full := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		if r == '-' {
			return '－'
		}
		return r
	}, rc.Number)
	status := func(from, number, phone4 string) response {
		return get(from, "/api/v1/requests/status?number="+url.QueryEscape(number)+"&phone4="+url.QueryEscape(phone4))
	}
	if got := status("10.0.2.1", full, "１２３４"); got.status != 200 {
		t.Errorf("full-width number and digits: %d %s", got.status, got.body)
	}
	for i := 0; i < statusTries-1; i++ {
		spelling := []string{full, rc.Number[:5] + "\u200b" + rc.Number[5:], "\ufeff" + rc.Number, strings.ReplaceAll(rc.Number, "-", "")}[i%4]
		if got := status(fmt.Sprintf("10.0.3.%d", i+1), spelling, "0000"); got.status != 404 {
			t.Fatalf("wrong guess %d (%q): %d %s", i, spelling, got.status, got.body)
		}
	}
	if got := status("10.0.4.1", rc.Number, "1234"); got.status != 429 {
		t.Errorf("after ten wrong guesses in other spellings, from a fresh address: %d", got.status)
	}
	for _, bad := range []string{"2026/00017", "2026-0001７x", "' OR 1=1 --", strings.Repeat("9", 100)} {
		if got := status("10.0.5.1", bad, "1234"); got.status != 400 {
			t.Errorf("malformed number %q: %d", bad, got.status)
		}
	}
}

// TestBodiesAreLimitedByRoute: each route takes the body it needs and no
// more, refused (413, in Chinese) from its headers: an application a few
// kilobytes, an attachment the configured maximum — and more than an
// anonymous write's only with a live session.
func TestBodiesAreLimitedByRoute(t *testing.T) {
	// Over a real connection: fasthttp refuses the body before the app.
	ts := sharedServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := ts.s.newApp()
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	base := "http://" + ln.Addr().String()
	session := web.Cookie + "=" + ts.login("sanxi-clerk").cookie
	// A body the route would refuse is announced but never sent: the
	// answer must come from the headers alone (and sending it would race
	// the server's closing of the connection).
	refused := func(method, target, cookie string, n int) response {
		t.Helper()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(time.Minute)) // a body awaited instead: fail, not hang
		fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nCookie: %s\r\nContent-Length: %d\r\n\r\n", method, target, cookie, n)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return response{status: -1, body: []byte(err.Error())}
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return response{status: res.StatusCode, body: b}
	}
	send := func(method, path, ct, cookie string, n int) response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(bytes.Repeat([]byte("a"), n)))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Cookie", cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return response{status: -1, body: []byte(err.Error())}
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return response{status: res.StatusCode, body: b, header: res.Header}
	}
	const multipart = "multipart/form-data; boundary=x"
	for _, c := range []struct {
		method, path, ct, cookie string
		n                        int
		tooLarge                 bool
	}{
		{"POST", "/api/v1/requests", "application/json", "", 100 << 10, true},
		{"POST", "/API/V1/REQUESTS/", "application/json", "", 100 << 10, true},
		{"POST", "/api/v1/requests?x=1", "application/json", "", 100 << 10, true},
		{"POST", "/api/v1/requests#/attachments", "application/json", session, 20 << 20, true},
		{"POST", base + "/api/v1/requests", "application/json", session, 100 << 10, true},
		{"POST", "/kiosk/apply", "application/x-www-form-urlencoded", "", 100 << 10, true},
		{"POST", "/kiosk/hw", "application/json", "", 100 << 10, true},
		{"POST", "/kiosk/apply#/import", "application/x-www-form-urlencoded", session, 10 << 20, true},
		{"POST", "/api/v1/session", "application/json", "", 100 << 10, true},
		{"POST", "/admin/login", "application/x-www-form-urlencoded", "", 100 << 10, true},
		{"GET", "/kiosk/", "text/plain", session, 64 << 10, true},
		{"PUT", "/api/v1/publications/1", "application/json", session, 5 << 20, true},
		// Without a live session nothing larger than an application.
		{"POST", "/api/v1/publications/1/attachments", multipart, "", 1 << 20, true},
		{"POST", "/api/v1/publications/1/attachments", multipart, web.Cookie + "=forged", 1 << 20, true},
		{"PUT", "/api/v1/publications/1", "application/json", "", 1 << 20, true},
		{"POST", "/api/v1/requests", "application/json", "", 2 << 10, false},
		// With one, an upload route takes the configured maximum (1 MB in
		// tests), a workbook import 20 MB.
		{"POST", "/api/v1/publications/1/attachments", multipart, session, 1 << 20, false},
		{"POST", "/api/v1/publications/1/attachments", multipart, session, 3 << 20, true},
		{"POST", "/api/v1/units/sanxi/catalog/import", multipart, session, 3 << 20, false},
	} {
		var r response
		if c.tooLarge {
			r = refused(c.method, c.path, c.cookie, c.n)
		} else {
			r = send(c.method, c.path, c.ct, c.cookie, c.n)
		}
		if got := r.status == 413; got != c.tooLarge {
			t.Errorf("%s %s (cookie %v) with %d KB: %d %.200s", c.method, c.path, c.cookie != "", c.n>>10, r.status, r.body)
			continue
		}
		if c.tooLarge && !strings.Contains(string(r.body), "提交的内容过大") {
			t.Errorf("%s %s: refusal %s", c.method, c.path, r.body)
		}
	}
	// A search of 2,000 characters overflows the request line: refused in
	// Chinese on the kiosk's own page.
	r := send("GET", "/kiosk/search?q="+url.QueryEscape(strings.Repeat("低保", 1000)), "text/plain", "", 0)
	if r.status != 431 || !strings.Contains(string(r.body), "请求过长，请缩短搜索的字词后重试") || !strings.Contains(string(r.body), "<html") {
		t.Errorf("a long search: %d %.300s", r.status, r.body)
	}
}

// TestSeparationOfDuties: the system administrator alone cannot reset the
// auditor's or the security administrator's password (a security
// administrator who did not ask sets it), and the inspector reads no
// accounts.
func TestSeparationOfDuties(t *testing.T) {
	ts := sharedServer(t)
	for _, path := range []string{"/api/v1/users", "/admin/users"} {
		if r := ts.login("inspector").do("GET", path, nil); r.status != 403 {
			t.Errorf("inspector reads %s: %d", path, r.status)
		}
	}
	if r := ts.login("inspector").do("GET", "/api/v1/audit", nil); r.status != 200 {
		t.Errorf("inspector no longer reads the audit log: %d", r.status)
	}
	// Nor through the audit log, or the filing's consistency check.
	if r := ts.login("sysadmin").do("POST", "/api/v1/users", map[string]string{"username": "probe-user", "display_name": "探针", "unit_code": "miaoshou", "password": "Probe-user-2026"}); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	for _, object := range catalog.AccountObjects {
		var es []catalog.AuditEntry
		ts.login("inspector").do("GET", "/api/v1/audit?object="+object, nil).decode(t, &es)
		if len(es) != 0 {
			t.Errorf("inspector reads %d %s entries", len(es), object)
		}
		if page := ts.login("inspector").do("GET", "/admin/audit?object="+object, nil); strings.Contains(string(page.body), "probe-user") {
			t.Errorf("inspector's audit page shows %s entries", object)
		}
	}
	var es []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?object=account", nil).decode(t, &es)
	if len(es) == 0 {
		t.Error("the auditor does not see the accounts' entries")
	}
	if r := ts.login("inspector").do("GET", "/api/v1/units/miaoshou/filings/consistency", nil); r.status != 200 || strings.Contains(string(r.body), "miaoshou-clerk") {
		t.Errorf("consistency names accounts to the inspector: %d %s", r.status, r.body)
	}
	var users []account.User
	ts.login("sysadmin").do("GET", "/api/v1/users", nil).decode(t, &users)
	id := map[string]int64{}
	for _, u := range users {
		id[u.Username] = u.ID
	}
	sys := ts.login("sysadmin")
	const taken = "Taken-over-2026"
	r := sys.do("POST", "/api/v1/users/"+itoa(id["auditor"])+"/password", map[string]string{"password": taken})
	if r.status != 202 || !strings.Contains(string(r.body), "安全管理员确认") {
		t.Fatalf("sysadmin resets the auditor: %d %s", r.status, r.body)
	}
	// Nothing changed yet: the auditor's own password still works, the
	// requested one does not.
	ts.login("auditor")
	if r := ts.anon().do("POST", "/api/v1/session", map[string]string{"username": "auditor", "password": taken}); r.status == 201 {
		t.Fatal("the system administrator signed in as the auditor")
	}
	if r := sys.do("POST", "/api/v1/users/"+itoa(id["auditor"])+"/password/confirm", map[string]string{"password": taken}); r.status != 403 {
		t.Errorf("sysadmin confirms his own request: %d", r.status)
	}
	sec := ts.login("secadmin")
	if r := sec.do("POST", "/api/v1/users/"+itoa(id["zhengfuban-clerk"])+"/password/confirm", map[string]string{"password": "Whatever-2026-x"}); r.status != 409 {
		t.Errorf("confirm without a request: %d %s", r.status, r.body)
	}
	const fresh = "Auditor-new-2026"
	if r := sec.do("POST", "/api/v1/users/"+itoa(id["auditor"])+"/password/confirm", map[string]string{"password": fresh}); r.status != 204 {
		t.Fatalf("secadmin confirms: %d %s", r.status, r.body)
	}
	var v api.SessionView
	r = ts.anon().do("POST", "/api/v1/session", map[string]string{"username": "auditor", "password": fresh})
	if r.status != 201 {
		t.Fatalf("auditor with the new password: %d %s", r.status, r.body)
	}
	r.decode(t, &v)
	if !v.MustChangePassword {
		t.Error("the auditor need not choose his own password")
	}
	// The security administrator's own password: pending too, and he may
	// not confirm it himself.
	if r := sys.do("POST", "/api/v1/users/"+itoa(id["secadmin"])+"/password", map[string]string{"password": taken}); r.status != 202 {
		t.Errorf("sysadmin resets the secadmin: %d", r.status)
	}
	if r := sec.do("POST", "/api/v1/users/"+itoa(id["secadmin"])+"/password/confirm", map[string]string{"password": fresh}); r.status != 403 {
		t.Errorf("secadmin confirms a reset of his own account: %d", r.status)
	}
	// Anyone else's password is reset at once, as before.
	if r := sys.do("POST", "/api/v1/users/"+itoa(id["sanxi-clerk"])+"/password", map[string]string{"password": "Sanxi-clerk-2026"}); r.status != 204 {
		t.Errorf("sysadmin resets a clerk: %d %s", r.status, r.body)
	}
	entries, _ := ts.s.catalog.FindAudit(context.Background(), catalog.AuditFilter{Object: "account"})
	var asked, confirmed bool
	for _, e := range entries {
		asked = asked || e.Action == "request_reset" && e.Username == "sysadmin"
		confirmed = confirmed || e.Action == "reset_password_confirmed" && e.Username == "secadmin"
	}
	if !asked || !confirmed {
		t.Errorf("audit: request %v, confirmation %v", asked, confirmed)
	}
}

// TestPastQuarterIsJudgedOnItsOwnCatalogue: a quarter is judged on the
// catalogue as it stood at its end, so a report of 2020Q3 is the same
// after an item is created, retired or changed today — while today's
// quarter sees the change.
func TestPastQuarterIsJudgedOnItsOwnCatalogue(t *testing.T) {
	ts := sharedServer(t)
	inspector := ts.login("inspector")
	findings := func(quarter, unit string) string {
		t.Helper()
		var rep inspect.Report
		r := inspector.do("GET", "/api/v1/inspections/"+quarter, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", quarter, r.status, r.body)
		}
		r.decode(t, &rep)
		for _, u := range rep.Units {
			if u.Code == unit {
				b, _ := json.Marshal(u.Findings)
				return string(b)
			}
		}
		t.Fatalf("%s: no %s", quarter, unit)
		return ""
	}
	before := findings("2020Q3", "miaoshou")
	today := time.Now().In(catalog.Shanghai)
	now := inspect.Quarter{Year: today.Year(), N: (int(today.Month())-1)/3 + 1}
	clerk := ts.login("miaoshou-clerk")
	// A monthly column created today, never published under.
	body := newItemBody("2026年新设的按月公开栏目")
	body["time_limit"] = "按月公开"
	var created catalog.Item
	if r := clerk.do("POST", "/api/v1/units/miaoshou/items", body); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	} else {
		r.decode(t, &created)
	}
	var items []catalog.Item
	ts.anon().do("GET", "/api/v1/units/miaoshou/items", nil).decode(t, &items)
	var retire, change catalog.Item
	for _, it := range items {
		if it.ID != created.ID && retire.ID == 0 {
			retire = it
		} else if it.ID != created.ID && change.ID == 0 {
			change = it
		}
	}
	if r := clerk.do("DELETE", "/api/v1/items/"+itoa(retire.ID), map[string]string{"reason": "机构改革，栏目撤并"}); r.status != 200 {
		t.Fatalf("retire: %d %s", r.status, r.body)
	}
	change.TimeLimitText = "实时"
	if r := clerk.do("PUT", "/api/v1/items/"+itoa(change.ID), change); r.status != 200 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if after := findings("2020Q3", "miaoshou"); after != before {
		t.Errorf("2020Q3 changed with today's catalogue:\nbefore %s\nafter  %s", before, after)
	}
	// Nor with what is approved or withdrawn today: a publication dated
	// back into the quarter, and one of the quarter's withdrawn.
	var stale inspect.Report
	inspector.do("GET", "/api/v1/inspections/2020Q3", nil).decode(t, &stale)
	var staleItem int64
	for _, u := range stale.Units {
		for _, f := range u.Findings {
			for _, e := range f.Evidence {
				if u.Code == "miaoshou" && f.Code == "stale_quarter" && e.ID != retire.ID && e.ID != change.ID {
					staleItem = e.ID
				}
			}
		}
	}
	if staleItem == 0 {
		t.Fatalf("no stale column of miaoshou in 2020Q3: %s", before)
	}
	var back catalog.Publication
	r := clerk.do("POST", "/api/v1/items/"+itoa(staleItem)+"/publications", map[string]any{"title": "补发的2020年三季度信息", "generated_on": "2020-08-10",
		"published_on": "2020-08-12T09:00:00+08:00"})
	if r.status != 201 {
		t.Fatalf("backdated draft: %d %s", r.status, r.body)
	}
	r.decode(t, &back)
	publishDraft(t, ts, "miaoshou", back.ID)
	var pubs []catalog.Publication
	clerk.do("GET", "/api/v1/units/miaoshou/publications?status=published&limit=500", nil).decode(t, &pubs)
	var q3 *catalog.Publication
	for i, p := range pubs {
		if d := p.PublishedOn.In(catalog.Shanghai); d.Year() == 2020 && d.Month() >= 7 && d.Month() <= 9 && p.ID != back.ID {
			q3 = &pubs[i]
		}
	}
	if q3 == nil {
		t.Fatal("no 2020Q3 publication of miaoshou")
	}
	if r := ts.login("miaoshou-leader").step(q3.ID, "withdraw", map[string]string{"reason": "信息已过时"}); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if after := findings("2020Q3", "miaoshou"); after != before {
		t.Errorf("2020Q3 changed with today's approvals and withdrawals:\nbefore %s\nafter  %s", before, after)
	}
	if !strings.Contains(findings(now.String(), "miaoshou"), "2026年新设的按月公开栏目") {
		t.Error("today's quarter does not see the new column")
	}
}

// TestSearchFindsWhatWasJustApproved: a publication approved here is found
// by the very next search, one taken down is not, new aliases and an item
// renamed apply at once — and none of it builds the index anew (the
// changes are in the delta); a rebuild on demand is audited.
func TestSearchFindsWhatWasJustApproved(t *testing.T) {
	ts := sharedServer(t)
	find := func(q string, id int64) bool {
		t.Helper()
		res, err := ts.s.search.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Pubs {
			if h.ID == id {
				return true
			}
		}
		return false
	}
	if _, err := ts.s.search.Search(t.Context(), "低保"); err != nil { // the first build
		t.Fatal(err)
	}
	it := firstItem(t, ts, "baidi")
	const title = "白地镇关于秸秆综合利用补助发放的公告"
	p := newPublication(t, ts, "baidi", it.ID, title)
	if find(title, p.ID) {
		t.Fatal("a draft is found")
	}
	publishDraft(t, ts, "baidi", p.ID)
	if !find(title, p.ID) || !find("bdzgyjgzhlybzffdgg", p.ID) {
		t.Error("the approved publication is not found by the next search")
	}
	// The demo loaded just before the first build: those changes were
	// folded in once. From here on no change builds the index anew.
	builds, _ := ts.s.search.Builds()
	if r := ts.login("admin").step(p.ID, "takedown", map[string]string{"reason": "privacy"}); r.status != 200 {
		t.Fatalf("takedown: %d %s", r.status, r.body)
	}
	if find(title, p.ID) {
		t.Error("a publication taken down is found")
	}
	groups := append(append([]search.AliasGroup(nil), seed.DefaultAliases...), search.AliasGroup{"秸秆", "麦草"})
	if err := ts.s.kioskStore.SaveAliases(t.Context(), groups, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.s.pollRevisions(t.Context()); err != nil {
		t.Fatal(err)
	}
	res, err := ts.s.search.Search(t.Context(), "麦草")
	if err != nil || !slices.Contains(res.Expanded, "秸秆") {
		t.Errorf("a new alias is not applied at once: %v %v", res.Expanded, err)
	}
	// An item renamed is found by its new name, not its old, at once.
	admin := ts.login("admin")
	it.Level2 = "秸秆综合利用专栏"
	if r := admin.do("PUT", "/api/v1/items/"+itoa(it.ID), it); r.status != 200 {
		t.Fatalf("rename the item: %d %s", r.status, r.body)
	}
	if res, err := ts.s.search.Search(t.Context(), "秸秆综合利用专栏"); err != nil || len(res.Items) != 1 || res.Items[0].ID != it.ID {
		t.Errorf("the renamed item: %+v %v", res.Items, err)
	}
	// None of it built the index anew: the changes are in the delta.
	if after, delta := ts.s.search.Builds(); after != builds || delta == 0 {
		t.Errorf("%d full builds after the changes (%d before), %d documents in the delta", after, builds, delta)
	}
	// On demand (查阅点与搜索 → 重建搜索索引), audited.
	if r := postForm(admin, "/admin/kiosk/reindex", url.Values{}); r.status != 303 {
		t.Errorf("reindex: %d %s", r.status, r.body)
	}
	var audit []catalog.AuditEntry
	ts.login("auditor").do("GET", "/api/v1/audit?limit=5", nil).decode(t, &audit)
	if !slices.ContainsFunc(audit, func(a catalog.AuditEntry) bool { return a.Action == "reindex" && a.Username == "admin" }) {
		t.Errorf("the rebuild is not on record: %+v", audit)
	}
}

// TestSearchAPI: GET /api/v1/search answers as the kiosk's search does —
// characters, pinyin, synonyms, marked title parts — narrowed by unit,
// domain and dates, paged by key without repeats, public data only (a
// draft is not found, an approved publication at once); bad parameters are
// refused naming the field.
func TestSearchAPI(t *testing.T) {
	ts := sharedServer(t)
	anon := ts.anon()
	type hit struct {
		Kind, Unit, Domain, Title, URL string
		PublishedOn                    string `json:"published_on"`
		ID                             int64
		TitleParts                     []struct {
			Text string
			Mark bool
		} `json:"title_parts"`
	}
	type page struct {
		Total        int
		Expanded     []string
		Pinyin       bool
		Units, Items []hit
		Publications []hit
		Next         string
	}
	get := func(query string) page {
		t.Helper()
		var p page
		r := anon.do("GET", "/api/v1/search?"+query, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", query, r.status, r.body)
		}
		r.decode(t, &p)
		return p
	}
	p := get("q=" + url.QueryEscape("低保"))
	if p.Total == 0 || len(p.Publications) == 0 || !slices.Contains(p.Expanded, "最低生活保障") {
		t.Fatalf("低保: %+v", p)
	}
	marked := false
	for _, part := range p.Publications[0].TitleParts {
		marked = marked || part.Mark && strings.Contains(part.Text, "低保")
	}
	if !marked || !strings.HasPrefix(p.Publications[0].URL, "/kiosk/publications/") || p.Publications[0].PublishedOn == "" {
		t.Errorf("the first hit: %+v", p.Publications[0])
	}
	if py := get("q=dibao"); !py.Pinyin || py.Total == 0 {
		t.Errorf("pinyin: %+v", py)
	}
	// Every page after the last one's cursor: no repeats, nothing lost.
	seen := map[int64]bool{}
	next, pages := "", 0
	for {
		q := "q=" + url.QueryEscape("低保") + "&limit=7"
		if next != "" {
			q += "&after=" + url.QueryEscape(next)
		}
		p := get(q)
		for _, h := range p.Publications {
			if seen[h.ID] {
				t.Fatalf("publication %d on two pages", h.ID)
			}
			seen[h.ID] = true
		}
		pages++
		if next = p.Next; next == "" || pages > 50 {
			break
		}
	}
	if len(seen) != p.Total || pages < 2 {
		t.Errorf("%d publications over %d pages, total %d", len(seen), pages, p.Total)
	}
	// Narrowed: one unit, one domain, dates.
	for _, h := range get("q=" + url.QueryEscape("低保") + "&unit=sanxi&from=2020-01-01&to=2020-06-30").Publications {
		if h.Unit != "sanxi" || h.PublishedOn < "2020-01-01" || h.PublishedOn > "2020-06-30" {
			t.Errorf("outside the filter: %+v", h)
		}
	}
	if d := get("q=" + url.QueryEscape("低保") + "&domain=shjz"); d.Total == 0 || d.Total > p.Total {
		t.Errorf("by domain: %d of %d", d.Total, p.Total)
	} else {
		for _, h := range d.Publications {
			if h.Domain != "shjz" {
				t.Errorf("another domain: %+v", h)
			}
		}
	}
	// Public data only, and what was just approved.
	it := firstItem(t, ts, "sanxi")
	const title = "三溪镇关于桂花节活动安排的通知"
	d := newPublication(t, ts, "sanxi", it.ID, title)
	if p := get("q=" + url.QueryEscape("桂花节活动")); p.Total != 0 {
		t.Errorf("a draft is found: %+v", p.Publications)
	}
	publishDraft(t, ts, "sanxi", d.ID)
	if p := get("q=" + url.QueryEscape("桂花节活动")); p.Total != 1 || p.Publications[0].ID != d.ID {
		t.Errorf("the approved publication: %+v", p)
	}
	for _, bad := range []struct{ query, field string }{
		{"q=", "q"}, {"q=a&limit=0", "limit"}, {"q=a&limit=101", "limit"}, {"q=a&after=xyz", "after"},
		{"q=a&from=2020-13-01", "from"}, {"q=a&from=2020-02-01&to=2020-01-01", "to"},
		{"q=" + url.QueryEscape(strings.Repeat("低保", 30)), "q"},
	} {
		r := anon.do("GET", "/api/v1/search?"+bad.query, nil)
		if r.status != 400 || !strings.Contains(string(r.body), `"field":"`+bad.field+`"`) {
			t.Errorf("%s: %d %s", bad.query, r.status, r.body)
		}
	}
}
