package gormstore_test

import (
	"context"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/workday"
	"gongkai/workday/gormstore"
)

func TestOverridesSurviveARestart(t *testing.T) {
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	s := gormstore.New(db, nil)
	ctx := context.Background()
	year := workday.New().LastYear() + 1
	days := []workday.Day{
		{Date: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), Off: true, Name: "元旦"},
		{Date: time.Date(year, 1, 9, 0, 0, 0, 0, time.UTC), Off: false, Name: "元旦"},
	}
	if err := s.SaveYear(ctx, year, days, nil, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	// A new process: a fresh calendar loaded from the database.
	cal := workday.New()
	if err := s.LoadInto(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if cal.LastYear() != year {
		t.Fatalf("last year %d, want %d", cal.LastYear(), year)
	}
	sat := time.Date(year, 1, 9, 0, 0, 0, 0, time.UTC)
	if w, err := cal.IsWorkday(sat); err != nil || !w {
		t.Errorf("make-up day: %v %v", w, err)
	}
	// Saving again replaces the year, not adds to it.
	if err := s.SaveYear(ctx, year, days[:1], nil, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}
	cal = workday.New()
	if err := s.LoadInto(ctx, cal); err != nil {
		t.Fatal(err)
	}
	got, _ := cal.Year(year)
	if len(got) != 1 {
		t.Errorf("year holds %d days after replacement, want 1", len(got))
	}
}
