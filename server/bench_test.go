package main

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"gongkai/catalog"
)

// BenchmarkItemIndex measures GET /api/v1/units/{code}/items in process, on
// the demo data (庙首镇, 58 items).
func BenchmarkItemIndex(b *testing.B) {
	ts := sharedServer(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := ts.app.Test(httptest.NewRequest("GET", "/api/v1/units/miaoshou/items", nil), -1)
		if err != nil || res.StatusCode != 200 {
			b.Fatal(err, res.StatusCode)
		}
		res.Body.Close()
	}
}

// BenchmarkFindItems isolates the store from HTTP and JSON.
func BenchmarkFindItems(b *testing.B) {
	ts := sharedServer(b)
	ctx := b.Context()
	for i := 0; i < b.N; i++ {
		items, err := ts.s.items.FindItems(ctx, catalog.ItemFilter{UnitCode: "miaoshou"})
		if err != nil || len(items) == 0 {
			b.Fatal(err)
		}
	}
}

func BenchmarkItemsJSON(b *testing.B) {
	ts := sharedServer(b)
	items, _ := ts.s.items.FindItems(b.Context(), catalog.ItemFilter{UnitCode: "miaoshou"})
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(items); err != nil {
			b.Fatal(err)
		}
	}
}
