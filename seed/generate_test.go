package seed_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/seed"
)

// fingerprint hashes every publication's key, title, dates and body.
func fingerprint(t *testing.T, st seed.Stores) (string, int) {
	t.Helper()
	pubs, err := st.Catalog.FindPublications(context.Background(), catalog.PubFilter{})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, p := range pubs {
		fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", p.UnitCode, p.Title, p.GeneratedOn.Format("20060102"), p.PublishedOn.Format("200601021504"), p.Body)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), len(pubs)
}

// TestGenerateIsDeterministicAndPlantsIrregularities: two counties from the
// same seed into two databases are the same publications; the size is
// met within a tenth; late, duplicate, burst publications and stale items
// are planted; running it again adds nothing.
func TestGenerateIsDeterministicAndPlantsIrregularities(t *testing.T) {
	ctx := context.Background()
	size := seed.CountySize
	size.Counties, size.ItemsPerUnit, size.Publications = 2, 45, 14000
	st1, _ := stores(t)
	sum, err := seed.Generate(ctx, st1, size, 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	units, _ := st1.Catalog.FindUnits(ctx)
	if len(units) != 78 || sum.Units != 78 {
		t.Errorf("%d units (%d reported), want 78", len(units), sum.Units)
	}
	fp1, _ := fingerprint(t, st1)
	if n := sum.Publications; n < size.Publications*97/100 || n > size.Publications*103/100 {
		t.Errorf("%d publications generated, want about %d", n, size.Publications)
	}
	if sum.Late == 0 || sum.Duplicates == 0 || sum.Bursts == 0 || sum.Stale == 0 {
		t.Errorf("irregularities not planted: %+v", sum)
	}
	again, err := seed.Generate(ctx, st1, size, 42, nil)
	if err != nil || again.Publications != 0 || again.Items != 0 {
		t.Errorf("a second run added %+v (%v)", again, err)
	}
	st2, _ := stores(t)
	if _, err := seed.Generate(ctx, st2, size, 42, nil); err != nil {
		t.Fatal(err)
	}
	if fp2, _ := fingerprint(t, st2); fp2 != fp1 {
		t.Error("the same seed made different publications")
	}
}

// TestGeneratedRequestsCoverEveryOutcome: the generated requests are
// decided with every outcome of the annual report, some still open.
func TestGeneratedRequestsCoverEveryOutcome(t *testing.T) {
	reqs := seed.GenRequests(seed.ProvinceSize, 20000, 1)
	seen := map[foi.Outcome]bool{}
	open := 0
	for _, d := range reqs {
		for _, s := range d.Steps {
			if s.On.After(seed.CountySize.To) {
				t.Fatalf("a step on %s, after the last day", s.On.Format("2006-01-02"))
			}
		}
		decided := false
		for _, s := range d.Steps {
			if s.Action == foi.ActAnswer {
				seen[s.Outcome], decided = true, true
			}
			if s.Action == foi.ActLapse {
				seen["other_no_correction"], decided = true, true
			}
		}
		if !decided {
			open++
		}
	}
	for _, o := range foi.Outcomes {
		if !seen[o.Code] {
			t.Errorf("no request decided %s", o.Code)
		}
	}
	if open == 0 || open > len(reqs)/5 {
		t.Errorf("%d of %d requests open", open, len(reqs))
	}
}
