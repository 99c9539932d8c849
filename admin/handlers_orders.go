package admin

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/rbac"
	"gongkai/web"
)

// orderRow is an order in a list, with what it waits for.
type orderRow struct {
	O        hotline.Order
	UnitName string
	Overdue  *hotline.Overdue
}

type ordersPage struct {
	// Office: the list is the county office's desk (intake, dispatch,
	// checks, callbacks); otherwise a unit's inbox.
	Office             bool
	Unit, UnitName     string
	Received, Replied  []orderRow // the office's: to dispatch, to check
	Callback, Overdue  []orderRow // closed awaiting a callback; past a deadline
	Transferred, Doing []orderRow // a unit's: to claim, being handled
	Done               []orderRow
	Channels           []hotline.Channel
	Categories         []hotline.Category
	In                 orderForm
	Field              string
	// Year, Month and Quarter are today's, for the bulletin's links.
	Year, Month, Quarter int
}

// orderForm is the operator's intake form as typed.
type orderForm struct {
	Channel, Category, Name, Phone, Title, Content, Address, Publish, RepeatOf string
}

func readOrderForm(c *fiber.Ctx) orderForm {
	v := func(k string) string { return strings.Clone(c.FormValue(k)) }
	return orderForm{Channel: v("channel"), Category: v("category"), Name: v("caller_name"), Phone: v("caller_phone"), Title: v("title"),
		Content: v("content"), Address: v("address"), Publish: v("publish"), RepeatOf: v("repeat_of")}
}

// ownOrders sends a unit's staff who open the desk without naming a unit
// to their unit's inbox, instead of refusing them the county office's.
func (h handler) ownOrders(c *fiber.Ctx) error {
	if c.Query("unit") != "" {
		return c.Next()
	}
	m, err := h.current(c)
	if err != nil || m == nil || m.OrdersURL == "" || m.OrdersURL == "/admin/orders" {
		return c.Next()
	}
	return c.Redirect(m.OrdersURL, fiber.StatusSeeOther)
}

func (h handler) ordersPage(c *fiber.Ctx, m *me, in orderForm) (ordersPage, error) {
	ctx := c.UserContext()
	office, err := h.Requests.Office(ctx)
	if err != nil {
		return ordersPage{}, err
	}
	unit := strings.Clone(c.Query("unit"))
	p := ordersPage{Office: unit == "" || unit == office, Unit: unit, Channels: hotline.Channels, Categories: hotline.Categories, In: in}
	us, err := h.Units.FindUnits(ctx)
	if err != nil {
		return p, err
	}
	names := make(map[string]string, len(us))
	for _, u := range us {
		names[u.Code] = u.Name
	}
	p.UnitName = names[unit]
	today := h.now().In(catalog.Shanghai)
	p.Year, p.Month, p.Quarter = today.Year(), int(today.Month()), (int(today.Month())-1)/3+1
	// Every open order (an old one overdue most of all), the callbacks
	// waiting, and the latest closed.
	var os []hotline.Order
	for _, f := range []hotline.Filter{{Open: true}, {AwaitingCallback: true}, {State: hotline.Closed, Limit: 100}} {
		if !p.Office {
			f.Unit = unit
		}
		got, err := h.Hotline.Orders.FindOrders(ctx, f)
		if err != nil {
			return p, err
		}
		os = append(os, got...)
	}
	seen := map[string]bool{}
	now := h.now()
	for _, o := range os {
		if seen[o.Number] {
			continue
		}
		seen[o.Number] = true
		row := orderRow{O: o.Masked(), UnitName: names[o.UnitCode]}
		if od, late, err := o.OverdueAt(h.Hotline.Calendar, now); err == nil && late {
			row.Overdue = &od
			p.Overdue = append(p.Overdue, row)
		}
		switch o.State {
		case hotline.Received:
			p.Received = append(p.Received, row)
		case hotline.Transferred:
			p.Transferred = append(p.Transferred, row)
		case hotline.Handling:
			p.Doing = append(p.Doing, row)
		case hotline.Replied:
			p.Replied = append(p.Replied, row)
		case hotline.Closed:
			if o.Callback == "" || o.Callback == hotline.Unreachable {
				p.Callback = append(p.Callback, row)
			} else if len(p.Done) < 50 {
				p.Done = append(p.Done, row)
			}
		}
	}
	// What waits longest first.
	for _, l := range [][]orderRow{p.Received, p.Replied, p.Callback, p.Transferred, p.Doing} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].O.ReceivedAt.Before(l[j].O.ReceivedAt) })
	}
	return p, nil
}

