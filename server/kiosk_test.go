package main

import (
	"html"
	"strings"
	"testing"

	"gongkai/catalog"
)

// TestKioskPagesRender renders every kiosk template once with real data.
func TestKioskPagesRender(t *testing.T) {
	ts := sharedServer(t)
	c := ts.anon()
	item := firstItem(t, ts, "miaoshou")
	var pubs []catalog.Publication
	var withPubs catalog.Item
	var items []catalog.Item
	c.do("GET", "/api/v1/units/miaoshou/items", nil).decode(t, &items)
	for _, it := range items {
		c.do("GET", "/api/v1/items/"+itoa(it.ID)+"/publications", nil).decode(t, &pubs)
		if len(pubs) > 0 {
			withPubs = it
			break
		}
	}
	if len(pubs) == 0 {
		t.Fatal("庙首镇 has no publication")
	}
	for path, wants := range map[string][]string{
		"/kiosk/":                                 {"庙首镇", "财政局", "各镇人民政府"},
		"/kiosk/units/zhengfuban":                 {"旌德县政务新区1号楼", "周一至周五 8:00—12:00、14:30—17:30", "公开目录"},
		"/kiosk/units/miaoshou":                   {item.Level2, "公开目录"},
		"/kiosk/items/" + itoa(withPubs.ID):       {withPubs.Level2, "应当公开什么", html.EscapeString(pubs[0].Title)},
		"/kiosk/publications/" + itoa(pubs[0].ID): {pubs[0].IndexNo, "发布机构", "主题分类", "生成日期", "浏览次数"},
		"/kiosk/static/kiosk.css":                 {"font-size"},
	} {
		r := c.do("GET", path, nil)
		if r.status != 200 {
			t.Errorf("%s: %d", path, r.status)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(string(r.body), w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		if strings.Contains(string(r.body), "http://") || strings.Contains(string(r.body), "https://") {
			t.Errorf("%s refers to an outside address", path)
		}
	}
	if r := c.do("GET", "/kiosk/units/nowhere", nil); r.status != 404 || !strings.Contains(string(r.body), "不存在") {
		t.Errorf("missing unit page: %d", r.status)
	}
}

// TestInterpretationLinksBothWays: the policy page lists its interpretations
// and the interpretation links to its policy.
func TestInterpretationLinksBothWays(t *testing.T) {
	ts := sharedServer(t)
	var pubs []catalog.Publication
	// Seed interpretations of 庙首镇 are linked (its bulletins never flagged them).
	var zcjd []catalog.Item
	ts.anon().do("GET", "/api/v1/units/miaoshou/items?domain=zcjd", nil).decode(t, &zcjd)
	ts.anon().do("GET", "/api/v1/items/"+itoa(zcjd[0].ID)+"/publications", nil).decode(t, &pubs)
	var interp catalog.Publication
	for _, p := range pubs {
		if p.InterpretsID != nil {
			interp = p
			break
		}
	}
	if interp.ID == 0 {
		t.Fatal("no linked interpretation in 庙首镇's demo data")
	}
	r := ts.anon().do("GET", "/kiosk/publications/"+itoa(interp.ID), nil)
	if !strings.Contains(string(r.body), "/kiosk/publications/"+itoa(*interp.InterpretsID)) {
		t.Error("interpretation does not link its policy")
	}
	r = ts.anon().do("GET", "/kiosk/publications/"+itoa(*interp.InterpretsID), nil)
	if !strings.Contains(string(r.body), "政策解读") || !strings.Contains(string(r.body), "/kiosk/publications/"+itoa(interp.ID)) {
		t.Error("policy does not list its interpretation")
	}
}
