package hotline_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/workday"
)

func at(day string, hour int) time.Time {
	d, err := time.ParseInLocation("2006-01-02", day, catalog.Shanghai)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

func order() hotline.Order {
	return hotline.Order{Number: "GD2026-00001", Channel: hotline.Kiosk, Category: hotline.Complaint, Caller: hotline.Caller{Name: "张三", Phone: "13905631234"},
		Title: "路灯不亮", Content: "旌阳镇文化路的路灯一周不亮了。", State: hotline.Received}
}

const goodReply = "经现场核实，文化路3盏路灯线路老化，已于今日更换线路并恢复照明。"

// TestLoop walks an order round the loop of 国办发〔2020〕53号 and checks
// each step's dates on the statutory calendar and what the rubric counts.
func TestLoop(t *testing.T) {
	cal, rules := workday.New(), hotline.DefaultRules()
	o := order()
	step := func(s hotline.Step, now time.Time) {
		t.Helper()
		if err := hotline.Apply(&o, s, "某人", rules, cal, now); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
	refused := func(s hotline.Step, now time.Time, code string) {
		t.Helper()
		if err := hotline.Apply(&o, s, "某人", rules, cal, now); catalog.ErrorCode(err) != code {
			t.Fatalf("%s in %s: %v, want %s", s.Action, o.State, err, code)
		}
	}
	refused(hotline.Step{Action: hotline.ActClaim}, at("2026-12-01", 9), catalog.ECONFLICT)
	refused(hotline.Step{Action: hotline.ActTransfer}, at("2026-12-01", 9), catalog.EINVALID)
	step(hotline.Step{Action: hotline.ActTransfer, Unit: "jingyang"}, at("2026-12-01", 9)) // Tuesday
	if o.State != hotline.Transferred || !o.ClaimDue.Equal(at("2026-12-02", 0)) {
		t.Fatalf("transferred: %s, claim due %v", o.State, o.ClaimDue)
	}
	refused(hotline.Step{Action: hotline.ActReturn}, at("2026-12-01", 10), catalog.EINVALID)
	step(hotline.Step{Action: hotline.ActReturn, Reason: "不属本镇职责：路灯由县城管局维护"}, at("2026-12-01", 10))
	if o.State != hotline.Received || o.UnitCode != "" || o.Returns != 1 || o.ClaimDue != nil {
		t.Fatalf("returned: %+v", o)
	}
	step(hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, at("2026-12-01", 11))
	step(hotline.Step{Action: hotline.ActClaim}, at("2026-12-03", 8)) // a day late
	if !o.LateClaim || !o.Due.Equal(at("2026-12-08", 0)) {
		t.Fatalf("claimed late on Thursday: late %v, due %v (3 working days: Tuesday the 8th)", o.LateClaim, o.Due)
	}
	for _, text := range []string{"", "已解释。", "已处理", "好的，知道了"} {
		refused(hotline.Step{Action: hotline.ActReply, Text: text}, at("2026-12-04", 9), catalog.EINVALID)
	}
	step(hotline.Step{Action: hotline.ActReply, Text: goodReply}, at("2026-12-04", 9))
	if o.LateReply || o.State != hotline.Replied {
		t.Fatalf("replied on time: %+v", o)
	}
	step(hotline.Step{Action: hotline.ActRedo, Reason: "经回访核实，路灯仍未修复", Untrue: true}, at("2026-12-04", 15))
	if o.Redos != 1 || o.Untrue != 1 || o.State != hotline.Handling || !o.Due.Equal(at("2026-12-09", 0)) {
		t.Fatalf("redo: %+v", o)
	}
	step(hotline.Step{Action: hotline.ActExtend, Days: 2, Reason: "需更换变压器，已告知来电人"}, at("2026-12-07", 9))
	if !o.Due.Equal(at("2026-12-11", 0)) {
		t.Fatalf("extended by 2 working days: due %v", o.Due)
	}
	refused(hotline.Step{Action: hotline.ActExtend, Days: 1, Reason: "再延"}, at("2026-12-07", 9), catalog.ECONFLICT)
	step(hotline.Step{Action: hotline.ActReply, Text: goodReply + "变压器已更换。"}, at("2026-12-14", 9)) // Monday after the Friday due
	if !o.LateReply {
		t.Error("a reply after its due day is not late")
	}
	step(hotline.Step{Action: hotline.ActClose}, at("2026-12-14", 10))
	step(hotline.Step{Action: hotline.ActCallback, Result: hotline.Unsatisfied}, at("2026-12-15", 9))
	if o.State != hotline.Handling || !o.Reopened || o.ClosedAt != nil {
		t.Fatalf("a first dissatisfied callback reopens it: %+v", o)
	}
	step(hotline.Step{Action: hotline.ActReply, Text: goodReply + "已再次上门说明。"}, at("2026-12-15", 15))
	o.Publish = true
	step(hotline.Step{Action: hotline.ActClose, Withhold: true}, at("2026-12-15", 16))
	if o.Publish {
		t.Error("closed withheld, still to be published")
	}
	step(hotline.Step{Action: hotline.ActCallback, Result: hotline.Unsatisfied}, at("2026-12-16", 9))
	if o.State != hotline.Closed || o.Callback != hotline.Unsatisfied {
		t.Fatalf("only once: %+v", o)
	}
	refused(hotline.Step{Action: hotline.ActCallback, Result: hotline.Satisfied}, at("2026-12-16", 10), catalog.ECONFLICT)
}

// TestOverdueOnTheStatutoryCalendar: a deadline before a holiday is
// overdue the next working day, and by working days after.
func TestOverdueOnTheStatutoryCalendar(t *testing.T) {
	cal := workday.New()
	o := order()
	o.State, o.ClaimDue = hotline.Transferred, ptr(at("2026-09-30", 0)) // the day before 国庆
	for _, c := range []struct {
		now  time.Time
		late bool
		days int
	}{{at("2026-09-30", 23), false, 0}, {at("2026-10-01", 9), true, 0}, {at("2026-10-08", 9), true, 1}, {at("2026-10-12", 9), true, 4}} { // 10-10, a Saturday, is worked
		od, late, err := o.OverdueAt(cal, c.now)
		if err != nil || late != c.late || od.Days != c.days {
			t.Errorf("%v: late %v after %d working days (%v), want %v, %d", c.now, late, od.Days, err, c.late, c.days)
		}
	}
}

func ptr(t time.Time) *time.Time { return &t }

func TestValidateNamesTheField(t *testing.T) {
	for field, change := range map[string]func(*hotline.Order){
		"channel":      func(o *hotline.Order) { o.Channel = "fax" },
		"category":     func(o *hotline.Order) { o.Category = "" },
		"title":        func(o *hotline.Order) { o.Title = " " },
		"content":      func(o *hotline.Order) { o.Content = string(make([]rune, hotline.MaxContent+1)) },
		"caller_phone": func(o *hotline.Order) { o.Phone = "12345" },
		"caller_name":  func(o *hotline.Order) { o.Name = "" },
		"repeat_of":    func(o *hotline.Order) { o.RepeatOf = "第17号" },
	} {
		o := order()
		change(&o)
		var e *catalog.Error
		if err := o.Validate(); err == nil || !asError(err, &e) || e.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	o := order()
	o.Phone, o.RepeatOf = "１３９ ０５６３ １２３４", "gd2026-17"
	if err := o.Validate(); err != nil || o.Phone != "13905631234" || o.RepeatOf != "GD2026-00017" {
		t.Errorf("typed forms: %v %q %q", err, o.Phone, o.RepeatOf)
	}
	if m := o.Masked(); m.Name != "张三" || m.Phone != "139****1234" {
		t.Errorf("masked: %q %q", m.Name, m.Phone)
	}
	o.Content, o.Reply = "张三反映：身份证11010519491231002X，电话13905631234。", "已联系张三。"
	if p := o.Public(); p.Name != "张*" || p.Phone != "" || p.Address != "" || p.Content != "张*反映：身份证110***********002X，电话***********。" || p.Reply != "已联系张*。" {
		t.Errorf("public: %+v", p)
	}
}

func asError(err error, e **catalog.Error) bool {
	v, ok := err.(*catalog.Error)
	*e = v
	return ok
}

// TestRatesByTheRubric: the seed's deductions — a late claim 2, a late
// reply 0.5, a plain redo 1, an untrue reply 2 and 1 more for the
// complaint it brought back, satisfaction below 90% 1 a point — and the
// rates of a unit beside the county's.
func TestRatesByTheRubric(t *testing.T) {
	closedAt := at("2026-10-10", 9)
	mk := func(n, unit string, direct bool, cb hotline.Callback, lateClaim, lateReply bool) (hotline.Order, []hotline.Event) {
		o := order()
		o.Number, o.UnitCode, o.Direct, o.State, o.Callback, o.RepliedAt, o.ClosedAt, o.LateReply = n, unit, direct, hotline.Closed, cb, &closedAt, &closedAt, lateReply
		if direct {
			return o, nil
		}
		return o, []hotline.Event{{Action: hotline.ActTransfer, Unit: unit}, {Action: hotline.ActClaim, Unit: unit, Late: lateClaim},
			{Action: hotline.ActReply, Unit: unit, Late: lateReply}, {Action: hotline.ActClose, Unit: unit}}
	}
	events := map[string][]hotline.Event{}
	var orders []hotline.Order
	add := func(o hotline.Order, ev []hotline.Event) {
		orders = append(orders, o)
		events[o.Number] = ev
	}
	add(mk("GD2026-00001", "", true, hotline.Satisfied, false, false))
	o2, ev2 := mk("GD2026-00002", "cgj", false, hotline.Satisfied, true, false)
	add(o2, append(ev2, hotline.Event{Action: hotline.ActLeak, Unit: "cgj"}))
	add(mk("GD2026-00003", "cgj", false, hotline.Basic, false, true))
	o4, ev4 := mk("GD2026-00004", "cgj", false, hotline.Unsatisfied, false, false)
	ev4 = append(ev4[:3], hotline.Event{Action: hotline.ActRedo, Unit: "cgj"}, hotline.Event{Action: hotline.ActRedo, Unit: "cgj", Flag: "untrue"}, ev4[2])
	o4.Untrue = 1
	add(o4, ev4)
	o5, ev5 := mk("GD2026-00005", "cgj", false, hotline.Unreachable, false, false)
	o5.RepeatOf = "GD2026-00004"
	add(o5, ev5)
	o6, ev6 := mk("GD2026-00006", "jingyang", false, "", false, false)
	o6.State, o6.ClosedAt, o6.RepliedAt = hotline.Handling, nil, nil
	add(o6, append([]hotline.Event{{Action: hotline.ActTransfer, Unit: "cgj"}, {Action: hotline.ActReturn, Unit: "cgj"}}, ev6[:2]...))
	earlier := map[string]hotline.Order{"GD2026-00004": o4}
	r := hotline.ComputeRates(orders, events, earlier, "cgj", hotline.DefaultRules(), at("2026-10-01", 0), at("2027-01-01", 0))
	if r.Received != 4 || r.Returned != 1 || r.ClaimedLate != 1 || r.ClaimedOnTime != 3 || r.RepliedLate != 1 || r.Closed != 4 || r.ClosedLate != 1 ||
		r.Redos != 2 || r.Untrue != 1 || r.Repeats != 1 || r.Unreachable != 1 || r.Leaks != 1 {
		t.Fatalf("counts: %+v", r)
	}
	if r.ClosedRate != 100 || r.CallbackRate != 75 || r.Satisfaction != 66.7 {
		t.Errorf("rates: closed %v, callback %v, satisfaction %v", r.ClosedRate, r.CallbackRate, r.Satisfaction)
	}
	want := map[string]float64{"认领时限": 2, "办理时限": 0.5, "办理规范": 1, "真实有效": 3, "办理成效": 4, "保密要求": 2} // 24 points short of 90%, capped at 4
	for _, d := range r.Deductions {
		if w, ok := want[[]string{d.Rule[:12]}[0]]; !ok || w != d.Points {
			t.Errorf("%s: %v points", d.Rule, d.Points)
		}
		delete(want, d.Rule[:12])
	}
	if len(want) != 0 || r.Score != 100-2-0.5-1-3-4-2 {
		t.Errorf("missing %v; score %v", want, r.Score)
	}
	c := hotline.ComputeRates(orders, events, earlier, "", hotline.DefaultRules(), at("2026-10-01", 0), at("2027-01-01", 0))
	if c.Received != 6 || c.Direct != 1 || c.Transferred != 5 || c.Closed != 5 || c.StillOpen != 1 || c.FeedbackRate != 83.3 || c.ClosedRate != 83.3 {
		t.Errorf("county: %+v", c)
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]string{"GD2026-00017": "GD2026-00017", "gd2026-17": "GD2026-00017", "２０２６００１７": "GD2026-00017",
		"2026-00017": "GD2026-00017", " GD 2026-00017 ": "GD2026-00017", "202600017": "GD2026-00017"} {
		if got, err := hotline.ParseNumber(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"", "GD", "GD2026-", "2026", "GD2026-0", "GD2026-+1", "GD1999-00001", "GD2026-00001-2", "GD2026-1234567890"} {
		if got, err := hotline.ParseNumber(in); err == nil {
			t.Errorf("%q read as %q", in, got)
		}
	}
}

type countThrottle struct{ n, limit int }

func (c *countThrottle) Take(context.Context, string, string, time.Time) (time.Time, int, bool) {
	c.n++
	return time.Time{}, c.n, c.n <= c.limit
}
func (c *countThrottle) Limit() int                     { return c.limit }
func (c *countThrottle) Refund(context.Context, string) { c.n-- }

type memOrders struct {
	hotline.Service
	made []hotline.Order
}

func (m *memOrders) Create(_ context.Context, o *hotline.Order, _ catalog.Actor) error {
	o.Number = hotline.FormatNumber(2026, len(m.made)+1)
	m.made = append(m.made, *o)
	return nil
}

// TestScreenMessagesHaveTheirOwnAllowance: a registered kiosk screen, where
// residents write one after another, is counted apart from a single
// address, and a message over the allowance is refused before it is made.
func TestScreenMessagesHaveTheirOwnAllowance(t *testing.T) {
	store := &memOrders{}
	one, screen := &countThrottle{limit: 1}, &countThrottle{limit: 3}
	d := &hotline.Desk{Orders: store, Messages: one, ScreenMessages: screen, AddressKey: func(ip string) string { return ip },
		IsScreen: func(_ context.Context, ip string) bool { return ip == "10.0.0.9" }}
	for i, c := range []struct {
		ip   string
		code string
	}{{"10.0.0.9", ""}, {"10.0.0.9", ""}, {"10.0.0.9", ""}, {"10.0.0.9", catalog.ERATELIMIT}, {"10.0.0.7", ""}, {"10.0.0.7", catalog.ERATELIMIT}} {
		o := order()
		if err := d.Leave(context.Background(), &o, hotline.Kiosk, c.ip); catalog.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("message %d from %s: %v, want %q", i, c.ip, err, c.code)
		}
	}
	if len(store.made) != 4 {
		t.Errorf("%d orders made, want 4", len(store.made))
	}
}

// TestWhatTheReviewFound: the holes a review found, each closed.
func TestWhatTheReviewFound(t *testing.T) {
	cal, rules := workday.New(), hotline.DefaultRules()
	apply := func(o *hotline.Order, s hotline.Step, now time.Time) {
		t.Helper()
		if err := hotline.Apply(o, s, "某人", rules, cal, now); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
	t.Run("ALandlineIsMaskedHoweverWritten", func(t *testing.T) {
		o := order()
		o.Phone, o.Title, o.Content = "05638021234", "来电0563-8021234", "请回电 ０５６３－８０２１２３４ 或 (0563) 8021234，谢谢"
		for _, x := range []hotline.Order{o.Public(), o.Audited()} {
			if strings.Contains(x.Title+x.Content, "8021234") || strings.Contains(x.Content, "８０２１２３４") {
				t.Errorf("the landline shows: %q %q", x.Title, x.Content)
			}
		}
		if p := o.Public(); !strings.Contains(p.Content, "***********") || strings.Contains(p.Content, "1234") {
			t.Errorf("masked as %q: the last four digits are the caller's proof", p.Content)
		}
		if a := o.Audited(); !strings.Contains(a.Content, "056****1234") {
			t.Errorf("audited as %q", a.Content)
		}
	})
	t.Run("ARedoKeepsTheExtensionGranted", func(t *testing.T) {
		o := order()
		apply(&o, hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, at("2026-12-01", 9))
		apply(&o, hotline.Step{Action: hotline.ActClaim}, at("2026-12-01", 10)) // due the 4th
		apply(&o, hotline.Step{Action: hotline.ActExtend, Days: 5, Reason: "需协调多个部门，已告知来电人"}, at("2026-12-02", 9))
		apply(&o, hotline.Step{Action: hotline.ActReply, Text: goodReply}, at("2026-12-03", 9))
		apply(&o, hotline.Step{Action: hotline.ActRedo, Reason: "未说明处理结果"}, at("2026-12-03", 10))
		if !o.Due.Equal(at("2026-12-11", 0)) || o.ExtensionDays != 5 {
			t.Errorf("due %v after the redo, extension %d", o.Due, o.ExtensionDays)
		}
	})
	t.Run("AReminderBeforeTheDeadlineLeavesTheOneAfter", func(t *testing.T) {
		o := order()
		apply(&o, hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, at("2026-12-01", 9)) // claim by the 2nd
		apply(&o, hotline.Step{Action: hotline.ActRemind, Reason: "提前催办"}, at("2026-12-02", 9))
		if o.Reminders != 1 || o.RemindedFor != nil {
			t.Errorf("an early reminder counted for the deadline: %v", o.RemindedFor)
		}
		apply(&o, hotline.Step{Action: hotline.ActRemind}, at("2026-12-03", 9))
		if o.RemindedFor == nil || !o.RemindedFor.Equal(at("2026-12-02", 0)) {
			t.Errorf("the reminder after the deadline: %v", o.RemindedFor)
		}
	})
	t.Run("ReturnedTheNextUnitStartsClean", func(t *testing.T) {
		o := order()
		apply(&o, hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, at("2026-12-01", 9))
		apply(&o, hotline.Step{Action: hotline.ActClaim}, at("2026-12-04", 9)) // late
		apply(&o, hotline.Step{Action: hotline.ActReturn, Reason: "不属本单位职责"}, at("2026-12-07", 9))
		if o.LateClaim || o.LateReply {
			t.Errorf("the late marks passed on: %+v", o)
		}
		if err := hotline.Apply(&o, hotline.Step{Action: hotline.ActLeak, Reason: "向被投诉人透露来电人姓名"}, "某人", rules, cal, at("2026-12-07", 10)); catalog.ErrorCode(err) != catalog.EINVALID {
			t.Errorf("a leak with no unit: %v", err)
		}
		apply(&o, hotline.Step{Action: hotline.ActLeak, Unit: "cgj", Reason: "向被投诉人透露来电人姓名"}, at("2026-12-07", 10))
		if o.Leaks != 1 {
			t.Errorf("leaks %d", o.Leaks)
		}
	})
	t.Run("WithheldFromPublicPages", func(t *testing.T) {
		o := order()
		o.Publish = true
		apply(&o, hotline.Step{Action: hotline.ActDirect, Text: goodReply, Withhold: true}, at("2026-12-01", 9))
		if o.Publish {
			t.Error("a direct answer withheld is public")
		}
		o2 := order()
		o2.Publish = true
		apply(&o2, hotline.Step{Action: hotline.ActDirect, Text: goodReply}, at("2026-12-01", 9))
		apply(&o2, hotline.Step{Action: hotline.ActWithhold}, at("2026-12-02", 9))
		if o2.Publish {
			t.Error("withheld after closing, still public")
		}
	})
}

type keyThrottle struct {
	n     map[string]int
	limit int
}

func (k *keyThrottle) Take(_ context.Context, key, _ string, _ time.Time) (time.Time, int, bool) {
	k.n[key]++
	return time.Time{}, k.n[key], k.n[key] <= k.limit
}
func (k *keyThrottle) Refund(_ context.Context, key string) { k.n[key]-- }
func (k *keyThrottle) Limit() int                           { return k.limit }

type findOrders struct {
	memOrders
}

func (f *findOrders) Find(_ context.Context, n string) (*hotline.Order, error) {
	for _, o := range f.made {
		if o.Number == n {
			return &o, nil
		}
	}
	return nil, catalog.Errorf(catalog.ENOTFOUND, "none")
}

func (f *findOrders) FindOrders(_ context.Context, flt hotline.Filter) ([]hotline.Order, error) {
	var out []hotline.Order
	for _, o := range f.made {
		if flt.SubmitKey == "" || o.SubmitKey == flt.SubmitKey {
			out = append(out, o)
		}
	}
	return out, nil
}

// TestResidentsPathIsNarrow: a resident cannot name an earlier order (a
// repeat costs the unit a point); a confirmed form's key hands back only
// the same message; wrong follow-up proofs are counted by order number as
// well as by address, right ones given back.
func TestResidentsPathIsNarrow(t *testing.T) {
	store := &findOrders{}
	store.memOrders.made = nil
	look := &keyThrottle{n: map[string]int{}, limit: 3}
	d := &hotline.Desk{Orders: store, Lookups: look, AddressKey: func(ip string) string { return ip }}
	ctx := context.Background()
	o := order()
	o.RepeatOf, o.SubmitKey = "GD2026-00001", strings.Repeat("a", 32)
	if err := d.Leave(ctx, &o, hotline.Kiosk, "10.0.0.1"); err != nil || o.RepeatOf != "" {
		t.Fatalf("leave: %v, repeat of %q", err, o.RepeatOf)
	}
	again := order()
	again.SubmitKey = o.SubmitKey
	if err := d.Leave(ctx, &again, hotline.Kiosk, "10.0.0.1"); err != nil || again.Number != o.Number || len(store.made) != 1 {
		t.Errorf("the same form twice: %v %q, %d orders", err, again.Number, len(store.made))
	}
	other := order()
	other.SubmitKey, other.Content = o.SubmitKey, "别人的留言内容，与前一条不同。"
	if err := d.Leave(ctx, &other, hotline.Kiosk, "10.0.0.1"); catalog.ErrorCode(err) != catalog.EINVALID || other.Token != "" && other.Token == store.made[0].Token {
		t.Errorf("another message with the key: %v", err)
	}
	for i, ip := range []string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"} {
		_, err := d.FindByProof(ctx, o.Number, "", "0000", ip)
		want := catalog.ENOTFOUND
		if i == 3 {
			want = catalog.ERATELIMIT // the number's fourth wrong try, from a fourth address
		}
		if catalog.ErrorCode(err) != want {
			t.Errorf("try %d from %s: %v, want %s", i+1, ip, err, want)
		}
	}
	look.n = map[string]int{}
	for i := 0; i < 5; i++ {
		if _, err := d.FindByProof(ctx, o.Number, "", "1234", "10.0.0.9"); err != nil {
			t.Fatalf("right proof %d: %v", i+1, err)
		}
	}
}