func (h handler) handleOrders(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.ordersPage(c, m, orderForm{Channel: string(hotline.Phone), Category: string(hotline.Consult)})
	if err != nil {
		return err
	}
	flash := map[string]string{"created": "工单已受理。", "returned": "工单已退回县政府办重新派单。"}[c.Query("flash")]
	return render(c, 200, "orders.html", page{Title: "热线工单", Me: m, Flash: flash, Data: p})
}

// handleOrderCreate is the operator's 受理 of a call or letter.
func (h handler) handleOrderCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	in := readOrderForm(c)
	o := hotline.Order{Channel: hotline.Channel(in.Channel), Category: hotline.Category(in.Category), Caller: hotline.Caller{Name: in.Name, Phone: in.Phone},
		Title: in.Title, Content: in.Content, Address: in.Address, Publish: in.Publish == "1", RepeatOf: in.RepeatOf}
	if err := h.Hotline.Intake(c.UserContext(), &o, web.Actor(c)); err != nil {
		field, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		p, perr := h.ordersPage(c, m, in)
		if perr != nil {
			return perr
		}
		p.Field = field
		return render(c, fiber.StatusBadRequest, "orders.html", page{Title: "热线工单", Me: m, Error: msg, Data: p})
	}
	return c.Redirect("/admin/orders/"+o.Number+"?flash=created", fiber.StatusSeeOther)
}

type orderPage struct {
	O         hotline.Order
	UnitName  string
	Overdue   *hotline.Overdue
	Events    []hotline.Event
	Units     []catalog.Unit
	Knowledge []hotline.Entry
	Revealed  bool
	// What the viewer may do here; CanReveal: see the caller's phone.
	AsOffice, AsUnit, AsHead, CanReveal bool
	// Typed is what a refused step's form held, shown again; KQ the words
	// the knowledge base was searched with.
	Typed hotline.Step
	KQ    string
	// UnitNames name the units of the history.
	UnitNames map[string]string
	Rules     hotline.Rules
	Callbacks []hotline.Callback
	Files     []catalog.Attachment
}

