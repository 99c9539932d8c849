package notify

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/hotline"
	"gongkai/inspect"
	"gongkai/workday"
)

// Kind is what a notice is about.
type Kind string

// The kinds of notice.
const (
	KindRequest  Kind = "request"  // 依申请公开: newly assigned, or near or past its deadline
	KindReturned Kind = "returned" // a publication returned to its drafter (退回)
	KindReview   Kind = "review"   // publications waiting for the leader's review (二级审核)
	KindItem     Kind = "item"     // catalogue items falling due, or overdue
	KindTakedown Kind = "takedown" // a publication taken down, to rectify by a day
	KindRectify  Kind = "rectify"  // a quarter's bulletin named the unit: rectify by a day
	KindOrder    Kind = "order"    // 12345 hotline work orders: to claim, answer, dispatch, check or call back
)

// Name is the kind in Chinese, as the 工作台 and the digest head it.
func (k Kind) Name() string {
	switch k {
	case KindRequest:
		return "依申请公开"
	case KindReturned:
		return "退回修改"
	case KindReview:
		return "待审核"
	case KindItem:
		return "目录更新"
	case KindTakedown:
		return "撤下整改"
	case KindRectify:
		return "通报整改"
	case KindOrder:
		return "热线工单"
	}
	return string(k)
}

// Notice is one thing waiting for a person.
type Notice struct {
	Kind     Kind   `json:"kind"`
	Unit     string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Text     string `json:"text"`
	// Link is the back office's page to act on it (a path).
	Link string `json:"link"`
	// Due is the day it must be done by, when it has one.
	Due *time.Time `json:"due,omitempty"`
	// Overdue: Due has passed. New: it arrived within the last day.
	Overdue bool `json:"overdue"`
	New     bool `json:"new"`
}

// Rights tells what a person may do where (the role bindings' answers,
// asked through rbac by the stack).
type Rights interface {
	// Units are the units where the person holds a role of their own;
	// county tells whether they hold a county-wide one.
	Units(userID int64) (units []string, county bool, err error)
	// Allowed tells whether the person may act in unit (AllUnits: county-
	// wide) on what the notices are about.
	Allowed(userID int64, unit string, r Right) bool
}

// Right is what a notice asks of a person.
type Right int

// The rights the notices follow.
const (
	HandleRequests Right = iota // answer a unit's disclosure requests
	WritePubs                   // draft and rectify a unit's publications
	ReviewPubs                  // approve them (二级审核)
	IssueBulletins              // issue the quarterly bulletins (county-wide)
	HandleOrders                // claim and answer a unit's hotline orders; at the county office, dispatch and check them
)

// AllUnits is the unit of a county-wide right.
const AllUnits = "*"

// Requests reads open disclosure requests and their histories.
type Requests interface {
	// Pending lists a unit's open requests ("" for all), soonest due first.
	Pending(ctx context.Context, unit string, limit int) ([]foi.Request, error)
	// Events lists a request's history, oldest first; ENOTFOUND.
	Events(ctx context.Context, number string) ([]foi.Event, error)
}

// Reports reads the issued quarterly bulletins.
type Reports interface {
	IssuedQuarters(ctx context.Context) ([]inspect.Quarter, error)
	// Issued is q's report; ENOTFOUND when none was issued.
	Issued(ctx context.Context, q inspect.Quarter) (*inspect.Report, error)
}

// Notifier gathers a person's notices from what the units hold.
type Notifier struct {
	Rights Rights
	Units  interface {
		FindUnits(ctx context.Context) ([]catalog.Unit, error)
	}
	Requests Requests
	Pubs     interface {
		FindPublications(ctx context.Context, f catalog.PubFilter) ([]catalog.Publication, error)
		// FindEvents lists a publication's steps, oldest first.
		FindEvents(ctx context.Context, id int64) ([]catalog.Event, error)
	}
	Items interface {
		FindItems(ctx context.Context, f catalog.ItemFilter) ([]catalog.Item, error)
	}
	Reports  Reports
	Calendar *workday.Calendar
	// Orders are the hotline's work orders; Office is the county office's
	// code (its staff dispatch, check and call back). Nil: none.
	Orders interface {
		FindOrders(ctx context.Context, f hotline.Filter) ([]hotline.Order, error)
	}
	Office func(ctx context.Context) (string, error)
}

