package seed

// Bulletin2020 is what the county's 2020 quarterly bulletins (附件1 of each)
// said of each unit, finding by finding; the demo's publications, requests
// and filings are made so that the inspection finds the same. Quarters are
// 0–3; Q4 had no bulletin in the seed: its grade repeats Q3's and it has no
// other finding.
type Bulletin2020 struct {
	// Stale is the grade of the columns not updated in the quarter: 0 =
	// none, 1 = 少量栏目, 2 = 部分栏目, 3 = 大量栏目 (Q1: "…2020年未更新").
	Stale [4]int
	// YearStale is, from Q2 on, the grade of the columns not updated at
	// all in the year (…栏目2020年未更新).
	YearStale [4]int
	// Requests: 依申请公开目录更新不及时 (a request registered late).
	Requests [4]bool
	// Irregular: 信息发布不规范 (a notice published twice).
	Irregular [4]bool
	// UnlinkedInterpretation: 政策解读未关联文件.
	UnlinkedInterpretation [4]bool
	// PoorInterpretation: 政策解读质量不高 (out long after its policy, or
	// repeating its text).
	PoorInterpretation [4]bool
	// FewInterpretations: 政策文件解读较少.
	FewInterpretations [4]bool
	// NoRectifyReport: the previous quarter's rectification report missing
	// (…季度整改报告公开不规范).
	NoRectifyReport [4]bool
	// RectifyFailed: the columns the previous bulletin named still not
	// updated by its deadline (…季度整改落实不到位; Q1: 落实整改不积极).
	RectifyFailed [4]bool
}

// HadFindings tells whether the bulletin of quarter q (0–3) named the unit.
func (x Bulletin2020) HadFindings(q int) bool {
	return x.Stale[q] > 0 || x.YearStale[q] > 0 || x.Requests[q] || x.Irregular[q] || x.UnlinkedInterpretation[q] ||
		x.PoorInterpretation[q] || x.FewInterpretations[q] || x.NoRectifyReport[q] || x.RectifyFailed[q]
}

func b(q1, q2, q3 int) Bulletin2020 { return Bulletin2020{Stale: [4]int{q1, q2, q3, q3}} }

// mark sets quarters qs (1–3) in a finding's flags.
func mark(f *[4]bool, qs []int) {
	for _, q := range qs {
		f[q-1] = true
	}
}

func (x Bulletin2020) req(qs ...int) Bulletin2020       { mark(&x.Requests, qs); return x }
func (x Bulletin2020) irregular(qs ...int) Bulletin2020 { mark(&x.Irregular, qs); return x }
func (x Bulletin2020) unlinked(qs ...int) Bulletin2020  { mark(&x.UnlinkedInterpretation, qs); return x }
func (x Bulletin2020) poor(qs ...int) Bulletin2020      { mark(&x.PoorInterpretation, qs); return x }
func (x Bulletin2020) few(qs ...int) Bulletin2020       { mark(&x.FewInterpretations, qs); return x }
func (x Bulletin2020) noReport(qs ...int) Bulletin2020  { mark(&x.NoRectifyReport, qs); return x }
func (x Bulletin2020) failed(qs ...int) Bulletin2020    { mark(&x.RectifyFailed, qs); return x }

// year sets the grade of the columns not updated all year in quarter q.
func (x Bulletin2020) year(q, grade int) Bulletin2020 { x.YearStale[q-1] = grade; return x }

// Bulletins maps unit codes to what the 2020 Q1–Q3 bulletins found, in the
// order of their annex tables.
var Bulletins = map[string]Bulletin2020{
	"zhengfuban":     b(0, 0, 0), // the inspecting office: not in its own bulletin
	"jingyang":       b(2, 1, 1).req(1).poor(3),
	"miaoshou":       b(0, 2, 1),
	"sanxi":          b(2, 1, 1).req(1, 2).poor(3),
	"baidi":          b(0, 1, 1),
	"yunle":          b(0, 0, 0),
	"xinglong":       b(2, 1, 1).req(1, 2).irregular(1).noReport(2),
	"caijiaqiao":     b(3, 2, 2).req(1).irregular(1).failed(1).noReport(2).unlinked(2).poor(3),
	"yucun":          b(1, 2, 2).req(2),
	"suncun":         b(3, 1, 1).req(1).irregular(1, 2, 3).failed(1).noReport(2, 3),
	"banshu":         b(2, 0, 0).req(1),
	"fagaiwei":       b(1, 2, 2).req(1, 2, 3).irregular(2, 3),
	"jiaotiju":       b(1, 2, 2).req(1, 2, 3).irregular(2, 3).poor(3),
	"gonganju":       b(2, 2, 2).req(1, 2, 3).irregular(2, 3).poor(3),
	"minzhengju":     b(2, 2, 2).req(1, 2, 3).irregular(1),
	"sifaju":         b(1, 2, 2).req(2, 3).irregular(2, 3),
	"caizhengju":     b(3, 2, 2).req(1),
	"renshe":         b(2, 2, 2).req(1, 2, 3).irregular(1, 2, 3),
	"ziranziyuan":    b(1, 2, 2).req(1),
	"zhujianju":      b(1, 2, 2).irregular(1, 2, 3).noReport(2),
	"jiaoyunju":      b(0, 1, 1),
	"nongyenongcun":  b(0, 0, 0),
	"linyeju":        b(0, 2, 2).req(2, 3).unlinked(1, 2).noReport(2).poor(3),
	"weijianwei":     b(1, 2, 2).req(1, 2, 3).irregular(2, 3),
	"shenjiju":       b(1, 2, 2).req(1, 3).irregular(2, 3).poor(3),
	"shengtai":       b(2, 2, 2).req(1, 2, 3).unlinked(2).irregular(2).poor(3),
	"tongjiju":       b(1, 3, 3).year(2, 2).req(1, 2).irregular(2, 3).failed(2).poor(3),
	"shichang":       b(0, 1, 1).req(2, 3),
	"shuiwuju":       b(1, 1, 1).req(1),
	"shujuju":        b(1, 0, 0),
	"yingjiju":       b(2, 2, 2).req(1, 2, 3),
	"zhaoshang":      b(1, 2, 2),
	"kaifaqu":        b(1, 1, 1),
	"qixiangju":      b(3, 3, 3).year(2, 2).req(1, 2, 3).irregular(1, 2, 3).failed(2, 3).few(3).poor(3),
	"xinfangju":      b(0, 2, 2).req(1).unlinked(1, 2).poor(3),
	"fupinju":        b(1, 2, 2).req(1, 2, 3).irregular(2, 3).noReport(2),
	"chengguan":      b(0, 0, 0),
	"wenlvju":        b(2, 2, 2).req(1).unlinked(2).poor(3),
	"keshangjingxin": b(0, 1, 1),
}

// Named2019Q4 are the units the county's 2019 Q4 bulletin named for
// columns not updated, as far as the 2020 Q1 bulletin tells it: 孙村镇 and
// 蔡家桥镇, "落实整改不积极". The seed has no 2019 Q4 bulletin; the demo
// carries only this much of it (Carry2019Q4).
var Named2019Q4 = []string{"suncun", "caijiaqiao"}

// staleShare is the share of a unit's expected columns left without a
// publication for each grade: under 20%, 20–50%, over 50% (少量, 部分,
// 大量); well inside each band so rounding keeps the grade.
var staleShare = [4]float64{0, 0.12, 0.35, 0.6}
