package api

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/search"
	"gongkai/web"
)

// searchHit is one hit as the API gives it: its title and snippet split
// into segments, marked where the query matched.
type searchHit struct {
	Kind        string           `json:"kind"`
	ID          int64            `json:"id,omitempty"`
	Code        string           `json:"code,omitempty"`
	Unit        string           `json:"unit,omitempty"`
	Domain      string           `json:"domain,omitempty"`
	Title       string           `json:"title"`
	Context     string           `json:"context"`
	PublishedOn string           `json:"published_on,omitempty"`
	TitleParts  []search.Segment `json:"title_parts"`
	Snippet     []search.Segment `json:"snippet,omitempty"`
	URL         string           `json:"url"`
}

type searchPage struct {
	Query        string      `json:"query"`
	Expanded     []string    `json:"expanded"`
	Pinyin       bool        `json:"pinyin"`
	Units        []searchHit `json:"units"`
	Items        []searchHit `json:"items"`
	Publications []searchHit `json:"publications"`
	Total        int         `json:"total"`
	Next         string      `json:"next,omitempty"`
}

func apiHit(h search.Hit) searchHit {
	out := searchHit{Title: h.Title, Context: h.Context, Unit: h.Unit, Domain: h.Domain, TitleParts: h.Parts, Snippet: h.Snippet}
	if out.TitleParts == nil {
		out.TitleParts = []search.Segment{{Text: h.Title}}
	}
	switch h.Kind {
	case search.KindUnit:
		out.Kind, out.Code, out.URL = "unit", h.Code, "/kiosk/units/"+h.Code
	case search.KindItem:
		out.Kind, out.ID, out.URL = "item", h.ID, "/kiosk/items/"+strconv.FormatInt(h.ID, 10)
	default:
		out.Kind, out.ID, out.URL = "publication", h.ID, "/kiosk/publications/"+strconv.FormatInt(h.ID, 10)
		if !h.Date.IsZero() {
			out.PublishedOn = h.Date.In(catalog.Shanghai).Format("2006-01-02")
		}
	}
	return out
}

// handleSearch is GET /api/v1/search: the kiosk's search (ranking, pinyin,
// synonyms) for the county portal, public data only, narrowed by unit,
// domain and dates, the publications paged by key (next).
func (s *handlers) handleSearch(c *fiber.Ctx) error {
	if s.Search == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "搜索暂不可用")
	}
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return catalog.Invalid("q", "请输入要搜索的字词")
	}
	if utf8.RuneCountInString(q) > 40 {
		return catalog.Invalid("q", "搜索的字词不能超过40个字")
	}
	f := search.Filter{Unit: strings.Clone(c.Query("unit")), Domain: strings.Clone(c.Query("domain"))}
	var err error
	if f.From, err = web.OptionalDay("from", c.Query("from")); err != nil {
		return err
	}
	if f.To, err = web.OptionalDay("to", c.Query("to")); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return catalog.Invalid("to", "结束日期早于开始日期")
	}
	if v := c.Query("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > search.MaxPageSize {
			return catalog.Invalid("limit", "每页条数应为1到%d", search.MaxPageSize)
		}
	}
	if v := c.Query("after"); v != "" {
		var ok bool
		if f.After, ok = search.ParseCursor(v); !ok {
			return catalog.Invalid("after", "翻页参数无效，请使用上一页返回的 next")
		}
	}
	p, err := s.Search.SearchPage(c.UserContext(), q, f)
	if err != nil {
		return err
	}
	out := searchPage{Query: p.Query, Expanded: p.Expanded, Pinyin: p.Pinyin, Total: p.PubN,
		Units: []searchHit{}, Items: []searchHit{}, Publications: []searchHit{}}
	if out.Expanded == nil {
		out.Expanded = []string{}
	}
	for _, h := range p.Units {
		out.Units = append(out.Units, apiHit(h))
	}
	for _, h := range p.Items {
		out.Items = append(out.Items, apiHit(h))
	}
	for _, h := range p.Pubs {
		out.Publications = append(out.Publications, apiHit(h))
	}
	if p.Next != nil {
		out.Next = p.Next.String()
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}
