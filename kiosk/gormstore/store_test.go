package gormstore_test

import (
	"context"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/kiosk"
	"gongkai/kiosk/gormstore"
	"gongkai/search"
)

func newStore(t *testing.T) *gormstore.Store {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	dbtest.Units(t, db, "miaoshou", "sanxi")
	return gormstore.New(db, nil)
}

func TestStatsAddUp(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	d1 := time.Date(2026, 11, 25, 0, 0, 0, 0, catalog.Shanghai)
	d2 := d1.AddDate(0, 0, 1)
	for _, batch := range [][]kiosk.DayStat{
		{{PointCode: "miaoshou-hall", Day: d1, Views: 3, Searches: 1}, {PointCode: "", Day: d1, Views: 2}},
		{{PointCode: "miaoshou-hall", Day: d1, Views: 4, Searches: 2}, {PointCode: "miaoshou-hall", Day: d2, Views: 1}},
	} {
		if err := s.AddStats(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FindStats(ctx, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int64{"miaoshou-hall 2026-11-25": {7, 3}, " 2026-11-25": {2, 0}, "miaoshou-hall 2026-11-26": {1, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %d rows: %+v", len(got), got)
	}
	for _, g := range got {
		k := g.PointCode + " " + g.Day.Format("2006-01-02")
		if w, ok := want[k]; !ok || w != [2]int64{g.Views, g.Searches} {
			t.Errorf("%s: %d views %d searches, want %v", k, g.Views, g.Searches, w)
		}
	}
	if only, _ := s.FindStats(ctx, d2, d2); len(only) != 1 {
		t.Errorf("one day: %+v", only)
	}
}

func TestPointsAndAliases(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := kiosk.Point{Code: " Miaoshou-Hall ", Name: "庙首镇便民服务中心", UnitCode: "miaoshou"}
	if err := s.SavePoint(ctx, &p, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	p.Name = "庙首镇为民服务中心"
	if err := s.SavePoint(ctx, &p, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	bad := kiosk.Point{Code: "x", Name: "甲", UnitCode: "miaoshou"}
	if err := s.SavePoint(ctx, &bad, catalog.Actor{}); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("one-letter code: %v", err)
	}
	ps, err := s.FindPoints(ctx)
	if err != nil || len(ps) != 1 || ps[0].Code != "miaoshou-hall" || ps[0].Name != "庙首镇为民服务中心" {
		t.Fatalf("points %+v, %v", ps, err)
	}
	groups, err := kiosk.ParseAliases("低保，最低生活保障\n\n医保 医疗保障、医疗保险\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAliases(ctx, groups, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindAliases(ctx)
	if err != nil || len(got) != 2 || len(got[1]) != 3 || got[1][2] != "医疗保险" {
		t.Fatalf("aliases %v, %v", got, err)
	}
	if kiosk.FormatAliases(got) != "低保，最低生活保障\n医保，医疗保障，医疗保险\n" {
		t.Errorf("format %q", kiosk.FormatAliases(got))
	}
	if err := s.SaveAliases(ctx, []search.AliasGroup{{"低保", "最低生活保障"}}, catalog.Actor{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindAliases(ctx); len(got) != 1 {
		t.Errorf("replaced aliases: %v", got)
	}
	if _, err := kiosk.ParseAliases("低保\n"); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("a one-term group: %v", err)
	}
}
