package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/inspect"
	"gongkai/kiosk"
	"gongkai/rbac"
)

// TestAMergeHandsEverythingOver: 庙首镇 merged into 三溪镇 in a township
// reform. Its catalogue, publications, filings, requests, accounts and
// roles follow 三溪镇; an item 三溪镇 already carries joins 三溪镇's own; the
// history says where each came from; 庙首镇 stays, retired, and nothing
// more is written to it.
func TestAMergeHandsEverythingOver(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	admin := h.login("admin")

	// What 庙首镇 holds before: a request registered for it as well.
	reg := map[string]any{"applicant_type": "person", "name": "张凤英", "id_type": "resident_id", "id_number": "11010519491231002X",
		"address": "某县文化路1号", "phone": "13905631234", "description": "庙首镇2020年危房改造名单", "purpose": "了解",
		"form": "paper", "delivery": "邮寄", "channel": "letter", "unit_code": "miaoshou", "received_on": time.Now().In(catalog.Shanghai).Format("2006-01-02")}
	var rc struct {
		Number string `json:"number"`
	}
	if r := admin.do("POST", "/api/v1/requests/register", reg); r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	} else {
		r.decode(t, &rc)
	}
	if r := admin.do("POST", "/api/v1/requests/"+rc.Number+"/answer", map[string]any{"outcome": "disclose"}); r.status != 200 {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	items, err := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: "miaoshou"})
	if err != nil || len(items) == 0 {
		t.Fatalf("庙首镇's items: %d %v", len(items), err)
	}
	all, _ := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: "miaoshou", IncludeRetired: true})
	sanxiBefore, _ := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: "sanxi"})
	pubs, err := h.st.Catalog.FindPublications(ctx, catalog.PubFilter{UnitCode: "miaoshou", Statuses: catalog.Statuses, Limit: 1000})
	if err != nil || len(pubs) == 0 {
		t.Fatalf("庙首镇's publications: %d %v", len(pubs), err)
	}
	// Each township files; 庙首镇's filing is the later one, and must not
	// become 三溪镇's current filing.
	for i, code := range []string{"sanxi", "miaoshou"} {
		f := filing.Filing{UnitCode: code, Leader: filing.Person{Name: code + "分管负责人", Post: "副镇长", Phone: "0563-8024001"},
			Publishers: []filing.Person{{Name: code + "信息发布员", Post: "办事员", Phone: "0563-8024002"}},
			Office:     filing.Office{Name: "党政办", Head: code + "主任", Phone: "0563-8024003"}, FiledOn: time.Date(2026, 11, 1+i, 0, 0, 0, 0, catalog.Shanghai)}
		if err := h.st.Filings.CreateFiling(ctx, &f, catalog.Actor{Username: "admin"}); err != nil {
			t.Fatal(err)
		}
	}
	filings, _ := h.st.Filings.FindFilings(ctx, "miaoshou")
	sanxiFilings, _ := h.st.Filings.FindFilings(ctx, "sanxi")
	year := time.Now().In(catalog.Shanghai).Year()
	if err := h.st.Requests.SaveReviewCounts(ctx, "miaoshou", year, foi.ReviewCounts{Review: [4]int{1, 0, 0, 1}}, catalog.Actor{Username: "admin"}); err != nil {
		t.Fatal(err)
	}

	merge := map[string]any{"kind": "merge", "from": []string{"miaoshou"}, "into": []string{"sanxi"}, "basis": "某编〔2026〕3号"}
	if r := h.login("sanxi-clerk").do("POST", "/api/v1/reforms", merge); r.status != 403 {
		t.Errorf("a clerk carrying out a reform: %d", r.status)
	}
	for field, bad := range map[string]map[string]any{
		"basis": {"kind": "merge", "from": []string{"miaoshou"}, "into": []string{"sanxi"}, "basis": " "},
		"into":  {"kind": "merge", "from": []string{"miaoshou"}, "into": []string{"minzhengju"}, "basis": "某编〔2026〕3号"},
		"kind":  {"kind": "absorb", "from": []string{"miaoshou"}, "into": []string{"sanxi"}, "basis": "某编〔2026〕3号"},
		"from":  {"kind": "split", "from": []string{"miaoshou", "jingyang"}, "into": []string{"sanxi", "suncun"}, "basis": "某编〔2026〕3号"},
	} {
		if r := admin.do("POST", "/api/v1/reforms", bad); r.status != 400 {
			t.Errorf("%s: %d %s", field, r.status, r.body)
		} else if _, f := r.problem(t); f != field {
			t.Errorf("%s: field %q (%s)", field, f, r.body)
		}
	}
	var done catalog.Reform
	if r := admin.do("POST", "/api/v1/reforms", merge); r.status != 201 {
		t.Fatalf("merge: %d %s", r.status, r.body)
	} else {
		r.decode(t, &done)
	}
	if done.Moved["item"] != len(all) || done.Moved["publication"] != len(pubs) || done.Moved["request"] != 1 ||
		done.Moved["filing"] != len(filings) || done.Moved["account"] == 0 || done.Moved["role"] == 0 {
		t.Errorf("moved %v; 庙首镇 held %d items, %d publications, %d filings", done.Moved, len(all), len(pubs), len(filings))
	}

	// 庙首镇 is retired: out of the list, still readable, closed to writes.
	var units []catalog.Unit
	h.anon().do("GET", "/api/v1/units", nil).decode(t, &units)
	if slices.ContainsFunc(units, func(u catalog.Unit) bool { return u.Code == "miaoshou" }) {
		t.Error("the retired township is still listed")
	}
	var ms catalog.Unit
	h.anon().do("GET", "/api/v1/units/miaoshou", nil).decode(t, &ms)
	if !ms.Retired() || ms.Successor != "sanxi" {
		t.Errorf("庙首镇 after the merge: %+v", ms)
	}
	if r := admin.do("POST", "/api/v1/units/miaoshou/rename", map[string]string{"name": "庙首", "full_name": "庙首镇政府"}); r.status != 409 ||
		!strings.Contains(string(r.body), "撤销") {
		t.Errorf("renaming the retired township: %d %s", r.status, r.body)
	}
	if r := admin.do("POST", "/api/v1/reforms", merge); r.status != 409 {
		t.Errorf("merging a retired unit again: %d %s", r.status, r.body)
	}
	if r := h.login("sysadmin").do("POST", "/api/v1/users", map[string]string{"username": "ms-new", "unit_code": "miaoshou", "password": "Miaoshou-2026-first"}); r.status != 400 {
		t.Errorf("an account in the retired township: %d %s", r.status, r.body)
	}
	reg["description"] = "又一份申请"
	if r := admin.do("POST", "/api/v1/requests/register", reg); r.status != 400 {
		t.Errorf("a request for the retired township: %d %s", r.status, r.body)
	}

	// 三溪镇's catalogue: 庙首镇's items whose template 三溪镇 carries joined
	// 三溪镇's own, the rest moved; every publication belongs to an item of
	// 三溪镇 now, its 索引号 kept, its history telling the move.
	sanxiAfter, _ := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: "sanxi"})
	joined := 0
	for _, it := range items {
		if it.TemplateID != nil && slices.ContainsFunc(sanxiBefore, func(s catalog.Item) bool {
			return s.TemplateID != nil && *s.TemplateID == *it.TemplateID && s.Status == catalog.ItemActive
		}) && it.Status == catalog.ItemActive {
			joined++
		}
	}
	if joined == 0 || len(sanxiAfter) != len(sanxiBefore)+len(items)-joined {
		t.Errorf("三溪镇 had %d items, 庙首镇 %d of which %d join 三溪镇's own; 三溪镇 has %d", len(sanxiBefore), len(items), joined, len(sanxiAfter))
	}
	ids := map[int64]bool{}
	for _, it := range sanxiAfter {
		ids[it.ID] = true
	}
	p := pubs[0]
	var moved catalog.Publication
	clerk := h.login("miaoshou-clerk")
	if r := clerk.do("GET", fmt.Sprintf("/api/v1/publications/%d", p.ID), nil); r.status != 200 {
		t.Fatalf("庙首镇's clerk reading its publication after the merge: %d", r.status)
	} else {
		r.decode(t, &moved)
	}
	if moved.UnitCode != "sanxi" || moved.IndexNo != p.IndexNo || !ids[moved.ItemID] {
		t.Errorf("the publication after the merge: unit %s, 索引号 %q (was %q), item %d", moved.UnitCode, moved.IndexNo, p.IndexNo, moved.ItemID)
	}
	var evs []catalog.Event
	clerk.do("GET", fmt.Sprintf("/api/v1/publications/%d/events", p.ID), nil).decode(t, &evs)
	if len(evs) == 0 || evs[len(evs)-1].Action != "transfer" || !strings.Contains(evs[len(evs)-1].Note, "庙首镇") {
		t.Errorf("the publication's history: %+v", evs)
	}
	tr, err := h.st.Catalog.FindTransfers(ctx, "publication", fmt.Sprint(p.ID))
	if err != nil || len(tr) != 1 || tr[0].From != "miaoshou" || tr[0].To != "sanxi" || tr[0].ReformID != done.ID {
		t.Errorf("where the publication came from: %+v %v", tr, err)
	}

	// The clerk now works in 三溪镇: the role moved with the account.
	if r := clerk.do("POST", fmt.Sprintf("/api/v1/items/%d/publications", sanxiAfter[0].ID), map[string]any{"title": "并入后的第一条", "topic": "综合政务",
		"body": "正文。", "generated_on": "2026-11-30"}); r.status != 201 {
		t.Errorf("庙首镇's clerk publishing for 三溪镇: %d %s", r.status, r.body)
	}
	acct, err := h.st.Accounts.FindUserByName(ctx, "miaoshou-clerk")
	if err != nil || acct.UnitCode != "sanxi" {
		t.Errorf("the account's unit: %+v %v", acct, err)
	}

	// Filings: 庙首镇's are 三溪镇's history; 三溪镇's own stays current.
	if fs, _ := h.st.Filings.FindFilings(ctx, "sanxi"); len(fs) != len(sanxiFilings)+len(filings) {
		t.Errorf("三溪镇's filings: %d, want %d", len(fs), len(sanxiFilings)+len(filings))
	} else if cur := fs[len(fs)-1]; cur.ID != sanxiFilings[len(sanxiFilings)-1].ID || fs[0].MovedFrom != "miaoshou" {
		t.Errorf("三溪镇's current filing is %d (moved from %q), want its own %d", cur.ID, cur.MovedFrom, sanxiFilings[len(sanxiFilings)-1].ID)
	}
	// Table 四's figures joined 三溪镇's.
	if rc, err := h.st.Requests.ReviewCounts(ctx, "sanxi", year); err != nil || rc.Review != [4]int{1, 0, 0, 1} {
		t.Errorf("三溪镇's review counts: %+v %v", rc, err)
	}
	// Every store refuses a write to the retired unit in its own
	// transaction, whatever the desk in front of it checked (a write
	// racing the reform lands before it, and moves, or is refused).
	actor := catalog.Actor{UserID: 1, Username: "admin"}
	f := filings[0]
	f.ID = 0
	for what, err := range map[string]error{
		"account": h.st.Accounts.CreateUser(ctx, &account.User{Username: "ms-direct", UnitCode: "miaoshou", PasswordHash: "x"}, actor),
		"role":    h.st.Authz.SetGrant(ctx, actor, acct.ID, rbac.Grant{Role: rbac.RoleLeader, Unit: "miaoshou"}, true),
		"filing":  h.st.Filings.CreateFiling(ctx, &f, actor),
		"point":   h.st.Kiosk.SavePoint(ctx, &kiosk.Point{Code: "ghost-pt", Name: "某点", UnitCode: "miaoshou"}, actor),
		"review":  h.st.Requests.SaveReviewCounts(ctx, "miaoshou", year, foi.ReviewCounts{}, actor),
		"score":   h.st.Inspections.SaveEntry(ctx, year, inspect.Entry{UnitCode: "miaoshou", Key: "annual", Points: 1, Reason: "测试理由"}, actor),
		"facts":   h.st.Catalog.UpdateUnitFacts(ctx, &catalog.Unit{Code: "miaoshou", FullName: "旌德县庙首镇人民政府", Address: "新地址"}, actor),
		"exempt":  h.st.Catalog.SetExemption(ctx, catalog.Exemption{UnitCode: "miaoshou", DomainCode: "hjbh", Reason: "不涉及"}, actor),
	} {
		if err == nil || !strings.Contains(err.Error(), "撤销") {
			t.Errorf("%s written to the retired township: %v", what, err)
		}
	}
	// A unit that took part in a reform is part of the record: not deleted.
	if r := admin.do("DELETE", "/api/v1/units/sanxi", nil); r.status != 409 {
		t.Errorf("deleting the successor: %d %s", r.status, r.body)
	}
	req, err := h.st.RequestDesk.Find(ctx, rc.Number)
	if err != nil || req.UnitCode != "sanxi" {
		t.Fatalf("the request after the merge: %+v %v", req, err)
	}
	// The letter sent before the merge is the one sent: 庙首镇's.
	if l, err := h.st.RequestDesk.Letter(ctx, req); err != nil || l.Issuer != "旌德县庙首镇人民政府" {
		t.Errorf("the letter's issuer after the merge: %q %v", l.Issuer, err)
	}
	rev, _ := h.st.RequestDesk.Events(ctx, rc.Number)
	if len(rev) == 0 || rev[len(rev)-1].Action != "transfer" || rev[len(rev)-1].Name != foi.ActionName("transfer") {
		t.Errorf("the request's history: %+v", rev)
	}

	// The reform is listed and in the audit log of both units.
	var list []catalog.Reform
	admin.do("GET", "/api/v1/reforms", nil).decode(t, &list)
	if len(list) != 1 || list[0].Basis != "某编〔2026〕3号" || list[0].Moved["item"] != len(all) {
		t.Errorf("reforms %+v", list)
	}
	for _, unit := range []string{"miaoshou", "sanxi"} {
		if es, err := h.st.Catalog.FindAudit(ctx, catalog.AuditFilter{UnitCode: unit, Object: "unit", Action: "reform"}); err != nil || len(es) != 1 {
			t.Errorf("audit of %s: %d %v", unit, len(es), err)
		}
	}
}

