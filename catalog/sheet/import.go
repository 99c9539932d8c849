package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
)

// Limits of an uploaded workbook; anything larger is refused before parsing.
const (
	MaxBytes        = 20 << 20
	MaxEntries      = 1000
	MaxUncompressed = 100 << 20
	MaxRows         = 20000
	MaxCols         = 60
)

// Problem is one finding of an import, located by sheet, row and column.
type Problem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value,omitempty"` // what the cell holds
	Message string `json:"message"`
}

// String renders a problem as clerks read it: 第N行 「列名」“值”：说明.
func (p Problem) String() string {
	s := ""
	if p.Sheet != "" {
		s = "工作表“" + p.Sheet + "” "
	}
	if p.Row > 0 {
		s += fmt.Sprintf("第%d行 ", p.Row)
	}
	if p.Column != "" {
		s += "「" + p.Column + "」"
	}
	if p.Value != "" {
		v := []rune(p.Value)
		if len(v) > 40 {
			v = append(v[:40], '…')
		}
		s += "“" + string(v) + "”"
	}
	if s == "" {
		return p.Message
	}
	return s + "：" + p.Message
}

// Row is one catalogue row read from a sheet.
type Row struct {
	Sheet   string          `json:"sheet"`
	Row     int             `json:"row"`
	Columns catalog.Columns `json:"columns"`
}

// Parsed is what a workbook holds: its rows, the mistakes that stop an
// import, and the warnings that do not.
type Parsed struct {
	Rows     []Row     `json:"rows"`
	Errors   []Problem `json:"errors"`
	Warnings []Problem `json:"warnings"`
}

// CheckArchive refuses, from its bytes alone, what is not a plain workbook:
// not a ZIP, too many entries, too much once uncompressed (a zip bomb), or
// with macros.
func CheckArchive(data []byte) error {
	if len(data) > MaxBytes {
		return catalog.Invalid("file", "文件不能超过%dMB", MaxBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return catalog.Invalid("file", "文件不是Excel工作簿（.xlsx）")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return catalog.Invalid("file", "文件已损坏，无法打开：%v", err)
	}
	if len(zr.File) > MaxEntries {
		return catalog.Invalid("file", "文件结构异常（包含%d个部件），拒绝处理", len(zr.File))
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(f.Name)
		if strings.HasSuffix(name, "vbaproject.bin") || strings.Contains(name, "macrosheets/") {
			return catalog.Invalid("file", "文件含有宏，拒绝处理；请另存为不含宏的.xlsx后再导入")
		}
	}
	if total > MaxUncompressed {
		return catalog.Invalid("file", "文件解压后超过%dMB，拒绝处理", MaxUncompressed>>20)
	}
	return nil
}

// field is a column of the national layout a header maps to.
type field int

const (
	fNone field = iota
	fSeq
	fDomain
	fLevel1
	fLevel2
	fLevel3
	fContent
	fBasis
	fLimit
	fSubject
	fChannels
	fToPublic
	fToSpecific
	fProactive
	fOnRequest
	fCounty
	fTownship
	fIgnoredLevel // 市级 and the like: read, not kept
	fDuration
	fOffice
	fRemark
	fPlatform // 公开平台: read as channels
)

var fieldNames = map[field]string{fSeq: "序号", fDomain: "领域", fLevel1: "一级事项", fLevel2: "二级事项", fLevel3: "三级事项", fContent: "公开内容（要素）",
	fBasis: "公开依据", fLimit: "公开时限", fSubject: "公开主体", fChannels: "公开渠道和载体", fToPublic: "全社会", fToSpecific: "特定群体",
	fProactive: "主动", fOnRequest: "依申请", fCounty: "县级", fTownship: "乡级", fDuration: "公开时长", fOffice: "责任科室", fRemark: "备注",
	fPlatform: "公开平台"}

// clean drops spaces and line breaks and makes brackets half of one kind, so
// header variants compare equal.
func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\u3000':
			continue
		case '(':
			r = '（'
		case ')':
			r = '）'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// headerField maps a (cleaned) header label to a field.
func headerField(top, sub string) field {
	l := sub
	if l == "" {
		l = top
	}
	switch {
	case l == "序号":
		return fSeq
	case l == "领域" || l == "所属领域":
		return fDomain
	case l == "一级事项" || l == "一级目录" || l == "一级指标":
		return fLevel1
	case l == "二级事项" || l == "二级目录" || l == "二级指标" || (l == "公开事项" && sub == ""):
		return fLevel2
	case l == "三级事项" || l == "三级目录" || l == "三级指标":
		return fLevel3
	case strings.HasPrefix(l, "公开内容"):
		return fContent
	case l == "公开依据":
		return fBasis
	case l == "公开时限" || l == "公开要求":
		return fLimit
	case l == "公开主体":
		return fSubject
	case strings.HasPrefix(l, "公开渠道"):
		return fChannels
	case l == "全社会":
		return fToPublic
	case l == "特定群体" || l == "特定群众":
		return fToSpecific
	case l == "主动" || l == "主动公开":
		return fProactive
	case l == "依申请" || l == "依申请公开":
		return fOnRequest
	case l == "县级" || l == "县（区、市）级" || l == "县区级":
		return fCounty
	case l == "乡级" || l == "乡、村级" || l == "镇级" || l == "村级" || l == "镇（街）级" || l == "乡镇级" || l == "镇街乡" || l == "乡镇（街道）级":
		return fTownship
	case l == "市级":
		return fIgnoredLevel
	case l == "公开时长" || l == "公开期限" || l == "保留期限":
		return fDuration
	case l == "责任科室" || l == "责任股室" || l == "责任单位" || l == "责任部门" || l == "承办科室" || l == "责任科（股）室":
		return fOffice
	case l == "备注" || l == "说明":
		return fRemark
	case l == "公开平台" || l == "发布平台" || l == "公开载体":
		return fPlatform
	}
	return fNone
}

// ParseXLSX reads an .xlsx workbook (see Parse).
func ParseXLSX(data []byte, unit catalog.Unit, domains []catalog.Domain) (*Parsed, error) {
	if !bytes.HasPrefix(data, zipMagic) {
		return nil, catalog.Invalid("file", "文件不是Excel工作簿（.xlsx）")
	}
	return Parse("目录.xlsx", data, Input{Unit: unit, Domains: domains})
}

// openWorkbook opens a checked upload. Parts larger than xmlInMemory are
// unzipped to temporary files and read as a stream, so a huge sheet costs
// disk, not memory, until readSheet refuses it.
func openWorkbook(data []byte) (*excelize.File, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUncompressed, UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		return nil, catalog.Invalid("file", "文件无法作为Excel工作簿打开：%v", err)
	}
	return f, nil
}

