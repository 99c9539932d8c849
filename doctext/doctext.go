// Package doctext reads the text of attachments — Word and Excel (.docx,
// .xlsx) with the standard library, PDF with ledongthuc/pdf, OFD by its
// structure (ofd.go), Word 97–2003, WPS and Excel 97–2003 files (.doc,
// .wps, .xls, .et) through LibreOffice (package office) — so the privacy
// check and search can read them as they read a body. Images are not read
// (no OCR).
package doctext

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"gongkai/office"
	"io"
	"path"
	"strings"

	"github.com/ledongthuc/pdf"
	"github.com/richardlehane/mscfb"
)

// MaxText bounds what is read from one document.
const MaxText = 2 << 20

// MaxXML bounds the XML a document's parts may unpack to, all parts
// together: a file that holds more (a zip bomb, or hundreds of headers) is
// refused rather than read for minutes.
const MaxXML = 16 << 20

// maxParts bounds the parts read from one document.
const maxParts = 300

// ErrNoReader: the file's kind is read through LibreOffice, which is not
// installed here.
var ErrNoReader = errors.New("doctext: LibreOffice is not installed")

// Extract returns the text of a document (.docx, .xlsx, .pdf, .ofd, .doc,
// .wps, .xls, .et); ok is false for other kinds. Paragraphs, lines and
// cells are separated by new lines.
func Extract(name string, r io.ReaderAt, size int64) (text string, ok bool, err error) {
	var parts func(string) bool
	var main string // the part every such document has
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".ofd":
		text, err := ofdText(r, size)
		if err != nil {
			return "", true, fmt.Errorf("doctext: %s: %w", name, err)
		}
		return text, true, nil
	case ".doc", ".wps", ".xls", ".et":
		text, err := legacyText(ext, r, size)
		if err != nil {
			return "", true, fmt.Errorf("doctext: %s: %w", name, err)
		}
		return text, true, nil
	case ".docx":
		main = "word/document.xml"
		parts = func(n string) bool {
			return n == main || strings.HasPrefix(n, "word/header") || strings.HasPrefix(n, "word/footer")
		}
	case ".xlsx":
		main = "xl/workbook.xml"
		parts = func(n string) bool {
			return n == "xl/sharedStrings.xml" || strings.HasPrefix(n, "xl/worksheets/sheet")
		}
	case ".pdf":
		text, err := pdfText(r, size)
		if err != nil {
			return "", true, fmt.Errorf("doctext: %s: %w", name, err)
		}
		return text, true, nil
	default:
		return "", false, nil
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", true, fmt.Errorf("doctext: %s: %w", name, err)
	}
	hasMain, n := false, 0
	var declared uint64
	for _, f := range zr.File {
		hasMain = hasMain || f.Name == main
		if parts(f.Name) {
			n++
			declared += f.UncompressedSize64
		}
	}
	switch {
	case !hasMain:
		return "", true, fmt.Errorf("doctext: %s: no %s: not such a document", name, main)
	case n > maxParts || declared > MaxXML:
		return "", true, fmt.Errorf("doctext: %s: %d parts of %d bytes: too large to read", name, n, declared)
	}
	var b strings.Builder
	budget := int64(MaxXML) // what the parts really unpack to, whatever they declare
	for _, f := range zr.File {
		if !parts(f.Name) {
			continue
		}
		if err := xmlText(f, &b, &budget); err != nil {
			return "", true, fmt.Errorf("doctext: %s: %s: %w", name, f.Name, err)
		}
		if b.Len() > MaxText {
			break
		}
	}
	return b.String(), true, nil
}

// xmlText appends the character data of an XML part, a line per paragraph
// (w:p), row (row) or shared string (si).
func xmlText(f *zip.File, b *strings.Builder, budget *int64) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: *budget + 1}
	defer func() { *budget = lr.N - 1 }()
	dec := xml.NewDecoder(lr)
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if lr.N <= 0 {
				return fmt.Errorf("more than %d bytes of XML: too large to read", MaxXML)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// w:t (Word text), t (spreadsheet strings), v (cell values)
			inText = t.Name.Local == "t" || t.Name.Local == "v"
		case xml.EndElement:
			switch t.Name.Local {
			case "p", "row", "si", "c":
				b.WriteByte('\n')
			}
			inText = false
		case xml.CharData:
			if inText {
				b.Write(bytes.TrimRight(t, "\x00"))
			}
		}
		if b.Len() > MaxText {
			return nil
		}
	}
}

// legacyText reads a Word 97–2003 or WPS text file as LibreOffice Writer's
// plain text, and an Excel 97–2003 or WPS workbook as the text of the
// .xlsx LibreOffice Calc makes of it.
func legacyText(ext string, r io.ReaderAt, size int64) (string, error) {
	data, err := io.ReadAll(io.NewSectionReader(r, 0, size))
	if err != nil {
		return "", err
	}
	// Newer WPS saves .wps and .et as Word's and Excel's zip packages.
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		inner := "converted.docx"
		if ext == ".xls" || ext == ".et" {
			inner = "converted.xlsx"
		}
		text, _, err := Extract(inner, bytes.NewReader(data), int64(len(data)))
		return text, err
	}
	// LibreOffice reads anything as text when it cannot tell what it is:
	// the file must first be a compound file with the stream its kind has.
	stream := "WordDocument"
	if ext == ".xls" || ext == ".et" {
		stream = "Workbook"
	}
	if err := hasStream(data, stream); err != nil {
		return "", err
	}
	if ext == ".doc" || ext == ".wps" {
		if office.Writer == "" {
			return "", ErrNoReader
		}
		out, err := office.Convert(office.Writer, data, ext, "txt:Text (encoded):UTF8")
		if err != nil {
			return "", err
		}
		out = bytes.TrimPrefix(out, []byte("\ufeff"))
		if len(out) > MaxText {
			out = out[:MaxText]
		}
		return string(bytes.ToValidUTF8(out, nil)), nil
	}
	if office.Calc == "" {
		return "", ErrNoReader
	}
	out, err := office.Convert(office.Calc, data, ext, "xlsx")
	if err != nil {
		return "", err
	}
	text, _, err := Extract("converted.xlsx", bytes.NewReader(out), int64(len(out)))
	return text, err
}

// hasStream checks that data is an OLE2 compound file holding the named
// stream (Excel 5's "Book" counts as a "Workbook"), reading at most 10,000
// entries.
func hasStream(data []byte, name string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("not a compound file: %v", p)
		}
	}()
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not a compound file: %w", err)
	}
	for i := 0; i < 10000; i++ {
		e, err := doc.Next()
		if err != nil {
			break
		}
		if e.Name == name || (name == "Workbook" && e.Name == "Book") {
			return nil
		}
	}
	return fmt.Errorf("no %s stream: not such a file", name)
}

// pdfText reads the text of a PDF, page by page; a damaged file is an error,
// and so is a panic of the reader on one.
func pdfText(r io.ReaderAt, size int64) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PDF 无法解析: %v", p)
		}
	}()
	pr, err := pdf.NewReader(r, size)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := 1; i <= pr.NumPage() && b.Len() < MaxText; i++ {
		p := pr.Page(i)
		if p.V.IsNull() {
			continue
		}
		t, err := p.GetPlainText(nil)
		if err != nil {
			return "", err
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	return b.String(), nil
}
