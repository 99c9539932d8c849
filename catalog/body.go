package catalog

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// A publication's body (正文) is HTML: what the editor writes, a document
// pasted from Word or WPS, or what a county's old system sends. It is kept
// only through an allow-list — headings, paragraphs, emphasis, lists,
// tables (with merged cells), quotations, links to web and mail addresses —
// with no scripts, styles, classes, event handlers, frames, forms or
// images; what the list drops never comes back (Word's spans and sections
// go, their text stays). The kiosk, print and the
// back office show the same HTML.

var bodyPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
		"ul", "ol", "li", "blockquote", "hr", "pre",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr")
	// A document's 一级 heading is its title, shown above the body: h1
	// becomes h2 (see CleanBody).
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("td", "th")
	p.AllowAttrs("span").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("col", "colgroup")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowElements("td", "th")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,4}$`)).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// looksHTML: the text has a tag (an element, a closing tag or a comment).
var looksHTML = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)`)

var h1 = regexp.MustCompile(`(?i)<(/?)h1\b`)

// BodyIsHTML tells whether a body holds a tag (else it is plain text).
func BodyIsHTML(s string) bool { return looksHTML.MatchString(s) }

// CleanBody is a body as it is stored: HTML through the allow-list; plain
// text (no tag in it) as paragraphs, a paragraph a line.
func CleanBody(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !looksHTML.MatchString(s) {
		var b strings.Builder
		for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			if line = strings.TrimRight(line, " \t\r"); strings.TrimSpace(line) != "" {
				b.WriteString("<p>" + html.EscapeString(line) + "</p>")
			}
		}
		return b.String()
	}
	out := bodyPolicy.Sanitize(h1.ReplaceAllString(s, "<${1}h2"))
	// Word's bulleted paragraphs arrive as paragraphs opening with the
	// bullet and spaces: a list again. Paragraphs with nothing in them
	// (a paste's leftovers) go.
	out = bulletRun.ReplaceAllStringFunc(out, func(run string) string {
		return "<ul>" + bulletPara.ReplaceAllString(strings.TrimSpace(run), "<li>$1</li>") + "</ul>"
	})
	out = emptyPara.ReplaceAllString(out, "")
	return strings.TrimSpace(out)
}

// bulletPara is a paragraph that opens with a bullet character (Word's
// Symbol · and Wingdings ●, and their kin) and a space; bulletRun is one
// or more of them in a row.
const bulletPattern = `<p>\s*[·•●○■□◆◇▪►√]+(?:\s|&nbsp;|\x{00a0}|&#160;)+(.*?)</p>`

var (
	bulletPara = regexp.MustCompile(`\s*` + bulletPattern + `\s*`)
	bulletRun  = regexp.MustCompile(`(?:\s*` + bulletPattern + `)+`)
	emptyPara  = regexp.MustCompile(`<p>(?:\s|&nbsp;|&#160;|\x{00a0}|<br/?>)*</p>`)
)

// blocks end a line of the body's text.
var blocks = map[string]bool{"p": true, "br": true, "div": true, "li": true, "tr": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "table": true, "caption": true, "hr": true}

// BodyText is the body's text, a line a paragraph, list item or table row,
// cells apart by a space: what search, the privacy check and the
// inspection read. Plain text is returned as it is.
func BodyText(body string) string {
	if !looksHTML.MatchString(body) {
		return html.UnescapeString(body)
	}
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(body))
	newline := func() {
		if s := strings.TrimRight(b.String(), " "); s != "" && !strings.HasSuffix(s, "\n") {
			b.Reset()
			b.WriteString(s + "\n")
		}
	}
	cell := 0 // inside a table cell
	for {
		switch tt := z.Next(); tt {
		case xhtml.ErrorToken:
			lines := strings.Split(b.String(), "\n")
			for i, l := range lines {
				lines[i] = strings.TrimSpace(l)
			}
			return strings.TrimSpace(strings.Join(lines, "\n"))
		case xhtml.TextToken:
			// As a browser shows it: a run of white space is one space,
			// none at the start of a line.
			t := strings.Join(strings.Fields(string(z.Text())), " ")
			if t == "" {
				if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ") && len(z.Text()) > 0 {
					b.WriteByte(' ')
				}
				continue
			}
			raw := string(z.Text())
			if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ") && strings.TrimLeft(raw, " \t\r\n") != raw {
				b.WriteByte(' ')
			}
			b.WriteString(t)
			if strings.TrimRight(raw, " \t\r\n") != raw {
				b.WriteByte(' ')
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			space := func() {
				if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ") {
					b.WriteByte(' ')
				}
			}
			switch n := string(name); {
			case n == "td" || n == "th":
				if tt == xhtml.StartTagToken {
					cell++
				} else if tt == xhtml.EndTagToken && cell > 0 {
					cell--
				}
				space()
			case blocks[n] && cell > 0 && n != "tr" && n != "table":
				space() // a paragraph inside a cell: the row stays one line
			case blocks[n]:
				newline()
			}
		}
	}
}
