package gormstore_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/dbconn/dbtest"
	"gongkai/hotline"
	"gongkai/hotline/gormstore"
	"gongkai/secret"
	"gongkai/workday"
)

var operator = catalog.Actor{UserID: 1, Username: "operator"}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(day string, hour int) {
	d, _ := time.ParseInLocation("2006-01-02", day, catalog.Shanghai)
	c.mu.Lock()
	c.now = d.Add(time.Duration(hour) * time.Hour)
	c.mu.Unlock()
}

func openStore(t *testing.T) (*gorm.DB, *gormstore.Store, *clock) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	dbtest.Units(t, db, "jingyang", "cgj")
	box, _ := secret.New(bytes.Repeat([]byte{7}, 32))
	s := gormstore.New(db, box, workday.New(), nil)
	c := &clock{}
	c.Set("2026-12-01", 9)
	s.SetClock(c.Now)
	return db, s, c
}

func newOrder() *hotline.Order {
	return &hotline.Order{Channel: hotline.Kiosk, Category: hotline.Complaint, Caller: hotline.Caller{Name: "张三", Phone: "13905631234"},
		Title: "路灯不亮", Content: "旌阳镇文化路的路灯一周不亮了。", Publish: true}
}

// TestOrderRoundTheLoop: an order numbered by year, its phone sealed in
// the table, taken round the loop with its history and the rates' flags
// (late claim), a stale version refused; the desk's sweep sends one 催办
// the working day after a missed deadline and not again.
func TestOrderRoundTheLoop(t *testing.T) {
	db, s, c := openStore(t)
	ctx := context.Background()
	o := newOrder()
	if err := s.Create(ctx, o, operator); err != nil {
		t.Fatal(err)
	}
	second := newOrder()
	if err := s.Create(ctx, second, operator); err != nil {
		t.Fatal(err)
	}
	if o.Number != "GD2026-00001" || second.Number != "GD2026-00002" || o.Token == "" {
		t.Fatalf("numbers %q %q", o.Number, second.Number)
	}
	var sealed string
	if err := db.Raw("SELECT phone_sealed FROM hotline_orders WHERE id = ?", o.ID).Scan(&sealed).Error; err != nil {
		t.Fatal(err)
	}
	if sealed == "" || strings.Contains(sealed, "13905631234") {
		t.Fatalf("phone stored as %q", sealed)
	}
	step := func(s2 hotline.Step, by string) *hotline.Order {
		t.Helper()
		got, err := s.Step(ctx, o.Number, s2, 0, catalog.Actor{Username: by})
		if err != nil {
			t.Fatalf("%s: %v", s2.Action, err)
		}
		return got
	}
	step(hotline.Step{Action: hotline.ActTransfer, Unit: "jingyang"}, "operator")
	if _, err := s.Step(ctx, o.Number, hotline.Step{Action: hotline.ActClaim}, 1, operator); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("a stale version: %v", err)
	}
	step(hotline.Step{Action: hotline.ActReturn, Reason: "不属本镇职责：路灯由县城管局维护"}, "jingyang-clerk")
	step(hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, "operator")
	if _, err := s.Step(ctx, o.Number, hotline.Step{Action: hotline.ActTransfer, Unit: "nowhere"}, 0, operator); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("transferred twice: %v", err)
	}
	c.Set("2026-12-03", 9) // claim due on the 2nd
	got := step(hotline.Step{Action: hotline.ActClaim}, "cgj-clerk")
	if !got.LateClaim || got.Due == nil || !got.Due.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, catalog.Shanghai)) {
		t.Fatalf("claimed: late %v due %v", got.LateClaim, got.Due)
	}
	step(hotline.Step{Action: hotline.ActReply, Text: "经现场核实，文化路3盏路灯线路老化，已于今日更换线路并恢复照明。"}, "cgj-leader")
	step(hotline.Step{Action: hotline.ActRedo, Reason: "回访核实路灯仍未亮", Untrue: true}, "operator")
	step(hotline.Step{Action: hotline.ActReply, Text: "经再次核实，文化路变压器故障，已于12月4日更换，路灯恢复照明。"}, "cgj-leader")
	step(hotline.Step{Action: hotline.ActClose}, "operator")
	got = step(hotline.Step{Action: hotline.ActCallback, Result: hotline.Satisfied}, "operator")
	if got.State != hotline.Closed || got.Redos != 1 || got.Untrue != 1 || got.Returns != 1 || got.Phone != "13905631234" || got.Version != 10 {
		t.Fatalf("closed: %+v", got)
	}
	evs, err := s.Events(ctx, o.Number)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range evs {
		a := e.Action
		if e.Late {
			a += "(late)"
		}
		if e.Unit != "" {
			a += "@" + e.Unit
		}
		acts = append(acts, a)
	}
	if want := "receive transfer@jingyang return@jingyang transfer@cgj claim(late)@cgj reply@cgj redo@cgj reply@cgj close@cgj callback@cgj"; strings.Join(acts, " ") != want {
		t.Errorf("history:\n%s\nwant\n%s", strings.Join(acts, " "), want)
	}
	// The sweep: the second order, dispatched on Thursday the 3rd, is due
	// to be claimed on Friday; on Monday it is reminded, once.
	if _, err := s.Step(ctx, second.Number, hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, 0, operator); err != nil {
		t.Fatal(err)
	}
	desk := &hotline.Desk{Orders: s, Calendar: workday.New()}
	for _, day := range []string{"2026-12-04", "2026-12-05", "2026-12-07", "2026-12-08"} {
		c.Set(day, 9)
		// Two instances sweep at once.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = desk.Sweep(ctx, c.Now()) }()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err = s.Find(ctx, second.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reminders != 1 || got.Supervised != 0 || got.RemindedFor == nil || !got.RemindedFor.Equal(time.Date(2026, 12, 4, 0, 0, 0, 0, catalog.Shanghai)) {
		t.Errorf("after the sweeps: %d reminders for %v, %d supervised", got.Reminders, got.RemindedFor, got.Supervised)
	}
	c.Set("2026-12-11", 9) // 5 working days after the 4th
	if n, err := desk.Sweep(ctx, c.Now()); err != nil || n != 1 {
		t.Errorf("督办: %d sent, %v", n, err)
	}
	// The rates, through the store.
	rep, err := desk.Rates(ctx, "cgj", time.Date(2026, 10, 1, 0, 0, 0, 0, catalog.Shanghai), time.Date(2027, 1, 1, 0, 0, 0, 0, catalog.Shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Received != 2 || rep.ClaimedLate != 1 || rep.Untrue != 1 || rep.Closed != 1 || rep.StillOpen != 1 || rep.Reminders != 1 || rep.Supervised != 1 {
		t.Errorf("rates: %+v", rep.Rates)
	}
	if len(rep.Local.Deductions) == 0 || rep.Provincial.Score != 100 || rep.Weighted != 0.4*100+0.6*rep.Local.Score {
		t.Errorf("weighted: %v of provincial %v and local %v", rep.Weighted, rep.Provincial.Score, rep.Local.Score)
	}
}

// TestRulesSaved: the county's rules replace the defaults, checked.
func TestRulesSaved(t *testing.T) {
	_, s, _ := openStore(t)
	ctx := context.Background()
	r, err := s.Rules(ctx)
	if err != nil || r.Limits[hotline.Consult] != 1 {
		t.Fatalf("defaults: %+v %v", r, err)
	}
	r.Limits[hotline.Complaint] = 13
	if err := s.SaveRules(ctx, r, operator); err != nil {
		t.Fatal(err)
	}
	bad := r
	bad.ClaimDays = 0
	if err := s.SaveRules(ctx, bad, operator); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("bad rules: %v", err)
	}
	if got, err := s.Rules(ctx); err != nil || got.Limits[hotline.Complaint] != 13 || got.ClaimDays != 1 {
		t.Errorf("saved: %+v %v", got, err)
	}
}

