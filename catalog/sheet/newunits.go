package sheet

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"

	"gongkai/catalog"
)

// newUnitColumns are the columns a list of new units is read by: the
// directory's (名录) and, when the county has them, each unit's code and
// 统一社会信用代码.
var newUnitColumns = map[string]string{"单位": "unit", "全称": "full_name", "层级": "level", "单位代码": "code", "统一社会信用代码": "credit_code"}

// ParseNewUnits reads a workbook in the directory's layout (单位, 全称,
// 层级 乡级|县级, and the public facts) as units to create: a 乡级 row is a
// township, any other a department; a unit without a 单位代码 column gets
// one from its name's pinyin (东山镇 → dongshanzhen). Every mistake is
// listed, with its row; nothing is created from a list that has one.
func ParseNewUnits(data []byte) ([]catalog.Unit, []Problem, error) {
	if err := CheckArchive(data); err != nil {
		return nil, nil, err
	}
	f, err := openWorkbook(data)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, catalog.Invalid("file", "工作簿中没有工作表")
	}
	rows, err := readSheet(f, sheets[0], MaxRows)
	if err != nil {
		return nil, nil, err
	}
	h, cols := -1, map[int]string{}
	for i := 0; i < len(rows) && i < 10 && h < 0; i++ {
		found := map[int]string{}
		for c, v := range rows[i] {
			if k, ok := newUnitColumns[clean(v)]; ok {
				found[c] = k
			} else if k, ok := directoryColumns[clean(v)]; ok {
				found[c] = k
			}
		}
		if len(found) >= 2 {
			h, cols = i, found
		}
	}
	if h < 0 {
		return nil, []Problem{{Message: "没有找到名录表头（单位、全称、层级……）"}}, nil
	}
	var units []catalog.Unit
	var problems []Problem
	codes, names := map[string]int{}, map[string]int{}
	for r := h + 1; r < len(rows); r++ {
		vals := map[string]string{}
		for c, v := range rows[r] {
			if k, ok := cols[c]; ok {
				vals[k] = strings.TrimSpace(v)
			}
		}
		if clean(vals["unit"]) == "" {
			continue
		}
		line := r + 1
		u := catalog.Unit{Name: vals["unit"], FullName: vals["full_name"], Level: catalog.LevelCounty, Kind: catalog.KindDepartment,
			Code: strings.ToLower(vals["code"]), CreditCode: vals["credit_code"]}
		if strings.HasPrefix(vals["level"], "乡") {
			u.Level, u.Kind = catalog.LevelTownship, catalog.KindTown
		}
		if u.Code == "" && utf8.RuneCountInString(u.Name) <= 30 {
			u.Code = UnitCode(u.Name)
		}
		if prev, ok := codes[u.Code]; ok {
			problems = append(problems, Problem{Row: line, Column: "单位代码", Message: fmt.Sprintf("单位代码“%s”与第%d行重复，请加一列“单位代码”分别填写", u.Code, prev)})
			continue
		}
		if prev, ok := names[u.Name]; ok {
			problems = append(problems, Problem{Row: line, Column: "单位", Message: fmt.Sprintf("单位“%s”与第%d行重复", u.Name, prev)})
			continue
		}
		if prev, ok := names[u.FullName]; ok && u.FullName != "" {
			problems = append(problems, Problem{Row: line, Column: "全称", Message: fmt.Sprintf("全称“%s”与第%d行重复", u.FullName, prev)})
			continue
		}
		codes[u.Code], names[u.Name] = line, line
		if u.FullName != "" {
			names[u.FullName] = line
		}
		for k, v := range vals {
			if ptr := factField(&u, k); ptr != nil && k != "full_name" {
				*ptr = v
			}
		}
		if err := u.Validate(); err != nil {
			column := map[string]string{"code": "单位代码", "name": "单位", "full_name": "全称", "credit_code": "统一社会信用代码"}[catalog.ErrorField(err)]
			if column == "" {
				column = directoryLabels[catalog.ErrorField(err)]
			}
			problems = append(problems, Problem{Row: line, Column: column, Message: catalog.ErrorMessage(err)})
			continue
		}
		units = append(units, u)
	}
	return units, problems, nil
}

// UnitCode makes a unit code from a name's pinyin (东山镇 → dongshanzhen):
// lower-case letters and digits, at most 40.
func UnitCode(name string) string {
	a := pinyin.NewArgs()
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return []string{string(r)}
		}
		return nil
	}
	code := strings.Join(pinyin.LazyPinyin(strings.ToLower(name), a), "")
	if len(code) > 40 {
		code = code[:40]
	}
	return code
}
