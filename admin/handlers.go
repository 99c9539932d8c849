package admin

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/notify"
	"gongkai/rbac"
	"gongkai/web"
)

type loginPage struct {
	Username string
	Next     string
}

func (h handler) handleLoginForm(c *fiber.Ctx) error {
	if _, ok := rbac.PrincipalOf(c); ok {
		return c.Redirect("/admin/", fiber.StatusSeeOther)
	}
	return render(c, 200, "login.html", page{Title: "登录", Data: loginPage{Next: c.Query("next")}})
}

func (h handler) handleLogin(c *fiber.Ctx) error {
	username := strings.TrimSpace(c.FormValue("username"))
	next := c.FormValue("next")
	if _, err := h.Sessions.SignIn(c, username, c.FormValue("password")); err != nil {
		msg := catalog.ErrorMessage(err)
		status := fiber.StatusUnauthorized
		if _, _, ok := fieldError(err); ok && catalog.ErrorCode(err) == catalog.EINVALID {
			status = fiber.StatusBadRequest
		}
		return render(c, status, "login.html", page{Title: "登录", Error: msg, Data: loginPage{Username: username, Next: next}})
	}
	return c.Redirect(safeNext(next), fiber.StatusSeeOther)
}

func (h handler) handleLogout(c *fiber.Ctx) error {
	if err := h.Sessions.SignOut(c); err != nil {
		return err
	}
	return c.Redirect("/admin/login", fiber.StatusSeeOther)
}

func (h handler) handlePasswordForm(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	return render(c, 200, "password.html", page{Title: "修改密码", Me: m})
}