// TestLateReturnsCount: a unit that sends an order back after its time to
// claim, or on a day after it claimed it (签收当日退回), is late in the
// rubric (办理时限 −0.5); one sent back the day it came is not. An early
// 催办 leaves the sweep's after the deadline.
func TestLateReturnsCount(t *testing.T) {
	_, s, c := openStore(t)
	ctx := context.Background()
	desk := &hotline.Desk{Orders: s, Calendar: workday.New()}
	var nums []string
	for i := 0; i < 3; i++ {
		o := newOrder()
		if err := s.Create(ctx, o, operator); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Step(ctx, o.Number, hotline.Step{Action: hotline.ActTransfer, Unit: "jingyang"}, 0, operator); err != nil {
			t.Fatal(err)
		}
		nums = append(nums, o.Number)
	}
	town := catalog.Actor{Username: "jingyang-clerk"}
	back := hotline.Step{Action: hotline.ActReturn, Reason: "不属本镇职责"}
	if _, err := s.Step(ctx, nums[0], back, 0, town); err != nil { // the day it came
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, nums[1], hotline.Step{Action: hotline.ActClaim}, 0, town); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, nums[2], hotline.Step{Action: hotline.ActRemind, Reason: "提前催办"}, 0, operator); err != nil {
		t.Fatal(err)
	}
	c.Set("2026-12-03", 9) // claim was due on the 2nd
	if n, err := desk.Sweep(ctx, c.Now()); err != nil || n != 1 {
		t.Errorf("the sweep after an early reminder: %d sent, %v", n, err)
	}
	for _, n := range nums[1:] {
		if _, err := s.Step(ctx, n, back, 0, town); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := desk.Rates(ctx, "jingyang", time.Date(2026, 12, 1, 0, 0, 0, 0, catalog.Shanghai), time.Date(2027, 1, 1, 0, 0, 0, 0, catalog.Shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Returned != 3 || rep.ReturnedLate != 2 || len(rep.Deductions) != 1 || rep.Deductions[0].Points != 1 || !strings.HasPrefix(rep.Deductions[0].Rule, "办理时限") {
		t.Errorf("returns %d, late %d, deductions %+v", rep.Returned, rep.ReturnedLate, rep.Deductions)
	}
}

// TestAUnitStepChecksTheUnitAgain: a unit's step checked for one unit is
// refused if the order has left it meanwhile (the right is checked on one
// read, the step taken on another).
func TestAUnitStepChecksTheUnitAgain(t *testing.T) {
	_, s, _ := openStore(t)
	ctx := context.Background()
	o := newOrder()
	if err := s.Create(ctx, o, operator); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, o.Number, hotline.Step{Action: hotline.ActTransfer, Unit: "cgj"}, 0, operator); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, o.Number, hotline.Step{Action: hotline.ActClaim, AsUnit: "jingyang"}, 0, catalog.Actor{Username: "jingyang-clerk"}); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("claimed for a unit it is not at: %v", err)
	}
	if _, err := s.Step(ctx, o.Number, hotline.Step{Action: hotline.ActClaim, AsUnit: "cgj"}, 0, catalog.Actor{Username: "cgj-clerk"}); err != nil {
		t.Errorf("claimed by its unit: %v", err)
	}
}
