package main

import (
	"context"
	"net/netip"

	"gongkai/kiosk"
)

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
