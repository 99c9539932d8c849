package hw_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gongkai/catalog"
	"gongkai/kiosk/hw"
)

// recognizer is Zinnia with Debian's model: CI installs both; elsewhere
// the tests say what is missing.
func recognizer(t *testing.T) *hw.Recognizer {
	r := hw.New("")
	if r == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zinnia or its model is missing: apt-get install zinnia-utils tegaki-zinnia-simplified-chinese")
		}
		t.Skip("zinnia or its model is missing: apt-get install zinnia-utils tegaki-zinnia-simplified-chinese")
	}
	return r
}

// TestRecognize: 十 and 三 as a finger writes them, stroke by stroke.
func TestRecognize(t *testing.T) {
	r := recognizer(t)
	for want, in := range map[string]hw.Ink{
		"十": {W: 300, H: 300, Strokes: [][][2]int{{{30, 150}, {150, 148}, {270, 150}}, {{150, 30}, {150, 150}, {150, 270}}}},
		"三": {W: 300, H: 300, Strokes: [][][2]int{{{60, 60}, {240, 60}}, {{80, 150}, {220, 150}}, {{30, 250}, {270, 250}}}},
		// 口: the left side, the top and right in one stroke, the bottom.
		"口": {W: 300, H: 300, Strokes: [][][2]int{{{60, 60}, {60, 240}}, {{60, 60}, {240, 60}, {240, 240}}, {{60, 240}, {240, 240}}}},
	} {
		cs, err := r.Recognize(t.Context(), in, 10)
		if err != nil || !slices.Contains(cs[:min(3, len(cs))], want) {
			t.Errorf("%s: %v %v", want, cs, err)
		}
	}
}

// TestInkRefused: what would cost the recogniser much, or means nothing,
// is refused before it runs.
func TestInkRefused(t *testing.T) {
	many := make([][][2]int, hw.MaxStrokes+1)
	for i := range many {
		many[i] = [][2]int{{1, 1}}
	}
	long := [][][2]int{make([][2]int, hw.MaxPoints+1)}
	for name, in := range map[string]hw.Ink{
		"no strokes":   {W: 300, H: 300},
		"too many":     {W: 300, H: 300, Strokes: many},
		"too long":     {W: 300, H: 300, Strokes: long},
		"empty stroke": {W: 300, H: 300, Strokes: [][][2]int{{}}},
		"huge area":    {W: 1 << 20, H: 300, Strokes: [][][2]int{{{1, 1}}}},
		"no area":      {W: 0, H: 0, Strokes: [][][2]int{{{1, 1}}}},
	} {
		if err := in.Validate(); catalog.ErrorCode(err) != catalog.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Points outside the area are moved to its edge, not refused.
	r := recognizer(t)
	if _, err := r.Recognize(t.Context(), hw.Ink{W: 300, H: 300, Strokes: [][][2]int{{{-500, 150}, {9000, 150}}}}, 5); err != nil {
		t.Errorf("points outside the area: %v", err)
	}
}

// TestNoParts: 大 written as a finger does is on the first page of
// candidates, and no stroke or component (丨, 廾) is offered as a
// character.
func TestNoParts(t *testing.T) {
	r := recognizer(t)
	for want, in := range map[string]hw.Ink{
		"大": {W: 300, H: 300, Strokes: [][][2]int{{{40, 110}, {260, 110}}, {{150, 40}, {150, 120}, {60, 270}}, {{150, 130}, {260, 270}}}},
		"丨": {W: 300, H: 300, Strokes: [][][2]int{{{150, 30}, {150, 270}}}},
	} {
		cs, err := r.Recognize(t.Context(), in, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if strings.ContainsAny(c, "丨丶亻廾彳厶") {
				t.Errorf("%s: a part offered: %v", want, cs)
				break
			}
		}
		if want == "大" && (len(cs) == 0 || !slices.Contains(cs[:min(8, len(cs))], "大")) {
			t.Errorf("大: %v", cs)
		}
	}
}
