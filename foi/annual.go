package foi

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gomutex/godocx"

	"gongkai/catalog"
)

// AnnualTexts are the parts of the 政府信息公开工作年度报告 a unit writes
// itself (国办公开办函〔2021〕30号): 一、总体情况, 五、存在的主要问题及改
// 进情况, 六、其他需要报告的事项.
type AnnualTexts struct {
	Overview string `json:"overview"`
	Problems string `json:"problems"`
	Other    string `json:"other"`
}

// Proactive is table 二、主动公开政府信息情况: 第二十条第（一）项 规章 and
// 行政规范性文件 (made, repealed, in force this year), （五）行政许可,
// （六）行政处罚 and 行政强制 decisions, （八）行政事业性收费 in 万元.
type Proactive struct {
	RulesMade     int     `json:"rules_made"`
	RulesRepealed int     `json:"rules_repealed"`
	RulesInForce  int     `json:"rules_in_force"`
	NormsMade     int     `json:"norms_made"`
	NormsRepealed int     `json:"norms_repealed"`
	NormsInForce  int     `json:"norms_in_force"`
	Licensing     int     `json:"licensing"`
	Penalty       int     `json:"penalty"`
	Enforcement   int     `json:"enforcement"`
	FeesWan       float64 `json:"fees_wan"`
}

// AnnualParts is what a unit entered for a year: its texts and, once it
// has checked them, table 二 (Entered false: computed, a suggestion).
type AnnualParts struct {
	AnnualTexts
	Proactive Proactive `json:"proactive"`
	Entered   bool      `json:"proactive_entered"`
}

// Validate checks the parts before they are stored; messages name the field.
func (p *AnnualParts) Validate() error {
	for _, f := range []struct {
		field, label string
		v            *string
	}{{"overview", "一、总体情况", &p.Overview}, {"problems", "五、存在的主要问题及改进情况", &p.Problems}, {"other", "六、其他需要报告的事项", &p.Other}} {
		*f.v = strings.TrimSpace(strings.ReplaceAll(*f.v, "\r\n", "\n"))
		if utf8.RuneCountInString(*f.v) > 20000 {
			return catalog.Invalid(f.field, "%s不超过20000字", f.label)
		}
		if err := catalog.CheckText(f.field, f.label, *f.v); err != nil {
			return err
		}
	}
	q := p.Proactive
	for _, n := range []int{q.RulesMade, q.RulesRepealed, q.RulesInForce, q.NormsMade, q.NormsRepealed, q.NormsInForce, q.Licensing, q.Penalty, q.Enforcement} {
		if n < 0 || n > 10000000 {
			return catalog.Invalid("proactive", "主动公开情况的件数应为0至10000000")
		}
	}
	if q.FeesWan < 0 || q.FeesWan > 1e8 || math.IsNaN(q.FeesWan) {
		return catalog.Invalid("fees_wan", "行政事业性收费金额（万元）应为0至1亿")
	}
	p.Proactive.FeesWan = math.Round(q.FeesWan*1e4) / 1e4 // to the yuan
	return nil
}

// ProactiveFrom suggests table 二 from a unit's catalogue: the year's
// publications under items named for 规章, 行政规范性文件, 行政许可,
// 行政处罚 and 行政强制 (the repealed and in-force counts, and fees, are the
// unit's to enter).
func ProactiveFrom(items []catalog.Item, pubs []catalog.Publication, year int) Proactive {
	kind := map[int64]string{}
	for _, it := range items {
		name := it.Level1 + it.Level2 + it.Level3
		for _, k := range []string{"规范性文件", "规章", "行政许可", "行政处罚", "行政强制"} {
			if strings.Contains(name, k) {
				kind[it.ID] = k
				break
			}
		}
	}
	var p Proactive
	for _, pub := range pubs {
		if pub.PublishedOn.In(catalog.Shanghai).Year() != year {
			continue
		}
		switch kind[pub.ItemID] {
		case "规范性文件":
			p.NormsMade++
		case "规章":
			p.RulesMade++
		case "行政许可":
			p.Licensing++
		case "行政处罚":
			p.Penalty++
		case "行政强制":
			p.Enforcement++
		}
	}
	return p
}

// AnnualDoc is a unit's (or the county's) whole annual report for a year.
type AnnualDoc struct {
	Year     int          `json:"year"`
	Unit     string       `json:"unit"`
	UnitName string       `json:"unit_name"`
	Parts    AnnualParts  `json:"parts"`
	Requests Report       `json:"requests"` // 三
	Reviews  ReviewCounts `json:"reviews"`  // 四
	// FeesCharged is the 信息处理费 notified in the year and not left
	// unpaid, in yuan (for 六).
	FeesCharged int `json:"fees_charged"`
}

