package sheet_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
	"gongkai/seed"
)

var sanxi = catalog.Unit{Code: "sanxi", Name: "三溪镇", FullName: "旌德县三溪镇人民政府", Level: catalog.LevelTownship}

// jingde is what an import into 三溪镇 of the demo county reads with.
func jingde(u catalog.Unit) sheet.Input {
	return sheet.Input{Unit: u, Units: seed.Units(), Domains: seed.Domains()}
}

// needConverter: .xls is read through LibreOffice Calc, which CI installs;
// elsewhere its absence skips the test.
func needConverter(t *testing.T) {
	t.Helper()
	if sheet.Converter == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)")
		}
		t.Skip("LibreOffice Calc is not installed")
	}
}

func parseFile(t *testing.T, name string, in sheet.Input) *sheet.Parsed {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sheet.Parse(name, data, in)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// noSameAs fails when any text column kept a 同上 or 同左.
func noSameAs(t *testing.T, rows []sheet.Row) {
	t.Helper()
	for _, r := range rows {
		c := r.Columns
		for _, v := range []string{c.Level1, c.Level2, c.Level3, c.Content, c.Basis, c.TimeLimitText, c.Subject, c.ChannelOther, c.Duration, c.Office, c.Remark} {
			if catalog.SameAs(v) {
				t.Errorf("row %d keeps %q", r.Row, v)
			}
		}
	}
}

// TestParseFilesMadeElsewhere reads catalogues LibreOffice made
// (testdata/make.sh), in the shapes counties circulate: an .xls whose
// domain and unit are named only in its merged title, three levels of
// items under merged parents, text typed with spaces and full-width
// digits, 口/☐ and ■/☑/● boxes, 同上 and 同左, extra columns; a Word table
// under its title paragraph; a workbook with one domain per sheet named in
// each title; a GB18030 .csv.
func TestParseFilesMadeElsewhere(t *testing.T) {
	t.Run("xls", func(t *testing.T) {
		needConverter(t)
		p := parseFile(t, "sanxi-shjz.xls", jingde(sanxi))
		if len(p.Errors) > 0 || len(p.Rows) != 4 {
			t.Fatalf("rows %d, errors %v", len(p.Rows), p.Errors)
		}
		noSameAs(t, p.Rows)
		a, b, c, d := p.Rows[0].Columns, p.Rows[1].Columns, p.Rows[2].Columns, p.Rows[3].Columns
		if a.DomainCode != "shjz" || a.Level1 != "最低生活保障" || a.Level2 != "审核审批" || a.Level3 != "申请受理" ||
			a.TimeLimitText != "信息形成或者变更之日起20个工作日内" || a.TimeLimit.Kind != catalog.RuleWorkdays || a.TimeLimit.N != 20 ||
			strings.Join(a.Channels, ",") != "政府网站,便民服务站,社区/企事业单位/村公示栏(电子屏)" || !a.ToPublic || a.ToSpecific ||
			a.Duration != "长期" || a.Office != "民政办" {
			t.Errorf("row 1 (spaced, full-width, 口 boxes, extra columns): %+v", a)
		}
		if b.Level1 != "最低生活保障" || b.Level2 != "审核审批" || b.Level3 != "审核结果" || b.Basis != "《社会救助暂行办法》" ||
			b.Subject != "三溪镇人民政府" || b.ToPublic || !b.ToSpecific || b.Remark != "不公开身份证号等个人隐私" || b.Content != "初审对象名单\n及相关信息" {
			t.Errorf("row 2 (merged parents, 同上): %+v", b)
		}
		if c.Level1 != "最低生活保障" || c.Level2 != "资金发放" || c.Level3 != "" || c.TimeLimit.Period != catalog.PeriodMonthly ||
			strings.Join(c.Channels, ",") != "公开查阅点,便民服务站" || !c.ToPublic || !c.Proactive {
			t.Errorf("row 3 (☐/☑ boxes, ● mark, 按 月 公 开): %+v", c)
		}
		if d.Level1 != "临时救助" || d.Level2 != "救助结果" || d.Office != "社会事务办" {
			t.Errorf("row 4: %+v", d)
		}
	})
	t.Run("docx", func(t *testing.T) {
		p := parseFile(t, "yiwu-jiaoyu.docx", jingde(sanxi))
		if len(p.Errors) > 0 || len(p.Rows) != 3 {
			t.Fatalf("rows %d, errors %v", len(p.Rows), p.Errors)
		}
		noSameAs(t, p.Rows)
		for _, r := range p.Rows {
			if r.Columns.DomainCode != "ywjy" || r.Columns.Level1 != "控辍保学" {
				t.Errorf("row %d: domain from the title, 一级事项 under its merged parent: %+v", r.Row, r.Columns)
			}
		}
		if b := p.Rows[1].Columns; b.Basis != "《中华人民共和国义务教育法》" {
			t.Errorf("同上 in a Word table: %+v", b)
		}
		if c := p.Rows[2].Columns; c.Level2 != "送教上门" || !c.ToSpecific || c.ToPublic || !c.OnRequest || strings.Join(c.Channels, ",") != "政府网站,入户/现场" {
			t.Errorf("row 3: %+v", c)
		}
	})
	t.Run("a domain per sheet", func(t *testing.T) {
		p := parseFile(t, "multi.xlsx", jingde(sanxi))
		if len(p.Errors) > 0 || len(p.Rows) != 2 {
			t.Fatalf("rows %d, errors %v", len(p.Rows), p.Errors)
		}
		a, b := p.Rows[0].Columns, p.Rows[1].Columns
		if a.DomainCode != "ylfw" || b.DomainCode != "ggflfw" {
			t.Errorf("domains %s, %s: want ylfw (养老服务) and ggflfw (公共法律服务)", a.DomainCode, b.DomainCode)
		}
		if strings.Join(a.Channels, ",") != "政府网站,其他" || a.ChannelOther != "村务公开栏" {
			t.Errorf("公开平台 as channels: %v %q", a.Channels, a.ChannelOther)
		}
	})
	t.Run("a header of three rows", func(t *testing.T) {
		p := parseFile(t, "jy-3row.xlsx", jingde(sanxi))
		if len(p.Errors) > 0 || len(p.Rows) != 2 {
			t.Fatalf("rows %d, errors %v", len(p.Rows), p.Errors)
		}
		noSameAs(t, p.Rows)
		a, b := p.Rows[0].Columns, p.Rows[1].Columns
		if a.DomainCode != "jy" || a.Level1 != "就业服务" || a.Level2 != "技能培训" || a.ToPublic || !a.ToSpecific || !a.Proactive || !a.OnRequest {
			t.Errorf("row 1 (its ticks under the three-row header): %+v", a)
		}
		if strings.Join(a.Channels, ",") != "政府网站,其他" || a.ChannelOther != "村公示栏" {
			t.Errorf("a listed channel outside the national list goes to 其他: %v %q", a.Channels, a.ChannelOther)
		}
		if strings.Join(b.Channels, ",") != "政府网站,便民服务站" || b.Basis != "《就业促进法》" || p.Rows[1].Row != 6 {
			t.Errorf("row 2 (● ticked, ○ not): %v %+v", b.Channels, p.Rows[1])
		}
		for _, w := range p.Warnings {
			if strings.Contains(w.Message, "无法识别的列") {
				t.Errorf("a header column not recognised: %s", w)
			}
		}
	})
	t.Run("GB18030 csv", func(t *testing.T) {
		p := parseFile(t, "sanxi-jy-gb18030.csv", jingde(sanxi))
		if len(p.Errors) > 0 || len(p.Rows) != 3 {
			t.Fatalf("rows %d, errors %v", len(p.Rows), p.Errors)
		}
		noSameAs(t, p.Rows)
		b := p.Rows[1].Columns
		if b.DomainCode != "jy" || b.Level2 != "人员公示" || b.Basis != "《就业促进法》" || b.Subject != "三溪镇人民政府" ||
			strings.Join(b.Channels, ",") != "政府网站,社区/企事业单位/村公示栏(电子屏)" || b.Remark != "公示期满无异议的聘用" {
			t.Errorf("row 2: %+v", b)
		}
	})
}

// TestParseRefusesPrecisely: a catalogue naming another unit in its title
// is refused for this one; a file with bad rows names each row, column,
// value and what was expected, all at once.
func TestParseRefusesPrecisely(t *testing.T) {
	miaoshou := catalog.Unit{Code: "miaoshou", Name: "庙首镇", FullName: "旌德县庙首镇人民政府", Level: catalog.LevelTownship}
	p := parseFile(t, "yiwu-jiaoyu.docx", jingde(miaoshou)) // no unit in its title: any township's
	if len(p.Errors) > 0 {
		t.Errorf("a title without a unit: %v", p.Errors)
	}
	data, _ := os.ReadFile("testdata/sanxi-jy-gb18030.csv")
	text, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if p, err := sheet.Parse("x.csv", text, jingde(miaoshou)); err != nil || len(p.Errors) != 1 || !strings.Contains(p.Errors[0].String(), "三溪镇的目录") {
		t.Errorf("三溪镇's catalogue into 庙首镇: %v %v", err, p)
	}
	bad := bytes.Replace(text, []byte("驿站地址、服务内容、联系电话"), nil, 1)
	bad = bytes.Replace(bad, []byte("20个工作日内,三溪镇人民政府,■政府网站 ■社区"), []byte("20个工作日内,同上,■政府网站 ■社区"), 1)
	p, err := sheet.Parse("x.csv", bad, jingde(sanxi))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range p.Errors {
		msgs = append(msgs, e.String())
	}
	all := strings.Join(msgs, "\n")
	// Row 3's 公开主体 is 同上 with nothing above; row 4's 同上 then has
	// nothing either; row 5 has no 公开内容.
	if len(p.Errors) != 3 || !strings.Contains(all, "第3行 「公开主体」“同上”：“同上”指上一行的内容，但那里是空的") ||
		!strings.Contains(all, "第4行 「公开主体」“同上”") || !strings.Contains(all, "第5行 「公开内容（要素）」：公开内容（要素）不能为空") {
		t.Errorf("errors:\n%s", all)
	}
}

// parseRows reads rows typed in a test as 三溪镇's, wanting n rows and no
// error.
func parseRows(t *testing.T, rows [][]string, n int) []sheet.Row {
	t.Helper()
	out := &sheet.Parsed{}
	sheet.ParseRows(out, "", rows, jingde(sanxi))
	if len(out.Errors) > 0 || len(out.Rows) != n {
		t.Fatalf("rows %d errors %v", len(out.Rows), out.Errors)
	}
	return out.Rows
}

// TestTypistText: what typists do to cells is undone, and only that.
func TestTypistText(t *testing.T) {
	rows := [][]string{
		{"某镇社会救助领域基层政务公开标准目录"},
		{"序号", "一级事项", "二级事项", "公开内容（要素）", "公开时限", "公开渠道和载体"},
		{"1", "最低 生活 保障", "审核\n信息", "●初审对象名单 〇相关信息", "信 息 形 成 或 者 变 更 之 日 起 ２０ 个 工 作 日 内", "■政府网站"},
		{"2", "", "Ａ类 对象", "GPS 定位 data", "按月", "■政府网站"},
	}
	got := parseRows(t, rows, 2)
	a, b := got[0].Columns, got[1].Columns
	if a.TimeLimitText != "信息形成或者变更之日起20个工作日内" || a.Level2 != "审核信息" || a.Content != "●初审对象名单 〇相关信息" || a.Level1 != "最低 生活 保障" {
		t.Errorf("row 1: %+v", a)
	}
	if b.Level1 != "最低 生活 保障" || b.Level2 != "A类 对象" || b.Content != "GPS 定位 data" {
		t.Errorf("row 2 (blank 一级事项, full-width letter, a normal cell keeps its spaces): %+v", b)
	}
}

// TestHostileFilesOfEveryFormat: a Word document that unzips to more than
// the limit, a table or .csv of more rows than the limit, a binary file
// named .csv and an .xls that is no workbook are refused with a message,
// quickly.
func TestHostileFilesOfEveryFormat(t *testing.T) {
	var huge strings.Builder
	huge.WriteString("序号,一级事项,二级事项,公开内容（要素）\n")
	for i := 0; i <= sheet.MaxRows+20; i++ {
		huge.WriteString("1,低保,审核,名单\n")
	}
	var table strings.Builder
	table.WriteString(`<w:document xmlns:w="w"><w:body><w:tbl>`)
	for i := 0; i <= sheet.MaxRows+20; i++ {
		table.WriteString(`<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>`)
	}
	table.WriteString(`</w:tbl></w:body></w:document>`)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0xFF}, 4096)...)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"bomb.docx", zipOf(t, map[string][]byte{"word/document.xml": bytes.Repeat([]byte("<w:p/>"), 20<<20)}), "解压后超过"},
		{"rows.docx", zipOf(t, map[string][]byte{"word/document.xml": []byte(table.String())}), "超过"},
		{"rows.csv", []byte(huge.String()), "超过"},
		{"binary.csv", []byte("序号,公开事项\x00\x01\x02"), "不是文本"},
		{"notes.docx", zipOf(t, map[string][]byte{"word/document.xml": []byte(`<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>说明</w:t></w:r></w:p></w:body></w:document>`)}), "没有表格"},
		{"old.doc", ole, "另存为.docx"},
		{"nested.docx", zipOf(t, map[string][]byte{"word/document.xml": []byte(`<w:document xmlns:w="w"><w:body>` + strings.Repeat("<w:tbl><w:tr><w:tc>", 100000))}), "嵌套"},
		{"x.pdf", []byte("%PDF-1.4"), "无法识别的文件格式"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sheet.Parse(c.name, c.data, jingde(sanxi))
			if catalog.ErrorCode(err) != catalog.EINVALID || !strings.Contains(catalog.ErrorMessage(err), c.want) {
				t.Errorf("err = %v, want a refusal saying %q", err, c.want)
			}
		})
	}
	t.Run("garbage.xls", func(t *testing.T) {
		needConverter(t)
		// LibreOffice may refuse it, or read it as text with no catalogue in it.
		p, err := sheet.Parse("garbage.xls", ole, jingde(sanxi))
		if err == nil && (len(p.Rows) > 0 || len(p.Errors) == 0) || err != nil && catalog.ErrorCode(err) != catalog.EINVALID {
			t.Errorf("err = %v, parsed %+v", err, p)
		}
	})
}

