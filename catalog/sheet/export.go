package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
)

// columns of the national layout, in order; Level3 is inserted after 二级事项
// only when some item has one.
const (
	mark    = "√"
	chosen  = "■"
	notUsed = "□"
)

// Neutralise keeps a spreadsheet from running a cell as a formula: text that
// begins with =, +, -, @, a tab or NUL gets a leading apostrophe.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\x00", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ChannelText renders 公开渠道和载体 over the national list: ■ for a channel
// used, □ for one not, one per line, and the 其他 channel named.
func ChannelText(it catalog.Item) string {
	used := map[string]bool{}
	for _, c := range it.Channels {
		used[c] = true
	}
	var lines []string
	for _, c := range catalog.Channels {
		box := notUsed
		if used[c] {
			box = chosen
		}
		name := c
		if c == "其他" && it.ChannelOther != "" {
			name = "其他：" + it.ChannelOther
		}
		lines = append(lines, box+name)
	}
	return strings.Join(lines, "\n")
}

func tick(b bool) string {
	if b {
		return mark
	}
	return ""
}

// group is one sheet: a domain's items of a unit.
type group struct {
	domain catalog.Domain
	items  []catalog.Item
}

func groups(domains []catalog.Domain, items []catalog.Item) []group {
	by := map[string][]catalog.Item{}
	for _, it := range items {
		by[it.DomainCode] = append(by[it.DomainCode], it)
	}
	var out []group
	for _, d := range domains {
		if its := by[d.Code]; len(its) > 0 {
			out = append(out, group{d, its})
		}
	}
	return out
}

// sheetName makes a worksheet name Excel accepts: at most 31 characters,
// none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// ExportXLSX writes a unit's catalogue as a workbook in the national
// layout, one worksheet per domain (named after it, so an import knows the
// domain), ready to print on A4 landscape.
func ExportXLSX(w io.Writer, u catalog.Unit, domains []catalog.Domain, items []catalog.Item) error {
	f := excelize.NewFile()
	defer f.Close()
	gs := groups(domains, items)
	if len(gs) == 0 {
		gs = []group{{domain: catalog.Domain{Name: "目录"}}}
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, g := range gs {
		name := sheetName(g.domain.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, st, name, u, g); err != nil {
			return fmt.Errorf("sheet: %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

type styles struct{ title, head, cell, center int }

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	var s styles
	var err error
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}); err != nil {
		return s, err
	}
	if s.head, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 10}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF0F3"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return s, err
	}
	if s.cell, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 10}, Border: border,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return s, err
	}
	s.center, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 10}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	return s, err
}

// layout is the column plan of a sheet.
type layout struct {
	level3                   bool
	duration, office, remark bool // the columns some counties add, when any item has them
}