// The thresholds: a request is told of from RequestWarnDays working days
// before its deadline; an item from ItemWarnDays days before it falls due.
const (
	RequestWarnDays = 3
	ItemWarnDays    = 7
	newWithin       = 24 * time.Hour
	maxPerKind      = 30 // more of one kind are summed up in one notice
)

// For gathers the notices of the person u at now: for each unit
// where they handle requests, write or review publications, and county-wide
// for the county office and the inspectors. Overdue first, then by due day.
func (n *Notifier) For(ctx context.Context, u account.User, now time.Time) ([]Notice, error) {
	now = now.In(catalog.Shanghai)
	mine, county, err := n.Rights.Units(u.ID)
	if err != nil {
		return nil, err
	}
	units, err := n.Units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
	}
	allow := func(unit string, r Right) bool { return n.Rights.Allowed(u.ID, unit, r) }
	var out []Notice
	add := func(ns ...Notice) {
		for _, x := range ns {
			if x.UnitName == "" {
				x.UnitName = names[x.Unit]
			}
			out = append(out, x)
		}
	}
	seen := map[string]bool{}
	for _, unit := range mine {
		if seen[unit] || names[unit] == "" {
			continue
		}
		seen[unit] = true
		if allow(unit, HandleRequests) {
			ns, err := n.requests(ctx, unit, now, false)
			if err != nil {
				return nil, err
			}
			add(ns...)
		}
		write, review := allow(unit, WritePubs), allow(unit, ReviewPubs)
		if write || review {
			ns, err := n.publications(ctx, unit, u.Username, now, write, review)
			if err != nil {
				return nil, err
			}
			add(ns...)
		}
		if write {
			ns, err := n.items(ctx, unit, now)
			if err != nil {
				return nil, err
			}
			add(ns...)
		}
		if n.Orders != nil && allow(unit, HandleOrders) {
			ns, err := n.orders(ctx, unit, now)
			if err != nil {
				return nil, err
			}
			add(ns...)
		}
	}
	if county && allow(AllUnits, ReviewPubs) {
		// A submission nobody in its unit may review (the leader's own,
		// where there is no other) waits on the county office.
		ns, err := n.waitingReview(ctx, now)
		if err != nil {
			return nil, err
		}
		add(ns...)
	}
	if county && allow(AllUnits, HandleRequests) {
		// The county office watches every unit's statutory clock, not
		// every unit's new arrivals.
		ns, err := n.requests(ctx, "", now, true)
		if err != nil {
			return nil, err
		}
		add(ns...)
	}
	if n.Reports != nil {
		ns, err := n.rectify(ctx, seen, county && allow(AllUnits, IssueBulletins), names, now)
		if err != nil {
			return nil, err
		}
		add(ns...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		if (a.Due == nil) != (b.Due == nil) {
			return a.Due != nil
		}
		if a.Due != nil && !a.Due.Equal(*b.Due) {
			return a.Due.Before(*b.Due)
		}
		return a.New && !b.New
	})
	return out, nil
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.In(catalog.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
}

func dayPtr(t time.Time) *time.Time { d := dayOf(t); return &d }

// md writes a day as 12月5日.
func md(t time.Time) string { return fmt.Sprintf("%d月%d日", t.Month(), t.Day()) }

