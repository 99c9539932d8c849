package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
)

// recentPublications keep the demo alive on the day it is loaded: every
// periodic item gets its latest publication within its period before
// now, and about a third of the event-driven items one in the last three
// months, so the kiosk does not show the whole county as 更新逾期 years
// after the 2020 material. Their keys carry the month they were made for;
// the 2020 quarters the bulletins judged are left as they were.
func recentPublications(ud unitDef, seeds []gormstore.SeedItem, ids map[string]int64, now time.Time) []gormstore.SeedPublication {
	now = now.In(catalog.Shanghai)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, catalog.Shanghai)
	month := today.Format("200601")
	r := rand.New(rand.NewPCG(hash64(ud.code, month), 2026))
	var out []gormstore.SeedPublication
	for seq, sd := range seeds {
		it := sd.Item
		it.Normalize()
		// Reports on a bulletin, interpretations (which link a policy) and
		// consultations (which carry their dates) are left to the clerks.
		if it.IsRectification() || it.DomainCode == "zcjd" || strings.Contains(it.Level2, "征求意见") {
			continue
		}
		rule := it.TimeLimit
		var back int // days before today
		kind := "event"
		switch {
		case rule.Kind == catalog.RulePeriodic && (rule.Period == catalog.PeriodMonthly || rule.Period == catalog.PeriodDaily):
			back, kind = r.IntN(20), "monthly"
		case rule.Kind == catalog.RulePeriodic && rule.Period == catalog.PeriodQuarterly:
			back, kind = r.IntN(60), "quarterly"
		case rule.Kind == catalog.RulePeriodic:
			back, kind = r.IntN(200), "yearly"
		case r.IntN(3) == 0:
			back = r.IntN(90)
		default:
			continue
		}
		on := weekdayFrom(today.AddDate(0, 0, -back))
		// Published at an office hour of that day, never later than now
		// (early in the morning, today's hours are still to come).
		published := at(on, r)
		for published.After(now) {
			on = weekdayFrom(on.AddDate(0, 0, -1))
			published = at(on, r)
		}
		title, docNo := genTitle(ud, it, event{item: seq, gen: on, kind: kind}, seq+1, r)
		if docNo == "" {
			docNo = "无"
		}
		pub := catalog.Publication{ItemID: ids[sd.Key], UnitCode: ud.code, Publisher: ud.full, Topic: topicOf(it.DomainCode), Title: title, DocNo: docNo,
			GeneratedOn: on, PublishedOn: published, Body: body(ud, it, title, on), Views: int64(r.IntN(200)), CreatedBy: ud.code + "-clerk"}
		out = append(out, gormstore.SeedPublication{Key: fmt.Sprintf("%s/recent/%s", sd.Key, month), Pub: pub})
	}
	return out
}

// weekdayFrom is the day itself, or the Friday before a weekend day.
func weekdayFrom(on time.Time) time.Time {
	for on.Weekday() == time.Saturday || on.Weekday() == time.Sunday {
		on = on.AddDate(0, 0, -1)
	}
	return on
}
