package search_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongkai/search"
)

// memSource is a Source over documents in memory, changed by the test.
type memSource struct {
	mu      sync.Mutex
	fills   int
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
	m.fills++
	for _, d := range m.docs {
		b.Add(d)
	}
	return nil
}

func (m *memSource) Changes(_ context.Context, t time.Time, limit int) (search.Changes, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out search.Changes
	for id, at := range m.changed {
		if !at.After(t) {
			continue
		}
		if len(out.Keys) == limit {
			out.More, out.Cutoff = true, time.Now()
			break
		}
		out.Keys = append(out.Keys, search.Key{Kind: search.KindPublication, ID: id})
		if at.After(out.Latest) {
			out.Latest = at
		}
		for _, d := range m.docs {
			if d.ID == id {
				out.Docs = append(out.Docs, d)
			}
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
	m.changed[id] = time.Now()
	m.gen++
}

func (m *memSource) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

// TestHolderAnswersChangesAtOnce: without a rebuild, a document added is
// found by the next search (the delta), one removed is not (left out of
// the view), and new aliases apply.
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

func (m *memSource) fillCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.fills
}

func (m *memSource) edit(id int64, title string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.docs {
		if m.docs[i].ID == id {
			m.docs[i].Title = title
		}
	}
	m.changed[id] = time.Now()
	m.gen++
}

// TestHolderFollowsChangesWithoutRebuilding: adding, editing and removing
// documents and saving aliases never builds the index anew; an edited
// title is found by its new words and not its old; past CompactAfter
// changes the index is built again (at once, being small), and Rebuild
// builds it on demand.
func TestHolderFollowsChangesWithoutRebuilding(t *testing.T) {
	src := &memSource{changed: map[int64]time.Time{}}
	for i := int64(1); i <= 50; i++ {
		src.docs = append(src.docs, search.Doc{Kind: search.KindPublication, ID: i, Title: fmt.Sprintf("第%d号通知", i), Date: time.Now()})
	}
	h := &search.Holder{Source: src, Generation: src.generation, CompactAfter: 5}
	count := func(q string) int {
		t.Helper()
		r, err := h.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		return r.PubN
	}
	if count("通知") != 50 || src.fillCount() != 1 {
		t.Fatalf("first build: %d fills", src.fillCount())
	}
	src.edit(7, "秸秆禁烧公告")
	if count("秸秆禁烧") != 1 || count("第7号") != 0 || count("通知") != 49 {
		t.Errorf("after an edit: %d %d %d", count("秸秆禁烧"), count("第7号"), count("通知"))
	}
	src.remove(8)
	src.add(search.Doc{Kind: search.KindPublication, ID: 51, Title: "第51号通知", Date: time.Now()})
	if count("通知") != 49 || count("第51号") != 1 || count("第8号") != 0 {
		t.Errorf("after a removal and an addition: %d", count("通知"))
	}
	if n := src.fillCount(); n != 1 {
		t.Errorf("%d full builds for three changes", n)
	}
	for i := int64(9); i <= 12; i++ { // six changes in all: past CompactAfter
		src.edit(i, fmt.Sprintf("第%d号公告", i))
	}
	if count("公告") != 5 || count("通知") != 45 {
		t.Errorf("after compacting: %d 公告, %d 通知", count("公告"), count("通知"))
	}
	if n := src.fillCount(); n != 2 {
		t.Errorf("%d full builds after %d changes, want 2", n, 6)
	}
	if !h.Rebuild() {
		t.Error("a rebuild on demand was refused")
	}
}
