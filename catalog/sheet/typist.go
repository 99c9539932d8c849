package sheet

import (
	"strings"
	"unicode"

	"gongkai/catalog"
)

// typed undoes what typists do to a cell: full-width digits and letters
// (２０个工作日) become ASCII, and a cell typed with a space between every
// character (信 息 形 成 或 者 变 更 之 日 起 20 个 工 作 日 内) loses the spaces
// around its Chinese characters. A cell written normally keeps its spaces.
func typed(s string) string {
	if s == "" {
		return s
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r >= 'Ａ' && r <= 'Ｚ':
			return r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			return r - 'ａ' + 'a'
		case r == '\u3000' || r == '\u00a0':
			return ' '
		case r == '\r':
			return -1
		}
		return r
	}, s)
	rs := []rune(s)
	han, spaced := 0, 0
	for i, r := range rs {
		if unicode.Is(unicode.Han, r) {
			han++
			if i+1 < len(rs) && rs[i+1] == ' ' {
				spaced++
			}
		}
	}
	if han < 4 || spaced*2 < han {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		if rs[i] != ' ' {
			b.WriteRune(rs[i])
			continue
		}
		j := i
		for j < len(rs) && rs[j] == ' ' {
			j++
		}
		left, right := i > 0 && unicode.Is(unicode.Han, rs[i-1]), j < len(rs) && unicode.Is(unicode.Han, rs[j])
		if !left && !right && i > 0 && j < len(rs) {
			b.WriteRune(' ')
		}
		i = j - 1
	}
	return strings.TrimSpace(b.String())
}

// oneLine joins a name broken over lines in its cell.
func oneLine(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	parts := strings.Split(s, "\n")
	var b strings.Builder
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if i > 0 && b.Len() > 0 && p != "" {
			last, _ := lastRune(b.String())
			first := []rune(p)[0]
			if !unicode.Is(unicode.Han, last) && !unicode.Is(unicode.Han, first) && !unicode.IsPunct(last) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

func lastRune(s string) (rune, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	return rs[len(rs)-1], true
}

// domainAliases are the usual short and later names of the national
// domains (DOMAIN.md §1: 胡家镇's 自然资源, 乡村振兴 …), by code.
var domainAliases = map[string][]string{
	"cxgh": {"城乡规划管理", "规划管理", "规划"}, "zdjsxm": {"重大建设项目批准和实施"}, "czyjs": {"财政预算决算", "预决算"},
	"zdbc": {"征地", "农村集体土地征收", "土地征收"}, "gytdfwzs": {"国有土地上房屋征收", "房屋征收与补偿", "房屋征收"},
	"ncwfgz": {"危房改造"}, "cszhzf": {"城管执法", "城市管理执法"}, "bzxzf": {"保障房", "住房保障"}, "fp": {"脱贫攻坚", "乡村振兴"},
	"shbx": {"社保"}, "hjgl": {"户籍"}, "ylws": {"卫生健康"}, "hjbh": {"生态环境"},
	"spypjg": {"食品药品监督管理", "食品药品安全", "食品药品"}, "ggwhfw": {"公共文化"}, "ggflfw": {"公共法律"}, "jz": {"防灾减灾救灾", "防灾减灾"},
}

// titleWords are what a catalogue's title says around its domain.
var titleWords = []string{"基层政务公开标准目录", "政务公开事项标准目录", "政务公开标准目录", "主动公开事项目录", "公开事项目录", "标准目录", "领域", "目录"}

// domainInTitle finds the domain a title line names, e.g. 义务教育领域基层
// 政务公开标准目录（2020年版）or 旌德县三溪镇社会救助领域政务公开事项标准目录:
// the longest domain name or usual short form it contains.
func domainInTitle(title string, domains []catalog.Domain) (catalog.Domain, bool) {
	text := clean(title)
	for _, w := range titleWords {
		text = strings.ReplaceAll(text, w, "|")
	}
	best, bestLen, found := catalog.Domain{}, 0, false
	for _, d := range domains {
		names := append([]string{d.Name}, domainAliases[d.Code]...)
		for _, n := range names {
			n = clean(n)
			if l := len([]rune(n)); strings.Contains(text, n) && l > bestLen {
				best, bestLen, found = d, l, true
			}
		}
	}
	return best, found
}

// unitInTitle finds the unit a title names (by full or short name), among
// units; ok is false when it names none or several.
func unitInTitle(title string, units []catalog.Unit) (catalog.Unit, bool) {
	text := clean(title)
	var hit *catalog.Unit
	for i := range units {
		u := &units[i]
		if (u.FullName != "" && strings.Contains(text, clean(u.FullName))) || (len([]rune(u.Name)) >= 3 && strings.Contains(text, clean(u.Name))) {
			if hit != nil && hit.Code != u.Code {
				return catalog.Unit{}, false
			}
			hit = u
		}
	}
	if hit == nil {
		return catalog.Unit{}, false
	}
	return *hit, true
}
