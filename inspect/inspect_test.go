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
	pub := func(id, itemID int64, gen, published string) inspect.Pub {
		return inspect.Pub{ID: id, UnitCode: "x", ItemID: itemID, Title: "t" + published, GeneratedOn: d(gen), PublishedOn: d(published)}
	}
	data := inspect.Data{Units: units, Items: []catalog.Item{monthly, yearly, weekly}, Pubs: []inspect.Pub{
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
