package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/doctext"
	"gongkai/foi"
	"gongkai/seed"
)

// TestUnitTablesAddUpToTheCounty: every request counts in exactly one
// unit's table 三 — the unit in whose name it was answered, not the
// department it was forwarded to — so the units' tables add up to the
// county's, row by row, in every year of the demo.
func TestUnitTablesAddUpToTheCounty(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	if err := seed.Requests(ctx, h.st.Requests, h.st.Calendar); err != nil { // the county office's 2020 requests, some forwarded
		t.Fatal(err)
	}
	units, err := h.st.Catalog.FindUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forwarded := 0
	rs, _ := h.st.Requests.FindRequests(ctx, foi.Filter{})
	for _, r := range rs {
		if r.ForwardedTo != "" {
			forwarded++
		}
	}
	if len(rs) == 0 || forwarded == 0 {
		t.Fatalf("%d requests, %d forwarded: nothing to count twice", len(rs), forwarded)
	}
	for _, year := range []int{2020, 2025, 2026} {
		county, err := h.st.RequestDesk.Annual(ctx, year, "")
		if err != nil {
			t.Fatal(err)
		}
		sum := make([][7]int, len(county.Rows))
		for _, u := range units {
			rep, err := h.st.RequestDesk.Annual(ctx, year, u.Code)
			if err != nil {
				t.Fatalf("%d %s: %v", year, u.Code, err)
			}
			for i, r := range rep.Rows {
				for k := range r.Cells {
					sum[i][k] += r.Cells[k]
				}
			}
		}
		for i, r := range county.Rows {
			if sum[i] != r.Cells {
				t.Errorf("%d %s%s: units add up to %v, the county %v", year, r.Group, r.Label, sum[i], r.Cells)
			}
		}
	}
}

