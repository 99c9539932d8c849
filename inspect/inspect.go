package inspect

import (
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/workday"
)

// Quarter is a calendar quarter.
type Quarter struct {
	Year, N int
}

// ParseQuarter reads 2020Q2.
func ParseQuarter(s string) (Quarter, error) {
	var q Quarter
	if _, err := fmt.Sscanf(strings.ToUpper(s), "%dQ%d", &q.Year, &q.N); err != nil || q.N < 1 || q.N > 4 || q.Year < 2000 || q.Year > 2100 {
		return q, catalog.Invalid("quarter", "季度应写作 2020Q2")
	}
	return q, nil
}

func (q Quarter) String() string { return fmt.Sprintf("%dQ%d", q.Year, q.N) }

// Start is the quarter's first day; End its last.
func (q Quarter) Start() time.Time {
	return time.Date(q.Year, time.Month(3*(q.N-1)+1), 1, 0, 0, 0, 0, catalog.Shanghai)
}

// End is the quarter's last day.
func (q Quarter) End() time.Time { return q.Start().AddDate(0, 3, -1) }

// Prev is the quarter before.
func (q Quarter) Prev() Quarter {
	if q.N == 1 {
		return Quarter{q.Year - 1, 4}
	}
	return Quarter{q.Year, q.N - 1}
}

// Name is 一季度 … 四季度.
func (q Quarter) Name() string {
	return []string{"", "一季度", "二季度", "三季度", "四季度"}[q.N]
}

// Config holds the thresholds; Defaults gives the county's.
type Config struct {
	// Few and Many split the share of a unit's expected columns not
	// updated: under Few 少量, up to Many 部分, over Many 大量.
	Few, Many float64
	// BurstDays and BurstShare: more than BurstShare of a quarter's
	// publications (at least BurstMin) in its last BurstDays days is 突击发布.
	BurstDays  int
	BurstShare float64
	BurstMin   int
	// ImmediateLag is how many working days an item to be published at
	// once (实时、及时) may take.
	ImmediateLag int
	// RegisterLag is how many working days after receipt a request may be
	// registered.
	RegisterLag int
	// With at least FewInterpretationsMin policy documents in a quarter,
	// fewer than FewInterpretationsShare of them interpreted is 政策解读较少.
	FewInterpretationsMin   int
	FewInterpretationsShare float64
	// An interpretation published more than InterpretationLag working
	// days after its policy, or whose text repeats the policy's for at least
	// CopiedShare, is 政策解读质量不高.
	InterpretationLag int
	CopiedShare       float64
	// Last quarter's columns not updated are rectified when updated by its
	// rectification deadline; more than RectifyShare of them still not
	// updated then is 整改落实不到位.
	RectifyShare float64
	// noRectification leaves out the findings about the previous quarter
	// (used when computing that quarter).
	noRectification bool
}

// Defaults are the county's thresholds.
var Defaults = Config{Few: 0.2, Many: 0.5, BurstDays: 7, BurstShare: 0.5, BurstMin: 10, ImmediateLag: 3, RegisterLag: 2,
	FewInterpretationsMin: 3, FewInterpretationsShare: 0.3, InterpretationLag: 3, CopiedShare: 0.6, RectifyShare: 0.5}

// Pub is what the inspection reads of a publication.
type Pub struct {
	ID           int64
	UnitCode     string
	ItemID       int64
	Title        string
	GeneratedOn  time.Time
	PublishedOn  time.Time
	InterpretsID *int64
	// Text is the body and the text of the attachments, for the privacy scan.
	Text string
	// TitleOnly marks a publication read without its body (from before the
	// quarter): its text is not compared.
	TitleOnly bool
}

// Data is the county's state to inspect.
type Data struct {
	Units []catalog.Unit
	// Inspector is the unit that inspects the others (the county office):
	// it is in neither the bulletin nor the scores.
	Inspector string
	// Items is the catalogue as it stood at the quarter's end, PrevItems
	// at the previous quarter's (for its findings, when not issued); Items
	// serves for both when PrevItems is nil.
	Items, PrevItems []catalog.Item
	Pubs             []Pub
	// Watch is the filing watch list at the quarter's end.
	Watch []filing.Watch
	// Requests are the disclosure requests, for the unit's register.
	Requests []foi.Request
	// Prev is the previous quarter's issued report, whose findings are to
	// be rectified; when nil it is computed, if anything was published then.
	Prev *Report
}

