package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/inspect"
	"gongkai/workday"
)

// The demo's 2020 is made from the bulletins (Bulletins): which columns each
// unit leaves without a publication each quarter, how it rectifies what the
// last bulletin named, its policy interpretations, its duplicates.

func quarterStart(q int) time.Time {
	return time.Date(2020, time.Month(3*q+1), 1, 0, 0, 0, 0, catalog.Shanghai)
}

func isYearly(it catalog.Item) bool {
	return it.TimeLimit.Kind == catalog.RulePeriodic && it.TimeLimit.Period == catalog.PeriodYearly
}

func isMonthly(it catalog.Item) bool {
	return it.TimeLimit.Kind == catalog.RulePeriodic && it.TimeLimit.Period == catalog.PeriodMonthly
}

func isPolicy(it catalog.Item) bool { return it.DomainCode == "zfwj" || it.DomainCode == "zcfg" }

// yearPlan is a unit's 2020: its items (normalised), and for each quarter
// which of them are left without a publication.
type yearPlan struct {
	items []catalog.Item
	since []time.Time
	stale [4]map[int]bool
}

// exists tells whether item i was in the catalogue by the end of quarter q.
func (y *yearPlan) exists(i, q int) bool { return y.since[i].Before(quarterStart(q).AddDate(0, 3, 0)) }

// expected tells whether item i is judged in quarter q, as the inspection
// judges it: not interpretations or the rectification report, a yearly
// column only in the quarter it falls due.
func (y *yearPlan) expected(i, q int) bool {
	it := y.items[i]
	if !y.exists(i, q) || it.DomainCode == "zcjd" || it.IsRectification() {
		return false
	}
	if isYearly(it) {
		m := it.TimeLimit.DueMonth
		if m == 0 {
			m = 12
		}
		return (m-1)/3 == q
	}
	return true
}

// planYear chooses each quarter's stale columns: the share the quarter's
// grade says, the columns the last quarter left first updated now (so that
// rectifying them is possible), and no column left all year unless the
// bulletin found that (YearStale), in which case that share is drawn from
// the columns not yet updated.
func planYear(ud unitDef, seeds []gormstore.SeedItem) *yearPlan {
	bl := Bulletins[ud.code]
	y := &yearPlan{items: make([]catalog.Item, len(seeds)), since: make([]time.Time, len(seeds))}
	for i, sd := range seeds {
		it := sd.Item
		it.Normalize()
		y.items[i] = it
		y.since[i] = sd.Since
	}
	updated := map[int]bool{}
	for q := 0; q < 4; q++ {
		var exp, cand []int
		for i, it := range y.items {
			if !y.expected(i, q) {
				continue
			}
			exp = append(exp, i)
			// Yearly columns are always published when due; the policies
			// stay where the bulletin judged the quarter's interpretations.
			if isYearly(it) || (isPolicy(it) && (bl.PoorInterpretation[q] || bl.FewInterpretations[q])) {
				continue
			}
			cand = append(cand, i)
		}
		sort.Slice(cand, func(a, b int) bool {
			return hash64(ud.code, seeds[cand[a]].Key, fmt.Sprint(q)) < hash64(ud.code, seeds[cand[b]].Key, fmt.Sprint(q))
		})
		n := int(float64(len(exp))*staleShare[bl.Stale[q]] + 0.5)
		stale := map[int]bool{}
		never := func(i int) bool { return q > 0 && !updated[i] }
		if q > 0 && bl.YearStale[q] > 0 {
			want := int(float64(len(exp))*staleShare[bl.YearStale[q]] + 0.5)
			for _, i := range cand {
				if len(stale) < want && len(stale) < n && never(i) {
					stale[i] = true
				}
			}
		}
		var prev map[int]bool
		if q > 0 {
			prev = y.stale[q-1]
		}
		for _, again := range []bool{false, true} {
			for _, i := range cand {
				if len(stale) < n && !stale[i] && !never(i) && prev[i] == again {
					stale[i] = true
				}
			}
		}
		y.stale[q] = stale
		for _, i := range exp {
			if !stale[i] && !isYearly(y.items[i]) {
				updated[i] = true
			}
		}
	}
	return y
}

