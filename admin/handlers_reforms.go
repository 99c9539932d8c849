package admin

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
)

// reformPage confirms an institutional reform before it is carried out:
// what ends, what carries on and, for a split, which successor takes each
// of the unit's domains.
type reformPage struct {
	Reform  catalog.Reform
	Names   map[string]string
	Domains []reformDomain
	Date    string
	// Office warns that the unit receiving requests ends.
	Office string
	// Holds says, for each ending unit, what it holds that will move.
	Holds []reformHolds
}

type reformHolds struct {
	Name                                     string
	Items, Pubs, Requests, Filings, Accounts int
}

type reformDomain struct {
	Code, Name string
	Items      int
	To         string
}

// reformForm reads a reform from the directory page's form or the
// confirmation's: from (one or more), lead (the lead successor), into
// (the others, for a split), basis, effective_on, and domain_<code>.
func reformForm(c *fiber.Ctx) (catalog.Reform, error) {
	multi := func(key string) []string { // at most 51: the reform refuses more than 50
		var out []string
		for _, v := range c.Request().PostArgs().PeekMulti(key) {
			if len(out) > 50 {
				break
			}
			out = append(out, strings.TrimSpace(string(v)))
		}
		return out
	}
	r := catalog.Reform{Kind: catalog.ReformKind(c.FormValue("kind")), From: multi("from"), Basis: c.FormValue("basis")}
	if lead := strings.TrimSpace(c.FormValue("lead")); lead != "" {
		r.Into = append(r.Into, lead)
	}
	for _, code := range multi("into") {
		if code != "" && !slices.Contains(r.Into, code) {
			r.Into = append(r.Into, code)
		}
	}
	if r.Kind == catalog.ReformSplit {
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if d, ok := strings.CutPrefix(string(k), "domain_"); ok && len(v) > 0 && len(r.Domains) <= 200 {
				if r.Domains == nil {
					r.Domains = map[string]string{}
				}
				r.Domains[strings.Clone(d)] = string(v)
			}
		})
	}
	if v := strings.TrimSpace(c.FormValue("effective_on")); v != "" {
		t, err := catalog.ParseDay("effective_on", "生效日期", v)
		if err != nil {
			return r, err
		}
		r.EffectiveOn = t
	}
	return r, nil
}

// handleReformPlan shows what a reform will do and asks to confirm it.
func (h handler) handleReformPlan(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	refuse := h.directoryRefusal(c, m)
	r, err := reformForm(c)
	if err != nil {
		return refuse(err)
	}
	if err := r.Validate(time.Now()); err != nil {
		return refuse(err)
	}
	p := reformPage{Reform: r, Names: map[string]string{}, Date: r.EffectiveOn.Format("2006-01-02")}
	units := map[string]*catalog.Unit{}
	for _, code := range append(slices.Clone(r.From), r.Into...) {
		field := "from"
		if slices.Contains(r.Into, code) {
			field = "into"
		}
		u, err := h.Units.FindUnit(c.UserContext(), code)
		if err != nil {
			return refuse(catalog.Invalid(field, "单位“%s”不存在", code))
		}
		if u.Retired() {
			return refuse(catalog.Invalid(field, "“%s”已在机构改革中撤销", u.Name))
		}
		p.Names[code], units[code] = u.Name, u
	}
	lead := units[r.Into[0]]
	for _, u := range units {
		if u.Level != lead.Level {
			return refuse(catalog.Invalid("into", "“%s”是%s单位，“%s”是%s单位：乡镇和县直部门不能互相撤并或拆分", u.Name, u.Level.Name(), lead.Name, lead.Level.Name()))
		}
	}
	for _, code := range r.From {
		hs, err := h.holds(c, code)
		if err != nil {
			return err
		}
		hs.Name = p.Names[code]
		p.Holds = append(p.Holds, hs)
	}
	if county, err := h.County.County(c.UserContext()); err == nil && slices.Contains(r.From, county.Office) {
		p.Office = fmt.Sprintf("“%s”是受理政府信息公开申请的单位；办理后，申请改由“%s”受理。", p.Names[county.Office], lead.Name)
		if lead.Kind != catalog.KindOffice {
			p.Office += "“" + lead.Name + "”不是政府办公室，请确认。"
		}
	}
	if r.Kind == catalog.ReformSplit {
		items, err := h.Items.FindItems(c.UserContext(), catalog.ItemFilter{UnitCode: r.From[0]})
		if err != nil {
			return err
		}
		ds, err := h.Units.FindDomains(c.UserContext())
		if err != nil {
			return err
		}
		count := map[string]int{}
		for _, it := range items {
			count[it.DomainCode]++
		}
		for _, d := range ds {
			if count[d.Code] > 0 {
				p.Domains = append(p.Domains, reformDomain{Code: d.Code, Name: d.Name, Items: count[d.Code], To: r.Successor(d.Code)})
			}
		}
	}
	return render(c, 200, "reform.html", page{Title: "机构改革", Me: m, Data: p})
}

