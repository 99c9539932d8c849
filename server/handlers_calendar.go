package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
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

func (s *server) handleCalendarShow(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	days, err := s.calendar.Year(y)
	if err != nil {
		return err
	}
	v := calendarView{Year: y, LastYear: s.calendar.LastYear(), Days: []dayView{}}
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
func (s *server) handleCalendarUpdate(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in calendarInput
	if err := decodeJSON(c, &in); err != nil {
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
	n, err := s.saveCalendarYear(c.UserContext(), actor(c), y, days)
	if err != nil {
		return err
	}
	if n > 0 {
		c.Set("X-Requests-Recomputed", strconv.Itoa(n))
	}
	return s.handleCalendarShow(c)
}

// saveCalendarYear stores a year's arrangement with its audit entry, puts
// it in the calendar, and moves every open request's due date with it (each
// move recorded); it returns how many moved.
func (s *server) saveCalendarYear(ctx context.Context, by catalog.Actor, y int, days []workday.Day) (int, error) {
	before, _ := s.calendar.Year(y)
	if err := s.calStore.SaveYear(ctx, y, days, by.Username, func(tx *gorm.DB) error {
		return gormstore.AuditInTx(tx, by, "", "calendar", "update", y, strconv.Itoa(len(days))+"天", before, days)
	}); err != nil {
		return 0, err
	}
	if err := s.calendar.SetYear(y, days); err != nil {
		return 0, err
	}
	return s.requests.Recompute(ctx, by)
}

type workdaysView struct {
	From        string   `json:"from"`
	N           int      `json:"n"`
	Result      string   `json:"result"`
	Explanation string   `json:"explanation"`
	Skipped     []string `json:"skipped"`
}

// handleWorkdays answers "n working days after from" with the explanation.
func (s *server) handleWorkdays(c *fiber.Ctx) error {
	from, err := parseDay("from", "起算日期", c.Query("from"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Query("n"))
	if err != nil || n < 0 || n > 400 {
		return catalog.Invalid("n", "工作日数应为0至400之间的整数")
	}
	ex, err := s.calendar.Explain(from, n)
	if err != nil {
		return err
	}
	v := workdaysView{From: ex.From.Format("2006-01-02"), N: n, Result: ex.Result.Format("2006-01-02"), Explanation: ex.String(), Skipped: []string{}}
	for _, sk := range ex.Skipped {
		v.Skipped = append(v.Skipped, sk.Date.Format("2006-01-02")+" "+sk.Reason)
	}
	return c.JSON(v)
}

// parseHolidays reads a year's arrangement from a holiday-cn JSON file
// ({"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]})
// or a CSV of date,off|work,name lines (a header line is allowed).
func parseHolidays(data []byte) (int, []workday.Day, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var days []workday.Day
	year := 0
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var f struct {
			Year int `json:"year"`
			Days []struct {
				Name     string `json:"name"`
				Date     string `json:"date"`
				IsOffDay *bool  `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(t, &f); err != nil {
			return 0, nil, fmt.Errorf("not holiday-cn JSON: %v", err)
		}
		year = f.Year
		for i, d := range f.Days {
			day, err := time.Parse("2006-01-02", d.Date)
			if err != nil || d.IsOffDay == nil {
				return 0, nil, fmt.Errorf("day %d: want a date like 2027-01-01 and isOffDay true or false", i+1)
			}
			days = append(days, workday.Day{Date: day, Off: *d.IsOffDay, Name: d.Name})
		}
	} else {
		rows, err := csv.NewReader(bytes.NewReader(t)).ReadAll()
		if err != nil {
			return 0, nil, fmt.Errorf("not a CSV of date,off|work,name: %v", err)
		}
		for i, r := range rows {
			if len(r) < 2 {
				return 0, nil, fmt.Errorf("line %d: want date,off|work,name", i+1)
			}
			day, err := time.Parse("2006-01-02", strings.TrimSpace(r[0]))
			if err != nil {
				if i == 0 {
					continue // a header
				}
				return 0, nil, fmt.Errorf("line %d: the date %q should look like 2027-01-01", i+1, r[0])
			}
			var off bool
			switch strings.ToLower(strings.TrimSpace(r[1])) {
			case "off", "休", "放假", "true", "1":
				off = true
			case "work", "班", "上班", "false", "0":
			default:
				return 0, nil, fmt.Errorf("line %d: the second column %q should be off (放假) or work (调休上班)", i+1, r[1])
			}
			name := ""
			if len(r) > 2 {
				name = strings.TrimSpace(r[2])
			}
			days = append(days, workday.Day{Date: day, Off: off, Name: name})
		}
		if len(days) > 0 {
			year = days[0].Date.Year()
		}
	}
	if len(days) == 0 {
		return 0, nil, fmt.Errorf("no days found")
	}
	seen := map[string]bool{}
	for _, d := range days {
		k := d.Date.Format("2006-01-02")
		if d.Date.Year() != year {
			return 0, nil, fmt.Errorf("%s is not in %d: one file holds one year", k, year)
		}
		if seen[k] {
			return 0, nil, fmt.Errorf("%s appears twice", k)
		}
		seen[k] = true
	}
	if year < 2000 || year > 2100 {
		return 0, nil, fmt.Errorf("year %d is out of range", year)
	}
	return year, days, nil
}