// requests tells of a unit's open requests ("" and county: every unit's,
// only those near or past their deadline).
func (n *Notifier) requests(ctx context.Context, unit string, now time.Time, county bool) ([]Notice, error) {
	rs, err := n.Requests.Pending(ctx, unit, 1000)
	if err != nil {
		return nil, err
	}
	var out []Notice
	for i := range rs {
		r := &rs[i]
		cl, err := foi.ClockOf(r, n.Calendar, now)
		if err != nil {
			return nil, err
		}
		fresh := false
		if !county {
			fresh, err = n.assignedSince(ctx, r, now.Add(-newWithin))
			if err != nil {
				return nil, err
			}
		}
		near := !cl.Due.IsZero() && !cl.Paused && cl.Left <= RequestWarnDays
		if !fresh && !near {
			continue
		}
		no := "登记号" + r.Number
		if r.UnitNo != "" {
			no = r.UnitNo + "（登记号" + r.Number + "）"
		}
		x := Notice{Kind: KindRequest, Unit: r.UnitCode, Link: "/admin/requests/" + url.PathEscape(r.Number), New: fresh}
		switch {
		case cl.Due.IsZero():
			x.Text = no + "：新分派，等待申请人补正"
		case cl.Overdue:
			x.Text = fmt.Sprintf("%s：答复已逾期%d个工作日（期限%s）", no, -cl.Left, md(cl.Due))
		case cl.Left == 0:
			x.Text = fmt.Sprintf("%s：今天是答复期限（%s）", no, md(cl.Due))
		default:
			x.Text = fmt.Sprintf("%s：答复期限%s，还剩%d个工作日", no, md(cl.Due), cl.Left)
		}
		if fresh && !cl.Due.IsZero() && !cl.Overdue {
			x.Text = fmt.Sprintf("%s：新分派，答复期限%s", no, md(cl.Due))
		}
		if !cl.Due.IsZero() {
			x.Due, x.Overdue = dayPtr(cl.Due), cl.Overdue
		}
		out = append(out, x)
	}
	return out, nil
}

// assignedSince tells whether r came to its unit after since: registered
// then, or reassigned to it then.
func (n *Notifier) assignedSince(ctx context.Context, r *foi.Request, since time.Time) (bool, error) {
	if r.CreatedAt.After(since) {
		return true, nil
	}
	if r.Version <= 1 {
		return false, nil
	}
	evs, err := n.Requests.Events(ctx, r.Number)
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		if e.Action == foi.ActReassign && e.At.After(since) {
			return true, nil
		}
	}
	return false, nil
}

// publications tells a unit's writers of drafts returned to them and of
// publications taken down, and its reviewers of what waits for review.
func (n *Notifier) publications(ctx context.Context, unit, me string, now time.Time, write, review bool) ([]Notice, error) {
	pubs, err := n.Pubs.FindPublications(ctx, catalog.PubFilter{UnitCode: unit, Limit: 500,
		Statuses: []catalog.PubStatus{catalog.PubDraft, catalog.PubSubmitted, catalog.PubTakenDown}})
	if err != nil {
		return nil, err
	}
	since := now.Add(-newWithin)
	var out []Notice
	waiting, waitingNew := 0, false
	for _, p := range pubs {
		link := "/admin/publications/" + strconv.FormatInt(p.ID, 10)
		switch {
		case p.Status == catalog.PubDraft && p.StatusReason != "" && write:
			// The leader who returned it is not told of their own return.
			if by, err := n.returnedBy(ctx, p.ID); err != nil {
				return nil, err
			} else if by == me {
				continue
			}
			out = append(out, Notice{Kind: KindReturned, Unit: unit, Link: link, New: p.UpdatedAt.After(since),
				Text: "《" + p.Title + "》被退回：" + p.StatusReason})
		case p.Status == catalog.PubSubmitted && review && p.SubmittedBy != me:
			waiting++
			waitingNew = waitingNew || p.UpdatedAt.After(since)
		case p.Status == catalog.PubTakenDown && write:
			x := Notice{Kind: KindTakedown, Unit: unit, Link: link, New: p.UpdatedAt.After(since),
				Text: "《" + p.Title + "》已被县政务公开办撤下：" + p.StatusReason}
			if p.StatusNote != "" {
				x.Text += "（" + p.StatusNote + "）"
			}
			if p.RectifyDue != nil {
				x.Due = dayPtr(*p.RectifyDue)
				x.Overdue = dayOf(now).After(*x.Due)
				x.Text += "，须于" + md(*x.Due) + "前整改"
			}
			out = append(out, x)
		}
	}
	if waiting > 0 {
		out = append(out, Notice{Kind: KindReview, Unit: unit, Link: "/admin/review", New: waitingNew,
			Text: fmt.Sprintf("%d条信息等待审核", waiting)})
	}
	return out, nil
}

// returnedBy is who last returned a publication ("" if nobody did).
func (n *Notifier) returnedBy(ctx context.Context, id int64) (string, error) {
	evs, err := n.Pubs.FindEvents(ctx, id)
	if err != nil {
		return "", err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == catalog.StepReject {
			return evs[i].Actor, nil
		}
	}
	return "", nil
}

