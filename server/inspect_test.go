package main

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"gongkai/dbconn/dbtest"
	"gongkai/inspect"
	"gongkai/seed"
)

// TestInspectionMatchesTheSeedBulletins computes 2020 Q2 and Q3 on the demo
// data and compares the annex rows of the units the seed's bulletins name
// as best (无突出问题) and worst (大量栏目…更新不到位).
func TestInspectionMatchesTheSeedBulletins(t *testing.T) {
	ts := demoServer(t)
	for _, qs := range []string{"2020Q2", "2020Q3"} {
		q, _ := inspect.ParseQuarter(qs)
		rep, err := ts.s.inspectQuarter(t.Context(), q, q.End())
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]inspect.UnitResult{}
		for _, u := range rep.Units {
			rows[u.Code] = u
		}
		// 云乐镇, 版书镇, 数据资源局, 城管执法局, 农业农村水利局.
		for _, best := range []string{"yunle", "banshu", "shujuju", "chengguan", "nongyenongcun"} {
			if r := rows[best]; r.Text != "无突出问题" {
				t.Errorf("%s %s: %q, the seed says 无突出问题", qs, best, r.Text)
			}
		}
		for _, worst := range []string{"tongjiju", "qixiangju"} { // 统计局, 气象局
			if r := rows[worst]; !strings.Contains(r.Text, "大量栏目"+q.Name()+"更新不到位") {
				t.Errorf("%s %s: %q, the seed says 大量栏目%s更新不到位", qs, worst, r.Text, q.Name())
			}
		}
		t.Logf("%s: %d units, praised %v %v", qs, len(rep.Units), rep.PraiseTownships, rep.PraiseDepartments)
	}
}

// TestInspectionFollowsTheDemoBulletins: on every unit and quarter Q1–Q3
// of 2020, the stale grade, irregular publishing and unlinked
// interpretations found agree with what the seed's bulletins said (the
// demo data was built from them: seed.Bulletins).
func TestInspectionFollowsTheDemoBulletins(t *testing.T) {
	ts := demoServer(t)
	for n := 1; n <= 3; n++ {
		q := inspect.Quarter{Year: 2020, N: n}
		rep, err := ts.s.inspectQuarter(t.Context(), q, q.End())
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range rep.Units {
			b := seed.Bulletins[u.Code]
			grade, irregular, unlinked := 0, false, false
			for _, f := range u.Findings {
				switch f.Code {
				case "stale_quarter":
					grade = map[string]int{"少量": 1, "部分": 2, "大量": 3}[string([]rune(f.Text)[:2])]
				case "irregular":
					irregular = true
				case "unlinked_interpretation":
					unlinked = true
				}
			}
			if grade != b.Stale[n-1] || irregular != b.Irregular[n-1] || unlinked != b.UnlinkedInterpretation[n-1] {
				t.Errorf("%s Q%d: %q; the bulletin had grade %d, irregular %v, unlinked %v", u.Name, n, u.Text, b.Stale[n-1], b.Irregular[n-1], b.UnlinkedInterpretation[n-1])
			}
		}
	}
}

var (
	demoOnce sync.Once
	demo     *testServer
	// demoCleanup closes the demo server and drops its database (runMain).
	demoCleanup = func() {}
)

// demoServer is a server on the untouched demo data (other tests write to
// the shared one), made once for the inspection tests.
func demoServer(t *testing.T) *testServer {
	demoOnce.Do(func() {
		driver, dsn, drop, err := dbtest.Fresh()
		if err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp("", "gongkai-demo-")
		if err != nil {
			t.Fatal(err)
		}
		cfg := shared.cfg
		cfg.Driver, cfg.DSN, cfg.DataDir = driver, dsn, dir
		s, err := open(context.Background(), cfg, quiet)
		if err != nil {
			t.Fatal(err)
		}
		demo = &testServer{s: s, app: s.newApp(), cfg: cfg}
		demoCleanup = func() { s.close(); drop(); os.RemoveAll(dir) }
	})
	if demo == nil {
		t.Fatal("no demo server")
	}
	return &testServer{t: t, s: demo.s, app: demo.app, cfg: demo.cfg}
}
