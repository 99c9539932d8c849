package sheet

import (
	"strconv"
	"strings"

	"gongkai/catalog"
)

// fieldOfJSON names, for a validation error's field, the column to blame.
var fieldOfJSON = map[string]field{"domain_code": fDomain, "level1": fLevel1, "level2": fLevel2, "level3": fLevel3, "content": fContent,
	"basis": fBasis, "time_limit": fLimit, "subject": fSubject, "channels": fChannels, "channel_other": fChannels,
	"to_public": fToPublic, "proactive": fProactive, "at_county": fCounty, "duration": fDuration, "office": fOffice, "remark": fRemark}

// findHeader returns the first header row (0-based) among the first ten
// and how many rows the header takes (1 to 3: 公开事项 over 一级/二级事项,
// 公开对象及方式 over 公开对象 over 全社会 …); -1 when there is none.
func findHeader(rows [][]string) (int, int) {
	for i := 0; i < len(rows) && i < 10; i++ {
		hits := 0
		seen := map[string]bool{}
		for _, c := range rows[i] {
			// A title merged across the row counts once.
			if c = clean(c); seen[c] {
				continue
			}
			seen[c] = true
			switch f := headerField(c, ""); f {
			case fContent, fLevel2, fBasis, fLimit, fChannels, fSeq:
				hits++
			}
			if strings.Contains(c, "公开事项") {
				hits++
			}
		}
		if hits >= 2 {
			// A row under the header that names at least two sub-columns
			// (一级事项 and 二级事项, 全社会 and 特定群体, 公开对象 and 公开方式 …)
			// is header too; a data row may hold one such word.
			n := 1
			for n < 3 && i+n < len(rows) && subHeaders(rows[i+n]) >= 2 {
				n++
			}
			return i, n
		}
	}
	return -1, 0
}

// groupLabels head groups of sub-columns in a header of three rows.
var groupLabels = map[string]bool{"公开事项": true, "公开对象": true, "公开方式": true, "公开层级": true, "公开对象及方式": true, "公开范围": true}

// subHeaders counts the distinct sub-column labels of a row.
func subHeaders(row []string) int {
	n := 0
	seen := map[string]bool{}
	for _, c := range row {
		c = clean(c)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		switch headerField("", c) {
		case fLevel1, fLevel2, fLevel3, fToPublic, fToSpecific, fProactive, fOnRequest, fCounty, fTownship, fIgnoredLevel:
			n++
			continue
		}
		if groupLabels[c] {
			n++
		}
	}
	return n
}

// columnField reads one column's labels, top to bottom (merged cells
// repeated), as a field and a name: the lowest label that names a column.
func columnField(labels []string) (field, string) {
	var ls []string
	for _, l := range labels {
		if l = clean(l); l != "" && (len(ls) == 0 || ls[len(ls)-1] != l) {
			ls = append(ls, l)
		}
	}
	switch len(ls) {
	case 0:
		return fNone, ""
	case 1:
		return headerField(ls[0], ""), ls[0]
	}
	for i := len(ls) - 1; i >= 1; i-- {
		if f := headerField(ls[0], ls[i]); f != fNone {
			return f, ls[i]
		}
	}
	return headerField(ls[0], ""), ls[len(ls)-1]
}

// isHeaderAgain tells whether a row repeats the header (a Word table's
// 重复标题行 on each page): three or more column labels.
func isHeaderAgain(row []string) bool {
	n := 0
	for _, c := range row {
		switch headerField(clean(c), "") {
		case fSeq, fContent, fBasis, fLimit, fSubject, fChannels, fLevel1, fLevel2:
			n++
		}
	}
	return n >= 3
}

func isMark(s string) bool {
	switch clean(s) {
	case "√", "✓", "✔", "☑", "是", "对", "有", "●", "■", "Y", "y", "v", "V":
		return true
	}
	return false
}

var channelSynonyms = map[string]string{"纸质载体": "纸质媒体", "行政服务中心": "政务服务中心", "政务新媒体": "两微一端",
	"社区/企事业单位/村公示栏（电子屏）": "社区/企事业单位/村公示栏(电子屏)", "单位/村委会公示栏（电子屏）": "社区/企事业单位/村公示栏(电子屏)"}

func knownChannel(name string) (string, bool) {
	name = strings.Trim(name, "，,、;；:：。 ")
	for _, c := range catalog.Channels {
		if clean(c) == name {
			return c, true
		}
	}
	if c, ok := channelSynonyms[name]; ok {
		return c, true
	}
	return "", false
}

