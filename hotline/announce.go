package hotline

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/catalog"
)

// Announcement is a 领导接听 day announced in advance (the seed's
// 领导接听制度 第六条): who answers the hotline, when, on which line, and
// what they take calls about.
type Announcement struct {
	ID int64 `json:"id"`
	// Day is the date (in Shanghai); From and To the hours, 09:00.
	Day  time.Time `json:"day"`
	From string    `json:"from"`
	To   string    `json:"to"`
	// UnitCode is the unit whose heads answer ("" for the county's own).
	UnitCode string `json:"unit_code,omitempty"`
	// Leaders are who answer, with their posts (one a line).
	Leaders string `json:"leaders"`
	// Line is the number called, 12345 by default.
	Line string `json:"line"`
	// Scope is what they take calls about (受理范围).
	Scope     string    `json:"scope,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

var reHour = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

// Validate checks an announcement made at now: it is announced in
// advance, so its day is not past.
func (a *Announcement) Validate(now time.Time) error {
	a.Leaders, a.Scope, a.Line = strings.TrimSpace(a.Leaders), strings.TrimSpace(a.Scope), strings.TrimSpace(a.Line)
	if a.Line == "" {
		a.Line = "12345"
	}
	if a.Day.IsZero() {
		return catalog.Invalid("day", "请选择接听日期")
	}
	a.Day = Day(a.Day)
	if a.Day.Before(Day(now)) {
		return catalog.Invalid("day", "接听日期不能早于今天：领导接听须提前公告")
	}
	if !reHour.MatchString(a.From) || !reHour.MatchString(a.To) || a.From >= a.To {
		return catalog.Invalid("from", "请填写接听时间，如 09:00 至 10:00")
	}
	if a.Leaders == "" || utf8.RuneCountInString(a.Leaders) > 300 {
		return catalog.Invalid("leaders", "请填写接听领导的姓名和职务（不超过300个字）")
	}
	if utf8.RuneCountInString(a.Line) > 20 {
		return catalog.Invalid("line", "受理电话不超过20个字符")
	}
	if utf8.RuneCountInString(a.Scope) > 1000 {
		return catalog.Invalid("scope", "受理范围不超过1000个字")
	}
	return nil
}

// Announcements keeps the 领导接听 days.
type Announcements interface {
	// SaveAnnouncement stores a new one: EINVALID.
	SaveAnnouncement(ctx context.Context, a *Announcement, by catalog.Actor) error
	// DeleteAnnouncement removes one: ENOTFOUND.
	DeleteAnnouncement(ctx context.Context, id int64, by catalog.Actor) error
	// FindAnnouncements lists those from a day on, soonest first.
	FindAnnouncements(ctx context.Context, from time.Time) ([]Announcement, error)
	// AnnouncementRevision changes whenever one is saved or deleted.
	AnnouncementRevision(ctx context.Context) (int64, error)
}
