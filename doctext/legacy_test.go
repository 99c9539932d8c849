package doctext_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"gongkai/doctext"
	lo "gongkai/office"
)

// ofdFile is an OFD package as GB/T 33190 lays it out: OFD.xml, the
// document, two pages (the second listed first in the zip), text objects
// whose codes stand on two baselines.
func ofdFile(t *testing.T, pages map[string]string) []byte {
	t.Helper()
	files := map[string]string{
		"OFD.xml": `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">` +
			`<ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
		"Doc_0/Document.xml": `<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>` +
			`<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>` +
			`<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="/Doc_0/Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>`,
	}
	for k, v := range pages {
		files[k] = v
	}
	return office(t, files)
}

func page(objects string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="3">` + objects + `</ofd:Layer></ofd:Content></ofd:Page>`
}

func text(id, boundary, x, y, s string) string {
	return `<ofd:TextObject ID="` + id + `" Boundary="` + boundary + `" Font="5" Size="5.6"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="` + x + `" Y="` + y + `" DeltaX="g 3 5.6">` + s + `</ofd:TextCode></ofd:TextObject>`
}

// TestOFD: a 红头文件 in OFD gives its text page by page, line by line,
// left to right whatever the order of its objects; a package without
// OFD's structure is an error.
func TestOFD(t *testing.T) {
	ofd := ofdFile(t, map[string]string{
		"Doc_0/Pages/Page_1/Content.xml": page(text("7", "20 40 170 8", "0", "6", "第二页：联系电话13905631234")),
		"Doc_0/Pages/Page_0/Content.xml": page(text("4", "60 30 100 10", "0", "8", "旌德县人民政府办公室文件") +
			text("6", "100 60 80 8", "0", "6", "审核名单如下。") + text("5", "20 60 80 8", "0", "6", "各乡镇人民政府：")),
	})
	got, ok, err := doctext.Extract("通知.OFD", bytes.NewReader(ofd), int64(len(ofd)))
	if want := "旌德县人民政府办公室文件\n各乡镇人民政府：审核名单如下。\n第二页：联系电话13905631234\n"; err != nil || !ok || got != want {
		t.Errorf("OFD: %q %v %v\nwant %q", got, ok, err, want)
	}
	for name, broken := range map[string][]byte{
		"no OFD.xml":   office(t, map[string]string{"Doc_0/Document.xml": "<x/>"}),
		"page missing": ofdFile(t, map[string]string{"Doc_0/Pages/Page_0/Content.xml": page("")}),
		"not a zip":    []byte("%PDF-1.4 not an OFD"),
		"bad XML":      ofdFile(t, map[string]string{"Doc_0/Pages/Page_0/Content.xml": "<ofd:Page><unclosed>", "Doc_0/Pages/Page_1/Content.xml": page("")}),
	} {
		if _, _, err := doctext.Extract("a.ofd", bytes.NewReader(broken), int64(len(broken))); err == nil {
			t.Errorf("%s: read", name)
		}
	}
	// A page that unpacks to more than MaxXML is refused, not read.
	huge := ofdFile(t, map[string]string{"Doc_0/Pages/Page_0/Content.xml": page(strings.Repeat(" ", doctext.MaxXML+1)), "Doc_0/Pages/Page_1/Content.xml": page("")})
	if _, _, err := doctext.Extract("a.ofd", bytes.NewReader(huge), int64(len(huge))); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("a page of more than MaxXML: %v", err)
	}
}

// TestLegacyOffice: Word 97–2003 and Excel 97–2003 files made by
// LibreOffice (testdata/make.sh), and the same as WPS names them, give
// their text through LibreOffice.
func TestLegacyOffice(t *testing.T) {
	if lo.Writer == "" || lo.Calc == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LibreOffice Writer or Calc is missing")
		}
		t.Skip("LibreOffice Writer or Calc is missing")
	}
	for _, c := range []struct{ file, as, want string }{
		{"notice.doc", "notice.doc", "王某某 11010519491231002X"},
		{"notice.doc", "通知.wps", "关于2026年城乡低保对象复核的通知"},
		{"list.xls", "list.xls", "13905631234"},
		{"list.xls", "名单.et", "张某某"},
	} {
		data, err := os.ReadFile("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := doctext.Extract(c.as, bytes.NewReader(data), int64(len(data)))
		flat := strings.Join(strings.Fields(got), " ")
		if err != nil || !ok || !strings.Contains(flat, c.want) {
			t.Errorf("%s: %q %v %v, want %q in it", c.as, got, ok, err, c.want)
		}
	}
	// Not a Word file inside: refused.
	junk := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 600)...)
	if _, _, err := doctext.Extract("junk.doc", bytes.NewReader(junk), int64(len(junk))); err == nil {
		t.Error("a broken .doc was read")
	}
}
