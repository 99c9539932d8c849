package workday

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Day is one entry of a year's holiday arrangement: a day off that would be a
// working day (a holiday) or a working day that would be off (调休上班).
type Day struct {
	Date time.Time // the calendar date; only year, month and day count
	Off  bool      // true: a day off; false: a make-up working day
	Name string    // the holiday it belongs to, e.g. 春节
}

// ErrUnknownYear is wrapped by every answer that would need a year the calendar
// has no arrangement for.
var ErrUnknownYear = errors.New("workday: unknown year")

// UnknownYearError names the year that is not known.
type UnknownYearError struct {
	Year     int
	LastYear int
}

func (e *UnknownYearError) Error() string {
	return fmt.Sprintf("%d年的法定节假日安排尚未录入（已知至%d年），无法计算工作日", e.Year, e.LastYear)
}

// Unwrap lets errors.Is(err, ErrUnknownYear) match.
func (e *UnknownYearError) Unwrap() error { return ErrUnknownYear }

type entry struct {
	off    bool
	name   string
	source string // "lunar-go" or "admin"
}

// Calendar answers working-day questions. It is safe for concurrent use; SetYear
// may be called while others read. A question about a year whose
// arrangement is not known is an UnknownYearError, except on the
// provisional view (Provisional), which counts such a year by its weekends.
type Calendar struct {
	*arrangements
	provisional bool
}

// arrangements are the known years, shared by a calendar and its
// provisional view.
type arrangements struct {
	mu       sync.RWMutex
	days     map[string]entry // "2006-01-02" → entry
	years    map[int]bool     // years whose arrangement is known
	firstYr  int
	lastYear int
	// counts caches, per year, how many working days each day of it ends
	// (counts[y][n] is the count over its first n days), so Between costs
	// the same over a year as over a day. SetYear clears it.
	countsMu sync.Mutex
	counts   map[int][]uint16
}

// Provisional is a view of the same calendar that counts a year whose
// arrangement is not known yet by its weekends alone, where c would answer
// UnknownYearError; Unknown tells which years an answer guessed. A date
// counted so is provisional (暂定) until the year is entered (SetYear).
func (c *Calendar) Provisional() *Calendar {
	return &Calendar{arrangements: c.arrangements, provisional: true}
}

// Known tells whether a year's arrangement is known.
func (c *Calendar) Known(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.years[year]
}

// Unknown lists the years from..to (in either order) whose arrangement is
// not known: those a provisional answer over that span guessed.
func (c *Calendar) Unknown(from, to time.Time) []int {
	a, b := from.Year(), to.Year()
	if b < a {
		a, b = b, a
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []int
	for y := a; y <= b; y++ {
		if !c.years[y] {
			out = append(out, y)
		}
	}
	return out
}

const dateKey = "2006-01-02"

func key(t time.Time) string { return t.Format(dateKey) }

// New returns a calendar holding lunar-go's bundled arrangements.
func New() *Calendar {
	c := &Calendar{arrangements: &arrangements{days: map[string]entry{}, years: map[int]bool{}}}
	for y := 2001; y <= time.Now().Year()+5; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := time.Parse(dateKey, h.GetDay())
			if err != nil {
				continue
			}
			c.days[key(d)] = entry{off: !h.IsWork(), name: h.GetName(), source: "lunar-go"}
		}
		// 2001 holds only the last days of December; the arrangement is
		// complete from 2002 on.
		if l.Len() > 0 && y >= 2002 {
			c.years[y] = true
		}
	}
	c.recount()
	return c
}

func (c *arrangements) recount() {
	c.firstYr, c.lastYear = 0, 0
	for y := range c.years {
		if c.firstYr == 0 || y < c.firstYr {
			c.firstYr = y
		}
		if y > c.lastYear {
			c.lastYear = y
		}
	}
}

