package attach_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"gongkai/attach"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/dbconn/dbtest"
)

var clerk = catalog.Actor{UserID: 1, Username: "miaoshou-clerk"}

// newDraft is a store with one draft publication.
func newDraft(t *testing.T) (*attach.Store, *gormstore.Store, int64) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	cat := gormstore.New(db)
	ctx := context.Background()
	if _, err := cat.EnsureUnit(ctx, catalog.Unit{Code: "miaoshou", Name: "庙首镇", FullName: "旌德县庙首镇人民政府", Level: catalog.LevelTownship, Kind: catalog.KindTown}); err != nil {
		t.Fatal(err)
	}
	if _, err := cat.EnsureDomain(ctx, catalog.Domain{Code: "zfwj", Name: "本级政府文件"}); err != nil {
		t.Fatal(err)
	}
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "政府文件", Content: "政府文件。",
		TimeLimitText: "信息形成或变更之日起20个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	if err := cat.CreateItem(ctx, &it, clerk); err != nil {
		t.Fatal(err)
	}
	p := catalog.Publication{ItemID: it.ID, Title: "附件测试", GeneratedOn: time.Now()}
	if err := cat.CreatePublication(ctx, &p, clerk); err != nil {
		t.Fatal(err)
	}
	return &attach.Store{Dir: t.TempDir(), MaxSize: 1 << 20, Pubs: cat}, cat, p.ID
}

// TestSaveChecksAndRemoves: a real PDF is kept under its checksum and its
// text read; files that do not open are refused by name; a picture's
// hidden text is read for the privacy check; the file goes with its last
// attachment.
func TestSaveChecksAndRemoves(t *testing.T) {
	st, _, id := newDraft(t)
	ctx := context.Background()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	doc.Cell(0, 10, "Notice 13905631234")
	var pdf bytes.Buffer
	if err := doc.Output(&pdf); err != nil {
		t.Fatal(err)
	}
	a, err := st.Save(ctx, id, `C:\\docs\\通知.pdf`, bytes.NewReader(pdf.Bytes()), int64(pdf.Len()), clerk)
	if err != nil || a.Name != "通知.pdf" || a.Size != int64(pdf.Len()) {
		t.Fatalf("save: %+v %v", a, err)
	}
	if _, err := os.Stat(st.Path(a.SHA256)); err != nil {
		t.Fatal(err)
	}
	if text, err := st.PublicationText(ctx, id); err != nil || !strings.Contains(text, "13905631234") {
		t.Errorf("text: %q %v", text, err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2)))
	for name, content := range map[string][]byte{
		"假.pdf":  []byte("%PDF-1.4 nothing"),
		"截断.png": img.Bytes()[:img.Len()-10],
		"旧.doc":  {0xD0, 0xCF, 0x11, 0xE0},
		"x.exe":  []byte("MZ"),
	} {
		if _, err := st.Save(ctx, id, name, bytes.NewReader(content), int64(len(content)), clerk); catalog.ErrorCode(err) != catalog.EINVALID || !strings.Contains(err.Error(), name[strings.LastIndex(name, "."):]) {
			t.Errorf("%s: %v", name, err)
		}
	}
	hidden := append(img.Bytes(), " 13905631234 "...)
	pic, err := st.Save(ctx, id, "照片.png", bytes.NewReader(hidden), int64(len(hidden)), clerk)
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := st.Text(*pic); !strings.Contains(text, "13905631234") {
		t.Errorf("the text behind a picture: %q", text)
	}
	if err := st.Remove(ctx, id, a.ID, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Path(a.SHA256)); !os.IsNotExist(err) {
		t.Errorf("the file outlives its attachment: %v", err)
	}
}

// TestSharedFileStaysWhileUsed: two attachments of the same content share
// one file, which goes only with the second.
func TestSharedFileStaysWhileUsed(t *testing.T) {
	st, cat, id := newDraft(t)
	ctx := context.Background()
	p2 := catalog.Publication{ItemID: 0, Title: "第二篇", GeneratedOn: time.Now()}
	first, _ := cat.FindPublication(ctx, id)
	p2.ItemID = first.ItemID
	if err := cat.CreatePublication(ctx, &p2, clerk); err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 3, 3)))
	a, err := st.Save(ctx, id, "图.png", bytes.NewReader(img.Bytes()), int64(img.Len()), clerk)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Save(ctx, p2.ID, "同一张图.png", bytes.NewReader(img.Bytes()), int64(img.Len()), clerk)
	if err != nil || b.SHA256 != a.SHA256 {
		t.Fatalf("second: %+v %v", b, err)
	}
	if err := st.Remove(ctx, id, a.ID, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Path(a.SHA256)); err != nil {
		t.Fatalf("the file went while another attachment uses it: %v", err)
	}
	if err := st.Remove(ctx, p2.ID, b.ID, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Path(a.SHA256)); !os.IsNotExist(err) {
		t.Errorf("the file outlives its last attachment: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(st.Dir, "*", "*.removed")); len(matches) != 0 {
		t.Errorf("left aside: %v", matches)
	}
}
