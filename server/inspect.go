package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/singleflight"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/inspect"
)

// inspectionData reads what an inspection needs: every unit, active item and
// published publication, and the filing watch list at the quarter's end.
func (s *server) inspectionData(ctx context.Context, q inspect.Quarter) (inspect.Data, error) {
	d, err := s.unitsAndItems(ctx, q.End())
	if err != nil {
		return d, err
	}
	// The publications of the year and of the quarter before (for its
	// rectification), bodies only for the quarter's privacy scan.
	from := time.Date(q.Year, 1, 1, 0, 0, 0, 0, catalog.Shanghai)
	if p := q.Prev().Start(); p.Before(from) {
		from = p
	}
	add := func(p catalog.Publication) error {
		d.Pubs = append(d.Pubs, inspect.Pub{ID: p.ID, UnitCode: p.UnitCode, ItemID: p.ItemID, Title: p.Title, GeneratedOn: p.GeneratedOn,
			PublishedOn: p.PublishedOn, InterpretsID: p.InterpretsID, Text: p.Title + "\n" + p.Body})
		return nil
	}
	bodiesFrom := q.Start()
	if from.Before(bodiesFrom) {
		if err := s.catalog.EachPublishedBetween(ctx, from, bodiesFrom.AddDate(0, 0, -1), q.End(), false, add); err != nil {
			return d, err
		}
	}
	if err := s.catalog.EachPublishedBetween(ctx, bodiesFrom, q.End(), q.End(), true, add); err != nil {
		return d, err
	}
	// The text of the quarter's Word, Excel and PDF attachments joins the
	// body for the privacy scan.
	atts, err := s.catalog.AttachmentsPublishedBetween(ctx, bodiesFrom, q.End())
	if err != nil {
		return d, err
	}
	if len(atts) > 0 {
		at := map[int64]int{}
		for i, p := range d.Pubs {
			at[p.ID] = i
		}
		for pubID, list := range atts {
			i, ok := at[pubID]
			if !ok {
				continue
			}
			for _, a := range list {
				if text, err := s.attachments.Text(a); err == nil && text != "" {
					d.Pubs[i].Text += "\n【附件 " + a.Name + "】\n" + text
				}
			}
		}
	}
	if d.Requests, err = s.requests.FindRequests(ctx, foi.Filter{}); err != nil {
		return d, err
	}
	history, err := s.filings.AllFilings(ctx)
	if err != nil {
		return d, err
	}
	d.Watch = filing.WatchList(d.Units, history, q.End())
	return d, nil
}

// inspectQuarter computes a quarter's inspection as of asOf.
func (s *server) inspectQuarter(ctx context.Context, q inspect.Quarter, asOf time.Time) (inspect.Report, error) {
	d, err := s.inspectionData(ctx, q)
	if err != nil {
		return inspect.Report{}, err
	}
	// The findings to rectify are those of the previous quarter's issued
	// bulletin, when there is one.
	if prev, err := s.inspections.Issued(ctx, q.Prev()); err == nil {
		d.Prev = prev
	} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return inspect.Report{}, err
	} else if d.PrevItems, err = s.items.FindItems(ctx, catalog.ItemFilter{AsOf: q.Prev().End()}); err != nil {
		// Not issued: it is computed, on the catalogue of its own end.
		return inspect.Report{}, err
	}
	return inspect.Inspect(d, q, asOf, inspect.Defaults, s.calendar), nil
}

// report is a quarter's report: the issued one, or computed as of the
// quarter's end (or today, for the quarter under way, or as_of).
func (s *server) report(ctx context.Context, q inspect.Quarter, asOf time.Time) (*inspect.Report, error) {
	if rep, err := s.inspections.Issued(ctx, q); err == nil {
		return rep, nil
	} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return nil, err
	}
	if asOf.IsZero() || asOf.After(q.End()) {
		asOf = q.End()
	}
	if now := today(); asOf.After(now) {
		asOf = now
	}
	// Computed reports are kept while nothing they read has changed (the
	// content generation and the newest request event), and one
	// computation serves every request that asks for it meanwhile.
	var events int64
	if err := s.db.WithContext(ctx).Table("foi_events").Select("COALESCE(MAX(id), 0)").Scan(&events).Error; err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%s|%d|%d", q, asOf.Format("2006-01-02"), s.gen.value(), events)
	s.reports.mu.Lock()
	rep, ok := s.reports.m[key]
	s.reports.mu.Unlock()
	if ok {
		return rep, nil
	}
	v, err, _ := s.reports.group.Do(key, func() (any, error) {
		rep, err := s.inspectQuarter(context.WithoutCancel(ctx), q, asOf)
		if err != nil {
			return nil, err
		}
		s.reports.mu.Lock()
		defer s.reports.mu.Unlock()
		if len(s.reports.m) >= 8 {
			clear(s.reports.m)
			clear(s.reports.encoded)
		}
		s.reports.m[key] = &rep
		return &rep, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*inspect.Report), nil
}

