package admin

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/inspect"
	"gongkai/rbac"
	"gongkai/web"
)

// Inspections reads and issues quarterly inspection reports.
type Inspections interface {
	// Report is the issued report of a quarter, or one computed as of
	// asOf (the quarter's end, or today, when zero).
	Report(ctx context.Context, q inspect.Quarter, asOf time.Time) (*inspect.Report, error)
	// Issue stores a finished quarter's report; EINVALID, ECONFLICT.
	Issue(ctx context.Context, q inspect.Quarter, by catalog.Actor) (*inspect.Report, error)
	// Overview is the heat map as of a date and the reports of its year's
	// quarters so far.
	Overview(ctx context.Context, asOf time.Time) (inspect.HeatMap, []inspect.Report, error)
	// Quarters lists the quarters to link, newest first, and the latest
	// finished one with data.
	Quarters(ctx context.Context) (list []inspect.Quarter, latest inspect.Quarter, err error)
}

type inspectionPage struct {
	Q        inspect.Quarter
	Report   *inspect.Report
	Quarters []inspect.Quarter
	Ended    bool
}

func (h handler) handleInspection(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	now := h.now().In(catalog.Shanghai)
	quarters, q, err := h.Inspections.Quarters(c.UserContext())
	if err != nil {
		return err
	}
	if s := c.Params("quarter"); s != "" {
		if q, err = inspect.ParseQuarter(s); err != nil {
			return err
		}
	}
	rep, err := h.Inspections.Report(c.UserContext(), q, time.Time{})
	if err != nil {
		return err
	}
	p := inspectionPage{Q: q, Report: rep, Ended: now.After(q.End().Add(24 * time.Hour)), Quarters: quarters}
	title := strconv.Itoa(q.Year) + "年" + q.Name() + "政务公开测评"
	flash := map[string]string{"issued": "测评结果已发布，今后不再随数据变化。"}[c.Query("flash")]
	return render(c, 200, "inspection.html", page{Title: title, Me: m, Flash: flash, Data: p})
}

func (h handler) handleInspectionIssue(c *fiber.Ctx) error {
	q, err := inspect.ParseQuarter(c.Params("quarter"))
	if err != nil {
		return err
	}
	if _, err := h.Inspections.Issue(c.UserContext(), q, web.Actor(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/inspections/"+q.String()+"?flash=issued", fiber.StatusSeeOther)
}

// Scores computes a year's scores and keeps the inspectors' entries.
type Scores interface {
	Scores(ctx context.Context, year int) ([]inspect.UnitScore, error)
	// SaveEntry stores an entry (第三方测评, 年度总评, an adjustment of a
	// rubric line, a bonus) with its reason; EINVALID names the field.
	SaveEntry(ctx context.Context, year int, e inspect.Entry, by catalog.Actor) error
}

// scoreYear is the route's :year, a year with scores.
func (h handler) scoreYear(c *fiber.Ctx) (int, error) {
	year, err := c.ParamsInt("year")
	if err != nil {
		return 0, catalog.Invalid("year", "年份应写作 2020")
	}
	return year, catalog.CheckYear(year, h.now())
}

type scoresPage struct {
	Year     int
	Scores   []inspect.UnitScore
	CanWrite bool
	// Open is the unit whose details show (the one just entered).
	Open string
}

func (h handler) handleScores(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	year, err := h.scoreYear(c)
	if err != nil {
		return err
	}
	return h.scoresPage(c, m, year, 200, flashes[c.Query("flash")], "")
}

func (h handler) scoresPage(c *fiber.Ctx, m *me, year, status int, flash, msg string) error {
	sc, err := h.Scores.Scores(c.UserContext(), year)
	if err != nil {
		return err
	}
	p := scoresPage{Year: year, Scores: sc, CanWrite: h.can(m, rbac.AllUnits, rbac.ObjInspection, rbac.ActWrite), Open: c.Query("unit")}
	return render(c, status, "scores.html", page{Title: strconv.Itoa(year) + "年政务公开考评", Me: m, Flash: flash, Error: msg, Data: p})
}

// handleScoreEntry stores what an inspector enters on the scores page: a
// unit's 第三方测评 or 年度总评, a rubric line's adjustment, a bonus — each
// with its reason, audited by the store.
func (h handler) handleScoreEntry(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	year, err := h.scoreYear(c)
	if err != nil {
		return err
	}
	e := inspect.Entry{UnitCode: strings.Clone(c.FormValue("unit_code")), Key: strings.Clone(c.FormValue("key")), Reason: strings.TrimSpace(c.FormValue("reason"))}
	points := strings.TrimSpace(c.FormValue("points"))
	if e.Points, err = strconv.ParseFloat(points, 64); err != nil || math.IsNaN(e.Points) || math.IsInf(e.Points, 0) {
		return h.scoresPage(c, m, year, fiber.StatusBadRequest, "", "分值“"+points+"”不是数字")
	}
	if err := h.Scores.SaveEntry(c.UserContext(), year, e, web.Actor(c)); err != nil {
		if _, msg, ok := fieldError(err); ok {
			return h.scoresPage(c, m, year, fiber.StatusBadRequest, "", msg)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/scores/%d?flash=saved&unit=%s#u-%s", year, url.QueryEscape(e.UnitCode), url.QueryEscape(e.UnitCode)), fiber.StatusSeeOther)
}

type overviewPage struct {
	Heat    inspect.HeatMap
	Reports []inspect.Report
	Unit    *catalog.Unit
	Rows    []unitQuarter
}

type unitQuarter struct {
	Quarter string
	Row     inspect.UnitResult
}

// handleOverview is the inspectors' view: freshness of every unit's
// columns, the quarters' trend, and, with ?unit=, one unit's quarters.
func (h handler) handleOverview(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	asOf := h.now()
	if v := c.Query("as_of"); v != "" {
		if asOf, err = catalog.ParseDay("as_of", "日期", v); err != nil {
			return err
		}
	}
	heat, reports, err := h.Inspections.Overview(c.UserContext(), asOf)
	if err != nil {
		return err
	}
	p := overviewPage{Heat: heat, Reports: reports}
	if code := c.Query("unit"); code != "" {
		u, err := h.Units.FindUnit(c.UserContext(), code)
		if err != nil {
			return err
		}
		p.Unit = u
		for _, r := range reports {
			for _, row := range r.Units {
				if row.Code == code {
					p.Rows = append(p.Rows, unitQuarter{r.Quarter, row})
				}
			}
		}
	}
	return render(c, 200, "overview.html", page{Title: "测评概览", Me: m, Data: p})
}
