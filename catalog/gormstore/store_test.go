package gormstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/dbconn/dbtest"
)

var (
	clerk  = catalog.Actor{UserID: 1, Username: "miaoshou-clerk"}
	leader = catalog.Actor{UserID: 2, Username: "miaoshou-leader"}
	admin  = catalog.Actor{UserID: 3, Username: "admin"}
	check  = &catalog.Checklist{Wording: true, Format: true, Secrecy: true, Privacy: true}
)

// publish takes a new publication through submission and approval.
func publish(t *testing.T, s *gormstore.Store, p *catalog.Publication) {
	t.Helper()
	ctx := context.Background()
	if err := s.CreatePublication(ctx, p, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, p.ID, catalog.Step{Action: catalog.StepSubmit, Checklist: check}, clerk); err != nil {
		t.Fatal(err)
	}
	got, err := s.Transition(ctx, p.ID, catalog.Step{Action: catalog.StepApprove}, leader)
	if err != nil {
		t.Fatal(err)
	}
	*p = *got
}

// openStore is a migrated store with 庙首镇 and the domain zfwj.
func openStore(t *testing.T) (*gorm.DB, *gormstore.Store) {
	t.Helper()
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	s := gormstore.New(db)
	ctx := context.Background()
	if _, err := s.EnsureUnit(ctx, catalog.Unit{Code: "miaoshou", Name: "庙首镇", FullName: "旌德县庙首镇人民政府", Level: catalog.LevelTownship, Kind: catalog.KindTown}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnsureDomain(ctx, catalog.Domain{Code: "zfwj", Name: "本级政府文件"}); err != nil {
		t.Fatal(err)
	}
	return db, s
}

func newStore(t *testing.T) (*gormstore.Store, catalog.Item) {
	t.Helper()
	_, s := openStore(t)
	ctx := context.Background()
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "政府文件", Content: "政府文件。",
		TimeLimitText: "信息形成或变更之日起3个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	if err := s.CreateItem(ctx, &it, clerk); err != nil {
		t.Fatal(err)
	}
	return s, it
}

func pub(itemID int64, title string, on time.Time) *catalog.Publication {
	return &catalog.Publication{ItemID: itemID, Title: title, GeneratedOn: on, PublishedOn: on}
}

// TestIndexSerialsUnderConcurrency: writers at once, as two instances would be,
// never get one 索引号 twice, and the serials of a month have no gaps.
func TestIndexSerialsUnderConcurrency(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	on := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	const writers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	seen := sync.Map{}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; k < each; k++ {
				p := pub(it.ID, fmt.Sprintf("通知 %d-%d", w, k), on)
				if err := s.CreatePublication(ctx, p, clerk); err != nil {
					errs <- err
					return
				}
				if _, dup := seen.LoadOrStore(p.IndexNo, true); dup {
					errs <- fmt.Errorf("索引号 %s given twice", p.IndexNo)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for n := 1; n <= writers*each; n++ {
		want := fmt.Sprintf("miaoshou/202611-%05d", n)
		if _, ok := seen.Load(want); !ok {
			t.Errorf("serial %s missing", want)
		}
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != writers*each+1 {
		t.Errorf("audit chain after concurrent writers: %d entries, %v", n, err)
	}
	// A new month starts again at 1.
	p := pub(it.ID, "十二月", on.AddDate(0, 1, 0))
	if err := s.CreatePublication(ctx, p, clerk); err != nil || p.IndexNo != "miaoshou/202612-00001" {
		t.Errorf("next month: %q %v", p.IndexNo, err)
	}
}

func TestRetiredItemTakesNoPublication(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	if err := s.RetireItem(ctx, it.ID, "", clerk); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("retire without reason: %v", err)
	}
	if err := s.RetireItem(ctx, it.ID, "事项调整", clerk); err != nil {
		t.Fatal(err)
	}
	err := s.CreatePublication(ctx, pub(it.ID, "迟到的通知", time.Now()), clerk)
	if catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("publication under a retired item: %v", err)
	}
	it.Level2 = "改"
	if err := s.UpdateItem(ctx, &it, "", clerk); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("update of a retired item: %v", err)
	}
	if _, err := s.FindItem(ctx, 987654); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("missing item: %v", err)
	}
}

