package api

import (
	"fmt"
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
	rep, err := s.Inspect.Report(c.UserContext(), q, asOf)
	if err != nil {
		return err
	}
	b, err := s.Inspect.ReportJSON(rep)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

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
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", "附件1")
	f.SetCellValue(sh, "A2", fmt.Sprintf("%d年第%s季度政务公开测评情况", q.Year, []string{"", "一", "二", "三", "四"}[q.N]))
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
