package inspect_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gongkai/catalog"
	"gongkai/inspect"
	"gongkai/workday"
)

// county builds a county in memory: units × items, and publications over
// five years, bodies of about 300 characters.
func county(units, itemsPerUnit, pubs int) inspect.Data {
	r := rand.New(rand.NewPCG(1, 2))
	var d inspect.Data
	limits := []string{"按月公开", "每季度", "信息形成或者变更之日起20个工作日内", "每年1月31日前", "实时"}
	var id int64
	for u := 0; u < units; u++ {
		code := fmt.Sprintf("u%03d", u)
		d.Units = append(d.Units, catalog.Unit{Code: code, Name: "单位" + code, Level: catalog.LevelTownship, SortOrder: u})
		for i := 0; i < itemsPerUnit; i++ {
			id++
			c := catalog.Columns{DomainCode: "shbz", Level1: "社会保障", Level2: fmt.Sprintf("事项%d", i), TimeLimitText: limits[i%len(limits)]}
			c.Normalize()
			d.Items = append(d.Items, catalog.Item{ID: id, UnitCode: code, Columns: c})
		}
	}
	body := ""
	for len([]rune(body)) < 300 {
		body += "根据《中华人民共和国政府信息公开条例》和本单位政务公开标准目录的要求，现将有关情况公开如下。"
	}
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, catalog.Shanghai)
	for p := 0; p < pubs; p++ {
		it := d.Items[r.IntN(len(d.Items))]
		on := start.AddDate(0, 0, r.IntN(5*365))
		d.Pubs = append(d.Pubs, inspect.Pub{ID: int64(p + 1), UnitCode: it.UnitCode, ItemID: it.ID, Title: fmt.Sprintf("%s第%d号公告", it.Level2, p),
			GeneratedOn: on, PublishedOn: on, Text: body})
	}
	return d
}

// BenchmarkInspectCounty inspects a quarter of a county (39 units, 12,000
// items, 200,000 publications over five years) in memory: the rules
// alone, without reading the database.
func BenchmarkInspectCounty(b *testing.B) {
	d := county(39, 308, 200000)
	cal := workday.New()
	q := inspect.Quarter{Year: 2026, N: 2}
	b.ResetTimer()
	for b.Loop() {
		inspect.Inspect(d, q, q.End(), inspect.Defaults, cal)
	}
}
