package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/catalog"
	"gongkai/office"
)

// table is one sheet of a file: a worksheet, or a Word table with the
// paragraphs above it as its title rows.
type table struct {
	name  string
	title []string // a Word table's paragraphs above it
	rows  [][]string
}

// Formats accepted for a catalogue, as the upload forms list them.
const Formats = ".xlsx,.xls,.et,.csv,.docx"

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// Parse reads a catalogue file — an Excel workbook (.xlsx, or .xls / .et
// turned into one by LibreOffice), a .csv in UTF-8 or GB18030, or the tables
// of a Word .docx — in the national layout or its real-world variants. The
// format is told by the file's bytes, the name only where they do not.
func Parse(name string, data []byte, in Input) (*Parsed, error) {
	if len(data) > MaxBytes {
		return nil, catalog.Invalid("file", "文件不能超过%dMB", MaxBytes>>20)
	}
	// Reading a file costs up to a few hundred MB (LibreOffice for an .xls):
	// a few at a time, the rest told to come back.
	select {
	case reading <- struct{}{}:
		defer func() { <-reading }()
	case <-time.After(readWait):
		return nil, catalog.Errorf(catalog.ERATELIMIT, "系统正在读取其他单位上传的文件，请稍后再导入")
	}
	var tables []table
	var err error
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case bytes.HasPrefix(data, zipMagic):
		if err = CheckArchive(data); err != nil {
			return nil, err
		}
		if hasPart(data, "word/document.xml") {
			tables, err = docxTables(data)
		} else {
			tables, err = xlsxTables(data)
		}
	case bytes.HasPrefix(data, oleMagic):
		if ext == ".doc" || ext == ".wps" {
			return nil, catalog.Invalid("file", "请在Word或WPS中把文件另存为.docx后再导入")
		}
		var x []byte
		if x, err = convertXLS(data); err != nil {
			return nil, err
		}
		if err = CheckArchive(x); err != nil {
			return nil, err
		}
		tables, err = xlsxTables(x)
	case ext == ".csv" || ext == ".txt" || ext == "":
		tables, err = csvTables(data)
	default:
		return nil, catalog.Invalid("file", "无法识别的文件格式：请上传.xlsx、.xls、.csv或.docx文件")
	}
	if err != nil {
		return nil, err
	}
	out := &Parsed{}
	for _, t := range tables {
		parseTable(out, t, in)
	}
	if len(out.Rows) == 0 && len(out.Errors) == 0 {
		out.Errors = append(out.Errors, Problem{Message: "没有找到目录表头（序号、公开事项、公开内容……）或数据行"})
	}
	return out, nil
}

// reading admits a few files at a time; readWait is how long one waits.
var (
	reading  = make(chan struct{}, 2)
	readWait = 20 * time.Second
)

// hasPart tells whether a (checked) ZIP holds the named part.
func hasPart(data []byte, part string) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == part {
			return true
		}
	}
	return false
}

// xlsxTables reads every worksheet, merged cells filled in.
func xlsxTables(data []byte) ([]table, error) {
	f, err := openWorkbook(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []table
	for _, name := range f.GetSheetList() {
		rows, err := readSheet(f, name, MaxRows+20)
		if err != nil {
			return nil, err
		}
		// Merged cells are read only now: reading them loads the whole
		// sheet, which a sheet over the limit never gets to.
		merges, err := f.GetMergeCells(name)
		if err != nil {
			return nil, catalog.Invalid("file", "工作表“%s”的合并单元格无法读取：%v", name, err)
		}
		for _, m := range merges {
			fillMerge(rows, m)
		}
		out = append(out, table{name: name, rows: rows})
	}
	return out, nil
}

// csvTables reads a .csv saved by Excel or WPS: UTF-8 (with or without its
// byte-order mark) or GB18030, separated by commas or tabs.
func csvTables(data []byte) ([]table, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(d) {
			return nil, catalog.Invalid("file", "文件既不是UTF-8也不是GB18030编码的文本，无法读取")
		}
		data = d
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, catalog.Invalid("file", "文件不是文本（.csv），无法读取")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		r.Comma = '\t'
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, catalog.Invalid("file", "第%d行无法读取：%v", len(rows)+1, err)
		}
		if len(rows) >= MaxRows+20 {
			return nil, catalog.Invalid("file", "文件超过%d行，拒绝处理", MaxRows)
		}
		if len(rec) > MaxCols {
			rec = rec[:MaxCols]
		}
		for i, c := range rec {
			if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
				return nil, catalog.Invalid("file", "第%d行第%d列超过%d个字，拒绝处理", len(rows)+1, i+1, maxCellChars)
			}
		}
		rows = append(rows, rec)
	}
	return []table{{rows: rows}}, nil
}

