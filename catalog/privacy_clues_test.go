package catalog

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCluesLeaveNoMatchOut: searching a text only as far as clues says
// finds every match the whole text holds, on random texts made of what
// the patterns are made of.
func TestCluesLeaveNoMatchOut(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"0", "1", "3", "8", "9", " ", "-", "x", "X", "@", "E", "+", ".", "a", "q", "中", "\n"}
	for i := 0; i < 20000; i++ {
		var b []byte
		for n := r.IntN(60); n > 0; n-- {
			b = append(b, alphabet[r.IntN(len(alphabet))]...)
		}
		text := string(b)
		run, at, exp := clues(text)
		for _, c := range []struct {
			name string
			all  [][]int
			cut  [][]int
		}{
			{"digits", reDigitsRun.FindAllStringIndex(text, -1), reDigitsRun.FindAllStringIndex(text[:run], -1)},
			{"e-mail", reEmail.FindAllStringIndex(text, -1), reEmail.FindAllStringIndex(text[:at], -1)},
			{"scientific", reIDAsNumber.FindAllStringIndex(text, -1), reIDAsNumber.FindAllStringIndex(text[:exp], -1)},
		} {
			if !slices.EqualFunc(c.all, c.cut, slices.Equal) {
				t.Fatalf("%q: %s matches %v in the whole text, %v as far as clues says", text, c.name, c.all, c.cut)
			}
		}
	}
}
