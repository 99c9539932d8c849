package catalog_test

import (
	"strings"
	"testing"

	"gongkai/catalog"
)

func TestValidIDNumber(t *testing.T) {
	for id, want := range map[string]bool{
		"11010519491231002X": true,  // the GB 11643 example
		"11010519491231002x": true,  // lower-case check character
		"110105194912310021": false, // wrong check character
		"11010519491331002X": false, // month 13
		"01010519491231002X": false, // no province 0
		"1101051949123100":   false,
		"34182519900307123X": false,
	} {
		if got := catalog.ValidIDNumber(id); got != want {
			t.Errorf("ValidIDNumber(%s) = %v, want %v", id, got, want)
		}
	}
}

func TestLuhn(t *testing.T) {
	for n, want := range map[string]bool{"4111111111111111": true, "4111111111111112": false, "79927398713": true, "79927398710": false, "": false} {
		if got := catalog.Luhn(n); got != want {
			t.Errorf("Luhn(%s) = %v", n, got)
		}
	}
}

func TestScanPrivacy(t *testing.T) {
	text := "张三，身份证11010519491231002X，电话138-0013-8000，卡号4111 1111 1111 1111，邮箱zhang.san@example.com；" +
		"文号政办〔2019〕23号，索引号123131313113213/202008-00051，办公电话0563-8024390，金额20200813元。"
	hits := catalog.ScanPrivacy(text)
	var kinds []string
	for _, h := range hits {
		kinds = append(kinds, string(h.Kind)+"="+h.Text)
	}
	want := []string{"id_number=11010519491231002X", "mobile=138-0013-8000", "bank_card=4111 1111 1111 1111", "email=zhang.san@example.com"}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Errorf("hits %v\nwant %v", kinds, want)
	}
	// Offsets are in characters, for highlighting.
	if h := hits[0]; []rune(text)[h.Start] != '1' || string([]rune(text)[h.Start:h.End]) != h.Text {
		t.Errorf("offsets %d-%d", h.Start, h.End)
	}
	if m := hits[1].Mask(); m != "138*******8000" && !strings.HasPrefix(m, "138") {
		t.Errorf("mask %q", m)
	}
	// Full-width digits, letters and signs are read as what they stand
	// for; Chinese punctuation around them changes nothing.
	wide := catalog.ScanPrivacy("联系电话：１３８－００１３－８０００，邮箱：ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ。")
	if len(wide) != 2 || wide[0].Kind != catalog.PrivacyMobile || wide[0].Text != "138-0013-8000" || wide[1].Kind != catalog.PrivacyEmail {
		t.Errorf("full-width: %+v", wide)
	}
	// An ID number a spreadsheet kept as a number (as LibreOffice writes
	// an .xls cell): found by its place and birth date; other large
	// numbers are not.
	for _, c := range []struct {
		text string
		hit  bool
	}{
		{"张三\n3.4182519530506E+017\n", true},
		{"金额 3.41825195305060E+17 元", true},
		{"1.1010519491231E+17", true},
		{"3.4182519531399E+017", false}, // 13月99日: no birth date
		{"3.4E+17", false},              // too few digits to tell
		{"6.0221407600000E+023", false},
	} {
		hits := catalog.ScanPrivacy(c.text)
		if got := len(hits) == 1 && hits[0].Kind == catalog.PrivacyIDNumber; got != c.hit {
			t.Errorf("%q: %+v", c.text, hits)
		}
	}
}

func TestCheckPrivacy(t *testing.T) {
	text := "联系人手机13800138000，单位邮箱jdxzwzx@163.com"
	_, err := catalog.CheckPrivacy(text, nil)
	if catalog.ErrorCode(err) != catalog.EINVALID || !strings.Contains(err.Error(), "手机号码 138****8000") || strings.Contains(err.Error(), "13800138000") {
		t.Errorf("unconfirmed: %v", err)
	}
	_, err = catalog.CheckPrivacy(text, []catalog.PrivacyConfirmation{{Text: "jdxzwzx@163.com", Reason: "单位公开邮箱"}})
	if err == nil || strings.Contains(err.Error(), "电子邮箱") {
		t.Errorf("half confirmed: %v", err)
	}
	_, err = catalog.CheckPrivacy(text, []catalog.PrivacyConfirmation{{Text: "jdxzwzx@163.com", Reason: "单位公开邮箱"}, {Text: "13800138000", Reason: "经本人同意公开"}})
	if err != nil {
		t.Errorf("all confirmed: %v", err)
	}
	if _, err := catalog.CheckPrivacy(text, []catalog.PrivacyConfirmation{{Text: "13800138000"}}); err == nil {
		t.Error("a confirmation without a reason counts")
	}
	// In an attachment: the message names the file, and a number repeated
	// is one item, confirmed once.
	joined := "标题\n正文" + catalog.AttachmentMarker("低保名单.xls") + "张三 13800138000\n李四 13800138000\n" + catalog.AttachmentMarker("说明.docx") + "无"
	_, err = catalog.CheckPrivacy(joined, nil)
	if err == nil || !strings.Contains(err.Error(), "手机号码 138****8000（附件“低保名单.xls”，共2处）") || strings.Count(err.Error(), "138****8000") != 1 {
		t.Errorf("in an attachment: %v", err)
	}
	if _, err := catalog.CheckPrivacy(joined, []catalog.PrivacyConfirmation{{Text: "13800138000", Reason: "经本人同意公开"}}); err != nil {
		t.Errorf("confirmed once: %v", err)
	}
	if hs := catalog.ScanPrivacy("手机13800138000"); len(hs) != 1 || hs[0].Where != "正文" {
		t.Errorf("in the body: %+v", hs)
	}
}

func FuzzScanPrivacy(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "138-0013-8000", "4111 1111 1111 1111", "a@b.cn", "１３８", "1-1-1-1-1-1-1-1-1-1-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range catalog.ScanPrivacy(s) {
			if h.Start < 0 || h.End < h.Start || !strings.Contains(s, h.Text) {
				t.Fatalf("bad hit %+v in %q", h, s)
			}
			_ = h.Mask()
		}
		catalog.ValidIDNumber(s)
	})
}
