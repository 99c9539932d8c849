package main

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/inspect"
)

// seedAnnex reads the annex tables (附件1) of the county's three 2020
// bulletins, as the seed document prints them: for each quarter (1–3), each
// unit's findings as finding keys (see findingKeys).
func seedAnnex(t *testing.T) (findings [4]map[string][]string, numbers map[string]string) {
	t.Helper()
	f, err := os.Open("testdata/bulletins-2020-annex1.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [4]map[string][]string
	numbers = map[string]string{}
	q := 0
	row := regexp.MustCompile(`^(\d+)\t([^\t]+)\t(.*)$`)
	title := regexp.MustCompile(`2020年第(一|二|三)季度政务公开测评情况`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := title.FindStringSubmatch(line); m != nil {
			q = strings.Index("一二三", m[1])/len("一") + 1
			out[q] = map[string][]string{}
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			if strings.Contains(line, "栏目") || strings.Contains(line, "不规范") {
				t.Fatalf("a row cut in two: %q", line)
			}
			continue
		}
		name := annexName(m[2])
		if _, dup := out[q][name]; dup {
			t.Fatalf("Q%d: %s twice", q, name)
		}
		out[q][name] = findingKeys(t, q, m[3])
		numbers[name] = m[1]
	}
	for n := 1; n <= 3; n++ {
		if len(out[n]) != 38 {
			t.Fatalf("Q%d: %d units in the seed's table, want 38", n, len(out[n]))
		}
	}
	return out, numbers
}

// annexName is a unit's name as the report writes it: the seed's table
// breaks long names with a space and calls 城管执法局 城管局.
func annexName(s string) string {
	s = strings.Join(strings.Fields(s), "")
	if s == "城管局" {
		return "城管执法局"
	}
	return s
}

var (
	gradeOf      = map[string]string{"少量": "少量", "部分": "部分", "部门": "部分", "大量": "大量"} // 部门 is the seed's typo for 部分
	staleQuarter = regexp.MustCompile(`^(少量|部分|部门|大量)栏目[一二三四]季度更新不到位$`)
	staleYear    = regexp.MustCompile(`^(少量|部分|部门|大量)栏目\d{4}年未更新$`)
	rectReport   = regexp.MustCompile(`^[一二三四]季度整改报告(公开|发布)不规范$`)
	rectFailed   = regexp.MustCompile(`^([一二三四]季度整改落实不到位|落实整改不积极)$`)
)

// findingKeys reads an annex cell into one key per finding, so that the
// county's wording and the report's compare: "quarter:部分" (columns not
// updated in the quarter; in Q1 written …2020年未更新), "year:部分"
// (Q2–Q3: columns not updated all year), "requests", "irregular",
// "unlinked", "poor_interpretation", "few_interpretations",
// "rectify_report", "rectify_failed", "publisher_changes", "late",
// "privacy". No key for 无突出问题.
func findingKeys(t *testing.T, q int, cell string) []string {
	t.Helper()
	cell = strings.Join(strings.Fields(cell), "")
	var keys []string
	for _, f := range strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == '，' || r == '。' }) {
		var k string
		switch {
		case f == "无突出问题":
			continue
		case staleQuarter.MatchString(f):
			k = "quarter:" + gradeOf[staleQuarter.FindStringSubmatch(f)[1]]
		case staleYear.MatchString(f) && q == 1:
			k = "quarter:" + gradeOf[staleYear.FindStringSubmatch(f)[1]]
		case staleYear.MatchString(f):
			k = "year:" + gradeOf[staleYear.FindStringSubmatch(f)[1]]
		case f == "依申请公开目录更新不及时":
			k = "requests"
		case f == "信息发布不规范" || f == "信息发不规范": // 住建局 Q1: the seed's typo
			k = "irregular"
		case f == "政策解读未关联文件":
			k = "unlinked"
		case f == "政策解读质量不高" || f == "解读质量不高":
			k = "poor_interpretation"
		case f == "政策解读较少" || f == "政策文件解读较少":
			k = "few_interpretations"
		case rectReport.MatchString(f):
			k = "rectify_report"
		case rectFailed.MatchString(f):
			k = "rectify_failed"
		case f == "发布员变动频繁":
			k = "publisher_changes"
		case f == "信息发布超过公开时限":
			k = "late"
		case f == "泄露隐私":
			k = "privacy"
		default:
			t.Errorf("Q%d: a finding not known: %q in %q", q, f, cell)
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestBulletins2020AgreeWithTheSeed reads each quarter's bulletin workbook
// of 2020 Q1–Q3 on the demo data, as an inspector downloads it, and
// compares every unit's findings with the annex table of the county's own
// bulletin for that quarter, finding by finding.
func TestBulletins2020AgreeWithTheSeed(t *testing.T) {
	want, numbers := seedAnnex(t)
	insp := demoServer(t).login("inspector")
	for n := 1; n <= 3; n++ {
		q := inspect.Quarter{Year: 2020, N: n}
		r := insp.do("GET", "/api/v1/inspections/"+q.String()+"/bulletin.xlsx", nil)
		if r.status != 200 {
			t.Fatalf("%s bulletin: %d %s", q, r.status, r.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("附件1 测评情况")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, row := range rows {
			if len(row) < 3 || !regexp.MustCompile(`^\d+$`).MatchString(row[0]) {
				continue
			}
			got[row[1]] = findingKeys(t, n, row[2])
			if numbers[row[1]] != row[0] {
				t.Errorf("%s: %s is 第%s in the workbook, 第%s in the county's table", q, row[1], row[0], numbers[row[1]])
			}
		}
		if len(got) != len(want[n]) {
			t.Errorf("%s: %d units in the workbook, %d in the seed", q, len(got), len(want[n]))
		}
		agree := 0
		for name, w := range want[n] {
			g, ok := got[name]
			if !ok {
				t.Errorf("%s: %s is not in the workbook", q, name)
				continue
			}
			if strings.Join(g, " ") != strings.Join(w, " ") {
				t.Errorf("%s %s: the report finds %v, the county's bulletin %v", q, name, g, w)
				continue
			}
			agree++
		}
		t.Logf("%s: %d of %d units agree on every finding", q, agree, len(want[n]))
	}
	// The 2019 Q4 bulletin the demo carries says what it is.
	if r := insp.do("GET", "/admin/inspections/2019Q4", nil); r.status != 200 || !strings.Contains(string(r.body), "仅据2020年一季度通报补录") ||
		!strings.Contains(string(r.body), "孙村镇") {
		t.Errorf("the carried 2019Q4 bulletin: %d", r.status)
	}
}