func (h handler) orderPage(c *fiber.Ctx, m *me, number string, reveal bool) (orderPage, error) {
	ctx := c.UserContext()
	n, err := hotline.ParseNumber(number)
	if err != nil {
		return orderPage{}, err
	}
	o, err := h.Hotline.Orders.Find(ctx, n)
	if err != nil {
		return orderPage{}, err
	}
	office, err := h.Requests.Office(ctx)
	if err != nil {
		return orderPage{}, err
	}
	unit := o.UnitCode
	if unit == "" {
		unit = office
	}
	p := orderPage{O: *o, AsOffice: h.can(m, office, rbac.ObjOrder, rbac.ActWrite), AsUnit: o.UnitCode != "" && h.can(m, o.UnitCode, rbac.ObjOrder, rbac.ActWrite),
		AsHead:    o.UnitCode != "" && h.can(m, o.UnitCode, rbac.ObjOrder, rbac.ActPublish),
		Callbacks: []hotline.Callback{hotline.Satisfied, hotline.Basic, hotline.Unsatisfied, hotline.Unreachable}}
	// The unit's head, and the county office that calls callers back.
	p.CanReveal = h.can(m, unit, rbac.ObjOrder, rbac.ActPublish) || h.can(m, office, rbac.ObjOrder, rbac.ActWrite)
	if reveal {
		if !p.CanReveal {
			return p, catalog.Errorf(catalog.EFORBIDDEN, "查看来电人完整电话需本单位负责人或县政府办的权限")
		}
		if err := h.Record.Audit(ctx, web.Actor(c), unit, "order", "reveal", o.Number, "查看工单"+o.Number+"来电人电话"); err != nil {
			return p, err
		}
		p.Revealed = true
	} else {
		p.O = o.Masked()
	}
	if od, late, err := o.OverdueAt(h.Hotline.Calendar, h.now()); err == nil && late {
		p.Overdue = &od
	}
	if p.Events, err = h.Hotline.Orders.Events(ctx, n); err != nil {
		return p, err
	}
	if p.Units, err = h.Units.FindUnits(ctx); err != nil {
		return p, err
	}
	p.UnitNames = make(map[string]string, len(p.Units))
	for _, u := range p.Units {
		p.UnitNames[u.Code] = u.Name
		if u.Code == o.UnitCode {
			p.UnitName = u.FullName
		}
	}
	if p.Rules, err = h.Hotline.Orders.Rules(ctx); err != nil {
		return p, err
	}
	if p.Files, err = h.Hotline.Files.Files(ctx, n); err != nil {
		return p, err
	}
	if p.AsOffice && o.State == hotline.Received && h.Hotline.KnowledgeSearch != nil {
		p.KQ = strings.Clone(c.Query("kq"))
		q := p.KQ
		if q == "" {
			q = o.Title
		}
		if p.Knowledge, err = h.Hotline.KnowledgeSearch.Search(ctx, q, "", 10); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h handler) handleOrder(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p, err := h.orderPage(c, m, c.Params("number"), c.Query("reveal") == "1")
	if err != nil {
		return err
	}
	flash := map[string]string{"created": "工单已受理，编号 " + p.O.Number + "。", "done": "已办理。"}[c.Query("flash")]
	return render(c, 200, "order.html", page{Title: "工单 " + p.O.Number, Me: m, Flash: flash, Data: p})
}

// handleOrderStep takes one step of the loop from the order page's forms.
func (h handler) handleOrderStep(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	number := strings.Clone(c.Params("number"))
	st := hotline.Step{Action: strings.Clone(c.Params("action")), Unit: strings.Clone(c.FormValue("unit")), Text: c.FormValue("text"),
		Reason: c.FormValue("reason"), Untrue: c.FormValue("untrue") == "1", Withhold: c.FormValue("withhold") == "1", Result: hotline.Callback(c.FormValue("result"))}
	st.Days, _ = strconv.Atoi(c.FormValue("days"))
	st.KnowledgeID, _ = strconv.ParseInt(c.FormValue("knowledge_id"), 10, 64)
	st.AsUnit = rbac.UnitOf(c)
	version, _ := strconv.Atoi(c.FormValue("version"))
	o, err := h.Hotline.Step(c.UserContext(), number, st, version, web.Actor(c))
	if err != nil {
		_, msg, ok := fieldError(err)
		if !ok && catalog.ErrorCode(err) == catalog.ECONFLICT {
			msg, ok = catalog.ErrorMessage(err), true
		}
		if !ok {
			return err
		}
		p, perr := h.orderPage(c, m, number, false)
		if perr != nil {
			return perr
		}
		p.Typed = st // what was typed stays in its form
		return render(c, fiber.StatusBadRequest, "order.html", page{Title: "工单 " + number, Me: m, Error: msg, Data: p})
	}
	if st.Action == hotline.ActReturn && !h.can(m, o.UnitCode, rbac.ObjOrder, rbac.ActRead) {
		// Sent back: no longer the unit's to see; back to its inbox.
		return c.Redirect("/admin/orders?unit="+url.QueryEscape(h.unitOf(m))+"&flash=returned", fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/orders/"+number+"?flash=done", fiber.StatusSeeOther)
}

// unitOf is the unit a person's inbox is of (their first unit grant).
func (h handler) unitOf(m *me) string {
	for _, g := range m.Grants {
		if g.Unit != rbac.AllUnits {
			return g.Unit
		}
	}
	return ""
}

// handleOrderFile keeps an uploaded file with the order.
func (h handler) handleOrderFile(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	number := strings.Clone(c.Params("number"))
	err = catalog.Invalid("file", "请选择要上传的文件")
	if fh, ferr := c.FormFile("file"); ferr == nil {
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		_, err = h.Hotline.Attach(c.UserContext(), number, fh.Filename, f, fh.Size, web.Actor(c))
		f.Close()
	}
	if err != nil {
		_, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		p, perr := h.orderPage(c, m, number, false)
		if perr != nil {
			return perr
		}
		return render(c, fiber.StatusBadRequest, "order.html", page{Title: "工单 " + number, Me: m, Error: msg, Data: p})
	}
	return c.Redirect("/admin/orders/"+number+"?flash=done", fiber.StatusSeeOther)
}