// SetYear replaces the arrangement of one year with the days given (as an admin
// stores it) and marks the year known. Days outside the year are refused.
func (c *Calendar) SetYear(year int, days []Day) error {
	for _, d := range days {
		if d.Date.Year() != year {
			return fmt.Errorf("workday: %s is not in %d", key(d.Date), year)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix := fmt.Sprintf("%04d-", year)
	for k := range c.days {
		if strings.HasPrefix(k, prefix) {
			delete(c.days, k)
		}
	}
	for _, d := range days {
		c.days[key(d.Date)] = entry{off: d.Off, name: d.Name, source: "admin"}
	}
	c.years[year] = true
	c.recount()
	c.countsMu.Lock()
	c.counts = nil
	c.countsMu.Unlock()
	return nil
}

// Year returns the arrangement stored for a year, sorted by date.
func (c *Calendar) Year(year int) ([]Day, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.years[year] {
		return nil, &UnknownYearError{Year: year, LastYear: c.lastYear}
	}
	prefix := fmt.Sprintf("%04d-", year)
	var out []Day
	for k, e := range c.days {
		if strings.HasPrefix(k, prefix) {
			d, _ := time.Parse(dateKey, k)
			out = append(out, Day{Date: d, Off: e.off, Name: e.name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// LastYear is the last year whose arrangement is known.
func (c *Calendar) LastYear() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lastYear
}

// classify tells whether a date is a working day and why; callers hold the lock.
func (c *Calendar) classify(d time.Time) (work bool, why string, err error) {
	if !c.years[d.Year()] && !c.provisional {
		return false, "", &UnknownYearError{Year: d.Year(), LastYear: c.lastYear}
	}
	if e, ok := c.days[key(d)]; ok {
		if e.off {
			return false, e.name + "放假", nil
		}
		return true, e.name + "调休上班", nil
	}
	switch d.Weekday() {
	case time.Saturday:
		return false, "周六", nil
	case time.Sunday:
		return false, "周日", nil
	}
	return true, "", nil
}

// IsWorkday tells whether the date is a statutory working day.
func (c *Calendar) IsWorkday(d time.Time) (bool, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	w, _, err := c.classify(d)
	return w, err
}

// Skipped is one day passed over while counting working days, with the reason.
type Skipped struct {
	Date   time.Time
	Reason string // 周六, 周日, 春节放假 …
}

// Explanation shows how AddWorkdays reached its answer: the days that were not
// counted and the make-up working days that were.
type Explanation struct {
	From    time.Time
	N       int
	Result  time.Time
	Skipped []Skipped
	MakeUp  []Skipped // make-up working days counted (调休上班)
}

// String renders the explanation in Chinese for a clerk.
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "自%s起（当日不计）%d个工作日，截止%s", e.From.Format(dateKey), e.N, e.Result.Format(dateKey))
	if len(e.Skipped) > 0 {
		b.WriteString("；跳过：")
		for i, s := range e.Skipped {
			if i > 0 {
				b.WriteString("、")
			}
			fmt.Fprintf(&b, "%s（%s）", s.Date.Format("01-02"), s.Reason)
		}
	}
	if len(e.MakeUp) > 0 {
		b.WriteString("；计入调休上班日：")
		for i, s := range e.MakeUp {
			if i > 0 {
				b.WriteString("、")
			}
			b.WriteString(s.Date.Format("01-02"))
		}
	}
	return b.String()
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Explain counts n working days after from (the start day is not counted, as
// 民法典 第二百零一条 says) and returns the result with the days skipped.
// n must be ≥ 0; n = 0 answers from itself.
func (c *Calendar) Explain(from time.Time, n int) (Explanation, error) {
	if n < 0 {
		return Explanation{}, fmt.Errorf("workday: negative count %d", n)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	d := dateOnly(from)
	ex := Explanation{From: d, N: n}
	if _, _, err := c.classify(d); err != nil {
		return ex, err
	}
	for counted := 0; counted < n; {
		d = d.AddDate(0, 0, 1)
		w, why, err := c.classify(d)
		if err != nil {
			return ex, err
		}
		if !w {
			ex.Skipped = append(ex.Skipped, Skipped{Date: d, Reason: why})
			continue
		}
		if why != "" {
			ex.MakeUp = append(ex.MakeUp, Skipped{Date: d, Reason: why})
		}
		counted++
	}
	ex.Result = d
	return ex, nil
}

// AddWorkdays returns the date n working days after from; the start day is not
// counted. AddWorkdays(Friday, 1) is the next Monday in an ordinary week.
func (c *Calendar) AddWorkdays(from time.Time, n int) (time.Time, error) {
	ex, err := c.Explain(from, n)
	if err != nil {
		return time.Time{}, err
	}
	return ex.Result, nil
}

// Between counts the working days after from up to and including to; it is
// negative when to is before from, and AddWorkdays(from, Between(from, to)) ≤ to.
func (c *Calendar) Between(from, to time.Time) (int, error) {
	a, b := dateOnly(from), dateOnly(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	if !a.Before(b) {
		return 0, nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	// The days counted are those after a up to b: their years must be known.
	ya, yb := a.AddDate(0, 0, 1).Year(), b.Year()
	for y := ya; y <= yb && !c.provisional; y++ {
		if !c.years[y] {
			return 0, &UnknownYearError{Year: y, LastYear: c.lastYear}
		}
	}
	// Working days up to b, less those up to a.
	n := int(c.yearCounts(b.Year())[b.YearDay()]) - int(c.yearCounts(a.Year())[a.YearDay()])
	for y := a.Year(); y < b.Year(); y++ {
		cs := c.yearCounts(y)
		n += int(cs[len(cs)-1])
	}
	return sign * n, nil
}

// yearCounts are the running counts of a year's working days, by its
// arrangement and weekends (see arrangements.counts). c.mu is held.
func (c *arrangements) yearCounts(year int) []uint16 {
	c.countsMu.Lock()
	defer c.countsMu.Unlock()
	if cs, ok := c.counts[year]; ok {
		return cs
	}
	first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := first.AddDate(1, 0, 0).Sub(first).Hours() / 24
	cs := make([]uint16, int(days)+1)
	for i := 1; i < len(cs); i++ {
		d := first.AddDate(0, 0, i-1)
		work := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
		if e, ok := c.days[key(d)]; ok {
			work = !e.off
		}
		cs[i] = cs[i-1]
		if work {
			cs[i]++
		}
	}
	if c.counts == nil {
		c.counts = map[int][]uint16{}
	}
	c.counts[year] = cs
	return cs
}
