package sheet_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
)

var (
	unit    = catalog.Unit{Code: "miaoshou", Name: "庙首镇", FullName: "旌德县庙首镇人民政府", Level: catalog.LevelTownship}
	domains = []catalog.Domain{{Code: "czzj", Name: "财政资金"}, {Code: "shjz", Name: "社会救助", National: true}}
)

func items() []catalog.Item {
	mk := func(domain, l1, l2, content string, ch ...string) catalog.Item {
		return catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: domain, Level1: l1, Level2: l2, Content: content,
			Basis: "《政府信息公开条例》", TimeLimitText: "按季度公开", Subject: "庙首镇人民政府", Channels: ch, ToPublic: true, Proactive: true, AtTownship: true}}
	}
	hostile := mk("czzj", "财政资金", "=HYPERLINK(\"http://x\")", "+1 公开内容", "政府网站")
	other := mk("shjz", "临时救助", "临时救助花名册", "花名册", "政府网站", "其他")
	other.ChannelOther = "村务公开栏"
	other.ToSpecific = true
	other.Duration, other.Office, other.Remark = "长期", "民政办", "不公开身份证号"
	return []catalog.Item{
		mk("czzj", "财政资金", "财政预算", "本年度预算", "政府网站", "政府公报"),
		mk("czzj", "财政资金", "财政决算", "上年度决算", "政府网站"),
		hostile,
		other,
	}
}

func TestExportXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := sheet.ExportXLSX(&buf, unit, domains, items()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "财政资金,社会救助" {
		t.Fatalf("sheets %v", got)
	}
	get := func(s, cell string) string {
		v, err := f.GetCellValue(s, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for cell, want := range map[string]string{
		"A1": "庙首镇基层政务公开标准目录（财政资金）",
		"A2": "序号", "B2": "公开事项", "B3": "一级事项", "C3": "二级事项", "D2": "公开内容（要素）", "E2": "公开依据", "F2": "公开时限",
		"G2": "公开主体", "H2": "公开渠道和载体", "I2": "公开对象", "I3": "全社会", "J3": "特定群体", "K2": "公开方式", "K3": "主动",
		"L3": "依申请", "M2": "公开层级", "M3": "县级", "N3": "乡级",
		"A4": "1", "B4": "财政资金", "C4": "财政预算", "I4": "√", "J4": "", "N4": "√",
		"C6": "'=HYPERLINK(\"http://x\")", "D6": "'+1 公开内容",
	} {
		if got := get("财政资金", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if h := get("财政资金", "H4"); !strings.HasPrefix(h, "■政府网站\n■政府公报\n□两微一端") {
		t.Errorf("channels %q", h)
	}
	if h := get("社会救助", "H4"); !strings.Contains(h, "■其他：村务公开栏") || get("社会救助", "J4") != "√" {
		t.Errorf("other channel %q", h)
	}
	merges, _ := f.GetMergeCells("财政资金")
	var ms []string
	for _, m := range merges {
		ms = append(ms, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"A1:N1", "A2:A3", "B2:C2", "D2:D3", "H2:H3", "I2:J2", "K2:L2", "M2:N2", "B4:B6"} {
		if !strings.Contains(","+strings.Join(ms, ",")+",", ","+want+",") {
			t.Errorf("merge %s missing from %v", want, ms)
		}
	}
	panes, _ := f.GetPanes("财政资金")
	if !panes.Freeze || panes.YSplit != 3 {
		t.Errorf("panes %+v", panes)
	}
	pl, _ := f.GetPageLayout("财政资金")
	if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 {
		t.Errorf("page layout %+v", pl)
	}
	found := false
	for _, dn := range f.GetDefinedName() {
		found = found || (dn.Name == "_xlnm.Print_Titles" && dn.Scope == "财政资金" && strings.Contains(dn.RefersTo, "$2:$3"))
	}
	if !found {
		t.Errorf("print titles missing: %+v", f.GetDefinedName())
	}
}

func TestExportCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := sheet.ExportCSV(&buf, domains, items()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[0][0] != "序号" || recs[1][1] != "财政资金" || recs[4][1] != "社会救助" {
		t.Fatalf("csv %v", recs)
	}
	if recs[3][3] != "'=HYPERLINK(\"http://x\")" || recs[3][5] != "'+1 公开内容" {
		t.Errorf("formula not neutralised: %q %q", recs[3][3], recs[3][5])
	}
}
