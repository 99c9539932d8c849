package seed

import (
	"context"
	"fmt"
	"time"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/kiosk"
	"gongkai/search"
	"gongkai/workday"
)

// DefaultAliases are the alias groups a new installation starts with:
// what residents say beside what the catalogue writes.
var DefaultAliases = []search.AliasGroup{
	{"低保", "最低生活保障"},
	{"五保", "特困人员", "特困供养"},
	{"医保", "医疗保障", "医疗保险"},
	{"社保", "社会保障", "社会保险"},
	{"预决算", "预算", "决算"},
	{"三公", "三公经费"},
	{"拆迁", "征收", "征地"},
	{"危房", "危房改造"},
	{"扶贫", "脱贫", "乡村振兴"},
	{"招聘", "招考", "公开招聘"},
}

// KioskStore keeps the kiosk's aliases and service points.
type KioskStore interface {
	// SeedAliases stores groups unless aliases were ever stored.
	SeedAliases(ctx context.Context, groups []search.AliasGroup) error
	// SeedPoint stores p unless a point has its code.
	SeedPoint(ctx context.Context, p kiosk.Point) error
}

// Kiosk stores the default aliases on a new installation and, with the
// demo data, a service point in each township's 便民服务中心 and the
// county's 政府信息公开查询点.
func Kiosk(ctx context.Context, store KioskStore, units catalog.UnitService, demo bool) error {
	if err := store.SeedAliases(ctx, DefaultAliases); err != nil {
		return err
	}
	if !demo {
		return nil
	}
	all, err := units.FindUnits(ctx)
	if err != nil {
		return err
	}
	points := []kiosk.Point{{Code: "county-hall", Name: "旌德县政府信息公开查询点", UnitCode: "zhengfuban"}}
	for _, u := range all {
		if u.Level == catalog.LevelTownship {
			points = append(points, kiosk.Point{Code: u.Code + "-hall", Name: u.Name + "便民服务中心", UnitCode: u.Code, Address: u.Address})
		}
	}
	for _, p := range points {
		if err := store.SeedPoint(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// RequestStore is where the demo's requests go: the request service, and
// a way to enter a request registered in the past.
type RequestStore interface {
	foi.Service
	Backfill(ctx context.Context, r *foi.Request, at time.Time, by catalog.Actor) error
}

// Requests stores the demo's 2020 requests, once: the county office's, and
// those of the townships and departments (UnitRequests2020), entered in
// their registers when the demo's story says they were.
func Requests(ctx context.Context, requests RequestStore, cal *workday.Calendar) error {
	existing, err := requests.FindRequests(ctx, foi.Filter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	steps := func(number string, steps []foi.Step, by catalog.Actor) error {
		for _, st := range steps {
			if _, err := requests.Step(ctx, number, st, by); err != nil {
				return fmt.Errorf("seed request %s, %s: %w", number, st.Action, err)
			}
		}
		return nil
	}
	by := catalog.Actor{Username: "zhengfuban-clerk"}
	for _, d := range Requests2020() {
		r := d.Request
		if err := requests.Create(ctx, &r, by); err != nil {
			return fmt.Errorf("seed request %s: %w", r.Description, err)
		}
		if err := steps(r.Number, d.Steps, by); err != nil {
			return err
		}
	}
	others, err := UnitRequests2020(cal)
	if err != nil {
		return err
	}
	for _, d := range others {
		r := d.Request
		by := catalog.Actor{Username: r.UnitCode + "-clerk"}
		if err := requests.Backfill(ctx, &r, d.Registered, by); err != nil {
			return fmt.Errorf("seed request %s: %w", r.Description, err)
		}
		if err := steps(r.Number, d.Steps, by); err != nil {
			return err
		}
	}
	return nil
}