// TestASplitSharesByDomain: a department split in two: the items of the
// domains given to the new department go to it with their publications,
// everything else to the lead successor; units of different levels, and
// the county office, follow the rules.
func TestASplitSharesByDomain(t *testing.T) {
	h := newAPI(t)
	ctx := t.Context()
	admin := h.login("admin")
	items, err := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: "minzhengju"})
	if err != nil || len(items) == 0 {
		t.Fatalf("民政局's items: %d %v", len(items), err)
	}
	// A national domain of 民政局's: a new department does not carry it.
	ds, _ := h.st.Catalog.FindDomains(ctx)
	national := map[string]bool{}
	for _, d := range ds {
		national[d.Code] = d.National && !slices.Contains(catalog.EveryUnitDomains, d.Code)
	}
	domains := map[string]int{}
	var given string
	for _, it := range items {
		domains[it.DomainCode]++
		if national[it.DomainCode] && (given == "" || it.DomainCode < given) {
			given = it.DomainCode
		}
	}
	if given == "" {
		t.Fatal("民政局 carries no national domain")
	}
	for _, u := range []map[string]string{
		{"code": "mz-a", "name": "民政事务局", "full_name": "某县民政事务局", "level": "county", "kind": "department"},
		{"code": "mz-b", "name": "社会救助局", "full_name": "某县社会救助局", "level": "county", "kind": "department"},
	} {
		if r := admin.do("POST", "/api/v1/units", u); r.status != 201 {
			t.Fatalf("create %s: %d %s", u["code"], r.status, r.body)
		}
	}
	split := map[string]any{"kind": "split", "from": []string{"minzhengju"}, "into": []string{"mz-a", "mz-b"}, "domains": map[string]string{given: "mz-b"},
		"basis": "某县机构改革方案"}
	bad := map[string]any{"kind": "split", "from": []string{"minzhengju"}, "into": []string{"mz-a", "mz-b"}, "domains": map[string]string{given: "sanxi"},
		"basis": "某县机构改革方案"}
	if r := admin.do("POST", "/api/v1/reforms", bad); r.status != 400 {
		t.Errorf("a domain given to a unit not in the split: %d %s", r.status, r.body)
	}
	if r := admin.do("POST", "/api/v1/reforms", split); r.status != 201 {
		t.Fatalf("split: %d %s", r.status, r.body)
	}
	// Each of 民政局's items is now the successor's of its domain (or
	// joined the item of the same template there), none with the old
	// unit as its 公开主体.
	in := map[string]map[int64]catalog.Item{}
	for _, code := range []string{"mz-a", "mz-b"} {
		its, _ := h.st.Catalog.FindItems(ctx, catalog.ItemFilter{UnitCode: code})
		in[code] = map[int64]catalog.Item{}
		for _, it := range its {
			in[code][it.ID] = it
		}
	}
	for _, it := range items {
		want, other := "mz-a", "mz-b"
		if it.DomainCode == given {
			want, other = other, want
		}
		now, ok := in[want][it.ID]
		if _, wrong := in[other][it.ID]; wrong {
			t.Errorf("item %d (%s) went to %s", it.ID, it.DomainCode, other)
		} else if !ok && it.TemplateID == nil {
			t.Errorf("item %d (%s) is not in %s", it.ID, it.DomainCode, want)
		} else if ok && now.Subject == it.Subject && strings.Contains(it.Subject, "民政局") {
			t.Errorf("item %d still names the old unit as its 公开主体: %q", it.ID, now.Subject)
		}
	}
	if len(in["mz-b"]) == 0 || domains[given] == 0 {
		t.Errorf("the new department has %d items", len(in["mz-b"]))
	}
	if acct, err := h.st.Accounts.FindUserByName(ctx, "minzhengju-clerk"); err != nil || acct.UnitCode != "mz-a" {
		t.Errorf("the clerk's unit after the split: %+v %v", acct, err)
	}

	// A later reform of the successor: 民政局 points straight to the last
	// one, not through a retired unit.
	if r := admin.do("POST", "/api/v1/reforms", map[string]any{"kind": "merge", "from": []string{"mz-a"}, "into": []string{"mz-b"}, "basis": "某编〔2026〕5号"}); r.status != 201 {
		t.Fatalf("second reform: %d %s", r.status, r.body)
	}
	if u, err := h.st.Catalog.FindUnit(ctx, "minzhengju"); err != nil || u.Successor != "mz-b" {
		t.Errorf("民政局's successor after its successor ended: %+v %v", u, err)
	}

	// The county office merged into a new office: requests now go there.
	if r := admin.do("POST", "/api/v1/units", map[string]string{"code": "xzfb", "name": "新政府办", "full_name": "某县人民政府办公室（新）", "level": "county", "kind": "office"}); r.status != 201 {
		t.Fatalf("new office: %d %s", r.status, r.body)
	}
	if r := admin.do("POST", "/api/v1/reforms", map[string]any{"kind": "merge", "from": []string{office}, "into": []string{"xzfb"}, "basis": "某编〔2026〕9号"}); r.status != 201 {
		t.Fatalf("office merge: %d %s", r.status, r.body)
	}
	var c catalog.County
	h.anon().do("GET", "/api/v1/county", nil).decode(t, &c)
	if c.Office != "xzfb" {
		t.Errorf("the county's office after the merge: %q", c.Office)
	}
	if n, err := h.st.RequestDesk.Office(ctx); err != nil || n != "xzfb" {
		t.Errorf("requests go to %q (%v)", n, err)
	}
}