func (l layout) headers() (top, sub []string) {
	top = []string{"序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "", "公开方式", "", "公开层级", ""}
	sub = []string{"", "一级事项", "二级事项", "", "", "", "", "", "全社会", "特定群体", "主动", "依申请", "县级", "乡级"}
	if l.level3 {
		top = append(top[:3], append([]string{""}, top[3:]...)...)
		sub = append(sub[:3], append([]string{"三级事项"}, sub[3:]...)...)
	}
	for _, x := range []struct {
		on   bool
		name string
	}{{l.duration, "公开时长"}, {l.office, "责任科室"}, {l.remark, "备注"}} {
		if x.on {
			top, sub = append(top, x.name), append(sub, "")
		}
	}
	return top, sub
}

// ticks is the first of the six tick columns (全社会 … 乡级).
func (l layout) ticks() int {
	if l.level3 {
		return 9
	}
	return 8
}

func col(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

func writeSheet(f *excelize.File, st styles, name string, u catalog.Unit, g group) error {
	l := layout{}
	for _, it := range g.items {
		l.level3 = l.level3 || it.Level3 != ""
		l.duration, l.office, l.remark = l.duration || it.Duration != "", l.office || it.Office != "", l.remark || it.Remark != ""
	}
	top, sub := l.headers()
	last := col(len(top) - 1)
	title := u.Name + "基层政务公开标准目录"
	if g.domain.Code != "" {
		title += "（" + g.domain.Name + "）"
	}
	set := func(cell string, v any) error { return f.SetCellValue(name, cell, v) }
	if err := set("A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(name, "A1", last+"1"); err != nil {
		return err
	}
	f.SetCellStyle(name, "A1", last+"1", st.title)
	f.SetRowHeight(name, 1, 30)
	for i := range top {
		set(col(i)+"2", top[i])
		set(col(i)+"3", sub[i])
	}
	// Merge the two header rows where a column has no sub-header, and the
	// group headers over their sub-columns.
	for i := 0; i < len(top); i++ {
		switch {
		case top[i] != "" && sub[i] == "" && (i+1 >= len(top) || top[i+1] != ""):
			f.MergeCell(name, col(i)+"2", col(i)+"3")
		case top[i] != "" && i+1 < len(top) && top[i+1] == "":
			j := i + 1
			for j+1 < len(top) && top[j+1] == "" && sub[j+1] != "" {
				j++
			}
			f.MergeCell(name, col(i)+"2", col(j)+"2")
		}
	}
	f.SetCellStyle(name, "A2", last+"3", st.head)
	widths := []float64{6, 14, 16, 40, 28, 22, 16, 24, 6, 6, 6, 6, 6, 6}
	if l.level3 {
		widths = append(widths[:3], append([]float64{14}, widths[3:]...)...)
	}
	for _, x := range []struct {
		on bool
		w  float64
	}{{l.duration, 10}, {l.office, 10}, {l.remark, 20}} {
		if x.on {
			widths = append(widths, x.w)
		}
	}
	for i, w := range widths {
		f.SetColWidth(name, col(i), col(i), w)
	}
	row := 4
	start, prev := 4, ""
	for n, it := range g.items {
		vals := []string{fmt.Sprint(n + 1), it.Level1, it.Level2}
		if l.level3 {
			vals = append(vals, it.Level3)
		}
		vals = append(vals, it.Content, it.Basis, it.TimeLimitText, it.Subject, ChannelText(it),
			tick(it.ToPublic), tick(it.ToSpecific), tick(it.Proactive), tick(it.OnRequest), tick(it.AtCounty), tick(it.AtTownship))
		for _, x := range []struct {
			on bool
			v  string
		}{{l.duration, it.Duration}, {l.office, it.Office}, {l.remark, it.Remark}} {
			if x.on {
				vals = append(vals, x.v)
			}
		}
		for i, v := range vals {
			if i == 0 {
				set(col(i)+fmt.Sprint(row), n+1)
				continue
			}
			set(col(i)+fmt.Sprint(row), Neutralise(v))
		}
		// 一级事项 merged over the rows that share it.
		if it.Level1 != prev {
			if row-1 > start {
				f.MergeCell(name, "B"+fmt.Sprint(start), "B"+fmt.Sprint(row-1))
			}
			start, prev = row, it.Level1
		}
		row++
	}
	if row-1 > start {
		f.MergeCell(name, "B"+fmt.Sprint(start), "B"+fmt.Sprint(row-1))
	}
	if row > 4 {
		f.SetCellStyle(name, "A4", last+fmt.Sprint(row-1), st.cell)
		f.SetCellStyle(name, "A4", "A"+fmt.Sprint(row-1), st.center)
		f.SetCellStyle(name, col(l.ticks())+"4", col(l.ticks()+5)+fmt.Sprint(row-1), st.center)
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	size, landscape, one, zero := 9, "landscape", 1, 0 // 9 = A4
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$2:$3", name), Scope: name})
}

// CSVHeader is the flat header of the CSV export.
var CSVHeader = []string{"序号", "领域", "一级事项", "二级事项", "三级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
	"全社会", "特定群体", "主动", "依申请", "县级", "乡级", "公开时长", "责任科室", "备注"}

// ExportCSV writes a unit's catalogue as CSV, UTF-8 with a BOM so Excel
// reads the Chinese, one row per item.
func ExportCSV(w io.Writer, domains []catalog.Domain, items []catalog.Item) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	n := 0
	for _, g := range groups(domains, items) {
		for _, it := range g.items {
			n++
			rec := []string{fmt.Sprint(n), g.domain.Name, it.Level1, it.Level2, it.Level3, it.Content, it.Basis, it.TimeLimitText, it.Subject,
				ChannelText(it), tick(it.ToPublic), tick(it.ToSpecific), tick(it.Proactive), tick(it.OnRequest), tick(it.AtCounty), tick(it.AtTownship),
				it.Duration, it.Office, it.Remark}
			for i := range rec {
				rec[i] = Neutralise(rec[i])
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// DirectoryRow is a unit with its current filing, for the directory sheet.
type DirectoryRow struct {
	Unit    catalog.Unit
	FiledOn string
	// Fax and Email are the filing's.
	Fax, Email string
	People     []DirectoryPerson
}

// DirectoryPerson is one person of a unit's filing.
type DirectoryPerson struct {
	Role, Name, Post, Phone, Office string
}

// DirectoryHeader is the header of the unit directory sheet: the unit's
// public facts, then one filed person.
var DirectoryHeader = []string{"序号", "单位", "全称", "层级", "办公地址", "办公时间", "联系电话", "传真", "电子邮箱", "邮政编码", "负责人",
	"备案日期", "人员类别", "姓名", "职务", "办公电话", "备案内设机构", "备案传真", "备案电子邮箱"}

// ExportDirectory writes the unit directory with each unit's current filing
// as one sheet, A4 landscape, header frozen and repeated: a row per filed
// person with the filing's fax and e-mail (a unit without a filing has one
// row), the unit's public facts on its first row — which is what
// ParseDirectory reads back — and its name on every row, to filter by.
func ExportDirectory(w io.Writer, county string, rows []DirectoryRow) error {
	f := excelize.NewFile()
	defer f.Close()
	name := "政务公开机构人员名录"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	last := col(len(DirectoryHeader) - 1)
	f.SetCellValue(name, "A1", county+"政务公开机构人员名录")
	f.MergeCell(name, "A1", last+"1")
	f.SetCellStyle(name, "A1", last+"1", st.title)
	for i, h := range DirectoryHeader {
		f.SetCellValue(name, col(i)+"2", h)
	}
	f.SetCellStyle(name, "A2", last+"2", st.head)
	n := 0
	for _, r := range rows {
		u := r.Unit
		people := r.People
		if len(people) == 0 {
			people = []DirectoryPerson{{}}
		}
		for i, p := range people {
			n++
			facts := []string{u.Name, u.FullName, u.Level.Name(), u.Address, u.OfficeHours, u.Phone, u.Fax, u.Email, u.Postcode, u.Head}
			if i > 0 {
				facts = append([]string{u.Name}, make([]string, len(facts)-1)...)
			}
			vals := append(facts, r.FiledOn, p.Role, p.Name, p.Post, p.Phone, p.Office, r.Fax, r.Email)
			row := fmt.Sprint(n + 2)
			f.SetCellValue(name, "A"+row, n)
			for i, v := range vals {
				f.SetCellValue(name, col(i+1)+row, Neutralise(v))
			}
		}
	}
	if n > 0 {
		f.SetCellStyle(name, "A3", last+fmt.Sprint(n+2), st.cell)
	}
	for i, wdt := range []float64{6, 14, 24, 6, 24, 24, 14, 14, 18, 8, 10, 11, 12, 10, 14, 14, 16, 14, 18} {
		f.SetColWidth(name, col(i), col(i), wdt)
	}
	f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	size, landscape := 9, "landscape"
	f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape})
	f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + name + "'!$2:$2", Scope: name})
	if n > 0 {
		f.AutoFilter(name, "A2:"+last+fmt.Sprint(n+2), nil)
	}
	return f.Write(w)
}