// named2019Q4 are the columns the 2019 Q4 bulletin named for a unit of
// Named2019Q4: those it left without a publication in Q1 as well (the
// monthly ones aside), so that it did not rectify them.
func (y *yearPlan) named2019Q4() []int {
	var out []int
	for i := range y.items {
		if y.stale[0][i] && !isMonthly(y.items[i]) {
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}

func named2019(code string) bool {
	for _, c := range Named2019Q4 {
		if c == code {
			return true
		}
	}
	return false
}

// unitPublications builds a unit's 2020 publications: each quarter the
// columns the plan leaves stale get none, the rest are published on time
// by their rule; what the last bulletin named is rectified within its
// deadline (a 补充公开 of the column) unless the next bulletin says it was
// not, when the column is only updated after the deadline; the
// rectification report where the bulletins expect it; interpretations out
// with their policy and linked to it, unless the bulletin found them
// unlinked, few or poor; a notice published twice where it found
// irregular publishing.
func unitPublications(ud unitDef, seeds []gormstore.SeedItem, ids map[string]int64, cal *workday.Calendar) []gormstore.SeedPublication {
	bl := Bulletins[ud.code]
	y := planYear(ud, seeds)
	r := rand.New(rand.NewPCG(hash64(ud.code), 2020))
	var out []gormstore.SeedPublication
	// Titles are unique within the unit but for the planted duplicates, so
	// that 标题重复 is found exactly where the bulletins found it.
	used := map[string]bool{}
	uniq := func(title string, on time.Time) string {
		t := title
		for n := 2; used[t]; n++ {
			t = fmt.Sprintf("%s（%d月%d日）", title, int(on.Month()), on.Day())
			if n > 2 {
				t = fmt.Sprintf("%s（%d月%d日之%d）", title, int(on.Month()), on.Day(), n-1)
			}
		}
		used[t] = true
		return t
	}
	for q := 0; q < 4; q++ {
		qStart := quarterStart(q)
		// The rectification deadline of the last bulletin: 30 days after its
		// quarter (4月30日, 7月30日 in the seed).
		deadline := qStart.AddDate(0, 0, 29)
		rectify := map[int]bool{} // named last quarter, updated this quarter
		if q > 0 && bl.HadFindings(q-1) {
			for i := range y.stale[q-1] {
				if y.exists(i, q) && !y.stale[q][i] {
					rectify[i] = true
				}
			}
		}
		stale := y.stale[q]
		type policy struct {
			key, title, body string
			on               time.Time
		}
		var policies []policy
		var quarter []gormstore.SeedPublication
		var interp []int
		for i, sd := range seeds {
			it := y.items[i]
			if !y.exists(i, q) {
				continue
			}
			if it.DomainCode == "zcjd" {
				interp = append(interp, i)
				continue
			}
			if it.IsRectification() {
				// The rectification report follows the last bulletin: due when
				// it named the unit, missing where the next one says so.
				if (q > 0 && bl.HadFindings(q-1) || q == 0 && named2019(ud.code)) && !bl.NoRectifyReport[q] {
					gen := time.Date(2020, time.Month(3*q+1), 20+r.IntN(8), 0, 0, 0, 0, catalog.Shanghai)
					prev := "2019年第四季度"
					if q > 0 {
						prev = "2020年第" + cnQuarter[q-1] + "季度"
					}
					p := pubPlan{gen: gen, title: uniq(fmt.Sprintf("%s关于%s政务公开测评问题整改情况的报告", ud.name, prev), gen)}
					quarter = append(quarter, gormstore.SeedPublication{Key: fmt.Sprintf("%s/q%d/report", sd.Key, q+1), Pub: publish(ud, it, ids[sd.Key], p, r, cal)})
				}
				continue
			}
			if stale[i] {
				continue
			}
			plans := plan(ud, it, q, r)
			if isPolicy(it) && (bl.FewInterpretations[q] || bl.PoorInterpretation[q]) && len(plans) == 1 {
				// Enough policies for the bulletin to judge their interpretations.
				extra := plan(ud, it, q, r)
				plans = append(plans, extra[0])
			}
			if rectify[i] {
				if bl.RectifyFailed[q] {
					// Not rectified in time: updated only after the deadline.
					for k := range plans {
						if !isMonthly(it) && !plans[k].gen.After(deadline) {
							plans[k].gen = qStart.AddDate(0, 1, 5+r.IntN(20))
						}
					}
				} else {
					gen := qStart.AddDate(0, 0, 2+r.IntN(14))
					plans = append(plans, pubPlan{gen: gen, title: fmt.Sprintf("%s%s（2020年第%s季度补充公开）", ud.name, it.Level2, cnQuarter[q-1])})
				}
			}
			for k, p := range plans {
				p.title = uniq(p.title, p.gen)
				pub := publish(ud, it, ids[sd.Key], p, r, cal)
				key := fmt.Sprintf("%s/q%d/%d", sd.Key, q+1, k)
				quarter = append(quarter, gormstore.SeedPublication{Key: key, Pub: pub})
				if isPolicy(it) {
					policies = append(policies, policy{key, p.title, pub.Body, pub.PublishedOn})
				}
			}
		}
		for _, i := range interp {
			sd := seeds[i]
			it := y.items[i]
			if len(policies) == 0 {
				if bl.UnlinkedInterpretation[q] { // the bulletin found an unlinked one: there was one
					gen := time.Date(2020, time.Month(3*q+2), 10, 0, 0, 0, 0, catalog.Shanghai)
					p := pubPlan{gen: gen, title: uniq(ud.name+"重点工作政策解读", gen)}
					quarter = append(quarter, gormstore.SeedPublication{Key: fmt.Sprintf("%s/q%d/unlinked", sd.Key, q+1), Pub: publish(ud, it, ids[sd.Key], p, r, cal)})
				}
				continue
			}
			n := min(2, len(policies))
			if bl.FewInterpretations[q] {
				n = 1
			}
			for k := 0; k < n; k++ {
				pol := policies[k]
				day := time.Date(pol.on.Year(), pol.on.Month(), pol.on.Day(), 0, 0, 0, 0, catalog.Shanghai)
				p := pubPlan{gen: day, title: uniq("《"+pol.title+"》政策解读", day)}
				poor := bl.PoorInterpretation[q] && k == 0
				late := poor && hash64(ud.code, "late")%2 == 0
				if late {
					// Interpreted a fortnight after the policy was out.
					if d, err := cal.AddWorkdays(day, 8+r.IntN(3)); err == nil && d.Year() == 2020 {
						p.gen = d
					}
				}
				pub := publish(ud, it, ids[sd.Key], p, r, cal)
				if !late {
					// Out with its policy, or the next working day.
					on := pol.on
					if r.IntN(2) == 1 {
						if d, err := cal.AddWorkdays(day, 1); err == nil {
							on = time.Date(d.Year(), d.Month(), d.Day(), on.Hour(), on.Minute(), 0, 0, catalog.Shanghai)
						}
					}
					pub.GeneratedOn, pub.PublishedOn = day, on
				}
				pub.Body = interpretation(ud, pol.title, pub.PublishedOn)
				if poor && !late {
					// Only the policy's text again under a new title.
					pub.Body = p.title + "\n\n" + pol.body
				}
				sp := gormstore.SeedPublication{Key: fmt.Sprintf("%s/q%d/%d", sd.Key, q+1, k), Pub: pub}
				if !bl.UnlinkedInterpretation[q] {
					sp.InterpretsKey = pol.key
				}
				quarter = append(quarter, sp)
			}
		}
		if bl.Irregular[q] && len(quarter) > 2 {
			// 标题重复: the same notice published twice on the same day.
			for _, pick := range r.Perm(len(quarter))[:2] {
				orig := quarter[pick]
				quarter = append(quarter, gormstore.SeedPublication{Key: orig.Key + "/dup", Pub: orig.Pub, InterpretsKey: orig.InterpretsKey})
			}
		}
		out = append(out, quarter...)
	}
	return out
}

// interpretation is the body of a policy interpretation made the way the
// county asks for them (背景、要点、适用对象), in its own words.
func interpretation(ud unitDef, policy string, on time.Time) string {
	return fmt.Sprintf("关于《%s》的政策解读\n\n一、出台背景\n为贯彻落实上级部署，结合我单位工作实际，%s研究制定了本文件。\n\n"+
		"二、主要内容\n文件明确了工作目标、重点任务、责任分工和时间安排，对各项任务提出了具体要求。\n\n"+
		"三、解读要点\n（一）适用对象：本单位各股室、有关村（社区）和相关市场主体。\n（二）办理方式：群众可到政务服务中心窗口咨询办理，也可拨打12345热线了解。\n"+
		"（三）实施时间：自印发之日起施行。\n\n四、解读机关及联系方式\n解读机关：%s\n\n%s",
		policy, ud.full, ud.full, on.Format("2006年1月2日"))
}

// statisticsColumns are the columns 统计局 added to its catalogue in April
// 2020 and left empty until the third quarter: the 部分栏目2020年未更新 of its
// Q2 bulletin, when its Q1 bulletin had found only 少量 columns not updated.
func statisticsColumns(ud unitDef) []gormstore.SeedItem {
	if ud.code != "tongjiju" {
		return nil
	}
	var out []gormstore.SeedItem
	for i, l2 := range []string{"统计公报", "主要统计指标", "统计分析", "统计调查项目"} {
		cols := catalog.Columns{DomainCode: "tjxx", Level1: "统计信息", Level2: l2, Content: "本县" + l2 + "。", Basis: tiaoli,
			TimeLimitText: limit20, Subject: ud.full, Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtCounty: true}
		out = append(out, gormstore.SeedItem{Key: fmt.Sprintf("%s/local-tjxx-%d", ud.code, i+1), Item: catalog.Item{Columns: cols},
			Since: time.Date(2020, 4, 1, 0, 0, 0, 0, catalog.Shanghai)})
	}
	return out
}

// Issue2020 issues the county's 2020 bulletins (Q1 to Q3), in order, as
// the inspection computes them from the demo's data, each once: the
// county issued them, and each quarter's rectification is judged against
// the one before.
func Issue2020(ctx context.Context, desk interface {
	IssueOn(ctx context.Context, q inspect.Quarter, day time.Time, by catalog.Actor) (*inspect.Report, error)
}, reports InspectionStore) error {
	for n := 1; n <= 3; n++ {
		q := inspect.Quarter{Year: 2020, N: n}
		if _, err := reports.Issued(ctx, q); err == nil {
			continue
		} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
		// Issued two weeks after the quarter, as the county's were.
		if _, err := desk.IssueOn(ctx, q, q.End().AddDate(0, 0, 14), system); err != nil {
			return fmt.Errorf("seed: issue %s: %w", q, err)
		}
	}
	return nil
}

// InspectionStore is where the carried 2019 Q4 bulletin is kept.
type InspectionStore interface {
	Issued(ctx context.Context, q inspect.Quarter) (*inspect.Report, error)
	Issue(ctx context.Context, q inspect.Quarter, rep *inspect.Report, by catalog.Actor) error
}

// Carry2019Q4 stores the county's 2019 Q4 bulletin as far as the 2020 Q1
// bulletin tells it (Named2019Q4), once, as an issued report: the columns
// it named are those the units still left without a publication in 2020
// Q1, so that Q1's inspection finds them not rectified.
func Carry2019Q4(ctx context.Context, cat *gormstore.Store, reports InspectionStore) error {
	q := inspect.Quarter{Year: 2019, N: 4}
	if _, err := reports.Issued(ctx, q); err == nil {
		return nil
	} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return err
	}
	tpls, tplIDs := templates(), map[string]int64{}
	for _, td := range tpls {
		id, err := cat.EnsureTemplate(ctx, td.key, td.t)
		if err != nil {
			return err
		}
		tplIDs[td.key] = id
	}
	rep := &inspect.Report{Quarter: q.String(), AsOf: q.End(), RectifyBy: q.End().AddDate(0, 0, 30),
		Note: "演示数据：2019年四季度通报早于本系统，此处仅据2020年一季度通报补录其点名的单位（孙村镇、蔡家桥镇，所列栏目为其2020年一季度仍未更新的栏目）。"}
	for _, code := range Named2019Q4 {
		var ud unitDef
		for _, u := range units {
			if u.code == code {
				ud = u
			}
		}
		seeds := append(unitItems(ud, tpls, tplIDs), statisticsColumns(ud)...)
		ids, _, err := cat.EnsureItems(ctx, ud.code, seeds, system)
		if err != nil {
			return err
		}
		y := planYear(ud, seeds)
		var ev []inspect.Evidence
		for _, i := range y.named2019Q4() {
			ev = append(ev, inspect.Evidence{Kind: "item", ID: ids[seeds[i].Key], Note: y.items[i].Level1 + " · " + y.items[i].Level2})
		}
		f := inspect.Finding{Code: "stale_quarter", Text: "大量栏目四季度更新不到位", Evidence: ev}
		rep.Units = append(rep.Units, inspect.UnitResult{No: len(rep.Units) + 1, Code: ud.code, Name: ud.name, Township: ud.kind == catalog.KindTown,
			Findings: []inspect.Finding{f}, Text: f.Text})
	}
	return reports.Issue(ctx, q, rep, system)
}
