package foi_test

import (
	"testing"

	"gongkai/foi"
)

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]string{
		"2026-00017":            "2026-00017",
		" 202600017 ":           "2026-00017",
		"2026-17":               "2026-00017",
		"２０２６－０００１７":            "2026-00017",
		"2026-000\u200b17":      "2026-00017", // zero-width space
		"\ufeff2026-00017":      "2026-00017", // byte-order mark
		"2026-00017\u2060":      "2026-00017", // word joiner
		"2026-123456":           "2026-123456",
		"2026-0000000000017":    "",
		"2026-00000":            "",
		"2026/00017":            "",
		"2026-00017' OR '1'='1": "",
		"2026-0001７x":           "",
		"٢٠٢٦-00017":            "", // other scripts' digits are not ours
		"":                      "",
	} {
		got, err := foi.ParseNumber(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParsePhone4(t *testing.T) {
	for in, want := range map[string]string{"1234": "1234", "１２３４": "1234", "12\u200b34": "1234", "123": "", "12345": "", "12a4": "", "١٢٣٤": ""} {
		got, err := foi.ParsePhone4(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ParsePhone4(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"2026-00017", "２０２６－０００１７", "202600017", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := foi.ParseNumber(s)
		if err != nil {
			return
		}
		again, err := foi.ParseNumber(n)
		if err != nil || again != n {
			t.Fatalf("canonical form %q of %q does not read back: %q %v", n, s, again, err)
		}
	})
}