// Evidence points at what a finding rests on.
type Evidence struct {
	Kind string `json:"kind"` // item, publication
	ID   int64  `json:"id"`
	Note string `json:"note"`
}

// Finding is one problem of a unit, in the bulletin's words.
type Finding struct {
	Code     string     `json:"code"`
	Text     string     `json:"text"`
	Evidence []Evidence `json:"evidence"`
}

// UnitResult is a unit's row of the annex table.
type UnitResult struct {
	No       int       `json:"no"`
	Code     string    `json:"unit_code"`
	Name     string    `json:"unit_name"`
	Township bool      `json:"township"`
	Findings []Finding `json:"findings"`
	// Text is the findings joined with "，", or 无突出问题.
	Text string `json:"text"`
	// Unparsed are the unit's items whose 公开时限 could not be read: a
	// person must judge them.
	Unparsed []Evidence `json:"unparsed,omitempty"`
}

// Problem is a common problem (共性问题) with how many units have it.
type Problem struct {
	Code  string `json:"code"`
	Text  string `json:"text"`
	Units int    `json:"units"`
}

// Report is a quarter's inspection.
type Report struct {
	Quarter string       `json:"quarter"`
	AsOf    time.Time    `json:"as_of"`
	Units   []UnitResult `json:"units"`
	// Praise lists the units without findings: townships, departments.
	PraiseTownships   []string   `json:"praise_townships"`
	PraiseDepartments []string   `json:"praise_departments"`
	Common            []Problem  `json:"common"`
	RectifyBy         time.Time  `json:"rectify_by"`
	Issued            *time.Time `json:"issued,omitempty"`
	// Note says where a report not computed here comes from (a bulletin
	// from before the system, carried over).
	Note string `json:"note,omitempty"`
}

var grades = []string{"", "少量", "部分", "大量"}

func (c Config) grade(share float64) int {
	switch {
	case share <= 0:
		return 0
	case share < c.Few:
		return 1
	case share <= c.Many:
		return 2
	}
	return 3
}

// expected tells whether an item is due to be updated in quarter q: a
// yearly item only in the quarter of its due date; interpretations are
// judged on their own, a column marked 未涉及 not at all; every other
// column each quarter.
func expected(it *catalog.Item, q Quarter) bool {
	if it.DomainCode == "zcjd" || it.IsRectification() || it.NotApplicable() {
		return false // a column marked 未涉及 has nothing to publish
	}
	r := it.TimeLimit
	if r.Kind == catalog.RulePeriodic && r.Period == catalog.PeriodYearly {
		m := r.DueMonth
		if m == 0 {
			m = 12
		}
		return (m-1)/3+1 == q.N
	}
	return true
}

var spaces = regexp.MustCompile(`[\s　]+`)

// normTitle folds a title for the duplicate check: no spaces or
// punctuation differences.
func normTitle(s string) string {
	s = spaces.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) {
			return -1
		}
		return r
	}, s)
}