// TestChannelsAsTyped: a 公开渠道 cell listing names keeps each, the ones
// outside the national list under 其他; ● ticks and ○ does not; a 公开平台
// with boxes keeps only what is ticked.
func TestChannelsAsTyped(t *testing.T) {
	rows := [][]string{
		{"某镇社会救助领域基层政务公开标准目录"},
		{"序号", "一级事项", "二级事项", "公开内容（要素）", "公开渠道和载体", "公开平台"},
		{"1", "低保", "名单", "名单", "政府网站，微信公众号", ""},
		{"2", "低保", "标准", "标准", "■政府网站 ☑两微一端 ●公开查阅点 ○政府公报", ""},
		{"3", "低保", "资金", "资金", "", "口皖事通 ■一卡通平台 □安徽政务服务网"},
		{"4", "低保", "流程", "流程", "社区/企事业单位/村公示栏(电子屏)、发布会/听证会", ""},
	}
	got := parseRows(t, rows, 4)
	for i, want := range []string{"政府网站,其他|微信公众号", "政府网站,两微一端,公开查阅点|", "其他|一卡通平台", "社区/企事业单位/村公示栏(电子屏),发布会/听证会|"} {
		c := got[i].Columns
		if got := strings.Join(c.Channels, ",") + "|" + c.ChannelOther; got != want {
			t.Errorf("row %d: %s, want %s", i+1, got, want)
		}
	}
}
