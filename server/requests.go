package main

import (
	"context"
	"fmt"
	"net/netip"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/kiosk"
	"gongkai/seed"
)

// requestOffice is the unit that receives the requests made at the kiosk
// and online (政府信息公开工作机构).
const requestOffice = "zhengfuban"

// Applications allowed an hour from one address by default, and how many
// times that a registered kiosk screen gets, where many residents apply one
// after another. Each starts a statutory clock, so a flood from one
// address is refused before it is registered.
const (
	defaultApplicationsPerHour = 5
	screenApplicationsFactor   = 12
)

// statusTries wrong status look-ups a minute, from one address or on one
// number.
const statusTries = 10

// isKioskScreen tells whether ip is a screen of a registered service point.
// Points are read each time: applications are few, and another instance
// may have just registered one.
func (s *server) isKioskScreen(ctx context.Context, ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	ps, err := s.kioskStore.FindPoints(ctx)
	if err != nil {
		return false
	}
	for _, p := range ps {
		for _, sc := range p.Screens {
			if pre, err := kiosk.ParseScreen(sc); err == nil && pre.Contains(addr.Unmap()) {
				return true
			}
		}
	}
	return false
}

// seedRequests stores the county office's 2020 requests with the demo
// data, once.
func (s *server) seedRequests(ctx context.Context) error {
	existing, err := s.requests.FindRequests(ctx, foi.Filter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	by := catalog.Actor{Username: "zhengfuban-clerk"}
	for _, d := range seed.Requests2020() {
		r := d.Request
		if err := s.requests.Create(ctx, &r, by); err != nil {
			return fmt.Errorf("seed request %s: %w", r.Description, err)
		}
		for _, st := range d.Steps {
			if _, err := s.requests.Step(ctx, r.Number, st, by); err != nil {
				return fmt.Errorf("seed request %s, %s: %w", r.Number, st.Action, err)
			}
		}
	}
	return nil
}
