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
		b.Add(unitDoc(u))
	}
	items, err := ss.Catalog.FindItems(ctx, catalog.ItemFilter{})
	if err != nil {
		return err
	}
	// One context string per item, shared by its publications.
	itemContext, itemDomain := map[int64]string{}, map[int64]string{}
	for _, it := range items {
		itemContext[it.ID] = name[it.UnitCode] + " · " + it.Level2
		itemDomain[it.ID] = it.DomainCode
		b.Add(itemDoc(it, name))
	}
	return ss.Catalog.EachPublishedNewestFirst(ctx, func(p catalog.Publication) error {
		b.Add(search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: itemContext[p.ItemID],
			Body: catstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn, Unit: p.UnitCode, Domain: itemDomain[p.ItemID]})
		return nil
	})
}

// Changes are the units, items and publications changed since t: the
// keys of all, the documents of those public now, as Fill would add them.
func (ss *SearchSource) Changes(ctx context.Context, t time.Time, limit int) (search.Changes, error) {
	cs, err := ss.Catalog.SearchChanges(ctx, t, limit)
	if err != nil {
		return search.Changes{}, err
	}
	_, name, err := ss.unitNames(ctx)
	if err != nil {
		return search.Changes{}, err
	}
	out := search.Changes{Latest: cs.Latest, Cutoff: cs.Cutoff, More: cs.More}
	for _, u := range cs.Units {
		out.Keys = append(out.Keys, search.Key{Kind: search.KindUnit, Code: u.Code})
		if !u.Retired() {
			out.Docs = append(out.Docs, unitDoc(u))
		}
	}
	level2, domain := map[int64]string{}, map[int64]string{}
	for _, it := range cs.Items {
		out.Keys = append(out.Keys, search.Key{Kind: search.KindItem, ID: it.ID})
		level2[it.ID], domain[it.ID] = it.Level2, it.DomainCode
		if it.Status == catalog.ItemActive {
			out.Docs = append(out.Docs, itemDoc(it, name))
		}
	}
	for _, p := range cs.Pubs {
		out.Keys = append(out.Keys, search.Key{Kind: search.KindPublication, ID: p.ID})
		if p.Status != catalog.PubPublished {
			continue
		}
		l2, ok := level2[p.ItemID]
		if !ok {
			if it, err := ss.Catalog.FindItem(ctx, p.ItemID); err == nil {
				l2, domain[p.ItemID] = it.Level2, it.DomainCode
			}
			level2[p.ItemID] = l2
		}
		out.Docs = append(out.Docs, search.Doc{Kind: search.KindPublication, ID: p.ID, Title: p.Title, Context: name[p.UnitCode] + " · " + l2,
			Body: catstore.SearchBody(p.Body, p.DocNo), Date: p.PublishedOn, Unit: p.UnitCode, Domain: domain[p.ItemID]})
	}
	return out, nil
}

// unitDoc and itemDoc are a unit's and an item's documents.
func unitDoc(u catalog.Unit) search.Doc {
	kind := "县直单位"
	if u.Level == catalog.LevelTownship {
		kind = "镇人民政府"
	}
	return search.Doc{Kind: search.KindUnit, Code: u.Code, Title: u.Name, Context: u.FullName + " · " + kind, Body: u.FullName, Unit: u.Code}
}

func itemDoc(it catalog.Item, unitName map[string]string) search.Doc {
	return search.Doc{Kind: search.KindItem, ID: it.ID, Title: it.Level1 + " · " + it.Level2, Context: unitName[it.UnitCode], Body: it.Content,
		Unit: it.UnitCode, Domain: it.DomainCode}
}

// Bodies reads the bodies of the publications a search shows, within a
// few seconds.
func (ss *SearchSource) Bodies(ids []int64) (map[int64]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return ss.Catalog.PublishedBodies(ctx, ids)
}
