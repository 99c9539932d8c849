package workday_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/workday"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

func d(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddWorkdays(t *testing.T) {
	cal := workday.New()
	cases := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"2024SpringEveIsWorkday", "2024-02-08", 1, "2024-02-09"},
		{"2024SpringSkipsHolidayToMakeUpSunday", "2024-02-09", 1, "2024-02-18"},
		{"2024SpringMakeUpBefore", "2024-02-03", 1, "2024-02-04"},
		{"2024NationalMakeUpSunday", "2024-09-27", 1, "2024-09-29"},
		{"2024NationalSkipsWeek", "2024-09-30", 1, "2024-10-08"},
		{"2024NationalMakeUpSaturdayAfter", "2024-10-08", 4, "2024-10-12"},
		{"2025SpringMakeUpSunday", "2025-01-24", 1, "2025-01-26"},
		{"2025SpringSkipsEightDays", "2025-01-27", 1, "2025-02-05"},
		{"2025SpringMakeUpSaturday", "2025-02-07", 1, "2025-02-08"},
		{"2025NationalMidAutumnEightDays", "2025-09-30", 1, "2025-10-09"},
		{"2025NationalMakeUpSaturday", "2025-10-10", 1, "2025-10-11"},
		{"2026SpringMakeUpSaturdayBefore", "2026-02-13", 1, "2026-02-14"},
		{"2026SpringNineDaysOff", "2026-02-14", 1, "2026-02-24"},
		{"2026SpringMakeUpSaturdayAfter", "2026-02-27", 1, "2026-02-28"},
		{"2026Spring20WorkingDays", "2026-02-10", 20, "2026-03-16"},
		{"2026NationalMakeUpSunday", "2026-09-18", 1, "2026-09-20"},
		{"2026NationalSkipsWeek", "2026-09-30", 1, "2026-10-08"},
		{"2026NationalMakeUpSaturday", "2026-10-09", 1, "2026-10-10"},
		{"OrdinaryFridayToMonday", "2026-11-27", 1, "2026-11-30"},
		{"StartDayNotCounted", "2026-11-30", 0, "2026-11-30"},
		{"AcrossNewYear2027", "2026-12-31", 1, "2027-01-04"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cal.AddWorkdays(d(tc.from), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format("2006-01-02") != tc.want {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got.Format("2006-01-02"), tc.want)
			}
			if got.Location() != shanghai {
				t.Errorf("location %v, want Asia/Shanghai kept", got.Location())
			}
		})
	}
}

