package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
	"gongkai/workday"
)

type dayView struct {
	Date string `json:"date"`
	Off  bool   `json:"off"`
	Name string `json:"name"`
}

type calendarView struct {
	Year     int       `json:"year"`
	LastYear int       `json:"last_known_year"`
	Days     []dayView `json:"days"`
}

func yearParam(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, catalog.Invalid("year", "年份应为2000至2100之间的数字")
	}
	return y, nil
}

func (s *handlers) handleCalendarShow(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	days, err := s.Calendar.Year(y)
	if err != nil {
		return err
	}
	v := calendarView{Year: y, LastYear: s.Calendar.LastYear(), Days: []dayView{}}
	for _, d := range days {
		v.Days = append(v.Days, dayView{Date: d.Date.Format("2006-01-02"), Off: d.Off, Name: d.Name})
	}
	return c.JSON(v)
}

type calendarInput struct {
	Days []dayView `json:"days"`
}

// handleCalendarUpdate stores a year's holiday arrangement (as the State
// Council announces it) so deadlines can be counted into that year.
func (s *handlers) handleCalendarUpdate(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in calendarInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	seen := map[string]bool{}
	days := make([]workday.Day, 0, len(in.Days))
	for i, d := range in.Days {
		t, err := time.Parse("2006-01-02", d.Date)
		if err != nil || t.Year() != y {
			return catalog.Invalid("days", "第%d天的日期“%s”不正确，应为%d年的日期，如 %d-01-01", i+1, d.Date, y, y)
		}
		if seen[d.Date] {
			return catalog.Invalid("days", "日期 %s 重复", d.Date)
		}
		seen[d.Date] = true
		days = append(days, workday.Day{Date: t, Off: d.Off, Name: d.Name})
	}
	n, err := s.RequestDesk.SetCalendarYear(c.UserContext(), y, days, web.Actor(c))
	if err != nil {
		return err
	}
	if n > 0 {
		c.Set("X-Requests-Recomputed", strconv.Itoa(n))
	}
	return s.handleCalendarShow(c)
}

// WorkdaysView answers "n working days after from", with the days skipped.
type WorkdaysView struct {
	From        string   `json:"from"`
	N           int      `json:"n"`
	Result      string   `json:"result"`
	Explanation string   `json:"explanation"`
	Skipped     []string `json:"skipped"`
}

// handleWorkdays answers "n working days after from" with the explanation.
func (s *handlers) handleWorkdays(c *fiber.Ctx) error {
	from, err := parseDay("from", "起算日期", c.Query("from"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Query("n"))
	if err != nil || n < 0 || n > 400 {
		return catalog.Invalid("n", "工作日数应为0至400之间的整数")
	}
	ex, err := s.Calendar.Explain(from, n)
	if err != nil {
		return err
	}
	v := WorkdaysView{From: ex.From.Format("2006-01-02"), N: n, Result: ex.Result.Format("2006-01-02"), Explanation: ex.String(), Skipped: []string{}}
	for _, sk := range ex.Skipped {
		v.Skipped = append(v.Skipped, sk.Date.Format("2006-01-02")+" "+sk.Reason)
	}
	return c.JSON(v)
}