func day(t time.Time) time.Time {
	y, m, d := t.In(catalog.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
}

// Inspect inspects quarter q as of asOf: publications published after asOf
// do not count.
func Inspect(d Data, q Quarter, asOf time.Time, cfg Config, cal *workday.Calendar) Report {
	// A year whose holidays are not entered yet is counted by its weekends
	// rather than left out of the checks.
	cal = cal.Provisional()
	asOf = day(asOf)
	start, end := q.Start(), q.End()
	if asOf.Before(end) {
		end = asOf
	}
	// Rectified within 30 days of the quarter's end: the seed's bulletins set
	// 4月30日 and 7月30日 (adding a month to 31 March would give 1 May).
	rep := Report{Quarter: q.String(), AsOf: asOf, RectifyBy: q.End().AddDate(0, 0, 30)}
	// Items and publications are grouped by pointer: a county's are tens
	// of thousands, and copying them is what a report would cost.
	items := map[string][]*catalog.Item{}
	itemOf := make(map[int64]*catalog.Item, len(d.Items))
	for i := range d.Items {
		it := &d.Items[i]
		items[it.UnitCode] = append(items[it.UnitCode], it)
		itemOf[it.ID] = it
	}
	var none catalog.Item
	itemAt := func(id int64) *catalog.Item {
		if it, ok := itemOf[id]; ok {
			return it
		}
		return &none
	}
	pubs := map[string][]*Pub{}
	pubOf := make(map[int64]*Pub, len(d.Pubs))
	for i := range d.Pubs {
		p := &d.Pubs[i]
		if day(p.PublishedOn).After(asOf) {
			continue
		}
		pubs[p.UnitCode] = append(pubs[p.UnitCode], p)
		pubOf[p.ID] = p
	}
	requests := map[string][]foi.Request{}
	for _, r := range d.Requests {
		requests[r.UnitCode] = append(requests[r.UnitCode], r)
	}
	watch := map[string]filing.Watch{}
	for _, w := range d.Watch {
		watch[w.UnitCode] = w
	}
	units := append([]catalog.Unit(nil), d.Units...)
	sort.SliceStable(units, func(i, j int) bool {
		ti, tj := units[i].Level == catalog.LevelTownship, units[j].Level == catalog.LevelTownship
		if ti != tj {
			return ti
		}
		return units[i].SortOrder < units[j].SortOrder
	})
	// Last quarter's findings, for its rectification.
	prevFound, prevStale := map[string]bool{}, map[string][]int64{}
	var rectifyBy time.Time
	if !cfg.noRectification {
		prev := d.Prev
		if prev == nil && publishedIn(d.Pubs, q.Prev()) {
			pc := cfg
			pc.noRectification = true
			pd := d
			if d.PrevItems != nil {
				pd.Items = d.PrevItems
			}
			r := Inspect(pd, q.Prev(), q.Prev().End(), pc, cal)
			prev = &r
		}
		if prev == nil {
			prev = &Report{}
		}
		rectifyBy = prev.RectifyBy
		for _, u := range prev.Units {
			prevFound[u.Code] = len(u.Findings) > 0
			for _, f := range u.Findings {
				if f.Code != "stale_quarter" {
					continue
				}
				for _, e := range f.Evidence {
					if e.Kind == "item" {
						prevStale[u.Code] = append(prevStale[u.Code], e.ID)
					}
				}
			}
		}
	}
	// Each unit is inspected on its own, side by side on the machine's
	// cores (a province has thousands); the report is put together after,
	// in the units' order.
	var inspected []catalog.Unit
	for _, u := range units {
		if u.Code != d.Inspector { // the inspecting office is not in its own bulletin
			inspected = append(inspected, u)
		}
	}
	inspectUnit := func(u catalog.Unit) UnitResult {
		var fs []Finding
		// Publishers changed often: found in the quarter of a change, not
		// again each quarter the year's count stays high (the seed's
		// bulletins name 孙村镇 in Q1 only).
		if w := watch[u.Code]; w.LastChange != nil && !day(*w.LastChange).Before(start) && !day(*w.LastChange).After(end) {
			for _, reason := range w.Reasons {
				if reason == "发布员变动频繁" {
					fs = append(fs, Finding{Code: "publisher_changes", Text: "发布员变动频繁"})
				}
			}
		}
		inQ := map[int64]int{}
		inYear := map[int64]int{}
		inMonth := map[int64]map[time.Month]bool{}
		var quarterPubs []*Pub
		for _, p := range pubs[u.Code] {
			pd := day(p.PublishedOn)
			if !pd.Before(start) && !pd.After(end) {
				inQ[p.ItemID]++
				quarterPubs = append(quarterPubs, p)
				if inMonth[p.ItemID] == nil {
					inMonth[p.ItemID] = map[time.Month]bool{}
				}
				inMonth[p.ItemID][pd.Month()] = true
			}
			if pd.Year() == q.Year && !pd.After(end) {
				inYear[p.ItemID]++
			}
		}
		// Columns not updated this quarter, and all year.
		var exp, stale, yearStale []Evidence
		for _, it := range items[u.Code] {
			if !expected(it, q) {
				continue
			}
			exp = append(exp, Evidence{Kind: "item", ID: it.ID})
			if inQ[it.ID] == 0 {
				stale = append(stale, Evidence{Kind: "item", ID: it.ID, Note: it.Level1 + " · " + it.Level2})
			} else if missed := missedMonths(it, inMonth[it.ID], start, end); missed != "" {
				// A monthly column wants every month of the quarter.
				stale = append(stale, Evidence{Kind: "item", ID: it.ID, Note: it.Level1 + " · " + it.Level2 + "（" + missed + "未发布）"})
			}
			if q.N > 1 && inYear[it.ID] == 0 && !(it.TimeLimit.Kind == catalog.RulePeriodic && it.TimeLimit.Period == catalog.PeriodYearly) {
				yearStale = append(yearStale, Evidence{Kind: "item", ID: it.ID, Note: it.Level1 + " · " + it.Level2})
			}
		}
		if len(exp) > 0 {
			if g := cfg.grade(float64(len(stale)) / float64(len(exp))); g > 0 {
				text := grades[g] + "栏目" + q.Name() + "更新不到位"
				if q.N == 1 {
					text = fmt.Sprintf("%s栏目%d年未更新", grades[g], q.Year)
				}
				fs = append(fs, Finding{Code: "stale_quarter", Text: text, Evidence: stale})
			}
			if g := cfg.grade(float64(len(yearStale)) / float64(len(exp))); g > 0 && len(yearStale) < len(stale) {
				fs = append(fs, Finding{Code: "stale_year", Text: fmt.Sprintf("%s栏目%d年未更新", grades[g], q.Year), Evidence: yearStale})
			}
		}
		// Late: published after the item's time limit from its generation,
		// listed by publication day (the publications come in no order).
		sort.Slice(quarterPubs, func(i, j int) bool {
			a, b := quarterPubs[i], quarterPubs[j]
			return a.PublishedOn.Before(b.PublishedOn) || a.PublishedOn.Equal(b.PublishedOn) && a.ID < b.ID
		})
		var late []Evidence
		for _, p := range quarterPubs {
			it := itemAt(p.ItemID)
			if n, limit, ok := lateness(it.TimeLimit, p, cfg, cal); ok && n > limit {
				note := fmt.Sprintf("生成后第%d个工作日发布，时限%d个工作日", n, limit)
				if it.TimeLimit.Kind == catalog.RulePeriodic {
					note = fmt.Sprintf("晚于公开时限（%s）%d个工作日", it.TimeLimitText, n)
				}
				late = append(late, Evidence{Kind: "publication", ID: p.ID, Note: note})
			}
		}
		if len(late) > 0 {
			fs = append(fs, Finding{Code: "late", Text: "信息发布超过公开时限", Evidence: late})
		}
		// The request register: registered late, or answered late.
		var lagging []Evidence
		for _, r := range requests[u.Code] {
			if r.ReceivedOn.After(end) {
				continue
			}
			if r.DecidedOn != nil && r.DecidedOn.Before(start) {
				continue // settled before the quarter
			}
			if reg := day(r.CreatedAt); !reg.Before(start) && !reg.After(end) {
				if n, err := cal.Between(r.ReceivedOn, reg); err == nil && n > cfg.RegisterLag {
					lagging = append(lagging, Evidence{Kind: "request", Note: fmt.Sprintf("%s 收到后第%d个工作日才登记", r.Number, n)})
				}
			}
			at := r
			if at.DecidedOn != nil && at.DecidedOn.After(end) {
				at.State, at.DecidedOn = foi.Registered, nil // as it stood at the quarter's end
			}
			c, err := foi.ClockOf(&at, cal, end)
			if err != nil || c.Due.IsZero() {
				continue
			}
			switch {
			case at.State.Open() && c.Overdue:
				lagging = append(lagging, Evidence{Kind: "request", Note: fmt.Sprintf("%s 超过答复期限%s仍未答复", r.Number, c.Due.Format("2006-01-02"))})
			case at.DecidedOn != nil && !at.DecidedOn.Before(start) && at.DecidedOn.After(c.Due):
				lagging = append(lagging, Evidence{Kind: "request", Note: fmt.Sprintf("%s 答复晚于期限%s", r.Number, c.Due.Format("2006-01-02"))})
			}
		}
		if len(lagging) > 0 {
			fs = append(fs, Finding{Code: "requests", Text: "依申请公开目录更新不及时", Evidence: lagging})
		}
		// Irregular publishing: duplicate titles, dates out of order, bursts.
		var irregular []Evidence
		seen := map[string]*Pub{}
		sort.Slice(quarterPubs, func(i, j int) bool { return quarterPubs[i].ID < quarterPubs[j].ID })
		for _, p := range quarterPubs {
			k := normTitle(p.Title)
			if first, dup := seen[k]; dup {
				irregular = append(irregular, Evidence{Kind: "publication", ID: p.ID, Note: fmt.Sprintf("标题重复：与%s发布的“%s”同名", day(first.PublishedOn).Format("1月2日"), first.Title)})
			} else {
				seen[k] = p
			}
			if day(p.PublishedOn).Before(day(p.GeneratedOn)) {
				irregular = append(irregular, Evidence{Kind: "publication", ID: p.ID, Note: "时间混乱：发布日期早于生成日期"})
			} else if day(p.GeneratedOn).After(asOf) {
				irregular = append(irregular, Evidence{Kind: "publication", ID: p.ID, Note: "时间混乱：生成日期在未来"})
			}
		}
		if n := len(quarterPubs); n >= cfg.BurstMin {
			late := 0
			from := q.End().AddDate(0, 0, -cfg.BurstDays+1)
			for _, p := range quarterPubs {
				if !day(p.PublishedOn).Before(from) {
					late++
				}
			}
			if float64(late) > cfg.BurstShare*float64(n) {
				irregular = append(irregular, Evidence{Kind: "publication", Note: fmt.Sprintf("突击发布：本季度%d条中%d条发布于最后%d天", n, late, cfg.BurstDays)})
			}
		}
		if len(irregular) > 0 {
			fs = append(fs, Finding{Code: "irregular", Text: "信息发布不规范", Evidence: irregular})
		}
		// Interpretations without their policy.
		var unlinked []Evidence
		for _, p := range quarterPubs {
			if itemAt(p.ItemID).DomainCode == "zcjd" && p.InterpretsID == nil {
				unlinked = append(unlinked, Evidence{Kind: "publication", ID: p.ID, Note: p.Title})
			}
		}
		if len(unlinked) > 0 {
			fs = append(fs, Finding{Code: "unlinked_interpretation", Text: "政策解读未关联文件", Evidence: unlinked})
		}
		// Interpretations of low quality: out long after their policy, or
		// repeating its text rather than explaining it.
		var poor []Evidence
		for _, p := range quarterPubs {
			if itemAt(p.ItemID).DomainCode != "zcjd" || p.InterpretsID == nil {
				continue
			}
			if note := interpretationFault(p, pubOf[*p.InterpretsID], cfg, cal); note != "" {
				poor = append(poor, Evidence{Kind: "publication", ID: p.ID, Note: p.Title + "：" + note})
			}
		}
		if len(poor) > 0 {
			fs = append(fs, Finding{Code: "poor_interpretation", Text: "政策解读质量不高", Evidence: poor})
		}
		// Few interpretations: policy documents without one. An
		// interpretation not linked is found above, and counts here.
		var policies []*Pub
		interpreted := map[int64]bool{}
		hasInterpItem := false
		for _, it := range items[u.Code] {
			hasInterpItem = hasInterpItem || it.DomainCode == "zcjd"
		}
		for _, p := range quarterPubs {
			switch dc := itemAt(p.ItemID).DomainCode; {
			case catalog.IsPolicyDomain(dc):
				policies = append(policies, p)
			case dc == "zcjd":
				if p.InterpretsID != nil {
					interpreted[*p.InterpretsID] = true
				}
			}
		}
		if hasInterpItem && len(policies) >= cfg.FewInterpretationsMin {
			var without []Evidence
			for _, p := range policies {
				if !interpreted[p.ID] {
					without = append(without, Evidence{Kind: "publication", ID: p.ID, Note: p.Title + "（无解读）"})
				}
			}
			if float64(len(policies)-len(without)+len(unlinked)) < cfg.FewInterpretationsShare*float64(len(policies)) {
				fs = append(fs, Finding{Code: "few_interpretations", Text: "政策解读较少", Evidence: without})
			}
		}
		// Privacy: resident ID numbers, mobile numbers, bank cards.
		var leaks []Evidence
		for _, p := range quarterPubs {
			for _, h := range catalog.ScanPrivacy(p.Text) {
				if h.Kind == catalog.PrivacyEmail {
					continue
				}
				leaks = append(leaks, Evidence{Kind: "publication", ID: p.ID, Note: h.Name + "：" + mask(h.Text)})
			}
		}
		if len(leaks) > 0 {
			fs = append(fs, Finding{Code: "privacy", Text: "泄露隐私", Evidence: leaks})
		}
		// Rectification of last quarter's findings: a report in the unit's
		// 测评整改情况 column this quarter, and the columns it named as not
		// updated updated by the deadline the bulletin set (the seed's
		// bulletins: "对照问题清单逐一整改，于4月30日……前整改完成，并将整改
		// 完成情况在政务公开网'监督保障'栏目公开").
		if prevFound[u.Code] {
			var reportItems []Evidence
			reported := false
			for _, it := range items[u.Code] {
				if it.IsRectification() {
					reportItems = append(reportItems, Evidence{Kind: "item", ID: it.ID, Note: it.Level1 + " · " + it.Level2})
					reported = reported || inQ[it.ID] > 0
				}
			}
			if !reported {
				for i := range reportItems {
					reportItems[i].Note += "：本季度未发布" + q.Prev().Name() + "测评整改情况"
				}
				fs = append(fs, Finding{Code: "rectify_report", Text: q.Prev().Name() + "整改报告公开不规范", Evidence: reportItems})
			}
			if named := prevStale[u.Code]; len(named) > 0 && !rectifyBy.IsZero() && !asOf.Before(day(rectifyBy)) {
				if left, present := unrectified(named, itemOf, pubs[u.Code], start, day(rectifyBy)); float64(len(left)) > cfg.RectifyShare*float64(present) {
					fs = append(fs, Finding{Code: "rectify_failed", Text: q.Prev().Name() + "整改落实不到位", Evidence: left})
				}
			}
		}
		r := UnitResult{Code: u.Code, Name: u.Name, Township: u.Level == catalog.LevelTownship, Findings: fs}
		for _, it := range items[u.Code] {
			if !it.TimeLimit.Parseable() {
				r.Unparsed = append(r.Unparsed, Evidence{Kind: "item", ID: it.ID, Note: it.Level2 + "：" + it.TimeLimitText})
			}
		}
		return r
	}
	results := make([]UnitResult, len(inspected))
	forEach(len(inspected), func(i int) { results[i] = inspectUnit(inspected[i]) })
	counts := map[string]int{}
	for i, r := range results {
		r.No = i + 1
		fs := r.Findings
		if len(fs) == 0 {
			r.Text = "无突出问题"
			if r.Township {
				rep.PraiseTownships = append(rep.PraiseTownships, r.Name)
			} else {
				rep.PraiseDepartments = append(rep.PraiseDepartments, r.Name)
			}
		} else {
			var texts []string
			for _, f := range fs {
				texts = append(texts, f.Text)
				counts[f.Code]++
			}
			r.Text = strings.Join(texts, "，")
		}
		rep.Units = append(rep.Units, r)
	}
	for _, c := range []struct{ code, text string }{
		{"stale_quarter", "主动公开栏目更新不到位"}, {"stale_year", "部分栏目本年度未更新"}, {"late", "信息发布超过公开时限"}, {"irregular", "信息发布不规范（标题重复、时间混乱、突击发布）"},
		{"unlinked_interpretation", "政策解读未关联文件"}, {"few_interpretations", "政策解读较少"}, {"poor_interpretation", "政策解读质量不高"}, {"privacy", "泄露隐私"}, {"publisher_changes", "发布员变动频繁"},
		{"requests", "依申请公开目录更新不及时"}, {"rectify_report", "上季度整改报告公开不规范"}, {"rectify_failed", "上季度整改落实不到位"},
	} {
		if counts[c.code] > 0 {
			rep.Common = append(rep.Common, Problem{c.code, c.text, counts[c.code]})
		}
	}
	sort.SliceStable(rep.Common, func(i, j int) bool { return rep.Common[i].Units > rep.Common[j].Units })
	return rep
}

// forEach calls fn(0) … fn(n-1), on as many goroutines as there are
// cores; fn must only write what is its own i's.
func forEach(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// interpretationFault tells what makes an interpretation of policy low
// quality, "" when nothing: published more than cfg.InterpretationLag
// working days after the policy (the 政策解读 column's limit, 信息形成之日起
// 3个工作日内, and the State Council's rule that a policy and its
// interpretation go out together), or its text mostly the policy's own
// (解读材料照搬文件原文). A policy outside the inspection's reach (before the
// previous quarter) is not judged, nor the text of one before this quarter,
// read without its body.
func interpretationFault(p, policy *Pub, cfg Config, cal *workday.Calendar) string {
	if policy == nil {
		return ""
	}
	if n, err := cal.Between(day(policy.PublishedOn), day(p.PublishedOn)); err == nil && n > cfg.InterpretationLag {
		return fmt.Sprintf("未与文件同步发布（晚于文件%d个工作日）", n)
	}
	if share, ok := copied(p.Text, policy.Text); ok && !policy.TitleOnly && share >= cfg.CopiedShare {
		return fmt.Sprintf("照搬文件原文（%d%%相同）", int(share*100+0.5))
	}
	return ""
}

// shingle is how many characters make one piece of text compared.
const shingle = 8

// copied is the share of text's pieces (runs of shingle characters, spaces
// and punctuation left out) found in source; ok is false when text is too
// short to judge or source has no text.
func copied(text, source string) (share float64, ok bool) {
	fold := func(s string) []rune {
		return []rune(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				return -1
			}
			return r
		}, s))
	}
	t, src := fold(text), fold(source)
	if len(t) < 4*shingle || len(src) < shingle {
		return 0, false
	}
	have := make(map[string]bool, len(src))
	for i := 0; i+shingle <= len(src); i++ {
		have[string(src[i:i+shingle])] = true
	}
	n, found := 0, 0
	for i := 0; i+shingle <= len(t); i++ {
		n++
		if have[string(t[i:i+shingle])] {
			found++
		}
	}
	return float64(found) / float64(n), true
}

