package inspect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/workday"
)

// PublishedReader reads published publications for inspection.
type PublishedReader interface {
	// EachPublishedBetween calls fn with the publications published from
	// from to to (days, inclusive) that were public at the end of the day
	// publicAt; withBody false leaves bodies out.
	EachPublishedBetween(ctx context.Context, from, to, publicAt time.Time, withBody bool, fn func(catalog.Publication) error) error
	// AttachmentsPublishedBetween lists the attachments of the
	// publications published from from to to, by publication.
	AttachmentsPublishedBetween(ctx context.Context, from, to time.Time) (map[int64][]catalog.Attachment, error)
}

// RequestReader reads disclosure requests: all of them, and the id of the
// newest step taken on any (which moves whenever one changes).
type RequestReader interface {
	FindRequests(ctx context.Context, f foi.Filter) ([]foi.Request, error)
	LastEventID(ctx context.Context) (int64, error)
}

// FilingReader reads every unit's filings, oldest first.
type FilingReader interface {
	AllFilings(ctx context.Context) (map[string][]filing.Filing, error)
}

// ReportStore keeps issued reports and the inspectors' score entries.
type ReportStore interface {
	// Issued is the report issued for q; ENOTFOUND when there is none.
	Issued(ctx context.Context, q Quarter) (*Report, error)
	// IssuedQuarters lists the quarters whose reports were issued.
	IssuedQuarters(ctx context.Context) ([]Quarter, error)
	// Issue stores q's report, once; ECONFLICT the second time.
	Issue(ctx context.Context, q Quarter, rep *Report, by catalog.Actor) error
	// Entries are a year's score entries.
	Entries(ctx context.Context, year int) ([]Entry, error)
	// SaveEntry stores an entry, replacing the unit's same key that year.
	SaveEntry(ctx context.Context, year int, e Entry, by catalog.Actor) error
}

// Desk is the inspection office's desk: quarters' reports (issued, or
// computed and kept while nothing they read changed), the year's scores
// and the overview, from what its readers hold.
type Desk struct {
	Units catalog.UnitService
	// County names the inspecting office (County.Office), which is not
	// inspected; none when nil.
	County interface {
		County(ctx context.Context) (catalog.County, error)
	}
	Items    catalog.ItemService
	Pubs     PublishedReader
	Requests RequestReader
	Filings  FilingReader
	Reports  ReportStore
	// Text is an attachment's text, for the privacy scan.
	Text     func(catalog.Attachment) (string, error)
	Calendar *workday.Calendar
	// Generation changes whenever the catalogue or publications may have.
	Generation func() uint64
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// HotlineScores, when set, gives each unit's hotline score of a
	// period (by unit code), shown beside its disclosure score.
	HotlineScores func(ctx context.Context, from, to time.Time) (map[string]HotlineScore, error)
	cache         reportCache
}

func (dk *Desk) today() time.Time {
	now := time.Now
	if dk.Now != nil {
		now = dk.Now
	}
	return now().In(catalog.Shanghai)
}

// errFound stops a walk at its first row.
var errFound = errors.New("found")

// Quarters are the quarters the inspection page links, newest first: from
// the current one back to the first issued (at least two years); latest is
// the newest finished quarter that has data — a report issued, or a
// publication published in it — else the last finished one.
func (dk *Desk) Quarters(ctx context.Context) (list []Quarter, latest Quarter, err error) {
	now := dk.today()
	cur := Quarter{Year: now.Year(), N: (int(now.Month())-1)/3 + 1}
	issued, err := dk.Reports.IssuedQuarters(ctx)
	if err != nil {
		return nil, Quarter{}, err
	}
	first := cur
	for i := 0; i < 7; i++ {
		first = first.Prev()
	}
	has := map[Quarter]bool{}
	for _, q := range issued {
		has[q] = true
		if q.Start().Before(first.Start()) {
			first = q
		}
	}
	for q := cur; !q.Start().Before(first.Start()) && len(list) < 400; q = q.Prev() {
		list = append(list, q)
	}
	latest = cur.Prev()
	for i, q := 0, cur.Prev(); i < 8 && !q.Start().Before(first.Start()); i, q = i+1, q.Prev() {
		if has[q] {
			return list, q, nil
		}
		err := dk.Pubs.EachPublishedBetween(ctx, q.Start(), q.End(), q.End(), false, func(catalog.Publication) error { return errFound })
		if errors.Is(err, errFound) {
			return list, q, nil
		}
		if err != nil {
			return nil, Quarter{}, err
		}
	}
	if len(issued) > 0 {
		latest = issued[len(issued)-1]
	}
	return list, latest, nil
}

