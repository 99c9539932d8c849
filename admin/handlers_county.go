package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
)

type countyPage struct {
	County catalog.County
	Field  string
	Units  []catalog.Unit
}

// handleCounty shows the county's identity for the county office to keep.
func (h handler) handleCounty(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	county, err := h.County.County(c.UserContext())
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return err
	}
	return h.renderCounty(c, m, 200, county, "", "")
}

func (h handler) renderCounty(c *fiber.Ctx, m *me, status int, county catalog.County, field, msg string) error {
	units, err := h.Units.FindUnits(c.UserContext())
	if err != nil {
		return err
	}
	p := page{Title: "本县信息", Me: m, Error: msg, Data: countyPage{County: county, Field: field, Units: units}}
	if c.Query("flash") == "saved" {
		p.Flash = "已保存"
	}
	return render(c, status, "county.html", p)
}

// handleCountySave stores the form; a mistake shows it again with what was
// typed and the field marked.
func (h handler) handleCountySave(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	county := catalog.County{Name: v("name"), DivisionCode: v("division_code"), Government: v("government"), Office: v("office"),
		ReviewBody: v("review_body"), Court: v("court"), ConsultationBasis: v("consultation_basis"), KioskTitle: v("kiosk_title"), IndexPattern: v("index_pattern"),
		HideStale: c.FormValue("hide_stale") == "on"}
	if d := v("correction_days"); d != "" {
		if county.CorrectionDays, err = strconv.Atoi(d); err != nil {
			return h.renderCounty(c, m, fiber.StatusBadRequest, county, "correction_days", "补正最短期限应填工作日数（整数）")
		}
	}
	if d := v("consultation_days"); d != "" {
		if county.ConsultationDays, err = strconv.Atoi(d); err != nil {
			return h.renderCounty(c, m, fiber.StatusBadRequest, county, "consultation_days", "意见征集最短期限应填天数（整数）")
		}
	}
	if err := h.County.SaveCounty(c.UserContext(), &county, web.Actor(c)); err != nil {
		field, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		return h.renderCounty(c, m, fiber.StatusBadRequest, county, field, msg)
	}
	return c.Redirect("/admin/county?flash=saved", fiber.StatusSeeOther)
}