// unrectified lists the columns named as not updated last quarter that got
// no publication from the quarter's start to the rectification deadline
// (by); a column since removed from the catalogue is not counted.
func unrectified(named []int64, itemOf map[int64]*catalog.Item, pubs []*Pub, start, by time.Time) (left []Evidence, present int) {
	done := map[int64]bool{}
	for _, p := range pubs {
		if d := day(p.PublishedOn); !d.Before(start) && !d.After(by) {
			done[p.ItemID] = true
		}
	}
	for _, id := range named {
		it, ok := itemOf[id]
		if !ok {
			continue
		}
		present++
		if done[id] {
			continue
		}
		left = append(left, Evidence{Kind: "item", ID: id, Note: it.Level1 + " · " + it.Level2 + "（截至整改期限" + by.Format("1月2日") + "仍未更新）"})
	}
	return left, present
}

// missedMonths lists the months from start to end a monthly item has no
// publication in, e.g. "5月、6月"; "" for other items.
func missedMonths(it *catalog.Item, have map[time.Month]bool, start, end time.Time) string {
	if it.TimeLimit.Kind != catalog.RulePeriodic || it.TimeLimit.Period != catalog.PeriodMonthly {
		return ""
	}
	var out []string
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		if !have[m.Month()] && !m.AddDate(0, 1, -1).After(end) { // a month still under way is not missed
			out = append(out, strconv.Itoa(int(m.Month()))+"月")
		}
	}
	return strings.Join(out, "、")
}

