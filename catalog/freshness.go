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
//
// A yearly rule with a day (每年3月31日前) is due on that day: a
// publication within the three months before it meets it, and the next is
// due a year later; one made earlier (in October, say, after the day had
// passed) leaves the next day due, not a year and a bit later.
func (it Item) DueAt() (time.Time, bool) {
	gap, periodic := allowedGap(it.TimeLimit)
	if !periodic || it.LastPublishedAt == nil {
		return time.Time{}, false
	}
	if t := it.TimeLimit; t.Period == PeriodYearly && t.DueMonth >= 1 && t.DueMonth <= 12 {
		last := it.LastPublishedAt.In(Shanghai)
		due := yearlyDue(last.Year(), t)
		if !due.After(last) {
			due = yearlyDue(last.Year()+1, t)
		}
		if due.Sub(last) <= yearlyLead {
			due = yearlyDue(due.Year()+1, t) // it met this one
		}
		return due, true
	}
	return it.LastPublishedAt.Add(gap), true
}

// yearlyLead is how long before a yearly due day a publication meets it.
const yearlyLead = 92 * 24 * time.Hour

// yearlyDue is the end of a yearly rule's due day in year y.
func yearlyDue(y int, t TimeLimit) time.Time {
	d := t.DueDay
	last := time.Date(y, time.Month(t.DueMonth)+1, 0, 0, 0, 0, 0, Shanghai).Day()
	if d <= 0 || d > last {
		d = last // 月底前, or a day the month does not have
	}
	return time.Date(y, time.Month(t.DueMonth), d+1, 0, 0, 0, 0, Shanghai)
}

// FreshnessAt judges an item at now from its last publication.
func (it Item) FreshnessAt(now time.Time) Freshness {
	if it.LastPublishedAt == nil {
		return FreshNever
	}
	due, periodic := it.DueAt()
	if !periodic {
		return FreshEvent
	}
	if now.After(due) {
		return FreshOverdue
	}
	return FreshOK
}
