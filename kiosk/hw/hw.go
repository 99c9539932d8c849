// Package hw reads a character a resident writes with a finger on the
// kiosk's screen: the strokes the page records are given to Zinnia, the
// online handwriting recogniser Linux input methods use, with the Tegaki
// project's simplified-Chinese model — both Debian packages (zinnia-utils,
// tegaki-zinnia-simplified-chinese), run on the server in the hall's LAN,
// so nothing leaves it. No recogniser made for the browser is both kept up
// and offline; Zinnia answers a character in a few milliseconds.
//
// Each recognition runs `zinnia` as a separate process with a deadline,
// at most two at a time, on input whose size is bounded before it starts.
package hw

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/catalog"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// DefaultModel is where Debian's tegaki-zinnia-simplified-chinese puts
// its model.
const DefaultModel = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"

// Limits on what one character may carry.
const (
	MaxStrokes = 40
	MaxPoints  = 2000 // over all strokes
	MaxSide    = 4000 // the writing area's width and height in pixels
)

// Ink is one character as written: the writing area's size and each
// stroke's points in it, in order.
type Ink struct {
	W       int        `json:"w"`
	H       int        `json:"h"`
	Strokes [][][2]int `json:"strokes"`
}

// Validate refuses ink the recogniser should not be given.
func (in Ink) Validate() error {
	if in.W < 10 || in.H < 10 || in.W > MaxSide || in.H > MaxSide {
		return catalog.Invalid("strokes", "书写区域大小不正确")
	}
	if len(in.Strokes) == 0 {
		return catalog.Invalid("strokes", "请在方框中书写")
	}
	if len(in.Strokes) > MaxStrokes {
		return catalog.Invalid("strokes", "笔画过多（最多%d笔），请点“重写”后一次只写一个字", MaxStrokes)
	}
	n := 0
	for _, s := range in.Strokes {
		if len(s) == 0 {
			return catalog.Invalid("strokes", "笔画为空")
		}
		n += len(s)
	}
	if n > MaxPoints {
		return catalog.Invalid("strokes", "笔迹过长，请点“重写”后再写")
	}
	return nil
}

// sexp is the ink as Zinnia reads it, on one line; points outside the
// area are moved to its edge.
func (in Ink) sexp() []byte {
	var b bytes.Buffer
	b.WriteString("(character (width " + strconv.Itoa(in.W) + ")(height " + strconv.Itoa(in.H) + ")(strokes")
	for _, s := range in.Strokes {
		b.WriteString(" (")
		for _, p := range s {
			x, y := min(max(p[0], 0), in.W), min(max(p[1], 0), in.H)
			b.WriteString("(" + strconv.Itoa(x) + " " + strconv.Itoa(y) + ")")
		}
		b.WriteString(")")
	}
	b.WriteString("))\n")
	return b.Bytes()
}

// Recognizer runs Zinnia; New finds it.
type Recognizer struct {
	bin, model string
	slots      chan struct{}
}

// New finds the zinnia program and the model (DefaultModel when model is
// ""); nil when either is missing — the kiosk then offers pinyin alone.
func New(model string) *Recognizer {
	if model == "" {
		model = DefaultModel
	}
	bin, err := exec.LookPath("zinnia")
	if err != nil {
		return nil
	}
	if st, err := os.Stat(model); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	return &Recognizer{bin: bin, model: model, slots: make(chan struct{}, 2)}
}

// ErrBusy: two recognitions are running and a third waited a second.
var ErrBusy = errors.New("hw: busy")

// Recognize gives up to n characters the ink may be, best first.
func (r *Recognizer) Recognize(ctx context.Context, in Ink, n int) ([]string, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	n = min(max(n, 1), 50)
	wait := time.NewTimer(time.Second)
	defer wait.Stop()
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-wait.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, "-m", r.model, "-n", strconv.Itoa(n))
	cmd.Stdin = bytes.NewReader(in.sexp())
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	return parse(out), nil
}

// parts are strokes and components the model offers that are not written
// alone (丨 for a stroke, 廾 for 大), which would confuse a resident.
const parts = "丨丶丿乀乁乚亅亠亻冂冖冫几凵刂勹匚匸卩厂厶廴廾弋彐彡彳忄扌氵犭阝艹辶宀纟钅饣讠礻衤囗丬爿夂夊攵罒耂虍糸"

// parse reads Zinnia's answer ("Answer:" then a character and its score
// per line): characters only, no parts, the common ones (GB2312's) before
// the rest, each group in Zinnia's order.
func parse(out []byte) []string {
	var common, rare []string
	for _, line := range strings.Split(string(out), "\n") {
		c, _, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || utf8.RuneCountInString(c) != 1 || strings.Contains(parts, c) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(c)
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		if b, err := simplifiedchinese.HZGB2312.NewEncoder().String(c); err == nil && b != "" {
			common = append(common, c)
		} else {
			rare = append(rare, c)
		}
	}
	return append(common, rare...)
}