func (h handler) handlePassword(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if m == nil {
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	if c.FormValue("password") != c.FormValue("password2") {
		return render(c, fiber.StatusBadRequest, "password.html", page{Title: "修改密码", Me: m, Error: "两次输入的新密码不一致"})
	}
	if err := h.Sessions.ChangePassword(c, c.FormValue("old_password"), c.FormValue("password")); err != nil {
		if _, msg, ok := fieldError(err); ok {
			return render(c, fiber.StatusBadRequest, "password.html", page{Title: "修改密码", Me: m, Error: msg})
		}
		return err
	}
	return c.Redirect("/admin/?flash=password", fiber.StatusSeeOther)
}

// unitSummary is a unit's line on the dashboard.
type unitSummary struct {
	Unit                               catalog.Unit
	Items, Overdue, Never              int
	Drafts, Submitted, TakenDown       int
	CanWrite, CanPublish, CanSpotCheck bool
	NextDue                            string
}

type dashboardPage struct {
	Units     []unitSummary
	NextUnits string                // the last unit's code when more follow
	Review    []catalog.Publication // waiting for this person's approval
	Takedowns []catalog.Publication // waiting for rectification
	Drafts    []catalog.Publication
	Recent    []catalog.Publication // for the county's spot check
	Overdue   []itemRow             // items whose time limit has passed without a publication
	// Calendar warns the county office that a year's holidays are missing.
	Calendar string
	// Requests are the open disclosure requests the person answers (the
	// unit's; the county office's: every unit's), soonest due first;
	// RequestsMore when there are more than shown.
	Requests     []requestRow
	RequestsMore bool
	// Notices are what waits for the person, as the daily digest tells it.
	Notices []notify.Notice
}

// dashboardRequests is how many open requests the 工作台 lists.
const dashboardRequests = 20

// dashboardUnits is how many units a dashboard page lists.
const dashboardUnits = 100

func (h handler) handleDashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := h.current(c)
	if err != nil {
		return err
	}
	units, err := h.myUnits(ctx, m)
	if err != nil {
		return err
	}
	now := h.now()
	var d dashboardPage
	// A county-wide role holds the same rights in every unit: they are
	// asked once, and again only in units where the person has a grant of
	// their own on top.
	own := map[string]bool{}
	for _, g := range m.Grants {
		own[g.Unit] = true
	}
	var countyRights *unitSummary
	rights := func(code string) unitSummary {
		if m.County && !own[code] && countyRights != nil {
			return *countyRights
		}
		r := unitSummary{CanWrite: h.can(m, code, rbac.ObjPublication, rbac.ActWrite),
			CanPublish: h.can(m, code, rbac.ObjPublication, rbac.ActPublish), CanSpotCheck: h.can(m, code, rbac.ObjPublication, rbac.ActTakedown)}
		if m.County && !own[code] {
			countyRights = &r
		}
		return r
	}
	// A province's office sees its units a hundred at a time, from the
	// unit after ?after=.
	if after := c.Query("after"); after != "" {
		for i, u := range units {
			if u.Code == after {
				units = units[i+1:]
				break
			}
		}
	}
	if len(units) > dashboardUnits {
		units = units[:dashboardUnits]
		d.NextUnits = units[len(units)-1].Code
	}
	for _, u := range units {
		s := rights(u.Code)
		s.Unit = u
		day := now.In(catalog.Shanghai).YearDay()
		h.fresh.mu.Lock()
		fc, ok := h.fresh.m[u.Code]
		h.fresh.mu.Unlock()
		wantRows := !m.County && s.CanWrite
		if !ok || fc.rev != u.CatalogRev || fc.day != day || wantRows {
			items, err := h.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
			if err != nil {
				return err
			}
			fc = freshCounts{rev: u.CatalogRev, day: day, items: len(items)}
			for _, it := range items {
				f := it.FreshnessAt(now)
				switch f {
				case catalog.FreshOverdue:
					fc.overdue++
				case catalog.FreshNever:
					fc.never++
				}
				if (f == catalog.FreshOverdue || f == catalog.FreshNever) && wantRows {
					d.Overdue = append(d.Overdue, itemRow{it, f})
				}
			}
			h.fresh.mu.Lock()
			h.fresh.m[u.Code] = fc
			h.fresh.mu.Unlock()
		}
		s.Items, s.Overdue, s.Never = fc.items, fc.overdue, fc.never
		if !m.County || len(units) == 1 {
			pubs, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{UnitCode: u.Code, Limit: 200,
				Statuses: []catalog.PubStatus{catalog.PubDraft, catalog.PubSubmitted, catalog.PubTakenDown}})
			if err != nil {
				return err
			}
			for _, p := range pubs {
				switch p.Status {
				case catalog.PubDraft:
					s.Drafts++
					if s.CanWrite {
						d.Drafts = append(d.Drafts, p)
					}
				case catalog.PubSubmitted:
					s.Submitted++
					if s.CanPublish && p.SubmittedBy != m.Username {
						d.Review = append(d.Review, p)
					}
				case catalog.PubTakenDown:
					s.TakenDown++
					d.Takedowns = append(d.Takedowns, p)
				}
			}
		}
		d.Units = append(d.Units, s)
	}
	if m.County {
		// The county office sees the whole county's queues and what was
		// published lately, for its spot checks.
		var err error
		if d.Review, err = h.Pubs.FindPublications(ctx, catalog.PubFilter{Statuses: []catalog.PubStatus{catalog.PubSubmitted}, Limit: 50}); err != nil {
			return err
		}
		if d.Takedowns, err = h.Pubs.FindPublications(ctx, catalog.PubFilter{Statuses: []catalog.PubStatus{catalog.PubTakenDown}, Limit: 50}); err != nil {
			return err
		}
		if d.Recent, err = h.Pubs.FindPublications(ctx, catalog.PubFilter{Limit: 20}); err != nil {
			return err
		}
		if !m.Admin {
			d.Review = nil
		} else {
			d.Calendar = h.Requests.CalendarWarning(h.now())
		}
	}
	if m.RequestsURL != "" {
		rs, err := h.Requests.Pending(ctx, m.RequestsUnit, dashboardRequests+1)
		if err != nil {
			return err
		}
		d.RequestsMore = len(rs) > dashboardRequests
		names := map[string]string{}
		if m.RequestsUnit == "" {
			us, err := h.Units.FindUnits(ctx)
			if err != nil {
				return err
			}
			for _, u := range us {
				names[u.Code] = u.Name
			}
		}
		for _, r := range rs[:min(len(rs), dashboardRequests)] {
			cl, err := h.Requests.Clock(&r)
			if err != nil {
				return err
			}
			d.Requests = append(d.Requests, requestRow{R: r, Clock: cl, UnitName: names[r.UnitCode]})
		}
	}
	if h.Notices != nil {
		if d.Notices, err = h.Notices.For(ctx, account.User{ID: m.ID, Username: m.Username}, now); err != nil {
			return err
		}
	}
	flash := ""
	switch c.Query("flash") {
	case "password":
		flash = "密码已修改。"
	case "deleted":
		flash = "草稿已删除。"
	}
	h.withNames(c, d.Review)
	return render(c, 200, "dashboard.html", page{Title: "工作台", Me: m, Flash: flash, Data: d})
}