func TestLastPublishedFollowsWithdrawal(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	d1 := time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC)
	d2 := time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)
	a, b := pub(it.ID, "十月", d1), pub(it.ID, "十一月", d2)
	for _, p := range []*catalog.Publication{a, b} {
		publish(t, s, p)
	}
	last := func() time.Time {
		got, err := s.FindItem(ctx, it.ID)
		if err != nil || got.LastPublishedAt == nil {
			t.Fatalf("last published: %v %v", got, err)
		}
		return got.LastPublishedAt.UTC()
	}
	if !last().Equal(d2) {
		t.Errorf("last published %v, want %v", last(), d2)
	}
	if _, err := s.Transition(ctx, b.ID, catalog.Step{Action: catalog.StepWithdraw, Reason: "错误"}, leader); err != nil {
		t.Fatal(err)
	}
	if !last().Equal(d1) {
		t.Errorf("after withdrawal last published %v, want %v", last(), d1)
	}
	pubs, err := s.FindPublications(ctx, catalog.PubFilter{ItemID: it.ID})
	if err != nil || len(pubs) != 1 || pubs[0].ID != a.ID {
		t.Errorf("published list %v %v", pubs, err)
	}
}

// TestWorkflowInTheStore: the states and the checks that need the person.
func TestWorkflowInTheStore(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	p := pub(it.ID, "庙首镇关于秸秆禁烧的通知", time.Time{})
	p.GeneratedOn = time.Now()
	if err := s.CreatePublication(ctx, p, clerk); err != nil {
		t.Fatal(err)
	}
	if p.Status != catalog.PubDraft || p.Version != 1 {
		t.Fatalf("new publication %s v%d, want a draft", p.Status, p.Version)
	}
	if got, _ := s.FindPublications(ctx, catalog.PubFilter{ItemID: it.ID}); len(got) != 0 {
		t.Errorf("a draft is listed as published")
	}
	step := func(a catalog.PubAction, by catalog.Actor, st catalog.Step) error {
		st.Action = a
		_, err := s.Transition(ctx, p.ID, st, by)
		return err
	}
	if err := step(catalog.StepApprove, leader, catalog.Step{}); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("approve a draft: %v", err)
	}
	if err := step(catalog.StepSubmit, clerk, catalog.Step{Checklist: &catalog.Checklist{Wording: true}}); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("submit with the check half done: %v", err)
	}
	if err := step(catalog.StepSubmit, clerk, catalog.Step{Checklist: check}); err != nil {
		t.Fatal(err)
	}
	// Nobody approves their own submission, whatever their role.
	if err := step(catalog.StepApprove, clerk, catalog.Step{}); catalog.ErrorCode(err) != catalog.EFORBIDDEN {
		t.Errorf("self approval: %v", err)
	}
	if err := step(catalog.StepReject, leader, catalog.Step{}); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("reject without reason: %v", err)
	}
	if err := step(catalog.StepApprove, leader, catalog.Step{}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindPublication(ctx, p.ID)
	if got.Status != catalog.PubPublished || got.PublishedOn.IsZero() || got.ApprovedBy != "miaoshou-leader" {
		t.Errorf("after approval %+v", got)
	}
	// Editing a published record is refused; taking it down opens it again.
	got.Title = "改"
	if err := s.UpdatePublication(ctx, got, clerk); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("edit published: %v", err)
	}
	due := time.Now().AddDate(0, 0, 7)
	if err := step(catalog.StepTakedown, admin, catalog.Step{Reason: "leak"}); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("takedown reason outside the list: %v", err)
	}
	if err := step(catalog.StepTakedown, admin, catalog.Step{Reason: "privacy", Note: "正文含个人手机号", RectifyDue: due}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindPublication(ctx, p.ID)
	if got.Status != catalog.PubTakenDown || got.StatusReason != "泄露隐私" || got.RectifyDue == nil || got.TakedownReason != "privacy" {
		t.Errorf("after takedown %+v", got)
	}
	// A stale edit (an older version) is refused; the current one goes through.
	stale := *got
	stale.Version--
	stale.Title = "旧表单"
	if err := s.UpdatePublication(ctx, &stale, clerk); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("stale edit: %v", err)
	}
	got.Body = "已删除手机号"
	if err := s.UpdatePublication(ctx, got, clerk); err != nil {
		t.Fatal(err)
	}
	if err := step(catalog.StepRectify, clerk, catalog.Step{Checklist: check}); err != nil {
		t.Fatal(err)
	}
	if err := step(catalog.StepApprove, leader, catalog.Step{}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.FindEvents(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range evs {
		actions = append(actions, string(e.Action)+":"+e.Actor)
	}
	want := "submit:miaoshou-clerk approve:miaoshou-leader takedown:admin rectify:miaoshou-clerk approve:miaoshou-leader"
	if fmt.Sprint(actions) != "["+want+"]" {
		t.Errorf("events %v, want %s", actions, want)
	}
	if evs[0].Checklist == nil || !evs[0].Checklist.Privacy || evs[2].Reason != "泄露隐私" || evs[2].Note != "正文含个人手机号" {
		t.Errorf("events lack the checklist or the takedown reason: %+v", evs)
	}
}

// TestAuditChain: every write leaves a chained entry; editing or deleting an
// entry is found by the verification.
func TestAuditChain(t *testing.T) {
	db, s := openStore(t)
	ctx := context.Background()
	by := catalog.Actor{UserID: 1, Username: "miaoshou-clerk", IP: "10.0.0.7"}
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "政府文件", Content: "政府文件。",
		TimeLimitText: "按月", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	if err := s.CreateItem(ctx, &it, by); err != nil {
		t.Fatal(err)
	}
	it.Content = "本镇政府文件。"
	if err := s.UpdateItem(ctx, &it, "细化", by); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := s.Audit(ctx, by, "miaoshou", "session", "create", 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil || n != 5 {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
	es, err := s.FindAudit(ctx, catalog.AuditFilter{Object: "catalog", Action: "update"})
	if err != nil || len(es) != 1 {
		t.Fatalf("filter: %v %v", es, err)
	}
	e := es[0]
	if e.IP != "10.0.0.7" || e.Username != "miaoshou-clerk" || !strings.Contains(e.Before, "政府文件。") || !strings.Contains(e.After, "本镇政府文件。") || e.Hash == "" || e.PrevHash == "" {
		t.Errorf("update entry %+v", e)
	}
	// Someone edits an entry in the database.
	if err := db.Exec("UPDATE audit_log SET detail = ? WHERE id = ?", "改过", e.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), fmt.Sprint(e.ID)) {
		t.Errorf("edited entry not found: %v", err)
	}
	db.Exec("UPDATE audit_log SET detail = ? WHERE id = ?", e.Detail, e.ID)
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("restored chain: %v", err)
	}
	// Someone deletes the newest entry, or one in the middle.
	var last int64
	db.Raw("SELECT MAX(id) FROM audit_log").Scan(&last)
	db.Exec("DELETE FROM audit_log WHERE id = ?", last)
	if _, err := s.VerifyAudit(ctx); err == nil {
		t.Error("deleted newest entry not found")
	}
	db.Exec("DELETE FROM audit_log WHERE id = ?", e.ID)
	if _, err := s.VerifyAudit(ctx); err == nil {
		t.Error("deleted entry not found")
	}
}

func TestAuditPurgeKeepsTheChain(t *testing.T) {
	db := dbtest.Open(t)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	s := gormstore.New(db)
	ctx := context.Background()
	by := catalog.Actor{Username: "admin"}
	for i := 0; i < 6; i++ {
		if err := s.Audit(ctx, by, "", "session", "create", i, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Make the first four a year old (the hash covers the time: rehash them
	// as the chain would have been written then).
	old := time.Now().AddDate(-1, 0, 0)
	db.Exec("UPDATE audit_log SET at = ? WHERE id <= 4", old.UTC().Truncate(time.Millisecond))
	if _, err := s.VerifyAudit(ctx); err == nil {
		t.Fatal("back-dated entries verify")
	}
	rechain(t, db)
	if n, err := s.VerifyAudit(ctx); err != nil || n != 6 {
		t.Fatalf("rechained: %d %v", n, err)
	}
	if _, err := s.PurgeAudit(ctx, 30, time.Now(), by); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("purge after 30 days: %v", err)
	}
	n, err := s.PurgeAudit(ctx, 190, time.Now(), by)
	if err != nil || n != 4 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 3 {
		t.Errorf("after purge: %d entries, %v (want the 2 kept and the purge's own)", n, err)
	}
	es, _ := s.FindAudit(ctx, catalog.AuditFilter{Object: "audit", Action: "purge"})
	if len(es) != 1 || !strings.Contains(es[0].Detail, "4条") {
		t.Errorf("purge not recorded: %+v", es)
	}
}

// rechain recomputes every hash in id order, as an honest writer at those
// times would have.
func rechain(t *testing.T, db *gorm.DB) {
	t.Helper()
	var rows []struct {
		ID                                                                      int64
		At                                                                      time.Time
		Username, IP, UnitCode, Object, Action, TargetID, Detail, Before, After string
	}
	db.Table("audit_log").Order("id").Find(&rows)
	prev := ""
	for _, r := range rows {
		h := sha256.New()
		fmt.Fprintf(h, "%s\n%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", prev, r.At.UTC().Format(time.RFC3339Nano), r.Username, r.IP, r.UnitCode,
			r.Object, r.Action, r.TargetID, r.Detail, r.Before, r.After)
		sum := hex.EncodeToString(h.Sum(nil))
		db.Exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", prev, sum, r.ID)
		prev = sum
		db.Exec("UPDATE audit_head SET last_hash = ?, last_id = ? WHERE id = 1", sum, r.ID)
	}
}

// TestMigrateResolvesSameAbove: a catalogue stored before 同上 was refused
// gets, on the next migration, the value of the row above in its place,
// and a new 同上 is refused.
func TestMigrateResolvesSameAbove(t *testing.T) {
	db, s := openStore(t)
	ctx := context.Background()
	var ids []int64
	for _, l2 := range []string{"政府文件", "乡镇简介"} {
		it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "概况信息", Level2: l2, Content: "内容。", Basis: "《中华人民共和国政府信息公开条例》",
			TimeLimitText: "信息形成或变更之日起20个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
		if err := s.CreateItem(ctx, &it, clerk); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	if err := db.Exec("UPDATE items SET basis = ?, time_limit_text = ? WHERE id = ?", "同上", "同上", ids[1]).Error; err != nil {
		t.Fatal(err)
	}
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindItem(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if got.Basis != "《中华人民共和国政府信息公开条例》" || got.TimeLimitText != "信息形成或变更之日起20个工作日内" || got.TimeLimit.Kind != catalog.RuleWorkdays {
		t.Errorf("after the migration: basis %q, time limit %q %s", got.Basis, got.TimeLimitText, got.TimeLimit.Kind)
	}
	got.Basis = "同上"
	if err := s.UpdateItem(ctx, got, "", clerk); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("a new 同上: %v", err)
	}
}

// TestMigrateMakesBodiesHTML: bodies stored as plain text before bodies
// were HTML become paragraphs, once; an HTML body is left as it is.
func TestMigrateMakesBodiesHTML(t *testing.T) {
	db, s := openStore(t)
	ctx := context.Background()
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "政府文件", Content: "政府文件。",
		TimeLimitText: "信息形成或变更之日起3个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	if err := s.CreateItem(ctx, &it, clerk); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, catalog.Shanghai)
	text, html := pub(it.ID, "通知", day), pub(it.ID, "公告", day)
	html.Body = "<p>已是<b>网页</b></p>"
	publish(t, s, text)
	publish(t, s, html)
	if err := db.Exec("UPDATE publications SET body = ? WHERE id = ?", "第一段\n第二段 a<b", text.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("DELETE FROM gongkai_meta WHERE name = ?", "once:html-bodies").Error; err != nil {
		t.Fatal(err)
	}
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[*catalog.Publication]string{text: "<p>第一段</p><p>第二段 a&lt;b</p>", html: "<p>已是<b>网页</b></p>"} {
		got, err := s.FindPublication(ctx, p.ID)
		if err != nil || got.Body != want {
			t.Errorf("%s after migrating: %q %v, want %q", p.Title, got.Body, err, want)
		}
	}
	// Done once: a text body written later (by hand in the database) is
	// not touched by the next start.
	db.Exec("UPDATE publications SET body = ? WHERE id = ?", "纯文本", text.ID)
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindPublication(ctx, text.ID); got.Body != "纯文本" {
		t.Errorf("migrated twice: %q", got.Body)
	}
}

// TestMigrateFillsBodyText: publications stored before the body's text
// was kept get it once, and the search reads the text, not the tags.
func TestMigrateFillsBodyText(t *testing.T) {
	db, s := openStore(t)
	ctx := context.Background()
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "政府文件", Content: "政府文件。",
		TimeLimitText: "信息形成或变更之日起3个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	if err := s.CreateItem(ctx, &it, clerk); err != nil {
		t.Fatal(err)
	}
	p := pub(it.ID, "通知", time.Date(2026, 3, 2, 0, 0, 0, 0, catalog.Shanghai))
	p.Body = "<p>推进秸秆<b>离田</b>利用</p>"
	publish(t, s, p)
	find := func(q string) bool {
		t.Helper()
		ps, err := s.FindPublications(ctx, catalog.PubFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(ps) == 1 && ps[0].ID == p.ID
	}
	if !find("秸秆离田") || find("<b>") {
		t.Fatal("a new publication's text is not kept")
	}
	if err := db.Exec("UPDATE publications SET body_text = ''").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("DELETE FROM gongkai_meta WHERE name = ?", "once:body-text").Error; err != nil {
		t.Fatal(err)
	}
	if find("秸秆离田") {
		t.Fatal("found without its text")
	}
	if err := gormstore.Migrate(db); err != nil {
		t.Fatal(err)
	}
	if !find("秸秆离田") || find("<b>") {
		t.Error("the migration did not fill the text")
	}
}

// TestItemsAsOfReadsEveryColumn: the catalogue as of today, read column by
// column for the inspection, is the catalogue FindItems reads through
// gorm, every field of every item alike, in the same order; as of two
// days, each day sees the item as it stood then.
func TestItemsAsOfReadsEveryColumn(t *testing.T) {
	s, it := newStore(t)
	ctx := context.Background()
	full := catalog.Item{UnitCode: "miaoshou", SortOrder: -1, Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "规范性文件", Level3: "镇政府",
		Content: "本镇制定的规范性文件。", Basis: "《条例》", TimeLimitText: "每年3月31日前", Subject: "庙首镇人民政府", Channels: []string{"政府网站", "其他"},
		ChannelOther: "村务公开栏", ToPublic: true, ToSpecific: true, Proactive: true, OnRequest: true, AtCounty: true, AtTownship: true,
		Duration: "长期", Office: "党政办", Remark: "备注"}}
	if err := s.CreateItem(ctx, &full, clerk); err != nil {
		t.Fatal(err)
	}
	p := pub(full.ID, "规范性文件一", time.Now())
	if err := s.CreatePublication(ctx, p, clerk); err != nil {
		t.Fatal(err)
	}
	want, err := s.FindItems(ctx, catalog.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FindItems(ctx, catalog.ItemFilter{AsOf: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != full.ID || got[1].ID != it.ID {
		t.Fatalf("as of today: %d items, want %d then %d", len(got), full.ID, it.ID)
	}
	for i := range want {
		w, g := want[i], got[i]
		w.UpdatedAt, g.UpdatedAt = w.UpdatedAt.UTC(), g.UpdatedAt.UTC()
		if !reflect.DeepEqual(w, g) {
			t.Errorf("item %d read column by column:\n%+v\nthrough gorm:\n%+v", w.ID, g, w)
		}
	}
	both, err := s.ItemsAsOf(ctx, catalog.ItemFilter{}, time.Now(), time.Now().AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	if len(both) != 2 || len(both[0]) != 2 || len(both[1]) != 0 {
		t.Errorf("as of today and yesterday: %d days, %v", len(both), both)
	}
	// Brief: what an inspection reads, and not the long texts.
	brief, err := s.FindItems(ctx, catalog.ItemFilter{AsOf: time.Now(), Brief: true})
	if err != nil || len(brief) != 2 {
		t.Fatalf("brief: %v %v", brief, err)
	}
	if b := brief[0]; b.Content != "" || b.Basis != "" || b.Office != "" || b.Level2 != full.Level2 || b.Remark != full.Remark || b.TimeLimit != want[0].TimeLimit {
		t.Errorf("brief: %+v", b)
	}
}

// TestEditRunAgainAfterADeadlock: an item's edit whose transaction the
// database gives up as a deadlock — as a Galera node does when another
// committed first — is run again from what the clerk sent: it is saved
// once, one version up, not refused as changed by someone else; a new item
// gets one sort order and one id.
func TestEditRunAgainAfterADeadlock(t *testing.T) {
	db, s := openStore(t)
	ctx := context.Background()
	it := catalog.Item{UnitCode: "miaoshou", Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: "规范性文件", Content: "规范性文件。",
		TimeLimitText: "信息形成或变更之日起20个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	// The first audit entry written after arming fails as a deadlock would.
	var armed atomic.Bool
	if err := db.Callback().Create().After("gorm:create").Register("test:deadlock", func(tx *gorm.DB) {
		if tx.Statement.Table == "audit_log" && armed.CompareAndSwap(true, false) {
			tx.AddError(&mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"})
		}
	}); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	if err := s.CreateItem(ctx, &it, clerk); err != nil {
		t.Fatalf("create, run again: %v", err)
	}
	if it.SortOrder != 10 || it.Version != 1 {
		t.Errorf("created: sort order %d, version %d", it.SortOrder, it.Version)
	}
	edit := it
	edit.Content = "本镇制定的规范性文件。"
	armed.Store(true)
	if err := s.UpdateItem(ctx, &edit, "补充内容", clerk); err != nil {
		t.Fatalf("edit, run again: %v", err)
	}
	got, err := s.FindItem(ctx, it.ID)
	if err != nil || got.Version != 2 || got.Content != edit.Content || edit.Version != 2 {
		t.Errorf("after the edit run again: stored version %d %q, returned version %d (%v)", got.Version, got.Content, edit.Version, err)
	}
	if armed.Load() {
		t.Error("no deadlock was made")
	}
	var n int64
	db.Table("items").Where("unit_code = ?", "miaoshou").Count(&n)
	if n != 1 {
		t.Errorf("%d items stored", n)
	}
}

// TestSeedItemsBackdated: seed items an earlier version stored with the day
// of seeding take the day their seeds give, first version included, so a
// past quarter is judged on them; an item edited since keeps its edit's
// date, and one stored with its right date is left alone.
func TestSeedItemsBackdated(t *testing.T) {
	_, s := openStore(t)
	ctx := context.Background()
	col := func(l2 string) catalog.Item {
		return catalog.Item{Columns: catalog.Columns{DomainCode: "zfwj", Level1: "政府文件", Level2: l2, Content: "政府文件。",
			TimeLimitText: "信息形成或变更之日起20个工作日内", Channels: []string{"政府网站"}, ToPublic: true, Proactive: true, AtTownship: true}}
	}
	since := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	seeds := []gormstore.SeedItem{{Key: "a", Item: col("甲")}, {Key: "b", Item: col("乙")}, {Key: "c", Item: col("丙")}}
	ids, n, err := s.EnsureItems(ctx, "miaoshou", seeds, admin) // as an older version did: dated today
	if err != nil || n != 3 {
		t.Fatalf("seeded %d: %v", n, err)
	}
	edited, err := s.FindItem(ctx, ids["b"])
	if err != nil {
		t.Fatal(err)
	}
	edited.Content = "修改后的政府文件。"
	if err := s.UpdateItem(ctx, edited, "细化", clerk); err != nil {
		t.Fatal(err)
	}
	if edited, err = s.FindItem(ctx, ids["b"]); err != nil { // as the database keeps it
		t.Fatal(err)
	}
	editedAt := edited.UpdatedAt
	seeds[0].Since, seeds[1].Since, seeds[2].Since = since, since, later
	if _, n, err := s.EnsureItems(ctx, "miaoshou", seeds, admin); err != nil || n != 0 {
		t.Fatalf("seeded again: %d new, %v", n, err)
	}
	asOf, err := s.FindItems(ctx, catalog.ItemFilter{UnitCode: "miaoshou", AsOf: since.AddDate(0, 6, 0)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]catalog.Item{}
	for _, it := range asOf {
		got[it.ID] = it
	}
	if len(got) != 2 || got[ids["a"]].Level2 != "甲" || got[ids["b"]].Content != "政府文件。" {
		t.Fatalf("as of mid-2020: %+v", asOf)
	}
	for key, wantUpdated := range map[string]time.Time{"a": since, "b": editedAt} {
		it, err := s.FindItem(ctx, ids[key])
		if err != nil {
			t.Fatal(err)
		}
		if !it.UpdatedAt.Equal(wantUpdated) {
			t.Errorf("%s: updated %v, want %v", key, it.UpdatedAt, wantUpdated)
		}
		hist, err := s.ItemHistory(ctx, ids[key])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range hist {
			if v.Version == 1 && !v.ChangedAt.Equal(since) {
				t.Errorf("%s: first version dated %v", key, v.ChangedAt)
			}
			if v.Version == 2 && !v.ChangedAt.After(since) {
				t.Errorf("%s: the edit redated to %v", key, v.ChangedAt)
			}
		}
	}
	if c, err := s.FindItem(ctx, ids["c"]); err != nil || !c.UpdatedAt.Before(later) {
		t.Errorf("c, seeded before its date, moved forward: %v %v", c, err)
	}
}
