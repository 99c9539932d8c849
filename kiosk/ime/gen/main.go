// Command gen writes the pinyin keyboard's word list, kiosk/ime/words.txt.gz,
// from the Chinese dictionary of the gse segmenter (github.com/go-ego/gse,
// Apache-2.0; jieba's dictionary with word frequencies): every character and
// the words of two to four characters seen at least minFreq times, with
// their frequencies. Run it from the repository (go mod download
// github.com/go-ego/gse@v0.80.3 fetches the dictionary first):
//
//	go run ./kiosk/ime/gen "$(go env GOMODCACHE)/github.com/go-ego/gse@v0.80.3/data/dict/zh/s_1.txt"
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
)

const minFreq = 30

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./kiosk/ime/gen PATH/TO/gse/data/dict/zh/s_1.txt")
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
		f := strings.Fields(sc.Text())
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
			han = han && unicode.Is(unicode.Han, r)
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