// docxTables reads the tables of a Word document, each with the paragraphs
// between it and the table before as its title rows: a cell spanning
// columns (w:gridSpan) or continuing a vertical merge (w:vMerge) holds the
// merged value, as a merged Excel cell does.
func docxTables(data []byte) ([]table, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, catalog.Invalid("file", "文件已损坏，无法打开：%v", err)
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	rc, err := doc.Open()
	if err != nil {
		return nil, catalog.Invalid("file", "文件已损坏，无法打开：%v", err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, MaxUncompressed))
	var (
		out       []table
		title     []string // paragraphs since the last table
		para      strings.Builder
		inPara    bool
		depth     int        // table nesting
		rows      [][]string // the outer table's rows
		row       []string
		cell      strings.Builder
		span      int
		vmerge    string // "", "restart" or "continue"
		rowVMerge []bool // per column of the current row: continues a merge
		cells     int
	)
	nesting := 0 // elements open
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, catalog.Invalid("file", "Word文档内容无法读取：%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// A real document nests a few dozen deep; a crafted one nests
			// millions deep to make the reader slow.
			if nesting++; nesting > maxNesting {
				return nil, catalog.Invalid("file", "Word文档结构异常（嵌套超过%d层），拒绝处理", maxNesting)
			}
			switch t.Name.Local {
			case "tbl":
				depth++
				if depth == 1 {
					rows = nil
				}
			case "tr":
				if depth == 1 {
					row, rowVMerge = nil, nil
				}
			case "tc":
				if depth == 1 {
					cell.Reset()
					span, vmerge = 1, ""
				}
			case "gridSpan":
				if depth == 1 {
					for _, a := range t.Attr {
						if a.Name.Local == "val" {
							if n := atoiSmall(a.Value); n > 1 && n <= MaxCols {
								span = n
							}
						}
					}
				}
			case "vMerge":
				if depth == 1 {
					vmerge = "continue"
					for _, a := range t.Attr {
						if a.Name.Local == "val" && a.Value == "restart" {
							vmerge = "restart"
						}
					}
				}
			case "p":
				inPara = true
				if depth == 0 {
					para.Reset()
				} else if cell.Len() > 0 {
					cell.WriteByte('\n')
				}
			case "tab":
				if depth == 0 {
					para.WriteByte(' ')
				}
			case "br", "cr":
				if depth > 0 {
					cell.WriteByte('\n')
				}
			}
		case xml.CharData:
			if !inPara {
				continue
			}
			if depth == 0 {
				if para.Len() < maxCellChars {
					para.Write(t)
				}
			} else if cell.Len() <= 4*maxCellChars {
				cell.Write(t)
			}
		case xml.EndElement:
			nesting--
			switch t.Name.Local {
			case "p":
				inPara = false
				if depth == 0 {
					if s := strings.TrimSpace(para.String()); s != "" {
						title = append(title, s)
						if len(title) > 5 {
							title = title[1:]
						}
					}
				}
			case "tc":
				if depth != 1 {
					continue
				}
				v := strings.TrimSpace(cell.String())
				if utf8.RuneCountInString(v) > maxCellChars {
					return nil, catalog.Invalid("file", "Word表格第%d行有单元格超过%d个字，拒绝处理", len(rows)+1, maxCellChars)
				}
				for i := 0; i < span && len(row) < MaxCols; i++ {
					row = append(row, v)
					rowVMerge = append(rowVMerge, vmerge == "continue")
				}
				if cells++; cells > MaxRows*MaxCols {
					return nil, catalog.Invalid("file", "Word文档的表格过大，拒绝处理")
				}
			case "tr":
				if depth != 1 {
					continue
				}
				// A cell continuing a vertical merge holds the value above.
				for c := range row {
					if c < len(rowVMerge) && rowVMerge[c] && len(rows) > 0 && c < len(rows[len(rows)-1]) {
						row[c] = rows[len(rows)-1][c]
					}
				}
				if len(rows) >= MaxRows+20 {
					return nil, catalog.Invalid("file", "Word表格超过%d行，拒绝处理", MaxRows)
				}
				rows = append(rows, row)
			case "tbl":
				depth--
				if depth == 0 {
					// The paragraphs above the table are its title; its
					// rows are numbered as the table's own.
					name := fmt.Sprintf("第%d个表格", len(out)+1)
					out = append(out, table{name: name, title: title, rows: rows})
					title = nil
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, catalog.Invalid("file", "Word文档中没有表格：目录应是文档中的表格")
	}
	return out, nil
}

// maxNesting bounds how deep a Word document's elements nest.
const maxNesting = 200

func atoiSmall(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1000 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Converter is the LibreOffice program that turns .xls and .et workbooks
// into .xlsx; empty when LibreOffice, or its spreadsheet part (Debian's
// libreoffice-calc-nogui), is not installed.
var Converter = office.Calc

// convertXLS turns an Excel 97–2003 (or WPS .et) workbook into .xlsx with
// LibreOffice (package office). The .xlsx it writes is then checked and
// read as any upload.
func convertXLS(data []byte) ([]byte, error) {
	if Converter == "" {
		return nil, catalog.Invalid("file", "本系统未安装LibreOffice Calc，无法读取.xls文件；请在Excel或WPS中另存为.xlsx后再导入（系统管理员可安装libreoffice-calc-nogui）")
	}
	out, err := office.Convert(Converter, data, ".xls", "xlsx")
	switch {
	case errors.Is(err, office.ErrTimeout):
		return nil, catalog.Invalid("file", ".xls文件转换超时，拒绝处理")
	case errors.Is(err, office.ErrBusy):
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "正在转换的文件较多，请稍后再试")
	case err != nil && strings.Contains(err.Error(), "nothing written"):
		return nil, catalog.Invalid("file", ".xls文件无法读取：不是Excel 97–2003工作簿")
	case err != nil:
		return nil, catalog.Invalid("file", ".xls文件无法读取（%s）", strings.TrimPrefix(err.Error(), "office: "))
	}
	return out, nil
}
