package sheet_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
)

// TestExportThenParseGivesTheSameRows: a catalogue exported as .xlsx or
// .csv imports as the same rows.
func TestExportThenParseGivesTheSameRows(t *testing.T) {
	for name, export := range map[string]func(io.Writer, []catalog.Item) error{
		"目录.xlsx": func(w io.Writer, its []catalog.Item) error { return sheet.ExportXLSX(w, unit, domains, its) },
		"目录.csv":  func(w io.Writer, its []catalog.Item) error { return sheet.ExportCSV(w, domains, its) },
	} {
		var buf bytes.Buffer
		want := items()
		if err := export(&buf, want); err != nil {
			t.Fatal(err)
		}
		got, err := sheet.Parse(name, buf.Bytes(), sheet.Input{Unit: unit, Domains: domains})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Errors) > 0 || len(got.Rows) != len(want) {
			t.Fatalf("%s: rows %d errors %v", name, len(got.Rows), got.Errors)
		}
		for i, r := range got.Rows {
			w := want[i].Columns
			w.Normalize()
			g := r.Columns
			if g.DomainCode != w.DomainCode || g.Level1 != w.Level1 || g.Level2 != w.Level2 || g.Content != w.Content || g.Basis != w.Basis ||
				g.TimeLimitText != w.TimeLimitText || strings.Join(g.Channels, ",") != strings.Join(w.Channels, ",") || g.ChannelOther != w.ChannelOther ||
				g.ToPublic != w.ToPublic || g.ToSpecific != w.ToSpecific || g.AtTownship != w.AtTownship || g.AtCounty != w.AtCounty ||
				g.Duration != w.Duration || g.Office != w.Office || g.Remark != w.Remark {
				t.Errorf("%s row %d:\n got %+v\nwant %+v", name, i, g, w)
			}
		}
	}
}

