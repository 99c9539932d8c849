package gormstore

import (
	"context"
	"time"

	"gongkai/catalog"
	catstore "gongkai/catalog/gormstore"
	"gongkai/search"
)

// SearchSource gives the search index what it reads: everything public,
// from the stores.
type SearchSource struct {
	Catalog *catstore.Store
	Kiosk   *Store
}

// Aliases are the alias groups the search expands queries with.
func (ss *SearchSource) Aliases(ctx context.Context) ([]search.AliasGroup, error) {
	return ss.Kiosk.FindAliases(ctx)
}

// Public tells which of ids are publications public now.
func (ss *SearchSource) Public(ctx context.Context, ids []int64) (map[int64]bool, error) {
	return ss.Catalog.PublishedIDs(ctx, ids)
}

// unitNames are the units' short names by code.
func (ss *SearchSource) unitNames(ctx context.Context) ([]catalog.Unit, map[string]string, error) {
	units, err := ss.Catalog.FindUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	name := map[string]string{}
	for _, u := range units {
		name[u.Code] = u.Name
	}
	return units, name, nil
}

// Fill adds units, items and published publications (newest first).
// Publication bodies are indexed by character pairs and not kept: the hits
// shown read theirs back.
func (ss *SearchSource) Fill(ctx context.Context, b *search.Builder) error {
	units, name, err := ss.unitNames(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		kind := "县直单位"
		if u.Level == catalog.LevelTownship {
			kind = "镇人民政府"
		}
		b.Add(search.Doc{Kind: search.KindUnit, Code: u.Code, Title: u.Name, Context: u.FullName + " · " + kind, Body: u.FullName})
	}
	items, err := ss.Catalog.FindItems(ctx, catalog.ItemFilter{})
	if err != nil {
		return err
	}
	// One context string per item, shared by its publications.
	itemContext := map[int64]string{}
	for _, it := range items {
		itemContext[it.ID] = name[it.UnitCode] + " · " + it.Level2
		b.Add(search.Doc{Kind: search.KindItem, ID: it.ID, Title: it.Level1 + " · " + it.Level2, Context: name[it.UnitCode], Body: it.Content})
	}
	return ss.Catalog.EachPublishedNewestFirst(ctx, func(p catalog.Publication) error {
		b.Add(search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: itemContext[p.ItemID],
			Body: catstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn})
		return nil
	})
}

// ChangedSince are the publications made public or changed since t,
// at most limit of them, as documents for the index.
func (ss *SearchSource) ChangedSince(ctx context.Context, t time.Time, limit int) ([]search.Doc, error) {
	pubs, err := ss.Catalog.PublishedChangedSince(ctx, t, limit)
	if err != nil {
		return nil, err
	}
	_, name, err := ss.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	docs := make([]search.Doc, len(pubs))
	for i, p := range pubs {
		docs[i] = search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: name[p.UnitCode],
			Body: catstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn}
	}
	return docs, nil
}

// Bodies reads the bodies of the publications a search shows, within a
// few seconds.
func (ss *SearchSource) Bodies(ids []int64) (map[int64]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return ss.Catalog.PublishedBodies(ctx, ids)
}