// Issue computes a finished quarter's report as of its end and stores it
// for good; EINVALID for a quarter under way, ECONFLICT the second time.
func (dk *Desk) Issue(ctx context.Context, q Quarter, by catalog.Actor) (*Report, error) {
	return dk.IssueOn(ctx, q, dk.today(), by)
}

// IssueOn is Issue on a given day (the demo's bulletins, issued when the
// county issued them). A bulletin issued less than ten days before its
// rectification deadline (30 days after the quarter) moves the deadline to
// 30 days after the day it is issued, and says so: units are given the
// time the rule means them to have.
func (dk *Desk) IssueOn(ctx context.Context, q Quarter, day time.Time, by catalog.Actor) (*Report, error) {
	if !day.After(q.End()) {
		return nil, catalog.Invalid("quarter", "%s尚未结束，结束后才能发布测评结果", q)
	}
	rep, err := dk.Compute(ctx, q, q.End())
	if err != nil {
		return nil, err
	}
	y, m, d := day.In(catalog.Shanghai).Date()
	on := time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
	if on.AddDate(0, 0, 10).After(rep.RectifyBy) {
		rep.RectifyBy = on.AddDate(0, 0, 30)
		rep.Note = strings.TrimSpace(rep.Note + " " + fmt.Sprintf("本通报于%d年%d月%d日发布，整改期限相应顺延至%d年%d月%d日。",
			y, m, d, rep.RectifyBy.Year(), rep.RectifyBy.Month(), rep.RectifyBy.Day()))
	}
	if err := dk.Reports.Issue(ctx, q, &rep, by); err != nil {
		return nil, err
	}
	return &rep, nil
}

