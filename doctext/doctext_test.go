package doctext_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"gongkai/doctext"
)

func office(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
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
	return buf.Bytes()
}

func TestExtract(t *testing.T) {
	docx := office(t, map[string]string{"word/document.xml": `<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>救助对象李四</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>电话1380013</w:t></w:r><w:r><w:t>8000</w:t></w:r></w:p></w:body></w:document>`})
	text, ok, err := doctext.Extract("名单.DOCX", bytes.NewReader(docx), int64(len(docx)))
	if err != nil || !ok || !strings.Contains(text, "救助对象李四\n") || !strings.Contains(text, "电话13800138000") {
		t.Errorf("docx: %q %v %v", text, ok, err)
	}
	xlsx := office(t, map[string]string{"xl/workbook.xml": `<workbook/>`, "xl/sharedStrings.xml": `<sst><si><t>姓名</t></si><si><t>身份证号</t></si><si><t>11010519491231002X</t></si></sst>`,
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row><c><v>4111111111111111</v></c></row></sheetData></worksheet>`})
	text, ok, err = doctext.Extract("a.xlsx", bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil || !ok || !strings.Contains(text, "11010519491231002X") || !strings.Contains(text, "4111111111111111") {
		t.Errorf("xlsx: %q %v %v", text, ok, err)
	}
	if _, ok, _ := doctext.Extract("a.png", bytes.NewReader(nil), 0); ok {
		t.Error("image claimed")
	}
	if _, _, err := doctext.Extract("broken.docx", bytes.NewReader([]byte("not a zip")), 9); err == nil {
		t.Error("broken docx accepted")
	}
}

// TestExtractRefusesWhatIsNoDocument: a zip without the document's main
// part is no Word file, and one whose parts unpack to more than MaxXML (a
// bomb of headers) is refused without being read through.
func TestExtractRefusesWhatIsNoDocument(t *testing.T) {
	plain := office(t, map[string]string{"hello.txt": "hello"})
	if _, _, err := doctext.Extract("a.docx", bytes.NewReader(plain), int64(len(plain))); err == nil {
		t.Error("a zip of a text file read as a Word document")
	}
	big := strings.Repeat("<w:p><w:r><w:t>x</w:t></w:r></w:p>", doctext.MaxXML/30)
	bomb := office(t, map[string]string{"word/document.xml": "<w:document/>", "word/header1.xml": big, "word/header2.xml": big})
	if _, _, err := doctext.Extract("bomb.docx", bytes.NewReader(bomb), int64(len(bomb))); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("headers of %d MB each: %v", len(big)>>20, err)
	}
}

// TestExtractPDF writes a real PDF (two pages) and reads its text back.
func TestExtractPDF(t *testing.T) {
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	doc.Cell(0, 10, "Applicant: Zhao Liu, ID 11010519491231002X")
	doc.AddPage()
	doc.Cell(0, 10, "Mobile 13800138000, mail zhao@example.com")
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	text, ok, err := doctext.Extract("list.PDF", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || !ok {
		t.Fatalf("pdf: %v %v", ok, err)
	}
	for _, want := range []string{"11010519491231002X", "13800138000", "zhao@example.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdf text lacks %s: %q", want, text)
		}
	}
	if _, _, err := doctext.Extract("broken.pdf", bytes.NewReader([]byte("%PDF-1.4 garbage")), 16); err == nil {
		t.Error("broken pdf accepted")
	}
}

// FuzzExtract: whatever a clerk uploads, reading it never panics or hangs.
func FuzzExtract(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n%%EOF"), true)
	f.Add([]byte("PK\x03\x04"), false)
	f.Fuzz(func(t *testing.T, data []byte, asPDF bool) {
		name := "a.docx"
		if asPDF {
			name = "a.pdf"
		}
		doctext.Extract(name, bytes.NewReader(data), int64(len(data)))
	})
}