// variant builds a sheet as another county made it: a title, the header on
// rows 3–4 with the variants 特定群众 / 依申请公开 / 乡、村级, a 三级事项
// column, an extra 公开时长 column, 一级事项 merged, 同上 cells, OCR'd boxes.
func variant(t *testing.T, mutate func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	s := "社会救助"
	f.SetSheetName("Sheet1", s)
	f.SetCellValue(s, "A1", "某县某镇社会救助领域基层政务公开标准目录")
	header := [][]string{
		{"序号", "公开事项", "", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "", "公开方式", "", "公开层级", "", "公开时长"},
		{"", "一级事项", "二级事项", "三级事项", "", "", "", "", "", "全社会", "特定群众", "主动", "依申请公开", "县级", "乡、村级", ""},
	}
	for r, row := range header {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3)
			f.SetCellValue(s, cell, v)
		}
	}
	data := [][]string{
		{"1", "最低生活保障", "审核信息", "初审", "●初审对象名单 〇相关信息", "《社会救助暂行办法》", "制定或获取信息之日起10个工作日内，\n公示7个工作日", "镇人民政府", "■政府网站 口政府公报 ■社区/企事业单位/村公示栏(电子屏)", "√", "", "√", "", "", "√", "长期"},
		{"2", "", "审批信息", "", "审批对象名单", "同上", "同上", "镇人民政府", "■政府网站 t两微一端 ■其他：村务公开栏", "√", "√", "√", "√", "", "√", ""},
		{"3", "临时救助", "救助结果", "", "救助对象、金额", "同上", "按照县民政局统一部署执行", "镇人民政府", "政府网站、公开查阅点", "√", "", "√", "", "√", "", ""},
	}
	for r, row := range data {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+5)
			f.SetCellValue(s, cell, v)
		}
	}
	f.MergeCell(s, "B5", "B6")
	if mutate != nil {
		mutate(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseRealWorldVariant(t *testing.T) {
	got, err := sheet.ParseXLSX(variant(t, nil), unit, domains)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Errors) > 0 || len(got.Rows) != 3 {
		t.Fatalf("rows %d errors %v", len(got.Rows), got.Errors)
	}
	r1, r2, r3 := got.Rows[0].Columns, got.Rows[1].Columns, got.Rows[2].Columns
	if r1.DomainCode != "shjz" || r1.Level1 != "最低生活保障" || r1.Level3 != "初审" || r1.Content != "●初审对象名单 〇相关信息" {
		t.Errorf("row 1 %+v", r1)
	}
	if r1.TimeLimit.Kind != catalog.RuleWorkdays || r1.TimeLimit.N != 10 || r1.TimeLimit.DisplayWorkdays != 7 {
		t.Errorf("row 1 time limit %+v", r1.TimeLimit)
	}
	if strings.Join(r1.Channels, ",") != "政府网站,社区/企事业单位/村公示栏(电子屏)" || !r1.AtTownship || r1.AtCounty || r1.ToSpecific {
		t.Errorf("row 1 channels/marks %+v", r1)
	}
	if r2.Level1 != "最低生活保障" || r2.Basis != "《社会救助暂行办法》" || r2.TimeLimit.N != 10 || !r2.ToSpecific || !r2.OnRequest {
		t.Errorf("row 2 (merged 一级事项, 同上) %+v", r2)
	}
	if strings.Join(r2.Channels, ",") != "政府网站,其他" || r2.ChannelOther != "村务公开栏" {
		t.Errorf("row 2 channels %v %q", r2.Channels, r2.ChannelOther)
	}
	if strings.Join(r3.Channels, ",") != "政府网站,公开查阅点" || r3.TimeLimit.Kind != catalog.RuleUnparsed || r3.Basis != "《社会救助暂行办法》" {
		t.Errorf("row 3 %+v", r3)
	}
	var warned []string
	for _, w := range got.Warnings {
		warned = append(warned, w.String())
	}
	all := strings.Join(warned, "\n")
	if strings.Contains(all, "「公开时长」：无法识别的列") || !strings.Contains(all, "第7行 「公开时限」“按照县民政局统一部署执行”：无法识别") {
		t.Errorf("warnings:\n%s", all)
	}
	if r1.Duration != "长期" {
		t.Errorf("公开时长 not read: %q", r1.Duration)
	}
}

func TestParseListsEveryMistake(t *testing.T) {
	data := variant(t, func(f *excelize.File) {
		f.SetCellValue("社会救助", "C5", "")     // 二级事项 missing
		f.SetCellValue("社会救助", "E7", "")     // 公开内容 missing
		f.SetCellValue("社会救助", "I6", "■抖音号") // a channel outside the list goes to 其他, not an error
	})
	got, err := sheet.ParseXLSX(data, unit, domains)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range got.Errors {
		msgs = append(msgs, e.String())
	}
	want := []string{"第5行 「二级事项」", "第7行 「公开内容（要素）」"}
	if len(got.Errors) != 2 {
		t.Fatalf("errors %v", msgs)
	}
	for i, w := range want {
		if !strings.Contains(msgs[i], w) {
			t.Errorf("error %d %q lacks %q", i, msgs[i], w)
		}
	}
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for n, b := range files {
		fw, _ := w.Create(n)
		fw.Write(b)
	}
	w.Close()
	return buf.Bytes()
}

func TestHostileFilesAreRefused(t *testing.T) {
	many := map[string][]byte{}
	for i := 0; i < 1001; i++ {
		many[fmt.Sprintf("x/%d.xml", i)] = nil
	}
	bomb := map[string][]byte{"xl/worksheets/sheet1.xml": bytes.Repeat([]byte("A"), 101<<20)}
	for name, data := range map[string][]byte{
		"NotZip":  []byte("序号,公开事项\n1,x"),
		"Macro":   zipOf(t, map[string][]byte{"[Content_Types].xml": nil, "xl/vbaProject.bin": []byte("x")}),
		"Entries": zipOf(t, many),
		"Bomb":    zipOf(t, bomb),
		"Broken":  []byte("PK\x03\x04garbage"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sheet.ParseXLSX(data, unit, domains)
			if catalog.ErrorCode(err) != catalog.EINVALID {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func FuzzParseRows(f *testing.F) {
	f.Add("序号,公开事项,公开内容（要素）,公开依据,公开时限\n1,财政资金,预算,法,同上\n", "财政资金")
	f.Add("序号,一级事项,二级事项,公开内容,公开渠道和载体,全社会\n1,a,b,c,■政府网站t其他：x口,√\n", "社会救助")
	f.Fuzz(func(t *testing.T, table, sheetName string) {
		var rows [][]string
		for _, line := range strings.Split(table, "\n") {
			rows = append(rows, strings.Split(line, ","))
		}
		out := &sheet.Parsed{}
		sheet.ParseRows(out, sheetName, rows, sheet.Input{Unit: unit, Domains: domains})
		for _, r := range out.Rows {
			if r.Columns.Level2 == "" || r.Columns.Content == "" {
				t.Fatalf("invalid row accepted: %+v", r)
			}
		}
	})
}

// TestParseReducedVariant: a 主动公开事项目录 as some localities ship it — one
// header row, no 公开层级 block, 公开范围 instead of 公开对象, the header
// starting on row 2 under a title, no sheet-name domain but a 领域 column.
func TestParseReducedVariant(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]string{
		{"某镇主动公开事项目录"},
		{"序号", "领域", "公开事项", "公开内容", "公开依据", "公开范围", "公开要求"},
		{"1", "财政资金", "预算公开", "本年度预算及说明", "《预算法》", "全社会", "本级人民代表大会或其常务委员会批准后20日内"},
		{"2", "社会救助", "低保", "低保对象名单", "《社会救助暂行办法》", "全社会", "按月"},
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	f.Write(&buf)
	got, err := sheet.ParseXLSX(buf.Bytes(), unit, domains)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Errors) != 0 || len(got.Rows) != 2 {
		t.Fatalf("rows %d errors %v", len(got.Rows), got.Errors)
	}
	a, b := got.Rows[0].Columns, got.Rows[1].Columns
	if a.DomainCode != "czzj" || a.Level1 != "财政资金" || a.Level2 != "预算公开" || a.TimeLimit.Kind != catalog.RuleDays || !a.AtTownship || !a.ToPublic {
		t.Errorf("row 1 %+v", a)
	}
	if b.DomainCode != "shjz" || b.TimeLimit.Period != catalog.PeriodMonthly || strings.Join(b.Channels, ",") != "政府网站" {
		t.Errorf("row 2 %+v", b)
	}
	warned := false
	for _, w := range got.Warnings {
		warned = warned || w.Column == "公开范围"
	}
	if !warned {
		t.Errorf("公开范围 not reported: %v", got.Warnings)
	}
}
