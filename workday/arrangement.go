package workday

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ParseArrangement reads a year's arrangement from a holiday-cn JSON file
// ({"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]})
// or a CSV of date,off|work,name lines (a header line is allowed).
func ParseArrangement(data []byte) (int, []Day, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var days []Day
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
			days = append(days, Day{Date: day, Off: *d.IsOffDay, Name: d.Name})
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
			days = append(days, Day{Date: day, Off: off, Name: name})
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
