package hw

import (
	"errors"
	"os"
	"testing"
)

// TestBusy: with two recognitions running, a third is told the recogniser
// is busy instead of starting a process.
func TestBusy(t *testing.T) {
	r := New("")
	if r == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zinnia or its model is missing")
		}
		t.Skip("zinnia or its model is missing")
	}
	r.slots <- struct{}{}
	r.slots <- struct{}{}
	in := Ink{W: 300, H: 300, Strokes: [][][2]int{{{30, 150}, {270, 150}}}}
	if _, err := r.Recognize(t.Context(), in, 5); !errors.Is(err, ErrBusy) {
		t.Errorf("a third at once: %v", err)
	}
	<-r.slots
	if cs, err := r.Recognize(t.Context(), in, 5); err != nil || len(cs) == 0 {
		t.Errorf("with a slot free: %v %v", cs, err)
	}
}