// parseChannels decodes a 公开渠道和载体 cell: ■ marks a channel used, □ (or
// its OCR forms 口 and t) one not used; a cell without boxes lists the
// channels used. Channels outside the national list go to 其他.
func parseChannels(s string) (chs []string, other []string) {
	text := clean(s)
	if text == "" {
		return nil, nil
	}
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			chs = append(chs, c)
		}
	}
	isBox := func(r rune) (bool, bool) { // is a box, is it ticked
		switch r {
		case '■', '☑', '√', '✓', '✔', '●':
			return true, true
		case '□', '口', '☐', '○', '〇':
			return true, false
		}
		return false, false
	}
	rs := []rune(text)
	boxed := false
	for _, r := range rs {
		if b, _ := isBox(r); b {
			boxed = true
		}
	}
	if !boxed {
		// A list of names: each a channel of the national list, or 其他.
		for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、，,；;\n 　", r) }) {
			tok = clean(tok)
			if tok == "" {
				continue
			}
			if c, ok := knownChannel(tok); ok {
				add(c)
				continue
			}
			found := false
			for _, c := range catalog.Channels {
				if c != "其他" && tok == clean(c) {
					add(c)
					found = true
				}
			}
			if !found {
				other = append(other, tok)
			}
		}
		return chs, other
	}
	// Split into box+name tokens. An OCR'd "t" counts as an empty box when a
	// channel name follows it.
	type token struct {
		on   bool
		name string
	}
	var toks []token
	cur := -1
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		b, on := isBox(r)
		if !b && r == 't' && i+1 < len(rs) && rs[i+1] > 0x2E80 {
			b, on = true, false
		}
		if b {
			toks = append(toks, token{on: on})
			cur = len(toks) - 1
			continue
		}
		if cur >= 0 {
			toks[cur].name += string(r)
		}
	}
	for _, t := range toks {
		if !t.on {
			continue
		}
		name := strings.Trim(t.name, "，,、;；。 ")
		if strings.HasPrefix(name, "其他") {
			add("其他")
			if rest := strings.Trim(strings.TrimPrefix(name, "其他"), "：:（）() "); rest != "" {
				other = append(other, rest)
			}
			continue
		}
		if c, ok := knownChannel(name); ok {
			add(c)
		} else if name != "" {
			other = append(other, name)
		}
	}
	return chs, other
}

// domainFor finds a domain by a name or a text that contains it.
func domainFor(text string, domains []catalog.Domain) (catalog.Domain, bool) {
	text = clean(text)
	if text == "" {
		return catalog.Domain{}, false
	}
	for _, d := range domains {
		if clean(d.Name) == text || d.Code == text {
			return d, true
		}
	}
	best, found := catalog.Domain{}, false
	for _, d := range domains {
		if n := clean(d.Name); strings.Contains(text, n) && len(n) > len(best.Name) {
			best, found = d, true
		}
	}
	return best, found
}

// Input is what reading a catalogue file needs besides the file: the unit
// it is for (the defaults of columns a sheet lacks), the county's units (a
// title naming another unit is refused) and its domains.
type Input struct {
	Unit    catalog.Unit
	Units   []catalog.Unit
	Domains []catalog.Domain
}

// ParseRows reads one worksheet's rows (merged cells already filled) into
// out.
func ParseRows(out *Parsed, sheetName string, rows [][]string, in Input) {
	parseTable(out, table{name: sheetName, rows: rows}, in)
}

