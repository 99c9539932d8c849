package sheet

import (
	"strconv"
	"strings"

	"gongkai/catalog"
)

// Change is an existing item an import would change, with what changes.
type Change struct {
	Item   catalog.Item    `json:"item"`
	Row    Row             `json:"row"`
	Fields []string        `json:"fields"` // the columns that differ, in Chinese
	New    catalog.Columns `json:"new"`
}

// Plan is what an import would do to a unit's catalogue.
type Plan struct {
	Added     []Row          `json:"added"`
	Changed   []Change       `json:"changed"`
	Retired   []catalog.Item `json:"retired"`
	Unchanged int            `json:"unchanged"`
	Errors    []Problem      `json:"errors"`
	Warnings  []Problem      `json:"warnings"`
}

func key(c catalog.Columns) string {
	return strings.Join([]string{c.DomainCode, clean(c.Level1), clean(c.Level2), clean(c.Level3)}, "\x1f")
}

// differences lists the columns in which b differs from a.
func differences(a, b catalog.Columns) []string {
	var out []string
	cmp := func(name string, x, y string) {
		if clean(x) != clean(y) {
			out = append(out, name)
		}
	}
	cmp("公开内容（要素）", a.Content, b.Content)
	cmp("公开依据", a.Basis, b.Basis)
	cmp("公开时限", a.TimeLimitText, b.TimeLimitText)
	cmp("公开主体", a.Subject, b.Subject)
	if strings.Join(a.Channels, ",") != strings.Join(b.Channels, ",") || clean(a.ChannelOther) != clean(b.ChannelOther) {
		out = append(out, "公开渠道和载体")
	}
	if a.ToPublic != b.ToPublic || a.ToSpecific != b.ToSpecific {
		out = append(out, "公开对象")
	}
	if a.Proactive != b.Proactive || a.OnRequest != b.OnRequest {
		out = append(out, "公开方式")
	}
	if a.AtCounty != b.AtCounty || a.AtTownship != b.AtTownship {
		out = append(out, "公开层级")
	}
	return out
}

// Diff compares the parsed rows with a unit's active items: rows whose
// 领域 + 一级/二级/三级事项 are new are added, those that differ are changed,
// and items of the domains the sheet covers that it no longer lists are
// retired. A row listed twice is an error.
func Diff(existing []catalog.Item, p *Parsed) Plan {
	plan := Plan{Errors: append([]Problem(nil), p.Errors...), Warnings: p.Warnings}
	have := map[string]catalog.Item{}
	for _, it := range existing {
		have[key(it.Columns)] = it
	}
	seen := map[string]Row{}
	covered := map[string]bool{}
	for _, r := range p.Rows {
		k := key(r.Columns)
		covered[r.Columns.DomainCode] = true
		if first, dup := seen[k]; dup {
			plan.Errors = append(plan.Errors, Problem{Sheet: r.Sheet, Row: r.Row, Column: "二级事项",
				Message: "与第" + strconv.Itoa(first.Row) + "行是同一事项（领域、一级、二级、三级事项相同）"})
			continue
		}
		seen[k] = r
		old, ok := have[k]
		if !ok {
			plan.Added = append(plan.Added, r)
			continue
		}
		if d := differences(old.Columns, r.Columns); len(d) > 0 {
			plan.Changed = append(plan.Changed, Change{Item: old, Row: r, Fields: d, New: r.Columns})
		} else {
			plan.Unchanged++
		}
	}
	for _, it := range existing {
		if covered[it.DomainCode] {
			if _, listed := seen[key(it.Columns)]; !listed {
				plan.Retired = append(plan.Retired, it)
			}
		}
	}
	return plan
}