// data reads what an inspection needs: every unit, active item and
// published publication, and the filing watch list at the quarter's end.
// The catalogue, the publications before the quarter, the quarter's with
// their text, and the requests and filings are read side by side.
func (dk *Desk) data(ctx context.Context, q Quarter, prevItems bool) (Data, error) {
	days := []time.Time{q.End()}
	if prevItems {
		days = append(days, q.Prev().End())
	}
	var d Data
	var titles, bodies []Pub
	var history map[string][]filing.Filing
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		d, err = dk.unitsAndItems(gctx, days...)
		return err
	})
	// The publications of the year and of the quarter before (for its
	// rectification), bodies only for the quarter's privacy scan: read
	// from the body itself, not the text kept beside it for searching, so
	// that a body changed outside Gongkai is scanned as it stands.
	from := time.Date(q.Year, 1, 1, 0, 0, 0, 0, catalog.Shanghai)
	if p := q.Prev().Start(); p.Before(from) {
		from = p
	}
	add := func(to *[]Pub, titleOnly bool) func(catalog.Publication) error {
		return func(p catalog.Publication) error {
			*to = append(*to, Pub{ID: p.ID, UnitCode: p.UnitCode, ItemID: p.ItemID, Title: p.Title, GeneratedOn: p.GeneratedOn,
				PublishedOn: p.PublishedOn, InterpretsID: p.InterpretsID, Text: p.Title + "\n" + catalog.BodyText(p.Body), TitleOnly: titleOnly})
			return nil
		}
	}
	bodiesFrom := q.Start()
	if from.Before(bodiesFrom) {
		g.Go(func() error {
			return dk.Pubs.EachPublishedBetween(gctx, from, bodiesFrom.AddDate(0, 0, -1), q.End(), false, add(&titles, true))
		})
	}
	g.Go(func() error {
		if err := dk.Pubs.EachPublishedBetween(gctx, bodiesFrom, q.End(), q.End(), true, add(&bodies, false)); err != nil {
			return err
		}
		// The text of the quarter's Word, Excel and PDF attachments joins
		// the body for the privacy scan.
		atts, err := dk.Pubs.AttachmentsPublishedBetween(gctx, bodiesFrom, q.End())
		if err != nil || len(atts) == 0 {
			return err
		}
		at := map[int64]int{}
		for i, p := range bodies {
			at[p.ID] = i
		}
		for pubID, list := range atts {
			i, ok := at[pubID]
			if !ok {
				continue
			}
			for _, a := range list {
				if text, err := dk.Text(a); err == nil && text != "" {
					bodies[i].Text += catalog.AttachmentMarker(a.Name) + text
				}
			}
		}
		return nil
	})
	var requests []foi.Request
	g.Go(func() (err error) {
		if requests, err = dk.Requests.FindRequests(gctx, foi.Filter{Sealed: true, ActiveFrom: q.Prev().Start(), ActiveTo: q.End()}); err != nil {
			return err
		}
		history, err = dk.Filings.AllFilings(gctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return d, err
	}
	d.Pubs = append(titles, bodies...)
	d.Requests = requests
	d.Watch = filing.WatchList(d.Units, history, q.End())
	return d, nil
}

// Compute computes a quarter's inspection as of asOf.
func (dk *Desk) Compute(ctx context.Context, q Quarter, asOf time.Time) (Report, error) {
	// The findings to rectify are those of the previous quarter's issued
	// bulletin. A county that issues its bulletins here and skipped that
	// one told the units nothing to rectify: none is judged. One that has
	// issued none before sees it computed, on the catalogue of its own end.
	var prev *Report
	skipped := false
	if p, err := dk.Reports.Issued(ctx, q.Prev()); err == nil {
		prev = p
	} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return Report{}, err
	} else if skipped, err = dk.issuedBefore(ctx, q.Prev()); err != nil {
		return Report{}, err
	} else if skipped {
		prev = &Report{}
	}
	d, err := dk.data(ctx, q, prev == nil)
	if err != nil {
		return Report{}, err
	}
	d.Prev = prev
	rep := Inspect(d, q, asOf, Defaults, dk.Calendar)
	if skipped {
		rep.Note = strings.TrimSpace(rep.Note + " " + q.Prev().Name() + "未发布通报，本季度不评整改落实情况。")
	}
	return rep, nil
}

// issuedBefore tells whether a report was issued for a quarter before q.
func (dk *Desk) issuedBefore(ctx context.Context, q Quarter) (bool, error) {
	qs, err := dk.Reports.IssuedQuarters(ctx)
	if err != nil {
		return false, err
	}
	for _, x := range qs {
		if x.Year < q.Year || x.Year == q.Year && x.N < q.N {
			return true, nil
		}
	}
	return false, nil
}

// Report is a quarter's report: the issued one, or computed as of the
// quarter's end (or today, for the quarter under way, or as_of).
func (dk *Desk) Report(ctx context.Context, q Quarter, asOf time.Time) (*Report, error) {
	if rep, err := dk.Reports.Issued(ctx, q); err == nil {
		return rep, nil
	} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return nil, err
	}
	if asOf.IsZero() || asOf.After(q.End()) {
		asOf = q.End()
	}
	if now := dk.today(); asOf.After(now) {
		asOf = now
	}
	// Computed reports are kept while nothing they read has changed (the
	// content generation and the newest request event), and one
	// computation serves every request that asks for it meanwhile.
	events, err := dk.Requests.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%s|%d|%d", q, asOf.Format("2006-01-02"), dk.Generation(), events)
	dk.cache.mu.Lock()
	rep, ok := dk.cache.m[key]
	dk.cache.mu.Unlock()
	if ok {
		return rep, nil
	}
	v, err, _ := dk.cache.group.Do(key, func() (any, error) {
		// Kept under the generation read above: the units are read again,
		// not taken from what the request may have read before it.
		rep, err := dk.Compute(catalog.WithoutReadScope(context.WithoutCancel(ctx)), q, asOf)
		if err != nil {
			return nil, err
		}
		dk.cache.mu.Lock()
		defer dk.cache.mu.Unlock()
		if dk.cache.m == nil || len(dk.cache.m) >= 8 {
			dk.cache.m, dk.cache.encoded = map[string]*Report{}, map[*Report][]byte{}
		}
		dk.cache.m[key] = &rep
		return &rep, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Report), nil
}

