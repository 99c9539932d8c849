package doctext

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
)

// OFD (GB/T 33190-2016, the format of most 红头文件) is a zip: OFD.xml names
// each document's root (DocBody/DocRoot), the document (Document.xml) lists
// its pages (Pages/Page@BaseLoc), and each page's Content.xml holds its
// text in TextObject/TextCode elements. No well-kept Go reader of OFD
// exists; this reads the structure and the text, nothing else (no fonts,
// no drawing), within the same bounds as Word's and Excel's parts.

// ofdText reads the text of an OFD file, page by page, a line per run of
// text on one baseline; an error for a file without OFD's structure.
func ofdText(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(path.Clean("/"+f.Name), "/")] = f
	}
	budget := int64(MaxXML)
	entry, ok := files["OFD.xml"]
	if !ok {
		return "", fmt.Errorf("no OFD.xml: not an OFD file")
	}
	var roots []string
	if err := walkXML(entry, &budget, func(name string, attrs []xml.Attr, text string, end bool) {
		if end && name == "DocRoot" && strings.TrimSpace(text) != "" {
			roots = append(roots, strings.TrimSpace(text))
		}
	}); err != nil {
		return "", fmt.Errorf("OFD.xml: %w", err)
	}
	if len(roots) == 0 {
		return "", fmt.Errorf("OFD.xml names no document (DocRoot)")
	}
	var b strings.Builder
	pages := 0
	for _, root := range roots {
		doc, ok := files[resolve("", root)]
		if !ok {
			return "", fmt.Errorf("document %s missing", root)
		}
		var locs []string
		if err := walkXML(doc, &budget, func(name string, attrs []xml.Attr, text string, end bool) {
			if !end && name == "Page" {
				for _, a := range attrs {
					if a.Name.Local == "BaseLoc" {
						locs = append(locs, a.Value)
					}
				}
			}
		}); err != nil {
			return "", fmt.Errorf("%s: %w", root, err)
		}
		for _, loc := range locs {
			if pages++; pages > maxParts {
				return "", fmt.Errorf("more than %d pages: too large to read", maxParts)
			}
			page, ok := files[resolve(path.Dir(resolve("", root)), loc)]
			if !ok {
				return "", fmt.Errorf("page %s missing", loc)
			}
			if err := pageText(page, &budget, &b); err != nil {
				return "", fmt.Errorf("%s: %w", loc, err)
			}
			if b.Len() > MaxText {
				return b.String(), nil
			}
		}
	}
	return b.String(), nil
}

// resolve is an OFD location: from the package's root when it begins with
// "/", else from dir.
func resolve(dir, loc string) string {
	loc = strings.ReplaceAll(strings.TrimSpace(loc), "\\", "/")
	if strings.HasPrefix(loc, "/") {
		return strings.TrimPrefix(path.Clean(loc), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+path.Join(dir, loc)), "/")
}

// run is a piece of a page's text with where it stands.
type run struct {
	x, y float64
	text string
	n    int // order in the file
}

// pageText appends a page's text: its runs by baseline, top to bottom, and
// left to right on each.
func pageText(f *zip.File, budget *int64, b *strings.Builder) error {
	var runs []run
	var ox, oy float64 // the text object's boundary
	err := walkXML(f, budget, func(name string, attrs []xml.Attr, text string, end bool) {
		switch {
		case !end && name == "TextObject":
			ox, oy = 0, 0
			for _, a := range attrs {
				if a.Name.Local == "Boundary" {
					if v := strings.Fields(a.Value); len(v) >= 2 {
						ox, _ = strconv.ParseFloat(v[0], 64)
						oy, _ = strconv.ParseFloat(v[1], 64)
					}
				}
			}
		case end && name == "TextCode":
			r := run{x: ox, y: oy, text: text, n: len(runs)}
			for _, a := range attrs {
				switch a.Name.Local {
				case "X":
					v, _ := strconv.ParseFloat(a.Value, 64)
					r.x += v
				case "Y":
					v, _ := strconv.ParseFloat(a.Value, 64)
					r.y += v
				}
			}
			if !math.IsNaN(r.x+r.y) && !math.IsInf(r.x+r.y, 0) {
				runs = append(runs, r)
			}
		}
	})
	if err != nil {
		return err
	}
	// Runs within a third of a typical line (about 1.5 mm) share a line.
	sort.SliceStable(runs, func(i, j int) bool {
		if math.Abs(runs[i].y-runs[j].y) > 1.5 {
			return runs[i].y < runs[j].y
		}
		return runs[i].x < runs[j].x
	})
	for i, r := range runs {
		if i > 0 && math.Abs(r.y-runs[i-1].y) > 1.5 {
			b.WriteByte('\n')
		}
		b.WriteString(r.text)
	}
	if len(runs) > 0 {
		b.WriteByte('\n')
	}
	return nil
}

// walkXML reads a part's elements within the budget, telling visit each
// start (end false) and each end (end true, with the element's own text).
func walkXML(f *zip.File, budget *int64, visit func(name string, attrs []xml.Attr, text string, end bool)) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: *budget + 1}
	defer func() { *budget = lr.N - 1 }()
	dec := xml.NewDecoder(lr)
	type open struct {
		attrs []xml.Attr
		text  strings.Builder
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err != nil && lr.N <= 0 {
			return fmt.Errorf("more than %d bytes of XML: too large to read", MaxXML)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= 200 {
				return fmt.Errorf("elements nested more than 200 deep")
			}
			stack = append(stack, &open{attrs: t.Copy().Attr})
			visit(t.Name.Local, t.Attr, "", false)
		case xml.EndElement:
			if len(stack) == 0 {
				return fmt.Errorf("unbalanced XML")
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			visit(t.Name.Local, top.attrs, top.text.String(), true)
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1].text.Len() < MaxText {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
}
