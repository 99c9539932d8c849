package kiosk

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/catalog"
	"gongkai/search"
)

// Point is a 查阅点: a place where residents use kiosks, such as a
// township's 便民服务中心 or the county's 政府信息公开查询点. A kiosk is
// assigned to a point by opening /kiosk/?point=<code> once (the launcher's
// URL); it then carries the point in a cookie, and its use is counted
// under the point.
type Point struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	UnitCode string `json:"unit_code"` // the unit that runs it
	Address  string `json:"address"`
	// Screens are the LAN addresses of the point's kiosk screens (IPs or
	// CIDR ranges, as the server sees them); applications from them are
	// allowed more often than from any other address, as many residents
	// apply at one screen.
	Screens []string  `json:"screens,omitempty"`
	Created time.Time `json:"created"`
}

// MaxScreens bounds a point's screen addresses.
const MaxScreens = 20

var pointCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Validate checks a point; messages name the field in Chinese.
func (p *Point) Validate() error {
	p.Code = strings.ToLower(strings.TrimSpace(p.Code))
	p.Name = strings.TrimSpace(p.Name)
	p.Address = strings.TrimSpace(p.Address)
	switch {
	case !pointCode.MatchString(p.Code):
		return catalog.Invalid("code", "查阅点代码须为2至40位小写字母、数字或连字符，例如 miaoshou-hall")
	case p.Name == "":
		return catalog.Invalid("name", "请填写查阅点名称，例如“某某镇便民服务中心”")
	case utf8.RuneCountInString(p.Name) > 60:
		return catalog.Invalid("name", "查阅点名称不能超过60个字")
	case p.UnitCode == "":
		return catalog.Invalid("unit_code", "请选择查阅点所属单位")
	case utf8.RuneCountInString(p.Address) > 120:
		return catalog.Invalid("address", "地址不能超过120个字")
	case len(p.Screens) > MaxScreens:
		return catalog.Invalid("screens", "查询机地址不能超过%d个", MaxScreens)
	}
	seen := map[string]bool{}
	var screens []string
	for _, a := range p.Screens {
		a = strings.TrimSpace(a)
		if a == "" || seen[a] {
			continue
		}
		if _, err := ParseScreen(a); err != nil {
			return catalog.Invalid("screens", "查询机地址“%s”不是IP地址或网段（如 10.1.2.31 或 10.1.2.0/28）", a)
		}
		seen[a] = true
		screens = append(screens, a)
	}
	p.Screens = screens
	return nil
}

// ParseScreen reads a screen address: an IP, or a CIDR range no wider
// than a /24 (a hall's screens, not the county's network).
func ParseScreen(a string) (netip.Prefix, error) {
	if ip, err := netip.ParseAddr(a); err == nil {
		return netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(a)
	if err != nil {
		return p, err
	}
	if p.Addr().Is4() && p.Bits() < 24 || p.Addr().Is6() && p.Bits() < 120 {
		return p, fmt.Errorf("range %s too wide", a)
	}
	return p.Masked(), nil
}

// SplitScreens reads screen addresses typed in one field, separated by
// commas, 、, spaces or new lines.
func SplitScreens(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || unicode.IsSpace(r)
	})
}

// DayStat is how often one point's kiosks were used on one day: pages
// viewed and searches made. It holds no personal data.
type DayStat struct {
	PointCode string    `json:"point_code"` // "" for phones and unassigned screens
	Day       time.Time `json:"day"`        // midnight, Asia/Shanghai
	Views     int64     `json:"views"`
	Searches  int64     `json:"searches"`
}

// PointStore keeps points, their daily counts and the search aliases.
type PointStore interface {
	// FindPoints lists the points by code.
	FindPoints(ctx context.Context) ([]Point, error)
	// SavePoint creates a point or renames it; EINVALID.
	SavePoint(ctx context.Context, p *Point, by catalog.Actor) error
	// AddStats adds counts to the days' totals.
	AddStats(ctx context.Context, stats []DayStat) error
	// FindStats lists the counts of the days from..to inclusive, days in
	// the county (Asia/Shanghai) whatever the times' location.
	FindStats(ctx context.Context, from, to time.Time) ([]DayStat, error)
	// FindAliases lists the search alias groups.
	FindAliases(ctx context.Context) ([]search.AliasGroup, error)
	// SaveAliases replaces the alias groups; EINVALID.
	SaveAliases(ctx context.Context, groups []search.AliasGroup, by catalog.Actor) error
}

