package inspect_test

import (
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/inspect"
	"gongkai/workday"
)

// TestEachFinding: for each kind of finding, the smallest county that has
// it is found out, with its evidence, and the same county without the
// fault is not. Quarter: 2026Q2; one township, x.
func TestEachFinding(t *testing.T) {
	q := inspect.Quarter{Year: 2026, N: 2}
	unit := []catalog.Unit{{Code: "x", Name: "某镇", Level: catalog.LevelTownship}}
	twenty := "信息形成或者变更之日起20个工作日内"
	col := func(id int64, domain, level2, limit string) catalog.Item {
		c := catalog.Columns{DomainCode: domain, Level1: level2, Level2: level2, TimeLimitText: limit}
		c.Normalize()
		return catalog.Item{ID: id, UnitCode: "x", Columns: c}
	}
	pub := func(id, itemID int64, title, gen, published string) inspect.Pub {
		return inspect.Pub{ID: id, UnitCode: "x", ItemID: itemID, Title: title, GeneratedOn: d(gen), PublishedOn: d(published)}
	}
	// A column updated in the quarter and the year: nothing to find.
	base := func() inspect.Data {
		return inspect.Data{Units: unit, Items: []catalog.Item{col(1, "czzj", "财政资金", twenty)},
			Pubs: []inspect.Pub{pub(100, 1, "四月财政资金公示", "2026-04-01", "2026-04-02")}}
	}
	one := int64(500)
	for _, c := range []struct {
		name, code, evidence string
		fault                func(*inspect.Data)
	}{
		{"stale_quarter", "stale_quarter", "党务公开", func(d *inspect.Data) {
			d.Items = append(d.Items, col(2, "dwgk", "党务公开", twenty))
			d.Pubs = append(d.Pubs, pub(101, 2, "一月党务公开", "2026-01-05", "2026-01-06"))
		}},
		{"stale_year", "stale_year", "扶贫资金", func(d *inspect.Data) {
			for i := int64(2); i <= 5; i++ { // four columns not updated all year, one of them…
				d.Items = append(d.Items, col(i, "fpzj", []string{"", "", "扶贫资金", "低保名单", "救助公示", "危房改造"}[i], twenty))
				if i > 2 { // …the others updated in the first quarter only
					d.Pubs = append(d.Pubs, pub(100+i, i, "一季度", "2026-01-05", "2026-01-06"))
				}
			}
		}},
		{"late", "late", "时限20个工作日", func(d *inspect.Data) {
			d.Pubs = append(d.Pubs, pub(102, 1, "迟到的公示", "2026-04-01", "2026-05-20"))
		}},
		{"irregular: duplicate title", "irregular", "标题重复", func(d *inspect.Data) {
			d.Pubs = append(d.Pubs, pub(103, 1, "四月 财政资金公示", "2026-04-03", "2026-04-03"))
		}},
		{"irregular: published before generated", "irregular", "发布日期早于生成日期", func(d *inspect.Data) {
			d.Pubs = append(d.Pubs, pub(104, 1, "倒填日期", "2026-05-10", "2026-05-09"))
		}},
		{"irregular: burst", "irregular", "突击发布", func(d *inspect.Data) {
			for i := int64(0); i < 12; i++ {
				d.Pubs = append(d.Pubs, pub(200+i, 1, "季末公示"+string(rune('A'+i)), "2026-06-26", "2026-06-27"))
			}
		}},
		{"unlinked_interpretation", "unlinked_interpretation", "一篇解读", func(d *inspect.Data) {
			d.Items = append(d.Items, col(3, "zcjd", "政策解读", twenty))
			d.Pubs = append(d.Pubs, pub(105, 3, "一篇解读", "2026-04-08", "2026-04-08"))
		}},
		{"few_interpretations", "few_interpretations", "（无解读）", func(d *inspect.Data) {
			d.Items = append(d.Items, col(3, "zcjd", "政策解读", twenty), col(4, "zfwj", "政府文件", twenty))
			for i := int64(0); i < 4; i++ {
				d.Pubs = append(d.Pubs, pub(300+i, 4, "文件"+string(rune('A'+i)), "2026-04-08", "2026-04-08"))
			}
			interp := pub(one, 3, "文件A的解读", "2026-04-09", "2026-04-09")
			first := int64(300)
			interp.InterpretsID = &first
			d.Pubs = append(d.Pubs, interp)
		}},
		{"privacy", "privacy", "110***********002X", func(d *inspect.Data) {
			p := pub(106, 1, "救助名单", "2026-04-10", "2026-04-10")
			p.Text = "张三，身份证号码11010519491231002X"
			d.Pubs = append(d.Pubs, p)
		}},
		{"requests", "requests", "超过答复期限", func(d *inspect.Data) {
			d.Requests = []foi.Request{{Number: "2026-00001", UnitCode: "x", State: foi.Registered, ReceivedOn: d0("2026-03-02"),
				ClockFrom: d0("2026-03-02"), CreatedAt: d0("2026-03-02")}}
		}},
		{"publisher_changes", "publisher_changes", "", func(d *inspect.Data) {
			d.Watch = []filing.Watch{{UnitCode: "x", Reasons: []string{"发布员变动频繁"}}}
		}},
		{"rectify_report", "rectify_report", "整改", func(d *inspect.Data) {
			d.Items = append(d.Items, col(5, "jdbz", "测评整改情况", twenty))
			d.Prev = &inspect.Report{Units: []inspect.UnitResult{{Code: "x", Findings: []inspect.Finding{{Code: "late"}}}}}
		}},
		{"rectify_failed", "rectify_failed", "党务公开", func(d *inspect.Data) {
			for i := int64(2); i <= 4; i++ { // three of four columns not updated: 大量
				d.Items = append(d.Items, col(i, "dwgk", []string{"", "", "党务公开", "村务公开", "财务公开"}[i], twenty))
				d.Pubs = append(d.Pubs, pub(100+i, i, "一季度", "2026-01-05", "2026-01-06"))
			}
			d.Prev = &inspect.Report{Units: []inspect.UnitResult{{Code: "x", Findings: []inspect.Finding{{Code: "stale_quarter", Text: "大量栏目2026年未更新"}}}}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			clean := base()
			if c.code == "rectify_report" || c.code == "rectify_failed" {
				clean.Prev = &inspect.Report{}
			}
			if fs := findings(clean, q); len(fs) != 0 {
				t.Fatalf("the clean county has findings: %+v", fs)
			}
			data := base()
			c.fault(&data)
			f, ok := findings(data, q)[c.code]
			if !ok {
				t.Fatalf("%s not found: %+v", c.code, findings(data, q))
			}
			if c.evidence != "" && !strings.Contains(evidenceText(f), c.evidence) {
				t.Errorf("%s: evidence %+v lacks %q", c.code, f.Evidence, c.evidence)
			}
		})
	}
}

func d0(s string) time.Time { return d(s) }

func findings(data inspect.Data, q inspect.Quarter) map[string]inspect.Finding {
	out := map[string]inspect.Finding{}
	for _, f := range inspect.Inspect(data, q, q.End(), inspect.Defaults, workday.New()).Units[0].Findings {
		out[f.Code] = f
	}
	return out
}

func evidenceText(f inspect.Finding) string {
	var b strings.Builder
	b.WriteString(f.Text)
	for _, e := range f.Evidence {
		b.WriteString(" " + e.Note)
	}
	return b.String()
}
