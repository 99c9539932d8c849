package catalog_test

import (
	"testing"

	"gongkai/catalog"
)

// TestCompleteness: against the templates of its level and domains, a
// township's catalogue has what it carries, lacks what it never took or
// deleted, marks 未涉及 by domain (with its reason) or on an item (with or
// without one), and has items retired with nothing in their place; a
// department answers only for the domains it carries.
func TestCompleteness(t *testing.T) {
	id := func(n int64) *int64 { return &n }
	tpl := func(n int64, level catalog.Level, domain, l1, l2 string) catalog.TemplateItem {
		return catalog.TemplateItem{ID: n, ForLevel: level, SortOrder: int(n), Columns: catalog.Columns{DomainCode: domain, Level1: l1, Level2: l2}}
	}
	templates := []catalog.TemplateItem{
		tpl(1, catalog.LevelTownship, "shjz", "社会救助", "最低生活保障"),
		tpl(2, catalog.LevelTownship, "shjz", "社会救助", "特困人员救助供养"),
		tpl(3, catalog.LevelTownship, "shjz", "社会救助", "临时救助"),
		tpl(4, catalog.LevelTownship, "jy", "就业", "就业创业"),
		tpl(5, catalog.LevelTownship, "zdjsxm", "重大建设项目", "批准服务信息"),
		tpl(6, catalog.LevelTownship, "hjbh", "环境保护", "环境监管"),
		tpl(7, catalog.LevelTownship, "hjbh", "环境保护", "环境治理"),
		tpl(8, catalog.LevelCounty, "shjz", "社会救助", "最低生活保障审批"),
		tpl(9, catalog.LevelCounty, "ggwh", "公共文化", "文化活动"),
	}
	item := func(n int64, template int64, domain, l1, l2 string, st catalog.ItemStatus, remark, retired string) catalog.Item {
		it := catalog.Item{ID: n, Status: st, RetiredReason: retired, Columns: catalog.Columns{DomainCode: domain, Level1: l1, Level2: l2, Remark: remark}}
		if template > 0 {
			it.TemplateID = id(template)
		}
		return it
	}
	town := catalog.Unit{Code: "sanxi", Level: catalog.LevelTownship}
	items := []catalog.Item{
		item(11, 1, "shjz", "社会救助", "最低生活保障", catalog.ItemActive, "", ""),
		item(12, 2, "shjz", "社会救助", "特困人员救助供养", catalog.ItemActive, "本单位未涉及", ""),
		item(13, 3, "shjz", "社会救助", "临时救助", catalog.ItemRetired, "", "并入最低生活保障"),
		item(14, 4, "jy", "就业", "就业创业", catalog.ItemRetired, "", "机构改革"),
		item(15, 0, "jy", "就业", "就业创业", catalog.ItemActive, "", ""), // typed in again by hand
		item(16, 6, "hjbh", "环境保护", "环境监管", catalog.ItemActive, "不涉及：镇内无排污企业", ""),
	}
	ex := []catalog.Exemption{{UnitCode: "sanxi", DomainCode: "zdjsxm", Reason: "本镇2026年无重大建设项目"}}
	c := catalog.MeasureCompleteness(town, templates, items, ex, map[string]string{"shjz": "社会救助"})
	rows := func(rs []catalog.CompletenessRow) map[int64]string {
		m := map[int64]string{}
		for _, r := range rs {
			m[r.TemplateID] = r.Reason
		}
		return m
	}
	if c.Standard != 7 || c.Present != 2 {
		t.Errorf("standard %d, present %d; want 7 and 2", c.Standard, c.Present)
	}
	if got := rows(c.Missing); len(got) != 1 || got[7] != "" {
		t.Errorf("missing %v, want 环境治理", got)
	}
	if got := rows(c.Retired); len(got) != 1 || got[3] != "并入最低生活保障" {
		t.Errorf("retired %v, want 临时救助 with its reason", got)
	}
	if got := rows(c.NotApplicable); len(got) != 3 || got[2] != "" || got[5] != "本镇2026年无重大建设项目" || got[6] != "镇内无排污企业" {
		t.Errorf("not applicable %v", got)
	}
	for _, r := range c.NotApplicable {
		if r.ByDomain != (r.TemplateID == 5) {
			t.Errorf("%d: by domain %v", r.TemplateID, r.ByDomain)
		}
	}
	// A department: only the domains it carries.
	dept := catalog.Unit{Code: "minzhengju", Level: catalog.LevelCounty}
	d := catalog.MeasureCompleteness(dept, templates, []catalog.Item{item(21, 8, "shjz", "社会救助", "最低生活保障审批", catalog.ItemActive, "", "")}, nil, nil)
	if d.Standard != 1 || d.Present != 1 || len(d.Missing) != 0 {
		t.Errorf("a department: %+v", d)
	}
}
