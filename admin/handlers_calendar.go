package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
	"gongkai/workday"
)

// calendarPage shows a year's holiday arrangement and takes the next
// one, pasted as lines of date,off|work,name (or holiday-cn's JSON).
type calendarPage struct {
	Year    int
	Known   bool
	Days    []workday.Day
	Warning string
	Text    string
}

func (h handler) calendar(c *fiber.Ctx, m *me, status int, flash, msg string, p calendarPage) error {
	p.Days, p.Known = h.Requests.CalendarYear(p.Year)
	p.Warning = h.Requests.CalendarWarning(h.now())
	return render(c, status, "calendar.html", page{Title: "法定节假日安排", Me: m, Flash: flash, Error: msg, Data: p})
}

// handleCalendar shows a year (?year=, next year from October, else this
// year).
func (h handler) handleCalendar(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	now := h.now().In(catalog.Shanghai)
	year := now.Year()
	if now.Month() >= 10 {
		year++
	}
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 2000 && y <= now.Year()+2 {
		year = y
	}
	flash := ""
	if n := c.Query("recomputed"); c.Query("flash") == "saved" {
		flash = "节假日安排已保存；" + n + "件办理中的申请已按新日历重算期限。"
		if _, err := strconv.Atoi(n); err != nil {
			flash = "节假日安排已保存。"
		}
	}
	return h.calendar(c, m, 200, flash, "", calendarPage{Year: year})
}

// handleCalendarSave stores a year's arrangement and recomputes the due
// dates of the open requests.
func (h handler) handleCalendarSave(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	text := c.FormValue("days")
	p := calendarPage{Text: text}
	p.Year, _ = strconv.Atoi(c.FormValue("year"))
	if len(text) > 64<<10 {
		return h.calendar(c, m, fiber.StatusBadRequest, "", "内容过长：一年的安排不超过几十行", p)
	}
	year, days, err := workday.ParseArrangement([]byte(strings.TrimSpace(text)))
	if err == nil && year != p.Year {
		err = catalog.Invalid("days", "所填日期是%d年的，不是%d年的", year, p.Year)
	}
	if err == nil && len(days) == 0 {
		err = catalog.Invalid("days", "请填写放假和调休上班的日期")
	}
	if err != nil {
		msg := err.Error()
		if _, m2, ok := fieldError(err); ok {
			msg = m2
		}
		return h.calendar(c, m, fiber.StatusBadRequest, "", "节假日安排无法识别："+msg+"。每行一天：日期,off（放假）或 work（调休上班）,节日名称，如 2028-01-01,off,元旦", p)
	}
	n, err := h.Requests.SetCalendarYear(c.UserContext(), year, days, web.Actor(c))
	if err != nil {
		if _, msg, ok := fieldError(err); ok {
			return h.calendar(c, m, fiber.StatusBadRequest, "", msg, p)
		}
		return err
	}
	return c.Redirect("/admin/calendar?flash=saved&year="+strconv.Itoa(year)+"&recomputed="+strconv.Itoa(n), fiber.StatusSeeOther)
}
