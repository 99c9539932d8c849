package inspect

import (
	"math"
	"sort"
	"strconv"
	"time"

	"gongkai/catalog"
)

// ScoreLine is one column of the rubric (附件2 for townships, 附件3 for
// departments): its weight, the part computed from the data, and what an
// inspector entered with a reason.
type ScoreLine struct {
	Key      string  `json:"key"` // domain code, or standard / requests
	Name     string  `json:"name"`
	Weight   float64 `json:"weight"`
	Computed float64 `json:"computed"`
	Basis    string  `json:"basis"` // how Computed was reached
	Adjust   float64 `json:"adjust"`
	Reason   string  `json:"reason,omitempty"`
	Score    float64 `json:"score"` // Computed + Adjust, within 0..Weight
}

// Entry is what an inspector enters for a unit and year: an adjustment of
// a rubric line, a bonus (praise is computed), or the 第三方测评 and 年度总评
// scores; each with a reason.
type Entry struct {
	UnitCode string  `json:"unit_code"`
	Key      string  `json:"key"` // a line key, bonus_platform, bonus_articles, third_party, annual
	Points   float64 `json:"points"`
	Reason   string  `json:"reason"`
	By       string  `json:"by"`
}

// Bonus caps from the rubric's 加分项.
const (
	maxPraise   = 4 // 季度通报优秀单位每次加1分，累积不超过4分
	maxPlatform = 4 // 平台建设，累积不超过4分
	maxArticles = 2 // 稿件报送省、市选用，每件次0.5分，累积不超过2分
)

// UnitScore is a unit's year.
type UnitScore struct {
	Code  string      `json:"unit_code"`
	Name  string      `json:"unit_name"`
	Lines []ScoreLine `json:"lines"`
	// Daily is 日常监测: the rubric lines (scaled to 90) plus the bonus
	// (at most 10); ThirdParty and Annual are entered.
	Rubric     float64 `json:"rubric"`
	Praise     int     `json:"praise_quarters"`
	Bonus      float64 `json:"bonus"`
	Daily      float64 `json:"daily"`
	ThirdParty float64 `json:"third_party"`
	Annual     float64 `json:"annual"`
	// Total = 日常监测 40% + 第三方测评 10% + 年度总评 50%.
	Total float64 `json:"total"`
	// Hotline is the unit's 热线留言办理 score of the year beside it (the
	// 考评方案 scores it apart and takes it into the same assessment), nil
	// when no order concerned the unit.
	Hotline *HotlineScore `json:"hotline,omitempty"`
}

