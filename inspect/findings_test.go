package inspect_test

import (
	"strconv"
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
			changed := d0("2026-05-06")
			d.Watch = []filing.Watch{{UnitCode: "x", Reasons: []string{"发布员变动频繁"}, LastChange: &changed}}
		}},
		{"poor_interpretation", "poor_interpretation", "晚于文件", func(d *inspect.Data) {
			d.Items = append(d.Items, col(3, "zcjd", "政策解读", twenty), col(4, "zfwj", "政府文件", twenty))
			d.Pubs = append(d.Pubs, pub(300, 4, "文件A", "2026-04-01", "2026-04-01"))
			interp := pub(one, 3, "文件A的解读", "2026-04-20", "2026-04-20")
			first := int64(300)
			interp.InterpretsID = &first
			d.Pubs = append(d.Pubs, interp)
		}},
		{"rectify_report", "rectify_report", "整改", func(d *inspect.Data) {
			d.Items = append(d.Items, col(5, "jdbz", "测评整改情况", twenty))
			d.Prev = &inspect.Report{Units: []inspect.UnitResult{{Code: "x", Findings: []inspect.Finding{{Code: "late"}}}}}
		}},
		{"rectify_failed", "rectify_failed", "党务公开", func(d *inspect.Data) {
			// Last quarter named three columns; none updated by 30 April.
			d.Prev = rectifyPrev()
			for i := int64(2); i <= 4; i++ {
				d.Items = append(d.Items, col(i, "dwgk", []string{"", "", "党务公开", "村务公开", "财务公开"}[i], twenty))
				d.Pubs = append(d.Pubs, pub(100+i, i, "五月"+strconv.Itoa(int(i)), "2026-05-06", "2026-05-06"))
			}
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

// rectifyPrev is a first quarter's report that named columns 2, 3 and 4 of
// x as not updated, to be rectified by 30 April.
func rectifyPrev() *inspect.Report {
	var ev []inspect.Evidence
	for i := int64(2); i <= 4; i++ {
		ev = append(ev, inspect.Evidence{Kind: "item", ID: i})
	}
	return &inspect.Report{RectifyBy: d("2026-04-30"), Units: []inspect.UnitResult{{Code: "x",
		Findings: []inspect.Finding{{Code: "stale_quarter", Text: "大量栏目2026年未更新", Evidence: ev}}}}}
}

// TestRectifyInterpretAndPublishers: the edges of the rules the county's
// bulletins showed. Last quarter's columns updated by the deadline are
// rectified, and not judged before it; an interpretation out with its
// policy in its own words is fine, one repeating the policy's text is not;
// an unlinked interpretation is found as unlinked, not also as too few;
// a publisher change found last quarter is not found again.
func TestRectifyInterpretAndPublishers(t *testing.T) {
	q := inspect.Quarter{Year: 2026, N: 2}
	run := func(d inspect.Data, asOf string) map[string]inspect.Finding {
		out := map[string]inspect.Finding{}
		for _, f := range inspect.Inspect(d, q, d0(asOf), inspect.Defaults, workday.New()).Units[0].Findings {
			out[f.Code] = f
		}
		return out
	}
	twenty := "信息形成或者变更之日起20个工作日内"
	unit := []catalog.Unit{{Code: "x", Name: "某镇", Level: catalog.LevelTownship}}
	var items []catalog.Item
	for i, l2 := range []string{"", "", "党务公开", "村务公开", "财务公开", "政策解读", "政府文件"} {
		if i < 2 {
			continue
		}
		domain := map[string]string{"政策解读": "zcjd", "政府文件": "zfwj"}[l2]
		if domain == "" {
			domain = "dwgk"
		}
		c := catalog.Columns{DomainCode: domain, Level1: l2, Level2: l2, TimeLimitText: twenty}
		c.Normalize()
		items = append(items, catalog.Item{ID: int64(i), UnitCode: "x", Columns: c})
	}
	pub := func(id, item int64, title, on string) inspect.Pub {
		return inspect.Pub{ID: id, UnitCode: "x", ItemID: item, Title: title, GeneratedOn: d0(on), PublishedOn: d0(on)}
	}
	data := func(pubs ...inspect.Pub) inspect.Data {
		return inspect.Data{Units: unit, Items: items, Prev: rectifyPrev(), Pubs: pubs}
	}
	// Columns 2–4 updated in April (two of them) and May: rectified.
	fixed := data(pub(1, 2, "甲", "2026-04-10"), pub(2, 3, "乙", "2026-04-29"), pub(3, 4, "丙", "2026-05-10"))
	if f, ok := run(fixed, "2026-06-30")["rectify_failed"]; ok {
		t.Errorf("two of three rectified by the deadline: %+v", f)
	}
	// Only one by the deadline: not rectified, judged once it has passed.
	late := data(pub(1, 2, "甲", "2026-04-10"), pub(2, 3, "乙", "2026-05-29"), pub(3, 4, "丙", "2026-05-10"))
	if f, ok := run(late, "2026-06-30")["rectify_failed"]; !ok || len(f.Evidence) != 2 {
		t.Errorf("one of three rectified: %+v", f)
	}
	if _, ok := run(late, "2026-04-20")["rectify_failed"]; ok {
		t.Error("judged before the deadline")
	}
	// Interpretations: out the next working day in their own words, fine;
	// the policy's text again, poor.
	policyText := "关于印发某镇2026年秸秆禁烧工作方案的通知。各村：为切实做好秸秆禁烧工作，改善空气质量，保障人民群众身体健康，经研究，现将本方案印发给你们，请认真贯彻执行。一、工作目标。二、工作措施。三、工作要求。"
	policy := pub(10, 6, "秸秆禁烧工作方案", "2026-04-01")
	policy.Text = policyText
	interp := func(text string) inspect.Pub {
		p := pub(11, 5, "秸秆禁烧工作方案解读", "2026-04-02")
		p.Text, p.InterpretsID = text, &policy.ID
		return p
	}
	own := interp("一、出台背景：每年夏收秋收时节焚烧秸秆污染空气。二、主要内容：明确了禁烧区域、责任分工和奖惩办法。三、解读要点：村民可将秸秆交给合作社综合利用，每吨补助五十元。")
	if f, ok := run(data(policy, own), "2026-06-30")["poor_interpretation"]; ok {
		t.Errorf("a good interpretation: %+v", f)
	}
	copied := interp("秸秆禁烧工作方案解读\n" + policyText)
	if f, ok := run(data(policy, copied), "2026-06-30")["poor_interpretation"]; !ok || !strings.Contains(evidenceText(f), "照搬文件原文") {
		t.Errorf("an interpretation repeating its policy: %+v", f)
	}
	// Four policies, two interpretations not linked: unlinked, not few.
	var many []inspect.Pub
	for i := int64(0); i < 4; i++ {
		many = append(many, pub(20+i, 6, "文件"+strconv.Itoa(int(i)), "2026-04-08"))
	}
	many = append(many, pub(30, 5, "解读一", "2026-04-09"), pub(31, 5, "解读二", "2026-04-09"))
	fs := run(data(many...), "2026-06-30")
	if _, ok := fs["unlinked_interpretation"]; !ok {
		t.Error("unlinked interpretations not found")
	}
	if f, ok := fs["few_interpretations"]; ok {
		t.Errorf("two interpretations of four policies, not linked, found too few: %+v", f)
	}
	// Publishers: changed in the first quarter, found then, not in the second.
	before := d0("2026-03-20")
	d := inspect.Data{Units: unit, Watch: []filing.Watch{{UnitCode: "x", Reasons: []string{"发布员变动频繁"}, LastChange: &before}}}
	if f, ok := run(d, "2026-06-30")["publisher_changes"]; ok {
		t.Errorf("a change of the last quarter found again: %+v", f)
	}
}

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

// TestLateListedByDay: the publications come from the database in no
// order; the late ones are listed by publication day whatever it was.
func TestLateListedByDay(t *testing.T) {
	q := inspect.Quarter{Year: 2026, N: 2}
	c := catalog.Columns{DomainCode: "czzj", Level1: "财政资金", Level2: "财政资金", TimeLimitText: "信息形成或者变更之日起20个工作日内"}
	c.Normalize()
	pubs := []inspect.Pub{
		{ID: 7, UnitCode: "x", ItemID: 1, Title: "六月", GeneratedOn: d("2026-04-01"), PublishedOn: d("2026-06-20")},
		{ID: 9, UnitCode: "x", ItemID: 1, Title: "五月", GeneratedOn: d("2026-04-01"), PublishedOn: d("2026-05-20")},
		{ID: 8, UnitCode: "x", ItemID: 1, Title: "五月另一条", GeneratedOn: d("2026-04-01"), PublishedOn: d("2026-05-20")},
	}
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}} {
		data := inspect.Data{Units: []catalog.Unit{{Code: "x", Name: "某镇", Level: catalog.LevelTownship}},
			Items: []catalog.Item{{ID: 1, UnitCode: "x", Columns: c}}}
		for _, i := range order {
			data.Pubs = append(data.Pubs, pubs[i])
		}
		var ids []int64
		for _, e := range findings(data, q)["late"].Evidence {
			ids = append(ids, e.ID)
		}
		if len(ids) != 3 || ids[0] != 8 || ids[1] != 9 || ids[2] != 7 {
			t.Errorf("read in order %v: late listed %v, want 8 9 7", order, ids)
		}
	}
}
