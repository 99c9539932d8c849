package foi

import (
	"fmt"
	"time"

	"gongkai/catalog"
)

// ReportRow is one row of the annual report's table 三 (收到和处理政府信息
// 公开申请情况): a count per applicant column (自然人, the five kinds of
// 法人或其他组织) and the total.
type ReportRow struct {
	Key   string // new, carried_in, an Outcome code group key, total, carried_out
	Group string // 一、本年新收… / （三）不予公开 …
	Label string // the sub-row's label, or ""
	Cells [7]int // ApplicantTypes in order, then 总计
}

// Report is the table 三 for a year, of one unit or of the county.
type Report struct {
	Year int
	Unit string // "" for the whole county
	Rows []ReportRow
}

// reportRows lists the rows in the order of 国办公开办函〔2021〕30号.
func reportRows() []ReportRow {
	rows := []ReportRow{{Key: "new", Group: "一、本年新收政府信息公开申请数量"}, {Key: "carried_in", Group: "二、上年结转政府信息公开申请数量"}}
	seen := map[string]bool{}
	for _, o := range Outcomes {
		key := string(o.Code)
		if key != o.ReportKey() || seen[o.Group+o.Row] { // counted in another outcome's row
			continue
		}
		seen[o.Group+o.Row] = true
		rows = append(rows, ReportRow{Key: key, Group: "三、本年度办理结果 " + o.Group, Label: o.Row})
	}
	return append(rows, ReportRow{Key: "total", Group: "三、本年度办理结果 （七）总计"}, ReportRow{Key: "carried_out", Group: "四、结转下年度继续办理"})
}

func column(t ApplicantType) int {
	for i, x := range ApplicantTypes {
		if x == t {
			return i
		}
	}
	return len(ApplicantTypes) - 1
}

// AnnualReport counts the requests into the table for year. A request is
// new in the year it was received, decided in the year of its outcome, and
// carried over while undecided at a year's end.
func AnnualReport(reqs []Request, year int, unit string) Report {
	rep := Report{Year: year, Unit: unit, Rows: reportRows()}
	at := map[string]int{}
	for i, r := range rep.Rows {
		at[r.Key] = i
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	inYear := func(t time.Time) bool {
		u := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return !u.Before(start) && u.Before(end)
	}
	before := func(t time.Time, b time.Time) bool {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Before(b)
	}
	add := func(key string, col int) {
		rep.Rows[at[key]].Cells[col]++
		rep.Rows[at[key]].Cells[6]++
	}
	for _, r := range reqs {
		if r.MergedInto != "" {
			continue // counted once, as the request it was merged into
		}
		col := column(r.Type)
		if inYear(r.ReceivedOn) {
			add("new", col)
		}
		decided := r.DecidedOn != nil && r.Outcome != ""
		if before(r.ReceivedOn, start) && (!decided || !before(*r.DecidedOn, start)) {
			add("carried_in", col)
		}
		if decided && inYear(*r.DecidedOn) {
			key := string(r.Outcome)
			if info, ok := OutcomeOf(r.Outcome); ok {
				key = info.ReportKey()
			}
			add(key, col)
			add("total", col)
		}
		if before(r.ReceivedOn, end) && (!decided || !before(*r.DecidedOn, end)) {
			add("carried_out", col)
		}
	}
	return rep
}

// Check verifies the identities printed with the table: 一 + 二 = （七）总计
// + 四 in every column, each row's columns add up to its 总计, and the
// outcomes add up to （七）总计.
func (rep Report) Check() error {
	get := func(key string) [7]int {
		for _, r := range rep.Rows {
			if r.Key == key {
				return r.Cells
			}
		}
		return [7]int{}
	}
	n, c, total, out := get("new"), get("carried_in"), get("total"), get("carried_out")
	for col := 0; col < 7; col++ {
		if n[col]+c[col] != total[col]+out[col] {
			return fmt.Errorf("第%d列：一（%d）+ 二（%d）≠（七）总计（%d）+ 四（%d）", col+1, n[col], c[col], total[col], out[col])
		}
		sum := 0
		for _, r := range rep.Rows {
			if r.Key != "new" && r.Key != "carried_in" && r.Key != "total" && r.Key != "carried_out" {
				sum += r.Cells[col]
			}
		}
		if sum != total[col] {
			return fmt.Errorf("第%d列：各项办理结果之和（%d）≠（七）总计（%d）", col+1, sum, total[col])
		}
	}
	for _, r := range rep.Rows {
		s := 0
		for col := 0; col < 6; col++ {
			s += r.Cells[col]
		}
		if s != r.Cells[6] {
			return fmt.Errorf("%s%s：各列之和（%d）≠ 总计（%d）", r.Group, r.Label, s, r.Cells[6])
		}
	}
	return nil
}

// ReviewCounts is the table 四 (政府信息公开行政复议、行政诉讼情况) of a unit
// and year, entered by staff: for administrative review, suits filed
// directly and suits after review, the cases 结果维持, 结果纠正, 其他结果
// and 尚未审结; Total adds them.
type ReviewCounts struct {
	Review          [4]int `json:"review"`
	SuitDirect      [4]int `json:"suit_direct"`
	SuitAfterReview [4]int `json:"suit_after_review"`
}

// ReviewColumns name the four counts of each block.
var ReviewColumns = [4]string{"结果维持", "结果纠正", "其他结果", "尚未审结"}

// Total is the 总计 of a block.
func Total(b [4]int) int { return b[0] + b[1] + b[2] + b[3] }

// Validate refuses negative counts.
func (r ReviewCounts) Validate() error {
	for _, b := range [][4]int{r.Review, r.SuitDirect, r.SuitAfterReview} {
		for _, n := range b {
			if n < 0 || n > 100000 {
				return catalog.Invalid("reviews", "行政复议、行政诉讼的件数应为0或正整数")
			}
		}
	}
	return nil
}

// Add sums another unit's counts into r.
func (r *ReviewCounts) Add(o ReviewCounts) {
	for i := 0; i < 4; i++ {
		r.Review[i] += o.Review[i]
		r.SuitDirect[i] += o.SuitDirect[i]
		r.SuitAfterReview[i] += o.SuitAfterReview[i]
	}
}