// TestTheWholeAnnualReport: a unit writes 一, 五 and 六 and checks table
// 二 (suggested from its catalogue); the report is a Word document with all
// six parts and tables 三 and 四 as counted, and becomes a draft in its 年报
// column only once complete; the county office sees who published by 31
// January.
func TestTheWholeAnnualReport(t *testing.T) {
	h := newAPI(t)
	if err := seed.Requests(t.Context(), h.st.Requests, h.st.Calendar); err != nil {
		t.Fatal(err)
	}
	clerk := h.login(office + "-clerk")
	path := "/api/v1/units/" + office + "/annual/2020"
	var got struct {
		foi.AnnualDoc
		Missing string `json:"missing"`
	}
	clerk.do("GET", path, nil).decode(t, &got)
	if got.Missing == "" || got.Parts.Entered || got.Requests.Year != 2020 {
		t.Errorf("before the unit wrote anything: %+v", got)
	}
	if r := clerk.do("POST", path+"/draft", nil); r.status != 400 {
		t.Errorf("a draft of an incomplete report: %d %s", r.status, r.body)
	} else if _, field := r.problem(t); field != "overview" {
		t.Errorf("the refusal names %q", field)
	}
	if r := h.login("sanxi-clerk").do("PUT", path, map[string]any{"overview": "x"}); r.status != 403 {
		t.Errorf("another unit's clerk writing the report: %d", r.status)
	}
	if r := clerk.do("PUT", path, map[string]any{"overview": "bad\x00text"}); r.status != 400 {
		t.Errorf("a control character: %d", r.status)
	}
	// Texts alone do not count as table 二 checked.
	if r := clerk.do("PUT", path, map[string]any{"overview": "总体", "problems": "问题"}); r.status != 200 {
		t.Fatalf("texts: %d %s", r.status, r.body)
	} else if r.decode(t, &got); got.Parts.Entered || got.Missing == "" {
		t.Errorf("texts alone made the report complete: %+v", got.Parts)
	}
	parts := map[string]any{"overview": "2020年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。\n全年主动公开信息1200条。",
		"problems": "政策解读形式较单一。下一步将丰富解读形式。", "other": "无。",
		"proactive": map[string]any{"norms_made": 3, "norms_in_force": 25, "licensing": 120, "penalty": 4, "fees_wan": 1.5}}
	got.Missing = ""
	if r := clerk.do("PUT", path, parts); r.status != 200 {
		t.Fatalf("save: %d %s", r.status, r.body)
	} else {
		r.decode(t, &got)
	}
	if got.Missing != "" || !got.Parts.Entered || got.Parts.Proactive.Licensing != 120 {
		t.Errorf("after saving: missing %q, %+v", got.Missing, got.Parts)
	}
	r := clerk.do("GET", path+"/report.docx", nil)
	if r.status != 200 || !strings.HasPrefix(string(r.body), "PK") {
		t.Fatalf("docx: %d", r.status)
	}
	text, ok, err := doctext.Extract("r.docx", bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil || !ok {
		t.Fatalf("reading the docx back: %v", err)
	}
	for _, want := range []string{"2020年政府信息公开工作年度报告", "一、总体情况", "全年主动公开信息1200条", "二、主动公开政府信息情况", "行政规范性文件",
		"三、收到和处理政府信息公开申请情况", "（七）总计", "四、政府信息公开行政复议、行政诉讼情况", "复议后起诉",
		"五、存在的主要问题及改进情况", "丰富解读形式", "六、其他需要报告的事项", "信息处理费"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	var total int
	for _, row := range got.Requests.Rows {
		if row.Key == "new" {
			total = row.Cells[6]
		}
	}
	if total == 0 || !strings.Contains(text, fmt.Sprint(total)) {
		t.Errorf("table 三's new requests (%d) are not in the document", total)
	}

	// The draft, in the 年报 column, with the Word file.
	var p catalog.Publication
	if r := clerk.do("POST", path+"/draft", nil); r.status != 201 {
		t.Fatalf("draft: %d %s", r.status, r.body)
	} else {
		r.decode(t, &p)
	}
	item, err := h.st.Catalog.FindItem(t.Context(), p.ItemID)
	if err != nil || item.DomainCode != "ndbg" || p.Status != catalog.PubDraft || !strings.Contains(p.Body, "一、总体情况") {
		t.Errorf("the draft: %+v in %+v (%v)", p, item, err)
	}
	if r := clerk.do("POST", path+"/draft", nil); r.status != 409 {
		t.Errorf("a second draft of the same report: %d %s", r.status, r.body)
	}
	year := time.Now().In(catalog.Shanghai).Year()
	if r := clerk.do("PUT", fmt.Sprintf("/api/v1/units/%s/annual/%d", office, year), parts); r.status != 200 {
		t.Fatalf("this year's parts: %d", r.status)
	}
	if r := clerk.do("POST", fmt.Sprintf("/api/v1/units/%s/annual/%d/draft", office, year), nil); r.status != 400 {
		t.Errorf("a draft of a year not over: %d %s", r.status, r.body)
	}
	var full catalog.Publication
	clerk.do("GET", fmt.Sprintf("/api/v1/publications/%d", p.ID), nil).decode(t, &full)
	if len(full.Attachments) != 1 || !strings.HasSuffix(full.Attachments[0].Name, ".docx") {
		t.Errorf("the draft's attachments: %+v", full.Attachments)
	}

	// The county office's view: the demo's units and their 2020 reports.
	var st []foi.AnnualStatus
	if r := h.login("sanxi-clerk").do("GET", "/api/v1/reports/annual/status?year=2020", nil); r.status != 403 {
		t.Errorf("a clerk reading the county's status: %d", r.status)
	}
	h.login("admin").do("GET", "/api/v1/reports/annual/status?year=2020", nil).decode(t, &st)
	if len(st) < 30 {
		t.Fatalf("status of %d units", len(st))
	}
	for _, s := range st {
		if s.PublishedOn == nil && !s.Late {
			t.Errorf("%s never published its 2020 report and is not late", s.Name)
		}
	}
}