// reviewWait is how long a submission waits before the county office is
// told of it.
const reviewWait = 2 // working days

// waitingReview tells the county office of the submissions waiting more
// than reviewWait working days, across the county.
func (n *Notifier) waitingReview(ctx context.Context, now time.Time) ([]Notice, error) {
	pubs, err := n.Pubs.FindPublications(ctx, catalog.PubFilter{Statuses: []catalog.PubStatus{catalog.PubSubmitted}, Limit: 500})
	if err != nil {
		return nil, err
	}
	late := 0
	for _, p := range pubs {
		due, err := n.Calendar.Provisional().AddWorkdays(dayOf(p.UpdatedAt), reviewWait)
		if err != nil {
			return nil, err
		}
		if dayOf(now).After(due) {
			late++
		}
	}
	if late == 0 {
		return nil, nil
	}
	return []Notice{{Kind: KindReview, Link: "/admin/review", Overdue: true,
		Text: fmt.Sprintf("%d条信息提交后超过%d个工作日仍未审核（可能本单位无其他负责人）", late, reviewWait)}}, nil
}

// items tells of a unit's periodic items falling due within ItemWarnDays
// (one notice each, up to maxPerKind) and of those overdue (one notice).
func (n *Notifier) items(ctx context.Context, unit string, now time.Time) ([]Notice, error) {
	items, err := n.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: unit})
	if err != nil {
		return nil, err
	}
	today := dayOf(now)
	var soon []Notice
	overdue := 0
	for _, it := range items {
		if it.NotApplicable() {
			continue
		}
		switch it.FreshnessAt(now) {
		case catalog.FreshOverdue:
			overdue++
		case catalog.FreshOK:
			due, ok := it.DueAt()
			if !ok {
				continue
			}
			d := dayOf(due)
			if d.Sub(today) > ItemWarnDays*24*time.Hour {
				continue
			}
			soon = append(soon, Notice{Kind: KindItem, Unit: unit, Link: "/admin/items/" + strconv.FormatInt(it.ID, 10), Due: &d,
				Text: "“" + it.Path() + "”应于" + md(d) + "前更新（" + it.TimeLimitText + "）"})
		}
	}
	sort.SliceStable(soon, func(i, j int) bool { return soon[i].Due.Before(*soon[j].Due) })
	if len(soon) > maxPerKind {
		rest := len(soon) - maxPerKind
		soon = append(soon[:maxPerKind], Notice{Kind: KindItem, Unit: unit, Link: "/admin/units/" + url.PathEscape(unit) + "?due=soon",
			Text: fmt.Sprintf("另有%d个事项将在%d天内到期", rest, ItemWarnDays)})
	}
	if overdue > 0 {
		soon = append(soon, Notice{Kind: KindItem, Unit: unit, Link: "/admin/units/" + url.PathEscape(unit) + "?fresh=overdue", Overdue: true,
			Text: fmt.Sprintf("%d个事项已超过公开时限未更新", overdue)})
	}
	return soon, nil
}

// rectify tells of the newest issued bulletin while its rectification
// deadline has not passed: each of the person's units it named, what it
// found; the county's inspectors, how many units must rectify.
func (n *Notifier) rectify(ctx context.Context, mine map[string]bool, inspector bool, names map[string]string, now time.Time) ([]Notice, error) {
	if len(mine) == 0 && !inspector {
		return nil, nil
	}
	qs, err := n.Reports.IssuedQuarters(ctx)
	if err != nil || len(qs) == 0 {
		return nil, err
	}
	latest := qs[0]
	for _, q := range qs[1:] {
		if q.Year > latest.Year || q.Year == latest.Year && q.N > latest.N {
			latest = q
		}
	}
	rep, err := n.Reports.Issued(ctx, latest)
	if err != nil {
		return nil, err
	}
	by := dayOf(rep.RectifyBy)
	today := dayOf(now)
	if today.After(by) {
		return nil, nil
	}
	fresh := rep.Issued != nil && rep.Issued.After(now.Add(-newWithin))
	link := "/admin/inspections/" + latest.String()
	quarter := fmt.Sprintf("%d年%s", latest.Year, latest.Name())
	var out []Notice
	named := 0
	for _, u := range rep.Units {
		if len(u.Findings) == 0 {
			continue
		}
		named++
		if mine[u.Code] {
			// The unit's staff do not read the inspection page: the link is
			// their catalogue's columns past their time limit.
			out = append(out, Notice{Kind: KindRectify, Unit: u.Code, UnitName: names[u.Code], Due: &by, New: fresh,
				Link: "/admin/units/" + url.PathEscape(u.Code) + "?fresh=overdue",
				Text: quarter + "通报指出：" + u.Text + "。须于" + md(by) + "前整改"})
		}
	}
	if inspector && named > 0 {
		out = append(out, Notice{Kind: KindRectify, Link: link, Due: &by, New: fresh,
			Text: fmt.Sprintf("%s通报的%d个单位须于%s前整改", quarter, named, md(by))})
	}
	return out, nil
}

