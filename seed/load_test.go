package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/account"
	acctstore "gongkai/account/gormstore"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/dbconn/dbtest"
	"gongkai/rbac"
	"gongkai/seed"
	"gongkai/workday"
)

func stores(t *testing.T) (seed.Stores, *acctstore.Store) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	if err := acctstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	en, err := rbac.NewEnforcer(db)
	if err != nil {
		t.Fatal(err)
	}
	as := acctstore.New(db, nil)
	return seed.Stores{Catalog: gormstore.New(db), Accounts: as, RBAC: en, Calendar: workday.New()}, as
}

func TestDemoIsIdempotentAndComplete(t *testing.T) {
	ctx := context.Background()
	st, as := stores(t)
	start := time.Now()
	sum, err := seed.Demo(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first load %v: %+v", time.Since(start), sum)
	first, err := st.Catalog.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p1, g1, _ := st.RBAC.CountPolicies()

	sum2, err := seed.Demo(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if sum2.Units+sum2.Items+sum2.Publications+sum2.Users+sum2.Domains != 0 {
		t.Errorf("second load created rows: %+v", sum2)
	}
	second, err := st.Catalog.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("counts changed on a second load (-first +second):\n%s", diff)
	}
	p2, g2, _ := st.RBAC.CountPolicies()
	if p1 != p2 || g1 != g2 {
		t.Errorf("policies changed: %d/%d → %d/%d", p1, g1, p2, g2)
	}

	if first["units"] != 39 {
		t.Errorf("%d units, want 39", first["units"])
	}
	units, _ := st.Catalog.FindUnits(ctx)
	byName := map[string]catalog.Unit{}
	towns := 0
	for _, u := range units {
		byName[u.Name] = u
		if u.Level == catalog.LevelTownship {
			towns++
		}
		items, err := st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) < 10 {
			t.Errorf("%s has %d items", u.Name, len(items))
		}
		pubs, err := st.Catalog.FindPublications(ctx, catalog.PubFilter{UnitCode: u.Code})
		if err != nil {
			t.Fatal(err)
		}
		if len(pubs) < 20 {
			t.Errorf("%s has %d publications", u.Name, len(pubs))
		}
		// The 2020 material, and the recent publications that keep the demo
		// alive today: none in between, none in the future.
		recent := time.Now().AddDate(-1, 0, -1)
		for _, p := range pubs {
			if p.PublishedOn.Year() != 2020 && (p.PublishedOn.Before(recent) || p.PublishedOn.After(time.Now())) || p.PublishedOn.Before(p.GeneratedOn) {
				t.Errorf("%s: %s published %v generated %v", u.Name, p.IndexNo, p.PublishedOn, p.GeneratedOn)
				break
			}
		}
		// No periodic item is overdue on the day the demo is loaded.
		for _, it := range items {
			if f := it.FreshnessAt(time.Now()); f == catalog.FreshOverdue {
				t.Errorf("%s: %s is %s on the day the demo is loaded", u.Name, it.Level2, f.Name())
				break
			}
		}
	}
	if towns != 10 {
		t.Errorf("%d townships, want 10", towns)
	}
	for _, name := range []string{"庙首镇", "财政局", "县政府办公室", "孙村镇", "气象局"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("unit %s missing", name)
		}
	}
	if zf := byName["县政府办公室"]; zf.Address != "旌德县政务新区1号楼" || zf.Postcode != "242600" {
		t.Errorf("county office facts: %+v", zf)
	}
	domains, _ := st.Catalog.FindDomains(ctx)
	nat := 0
	for _, d := range domains {
		if d.National {
			nat++
		}
	}
	if nat != 26 {
		t.Errorf("%d national domains, want 26", nat)
	}
	if u, err := as.FindUserByName(ctx, "miaoshou-clerk"); err != nil || !account.CheckPassword(u.PasswordHash, seed.DemoPassword) {
		t.Errorf("demo clerk: %v", err)
	}
	if len(seed.DemoUsernames()) != 5+2*39 || first["audit_log"] != 0 {
		t.Errorf("demo users %d, audit rows %d", len(seed.DemoUsernames()), first["audit_log"])
	}
	t.Run("FollowsTheBulletins", func(t *testing.T) { followsBulletins(t, st, units) })
}

// followsBulletins checks that the 2020 publications show what the county's
// bulletins found: each quarter, the share of a unit's items expected that
// quarter but left without a publication matches the bulletin's grade;
// interpretations are unlinked exactly where the bulletin says so; duplicate
// titles appear where it found irregular publishing.
func followsBulletins(t *testing.T, st seed.Stores, units []catalog.Unit) {
	ctx := context.Background()
	bounds := [4][2]float64{{0, 0}, {0.01, 0.2}, {0.2, 0.5}, {0.5, 1}}
	for _, u := range units {
		bl := seed.Bulletins[u.Code]
		items, _ := st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
		pubs, _ := st.Catalog.FindPublications(ctx, catalog.PubFilter{UnitCode: u.Code})
		byItemQ := map[int64][4]int{}
		titles := [4]map[string]int{{}, {}, {}, {}}
		var linked, unlinked [4]int
		isInterp := map[int64]bool{}
		for _, it := range items {
			isInterp[it.ID] = it.DomainCode == "zcjd"
		}
		for _, p := range pubs {
			if p.PublishedOn.Year() != 2020 {
				continue // the demo's recent publications; the bulletins judged 2020
			}
			q := (int(p.PublishedOn.Month()) - 1) / 3
			c := byItemQ[p.ItemID]
			c[q]++
			byItemQ[p.ItemID] = c
			titles[q][p.Title]++
			if isInterp[p.ItemID] {
				if p.InterpretsID != nil {
					linked[q]++
				} else {
					unlinked[q]++
				}
			}
		}
		for q := 0; q < 4; q++ {
			// The catalogue as it stood at the quarter's end: 统计局 added
			// columns in April.
			end := time.Date(2020, time.Month(3*q+3), 1, 0, 0, 0, 0, catalog.Shanghai).AddDate(0, 1, -1)
			items, _ := st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code, AsOf: end})
			expected, missing := 0, 0
			for _, it := range items {
				r := it.TimeLimit
				if r.Kind == catalog.RulePeriodic && r.Period == catalog.PeriodYearly || it.DomainCode == "zcjd" || seed.IsRectification(it) {
					continue // due once a year, or depends on the quarter's policies or the last bulletin
				}
				expected++
				if byItemQ[it.ID][q] == 0 {
					missing++
				}
			}
			share := float64(missing) / float64(expected)
			b := bounds[bl.Stale[q]]
			if share < b[0] || share > b[1] {
				t.Errorf("%s Q%d: %d of %d items without publication (%.0f%%), bulletin grade %d", u.Name, q+1, missing, expected, share*100, bl.Stale[q])
			}
			if bl.UnlinkedInterpretation[q] && linked[q] > 0 {
				t.Errorf("%s Q%d: interpretations linked although the bulletin says 政策解读未关联文件", u.Name, q+1)
			}
			if !bl.UnlinkedInterpretation[q] && unlinked[q] > 0 {
				t.Errorf("%s Q%d: %d interpretations unlinked", u.Name, q+1, unlinked[q])
			}
			dups := 0
			for _, n := range titles[q] {
				if n > 1 {
					dups++
				}
			}
			if bl.Irregular[q] != (dups > 0) {
				t.Errorf("%s Q%d: %d duplicate titles, irregular=%v", u.Name, q+1, dups, bl.Irregular[q])
			}
		}
	}
}
