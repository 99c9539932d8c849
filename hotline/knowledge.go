package hotline

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/catalog"
	"gongkai/search"
)

// Entry is an answer in the knowledge base (知识库, GB/T 33358): a
// question residents ask, the answer the operator may give at once (直办)
// and residents may read, per unit and category.
type Entry struct {
	ID int64 `json:"id"`
	// UnitCode is the unit whose matter it is ("" for the county's).
	UnitCode  string    `json:"unit_code,omitempty"`
	Category  Category  `json:"category"`
	Question  string    `json:"question"`
	Answer    string    `json:"answer"`
	Keywords  string    `json:"keywords,omitempty"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// Validate checks an entry; messages name the field in Chinese.
func (e *Entry) Validate() error {
	e.Question, e.Answer, e.Keywords = strings.TrimSpace(e.Question), strings.TrimSpace(e.Answer), strings.TrimSpace(e.Keywords)
	if e.Category.Name() == "" {
		return catalog.Invalid("category", "请选择类别")
	}
	if e.Question == "" || utf8.RuneCountInString(e.Question) > 200 {
		return catalog.Invalid("question", "请填写问题（不超过200个字）")
	}
	if err := checkReply(e.Answer); err != nil {
		return catalog.Invalid("answer", "%s", strings.Replace(catalog.ErrorMessage(err), "答复", "解答", 1))
	}
	if utf8.RuneCountInString(e.Keywords) > 200 {
		return catalog.Invalid("keywords", "关键词不超过200个字")
	}
	return nil
}

// EntryFilter selects entries.
type EntryFilter struct {
	Unit     string
	Category Category
}

// Knowledge keeps the knowledge base.
type Knowledge interface {
	// SaveEntry creates (ID 0) or updates an entry: EINVALID, ENOTFOUND,
	// ECONFLICT when it changed since its Version.
	SaveEntry(ctx context.Context, e *Entry, by catalog.Actor) error
	// DeleteEntry removes an entry: ENOTFOUND.
	DeleteEntry(ctx context.Context, id int64, by catalog.Actor) error
	// FindEntry is one entry: ENOTFOUND.
	FindEntry(ctx context.Context, id int64) (*Entry, error)
	// FindEntries lists entries, the newest changed first.
	FindEntries(ctx context.Context, f EntryFilter) ([]Entry, error)
	// KnowledgeRevision changes whenever an entry does, on any instance.
	KnowledgeRevision(ctx context.Context) (string, error)
}

// KnowledgeSearch searches the knowledge base with the kiosk's search
// (characters, pinyin and its initials, the county's synonyms): an index
// of the entries, built again when they change.
type KnowledgeSearch struct {
	Knowledge Knowledge
	// Aliases are the county's synonym groups (the kiosk's), nil for none.
	Aliases func(ctx context.Context) ([]search.AliasGroup, error)

	mu  sync.Mutex
	rev string
	ix  *search.Index
	by  map[int64]Entry
}

// Search finds the entries matching q (of unit, or all), best first, at
// most limit.
func (k *KnowledgeSearch) Search(ctx context.Context, q, unit string, limit int) ([]Entry, error) {
	rev, err := k.Knowledge.KnowledgeRevision(ctx)
	if err != nil {
		return nil, err
	}
	var aliases []search.AliasGroup
	if k.Aliases != nil {
		if aliases, err = k.Aliases(ctx); err != nil {
			return nil, err
		}
	}
	rev += fmt.Sprint(aliases) // a synonym saved counts as a change
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ix == nil || rev != k.rev {
		es, err := k.Knowledge.FindEntries(ctx, EntryFilter{})
		if err != nil {
			return nil, err
		}
		b := search.NewBuilder(aliases, search.Options{})
		k.by = make(map[int64]Entry, len(es))
		for _, e := range es {
			k.by[e.ID] = e
			b.Add(search.Doc{Kind: search.KindItem, ID: e.ID, Title: e.Question + " " + e.Keywords, Body: e.Answer, Unit: e.UnitCode,
				Domain: string(e.Category), Date: e.UpdatedAt})
		}
		k.ix, k.rev = b.Build(), rev
	}
	keep := func(e Entry) bool { return unit == "" || e.UnitCode == unit || e.UnitCode == "" }
	var out []Entry
	for _, h := range k.ix.Search(q).Items {
		if e, ok := k.by[h.ID]; ok && keep(e) {
			out = append(out, e)
			if len(out) == limit {
				break
			}
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	// A question in a resident's own words (低保申请 for 低保怎么申请):
	// the entries holding most of its two-character pieces.
	var rs []rune
	for _, r := range q {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) < 3 || len(rs) > 40 {
		return nil, nil
	}
	count := map[int64]int{}
	for i := 0; i+2 <= len(rs); i++ {
		for _, h := range k.ix.Search(string(rs[i : i+2])).Items {
			count[h.ID]++
		}
	}
	need := (len(rs) - 1 + 1) / 2 // half the pieces, rounded up
	for id, n := range count {
		if e, ok := k.by[id]; ok && n >= need && keep(e) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if count[out[i].ID] != count[out[j].ID] {
			return count[out[i].ID] > count[out[j].ID]
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(len(out), limit)], nil
}