// HotlineScore is a unit's 12345 hotline and 政民互动 score of a year: the
// rubric's computed lines, 省长热线 40% and 12345/县长信箱 60%.
type HotlineScore struct {
	Score      float64 `json:"score"`
	Orders     int     `json:"orders"`
	Deductions float64 `json:"deductions"`
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// Score computes the year's scores: the data part of each rubric line from
// the year's publications (the share of item-quarters updated as due,
// interpretations linked, requests answered on time, quarters without
// irregular publishing), the praise from the quarters' reports, and the
// entries.
func Score(d Data, domains []catalog.Domain, reports []Report, entries []Entry, year int, asOf time.Time) []UnitScore {
	asOf = day(asOf)
	quarters := 0
	for n := 1; n <= 4; n++ {
		if !(Quarter{year, n}).Start().After(asOf) {
			quarters = n
		}
	}
	items := map[string][]catalog.Item{}
	for _, it := range d.Items {
		items[it.UnitCode] = append(items[it.UnitCode], it)
	}
	published := map[int64]map[int]bool{} // item → quarters with a publication
	linked, interps := map[string]int{}, map[string]int{}
	itemOf := map[int64]catalog.Item{}
	for _, it := range d.Items {
		itemOf[it.ID] = it
	}
	for _, p := range d.Pubs {
		pd := day(p.PublishedOn)
		if pd.Year() != year || pd.After(asOf) {
			continue
		}
		q := (int(pd.Month())-1)/3 + 1
		if published[p.ItemID] == nil {
			published[p.ItemID] = map[int]bool{}
		}
		published[p.ItemID][q] = true
		if itemOf[p.ItemID].DomainCode == "zcjd" {
			interps[p.UnitCode]++
			if p.InterpretsID != nil {
				linked[p.UnitCode]++
			}
		}
	}
	praise, irregular := map[string]int{}, map[string]int{}
	for _, r := range reports {
		for _, u := range r.Units {
			if len(u.Findings) == 0 {
				praise[u.Code]++
			}
			for _, f := range u.Findings {
				if f.Code == "irregular" || f.Code == "late" || f.Code == "privacy" {
					irregular[u.Code]++
					break
				}
			}
		}
	}
	onTime, decided := map[string]int{}, map[string]int{}
	for _, r := range d.Requests {
		if r.DecidedOn == nil || r.DecidedOn.Year() != year {
			continue
		}
		decided[r.UnitCode]++
		if !r.DueOn.IsZero() && !r.DecidedOn.After(r.DueOn) { // the due date as last computed
			onTime[r.UnitCode]++
		}
	}
	byUnit := map[string][]Entry{}
	for _, e := range entries {
		byUnit[e.UnitCode] = append(byUnit[e.UnitCode], e)
	}
	var out []UnitScore
	for _, u := range d.Units {
		if u.Code == d.Inspector {
			continue
		}
		township := u.Level == catalog.LevelTownship
		s := UnitScore{Code: u.Code, Name: u.Name}
		for _, dm := range domains {
			w := dm.WeightDepartment
			if township {
				w = dm.WeightTownship
			}
			if w == 0 {
				continue
			}
			line := ScoreLine{Key: dm.Code, Name: dm.Name, Weight: float64(w)}
			if dm.Code == "zcjd" {
				ratio := 1.0
				if interps[u.Code] > 0 {
					ratio = float64(linked[u.Code]) / float64(interps[u.Code])
				}
				line.Computed, line.Basis = float64(w)*ratio, fmtRatio("解读关联文件", linked[u.Code], interps[u.Code])
			} else {
				due, done := 0, 0
				for _, it := range items[u.Code] {
					if it.DomainCode != dm.Code {
						continue
					}
					for n := 1; n <= quarters; n++ {
						if expected(&it, Quarter{year, n}) {
							due++
							if published[it.ID][n] {
								done++
							}
						}
					}
				}
				ratio := 1.0 // no column of the domain: 未涉及, full marks
				if due > 0 {
					ratio = float64(done) / float64(due)
				}
				line.Computed, line.Basis = float64(w)*ratio, fmtRatio("按时更新的栏目季度", done, due)
			}
			s.Lines = append(s.Lines, line)
		}
		std := ScoreLine{Key: "standard", Name: "标准化规范化发布", Weight: 4}
		if quarters > 0 {
			std.Computed = 4 * float64(quarters-min(irregular[u.Code], quarters)) / float64(quarters)
		}
		std.Basis = fmtRatio("无不规范发布的季度", quarters-min(irregular[u.Code], quarters), quarters)
		req := ScoreLine{Key: "requests", Name: "依申请公开办理", Weight: 3, Computed: 3}
		if decided[u.Code] > 0 {
			req.Computed = 3 * float64(onTime[u.Code]) / float64(decided[u.Code])
		}
		req.Basis = fmtRatio("按时答复", onTime[u.Code], decided[u.Code])
		s.Lines = append(s.Lines, std, req)
		bonus := map[string]float64{}
		for _, e := range byUnit[u.Code] {
			switch e.Key {
			case "third_party":
				s.ThirdParty = e.Points
			case "annual":
				s.Annual = e.Points
			case "bonus_platform", "bonus_articles":
				bonus[e.Key] += e.Points
			default:
				for i := range s.Lines {
					if s.Lines[i].Key == e.Key {
						s.Lines[i].Adjust += e.Points
						s.Lines[i].Reason = e.Reason
					}
				}
			}
		}
		var sum, weights float64
		for i := range s.Lines {
			l := &s.Lines[i]
			l.Computed = round1(l.Computed)
			l.Score = round1(math.Max(0, math.Min(l.Weight, l.Computed+l.Adjust)))
			sum += l.Score
			weights += l.Weight
		}
		if weights > 0 {
			s.Rubric = round1(sum * 90 / weights)
		}
		s.Praise = praise[u.Code]
		s.Bonus = math.Min(float64(s.Praise), maxPraise) + math.Min(bonus["bonus_platform"], maxPlatform) + math.Min(bonus["bonus_articles"], maxArticles)
		s.Daily = round1(math.Min(100, s.Rubric+s.Bonus))
		s.Total = round1(0.4*s.Daily + 0.1*s.ThirdParty + 0.5*s.Annual)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out
}

func fmtRatio(what string, a, b int) string {
	if b == 0 {
		return what + "：无（满分）"
	}
	return what + "：" + strconv.Itoa(a) + "/" + strconv.Itoa(b)
}