// handleReformCreate carries out a confirmed reform.
func (h handler) handleReformCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	r, err := reformForm(c)
	if err == nil {
		err = h.Reforms.Reform(c.UserContext(), &r, web.Actor(c))
	}
	if err != nil {
		if code := catalog.ErrorCode(err); code == catalog.EINVALID || code == catalog.ECONFLICT || code == catalog.ENOTFOUND {
			return h.directory(c, m, fiber.StatusBadRequest, "", catalog.ErrorMessage(err), directoryPage{})
		}
		return err
	}
	q := url.Values{"flash": {"reformed"}}
	for _, k := range movedNames {
		if n := r.Moved[k.key]; n > 0 {
			q.Set(k.key, strconv.Itoa(n))
		}
	}
	return c.Redirect("/admin/directory?"+q.Encode(), fiber.StatusSeeOther)
}

// movedNames are the kinds of record a reform reports, as the flash says them.
var movedNames = []struct{ key, name string }{{"item", "目录事项"}, {"publication", "公开信息"}, {"request", "依申请公开申请"},
	{"filing", "备案"}, {"account", "账号"}, {"point", "查询点"}}

// reformedFlash says what a reform handed over, from the numbers in the
// redirect's query (numbers only: nothing else of it is shown).
func reformedFlash(c *fiber.Ctx) string {
	var moved []string
	for _, k := range movedNames {
		if n, err := strconv.Atoi(c.Query(k.key)); err == nil && n > 0 {
			moved = append(moved, fmt.Sprintf("%s%d", k.name, n))
		}
	}
	if len(moved) == 0 {
		return "机构改革已办理，没有需要划转的记录。"
	}
	return "机构改革已办理，划转至承接单位：" + strings.Join(moved, "、") + "（目录事项含并入承接单位同一标准事项的）。"
}

// holds counts what a unit holds that a reform hands over.
func (h handler) holds(c *fiber.Ctx, code string) (reformHolds, error) {
	ctx := c.UserContext()
	var hs reformHolds
	items, err := h.Items.FindItems(ctx, catalog.ItemFilter{UnitCode: code, IncludeRetired: true})
	if err != nil {
		return hs, err
	}
	pubs, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{UnitCode: code, Statuses: catalog.Statuses})
	if err != nil {
		return hs, err
	}
	reqs, err := h.Requests.List(ctx, code)
	if err != nil {
		return hs, err
	}
	fs, err := h.Filings.FindFilings(ctx, code)
	if err != nil {
		return hs, err
	}
	accts, err := h.UnitAccounts(ctx, code)
	if err != nil {
		return hs, err
	}
	hs.Items, hs.Pubs, hs.Requests, hs.Filings, hs.Accounts = len(items), len(pubs), len(reqs), len(fs), len(accts)
	return hs, nil
}
