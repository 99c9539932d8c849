package foi_test

import (
	"encoding/json"
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