type queuePage struct {
	Heading string
	Empty   string
	Pubs    []catalog.Publication
	// Bulk: the list is one to approve from, several at once.
	Bulk bool
}

// queue lists publications in a status across the units where the person
// holds the right.
func (h handler) queue(c *fiber.Ctx, status catalog.PubStatus, act rbac.Action, heading, empty string) error {
	ctx := c.UserContext()
	m, err := h.current(c)
	if err != nil {
		return err
	}
	units, err := h.myUnits(ctx, m)
	if err != nil {
		return err
	}
	var out []catalog.Publication
	for _, u := range units {
		if !h.can(m, u.Code, rbac.ObjPublication, act) {
			continue
		}
		pubs, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{UnitCode: u.Code, Statuses: []catalog.PubStatus{status}, Limit: 200})
		if err != nil {
			return err
		}
		for _, p := range pubs {
			// Nobody reviews their own submission: it is not offered.
			if status == catalog.PubSubmitted && p.SubmittedBy == m.Username {
				continue
			}
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UpdatedAt.After(out[j].UpdatedAt) })
	h.withNames(c, out)
	return render(c, 200, "queue.html", page{Title: heading, Me: m, Data: queuePage{Heading: heading, Empty: empty, Pubs: out, Bulk: status == catalog.PubSubmitted}})
}

func (h handler) handleReview(c *fiber.Ctx) error {
	return h.queue(c, catalog.PubSubmitted, rbac.ActPublish, "待审核（二级审核）", "没有等待审核的信息。")
}

func (h handler) handleTakedowns(c *fiber.Ctx) error {
	return h.queue(c, catalog.PubTakenDown, rbac.ActRead, "已撤下待整改", "没有等待整改的信息。")
}

type itemRow struct {
	Item  catalog.Item
	Fresh catalog.Freshness
}

type unitPage struct {
	Unit      catalog.Unit
	Rows      []itemRow
	CanWrite  bool
	CanFacts  bool // may edit the public facts (leader of the unit, admin)
	FactField string
	// The list's filters as chosen, what they choose from, and how many
	// items the catalogue has in all.
	Filter     itemFilter
	Domains    []catalog.Domain
	Columns    []string
	DomainName map[string]string
	Total      int
}

// itemFilter narrows a unit's catalogue list: a domain, a column (一级事项),
// a freshness, items due within two weeks, words of the item.
type itemFilter struct {
	Domain, Column, Fresh, Due, Q string
}

func (f itemFilter) Any() bool { return f != itemFilter{} }

// dueSoon is how near a periodic item's next publication must be to be
// listed as falling due.
const dueSoon = 14 * 24 * time.Hour

func (f itemFilter) keep(it catalog.Item, fresh catalog.Freshness, now time.Time) bool {
	switch {
	case f.Domain != "" && it.DomainCode != f.Domain,
		f.Column != "" && it.Level1 != f.Column,
		f.Fresh != "" && string(fresh) != f.Fresh:
		return false
	}
	if f.Due == "soon" {
		at, ok := it.DueAt()
		if !ok || at.Before(now) || at.Sub(now) > dueSoon {
			return false
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if !strings.Contains(it.Level1+" "+it.Level2+" "+it.Level3+" "+it.Content+" "+it.Basis, q) {
			return false
		}
	}
	return true
}

func (h handler) handleUnit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(ctx, c.Params("code"))
	if err != nil {
		return err
	}
	items, err := h.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: u.Code})
	if err != nil {
		return err
	}
	p := unitPage{Unit: *u, CanWrite: h.can(m, u.Code, rbac.ObjPublication, rbac.ActWrite), CanFacts: h.can(m, u.Code, rbac.ObjUnit, rbac.ActWrite),
		Filter: itemFilter{Domain: strings.Clone(c.Query("domain")), Column: strings.Clone(c.Query("column")), Fresh: strings.Clone(c.Query("fresh")),
			Due: strings.Clone(c.Query("due")), Q: strings.Clone(c.Query("q"))}, Total: len(items), DomainName: map[string]string{}}
	ds, err := h.Units.FindDomains(ctx)
	if err != nil {
		return err
	}
	inUse := map[string]bool{}
	seenCol := map[string]bool{}
	for _, it := range items {
		inUse[it.DomainCode] = true
		if (p.Filter.Domain == "" || it.DomainCode == p.Filter.Domain) && !seenCol[it.Level1] {
			seenCol[it.Level1] = true
			p.Columns = append(p.Columns, it.Level1)
		}
	}
	for _, d := range ds {
		p.DomainName[d.Code] = d.Name
		if inUse[d.Code] {
			p.Domains = append(p.Domains, d)
		}
	}
	now := h.now()
	for _, it := range items {
		f := it.FreshnessAt(now)
		if p.Filter.keep(it, f, now) {
			p.Rows = append(p.Rows, itemRow{it, f})
		}
	}
	flash := map[string]string{"imported": "目录已导入，修改记入各事项的历史。", "facts": "机构设置已保存。"}[c.Query("flash")]
	return render(c, 200, "unit.html", page{Title: u.Name + "公开目录", Me: m, Flash: flash, Data: p})
}

