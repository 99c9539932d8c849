package api

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/inspect"
	"gongkai/web"
)

func quarterParam(c *fiber.Ctx) (inspect.Quarter, error) {
	return inspect.ParseQuarter(c.Params("quarter"))
}

// handleInspectionShow is GET /api/v1/inspections/{YYYY}Q{n}[?as_of=].
func (s *handlers) handleInspectionShow(c *fiber.Ctx) error {
	q, err := quarterParam(c)
	if err != nil {
		return err
	}
	asOf, err := optDay("as_of", "测评日期", c.Query("as_of"))
	if err != nil {
		return err
	}
	limit := reportUnitsPage
	if v := c.Query("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxReportUnitsPage {
			return catalog.Invalid("limit", "每页单位数应为1至%d", maxReportUnitsPage)
		}
	}
	rep, err := s.Inspect.Report(c.UserContext(), q, asOf)
	if err != nil {
		return err
	}
	// The units' rows a page at a time, from the unit after ?after=: a
	// province's report is thousands of units.
	from := 0
	if after := c.Query("after"); after != "" {
		from = -1
		for i, u := range rep.Units {
			if u.Code == after {
				from = i + 1
				break
			}
		}
		if from < 0 {
			return catalog.Invalid("after", "报告中没有单位“%s”", after)
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if from == 0 && len(rep.Units) <= limit {
		b, err := s.Inspect.ReportJSON(rep) // the whole report, encoded once while it is kept
		if err != nil {
			return err
		}
		return c.Send(b)
	}
	page := *rep
	page.Units = rep.Units[from:min(len(rep.Units), from+limit)]
	next := ""
	if from+limit < len(rep.Units) {
		next = page.Units[len(page.Units)-1].Code
	}
	return c.JSON(struct {
		*inspect.Report
		// Next is the unit to pass as ?after= for the next page.
		Next string `json:"next,omitempty"`
	}{&page, next})
}

// reportUnitsPage is how many units' rows a report's page holds unless
// ?limit= says otherwise: a county's all, a province's a few at a time.
const (
	reportUnitsPage    = 200
	maxReportUnitsPage = 1000
)

// handleInspectionIssue is POST /api/v1/inspections/{YYYY}Q{n}/issue: the
// report as of the quarter's end is stored and never recomputed.
func (s *handlers) handleInspectionIssue(c *fiber.Ctx) error {
	q, err := quarterParam(c)
	if err != nil {
		return err
	}
	rep, err := s.Inspect.Issue(c.UserContext(), q, web.Actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rep)
}

// handleBulletinExport is GET /api/v1/inspections/{YYYY}Q{n}/bulletin.xlsx:
// the annex table 序号 · 单位 · 测评发现的突出问题.
func (s *handlers) handleBulletinExport(c *fiber.Ctx) error {
	q, err := quarterParam(c)
	if err != nil {
		return err
	}
	rep, err := s.Inspect.Report(c.UserContext(), q, time.Time{})
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	quarter := fmt.Sprintf("%d年第%s季度", q.Year, []string{"", "一", "二", "三", "四"}[q.N])
	// The bulletin as the county issues it: the notice — totals, the units
	// praised, the problems many share, the rectification date — and its
	// annex, the table of each unit's findings.
	main := "通报"
	f.SetSheetName("Sheet1", main)
	with := len(rep.Units) - len(rep.PraiseTownships) - len(rep.PraiseDepartments)
	lines := [][]any{
		{quarter + "政务公开测评情况通报"},
		{},
		{"一、总体情况"},
		{fmt.Sprintf("本季度测评%d个单位，%d个单位未发现突出问题，%d个单位存在问题（见附件1）。", len(rep.Units), len(rep.Units)-with, with)},
		{"二、表扬名单"},
		{"乡镇：" + joinOr(rep.PraiseTownships)},
		{"县直单位：" + joinOr(rep.PraiseDepartments)},
		{"三、存在的共性问题"},
	}
	for i, p := range rep.Common {
		lines = append(lines, []any{fmt.Sprintf("%d. %s（%d个单位）", i+1, p.Text, p.Units)})
	}
	if len(rep.Common) == 0 {
		lines = append(lines, []any{"无。"})
	}
	lines = append(lines, []any{"四、整改要求"})
	if !rep.RectifyBy.IsZero() {
		lines = append(lines, []any{"请存在问题的单位于" + rep.RectifyBy.In(catalog.Shanghai).Format("2006年1月2日") + "前完成整改，并在“测评整改情况”栏目公开整改情况。"})
	} else {
		lines = append(lines, []any{"请存在问题的单位及时整改，并在“测评整改情况”栏目公开整改情况。"})
	}
	for i, l := range lines {
		f.SetSheetRow(main, "A"+strconv.Itoa(i+1), &l)
	}
	f.SetColWidth(main, "A", "A", 110)
	sh := "附件1 测评情况"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	f.SetCellValue(sh, "A1", "附件1")
	f.SetCellValue(sh, "A2", quarter+"政务公开测评情况")
	f.SetSheetRow(sh, "A3", &[]any{"序号", "单位", "测评发现的突出问题"})
	for i, u := range rep.Units {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		f.SetSheetRow(sh, cell, &[]any{u.No, u.Name, u.Text})
	}
	f.SetColWidth(sh, "B", "B", 16)
	f.SetColWidth(sh, "C", "C", 90)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bulletin-%s.xlsx"`, q))
	return c.Send(buf.Bytes())
}

// handleScores is GET /api/v1/scores/{YYYY}.
func (s *handlers) handleScores(c *fiber.Ctx) error {
	year, err := reportYearParam(c)
	if err != nil {
		return err
	}
	sc, err := s.Inspect.Scores(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(sc)
}

// handleScoreEntry is POST /api/v1/scores/{YYYY}/entries: an inspector's
// adjustment, bonus or 第三方测评 / 年度总评 score, with its reason.
func (s *handlers) handleScoreEntry(c *fiber.Ctx) error {
	year, err := reportYearParam(c)
	if err != nil {
		return err
	}
	var e inspect.Entry
	if err := web.DecodeJSON(c, &e); err != nil {
		return err
	}
	if err := s.Inspect.SaveEntry(c.UserContext(), year, e, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// reportYearParam is the route's :year, a year with reports.
func reportYearParam(c *fiber.Ctx) (int, error) {
	year, err := yearParam(c)
	if err != nil {
		return 0, err
	}
	return year, catalog.CheckYear(year, today())
}

// joinOr lists names with 、, or says there are none.
func joinOr(names []string) string {
	if len(names) == 0 {
		return "无"
	}
	return strings.Join(names, "、")
}