// reportCache keeps computed inspection reports; see Report.
type reportCache struct {
	mu    sync.Mutex
	m     map[string]*Report
	group singleflight.Group
	// encoded keeps each kept report's JSON, so a screen polling a big
	// report does not encode half a megabyte each time.
	encoded map[*Report][]byte
}

// ReportJSON is a report's JSON, encoded once while the report is kept.
func (dk *Desk) ReportJSON(rep *Report) ([]byte, error) {
	dk.cache.mu.Lock()
	b, ok := dk.cache.encoded[rep]
	dk.cache.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	dk.cache.mu.Lock()
	defer dk.cache.mu.Unlock()
	for _, kept := range dk.cache.m {
		if kept == rep { // only kept reports; an issued one is read each time
			if dk.cache.encoded == nil || len(dk.cache.encoded) >= 8 {
				dk.cache.encoded = map[*Report][]byte{}
			}
			dk.cache.encoded[rep] = b
		}
	}
	return b, nil
}

// Scores computes a year's scores as of today (or the year's end).
func (dk *Desk) Scores(ctx context.Context, year int) ([]UnitScore, error) {
	asOf := time.Date(year, 12, 31, 0, 0, 0, 0, catalog.Shanghai)
	if now := dk.today(); asOf.After(now) {
		asOf = now
	}
	d, err := dk.unitsAndItems(ctx, asOf)
	if err != nil {
		return nil, err
	}
	err = dk.Pubs.EachPublishedBetween(ctx, time.Date(year, 1, 1, 0, 0, 0, 0, catalog.Shanghai), asOf, asOf, false, func(p catalog.Publication) error {
		d.Pubs = append(d.Pubs, Pub{ID: p.ID, UnitCode: p.UnitCode, ItemID: p.ItemID, PublishedOn: p.PublishedOn, InterpretsID: p.InterpretsID})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d.Requests, err = dk.Requests.FindRequests(ctx, foi.Filter{Sealed: true}); err != nil {
		return nil, err
	}
	domains, err := dk.Units.FindDomains(ctx)
	if err != nil {
		return nil, err
	}
	var reports []Report
	for n := 1; n <= 4; n++ {
		q := Quarter{Year: year, N: n}
		if q.Start().After(asOf) {
			break
		}
		rep, err := dk.Report(ctx, q, time.Time{})
		if err != nil {
			return nil, err
		}
		reports = append(reports, *rep)
	}
	entries, err := dk.Reports.Entries(ctx, year)
	if err != nil {
		return nil, err
	}
	scores := Score(d, domains, reports, entries, year, asOf)
	if dk.HotlineScores != nil {
		hs, err := dk.HotlineScores(ctx, time.Date(year, 1, 1, 0, 0, 0, 0, catalog.Shanghai), time.Date(year+1, 1, 1, 0, 0, 0, 0, catalog.Shanghai))
		if err != nil {
			return nil, err
		}
		for i := range scores {
			if h, ok := hs[scores[i].Code]; ok {
				scores[i].Hotline = &h
			}
		}
	}
	return scores, nil
}

func (dk *Desk) Overview(ctx context.Context, asOf time.Time) (HeatMap, []Report, error) {
	data, err := dk.unitsAndItems(ctx, asOf)
	if err != nil {
		return HeatMap{}, nil, err
	}
	err = dk.Pubs.EachPublishedBetween(ctx, asOf.AddDate(-1, 0, -1), asOf, asOf, false, func(p catalog.Publication) error {
		data.Pubs = append(data.Pubs, Pub{ItemID: p.ItemID, PublishedOn: p.PublishedOn})
		return nil
	})
	if err != nil {
		return HeatMap{}, nil, err
	}
	domains, err := dk.Units.FindDomains(ctx)
	if err != nil {
		return HeatMap{}, nil, err
	}
	var reports []Report
	year := asOf.In(catalog.Shanghai).Year()
	for n := 1; n <= 4; n++ {
		q := Quarter{Year: year, N: n}
		if q.Start().After(asOf) {
			break
		}
		rep, err := dk.Report(ctx, q, asOf)
		if err != nil {
			return HeatMap{}, nil, err
		}
		reports = append(reports, *rep)
	}
	return Heat(data, domains, asOf), reports, nil
}

// unitsAndItems starts the data of an inspection, a score or the overview
// — the catalogue as it stood at the end of the day at:
// every unit and active item.
func (dk *Desk) unitsAndItems(ctx context.Context, at ...time.Time) (Data, error) {
	var d Data
	var err error
	if d.Units, err = dk.Units.FindUnits(ctx); err != nil {
		return d, err
	}
	if dk.County != nil {
		c, err := dk.County.County(ctx)
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return d, err
		}
		d.Inspector = c.Office
	}
	items, err := dk.inspectedItems(ctx, at...)
	if err != nil {
		return d, err
	}
	d.Items = items[0]
	if len(items) > 1 {
		d.PrevItems = items[1]
	}
	return d, nil
}

// inspectedItems are the catalogue's items as they stood at each day, but
// for those of a domain their unit declared 未涉及 (未涉及领域说明) and
// never published anything under: such a domain is not inspected.
func (dk *Desk) inspectedItems(ctx context.Context, days ...time.Time) ([][]catalog.Item, error) {
	var all [][]catalog.Item
	if r, ok := dk.Items.(ItemsAsOfReader); ok {
		var err error
		if all, err = r.ItemsAsOf(ctx, catalog.ItemFilter{Brief: true}, days...); err != nil {
			return nil, err
		}
	} else {
		for _, day := range days {
			items, err := dk.Items.FindItems(ctx, catalog.ItemFilter{AsOf: day, Brief: true})
			if err != nil {
				return nil, err
			}
			all = append(all, items)
		}
	}
	ex, err := dk.Units.FindExemptions(ctx, "")
	if err != nil || len(ex) == 0 {
		return all, err
	}
	for k, items := range all {
		exempt := map[[2]string]bool{}
		for _, e := range ex {
			exempt[[2]string{e.UnitCode, e.DomainCode}] = true
		}
		// A domain with something published under it is the unit's,
		// whatever it declared: the declaration does not take its columns out.
		for _, it := range items {
			if it.LastPublishedAt != nil {
				delete(exempt, [2]string{it.UnitCode, it.DomainCode})
			}
		}
		kept := items[:0]
		for _, it := range items {
			if !exempt[[2]string{it.UnitCode, it.DomainCode}] {
				kept = append(kept, it)
			}
		}
		all[k] = kept
	}
	return all, nil
}

// ItemsAsOfReader reads the catalogue as it stood at several days in one
// go (catalog/gormstore does); a Desk's Items that has it is asked so.
type ItemsAsOfReader interface {
	ItemsAsOf(ctx context.Context, f catalog.ItemFilter, days ...time.Time) ([][]catalog.Item, error)
}

// SaveEntry stores an inspector's adjustment, bonus or score for a unit
// that exists (EINVALID on unit_code otherwise), with its reason.
func (dk *Desk) SaveEntry(ctx context.Context, year int, e Entry, by catalog.Actor) error {
	if _, err := dk.Units.FindUnit(ctx, e.UnitCode); err != nil {
		return catalog.Invalid("unit_code", "单位“%s”不存在", e.UnitCode)
	}
	e.Reason = strings.TrimSpace(e.Reason)
	switch e.Key {
	case "third_party", "annual":
		if e.Points < 0 || e.Points > 100 {
			return catalog.Invalid("points", "第三方测评和年度总评为百分制，应在0至100之间")
		}
	case "bonus_platform", "bonus_articles":
		if e.Points < 0 || e.Points > 10 {
			return catalog.Invalid("points", "加分应在0至10之间")
		}
	case "standard", "requests":
	default:
		ds, err := dk.Units.FindDomains(ctx)
		if err != nil {
			return err
		}
		known := false
		for _, d := range ds {
			known = known || d.Code == e.Key
		}
		if !known {
			return catalog.Invalid("key", "评分项“%s”不存在", e.Key)
		}
	}
	return dk.Reports.SaveEntry(ctx, year, e, by)
}
