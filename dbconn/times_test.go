package dbconn

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestTimeReadsWhatTheDriverWrites: the quick reading of SQLite's text
// gives what the layouts give, for the driver's own format and the others.
func TestTimeReadsWhatTheDriverWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var texts []string
	for range 20000 {
		v := time.Unix(r.Int64N(4102444800), 0).UTC()
		switch r.IntN(3) {
		case 1:
			v = v.Add(time.Duration(r.IntN(1e9)))
		case 2:
			v = v.Add(time.Duration(r.IntN(1000)) * time.Millisecond)
		}
		texts = append(texts, v.Format("2006-01-02 15:04:05.999999999-07:00"))
	}
	texts = append(texts, "2026-06-18 08:47:00+00:00", "2026-06-18 16:47:00+08:00", "2026-06-18T08:47:00Z", "2026-06-18 08:47:00",
		"2026-06-18 08:47", "2026-06-18", "2026-02-31 00:00:00+00:00", "2026-06-18 08:47:00.+00:00", "2026-06-18 08:47:00.1234567891+00:00",
		"2026-06-18 24:00:00+00:00", "2026-6-18 08:47:00+00:00", "not a time", "",
		"2026-06-18 08:47:00.5Z", time.Date(2026, 6, 18, 8, 47, 0, 5, time.FixedZone("CST", 8*3600)).String(), time.Now().String())
	for _, s := range texts {
		want, wantOK := driverParse(s)
		var got Time
		err := got.Scan(s)
		if (err == nil) != wantOK || err == nil && (!got.Time.Equal(want) || !got.Valid || got.Time.Location().String() != want.Location().String()) {
			t.Errorf("%q: read %v (%v), layouts %v (%v)", s, got.Time, err, want, wantOK)
		}
	}
	var got Time
	if err := got.Scan(nil); err != nil || got.Valid {
		t.Errorf("NULL: %+v %v", got, err)
	}
	now := time.Now()
	if err := got.Scan(now); err != nil || !got.Valid || !got.Time.Equal(now) {
		t.Errorf("MySQL's time: %+v %v", got, err)
	}
}

// driverParse is how glebarez/go-sqlite v1.21.2 reads a time (its
// conn.parseTime), to compare with.
func driverParse(s string) (time.Time, bool) {
	head := s
	if i := strings.Index(s, "m="); i > 0 {
		head = s[:i]
	}
	if v, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", strings.TrimSpace(head)); err == nil {
		return v, true
	}
	ts := strings.TrimSuffix(s, "Z")
	for _, layout := range textLayouts {
		if v, err := time.ParseInLocation(layout, ts, time.UTC); err == nil {
			return v, true
		}
	}
	return time.Time{}, false
}
