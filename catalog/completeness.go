package catalog

import (
	"context"
	"regexp"
	"sort"
	"strings"
)

// Completeness is a unit's catalogue measured against the standard: the
// template items of its level in the domains it answers for, each either
// in its catalogue, missing, marked 未涉及 (not applicable) — for its whole
// domain in a 未涉及领域说明, or on the item in its 备注 — or retired with
// no item in its place.
type Completeness struct {
	UnitCode string `json:"unit_code"`
	// Standard is how many template items apply; Present how many are in
	// the catalogue as active items.
	Standard      int               `json:"standard"`
	Present       int               `json:"present"`
	Missing       []CompletenessRow `json:"missing"`
	NotApplicable []CompletenessRow `json:"not_applicable"`
	Retired       []CompletenessRow `json:"retired"`
}

// CompletenessRow is one template item and what the unit made of it.
type CompletenessRow struct {
	TemplateID int64  `json:"template_id"`
	DomainCode string `json:"domain_code"`
	Domain     string `json:"domain"`
	Name       string `json:"name"` // the template item's path
	ItemID     int64  `json:"item_id,omitempty"`
	// Reason is the written reason (the 未涉及领域说明's, the item's 备注, or
	// why it was retired); ByDomain when the whole domain is declared 未涉及.
	Reason   string `json:"reason,omitempty"`
	ByDomain bool   `json:"by_domain,omitempty"`
}

// notApplicable finds 未涉及 (or 不涉及, 无此项) in an item's 备注, and what
// is written beside it.
var notApplicable = regexp.MustCompile(`(本单位)?(未涉及|不涉及|无此项|无此类)(该|此)?(事项|业务|情况)?[。；;，,：:\s]*`)

// NotApplicable tells whether the item's 备注 says the unit has nothing
// to publish under it (未涉及): it is neither due nor overdue.
func (it Item) NotApplicable() bool { return notApplicable.MatchString(it.Remark) }

// MeasureCompleteness measures a unit's items (active and retired) against
// the templates of its level. A township answers for every domain that has
// township templates; a county-level department for the domains its
// catalogue carries (any item from their templates), those every unit
// carries, and those it declared 未涉及. names gives the domains' names.
func MeasureCompleteness(u Unit, templates []TemplateItem, items []Item, exemptions []Exemption, names map[string]string) Completeness {
	c := Completeness{UnitCode: u.Code, Missing: []CompletenessRow{}, NotApplicable: []CompletenessRow{}, Retired: []CompletenessRow{}}
	exempt := map[string]string{}
	for _, e := range exemptions {
		exempt[e.DomainCode] = e.Reason
	}
	byTemplate := map[int64][]Item{}
	// An item typed in by hand (from no template) with the template's
	// domain and name stands for it too, as when it replaced a retired one.
	byName := map[string]*Item{}
	for i, it := range items {
		if it.TemplateID != nil {
			byTemplate[*it.TemplateID] = append(byTemplate[*it.TemplateID], it)
		}
		if it.Status == ItemActive && it.TemplateID == nil {
			byName[it.DomainCode+"\x00"+it.Name()] = &items[i]
		}
	}
	level := map[int64]bool{}
	inScope := map[string]bool{}
	for _, d := range EveryUnitDomains {
		inScope[d] = true
	}
	for d := range exempt {
		inScope[d] = true
	}
	for _, t := range templates {
		if t.ForLevel != u.Level {
			continue
		}
		level[t.ID] = true
		if u.Level == LevelTownship || len(byTemplate[t.ID]) > 0 {
			inScope[t.DomainCode] = true
		}
	}
	ts := append([]TemplateItem(nil), templates...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].SortOrder < ts[j].SortOrder })
	for _, t := range ts {
		if !level[t.ID] || !inScope[t.DomainCode] {
			continue
		}
		c.Standard++
		row := CompletenessRow{TemplateID: t.ID, DomainCode: t.DomainCode, Domain: names[t.DomainCode], Name: t.Columns.Path()}
		if reason, ok := exempt[t.DomainCode]; ok {
			row.Reason, row.ByDomain = reason, true
			c.NotApplicable = append(c.NotApplicable, row)
			continue
		}
		var active, retired *Item
		for i, it := range byTemplate[t.ID] {
			switch it.Status {
			case ItemActive:
				if active == nil {
					active = &byTemplate[t.ID][i]
				}
			case ItemRetired:
				retired = &byTemplate[t.ID][i]
			}
		}
		if active == nil {
			active = byName[t.DomainCode+"\x00"+t.Columns.Name()]
		}
		switch {
		case active != nil && notApplicable.MatchString(active.Remark):
			row.ItemID = active.ID
			row.Reason = strings.TrimSpace(notApplicable.ReplaceAllString(active.Remark, ""))
			c.NotApplicable = append(c.NotApplicable, row)
		case active != nil:
			c.Present++
		case retired != nil:
			row.ItemID, row.Reason = retired.ID, retired.RetiredReason
			c.Retired = append(c.Retired, row)
		default:
			c.Missing = append(c.Missing, row)
		}
	}
	return c
}

// UnitCompleteness measures a unit's catalogue as it stands (see
// MeasureCompleteness); ENOTFOUND.
func UnitCompleteness(ctx context.Context, units UnitService, items ItemService, code string) (Completeness, error) {
	u, err := units.FindUnit(ctx, code)
	if err != nil {
		return Completeness{}, err
	}
	ts, err := items.FindTemplates(ctx, u.Level)
	if err != nil {
		return Completeness{}, err
	}
	its, err := items.FindItems(ctx, ItemFilter{UnitCode: code, IncludeRetired: true})
	if err != nil {
		return Completeness{}, err
	}
	ex, err := units.FindExemptions(ctx, code)
	if err != nil {
		return Completeness{}, err
	}
	ds, err := units.FindDomains(ctx)
	if err != nil {
		return Completeness{}, err
	}
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	return MeasureCompleteness(*u, ts, its, ex, names), nil
}
