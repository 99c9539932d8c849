package catalog

import "time"

// Freshness says whether an item's publications keep up with its 公开时限.
type Freshness string

// Freshness states.
const (
	FreshOK      Freshness = "ok"      // updated within what its rule allows
	FreshOverdue Freshness = "overdue" // a periodic item whose period passed without a publication
	FreshNever   Freshness = "never"   // nothing published yet
	FreshEvent   Freshness = "event"   // event-driven: only the events tell (inspection judges them)
)

// Name is the state in Chinese.
func (f Freshness) Name() string {
	switch f {
	case FreshOK:
		return "按时更新"
	case FreshOverdue:
		return "更新逾期"
	case FreshNever:
		return "尚无公开信息"
	}
	return "依事件更新"
}

// allowedGap is how long a periodic rule lets an item go without a
// publication: its period plus the time to publish the period's information.
func allowedGap(t TimeLimit) (time.Duration, bool) {
	const day = 24 * time.Hour
	if t.Kind != RulePeriodic {
		return 0, false
	}
	switch t.Period {
	case PeriodDaily:
		return 3 * day, true
	case PeriodMonthly:
		return 45 * day, true
	case PeriodQuarterly:
		return 120 * day, true
	}
	return 400 * day, true
}

// DueAt is when a periodic item's next publication is due (its last one
// plus what its rule allows); false for an item never published or not
// periodic.
func (it Item) DueAt() (time.Time, bool) {
	gap, periodic := allowedGap(it.TimeLimit)
	if !periodic || it.LastPublishedAt == nil {
		return time.Time{}, false
	}
	return it.LastPublishedAt.Add(gap), true
}

// FreshnessAt judges an item at now from its last publication.
func (it Item) FreshnessAt(now time.Time) Freshness {
	if it.LastPublishedAt == nil {
		return FreshNever
	}
	gap, periodic := allowedGap(it.TimeLimit)
	if !periodic {
		return FreshEvent
	}
	if now.Sub(*it.LastPublishedAt) > gap {
		return FreshOverdue
	}
	return FreshOK
}
