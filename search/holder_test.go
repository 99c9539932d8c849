package search_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gongkai/search"
)

// memSource is a Source over documents in memory, changed by the test.
type memSource struct {
	mu      sync.Mutex
	docs    []search.Doc
	changed map[int64]time.Time
	aliases []search.AliasGroup
	gen     uint64
}

func (m *memSource) Aliases(context.Context) ([]search.AliasGroup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.aliases, nil
}

func (m *memSource) Fill(_ context.Context, b *search.Builder) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range m.docs {
		b.Add(d)
	}
	return nil
}

func (m *memSource) Public(_ context.Context, ids []int64) (map[int64]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64]bool{}
	for _, d := range m.docs {
		out[d.ID] = true
	}
	return out, nil
}

func (m *memSource) ChangedSince(_ context.Context, t time.Time, _ int) ([]search.Doc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []search.Doc
	for _, d := range m.docs {
		if m.changed[d.ID].After(t) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (m *memSource) add(d search.Doc) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs = append(m.docs, d)
	m.changed[d.ID] = time.Now()
	m.gen++
}

func (m *memSource) remove(id int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, d := range m.docs {
		if d.ID == id {
			m.docs = append(m.docs[:i], m.docs[i+1:]...)
			break
		}
	}
	m.gen++
}

func (m *memSource) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

// TestHolderAnswersChangesAtOnce: with every rebuild in the background, a
// document added is found by the next search (the overlay), one removed is
// not (checked as public), and new aliases apply — whether or not the
// rebuild has finished.
func TestHolderAnswersChangesAtOnce(t *testing.T) {
	src := &memSource{changed: map[int64]time.Time{}, docs: []search.Doc{
		{Kind: search.KindPublication, ID: 1, Title: "秸秆禁烧工作的通知", Date: time.Now()},
		{Kind: search.KindPublication, ID: 2, Title: "低保资金发放公示", Date: time.Now()},
	}}
	h := &search.Holder{Source: src, Generation: src.generation, SyncDocs: 1}
	find := func(q string, id int64) bool {
		t.Helper()
		r, err := h.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, hit := range r.Pubs {
			if hit.ID == id {
				return true
			}
		}
		return false
	}
	if !find("秸秆", 1) {
		t.Fatal("the first build")
	}
	src.add(search.Doc{Kind: search.KindPublication, ID: 3, Title: "秸秆收储点名单", Date: time.Now()})
	if !find("秸秆", 3) || !find("jgscdmd", 3) {
		t.Error("an added document is not found by the next search")
	}
	src.remove(2)
	if find("低保", 2) {
		t.Error("a removed document is found")
	}
	src.mu.Lock()
	src.aliases = []search.AliasGroup{{"秸秆", "麦草"}}
	src.gen++
	src.mu.Unlock()
	if r, _ := h.Search(context.Background(), "麦草"); r.PubN < 2 {
		t.Errorf("a new alias is not applied: %d found", r.PubN)
	}
}