// orders tells a unit's staff of its hotline orders waiting for it — to
// claim, to answer — with their deadlines, from the day before (the
// seed's 提前催办), and of all as they arrive; the county office's staff
// also of those to dispatch, to check and to call back.
func (n *Notifier) orders(ctx context.Context, unit string, now time.Time) ([]Notice, error) {
	os, err := n.Orders.FindOrders(ctx, hotline.Filter{Unit: unit, Open: true})
	if err != nil {
		return nil, err
	}
	office := ""
	if n.Office != nil {
		if office, err = n.Office(ctx); err != nil {
			return nil, err
		}
	}
	if unit == office {
		for _, f := range []hotline.Filter{{State: hotline.Received}, {State: hotline.Replied}, {AwaitingCallback: true}} {
			desk, err := n.Orders.FindOrders(ctx, f)
			if err != nil {
				return nil, err
			}
			os = append(os, desk...)
		}
	}
	// The most pressing first, so that those cut past maxPerKind are the
	// least: the earliest deadline, then the oldest.
	deadline := func(o hotline.Order) time.Time {
		switch {
		case o.State == hotline.Transferred && o.ClaimDue != nil:
			return *o.ClaimDue
		case o.State == hotline.Handling && o.Due != nil:
			return *o.Due
		}
		return o.ReceivedAt
	}
	sort.SliceStable(os, func(i, j int) bool { return deadline(os[i]).Before(deadline(os[j])) })
	today := dayOf(now)
	var out []Notice
	seen := map[string]bool{}
	for _, o := range os {
		if seen[o.Number+string(o.State)] || len(out) >= maxPerKind {
			continue
		}
		seen[o.Number+string(o.State)] = true
		x := Notice{Kind: KindOrder, Unit: unit, Link: "/admin/orders/" + url.PathEscape(o.Number)}
		var due *time.Time
		switch {
		case o.State == hotline.Transferred && o.UnitCode == unit:
			x.Text, due = "待认领："+o.Title, o.ClaimDue
			x.New = o.TransferredAt != nil && o.TransferredAt.After(now.Add(-newWithin))
		case o.State == hotline.Handling && o.UnitCode == unit:
			x.Text, due = "待答复："+o.Title, o.Due
		case o.State == hotline.Received:
			x.Text, x.New = "待派单："+o.Title, o.ReceivedAt.After(now.Add(-newWithin))
		case o.State == hotline.Replied:
			x.Text = "答复待审核：" + o.Title
		case o.State == hotline.Closed:
			x.Text = "待回访：" + o.Title
		default:
			continue
		}
		x.Text = o.Number + " " + x.Text
		if due != nil {
			d := dayOf(*due)
			x.Due, x.Overdue = &d, today.After(d)
			warn, err := n.Calendar.Provisional().AddWorkdays(today, 1)
			if err != nil {
				return nil, err
			}
			if !x.New && d.After(warn) {
				continue // not yet: from the working day before its deadline
			}
			switch {
			case x.Overdue:
				x.Text += "（已逾期，期限" + md(d) + "）"
			case d.Equal(today):
				x.Text += "（今天到期）"
			default:
				x.Text += "（期限" + md(d) + "）"
			}
		}
		out = append(out, x)
	}
	return out, nil
}
