package sheet

import (
	"fmt"
	"slices"
	"sort"

	"gongkai/catalog"
)

// UnitChange is a unit whose public facts a directory import changes.
type UnitChange struct {
	Row    int          `json:"row"`
	Unit   catalog.Unit `json:"unit"` // with the new facts
	Fields []string     `json:"fields"`
}

// DirectoryPlan is what a directory import would do.
type DirectoryPlan struct {
	Changed   []UnitChange `json:"changed"`
	Unchanged int          `json:"unchanged"`
	Errors    []Problem    `json:"errors"`
	Warnings  []Problem    `json:"warnings"`
}

// directory columns an import reads, by header; the rest (the filing's
// people, 序号, 层级) are the export's and are not imported.
var directoryColumns = map[string]string{"单位": "unit", "全称": "full_name", "内设机构": "offices", "职能": "functions", "办公地址": "address",
	"办公时间": "office_hours", "联系电话": "phone", "传真": "fax", "电子邮箱": "email", "邮政编码": "postcode", "负责人": "head"}

var directoryLabels = map[string]string{"full_name": "全称", "offices": "内设机构", "functions": "职能", "address": "办公地址",
	"office_hours": "办公时间", "phone": "联系电话", "fax": "传真", "email": "电子邮箱", "postcode": "邮政编码", "head": "负责人"}

// factField points at the public fact a directory column holds.
func factField(u *catalog.Unit, key string) *string {
	switch key {
	case "full_name":
		return &u.FullName
	case "offices":
		return &u.Offices
	case "functions":
		return &u.Functions
	case "address":
		return &u.Address
	case "office_hours":
		return &u.OfficeHours
	case "phone":
		return &u.Phone
	case "fax":
		return &u.Fax
	case "email":
		return &u.Email
	case "postcode":
		return &u.Postcode
	case "head":
		return &u.Head
	}
	return nil
}

// ParseDirectory reads a unit directory sheet (the export of
// ExportDirectory, or one made like it) and compares it with the units:
// which units' public facts would change, and every mistake by row and
// column. Units are found by their name or full name.
func ParseDirectory(data []byte, units []catalog.Unit) (*DirectoryPlan, error) {
	if err := CheckArchive(data); err != nil {
		return nil, err
	}
	f, err := openWorkbook(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, catalog.Invalid("file", "工作簿中没有工作表")
	}
	rows, err := readSheet(f, sheets[0], MaxRows)
	if err != nil {
		return nil, err
	}
	plan := &DirectoryPlan{}
	h := -1
	cols := map[int]string{}
	for i := 0; i < len(rows) && i < 10 && h < 0; i++ {
		for c, v := range rows[i] {
			if k, ok := directoryColumns[clean(v)]; ok {
				cols[c] = k
			}
		}
		if len(cols) >= 2 {
			h = i
		} else {
			cols = map[int]string{}
		}
	}
	if h < 0 {
		plan.Errors = append(plan.Errors, Problem{Message: "没有找到名录表头（单位、办公地址、联系电话……）"})
		return plan, nil
	}
	byName := map[string]catalog.Unit{}
	for _, u := range units {
		byName[clean(u.Name)], byName[clean(u.FullName)] = u, u
	}
	// The export has a row per filed person, the unit's facts on its first
	// row only: a unit's rows are read together — a fact given on one row
	// is the unit's, two rows giving it differently are a mistake, and a
	// fact no row gives is cleared (as a blank cell of a unit's one row).
	type unitRows struct {
		u     catalog.Unit
		line  int               // the unit's first row
		vals  map[string]string // the facts given
		lines map[string]int    // the row each fact was given on
	}
	var order []*unitRows
	byUnit := map[string]*unitRows{}
	for r := h + 1; r < len(rows); r++ {
		vals := map[string]string{}
		for c, v := range rows[r] {
			if k, ok := cols[c]; ok {
				vals[k] = v
			}
		}
		if clean(vals["unit"]) == "" {
			continue
		}
		line := r + 1
		u, ok := byName[clean(vals["unit"])]
		if !ok {
			plan.Errors = append(plan.Errors, Problem{Row: line, Column: "单位", Message: "单位“" + vals["unit"] + "”不存在"})
			continue
		}
		ur := byUnit[u.Code]
		if ur == nil {
			ur = &unitRows{u: u, line: line, vals: map[string]string{}, lines: map[string]int{}}
			byUnit[u.Code] = ur
			order = append(order, ur)
		}
		for k, v := range vals {
			if factField(&u, k) == nil || clean(v) == "" {
				continue
			}
			if had, ok := ur.vals[k]; ok && clean(had) != clean(v) {
				plan.Errors = append(plan.Errors, Problem{Row: line, Column: directoryLabels[k],
					Message: fmt.Sprintf("与本单位第%d行的%s不一致（同一单位的单位信息只需填在一行）", ur.lines[k], directoryLabels[k])})
				continue
			}
			ur.vals[k], ur.lines[k] = v, line
		}
	}
	for _, ur := range order {
		u := ur.u
		// Rows of a unit that give none of its facts (its first row
		// deleted, only people's rows left) change nothing: people are
		// filed on the filing form, not here.
		if len(ur.vals) == 0 {
			plan.Unchanged++
			continue
		}
		var fields []string
		for _, k := range cols {
			ptr := factField(&u, k)
			if ptr == nil {
				continue
			}
			v := ur.vals[k]
			if clean(*ptr) != clean(v) {
				fields = append(fields, directoryLabels[k])
			}
			*ptr = v
		}
		if err := u.ValidateFacts(); err != nil {
			line := ur.line
			if l, ok := ur.lines[catalog.ErrorField(err)]; ok {
				line = l
			}
			plan.Errors = append(plan.Errors, Problem{Row: line, Column: directoryLabels[catalog.ErrorField(err)], Message: catalog.ErrorMessage(err)})
			continue
		}
		if len(fields) == 0 {
			plan.Unchanged++
			continue
		}
		sort.Strings(fields)
		fields = slices.Compact(fields)
		plan.Changed = append(plan.Changed, UnitChange{Row: ur.line, Unit: u, Fields: fields})
	}
	return plan, nil
}