// ParseAliases reads alias groups written one per line, terms separated by
// commas, 、 or spaces: "低保，最低生活保障". A group needs two terms.
func ParseAliases(text string) ([]search.AliasGroup, error) {
	var out []search.AliasGroup
	for i, line := range strings.Split(text, "\n") {
		terms := strings.FieldsFunc(line, func(r rune) bool {
			return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '=' || r == ' ' || r == '\t' || r == '\r' || r == '　'
		})
		if len(terms) == 0 {
			continue
		}
		if len(terms) < 2 {
			return nil, catalog.Invalid("aliases", "第%d行只有一个词“%s”：同义词组至少需要两个词，用逗号分隔", i+1, terms[0])
		}
		for _, t := range terms {
			if utf8.RuneCountInString(t) > 20 {
				return nil, catalog.Invalid("aliases", "第%d行的“%s”过长：每个词不超过20个字", i+1, t)
			}
		}
		out = append(out, search.AliasGroup(terms))
	}
	if len(out) > 500 {
		return nil, catalog.Invalid("aliases", "同义词组不能超过500组")
	}
	return out, nil
}

// FormatAliases writes groups the way ParseAliases reads them.
func FormatAliases(groups []search.AliasGroup) string {
	var b strings.Builder
	for _, g := range groups {
		b.WriteString(strings.Join(g, "，"))
		b.WriteByte('\n')
	}
	return b.String()
}

// Counter counts page views and searches per point and day, and
// publication views, in memory; Drain hands them over for storing.
type Counter struct {
	mu    sync.Mutex
	stats map[statKey]*DayStat
	views map[int64]int64
	known map[string]bool
	unit  map[string]string // the unit that runs each point
	// seen is when each point's screen was last used; total counts views
	// and searches since start (for the metrics).
	seen                  map[string]time.Time
	totalViews, totalFind int64
}

type statKey struct {
	point string
	day   time.Time
}

// NewCounter returns a counter for the given point codes; use by other
// codes is counted as unassigned.
func NewCounter(points []Point) *Counter {
	c := &Counter{}
	c.SetPoints(points)
	return c
}

// SetPoints replaces the known point codes.
func (c *Counter) SetPoints(points []Point) {
	known := make(map[string]bool, len(points))
	unit := make(map[string]string, len(points))
	for _, p := range points {
		known[p.Code], unit[p.Code] = true, p.UnitCode
	}
	c.mu.Lock()
	c.known, c.unit = known, unit
	c.mu.Unlock()
}

// UnitOf is the unit that runs point code, "" for an unknown point.
func (c *Counter) UnitOf(code string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unit[code]
}

// Known tells whether code is a point's.
func (c *Counter) Known(code string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known[code]
}

func day(t time.Time) time.Time {
	y, m, d := t.In(catalog.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
}

func (c *Counter) add(point string, now time.Time, views, searches int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known[point] {
		point = ""
	}
	c.totalViews += views
	c.totalFind += searches
	if point != "" {
		if c.seen == nil {
			c.seen = map[string]time.Time{}
		}
		if _, ok := c.seen[point]; !ok {
			point = strings.Clone(point)
		}
		c.seen[point] = now
	}
	k := statKey{point, day(now)}
	if c.stats == nil {
		c.stats = map[statKey]*DayStat{}
	}
	s := c.stats[k]
	if s == nil {
		// The code may live in a reused request buffer: keep a copy.
		k.point = strings.Clone(point)
		s = &DayStat{PointCode: k.point, Day: k.day}
		c.stats[k] = s
	}
	s.Views += views
	s.Searches += searches
}

// Active tells how many points' screens were used within the last d: the
// kiosk sessions going on.
func (c *Counter) Active(now time.Time, d time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.seen {
		if now.Sub(t) < d {
			n++
		}
	}
	return n
}

// Totals are the page views and searches counted since the start.
func (c *Counter) Totals() (views, searches int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.totalViews, c.totalFind
}

// View counts a page view at point.
func (c *Counter) View(point string, now time.Time) { c.add(point, now, 1, 0) }

// Search counts a search at point.
func (c *Counter) Search(point string, now time.Time) { c.add(point, now, 0, 1) }

// ViewPublication counts a view of a publication.
func (c *Counter) ViewPublication(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.views == nil {
		c.views = map[int64]int64{}
	}
	c.views[id]++
}

// Drain returns the counts so far and starts again from zero.
func (c *Counter) Drain() ([]DayStat, map[int64]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]DayStat, 0, len(c.stats))
	for _, s := range c.stats {
		out = append(out, *s)
	}
	views := c.views
	c.stats, c.views = nil, nil
	return out, views
}

// Restore puts back counts that could not be stored, so none are lost.
func (c *Counter) Restore(stats []DayStat, views map[int64]int64) {
	for _, s := range stats {
		c.mu.Lock()
		if c.stats == nil {
			c.stats = map[statKey]*DayStat{}
		}
		k := statKey{s.PointCode, s.Day}
		if e := c.stats[k]; e != nil {
			e.Views += s.Views
			e.Searches += s.Searches
		} else {
			cp := s
			c.stats[k] = &cp
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, n := range views {
		if c.views == nil {
			c.views = map[int64]int64{}
		}
		c.views[id] += n
	}
}
