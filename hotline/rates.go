package hotline

import (
	"context"
	"math"
	"sort"
	"time"
)

// Deduction is one line of the rubric applied: so many cases, so many
// points each, capped at the line's weight.
type Deduction struct {
	Rule   string   `json:"rule"`
	Count  int      `json:"count"`
	Each   float64  `json:"each"`
	Points float64  `json:"points"`
	Cap    float64  `json:"cap"`
	Orders []string `json:"orders,omitempty"`
}

// Rates are a unit's (or the county's, Unit "") figures for the orders
// received in [From, To), as they stand now, and the rubric's deductions.
type Rates struct {
	Unit string    `json:"unit,omitempty"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Received: the county's every order; a unit's, those it handles.
	Received    int `json:"received"`
	Direct      int `json:"direct"`
	Transferred int `json:"transferred"`
	// Returned: sent back by the unit (申退); claims and replies on time
	// and late are the unit's own, counted once an order (late if any of
	// its was).
	Returned      int `json:"returned"`
	ReturnedLate  int `json:"returned_late"`
	ClaimedOnTime int `json:"claimed_on_time"`
	ClaimedLate   int `json:"claimed_late"`
	Replied       int `json:"replied"`
	RepliedOnTime int `json:"replied_on_time"`
	RepliedLate   int `json:"replied_late"`
	Closed        int `json:"closed"`
	ClosedOnTime  int `json:"closed_on_time"`
	ClosedLate    int `json:"closed_late"`
	StillOpen     int `json:"still_open"`
	// Callbacks: reached (satisfied, basic, unsatisfied) and not.
	Satisfied   int `json:"satisfied"`
	Basic       int `json:"basic"`
	Unsatisfied int `json:"unsatisfied"`
	Unreachable int `json:"unreachable"`
	// Redos: answers returned for redoing (退回重办), Untrue of them for an
	// untrue answer.
	Redos      int `json:"redos"`
	Untrue     int `json:"untrue"`
	Repeats    int `json:"repeat_complaints"`
	Reminders  int `json:"reminders"`
	Supervised int `json:"supervised"`
	Leaks      int `json:"leaks"`
	// Reopened: orders whose first callback was unsatisfied (then handled
	// again; satisfaction counts the last callback).
	Reopened int `json:"reopened"`
	// Rates in percent, one decimal: 办结率 closed/handled, 反馈率
	// replied/handled, 回访率 reached/closed, satisfaction
	// (satisfied+basic)/reached; 100 when there is nothing to divide.
	ClosedRate   float64 `json:"closed_rate"`
	FeedbackRate float64 `json:"feedback_rate"`
	CallbackRate float64 `json:"callback_rate"`
	Satisfaction float64 `json:"satisfaction"`
	// Deductions by the seed's 12345 rubric, and the score of the lines
	// computed from orders: 100 less them. The rubric's other lines
	// (工作机制, 依法合规, 首接责任, 负面影响 …) are judged by hand.
	Deductions []Deduction `json:"deductions"`
	Score      float64     `json:"score"`
}

func pct(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return math.Round(float64(n)*1000/float64(d)) / 10
}

// ComputeRates figures a unit's rates (unit "" for the county) from the
// orders received in the period, their histories, and the earlier orders
// the repeats name (by number).
func ComputeRates(orders []Order, events map[string][]Event, earlier map[string]Order, unit string, rules Rules, from, to time.Time) Rates {
	r := Rates{Unit: unit, From: from, To: to}
	var lateClaims, lateReplies, redos, untrue, repeats, leaks []string
	mine := func(o Order) bool { return unit == "" || o.UnitCode == unit }
	for _, o := range orders {
		transferred := false
		// Claims and replies count once an order: late if any was.
		claimed, claimLate, replied, replyLate := false, false, false, false
		for _, e := range events[o.Number] {
			ours := unit == "" || e.Unit == unit
			switch e.Action {
			case ActTransfer:
				transferred = true
			case ActReturn:
				if ours {
					r.Returned++
					if e.Late {
						r.ReturnedLate++
						lateReplies = append(lateReplies, o.Number)
					}
				}
			case ActClaim:
				if ours {
					claimed, claimLate = true, claimLate || e.Late
				}
			case ActReply:
				if ours {
					replied, replyLate = true, replyLate || e.Late
				}
			case ActRedo:
				if ours {
					r.Redos++
					if e.Flag == "untrue" {
						r.Untrue++
						untrue = append(untrue, o.Number)
					} else {
						redos = append(redos, o.Number)
					}
				}
			case ActRemind:
				if ours {
					r.Reminders++
				}
			case ActSupervise:
				if ours {
					r.Supervised++
				}
			case ActLeak:
				if ours {
					r.Leaks++
					leaks = append(leaks, o.Number)
				}
			}
		}
		switch {
		case claimLate:
			r.ClaimedLate++
			lateClaims = append(lateClaims, o.Number)
		case claimed:
			r.ClaimedOnTime++
		}
		switch {
		case replyLate:
			r.RepliedLate++
			lateReplies = append(lateReplies, o.Number)
		case replied:
			r.RepliedOnTime++
		}
		if e, ok := earlier[o.RepeatOf]; ok && e.Untrue > 0 && (unit == "" || e.UnitCode == unit) {
			r.Repeats++
			repeats = append(repeats, o.Number)
		}
		if unit == "" {
			r.Received++
			if o.Direct {
				r.Direct++
			}
			if transferred {
				r.Transferred++
			}
		} else if o.UnitCode == unit {
			r.Received++
			r.Transferred++
		}
		if !mine(o) || (unit == "" && o.Direct) {
			continue
		}
		if o.UnitCode == "" && unit == "" && o.State == Received {
			r.StillOpen++
			continue
		}
		if o.RepliedAt != nil {
			r.Replied++
		}
		if o.State == Closed {
			r.Closed++
			if o.LateReply {
				r.ClosedLate++
			} else {
				r.ClosedOnTime++
			}
		} else {
			r.StillOpen++
		}
		if o.Reopened {
			r.Reopened++
		}
		switch o.Callback {
		case Satisfied:
			r.Satisfied++
		case Basic:
			r.Basic++
		case Unsatisfied:
			r.Unsatisfied++
		case Unreachable:
			r.Unreachable++
		}
	}
	handled := r.Transferred
	if unit == "" {
		// The county's direct answers are replied and closed at once.
		r.Replied, r.Closed, r.ClosedOnTime = r.Replied+r.Direct, r.Closed+r.Direct, r.ClosedOnTime+r.Direct
		handled = r.Received
	}
	reached := r.Satisfied + r.Basic + r.Unsatisfied
	r.ClosedRate, r.FeedbackRate = pct(r.Closed, handled), pct(r.Replied, handled)
	r.CallbackRate, r.Satisfaction = pct(reached, r.Closed), pct(r.Satisfied+r.Basic, reached)
	add := func(rule string, n int, each, cap float64, which []string) {
		if n == 0 {
			return
		}
		sort.Strings(which)
		r.Deductions = append(r.Deductions, Deduction{Rule: rule, Count: n, Each: each, Points: math.Min(float64(n)*each, cap), Cap: cap, Orders: which})
	}
	add("认领时限：认领逾期，超过1天未认领", r.ClaimedLate, 2, 4, lateClaims)
	add("办理时限：未在规定时限内完成签收、申退或提交回复", r.RepliedLate+r.ReturnedLate, 0.5, 8, lateReplies)
	add("办理规范：反馈内容答复简单不规范，退回重办", r.Redos-r.Untrue, 1, 8, redos)
	if r.Untrue+r.Repeats > 0 {
		pts := math.Min(float64(r.Untrue)*2+float64(r.Repeats), 5)
		r.Deductions = append(r.Deductions, Deduction{Rule: "真实有效：回复意见不真实，经审核后退回重新办理（导致重复投诉的每次加扣1分）",
			Count: r.Untrue, Each: 2, Points: pts, Cap: 5, Orders: append(untrue, repeats...)})
	}
	add("保密要求：泄露投诉人身份等信息", r.Leaks, 2, 6, leaks)
	if target := float64(rules.SatisfactionTarget); reached > 0 && r.Satisfaction < target {
		short := math.Ceil(target - r.Satisfaction - 1e-9)
		r.Deductions = append(r.Deductions, Deduction{Rule: "办理成效：群众满意度低于目标，每低一个百分点", Count: int(short), Each: 1, Points: math.Min(short, 4), Cap: 4})
	}
	r.Score = 100
	for _, d := range r.Deductions {
		r.Score -= d.Points
	}
	return r
}

// Rates are the figures of orders received in [from, to): the county's
// (unit "") or a unit's, split into the provincial hotline's orders and
// the county's own, and the score weighing them 40% and 60% as the seed's
// 考评方案 does.
type RatesReport struct {
	Rates
	// Provincial are the orders from above (省长热线等), Local the county's
	// own 12345 and mailbox; Weighted is 0.4×Provincial.Score +
	// 0.6×Local.Score.
	Provincial Rates   `json:"provincial"`
	Local      Rates   `json:"local"`
	Weighted   float64 `json:"weighted_score"`
}

// period is what the rates of a period are computed from.
type period struct {
	rules    Rules
	orders   []Order
	events   map[string][]Event
	earlier  map[string]Order
	from, to time.Time
}

func (d *Desk) period(ctx context.Context, from, to time.Time) (*period, error) {
	rules, err := d.Orders.Rules(ctx)
	if err != nil {
		return nil, err
	}
	orders, err := d.Orders.FindOrders(ctx, Filter{ReceivedFrom: from, ReceivedTo: to, Brief: true})
	if err != nil {
		return nil, err
	}
	numbers := make([]string, len(orders))
	var repeatOf []string
	for i, o := range orders {
		numbers[i] = o.Number
		if o.RepeatOf != "" {
			repeatOf = append(repeatOf, o.RepeatOf)
		}
	}
	events, err := d.Orders.EventsOf(ctx, numbers)
	if err != nil {
		return nil, err
	}
	earlier := map[string]Order{}
	if len(repeatOf) > 0 {
		os, err := d.Orders.FindOrders(ctx, Filter{Numbers: repeatOf})
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			earlier[o.Number] = o
		}
	}
	return &period{rules: rules, orders: orders, events: events, earlier: earlier, from: from, to: to}, nil
}

func (p *period) report(unit string) RatesReport {
	var prov, local []Order
	for _, o := range p.orders {
		if o.Channel == Provincial {
			prov = append(prov, o)
		} else {
			local = append(local, o)
		}
	}
	rep := RatesReport{Rates: ComputeRates(p.orders, p.events, p.earlier, unit, p.rules, p.from, p.to),
		Provincial: ComputeRates(prov, p.events, p.earlier, unit, p.rules, p.from, p.to), Local: ComputeRates(local, p.events, p.earlier, unit, p.rules, p.from, p.to)}
	rep.Weighted = math.Round((0.4*rep.Provincial.Score+0.6*rep.Local.Score)*100) / 100
	return rep
}

// units are the units an order of the period concerned: handled, sent
// back, or reminded.
func (p *period) units() []string {
	seen := map[string]bool{}
	for _, o := range p.orders {
		if o.UnitCode != "" {
			seen[o.UnitCode] = true
		}
		for _, e := range p.events[o.Number] {
			if e.Unit != "" {
				seen[e.Unit] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Rates computes a RatesReport for a unit ("" for the county).
func (d *Desk) Rates(ctx context.Context, unit string, from, to time.Time) (RatesReport, error) {
	p, err := d.period(ctx, from, to)
	if err != nil {
		return RatesReport{}, err
	}
	return p.report(unit), nil
}

// UnitRates are the RatesReports of every unit an order received in
// [from, to) concerned, by unit code: the monthly bulletin's rows, and
// the hotline's part of the annual score.
func (d *Desk) UnitRates(ctx context.Context, from, to time.Time) (map[string]RatesReport, error) {
	p, err := d.period(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := map[string]RatesReport{}
	for _, u := range p.units() {
		out[u] = p.report(u)
	}
	return out, nil
}

// BulletinRow is one unit's line of the monthly bulletin (县"12345"政府
// 服务热线（含政民互动）转办情况, the seed's 附件3), with its rates.
type BulletinRow struct {
	Unit string
	RatesReport
	// OverdueOpen: still open past a deadline today; Interactive: the
	// messages among them (政民互动: online, mailbox, kiosk).
	OverdueOpen, Interactive int
}

// Bulletin is the rows of the units an order received in [from, to)
// concerned, most dispatched first, as the county lists them.
func (d *Desk) Bulletin(ctx context.Context, from, to, now time.Time) ([]BulletinRow, error) {
	p, err := d.period(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var rows []BulletinRow
	for _, u := range p.units() {
		r := BulletinRow{Unit: u, RatesReport: p.report(u)}
		for i := range p.orders {
			o := &p.orders[i]
			if o.UnitCode != u {
				continue
			}
			if o.Channel == Online || o.Channel == Mailbox || o.Channel == Kiosk {
				r.Interactive++
			}
			if _, late, err := o.OverdueAt(d.Calendar, now); err == nil && late {
				r.OverdueOpen++
			}
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Transferred > rows[j].Transferred })
	return rows, nil
}
