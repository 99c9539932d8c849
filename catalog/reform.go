package catalog

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ReformKind is what an institutional reform (机构改革) does to units.
type ReformKind string

// Reform kinds.
const (
	// ReformMerge: every unit of From ends and Into's one unit takes over
	// all it held (撤并, 合并); with one unit in From it is a retirement
	// (撤销) whose work goes to the successor.
	ReformMerge ReformKind = "merge"
	// ReformSplit: From's one unit ends and its work is shared among the
	// units of Into (拆分): catalogue items, with their publications, by
	// domain (Domains); the rest to the first of Into, the lead successor.
	ReformSplit ReformKind = "split"
)

// Name is the kind in Chinese.
func (k ReformKind) Name() string {
	if k == ReformSplit {
		return "拆分"
	}
	return "撤并"
}

// Reform is one institutional reform as the county's 机构改革 document
// (Basis) orders it. Units taking part must exist first: a new successor is
// created (CreateUnit) before the reform hands it its predecessors' work.
// Whatever a retiring unit held follows the unit it now belongs to —
// catalogue items and their publications, 未涉及领域说明, filings,
// requests, accounts and their roles, kiosk service points — and each
// moved record keeps where it came from (Transfers, and the history of
// items, publications and requests). The retiring units stay, marked
// retired, so what they published is still theirs in print; nothing can be
// written to them any more.
type Reform struct {
	ID   int64      `json:"id"`
	Kind ReformKind `json:"kind"`
	// From are the units that end; Into those that carry on.
	From []string `json:"from"`
	Into []string `json:"into"`
	// Domains, for a split, gives the successor of each domain's items
	// (domain code → unit code); a domain not named goes to Into[0].
	Domains map[string]string `json:"domains,omitempty"`
	// Basis is the document ordering it (e.g. 旌编〔2026〕3号 or the
	// county's 机构改革方案), required.
	Basis string `json:"basis"`
	// EffectiveOn is the day the reform takes effect (today when zero).
	EffectiveOn time.Time `json:"effective_on"`
	By          string    `json:"by,omitempty"`
	At          time.Time `json:"at"`
	// Moved counts what was handed over, by kind of record
	// (items, publications, requests, filings, accounts, roles, points…).
	Moved map[string]int `json:"moved,omitempty"`
}

// Successor is the unit that receives what unit from held in domain
// (empty for records outside the catalogue).
func (r Reform) Successor(domain string) string {
	if to := r.Domains[domain]; to != "" && r.Kind == ReformSplit {
		return to
	}
	return r.Into[0]
}

// Validate checks the reform's shape; the store checks the units.
func (r *Reform) Validate(today time.Time) error {
	if len(r.From) > 50 || len(r.Into) > 50 {
		return Invalid("from", "一次机构改革最多涉及50个单位")
	}
	if len(r.Domains) > 200 {
		return Invalid("domains", "一次拆分最多分配200个领域")
	}
	clean := func(codes []string) []string {
		out := make([]string, 0, len(codes))
		for _, c := range codes {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		return out
	}
	r.From, r.Into = clean(r.From), clean(r.Into)
	switch r.Kind {
	case ReformMerge:
		if len(r.From) == 0 {
			return Invalid("from", "请选择被撤并的单位")
		}
		if len(r.Into) == 0 {
			return Invalid("into", "撤并须指定承接单位")
		}
		if len(r.Into) > 1 {
			return Invalid("into", "撤并只有一个承接单位；“其他承接单位”仅用于拆分")
		}
		if len(r.Domains) > 0 {
			return Invalid("domains", "撤并时全部事项归承接单位，不按领域分配")
		}
	case ReformSplit:
		if len(r.From) != 1 {
			return Invalid("from", "拆分须指定一个被拆分的单位")
		}
		if len(r.Into) < 2 {
			return Invalid("into", "拆分须指定至少两个承接单位（第一个为主承接单位）")
		}
	default:
		return Invalid("kind", "机构改革的方式须为撤并（merge）或拆分（split）")
	}
	for _, c := range r.From {
		if slices.Contains(r.Into, c) {
			return Invalid("into", "单位“%s”不能既被撤并又承接", c)
		}
	}
	for d, to := range r.Domains {
		if !slices.Contains(r.Into, to) {
			return Invalid("domains", "领域“%s”分给的单位“%s”不是承接单位", d, to)
		}
	}
	r.Basis = strings.TrimSpace(r.Basis)
	if err := CheckLine("basis", "依据文件", r.Basis); err != nil {
		return err
	}
	if r.Basis == "" {
		return Invalid("basis", "请填写机构改革的依据文件（如编委文件的文号或改革方案名称）")
	}
	if utf8.RuneCountInString(r.Basis) > 200 {
		return Invalid("basis", "依据文件不超过200字")
	}
	today = day(today)
	if r.EffectiveOn.IsZero() {
		r.EffectiveOn = today
	}
	r.EffectiveOn = day(r.EffectiveOn)
	if r.EffectiveOn.After(today) {
		return Invalid("effective_on", "生效日期不能晚于今天：到生效之日再办理")
	}
	if r.EffectiveOn.Before(today.AddDate(-1, 0, 0)) {
		return Invalid("effective_on", "生效日期不能早于一年前")
	}
	return nil
}

func day(t time.Time) time.Time {
	t = t.In(Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Shanghai)
}

// Transfer is one record a reform handed from one unit to another.
type Transfer struct {
	ReformID int64  `json:"reform_id"`
	Object   string `json:"object"` // item, publication, request, filing, account, role, point, exemption
	ObjectID string `json:"object_id"`
	From     string `json:"from"`
	To       string `json:"to"`
}

// Retired tells whether the unit has ended in a reform.
func (u Unit) Retired() bool { return u.RetiredOn != nil }

// UnitReforms carries out institutional reforms.
type UnitReforms interface {
	// Reform carries out r in one transaction, audited: EINVALID names
	// the field (units of different levels, a unit already retired, the
	// county office split without a lead successor…), ENOTFOUND a unit.
	// It fills r's ID, By, At and Moved.
	Reform(ctx context.Context, r *Reform, by Actor) error
	// FindReforms lists the reforms, newest first.
	FindReforms(ctx context.Context) ([]Reform, error)
	// FindTransfers lists where records of one kind came from (object
	// "publication", ids as text), oldest first.
	FindTransfers(ctx context.Context, object string, ids ...string) ([]Transfer, error)
}