const xmlInMemory = 4 << 20

// readSheet reads a sheet's rows, at most MaxCols cells each, and stops
// reading — refusing the sheet — as soon as it has more than limit rows.
// maxCellChars is the most characters an Excel cell holds.
const maxCellChars = 32767

func readSheet(f *excelize.File, name string, limit int) ([][]string, error) {
	rs, err := f.Rows(name)
	if err != nil {
		return nil, catalog.Invalid("file", "工作表“%s”无法读取：%v", name, err)
	}
	defer rs.Close()
	var rows [][]string
	for rs.Next() {
		if len(rows) >= limit {
			return nil, catalog.Invalid("file", "工作表“%s”超过%d行，拒绝处理", name, MaxRows)
		}
		cols, err := rs.Columns()
		if err != nil {
			return nil, catalog.Invalid("file", "工作表“%s”第%d行无法读取：%v", name, len(rows)+1, err)
		}
		if len(cols) > MaxCols {
			cols = cols[:MaxCols]
		}
		for i, c := range cols {
			// Excel itself holds at most 32,767 characters in a cell.
			if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
				return nil, catalog.Invalid("file", "工作表“%s”第%d行第%d列超过%d个字（Excel单元格的上限），拒绝处理", name, len(rows)+1, i+1, maxCellChars)
			}
		}
		rows = append(rows, cols)
	}
	if err := rs.Error(); err != nil {
		return nil, catalog.Invalid("file", "工作表“%s”无法读取：%v", name, err)
	}
	return rows, nil
}

// fillMerge copies a merged range's value into every cell of the range, as
// people read a merged 一级事项.
func fillMerge(rows [][]string, m excelize.MergeCell) {
	c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
	c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
	if err1 != nil || err2 != nil || r2-r1 > MaxRows || c2-c1 > MaxCols {
		return
	}
	v := m.GetCellValue()
	for r := r1; r <= r2 && r-1 < len(rows); r++ {
		for c := c1; c <= c2 && c <= MaxCols; c++ {
			for len(rows[r-1]) < c {
				rows[r-1] = append(rows[r-1], "")
			}
			rows[r-1][c-1] = v
		}
	}
}
