package foi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/workday"
)

func d(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, catalog.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// holidayCN reads the State Council's arrangement as transcribed by
// holiday-cn (testdata), independently of the calendar under test.
func holidayCN(t *testing.T) map[string]bool {
	t.Helper()
	off := map[string]bool{} // date → is off (present only when special)
	for _, y := range []string{"2025", "2026"} {
		data, err := os.ReadFile("../workday/testdata/" + y + ".json") // holiday-cn
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Days []struct {
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		for _, x := range f.Days {
			off[x.Date] = x.IsOffDay
		}
	}
	return off
}

// count20 is the statutory count by hand: 20 working days after the
// receipt day, the start day not counted.
func count20(off map[string]bool, from time.Time, n int) time.Time {
	for d := from; ; {
		d = d.AddDate(0, 0, 1)
		k := d.Format("2006-01-02")
		isOff, special := off[k]
		if !special {
			isOff = d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		}
		if !isOff {
			n--
			if n == 0 {
				return d
			}
		}
	}
}

func newRequest(received string) *foi.Request {
	return &foi.Request{Number: "2026-00001", UnitCode: "zhengfuban", State: foi.Registered, ReceivedOn: d(received), ClockFrom: d(received)}
}

// TestDueDatesAroundHolidays: every receipt day from two weeks before to
// two weeks after the 2025 and 2026 Spring Festival and National Day gets
// the due date the State Council's calendar gives.
func TestDueDatesAroundHolidays(t *testing.T) {
	cal := workday.New()
	off := holidayCN(t)
	for _, around := range []string{"2025-01-28", "2025-10-01", "2026-02-15", "2026-10-01"} {
		for k := -14; k <= 14; k++ {
			rec := d(around).AddDate(0, 0, k)
			r := newRequest(rec.Format("2006-01-02"))
			c, err := foi.ClockOf(r, cal, rec)
			if err != nil {
				t.Fatal(err)
			}
			if want := count20(off, rec, 20); !c.Due.Equal(want) {
				t.Errorf("received %s: due %s, want %s", rec.Format("2006-01-02"), c.Due.Format("2006-01-02"), want.Format("2006-01-02"))
			}
		}
	}
	// Two worked by hand from the notices.
	for rec, want := range map[string]string{
		"2026-02-13": "2026-03-19", // 02-14 (Sat) is worked; 02-15…23 off; 02-28 (Sat) worked
		"2025-09-30": "2025-11-04", // 10-01…08 off; 10-11 (Sat) worked
	} {
		c, _ := foi.ClockOf(newRequest(rec), cal, d(rec))
		if got := c.Due.Format("2006-01-02"); got != want {
			t.Errorf("received %s: due %s, want %s", rec, got, want)
		}
		if !strings.Contains(strings.Join(c.Explanation, "；"), "当日不计") {
			t.Errorf("explanation %v", c.Explanation)
		}
	}
}

// TestClockMovesAsTheRegulationSays: a correction restarts the clock, a
// consultation's working days are excluded, an extension adds at most 20.
func TestClockMovesAsTheRegulationSays(t *testing.T) {
	cal := workday.New()
	today := d("2026-06-30")
	must := func(r *foi.Request, s foi.Step) {
		t.Helper()
		if err := foi.Apply(r, s, cal, today); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
	due := func(r *foi.Request, on time.Time) string {
		t.Helper()
		c, err := foi.ClockOf(r, cal, on)
		if err != nil {
			t.Fatal(err)
		}
		return c.Due.Format("2006-01-02")
	}

	// Received Monday 2026-03-02: due 20 working days later, 2026-03-30.
	r := newRequest("2026-03-02")
	if got := due(r, d("2026-03-02")); got != "2026-03-30" {
		t.Fatalf("plain: %s", got)
	}
	// Correction: within 7 working days (by 03-11); the clock then runs
	// from the day the corrected application arrives (03-20 → 04-17,
	// 04-04…06 清明 off).
	late := *r
	if err := foi.Apply(&late, foi.Step{Action: foi.ActCorrect, On: d("2026-03-12"), Due: d("2026-03-27"), Note: "请写明文号"}, cal, today); err == nil || !strings.Contains(err.Error(), "7个工作日") {
		t.Errorf("a correction on the 8th working day: %v", err)
	}
	must(r, foi.Step{Action: foi.ActCorrect, On: d("2026-03-11"), Due: d("2026-03-27"), Note: "请写明文号"})
	if c, _ := foi.ClockOf(r, cal, d("2026-03-12")); !c.Due.IsZero() || !c.Paused {
		t.Errorf("waiting for the correction: %+v", c)
	}
	must(r, foi.Step{Action: foi.ActCorrected, On: d("2026-03-20")})
	if got := due(r, d("2026-03-20")); got != "2026-04-20" {
		t.Errorf("after the correction: %s", got)
	}
	if err := foi.Apply(r, foi.Step{Action: foi.ActCorrect, On: d("2026-03-23"), Due: d("2026-03-30"), Note: "再补"}, cal, today); err == nil {
		t.Error("a second correction notice was accepted")
	}
	// A third-party consultation from 03-25 to 04-15: those 14 working days
	// (03-26…04-15 less 清明) do not count.
	must(r, foi.Step{Action: foi.ActConsult, On: d("2026-03-25"), Kind: "third_party", Party: "某公司"})
	must(r, foi.Step{Action: foi.ActConsulted, On: d("2026-04-15")})
	n, _ := cal.Between(d("2026-03-25"), d("2026-04-15"))
	want, _ := cal.AddWorkdays(d("2026-03-20"), 20+n)
	if got := due(r, d("2026-04-15")); got != want.Format("2006-01-02") || n != 14 {
		t.Errorf("after the consultation (%d days): %s, want %s", n, got, want.Format("2006-01-02"))
	}
	// One extension of at most 20 working days.
	if err := foi.Apply(r, foi.Step{Action: foi.ActExtend, On: d("2026-04-16"), Days: 21, Note: "材料多"}, cal, today); err == nil {
		t.Error("an extension of 21 days was accepted")
	}
	must(r, foi.Step{Action: foi.ActExtend, On: d("2026-04-16"), Days: 20, Note: "材料多"})
	want, _ = cal.AddWorkdays(d("2026-03-20"), 40+n)
	if got := due(r, d("2026-04-16")); got != want.Format("2006-01-02") {
		t.Errorf("after the extension: %s, want %s", got, want.Format("2006-01-02"))
	}
	if err := foi.Apply(r, foi.Step{Action: foi.ActExtend, On: d("2026-04-17"), Days: 5, Note: "再延"}, cal, today); err == nil {
		t.Error("a second extension was accepted")
	}
	// Answered: the clock stops counting down.
	must(r, foi.Step{Action: foi.ActAnswer, On: d("2026-05-06"), Outcome: "disclose"})
	if c, _ := foi.ClockOf(r, cal, d("2026-06-30")); c.Overdue {
		t.Error("an answered request shows overdue")
	}

	// No correction by the deadline: closed as 逾期不补正.
	q := newRequest("2026-03-02")
	must(q, foi.Step{Action: foi.ActCorrect, On: d("2026-03-03"), Due: d("2026-03-17"), Note: "请补充身份证明"})
	if err := foi.Apply(q, foi.Step{Action: foi.ActLapse, On: d("2026-03-17")}, cal, today); err == nil {
		t.Error("lapsed on the deadline day itself")
	}
	must(q, foi.Step{Action: foi.ActLapse, On: d("2026-03-18")})
	if q.State != foi.Closed || q.Outcome != "other_no_correction" {
		t.Errorf("lapsed: %s %s", q.State, q.Outcome)
	}

	// Overdue: working days left go negative.
	o := newRequest("2026-03-02")
	c, _ := foi.ClockOf(o, cal, d("2026-04-01"))
	if !c.Overdue || c.Left != -2 {
		t.Errorf("two working days late: %+v", c)
	}
}

func TestApplicantChecks(t *testing.T) {
	base := func() foi.Applicant {
		return foi.Applicant{Type: foi.Person, Name: "张凤英", IDType: foi.ResidentID, IDNumber: "11010519491231002X", Address: "旌德县旌阳镇", Phone: "13905631234"}
	}
	for _, tc := range []struct {
		name  string
		edit  func(a *foi.Applicant)
		field string
	}{
		{"OK", func(a *foi.Applicant) {}, ""},
		{"FullWidthAndLowerX", func(a *foi.Applicant) {
			a.IDNumber = "１１０１０５１９４９１２３１００２ｘ"
			a.Phone = "139 0563 1234"
		}, ""},
		{"BadChecksum", func(a *foi.Applicant) { a.IDNumber = "110105194912310021" }, "id_number"},
		{"FifteenDigits", func(a *foi.Applicant) { a.IDNumber = "110105491231002" }, "id_number"},
		{"Passport", func(a *foi.Applicant) { a.IDType, a.IDNumber = foi.Passport, "E12345678" }, ""},
		{"BadPassport", func(a *foi.Applicant) { a.IDType, a.IDNumber = foi.Passport, "E1" }, "id_number"},
		{"HMTPermitNeedsPrefix", func(a *foi.Applicant) { a.IDType = foi.HMTPermit }, "id_number"},
		{"OldForeignPR", func(a *foi.Applicant) { a.IDType, a.IDNumber = foi.ForeignPR, "USA110078011509" }, ""},
		{"NoPhone", func(a *foi.Applicant) { a.Phone = "" }, "phone"},
		{"Company", func(a *foi.Applicant) {
			a.Type, a.OrgName, a.LegalRep, a.CreditCode = foi.Company, "旌德县天益医药化工厂", "王某", "91350100M000100Y43"
		}, ""},
		{"CompanyBadCreditCode", func(a *foi.Applicant) {
			a.Type, a.OrgName, a.LegalRep, a.CreditCode = foi.Company, "旌德县天益医药化工厂", "王某", "91350100M000100Y44"
		}, "credit_code"},
		{"CompanyWithoutRepresentative", func(a *foi.Applicant) {
			a.Type, a.OrgName, a.CreditCode = foi.Research, "某研究所", "91350100M000100Y43"
		}, "legal_rep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := base()
			tc.edit(&a)
			err := a.Validate()
			if got := fieldOf(err); got != tc.field {
				t.Fatalf("field %q (%v), want %q", got, err, tc.field)
			}
			if err != nil && strings.Contains(err.Error(), a.IDNumber) && a.IDNumber != "" {
				t.Error("the message repeats the ID number")
			}
			if tc.name == "FullWidthAndLowerX" && (a.IDNumber != "11010519491231002X" || a.Phone != "13905631234") {
				t.Errorf("folded %q %q", a.IDNumber, a.Phone)
			}
		})
	}
	if foi.MaskID("11010519491231002X") != "110***********002X" || foi.MaskName("欧阳修") != "欧**" || foi.GroupID("11010519491231002X") != "110105 19491231 002X" {
		t.Error("masks")
	}
}

func fieldOf(err error) string {
	if err == nil {
		return ""
	}
	var e *catalog.Error
	if ce, ok := err.(*catalog.Error); ok {
		e = ce
		return e.Field
	}
	return "?"
}

func FuzzApplicantValidate(f *testing.F) {
	f.Add("11010519491231002X", "91350100M000100Y43", "13905631234")
	f.Fuzz(func(t *testing.T, id, credit, phone string) {
		a := foi.Applicant{Type: foi.Company, OrgName: "x", LegalRep: "y", IDType: foi.ResidentID, IDNumber: id, CreditCode: credit, Address: "z", Phone: phone}
		if err := a.Validate(); err != nil && strings.Contains(err.Error(), a.IDNumber) && len(a.IDNumber) > 6 {
			t.Fatalf("message repeats the number: %v", err)
		}
	})
}

// TestConsultationIsCapped: art. 32 gives a third party 15 working days
// from receiving the consultation letter. A consultation left open stops
// pausing the clock when they run out, so the request falls overdue; a late
// reply excludes no more than them; the agency may answer once they have
// run out; and they run from the letter's delivery when it is recorded.
func TestConsultationIsCapped(t *testing.T) {
	cal := workday.New()
	add := func(from time.Time, n int) time.Time {
		t.Helper()
		x, err := cal.AddWorkdays(from, n)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	r := newRequest("2026-03-02")
	if err := foi.Apply(r, foi.Step{Action: foi.ActConsult, On: d("2026-03-03"), Kind: "third_party", Party: "某公司"}, cal, d("2026-03-03")); err != nil {
		t.Fatal(err)
	}
	limit := add(d("2026-03-03"), foi.ConsultDays)
	excluded, _ := cal.Between(d("2026-03-03"), limit)
	want := add(d("2026-03-02"), foi.AnswerDays+excluded)
	// Within the 15 days: paused, the due date the latest it can be.
	c, err := foi.ClockOf(r, cal, d("2026-03-10"))
	if err != nil || !c.Paused || c.ConsultLapsed || c.Overdue || !c.Due.Equal(want) {
		t.Errorf("during the consultation: %+v %v, want due %s", c, err, want.Format("2006-01-02"))
	}
	// Never closed: on 2026-11-30 the clock has long run again.
	c, err = foi.ClockOf(r, cal, d("2026-11-30"))
	if err != nil || c.Paused || !c.ConsultLapsed || !c.Overdue || !c.Due.Equal(want) || c.Due.After(add(d("2026-03-02"), 35)) {
		t.Errorf("a consultation left open: %+v %v, want due %s", c, err, want.Format("2006-01-02"))
	}
	if !strings.Contains(strings.Join(c.Explanation, "\n"), "恢复计算") {
		t.Errorf("the explanation does not say the clock runs again: %q", c.Explanation)
	}
	// The agency may not answer over the party's head before the limit…
	early := *r
	early.Pauses = append([]foi.Pause(nil), r.Pauses...)
	if err := foi.Apply(&early, foi.Step{Action: foi.ActAnswer, On: limit, Outcome: "disclose"}, cal, limit); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("an answer within the party's time: %v", err)
	}
	// …and may once it has run out: the pause ends with it.
	after := add(limit, 1)
	if err := foi.Apply(r, foi.Step{Action: foi.ActAnswer, On: after, Outcome: "disclose"}, cal, after); err != nil {
		t.Fatalf("an answer after the party's time: %v", err)
	}
	if p := r.Pauses[0]; p.To == nil || !p.To.Equal(limit) || r.State != foi.Answered {
		t.Errorf("the consultation after the answer: %+v, state %s", p, r.State)
	}

	// A reply after the limit excludes the 15 days only.
	late := newRequest("2026-03-02")
	for _, s := range []foi.Step{{Action: foi.ActConsult, On: d("2026-03-03"), Kind: "agency", Party: "县自然资源局"}, {Action: foi.ActConsulted, On: d("2026-05-29")}} {
		if err := foi.Apply(late, s, cal, d("2026-05-29")); err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := foi.ClockOf(late, cal, d("2026-05-29")); !c.Due.Equal(want) {
		t.Errorf("a late reply: due %s, want %s", c.Due.Format("2006-01-02"), want.Format("2006-01-02"))
	}

	// The letter delivered three working days after the consultation
	// opened: the 15 days run from the delivery.
	slow := newRequest("2026-03-02")
	if err := foi.Apply(slow, foi.Step{Action: foi.ActConsult, On: d("2026-03-03"), Delivered: d("2026-03-06"), Kind: "third_party", Party: "某公司"}, cal, d("2026-03-06")); err != nil {
		t.Fatal(err)
	}
	k, _ := cal.Between(d("2026-03-03"), add(d("2026-03-06"), 15))
	if c, _ := foi.ClockOf(slow, cal, d("2026-11-30")); !c.Due.Equal(add(d("2026-03-02"), 20+k)) || k != 18 {
		t.Errorf("delivered later: due %s, %d days excluded", c.Due.Format("2006-01-02"), k)
	}
	if err := foi.Apply(newRequest("2026-03-02"), foi.Step{Action: foi.ActConsult, On: d("2026-03-03"), Delivered: d("2026-03-02"), Kind: "third_party", Party: "某公司"}, cal, d("2026-03-06")); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("delivered before it was sent: %v", err)
	}
}

// TestCorrectionRestartsCleanly: after 补正 the period is 20 working days
// from the corrected application; an earlier consultation and extension
// stay in the record but no longer move the date.
func TestCorrectionRestartsCleanly(t *testing.T) {
	cal := workday.New()
	r := newRequest("2026-03-02")
	for _, s := range []foi.Step{
		{Action: foi.ActConsult, On: d("2026-03-03"), Kind: "third_party", Party: "某公司"},
		{Action: foi.ActConsulted, On: d("2026-03-06")},
		{Action: foi.ActExtend, On: d("2026-03-09"), Days: 10, Note: "材料多"},
		{Action: foi.ActCorrect, On: d("2026-03-10"), Due: d("2026-03-24"), Note: "请写明文件名称"},
		{Action: foi.ActCorrected, On: d("2026-03-20")},
	} {
		if err := foi.Apply(r, s, cal, d("2026-03-20")); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
	want, _ := cal.AddWorkdays(d("2026-03-20"), 20)
	c, err := foi.ClockOf(r, cal, d("2026-03-20"))
	if err != nil || !c.Due.Equal(want) {
		t.Errorf("after the correction: due %s, want %s (%v)", c.Due.Format("2006-01-02"), want.Format("2006-01-02"), err)
	}
	if len(r.Pauses) != 1 || !strings.Contains(strings.Join(c.Explanation, "\n"), "不再影响") {
		t.Errorf("the earlier consultation is not kept as history: %d pauses, %q", len(r.Pauses), c.Explanation)
	}
}

// TestUnknownYearIsProvisional: where the State Council's arrangement is
// not entered yet, a request is still received, its due date counted by
// weekends and marked provisional, steps still taken, and the date
// recomputed once the year is entered.
func TestUnknownYearIsProvisional(t *testing.T) {
	cal := workday.New()
	next := cal.LastYear() + 1
	rec := time.Date(next-1, 12, 10, 0, 0, 0, 0, catalog.Shanghai)
	r := &foi.Request{Number: "X-1", UnitCode: "office", State: foi.Registered, ReceivedOn: rec, ClockFrom: rec}
	c, err := foi.ClockOf(r, cal, rec)
	if err != nil || !c.Provisional || c.Due.Year() != next || !strings.Contains(strings.Join(c.Explanation, "\n"), "暂定") {
		t.Fatalf("received in December before an unknown year: %+v %v", c, err)
	}
	// Steps in the unknown year: an extension, and the lists of March.
	inMarch := time.Date(next, 3, 2, 0, 0, 0, 0, catalog.Shanghai)
	if err := foi.Apply(r, foi.Step{Action: foi.ActExtend, On: rec.AddDate(0, 0, 7), Days: 10, Note: "材料多"}, cal, rec.AddDate(0, 0, 7)); err != nil {
		t.Errorf("an extension into the unknown year: %v", err)
	}
	c, err = foi.ClockOf(r, cal, inMarch)
	if err != nil || !c.Provisional || !c.Overdue {
		t.Errorf("open in March of the unknown year: %+v %v", c, err)
	}
	q := &foi.Request{Number: "X-2", UnitCode: "office", State: foi.Registered, ReceivedOn: inMarch, ClockFrom: inMarch}
	if err := foi.Apply(q, foi.Step{Action: foi.ActCorrect, On: inMarch.AddDate(0, 0, 2), Due: inMarch.AddDate(0, 0, 20), Note: "请写明文号"}, cal, inMarch.AddDate(0, 0, 2)); err != nil {
		t.Errorf("a correction notice in the unknown year: %v", err)
	}
	// The year entered, with a holiday on a weekday early in January.
	holiday := time.Date(next, 1, 5, 0, 0, 0, 0, time.UTC)
	for holiday.Weekday() == time.Saturday || holiday.Weekday() == time.Sunday {
		holiday = holiday.AddDate(0, 0, 1)
	}
	before := c.Due
	if err := cal.SetYear(next, []workday.Day{{Date: holiday, Off: true, Name: "元旦"}}); err != nil {
		t.Fatal(err)
	}
	c, err = foi.ClockOf(r, cal, inMarch)
	if err != nil || c.Provisional || !c.Due.After(before) {
		t.Errorf("after the year is entered: %+v %v (provisional due %s)", c, err, before.Format("2006-01-02"))
	}
}

// TestNotOursNamesTheAgency: 36(四) and 36(五) are separate answers, each
// letter citing its own paragraph; a 36(五) answer names the responsible
// agency and how to reach it.
func TestNotOursNamesTheAgency(t *testing.T) {
	cal := workday.New()
	held, _ := foi.OutcomeOf("unable_not_held")
	ours, _ := foi.OutcomeOf("unable_not_ours")
	if !strings.Contains(held.Letter, "第三十六条第（四）项") || !strings.Contains(ours.Letter, "第三十六条第（五）项") || held.Label() == ours.Label() {
		t.Errorf("36(四) %q / 36(五) %q", held.Letter, ours.Letter)
	}
	r := newRequest("2026-03-02")
	for field, st := range map[string]foi.Step{
		"agency":  {Action: foi.ActAnswer, On: d("2026-03-10"), Outcome: "unable_not_ours"},
		"contact": {Action: foi.ActAnswer, On: d("2026-03-10"), Outcome: "unable_not_ours", Agency: "县自然资源和规划局"},
	} {
		q := *r
		var e *catalog.Error
		if err := foi.Apply(&q, st, cal, d("2026-03-10")); !errors.As(err, &e) || e.Code != catalog.EINVALID || e.Field != field {
			t.Errorf("%s missing: %v", field, err)
		}
	}
	if err := foi.Apply(r, foi.Step{Action: foi.ActAnswer, On: d("2026-03-10"), Outcome: "unable_not_ours", Agency: "县自然资源和规划局",
		Contact: "0563-8020000"}, cal, d("2026-03-10")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.AnswerText, "县自然资源和规划局") || !strings.Contains(r.AnswerText, "0563-8020000") {
		t.Errorf("the answer text %q", r.AnswerText)
	}
}

// TestCalendarWarning: from 1 October the county office is told that next
// year's arrangement is missing, until it is entered; a missing current
// year is told at once.
func TestCalendarWarning(t *testing.T) {
	desk := &foi.Desk{Calendar: workday.New()}
	last := desk.Calendar.LastYear()
	at := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 10, 0, 0, 0, catalog.Shanghai) }
	if w := desk.CalendarWarning(at(last, 9, 30)); w != "" {
		t.Errorf("30 September: %q", w)
	}
	if w := desk.CalendarWarning(at(last, 10, 1)); !strings.Contains(w, fmt.Sprint(last+1)) {
		t.Errorf("1 October: %q", w)
	}
	if w := desk.CalendarWarning(at(last-1, 12, 1)); w != "" {
		t.Errorf("December of a year whose next is known: %q", w)
	}
	if w := desk.CalendarWarning(at(last+1, 1, 5)); !strings.Contains(w, "今年") {
		t.Errorf("January of an unknown year: %q", w)
	}
	if err := desk.Calendar.SetYear(last+1, nil); err != nil {
		t.Fatal(err)
	}
	if w := desk.CalendarWarning(at(last, 10, 1)); w != "" {
		t.Errorf("after entering it: %q", w)
	}
}
