package inspect

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"gongkai/catalog"
)

// HeatCell is a unit's freshness in one domain as of a date.
type HeatCell struct {
	Class string // fresh, aging, stale, none, na
	Label string
}

// HeatMap is units (rows) × domains (columns) by how fresh the newest
// publication of the unit's items in the domain is.
type HeatMap struct {
	AsOf    time.Time
	Units   []catalog.Unit
	Domains []catalog.Domain
	Cells   [][]HeatCell
}

// Heat computes the heat map as of asOf from the items' publications.
func Heat(d Data, domains []catalog.Domain, asOf time.Time) HeatMap {
	asOf = day(asOf)
	latest := map[int64]time.Time{}
	for _, p := range d.Pubs {
		pd := day(p.PublishedOn)
		if pd.After(asOf) {
			continue
		}
		if pd.After(latest[p.ItemID]) {
			latest[p.ItemID] = pd
		}
	}
	type key struct{ unit, domain string }
	newest := map[key]time.Time{}
	has := map[key]bool{}
	for _, it := range d.Items {
		k := key{it.UnitCode, it.DomainCode}
		has[k] = true
		if l := latest[it.ID]; l.After(newest[k]) {
			newest[k] = l
		}
	}
	h := HeatMap{AsOf: asOf, Units: d.Units}
	for _, dm := range domains {
		for _, u := range d.Units {
			if has[key{u.Code, dm.Code}] {
				h.Domains = append(h.Domains, dm)
				break
			}
		}
	}
	for _, u := range d.Units {
		row := make([]HeatCell, len(h.Domains))
		for j, dm := range h.Domains {
			k := key{u.Code, dm.Code}
			switch n := newest[k]; {
			case !has[k]:
				row[j] = HeatCell{"na", "无此栏目"}
			case n.IsZero():
				row[j] = HeatCell{"none", "从未发布"}
			case asOf.Sub(n) <= 92*24*time.Hour:
				row[j] = HeatCell{"fresh", "最近发布 " + n.Format("2006-01-02")}
			case asOf.Sub(n) <= 365*24*time.Hour:
				row[j] = HeatCell{"aging", "最近发布 " + n.Format("2006-01-02")}
			default:
				row[j] = HeatCell{"stale", "最近发布 " + n.Format("2006-01-02")}
			}
		}
		h.Cells = append(h.Cells, row)
	}
	return h
}

var heatColors = map[string]string{"fresh": "#3a9d4b", "aging": "#e6b422", "stale": "#c0392b", "none": "#7f1d1d", "na": "#e5e7eb"}

// SVG draws the heat map: a row per unit, a column per domain, each cell
// coloured by freshness with its date as a tooltip.
func (h HeatMap) SVG() template.HTML {
	const cw, ch, left, top = 22, 20, 120, 150
	w, hgt := left+cw*len(h.Domains)+10, top+ch*len(h.Units)+10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="heat" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="各单位各栏目更新情况热力图">`, w, hgt, w, hgt)
	for j, dm := range h.Domains {
		x := left + cw*j + cw/2
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" transform="rotate(-60 %d %d)">%s</text>`, x, top-6, x, top-6, html.EscapeString(dm.Name))
	}
	for i, u := range h.Units {
		y := top + ch*i
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, left-6, y+14, html.EscapeString(u.Name))
		for j, c := range h.Cells[i] {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s · %s：%s</title></rect>`,
				left+cw*j, y, cw-2, ch-2, heatColors[c.Class], html.EscapeString(u.Name), html.EscapeString(h.Domains[j].Name), html.EscapeString(c.Label))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// TrendSVG draws, per quarter, how many units had findings and how many
// were praised, as paired bars.
func TrendSVG(reports []Report) template.HTML {
	const bw, gap, height, top, left = 18, 30, 160, 20, 30
	maxN := 1
	for _, r := range reports {
		if n := len(r.Units); n > maxN {
			maxN = n
		}
	}
	w := left + len(reports)*(2*bw+gap) + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="trend" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="各季度存在问题和无突出问题的单位数">`, w, height+top+40, w, height+top+40)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, top+height, w-10, top+height)
	for i, r := range reports {
		bad := len(r.Units) - len(r.PraiseTownships) - len(r.PraiseDepartments)
		good := len(r.PraiseTownships) + len(r.PraiseDepartments)
		x := left + i*(2*bw+gap) + gap/2
		for k, n := range []int{bad, good} {
			hh := height * n / maxN
			color := []string{"#c0392b", "#3a9d4b"}[k]
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s：%d</title></rect>`, x+k*bw, top+height-hh, bw-2, hh, color,
				[]string{"存在问题的单位", "无突出问题的单位"}[k], n)
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle">%d</text>`, x+k*bw+bw/2, top+height-hh-3, n)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle">%s</text>`, x+bw, top+height+16, r.Quarter)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
