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
	"gongkai/foi"
	"gongkai/foi/gormstore"
	"gongkai/secret"
	"gongkai/workday"
)

func d(s string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", s, catalog.Shanghai)
	return t
}

func newRequest(received string) *foi.Request {
	return &foi.Request{UnitCode: "zhengfuban", Applicant: foi.Applicant{Type: foi.Person, Name: "张凤英", IDType: foi.ResidentID,
		IDNumber: "11010519491231002X", Address: "旌德县旌阳镇", Phone: "13905631234"},
		Description: "2019年度财政预决算", Form: foi.Paper, Channel: foi.Letter, ReceivedOn: d(received)}
}

func TestRequestsStore(t *testing.T) {
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	dbtest.Units(t, db, "zhengfuban", "caizhengju")
	box, _ := secret.New(bytes.Repeat([]byte{7}, 32))
	cal := workday.New()
	s := gormstore.New(db, box, cal, nil)
	s.SetClock(func() time.Time { return d("2026-03-05") })
	ctx := context.Background()
	by := catalog.Actor{Username: "admin"}

	r := newRequest("2026-03-02")
	if err := s.Create(ctx, r, by); err != nil {
		t.Fatal(err)
	}
	if r.Number != "2026-00001" || r.DueOn.Format("2006-01-02") != "2026-03-30" {
		t.Errorf("created %s due %s", r.Number, r.DueOn)
	}
	// Sealed at rest: the raw row holds neither number.
	var raw struct{ IDNumberSealed, PhoneSealed string }
	db.Table("foi_requests").Select("id_number_sealed", "phone_sealed").Where("number = ?", r.Number).Scan(&raw)
	if strings.Contains(raw.IDNumberSealed, "110105") || strings.Contains(raw.PhoneSealed, "139056") || raw.IDNumberSealed == "" {
		t.Errorf("stored in clear: %+v", raw)
	}
	got, err := s.Find(ctx, r.Number)
	if err != nil || got.IDNumber != "11010519491231002X" || got.Phone != "13905631234" {
		t.Fatalf("read back %+v %v", got, err)
	}

	// Split: the other parts get their own numbers, the same receipt date.
	parts, err := s.Split(ctx, r.Number, []string{"2018年度财政预决算", "2019年度财政预决算"}, by)
	if err != nil || len(parts) != 2 || parts[1].Number != "2026-00002" || !parts[1].ReceivedOn.Equal(d("2026-03-02")) || parts[1].SplitFrom != r.Number {
		t.Fatalf("split %+v %v", parts, err)
	}

	// Answers are numbered per unit and year.
	for i, n := range []string{"2026-00001", "2026-00002"} {
		a, err := s.Step(ctx, n, foi.Step{Action: foi.ActAnswer, On: d("2026-03-05"), Outcome: "disclose"}, by)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"NO.〔2026〕1号", "NO.〔2026〕2号"}[i]; a.LetterNo != want || a.State != foi.Answered {
			t.Errorf("answer %d: %s %s", i, a.LetterNo, a.State)
		}
	}
	if _, err := s.Step(ctx, "2026-00001", foi.Step{Action: foi.ActAnswer, Outcome: "disclose"}, by); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("answered twice: %v", err)
	}
	ev, _ := s.Events(ctx, "2026-00001")
	if len(ev) != 3 || ev[2].Action != foi.ActAnswer || !strings.Contains(ev[2].Note, "NO.〔2026〕1号") {
		t.Errorf("events %+v", ev)
	}

	// A calendar correction moves the open requests' due dates, recorded.
	open := newRequest("2026-03-02")
	if err := s.Create(ctx, open, by); err != nil {
		t.Fatal(err)
	}
	days, _ := cal.Year(2026)
	days = append(days, workday.Day{Date: d("2026-03-10"), Off: true, Name: "测试调整"})
	if err := cal.SetYear(2026, days); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Recompute(ctx, by); err != nil || n != 1 {
		t.Fatalf("recomputed %d: %v", n, err)
	}
	moved, _ := s.Find(ctx, open.Number)
	if moved.DueOn.Format("2006-01-02") != "2026-03-31" {
		t.Errorf("due after the calendar change: %s", moved.DueOn)
	}
	ev, _ = s.Events(ctx, open.Number)
	if last := ev[len(ev)-1]; last.Action != "recompute" || !strings.Contains(last.Note, "2026-03-30") {
		t.Errorf("recompute not recorded: %+v", last)
	}
}