// parseTable reads one table: a worksheet, whose title is in its rows
// above the header, or a Word table with its title paragraphs.
func parseTable(out *Parsed, t table, in Input) {
	sheetName, rows := t.name, t.rows
	unit, domains := in.Unit, in.Domains
	h, headRows := findHeader(rows)
	if h < 0 {
		return // not a catalogue sheet (a cover, notes…)
	}
	width := 0
	for i := h; i < h+headRows; i++ {
		width = max(width, len(rows[i]))
	}
	if width > MaxCols {
		out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: h + 1, Message: "列数超过上限"})
		return
	}
	cols := make([]field, width)
	names := make([]string, width)
	for c := 0; c < width; c++ {
		var labels []string
		for i := h; i < h+headRows; i++ {
			if c < len(rows[i]) {
				labels = append(labels, rows[i][c])
			}
		}
		cols[c], names[c] = columnField(labels)
		if cols[c] == fNone && names[c] != "" {
			out.Warnings = append(out.Warnings, Problem{Sheet: sheetName, Row: h + 1, Column: names[c], Message: "无法识别的列，已忽略"})
		}
	}
	has := map[field]bool{}
	for _, f := range cols {
		has[f] = true
	}
	// The sheet's domain: its name, or the title above the header
	// (义务教育领域基层政务公开标准目录（2020年版）); the title may name the unit.
	sheetDomain, ok := domainFor(sheetName, domains)
	title := append([]string(nil), t.title...)
	for i := 0; i < h; i++ {
		for _, c := range rows[i] {
			if c = strings.TrimSpace(typed(c)); c != "" && !contains(title, c) {
				title = append(title, c)
			}
		}
	}
	if t := strings.Join(title, " "); t != "" {
		if !ok {
			sheetDomain, _ = domainInTitle(t, domains)
		}
		if u, named := unitInTitle(t, in.Units); named && unit.Code != "" && u.Code != unit.Code {
			out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: 1, Value: t,
				Message: "标题写的是" + u.Name + "的目录，而正在导入的是" + unit.Name + "的目录；请选择正确的单位或文件"})
			return
		}
	}
	start := h + headRows
	var prevRow []string
	var prevLevel1, prevLevel2 string
	for r := start; r < len(rows); r++ {
		line := r + 1
		raw := make([]string, width)
		for c := 0; c < width && c < len(rows[r]); c++ {
			v := typed(rows[r][c])
			// An exported cell neutralised against formulas reads back as it was.
			if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
				v = v[1:]
			}
			raw[c] = v
		}
		distinct := map[string]bool{}
		for _, v := range raw {
			if v != "" {
				distinct[v] = true
			}
		}
		if len(distinct) == 0 || isHeaderAgain(raw) {
			continue
		}
		if len(distinct) == 1 && width > 2 {
			// A section title spread over the row: it may name the domain,
			// or be the 一级/二级事项 of the rows below it.
			for c, v := range raw {
				if v == "" {
					continue
				}
				if d, ok := domainInTitle(v, domains); ok && cols[c] != fLevel1 && cols[c] != fLevel2 {
					sheetDomain = d
				}
				switch cols[c] {
				case fLevel1:
					prevLevel1, prevLevel2 = oneLine(v), ""
				case fLevel2:
					prevLevel2 = oneLine(v)
				}
				break
			}
			continue
		}
		// 同上 is the cell above, 同左 the cell to the left.
		bad := false
		for c, v := range raw {
			if !catalog.SameAs(v) {
				continue
			}
			from := ""
			if strings.Contains(v, "左") {
				if c > 0 {
					from = raw[c-1]
				}
			} else if c < len(prevRow) {
				from = prevRow[c]
			}
			if from == "" || catalog.SameAs(from) {
				where := "上一行"
				if strings.Contains(v, "左") {
					where = "左边一列"
				}
				out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: line, Column: colName(cols[c], names[c]), Value: v,
					Message: "“" + v + "”指" + where + "的内容，但那里是空的；请填写实际内容"})
				bad = true
				raw[c] = "" // the row's other cells are still checked
				continue
			}
			raw[c] = from
		}
		prevRow = raw
		vals := map[field]string{}
		for c, v := range raw {
			if cols[c] != fNone && v != "" {
				if vals[cols[c]] != "" && cols[c] == fPlatform {
					v = vals[cols[c]] + "、" + v
				}
				vals[cols[c]] = v
			}
		}
		for _, f := range []field{fDomain, fLevel1, fLevel2, fLevel3, fSubject, fLimit, fDuration, fOffice} {
			vals[f] = oneLine(vals[f])
		}
		// Blank cells under a merged parent: the 一级事项 (and, under a
		// 三级事项, the 二级事项) of the row above.
		if has[fLevel1] && vals[fLevel1] == "" {
			vals[fLevel1] = prevLevel1
		}
		if has[fLevel3] && vals[fLevel3] != "" && vals[fLevel2] == "" {
			vals[fLevel2] = prevLevel2
		}
		if vals[fLevel1] != prevLevel1 {
			prevLevel2 = ""
		}
		prevLevel1 = vals[fLevel1]
		if vals[fLevel2] != "" {
			prevLevel2 = vals[fLevel2]
		}
		problem := func(f field, value, msg string) {
			out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: line, Column: fieldNames[f], Value: value, Message: msg})
		}
		var col catalog.Columns
		d := sheetDomain
		if v := vals[fDomain]; v != "" {
			var ok bool
			if d, ok = domainFor(v, domains); !ok {
				if d, ok = domainInTitle(v, domains); !ok {
					problem(fDomain, v, "不是已有的领域：应为26个国家领域之一或本县目录的栏目名称，如“社会救助”")
					continue
				}
			}
		}
		if d.Code == "" {
			problem(fDomain, "", "无法确定所属领域：标题（如“社会救助领域基层政务公开标准目录”）、工作表名称和“领域”列都没有写明领域")
			continue
		}
		col.DomainCode = d.Code
		col.Level1, col.Level2, col.Level3 = vals[fLevel1], vals[fLevel2], vals[fLevel3]
		if !has[fLevel1] {
			col.Level1 = d.Name
		}
		col.Content, col.Basis, col.TimeLimitText, col.Subject = vals[fContent], vals[fBasis], vals[fLimit], vals[fSubject]
		col.Duration, col.Office, col.Remark = vals[fDuration], vals[fOffice], vals[fRemark]
		var other []string
		col.Channels, other = parseChannels(vals[fChannels])
		if p := vals[fPlatform]; p != "" {
			// 公开平台 names platforms, ticked or listed: channels, or 其他.
			pc, po := parseChannels(p)
			for _, c := range pc {
				if !contains(col.Channels, c) {
					col.Channels = append(col.Channels, c)
				}
			}
			other = append(other, po...)
		}
		if len(other) > 0 {
			if !contains(col.Channels, "其他") {
				col.Channels = append(col.Channels, "其他")
			}
			col.ChannelOther = strings.Join(other, "、")
		}
		for _, m := range []struct {
			f    field
			into *bool
		}{{fToPublic, &col.ToPublic}, {fToSpecific, &col.ToSpecific}, {fProactive, &col.Proactive}, {fOnRequest, &col.OnRequest},
			{fCounty, &col.AtCounty}, {fTownship, &col.AtTownship}} {
			v := vals[m.f]
			*m.into = isMark(v)
			if v != "" && !*m.into && !isBlankMark(v) {
				out.Warnings = append(out.Warnings, Problem{Sheet: sheetName, Row: line, Column: fieldNames[m.f], Value: v,
					Message: "不是勾选符号（√、■、☑、●表示是，口、☐、□或空白表示否），按未勾选处理"})
			}
		}
		before := col
		col.ApplyDefaults(unit)
		for _, d := range []struct {
			name      string
			had, have bool
			f         field
		}{{"公开对象", before.ToPublic || before.ToSpecific, col.ToPublic || col.ToSpecific, fToPublic},
			{"公开方式", before.Proactive || before.OnRequest, col.Proactive || col.OnRequest, fProactive},
			{"公开层级", before.AtCounty || before.AtTownship, col.AtCounty || col.AtTownship, fCounty}} {
			if has[d.f] && !d.had && d.have {
				msg := "未勾选，已按本单位的通常做法填写"
				if d.f == fCounty && vals[fIgnoredLevel] != "" {
					msg = "只勾选了市级，已按本单位的层级填写"
				}
				out.Warnings = append(out.Warnings, Problem{Sheet: sheetName, Row: line, Column: d.name, Message: msg})
			}
		}
		col.Normalize()
		if err := col.Validate(); err != nil {
			var field string
			if e, ok := err.(*catalog.Error); ok {
				field = e.Field
			}
			f := fieldOfJSON[field]
			problem(f, vals[f], catalog.ErrorMessage(err))
			continue
		}
		if bad {
			continue
		}
		if has[fLimit] && !col.TimeLimit.Parseable() && vals[fLimit] != "" {
			out.Warnings = append(out.Warnings, Problem{Sheet: sheetName, Row: line, Column: "公开时限", Value: vals[fLimit], Message: "无法识别期限，已按原文保存"})
		}
		out.Rows = append(out.Rows, Row{Sheet: sheetName, Row: line, Columns: col})
		if len(out.Rows) > MaxRows {
			out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: line, Message: "超过" + strconv.Itoa(MaxRows) + "行，拒绝处理"})
			return
		}
	}
}

// colName is a column's name for a problem: the field's, else the header's.
func colName(f field, header string) string {
	if n, ok := fieldNames[f]; ok {
		return n
	}
	return header
}

// isBlankMark tells whether a mark cell says "no": an empty box, a cross.
func isBlankMark(s string) bool {
	switch clean(s) {
	case "口", "☐", "□", "×", "✗", "否", "无", "/", "-", "—", "〇", "○":
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
