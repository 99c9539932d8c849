package sheet

import (
	"strconv"
	"strings"

	"gongkai/catalog"
)

// fieldOfJSON names, for a validation error's field, the column to blame.
var fieldOfJSON = map[string]field{"domain_code": fDomain, "level1": fLevel1, "level2": fLevel2, "level3": fLevel3, "content": fContent,
	"basis": fBasis, "time_limit": fLimit, "subject": fSubject, "channels": fChannels, "channel_other": fChannels,
	"to_public": fToPublic, "proactive": fProactive, "at_county": fCounty}

// findHeader returns the header row (0-based) among the first ten and
// whether the next row holds sub-headers; -1 when there is none.
func findHeader(rows [][]string) (int, bool) {
	for i := 0; i < len(rows) && i < 10; i++ {
		hits := 0
		for _, c := range rows[i] {
			switch f := headerField(clean(c), ""); f {
			case fContent, fLevel2, fBasis, fLimit, fChannels, fSeq:
				hits++
			}
			if strings.Contains(clean(c), "公开事项") {
				hits++
			}
		}
		if hits >= 2 {
			// A sub-header row names at least two sub-columns (一级事项 and
			// 二级事项, 全社会 and 特定群体 …); a data row may hold one such word.
			subs := 0
			if i+1 < len(rows) {
				for _, c := range rows[i+1] {
					switch headerField("", clean(c)) {
					case fLevel1, fLevel2, fLevel3, fToPublic, fToSpecific, fProactive, fOnRequest, fCounty, fTownship:
						subs++
					}
				}
			}
			return i, subs >= 2
		}
	}
	return -1, false
}

func isMark(s string) bool {
	switch clean(s) {
	case "√", "✓", "✔", "☑", "是", "●", "■", "Y", "y", "v", "V":
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
		case '■', '☑', '√', '✓', '✔':
			return true, true
		case '□', '口', '☐':
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
		for _, c := range catalog.Channels {
			if c != "其他" && strings.Contains(text, clean(c)) {
				add(c)
			}
		}
		if len(chs) == 0 {
			other = append(other, text)
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

// ParseRows reads one worksheet's rows (merged cells already filled) into
// out. unit gives the defaults of columns a sheet lacks.
func ParseRows(out *Parsed, sheetName string, rows [][]string, unit catalog.Unit, domains []catalog.Domain) {
	h, twoRows := findHeader(rows)
	if h < 0 {
		return // not a catalogue sheet (a cover, notes…)
	}
	top := rows[h]
	var sub []string
	if twoRows {
		sub = rows[h+1]
	}
	width := len(top)
	if len(sub) > width {
		width = len(sub)
	}
	if width > MaxCols {
		out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: h + 1, Message: "列数超过上限"})
		return
	}
	cols := make([]field, width)
	names := make([]string, width)
	for c := 0; c < width; c++ {
		t, s := "", ""
		if c < len(top) {
			t = clean(top[c])
		}
		if c < len(sub) {
			s = clean(sub[c])
		}
		if s == t {
			s = ""
		}
		cols[c] = headerField(t, s)
		names[c] = t
		if s != "" {
			names[c] = s
		}
		if cols[c] == fNone && names[c] != "" {
			out.Warnings = append(out.Warnings, Problem{Sheet: sheetName, Row: h + 1, Column: names[c], Message: "无法识别的列，已忽略"})
		}
	}
	has := map[field]bool{}
	for _, f := range cols {
		has[f] = true
	}
	// The sheet's domain: its name, or the title above the header.
	sheetDomain, ok := domainFor(sheetName, domains)
	if !ok {
		for i := 0; i < h; i++ {
			for _, c := range rows[i] {
				if m := reTitleDomain.FindStringSubmatch(c); m != nil {
					if d, ok := domainFor(m[1], domains); ok {
						sheetDomain = d
					}
				}
			}
		}
	}
	start := h + 1
	if twoRows {
		start++
	}
	prev := map[field]string{}
	for r := start; r < len(rows); r++ {
		raw := rows[r]
		vals := map[field]string{}
		distinct := map[string]bool{}
		for c, v := range raw {
			if c >= width {
				break
			}
			v = strings.TrimSpace(v)
			if v != "" {
				distinct[v] = true
			}
			if cols[c] != fNone && v != "" {
				// An exported cell neutralised against formulas reads back as it was.
				if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
					v = v[1:]
				}
				vals[cols[c]] = v
			}
		}
		if len(distinct) == 0 {
			continue
		}
		if len(distinct) == 1 && len(raw) > 2 {
			// A section title spread over the row: it may name the domain.
			for v := range distinct {
				if d, ok := domainFor(v, domains); ok {
					sheetDomain = d
				}
			}
			continue
		}
		for f, v := range vals {
			if clean(v) == "同上" {
				vals[f] = prev[f]
			}
		}
		for f, v := range vals {
			prev[f] = v
		}
		line := r + 1
		problem := func(f field, msg string) {
			out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: line, Column: fieldNames[f], Message: msg})
		}
		var col catalog.Columns
		d := sheetDomain
		if v := vals[fDomain]; v != "" {
			var ok bool
			if d, ok = domainFor(v, domains); !ok {
				problem(fDomain, "领域“"+v+"”不存在")
				continue
			}
		}
		if d.Code == "" {
			problem(fDomain, "无法确定所属领域：请把工作表命名为领域名称，或增加“领域”列")
			continue
		}
		col.DomainCode = d.Code
		col.Level1, col.Level2, col.Level3 = vals[fLevel1], vals[fLevel2], vals[fLevel3]
		if !has[fLevel1] {
			col.Level1 = d.Name
		}
		col.Content, col.Basis, col.TimeLimitText, col.Subject = vals[fContent], vals[fBasis], vals[fLimit], vals[fSubject]
		var other []string
		col.Channels, other = parseChannels(vals[fChannels])
		if len(other) > 0 {
			if !contains(col.Channels, "其他") {
				col.Channels = append(col.Channels, "其他")
			}
			col.ChannelOther = strings.Join(other, "、")
		}
		col.ToPublic, col.ToSpecific = isMark(vals[fToPublic]), isMark(vals[fToSpecific])
		col.Proactive, col.OnRequest = isMark(vals[fProactive]), isMark(vals[fOnRequest])
		col.AtCounty, col.AtTownship = isMark(vals[fCounty]), isMark(vals[fTownship])
		col.ApplyDefaults(unit)
		col.Normalize()
		if err := col.Validate(); err != nil {
			var field string
			if e, ok := err.(*catalog.Error); ok {
				field = e.Field
			}
			problem(fieldOfJSON[field], catalog.ErrorMessage(err))
			continue
		}
		if has[fLimit] && !col.TimeLimit.Parseable() && vals[fLimit] != "" {
			out.Warnings = append(out.Warnings, Problem{Sheet: sheetName, Row: line, Column: "公开时限", Message: "无法识别“" + vals[fLimit] + "”，已按原文保存"})
		}
		out.Rows = append(out.Rows, Row{Sheet: sheetName, Row: line, Columns: col})
		if len(out.Rows) > MaxRows {
			out.Errors = append(out.Errors, Problem{Sheet: sheetName, Row: line, Message: "超过" + strconv.Itoa(MaxRows) + "行，拒绝处理"})
			return
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
