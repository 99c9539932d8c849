package inspect_test

import (
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/inspect"
	"gongkai/workday"
)

func d(s string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", s, catalog.Shanghai)
	return t
}

func item(id int64, unit, limit string) catalog.Item {
	c := catalog.Columns{DomainCode: "shbz", Level1: "社会救助", Level2: "花名册", TimeLimitText: limit}
	c.Normalize()
	return catalog.Item{ID: id, UnitCode: unit, Columns: c}
}

// TestPeriodicRules: a monthly column must have every month of the
// quarter, a yearly one is late after its due day.
func TestPeriodicRules(t *testing.T) {
	units := []catalog.Unit{{Code: "x", Name: "某镇", Level: catalog.LevelTownship}}
	monthly := item(1, "x", "按月公开")
	yearly := item(2, "x", "每年1月31日前")
	weekly := item(3, "x", "信息形成或者变更之日起20个工作日内")
	none := item(4, "x", "按季度公开") // marked 未涉及: nothing to publish, never stale
	none.Remark = "本单位未涉及此项业务"
	pub := func(id, itemID int64, gen, published string) inspect.Pub {
		return inspect.Pub{ID: id, UnitCode: "x", ItemID: itemID, Title: "t" + published, GeneratedOn: d(gen), PublishedOn: d(published)}
	}
	data := inspect.Data{Units: units, Items: []catalog.Item{monthly, yearly, weekly, none}, Pubs: []inspect.Pub{
		pub(10, 1, "2026-01-05", "2026-01-05"), pub(11, 1, "2026-03-05", "2026-03-05"), // February missed
		pub(20, 2, "2026-02-10", "2026-02-10"), // after 1月31日
		pub(30, 3, "2026-01-06", "2026-01-06"),
	}}
	q := inspect.Quarter{Year: 2026, N: 1}
	rep := inspect.Inspect(data, q, q.End(), inspect.Defaults, workday.New())
	row := rep.Units[0]
	var stale, late []inspect.Evidence
	for _, f := range row.Findings {
		switch f.Code {
		case "stale_quarter":
			stale = f.Evidence
		case "late":
			late = f.Evidence
		}
	}
	if len(stale) != 1 || stale[0].ID != 1 || !strings.Contains(stale[0].Note, "2月未发布") {
		t.Errorf("stale %+v", stale)
	}
	if len(late) != 1 || late[0].ID != 20 || !strings.Contains(late[0].Note, "每年1月31日前") {
		t.Errorf("late %+v", late)
	}
	// As of mid-February, February is still under way: not missed.
	rep = inspect.Inspect(data, q, d("2026-02-15"), inspect.Defaults, workday.New())
	for _, f := range rep.Units[0].Findings {
		if f.Code == "stale_quarter" {
			for _, e := range f.Evidence {
				if e.ID == 1 {
					t.Errorf("a month under way counted as missed: %+v", e)
				}
			}
		}
	}
}

// TestFewInterpretations: three policy documents and none interpreted.
func TestFewInterpretations(t *testing.T) {
	units := []catalog.Unit{{Code: "x", Name: "某局"}}
	pol := item(1, "x", "信息形成或者变更之日起20个工作日内")
	pol.DomainCode = "zfwj"
	interp := item(2, "x", "信息形成或者变更之日起20个工作日内")
	interp.DomainCode = "zcjd"
	var pubs []inspect.Pub
	for i := int64(1); i <= 3; i++ {
		pubs = append(pubs, inspect.Pub{ID: i, UnitCode: "x", ItemID: 1, Title: "文件" + string(rune('0'+i)), GeneratedOn: d("2026-04-10"), PublishedOn: d("2026-04-10")})
	}
	q := inspect.Quarter{Year: 2026, N: 2}
	data := inspect.Data{Units: units, Items: []catalog.Item{pol, interp}, Pubs: pubs}
	found := func() bool {
		for _, f := range inspect.Inspect(data, q, q.End(), inspect.Defaults, workday.New()).Units[0].Findings {
			if f.Code == "few_interpretations" {
				return len(f.Evidence) == 3
			}
		}
		return false
	}
	if !found() {
		t.Error("three uninterpreted policies are not 政策解读较少")
	}
	one := int64(1)
	data.Pubs = append(data.Pubs, inspect.Pub{ID: 9, UnitCode: "x", ItemID: 2, Title: "解读", GeneratedOn: d("2026-04-11"), PublishedOn: d("2026-04-11"), InterpretsID: &one})
	if found() {
		t.Error("one interpretation of three (a third) still counted as few")
	}
}