// publishedIn tells whether anything was published in quarter q: before
// the county's data begins there is no inspection to rectify.
func publishedIn(pubs []Pub, q Quarter) bool {
	for _, p := range pubs {
		if d := day(p.PublishedOn); !d.Before(q.Start()) && !d.After(q.End()) {
			return true
		}
	}
	return false
}

// lateness is how many working days after its generation a publication
// came out and the item's limit, for limits that count from an event.
func lateness(r catalog.TimeLimit, p *Pub, cfg Config, cal *workday.Calendar) (n, limit int, ok bool) {
	switch r.Kind {
	case catalog.RulePeriodic:
		// A yearly item is late after its due day (每年1月31日前).
		if r.Period != catalog.PeriodYearly || r.DueMonth == 0 || r.DueDay == 0 {
			return 0, 0, false
		}
		pd := day(p.PublishedOn)
		due := time.Date(pd.Year(), time.Month(r.DueMonth), 1, 0, 0, 0, 0, catalog.Shanghai)
		if r.DueDay > 0 {
			due = due.AddDate(0, 0, r.DueDay-1)
		} else {
			due = due.AddDate(0, 1, -1)
		}
		if !pd.After(due) {
			return 0, 0, true
		}
		n, err := cal.Between(due, pd)
		return n, 0, err == nil
	case catalog.RuleWorkdays:
		limit = r.N
	case catalog.RuleImmediate:
		limit = cfg.ImmediateLag
	case catalog.RuleDays:
		days := int(day(p.PublishedOn).Sub(day(p.GeneratedOn)).Hours() / 24)
		return days, r.N, true
	default:
		return 0, 0, false
	}
	n, err := cal.Between(p.GeneratedOn, p.PublishedOn)
	return n, limit, err == nil
}

// mask shows a found number as its first 3 and last 4 characters.
func mask(s string) string {
	rs := []rune(s)
	if len(rs) <= 7 {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:3]) + strings.Repeat("*", len(rs)-7) + string(rs[len(rs)-4:])
}
