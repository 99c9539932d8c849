package main

import (
	"context"
	"time"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/inspect"
)

// inspectionData reads what an inspection needs: every unit, active item and
// published publication, and the filing watch list at the quarter's end.
func (s *server) inspectionData(ctx context.Context, q inspect.Quarter) (inspect.Data, error) {
	var d inspect.Data
	var err error
	if d.Units, err = s.units.FindUnits(ctx); err != nil {
		return d, err
	}
	if d.Items, err = s.items.FindItems(ctx, catalog.ItemFilter{}); err != nil {
		return d, err
	}
	err = s.catalog.EachPublished(ctx, func(p catalog.Publication) error {
		d.Pubs = append(d.Pubs, inspect.Pub{ID: p.ID, UnitCode: p.UnitCode, ItemID: p.ItemID, Title: p.Title, GeneratedOn: p.GeneratedOn,
			PublishedOn: p.PublishedOn, InterpretsID: p.InterpretsID, Text: p.Title + "\n" + p.Body})
		return nil
	})
	if err != nil {
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
	return inspect.Inspect(d, q, asOf, inspect.Defaults), nil
}