// Check verifies the report before it is published: table 三's
// identities, and the parts only the unit can write.
func (a AnnualDoc) Check() error {
	if err := a.Requests.Check(); err != nil {
		return catalog.Invalid("requests", "三、收到和处理政府信息公开申请情况的勾稽关系不成立：%v", err)
	}
	if a.Parts.Overview == "" {
		return catalog.Invalid("overview", "请填写一、总体情况")
	}
	if a.Parts.Problems == "" {
		return catalog.Invalid("problems", "请填写五、存在的主要问题及改进情况")
	}
	if !a.Parts.Entered {
		return catalog.Invalid("proactive", "请核对并保存二、主动公开政府信息情况（系统按目录统计的数字仅供参考）")
	}
	return nil
}

// Title is the report's title.
func (a AnnualDoc) Title() string {
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告", a.UnitName, a.Year)
}

// OtherText is 六 as printed: the unit's text and the fees charged.
func (a AnnualDoc) OtherText() string {
	fee := fmt.Sprintf("本年度收取政府信息公开信息处理费%d元。", a.FeesCharged)
	if a.FeesCharged == 0 {
		fee = "本年度未收取政府信息公开信息处理费。"
	}
	if a.Parts.Other == "" {
		return fee
	}
	return a.Parts.Other + "\n" + fee
}

// RequestColumns head table 三.
var RequestColumns = []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}

// DOCX writes the report as a Word document in the national layout: the
// title, 一 to 六 with their tables.
func (a AnnualDoc) DOCX(w io.Writer) error {
	doc, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("annual docx: %w", err)
	}
	if _, err := doc.AddHeading(a.Title(), 0); err != nil {
		return fmt.Errorf("annual docx: %w", err)
	}
	head := func(s string) error {
		_, err := doc.AddHeading(s, 1)
		return err
	}
	text := func(s string) {
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				doc.AddParagraph(line)
			}
		}
	}
	n := strconv.Itoa
	table := func(rows [][]string) {
		t := doc.AddTable()
		t.Style("TableGrid")
		for _, r := range rows {
			row := t.AddRow()
			for _, c := range r {
				row.AddCell().AddParagraph(c)
			}
		}
	}
	if err := head("一、总体情况"); err != nil {
		return err
	}
	text(a.Parts.Overview)
	if err := head("二、主动公开政府信息情况"); err != nil {
		return err
	}
	q := a.Parts.Proactive
	table([][]string{
		{"第二十条第（一）项", "", "", ""},
		{"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
		{"规章", n(q.RulesMade), n(q.RulesRepealed), n(q.RulesInForce)},
		{"行政规范性文件", n(q.NormsMade), n(q.NormsRepealed), n(q.NormsInForce)},
		{"第二十条第（五）项", "", "", ""},
		{"信息内容", "本年处理决定数量", "", ""},
		{"行政许可", n(q.Licensing), "", ""},
		{"第二十条第（六）项", "", "", ""},
		{"信息内容", "本年处理决定数量", "", ""},
		{"行政处罚", n(q.Penalty), "", ""},
		{"行政强制", n(q.Enforcement), "", ""},
		{"第二十条第（八）项", "", "", ""},
		{"信息内容", "本年收费金额（单位：万元）", "", ""},
		{"行政事业性收费", strconv.FormatFloat(q.FeesWan, 'f', -1, 64), "", ""},
	})
	if err := head("三、收到和处理政府信息公开申请情况"); err != nil {
		return err
	}
	rows := [][]string{append([]string{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", ""}, RequestColumns...)}
	for _, r := range a.Requests.Rows {
		line := []string{r.Group, r.Label}
		for _, c := range r.Cells {
			line = append(line, n(c))
		}
		rows = append(rows, line)
	}
	table(rows)
	if err := head("四、政府信息公开行政复议、行政诉讼情况"); err != nil {
		return err
	}
	rows = [][]string{append(append([]string{""}, ReviewColumns[:]...), "总计")}
	for _, b := range []struct {
		name string
		c    [4]int
	}{{"行政复议", a.Reviews.Review}, {"行政诉讼：未经复议直接起诉", a.Reviews.SuitDirect}, {"行政诉讼：复议后起诉", a.Reviews.SuitAfterReview}} {
		rows = append(rows, []string{b.name, n(b.c[0]), n(b.c[1]), n(b.c[2]), n(b.c[3]), n(Total(b.c))})
	}
	table(rows)
	if err := head("五、存在的主要问题及改进情况"); err != nil {
		return err
	}
	text(a.Parts.Problems)
	if err := head("六、其他需要报告的事项"); err != nil {
		return err
	}
	text(a.OtherText())
	if _, err := doc.WriteTo(w); err != nil {
		return fmt.Errorf("annual docx: %w", err)
	}
	return nil
}

// AnnualStore keeps the parts units write.
type AnnualStore interface {
	// AnnualParts returns a unit's parts for a year (empty when none).
	AnnualParts(ctx context.Context, unit string, year int) (AnnualParts, bool, error)
	// SaveAnnualParts stores them, audited; EINVALID.
	SaveAnnualParts(ctx context.Context, unit string, year int, p AnnualParts, by catalog.Actor) error
}
