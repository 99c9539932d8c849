package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Hours are a unit's office hours (办公时间) as residents read them: the days
// and the sessions, e.g. 周一至周五 上午8:00—12:00 下午14:30—17:30.
type Hours struct {
	FromDay, ToDay int      `json:"-"` // 1 = 周一 … 7 = 周日
	Sessions       [][2]int `json:"-"` // minutes after midnight, from and to
}

var (
	weekdays   = []string{"", "一", "二", "三", "四", "五", "六", "日"}
	reWeekdays = regexp.MustCompile(`(?:周|星期)([一二三四五六日天])(?:(?:至|到|-|—|－|~|～)(?:周|星期)?([一二三四五六日天]))?`)
	reSessions = regexp.MustCompile(`(\d{1,2})[:：](\d{2})\s*(?:-|—|－|–|~|～|至|到)+\s*(\d{1,2})[:：](\d{2})`)
)

func dayIndex(s string) int {
	if s == "天" {
		s = "日"
	}
	for i, d := range weekdays {
		if d == s && i > 0 {
			return i
		}
	}
	return 0
}

// ParseHours reads office hours written the usual ways; an error names what
// does not parse.
func ParseHours(s string) (Hours, error) {
	var h Hours
	s = strings.TrimSpace(s)
	m := reWeekdays.FindStringSubmatch(s)
	if m == nil {
		return h, fmt.Errorf("没有写明工作日（如“周一至周五”）")
	}
	h.FromDay, h.ToDay = dayIndex(m[1]), dayIndex(m[1])
	if m[2] != "" {
		h.ToDay = dayIndex(m[2])
	}
	if h.ToDay < h.FromDay {
		return h, fmt.Errorf("工作日顺序不对")
	}
	for _, sm := range reSessions.FindAllStringSubmatch(s, -1) {
		n := make([]int, 4)
		for i := range n {
			n[i], _ = strconv.Atoi(sm[i+1])
		}
		from, to := n[0]*60+n[1], n[2]*60+n[3]
		if n[0] > 23 || n[2] > 24 || n[1] > 59 || n[3] > 59 || to <= from {
			return h, fmt.Errorf("时间段“%s”不正确", sm[0])
		}
		h.Sessions = append(h.Sessions, [2]int{from, to})
	}
	if len(h.Sessions) == 0 {
		return h, fmt.Errorf("没有写明时间段（如“8:00—12:00”）")
	}
	return h, nil
}

// String renders the hours the same way every time, for the kiosk:
// 周一至周五 8:00—12:00、14:30—17:30.
func (h Hours) String() string {
	days := "周" + weekdays[h.FromDay]
	if h.ToDay != h.FromDay {
		days += "至周" + weekdays[h.ToDay]
	}
	var ss []string
	for _, s := range h.Sessions {
		ss = append(ss, fmt.Sprintf("%d:%02d—%d:%02d", s[0]/60, s[0]%60, s[1]/60, s[1]%60))
	}
	return days + " " + strings.Join(ss, "、")
}