func TestBetween(t *testing.T) {
	cal := workday.New()
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-02-13", "2026-02-24", 2},
		{"2026-02-24", "2026-02-13", -2},
		{"2026-02-10", "2026-03-16", 20},
		{"2026-11-26", "2026-11-26", 0},
	} {
		got, err := cal.Between(d(tc.from), d(tc.to))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("Between(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestBetweenCountsEveryDay: Between, which counts by the year's running
// totals, agrees with asking IsWorkday of each day in between — across
// years, in both directions, and after a year's arrangement is replaced.
func TestBetweenCountsEveryDay(t *testing.T) {
	cal := workday.New()
	byDays := func(a, b time.Time) int {
		sign := 1
		if b.Before(a) {
			a, b, sign = b, a, -1
		}
		n := 0
		for x := a.AddDate(0, 0, 1); !x.After(b); x = x.AddDate(0, 0, 1) {
			if w, err := cal.IsWorkday(x); err != nil {
				t.Fatal(err)
			} else if w {
				n++
			}
		}
		return sign * n
	}
	check := func() {
		t.Helper()
		start := d("2019-12-20")
		for i := 0; i < 400; i++ {
			a := start.AddDate(0, 0, i*7%1500)
			b := a.AddDate(0, 0, (i*37)%700-200)
			got, err := cal.Between(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if want := byDays(a, b); got != want {
				t.Fatalf("Between(%s, %s) = %d, want %d", a.Format("2006-01-02"), b.Format("2006-01-02"), got, want)
			}
		}
	}
	check()
	// 2021 made all working days but for one day off: the counts follow.
	if err := cal.SetYear(2021, []workday.Day{{Date: d("2021-03-03"), Off: true, Name: "测试"}, {Date: d("2021-03-06"), Name: "测试"}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := cal.Between(d("2021-03-01"), d("2021-03-08")); n != 5 {
		t.Errorf("after the new arrangement: %d working days from 1 to 8 March 2021, want 5", n)
	}
	check()
}

func TestExplain(t *testing.T) {
	ex, err := workday.New().Explain(d("2026-02-13"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Skipped) != 9 {
		t.Errorf("skipped %d days, want the 9 days of 春节 2026: %v", len(ex.Skipped), ex.Skipped)
	}
	if len(ex.MakeUp) != 1 || !strings.Contains(ex.MakeUp[0].Reason, "调休上班") {
		t.Errorf("make-up days %v, want 02-14", ex.MakeUp)
	}
	s := ex.String()
	for _, want := range []string{"02-15（春节放假）", "截止2026-02-24", "计入调休上班日：02-14"} {
		if !strings.Contains(s, want) {
			t.Errorf("explanation %q lacks %q", s, want)
		}
	}
}

func TestUnknownYear(t *testing.T) {
	cal := workday.New()
	last := cal.LastYear()
	if last < 2027 {
		t.Fatalf("last known year %d, want ≥ 2027 (lunar-go v1.4.7)", last)
	}
	from := time.Date(last, 12, 20, 0, 0, 0, 0, shanghai)
	_, err := cal.AddWorkdays(from, 30)
	var uy *workday.UnknownYearError
	if !errors.As(err, &uy) || uy.Year != last+1 || !errors.Is(err, workday.ErrUnknownYear) {
		t.Fatalf("err = %v, want unknown year %d", err, last+1)
	}
	if !strings.Contains(err.Error(), "尚未录入") {
		t.Errorf("message %q should tell the clerk the year is not entered", err)
	}
	if _, err := cal.IsWorkday(time.Date(1999, 5, 3, 0, 0, 0, 0, shanghai)); !errors.Is(err, workday.ErrUnknownYear) {
		t.Errorf("1999: err = %v, want unknown year", err)
	}
}

// TestProvisionalView: where the arrangement is not known, the provisional
// view counts weekends only and names the year it guessed; the calendar
// itself still refuses; entering the year changes the answer.
func TestProvisionalView(t *testing.T) {
	cal := workday.New()
	next := cal.LastYear() + 1
	// 20 working days from Friday 19 December of the last known year into
	// the unknown one.
	from := time.Date(next-1, 12, 19, 0, 0, 0, 0, shanghai)
	for from.Weekday() != time.Friday {
		from = from.AddDate(0, 0, -1)
	}
	p := cal.Provisional()
	got, err := p.AddWorkdays(from, 20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cal.AddWorkdays(from, 20); !errors.Is(err, workday.ErrUnknownYear) {
		t.Errorf("the calendar itself guessed: %v", err)
	}
	if u := cal.Unknown(from, got); got.Year() != next || len(u) != 1 || u[0] != next || cal.Known(next) || !cal.Known(next-1) {
		t.Errorf("unknown years %v up to %s", u, got.Format("2006-01-02"))
	}
	// Weekends only in the unknown year: a Monday–Friday count.
	n, err := p.Between(time.Date(next, 1, 1, 0, 0, 0, 0, shanghai), time.Date(next, 1, 31, 0, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for d := time.Date(next, 1, 2, 0, 0, 0, 0, shanghai); d.Month() == time.January; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			want++
		}
	}
	if n != want {
		t.Errorf("provisional working days in January %d: %d, want %d", next, n, want)
	}
	// The year entered with New Year's Day off moves the guess, on both.
	if err := cal.SetYear(next, []workday.Day{{Date: time.Date(next, 1, 2, 0, 0, 0, 0, time.UTC), Off: true, Name: "元旦"}}); err != nil {
		t.Fatal(err)
	}
	again, err := p.AddWorkdays(from, 20)
	if err != nil || len(cal.Unknown(from, again)) != 0 {
		t.Fatalf("after entering %d: %v, unknown %v", next, err, cal.Unknown(from, again))
	}
	if jan2 := time.Date(next, 1, 2, 0, 0, 0, 0, shanghai); jan2.Weekday() != time.Saturday && jan2.Weekday() != time.Sunday && !again.After(got) {
		t.Errorf("a holiday on a weekday did not move the date: %s then %s", got.Format("2006-01-02"), again.Format("2006-01-02"))
	}
}

func TestSetYearOverride(t *testing.T) {
	cal := workday.New()
	year := cal.LastYear() + 1
	// An admin stores the next year's arrangement before the library knows it.
	err := cal.SetYear(year, []workday.Day{
		{Date: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), Off: true, Name: "元旦"},
		{Date: time.Date(year, 1, 8, 0, 0, 0, 0, time.UTC), Off: false, Name: "元旦"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cal.LastYear() != year {
		t.Fatalf("last year %d, want %d", cal.LastYear(), year)
	}
	jan1 := time.Date(year, 1, 1, 0, 0, 0, 0, shanghai)
	if w, err := cal.IsWorkday(jan1); err != nil || w {
		t.Errorf("%d-01-01 workday=%v err=%v, want a day off", year, w, err)
	}
	jan8 := time.Date(year, 1, 8, 0, 0, 0, 0, shanghai)
	if w, err := cal.IsWorkday(jan8); err != nil || !w {
		t.Errorf("%d-01-08 workday=%v err=%v, want a make-up working day", year, w, err)
	}
	days, err := cal.Year(year)
	if err != nil || len(days) != 2 {
		t.Errorf("Year(%d) = %v, %v", year, days, err)
	}
	if err := cal.SetYear(year, []workday.Day{{Date: time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC), Off: true}}); err == nil {
		t.Error("a day outside the year was accepted")
	}
}

// TestAgainstHolidayCN checks every day of 2019–2026 against an independent
// transcription of the State Council's notices (holiday-cn, MIT licence).
func TestAgainstHolidayCN(t *testing.T) {
	cal := workday.New()
	for year := 2019; year <= 2026; year++ {
		raw, err := os.ReadFile(filepath.Join("testdata", itoa(year)+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Days []struct {
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		listed := map[string]bool{}
		for _, x := range doc.Days {
			listed[x.Date] = x.IsOffDay
		}
		for day := time.Date(year, 1, 1, 0, 0, 0, 0, shanghai); day.Year() == year; day = day.AddDate(0, 0, 1) {
			want := day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
			if off, ok := listed[day.Format("2006-01-02")]; ok {
				want = !off
			}
			got, err := cal.IsWorkday(day)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: workday=%v, holiday-cn says %v", day.Format("2006-01-02"), got, want)
			}
		}
	}
}

func itoa(n int) string { return time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

func BenchmarkAddWorkdays20(b *testing.B) {
	cal := workday.New()
	from := d("2026-02-10")
	for i := 0; i < b.N; i++ {
		if _, err := cal.AddWorkdays(from, 20); err != nil {
			b.Fatal(err)
		}
	}
}
