package foi_test

import (
	"testing"
	"time"

	"gongkai/foi"
)

func TestAnnualReport(t *testing.T) {
	on := func(s string) *time.Time { v := d(s); return &v }
	reqs := []foi.Request{
		{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2025-12-20"), DecidedOn: on("2026-01-10"), Outcome: "disclose"},       // carried in, decided
		{Applicant: foi.Applicant{Type: foi.Company}, ReceivedOn: d("2025-12-29")},                                                        // carried in, still open
		{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2025-06-01"), DecidedOn: on("2025-06-20"), Outcome: "disclose"},       // last year only
		{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2026-03-02"), DecidedOn: on("2026-03-20"), Outcome: "already_public"}, // 予以公开
		{Applicant: foi.Applicant{Type: foi.Legal}, ReceivedOn: d("2026-04-02"), DecidedOn: on("2026-04-20"), Outcome: "deny_enforcement"},
		{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2026-12-28")},                                                    // carried out
		{Applicant: foi.Applicant{Type: foi.Research}, ReceivedOn: d("2026-12-30"), DecidedOn: on("2027-01-05"), Outcome: "partial"}, // carried out
		// 36(四) and 36(五) both count as 本机关不掌握相关政府信息.
		{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2026-05-06"), DecidedOn: on("2026-05-20"), Outcome: "unable_not_held"},
		{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2026-05-07"), DecidedOn: on("2026-05-21"), Outcome: "unable_not_ours"},
	}
	rep := foi.AnnualReport(reqs, 2026, "")
	if err := rep.Check(); err != nil {
		t.Fatal(err)
	}
	cells := map[string][7]int{}
	for _, r := range rep.Rows {
		cells[r.Key] = r.Cells
	}
	want := map[string][7]int{
		"new":              {4, 0, 1, 0, 1, 0, 6},
		"carried_in":       {1, 1, 0, 0, 0, 0, 2},
		"disclose":         {2, 0, 0, 0, 0, 0, 2},
		"deny_enforcement": {0, 0, 0, 0, 1, 0, 1},
		"unable_not_held":  {2, 0, 0, 0, 0, 0, 2},
		"total":            {4, 0, 0, 0, 1, 0, 5},
		"carried_out":      {1, 1, 1, 0, 0, 0, 3},
	}
	for k, w := range want {
		if cells[k] != w {
			t.Errorf("%s = %v, want %v", k, cells[k], w)
		}
	}
	if len(rep.Rows) != 25 {
		t.Errorf("%d rows, want 25 (一, 二, 21 results, 总计, 四, as in the 2021 format)", len(rep.Rows))
	}
	// A broken table is caught.
	rep.Rows[0].Cells[0]++
	if rep.Check() == nil {
		t.Error("a table off by one passes the check")
	}
}

// TestFees: the 办法's progressive bands, at their edges.
func TestFees(t *testing.T) {
	for n, want := range map[int]int{1: 0, 10: 0, 11: 100, 30: 100, 31: 200, 40: 200, 41: 300, 50: 300, 51: 400} {
		if got := foi.FeeForCount(n); got != want {
			t.Errorf("按件, the %dth: %d, want %d", n, got, want)
		}
	}
	for n, want := range map[int]int{30: 0, 31: 10, 100: 700, 101: 720, 200: 2700, 201: 2740, 250: 4700} {
		if got := foi.FeeForPages(n); got != want {
			t.Errorf("按量, %d pages: %d, want %d", n, got, want)
		}
	}
}
