// Command gen writes the pinyin keyboard's word list, kiosk/ime/words.txt.gz,
// from jieba's dictionary with its word frequencies, as cppjieba ships it
// inside github.com/yanyiwu/gojieba (MIT): every character and the words of
// two to four characters seen at least minFreq times. jieba's list carries
// some characters of mis-decoded text (涓, 锛, 鍦 …) with high counts: a
// character outside GB2312's first level (its 3,755 common characters) is
// counted at most rareCap, and a word with a character outside GB2312 is
// left out. Run it from the repository (go mod download
// github.com/yanyiwu/gojieba@v1.4.6 fetches the dictionary first):
//
//	go run ./kiosk/ime/gen "$(go env GOMODCACHE)/github.com/yanyiwu/gojieba@v1.4.6/deps/cppjieba/dict/jieba.dict.utf8"
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const (
	minFreq = 30
	rareCap = 50
)

// gb2312 is a character's level in GB2312: 1 for the common characters,
// 2 for the less common, 0 for one outside it.
func gb2312(r rune) int {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(string(r)))
	if err != nil || len(b) != 2 || b[1] < 0xA1 || b[1] > 0xFE {
		return 0
	}
	switch {
	case b[0] >= 0xB0 && b[0] <= 0xD7:
		return 1
	case b[0] >= 0xD8 && b[0] <= 0xF7:
		return 2
	}
	return 0
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./kiosk/ime/gen PATH/TO/cppjieba/dict/jieba.dict.utf8")
		os.Exit(2)
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer in.Close()
	freq := map[string]int{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text()) // word, frequency, part of speech
		if len(f) < 2 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		w := f[0]
		rs := []rune(w)
		if len(rs) > 4 || (len(rs) > 1 && n < minFreq) {
			continue
		}
		han := true
		for _, r := range rs {
			han = han && unicode.Is(unicode.Han, r) && (len(rs) == 1 || gb2312(r) > 0)
		}
		if len(rs) == 1 && gb2312(rs[0]) != 1 {
			n = min(n, rareCap)
		}
		if han && n > freq[w] {
			freq[w] = n
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ws := make([]string, 0, len(freq))
	for w := range freq {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	out, err := os.Create("kiosk/ime/words.txt.gz")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	for _, w := range ws {
		fmt.Fprintf(bw, "%s\t%d\n", w, freq[w])
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	zw.Close()
	out.Close()
	fmt.Printf("%d words\n", len(ws))
}
