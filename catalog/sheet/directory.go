package sheet

import (
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
		var fields []string
		for k, v := range vals {
			if ptr := factField(&u, k); ptr != nil {
				if clean(*ptr) != clean(v) {
					fields = append(fields, directoryLabels[k])
				}
				*ptr = v
			}
		}
		if err := u.ValidateFacts(); err != nil {
			plan.Errors = append(plan.Errors, Problem{Row: line, Column: directoryLabels[catalog.ErrorField(err)], Message: catalog.ErrorMessage(err)})
			continue
		}
		if len(fields) == 0 {
			plan.Unchanged++
			continue
		}
		sort.Strings(fields)
		plan.Changed = append(plan.Changed, UnitChange{Row: line, Unit: u, Fields: fields})
	}
	return plan, nil
}
