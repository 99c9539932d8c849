package seed

// Bulletin2020 is what the county's 2020 quarterly bulletins (附件1 of each)
// said of each unit; the demo publications follow it, and a later inspection
// must find the same.
//
// Stale grades: 0 = 无突出问题 / fresh, 1 = 少量栏目, 2 = 部分栏目, 3 = 大量栏目
// not updated in the quarter (Q1: "…2020年未更新"). Q4 had no bulletin in the
// seed; it repeats Q3.
type Bulletin2020 struct {
	Stale [4]int
	// UnlinkedInterpretation marks quarters with 政策解读未关联文件.
	UnlinkedInterpretation [4]bool
	// Irregular marks quarters with 信息发布不规范 (duplicate titles planted).
	Irregular [4]bool
	// NoRectifyReport marks quarters whose bulletin found the previous
	// quarter's rectification report missing (…季度整改报告公开不规范).
	NoRectifyReport [4]bool
}

// HadFindings tells whether the bulletin of quarter q (0–3) named the unit.
func (x Bulletin2020) HadFindings(q int) bool {
	return x.Stale[q] > 0 || x.Irregular[q] || x.UnlinkedInterpretation[q]
}

func (x Bulletin2020) noReport(qs ...int) Bulletin2020 {
	for _, q := range qs {
		x.NoRectifyReport[q-1] = true
	}
	return x
}

func b(q1, q2, q3 int) Bulletin2020 { return Bulletin2020{Stale: [4]int{q1, q2, q3, q3}} }

func (x Bulletin2020) unlinked(qs ...int) Bulletin2020 {
	for _, q := range qs {
		x.UnlinkedInterpretation[q-1] = true
	}
	return x
}

func (x Bulletin2020) irregular(qs ...int) Bulletin2020 {
	for _, q := range qs {
		x.Irregular[q-1] = true
	}
	return x
}

// Bulletins maps unit codes to what the 2020 Q1–Q3 bulletins found.
var Bulletins = map[string]Bulletin2020{
	"zhengfuban":     b(0, 0, 0),
	"jingyang":       b(2, 1, 1),
	"miaoshou":       b(0, 2, 1),
	"sanxi":          b(2, 1, 1),
	"baidi":          b(0, 1, 1),
	"yunle":          b(0, 0, 0),
	"xinglong":       b(2, 1, 1).irregular(1).noReport(2),
	"caijiaqiao":     b(3, 2, 2).irregular(1).unlinked(2).noReport(2),
	"yucun":          b(1, 2, 2),
	"suncun":         b(3, 1, 1).irregular(1, 2, 3).noReport(2, 3),
	"banshu":         b(2, 0, 0),
	"fagaiwei":       b(1, 2, 2).irregular(2, 3),
	"jiaotiju":       b(1, 2, 2).irregular(2, 3),
	"gonganju":       b(2, 2, 2).irregular(2, 3),
	"minzhengju":     b(2, 2, 2).irregular(1),
	"sifaju":         b(1, 2, 2).irregular(2, 3),
	"caizhengju":     b(3, 2, 2),
	"renshe":         b(2, 2, 2).irregular(1, 2, 3),
	"ziranziyuan":    b(1, 2, 2),
	"zhujianju":      b(1, 2, 2).irregular(1, 2, 3).noReport(2),
	"jiaoyunju":      b(0, 1, 1),
	"nongyenongcun":  b(0, 0, 0),
	"linyeju":        b(0, 2, 2).unlinked(1, 2).noReport(2),
	"weijianwei":     b(1, 2, 2).irregular(2, 3),
	"shenjiju":       b(1, 2, 2).irregular(2, 3),
	"shengtai":       b(2, 2, 2).unlinked(2).irregular(2),
	"tongjiju":       b(1, 3, 3).irregular(2, 3),
	"shichang":       b(0, 1, 1),
	"shuiwuju":       b(1, 1, 1),
	"shujuju":        b(1, 0, 0),
	"yingjiju":       b(2, 2, 2),
	"zhaoshang":      b(1, 2, 2),
	"kaifaqu":        b(1, 1, 1),
	"qixiangju":      b(3, 3, 3).irregular(1, 2, 3),
	"xinfangju":      b(0, 2, 2).unlinked(1, 2),
	"fupinju":        b(1, 2, 2).irregular(2, 3).noReport(2),
	"chengguan":      b(0, 0, 0),
	"wenlvju":        b(2, 2, 2).unlinked(2),
	"keshangjingxin": b(0, 1, 1),
}

// staleShare is the share of a unit's items left without a publication in a
// quarter for each grade: under 20%, 20–50%, over 50%.
var staleShare = [4]float64{0, 0.12, 0.35, 0.65}