// TestNumbersUnderConcurrency: concurrent registrations get distinct,
// consecutive numbers.
func TestNumbersUnderConcurrency(t *testing.T) {
	db := dbtest.Open(t)
	gormstore.Migrate(db)
	dbtest.Units(t, db, "zhengfuban")
	box, _ := secret.New(bytes.Repeat([]byte{7}, 32))
	s := gormstore.New(db, box, workday.New(), nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRequest(time.Now().In(catalog.Shanghai).Format("2006-01-02"))
			if err := s.Create(context.Background(), r, catalog.Actor{}); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[r.Number] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(seen) != 20 {
		t.Errorf("%d distinct numbers for 20 requests", len(seen))
	}
}

// TestApplicationsInAnUnknownYear: with the store's clock in December of
// the last year whose holidays are known, then in March of the next one,
// applications are still received and numbered, their due dates
// provisional (weekends only), lists and lookups work, and entering the
// year recomputes the dates, each move in the request's history.
func TestApplicationsInAnUnknownYear(t *testing.T) {
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	dbtest.Units(t, db, "zhengfuban")
	box, _ := secret.New(bytes.Repeat([]byte{7}, 32))
	cal := workday.New()
	next := cal.LastYear() + 1
	s := gormstore.New(db, box, cal, nil)
	ctx := context.Background()
	by := catalog.Actor{Username: "admin"}
	var numbers []string
	for _, today := range []time.Time{time.Date(next-1, 12, 10, 9, 0, 0, 0, catalog.Shanghai), time.Date(next, 3, 1, 9, 0, 0, 0, catalog.Shanghai)} {
		s.SetClock(func() time.Time { return today })
		r := newRequest(today.Format("2006-01-02"))
		if err := s.Create(ctx, r, by); err != nil {
			t.Fatalf("received %s: %v", today.Format("2006-01-02"), err)
		}
		c, err := foi.ClockOf(r, cal, today)
		if err != nil || !c.Provisional || r.DueOn.IsZero() || r.DueOn.Year() != next {
			t.Errorf("received %s: due %s, %+v %v", today.Format("2006-01-02"), r.DueOn.Format("2006-01-02"), c, err)
		}
		numbers = append(numbers, r.Number)
	}
	if rs, err := s.FindRequests(ctx, foi.Filter{Open: true}); err != nil || len(rs) != 2 {
		t.Fatalf("the open list: %d %v", len(rs), err)
	}
	before, _ := s.Find(ctx, numbers[1])
	// The year entered with a weekday off in March: the March application's
	// date moves, and says so.
	off := time.Date(next, 3, 10, 0, 0, 0, 0, time.UTC)
	for off.Weekday() == time.Saturday || off.Weekday() == time.Sunday {
		off = off.AddDate(0, 0, 1)
	}
	if err := cal.SetYear(next, []workday.Day{{Date: off, Off: true, Name: "测试假日"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Recompute(ctx, by); err != nil || n != 1 {
		t.Fatalf("recomputed %d (the March application's date moves): %v", n, err)
	}
	after, _ := s.Find(ctx, numbers[1])
	if !after.DueOn.After(before.DueOn) {
		t.Errorf("after entering %d: due %s, was %s", next, after.DueOn.Format("2006-01-02"), before.DueOn.Format("2006-01-02"))
	}
	for _, n := range numbers {
		r, _ := s.Find(ctx, n)
		if c, err := foi.ClockOf(r, cal, time.Date(next, 3, 1, 0, 0, 0, 0, catalog.Shanghai)); err != nil || c.Provisional {
			t.Errorf("%s still provisional: %+v %v", n, c, err)
		}
	}
	evs, _ := s.Events(ctx, numbers[1])
	if last := evs[len(evs)-1]; last.Action != "recompute" {
		t.Errorf("the history: %+v", last)
	}
}

// TestUnitRegisters: each unit numbers its own requests by year, and a
// database from before unit numbering gets numbers for its requests when
// migrated, in the order they came, the counters continuing from them.
func TestUnitRegisters(t *testing.T) {
	db, s := openStore(t, "2026-03-05")
	ctx := context.Background()
	by := catalog.Actor{Username: "admin"}
	create := func(unit, received string) *foi.Request {
		r := newRequest(received)
		r.UnitCode = unit
		if err := s.Create(ctx, r, by); err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := create("zhengfuban", "2025-12-30"), create("caizhengju", "2026-03-02"), create("zhengfuban", "2026-03-02")
	if a.UnitNo != "依申请〔2025〕1号" || b.UnitNo != "依申请〔2026〕1号" || c.UnitNo != "依申请〔2026〕1号" {
		t.Errorf("unit numbers %q %q %q", a.UnitNo, b.UnitNo, c.UnitNo)
	}
	// As an older database has them: no unit numbers, no unit counters.
	if err := db.Exec("UPDATE foi_requests SET unit_no = ''").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("DELETE FROM foi_counters WHERE scope LIKE 'request-%-%'").Error; err != nil {
		t.Fatal(err)
	}
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*foi.Request{a, b, c} {
		got, err := s.Find(ctx, r.Number)
		if err != nil || got.UnitNo != r.UnitNo {
			t.Errorf("%s after migrating: %q %v, want %q", r.Number, got.UnitNo, err, r.UnitNo)
		}
	}
	if d := create("zhengfuban", "2026-03-04"); d.UnitNo != "依申请〔2026〕2号" {
		t.Errorf("the next after migrating: %q", d.UnitNo)
	}
}

// TestPendingSoonestDueFirst: the 工作台's list of open requests is the
// soonest due first, a request received later but due sooner ahead of one
// received earlier, answered ones left out, and no more than asked.
func TestPendingSoonestDueFirst(t *testing.T) {
	db, s := openStore(t, "2026-03-20")
	ctx := context.Background()
	by := catalog.Actor{Username: "admin"}
	var numbers []string
	for _, received := range []string{"2026-03-02", "2026-03-16", "2026-02-20", "2026-03-10"} {
		r := newRequest(received)
		if err := s.Create(ctx, r, by); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, r.Number)
	}
	// The one received 2026-03-02 is extended: due after the one of 03-16.
	if err := db.Exec("UPDATE foi_requests SET due_on = ? WHERE number = ?", "2026-05-20", numbers[0]).Error; err != nil {
		t.Fatal(err)
	}
	desk := &foi.Desk{Requests: s, Calendar: workday.New()}
	got, err := desk.Pending(ctx, "", 3)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range got {
		order = append(order, r.Number)
	}
	want := []string{numbers[2], numbers[3], numbers[1]}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("pending %v, want %v (due %v)", order, want, got)
	}
	if got[0].IDNumber != "11010519491231002X" || got[0].Phone != "13905631234" {
		t.Errorf("pending without the applicant's numbers: %+v", got[0].Applicant)
	}
	// Sealed: everything but the two numbers, which stay sealed.
	sealed, err := s.FindRequests(ctx, foi.Filter{Sealed: true})
	if err != nil || len(sealed) != 4 {
		t.Fatalf("sealed: %d %v", len(sealed), err)
	}
	for _, r := range sealed {
		if r.IDNumber != "" || r.Phone != "" || r.Name != "张凤英" || r.DueOn.IsZero() {
			t.Errorf("sealed %s: %+v due %s", r.Number, r.Applicant, r.DueOn)
		}
	}
}

// TestRequestsActiveBetween: an inspection reads the requests before a
// unit at some day of its quarters — received by the last day, not
// decided before the first — and no others.
func TestRequestsActiveBetween(t *testing.T) {
	db, s := openStore(t, "2026-07-20")
	ctx := context.Background()
	cases := []struct {
		received, decided string
		in                bool
	}{
		{"2025-12-01", "", true},            // still open
		{"2026-01-10", "2026-03-31", false}, // decided the day before
		{"2026-02-01", "2026-04-01", true},  // decided on the first day
		{"2026-06-30", "", true},            // received on the last day
		{"2026-07-01", "", false},           // received the day after
	}
	want := map[string]bool{}
	for _, c := range cases {
		r := newRequest(c.received)
		if err := s.Create(ctx, r, catalog.Actor{Username: "admin"}); err != nil {
			t.Fatal(err)
		}
		if c.decided != "" {
			if err := db.Exec("UPDATE foi_requests SET decided_on = ?, state = ? WHERE number = ?",
				time.Date(d(c.decided).Year(), d(c.decided).Month(), d(c.decided).Day(), 0, 0, 0, 0, time.UTC), string(foi.Answered), r.Number).Error; err != nil {
				t.Fatal(err)
			}
		}
		want[r.Number] = c.in
	}
	got, err := s.FindRequests(ctx, foi.Filter{Sealed: true, ActiveFrom: d("2026-04-01"), ActiveTo: d("2026-06-30")})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range got {
		seen[r.Number] = true
	}
	for n, in := range want {
		if seen[n] != in {
			t.Errorf("%s: read %v, want %v", n, seen[n], in)
		}
	}
	if all, _ := s.FindRequests(ctx, foi.Filter{}); len(all) != len(cases) {
		t.Errorf("without the period: %d requests, want %d", len(all), len(cases))
	}
}

// openStore is a requests store on a fresh database with two units, its
// clock at today.
func openStore(t *testing.T, today string) (*gorm.DB, *gormstore.Store) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	dbtest.Units(t, db, "zhengfuban", "caizhengju")
	box, _ := secret.New(bytes.Repeat([]byte{7}, 32))
	s := gormstore.New(db, box, workday.New(), nil)
	s.SetClock(func() time.Time { return d(today) })
	return db, s
}