// pubForm is the publication editor's form, kept as typed.
type pubForm struct {
	catalog.PublicationInput
	InterpretsText string
}

func formFrom(p catalog.Publication) pubForm {
	f := pubForm{PublicationInput: catalog.PublicationInput{Title: p.Title, DocNo: p.DocNo, Topic: p.Topic, Publisher: p.Publisher,
		Body: p.Body, Version: p.Version}}
	if !p.GeneratedOn.IsZero() {
		f.GeneratedOn = p.GeneratedOn.In(catalog.Shanghai).Format("2006-01-02")
	}
	if p.PublishedOn.Year() > 1 {
		f.PublishedOn = p.PublishedOn.In(catalog.Shanghai).Format("2006-01-02")
	}
	if p.InterpretsID != nil {
		f.InterpretsText = strconv.FormatInt(*p.InterpretsID, 10)
	}
	if p.ConsultOpens != nil {
		f.ConsultOpens = p.ConsultOpens.In(catalog.Shanghai).Format("2006-01-02")
	}
	if p.ConsultCloses != nil {
		f.ConsultCloses = p.ConsultCloses.In(catalog.Shanghai).Format("2006-01-02")
	}
	return f
}

func readForm(c *fiber.Ctx) pubForm {
	f := pubForm{InterpretsText: strings.TrimSpace(c.FormValue("interprets_id"))}
	f.Title, f.DocNo, f.Topic = c.FormValue("title"), c.FormValue("doc_no"), c.FormValue("topic")
	f.GeneratedOn, f.PublishedOn, f.Body = c.FormValue("generated_on"), c.FormValue("published_on"), c.FormValue("body")
	f.ConsultOpens, f.ConsultCloses = c.FormValue("consultation_opens"), c.FormValue("consultation_closes")
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	return f
}

// parse reads the form; policy finds the policy an interpretation links
// to from what was typed.
func (f pubForm) parse(itemID int64, now time.Time, policy func(string) (*int64, error)) (catalog.Publication, error) {
	id, err := policy(f.InterpretsText)
	if err != nil {
		return catalog.Publication{}, err
	}
	f.InterpretsID = id
	return f.PublicationInput.Parse(itemID, now)
}

// handleUnitFacts saves a unit's public facts (机构设置) from the unit page.
func (h handler) handleUnitFacts(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	u.Functions, u.Offices, u.Address, u.OfficeHours = c.FormValue("functions"), c.FormValue("offices"), c.FormValue("address"), c.FormValue("office_hours")
	u.Phone, u.Fax, u.Email, u.Postcode, u.Head = c.FormValue("phone"), c.FormValue("fax"), c.FormValue("email"), c.FormValue("postcode"), c.FormValue("head")
	if err := h.Units.UpdateUnitFacts(c.UserContext(), u, web.Actor(c)); err != nil {
		field, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		items, err2 := h.Items.FindItems(c.UserContext(), catalog.ItemFilter{UnitCode: u.Code})
		if err2 != nil {
			return err2
		}
		p := unitPage{Unit: *u, CanWrite: h.can(m, u.Code, rbac.ObjPublication, rbac.ActWrite), CanFacts: true, FactField: field}
		for _, it := range items {
			p.Rows = append(p.Rows, itemRow{it, it.FreshnessAt(h.now())})
		}
		return render(c, fiber.StatusBadRequest, "unit.html", page{Title: u.Name + "公开目录", Me: m, Error: msg, Data: p})
	}
	return c.Redirect("/admin/units/"+u.Code+"?flash=facts", fiber.StatusSeeOther)
}
