package catalog_test

import (
	"os"
	"strings"
	"testing"

	"gongkai/catalog"
)

// TestCleanBodyFromWord: a table pasted from Word keeps its rows, cells and
// merged cells, and loses Word's styles, classes, comments, its local
// image and a javascript: link with its handler.
func TestCleanBodyFromWord(t *testing.T) {
	raw, err := os.ReadFile("testdata/word-paste.html")
	if err != nil {
		t.Fatal(err)
	}
	got := catalog.CleanBody(string(raw))
	for _, want := range []string{"<table>", "<td rowspan=\"2\">", "<td colspan=\"2\">", "三溪村", "张某某", "<b>三溪镇2026年城乡低保对象名单公示</b>",
		`<a href="http://www.jingde.gov.cn/" rel="nofollow noopener" target="_blank">县政府网站</a>`} {
		if !strings.Contains(got, want) {
			t.Errorf("lost %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"style", "class", "<span", "Mso", "<img", "javascript", "onclick", "<o:p", "<!--", "font-family", "<html", "<head", "<meta", "AllowPNG"} {
		if strings.Contains(got, gone) {
			t.Errorf("kept %q:\n%s", gone, got)
		}
	}
	if again := catalog.CleanBody(got); again != got {
		t.Errorf("not stable:\n%s\n%s", got, again)
	}
	text := catalog.BodyText(got)
	if !strings.Contains(text, "户主 保障人数") || !strings.Contains(text, "三溪村 张某某 2") || strings.Contains(text, "<") {
		t.Errorf("text of the body:\n%s", text)
	}
}

// TestCleanBodyHostile: what a crafted body tries is dropped, and plain
// text becomes paragraphs.
func TestCleanBodyHostile(t *testing.T) {
	for in, want := range map[string]string{
		`<script>alert(1)</script><p>正文</p>`:            "<p>正文</p>",
		`<p onmouseover="x()" style="color:red">正文</p>`: "<p>正文</p>",
		`<img src=x onerror=alert(1)>正文`:                "正文",
		`<iframe src="http://evil"></iframe><p>正文</p>`:  "<p>正文</p>",
		`<a href="data:text/html,<script>">链接</a>`:      "链接",
		`<svg><script>alert(1)</script></svg>正文`:        "正文",
		`<form action="/x"><input name=a></form>正文`:     "正文",
		`<h1>标题</h1>`:                                                    "<h2>标题</h2>",
		`<td colspan="1000000">格</td>`:                                   "<td>格</td>",
		"第一段\n\n第二段 1<2，3 < 4\r\n":                                       "<p>第一段</p><p>第二段 1&lt;2，3 &lt; 4</p>",
		`<style>p{color:red}</style><p>正文</p><base href="http://evil/">`: "<p>正文</p>",
	} {
		if got := catalog.CleanBody(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestCleanBodyBulletsAndEmptyParagraphs: Word's bulleted paragraphs (as
// a paste leaves them: the bullet, spaces, the text) become a list; empty
// paragraphs go; the result is stable.
func TestCleanBodyBulletsAndEmptyParagraphs(t *testing.T) {
	in := `<p>申请条件：</p><p>·&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; 具有本镇户籍；</p><p>·&nbsp;&nbsp;&nbsp; 家庭人均收入低于<b>当地标准</b>。</p>` +
		`<p>&nbsp;</p><p><br></p><p>●` + "\u00a0" + `另一项</p><p>·5元（不是列表）</p><p>结束。</p><p></p>`
	got := catalog.CleanBody(in)
	want := `<p>申请条件：</p><ul><li>具有本镇户籍；</li><li>家庭人均收入低于<b>当地标准</b>。</li></ul><ul><li>另一项</li></ul><p>·5元（不是列表）</p><p>结束。</p>`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if again := catalog.CleanBody(got); again != got {
		t.Errorf("not stable:\n%s", again)
	}
}