// reportCache keeps computed inspection reports; see report.
type reportCache struct {
	mu    sync.Mutex
	m     map[string]*inspect.Report
	group singleflight.Group
	// encoded keeps each kept report's JSON, so a screen polling a big
	// report does not encode half a megabyte each time.
	encoded map[*inspect.Report][]byte
}

// reportJSON is a report's JSON, encoded once while the report is kept.
func (s *server) reportJSON(rep *inspect.Report) ([]byte, error) {
	s.reports.mu.Lock()
	b, ok := s.reports.encoded[rep]
	s.reports.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	s.reports.mu.Lock()
	defer s.reports.mu.Unlock()
	for _, kept := range s.reports.m {
		if kept == rep { // only kept reports; an issued one is read each time
			if len(s.reports.encoded) >= 8 {
				clear(s.reports.encoded)
			}
			s.reports.encoded[rep] = b
		}
	}
	return b, nil
}

func quarterParam(c *fiber.Ctx) (inspect.Quarter, error) {
	return inspect.ParseQuarter(c.Params("quarter"))
}

// handleInspectionShow is GET /api/v1/inspections/{YYYY}Q{n}[?as_of=].
func (s *server) handleInspectionShow(c *fiber.Ctx) error {
	q, err := quarterParam(c)
	if err != nil {
		return err
	}
	asOf, err := optDay("as_of", "测评日期", c.Query("as_of"))
	if err != nil {
		return err
	}
	rep, err := s.report(c.UserContext(), q, asOf)
	if err != nil {
		return err
	}
	b, err := s.reportJSON(rep)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

// handleInspectionIssue is POST /api/v1/inspections/{YYYY}Q{n}/issue: the
// report as of the quarter's end is stored and never recomputed.
func (s *server) handleInspectionIssue(c *fiber.Ctx) error {
	q, err := quarterParam(c)
	if err != nil {
		return err
	}
	if !today().After(q.End()) {
		return catalog.Invalid("quarter", "%s尚未结束，结束后才能发布测评结果", q)
	}
	rep, err := s.inspectQuarter(c.UserContext(), q, q.End())
	if err != nil {
		return err
	}
	if err := s.inspections.Issue(c.UserContext(), q, &rep, actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rep)
}

// handleBulletinExport is GET /api/v1/inspections/{YYYY}Q{n}/bulletin.xlsx:
// the annex table 序号 · 单位 · 测评发现的突出问题.
func (s *server) handleBulletinExport(c *fiber.Ctx) error {
	q, err := quarterParam(c)
	if err != nil {
		return err
	}
	rep, err := s.report(c.UserContext(), q, time.Time{})
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

// inspectionDesk is the back office's view of the inspection reports.
type inspectionDesk struct{ s *server }

func (d inspectionDesk) Report(ctx context.Context, q inspect.Quarter) (*inspect.Report, error) {
	return d.s.report(ctx, q, time.Time{})
}

func (d inspectionDesk) Issue(c *fiber.Ctx, q inspect.Quarter) error {
	if !today().After(q.End()) {
		return catalog.Invalid("quarter", "%s尚未结束，结束后才能发布测评结果", q)
	}
	rep, err := d.s.inspectQuarter(c.UserContext(), q, q.End())
	if err != nil {
		return err
	}
	return d.s.inspections.Issue(c.UserContext(), q, &rep, actor(c))
}

// scores computes a year's scores as of today (or the year's end).
func (s *server) scores(ctx context.Context, year int) ([]inspect.UnitScore, error) {
	asOf := time.Date(year, 12, 31, 0, 0, 0, 0, catalog.Shanghai)
	if now := today(); asOf.After(now) {
		asOf = now
	}
	d, err := s.unitsAndItems(ctx, asOf)
	if err != nil {
		return nil, err
	}
	err = s.catalog.EachPublishedBetween(ctx, time.Date(year, 1, 1, 0, 0, 0, 0, catalog.Shanghai), asOf, asOf, false, func(p catalog.Publication) error {
		d.Pubs = append(d.Pubs, inspect.Pub{ID: p.ID, UnitCode: p.UnitCode, ItemID: p.ItemID, PublishedOn: p.PublishedOn, InterpretsID: p.InterpretsID})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d.Requests, err = s.requests.FindRequests(ctx, foi.Filter{}); err != nil {
		return nil, err
	}
	domains, err := s.units.FindDomains(ctx)
	if err != nil {
		return nil, err
	}
	var reports []inspect.Report
	for n := 1; n <= 4; n++ {
		q := inspect.Quarter{Year: year, N: n}
		if q.Start().After(asOf) {
			break
		}
		rep, err := s.report(ctx, q, time.Time{})
		if err != nil {
			return nil, err
		}
		reports = append(reports, *rep)
	}
	entries, err := s.inspections.Entries(ctx, year)
	if err != nil {
		return nil, err
	}
	return inspect.Score(d, domains, reports, entries, year, asOf), nil
}

// handleScores is GET /api/v1/scores/{YYYY}.
func (s *server) handleScores(c *fiber.Ctx) error {
	year, err := reportYearParam(c)
	if err != nil {
		return err
	}
	sc, err := s.scores(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(sc)
}

// handleScoreEntry is POST /api/v1/scores/{YYYY}/entries: an inspector's
// adjustment, bonus or 第三方测评 / 年度总评 score, with its reason.
func (s *server) handleScoreEntry(c *fiber.Ctx) error {
	year, err := reportYearParam(c)
	if err != nil {
		return err
	}
	var e inspect.Entry
	if err := decodeJSON(c, &e); err != nil {
		return err
	}
	if _, err := s.units.FindUnit(c.UserContext(), e.UnitCode); err != nil {
		return catalog.Invalid("unit_code", "单位“%s”不存在", e.UnitCode)
	}
	if err := s.inspections.SaveEntry(c.UserContext(), year, e, actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (d inspectionDesk) Scores(ctx context.Context, year int) ([]inspect.UnitScore, error) {
	return d.s.scores(ctx, year)
}

func (d inspectionDesk) Overview(ctx context.Context, asOf time.Time) (inspect.HeatMap, []inspect.Report, error) {
	s := d.s
	data, err := s.unitsAndItems(ctx, asOf)
	if err != nil {
		return inspect.HeatMap{}, nil, err
	}
	err = s.catalog.EachPublishedBetween(ctx, asOf.AddDate(-1, 0, -1), asOf, asOf, false, func(p catalog.Publication) error {
		data.Pubs = append(data.Pubs, inspect.Pub{ItemID: p.ItemID, PublishedOn: p.PublishedOn})
		return nil
	})
	if err != nil {
		return inspect.HeatMap{}, nil, err
	}
	domains, err := s.units.FindDomains(ctx)
	if err != nil {
		return inspect.HeatMap{}, nil, err
	}
	var reports []inspect.Report
	year := asOf.In(catalog.Shanghai).Year()
	for n := 1; n <= 4; n++ {
		q := inspect.Quarter{Year: year, N: n}
		if q.Start().After(asOf) {
			break
		}
		rep, err := s.report(ctx, q, asOf)
		if err != nil {
			return inspect.HeatMap{}, nil, err
		}
		reports = append(reports, *rep)
	}
	return inspect.Heat(data, domains, asOf), reports, nil
}

// reportYearParam is the route's :year, a year with reports.
func reportYearParam(c *fiber.Ctx) (int, error) {
	year, err := yearParam(c)
	if err != nil {
		return 0, err
	}
	return year, catalog.CheckYear(year, today())
}

// unitsAndItems starts the data of an inspection, a score or the overview
// — the catalogue as it stood at the end of the day at:
// every unit and active item.
func (s *server) unitsAndItems(ctx context.Context, at time.Time) (inspect.Data, error) {
	var d inspect.Data
	var err error
	if d.Units, err = s.units.FindUnits(ctx); err != nil {
		return d, err
	}
	d.Items, err = s.items.FindItems(ctx, catalog.ItemFilter{AsOf: at})
	return d, err
}
