package admin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

// itemForm is the item editor's form, kept as typed.
type itemForm struct {
	catalog.Columns
	Reason  string
	Version int
}

func readItemForm(c *fiber.Ctx) itemForm {
	f := itemForm{Reason: c.FormValue("reason")}
	f.DomainCode, f.Level1, f.Level2, f.Level3 = c.FormValue("domain_code"), c.FormValue("level1"), c.FormValue("level2"), c.FormValue("level3")
	f.Content, f.Basis, f.TimeLimitText, f.Subject = c.FormValue("content"), c.FormValue("basis"), c.FormValue("time_limit"), c.FormValue("subject")
	f.ChannelOther = c.FormValue("channel_other")
	f.Duration, f.Office, f.Remark = c.FormValue("duration"), c.FormValue("office"), c.FormValue("remark")
	f.Channels = []string{}
	for _, ch := range catalog.Channels {
		if c.FormValue("ch_"+ch) == "on" {
			f.Channels = append(f.Channels, ch)
		}
	}
	on := func(k string) bool { return c.FormValue(k) == "on" }
	f.ToPublic, f.ToSpecific, f.Proactive, f.OnRequest, f.AtCounty, f.AtTownship = on("to_public"), on("to_specific"), on("proactive"), on("on_request"), on("at_county"), on("at_township")
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	return f
}

// itemEdit is the item editor page, new or existing.
type itemEdit struct {
	Unit     catalog.Unit
	Item     *catalog.Item // nil for a new one
	Form     itemForm
	Field    string
	Domains  []catalog.Domain
	Channels []string
}

// has tells the template whether a channel is ticked.
func (f itemForm) Has(ch string) bool {
	for _, x := range f.Channels {
		if x == ch {
			return true
		}
	}
	return false
}

func (h handler) itemEditor(c *fiber.Ctx, u catalog.Unit, it *catalog.Item, f itemForm, field string) (itemEdit, error) {
	ds, err := h.Units.FindDomains(c.UserContext())
	if err != nil {
		return itemEdit{}, err
	}
	return itemEdit{Unit: u, Item: it, Form: f, Field: field, Domains: ds, Channels: catalog.Channels}, nil
}

func (h handler) handleItemNew(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	var f itemForm
	f.ApplyDefaults(*u)
	f.TimeLimitText = ""
	ed, err := h.itemEditor(c, *u, nil, f, "")
	if err != nil {
		return err
	}
	return render(c, 200, "item_edit.html", page{Title: "新增目录事项", Me: m, Data: ed})
}

func (h handler) handleItemCreate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	f := readItemForm(c)
	cols := f.Columns
	cols.ApplyDefaults(*u)
	it := catalog.Item{UnitCode: u.Code, Columns: cols}
	if err := h.Items.CreateItem(c.UserContext(), &it, web.Actor(c)); err != nil {
		field, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		ed, err := h.itemEditor(c, *u, nil, f, field)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusBadRequest, "item_edit.html", page{Title: "新增目录事项", Me: m, Error: msg, Data: ed})
	}
	return c.Redirect(fmt.Sprintf("/admin/items/%d?flash=item_created", it.ID), fiber.StatusSeeOther)
}

// itemShow is an item with its editor, history and publications.
type itemShow struct {
	Edit     itemEdit
	Item     catalog.Item
	Fresh    catalog.Freshness
	History  []catalog.ItemVersion
	Pubs     []catalog.Publication
	CanWrite bool
}

func (h handler) itemPage(c *fiber.Ctx, m *me, id int64, f *itemForm, field string) (itemShow, error) {
	ctx := c.UserContext()
	it, err := h.Items.FindItem(ctx, id)
	if err != nil {
		return itemShow{}, err
	}
	u, err := h.Units.FindUnit(ctx, it.UnitCode)
	if err != nil {
		return itemShow{}, err
	}
	hist, err := h.Items.ItemHistory(ctx, id)
	if err != nil {
		return itemShow{}, err
	}
	pubs, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{ItemID: id, Statuses: catalog.Statuses, Limit: 100})
	if err != nil {
		return itemShow{}, err
	}
	form := itemForm{Columns: it.Columns, Version: it.Version}
	if f != nil {
		form = *f
	}
	ed, err := h.itemEditor(c, *u, it, form, field)
	if err != nil {
		return itemShow{}, err
	}
	return itemShow{Edit: ed, Item: *it, Fresh: it.FreshnessAt(h.now()), History: hist, Pubs: pubs,
		CanWrite: it.Status == catalog.ItemActive && h.can(m, it.UnitCode, rbac.ObjCatalog, rbac.ActWrite)}, nil
}

var itemFlashes = map[string]string{"item_created": "事项已新增。", "item_saved": "事项已修改，原版本保留在历史中。", "item_retired": "事项已撤销，历史保留。"}

func (h handler) handleItemShow(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	is, err := h.itemPage(c, m, id, nil, "")
	if err != nil {
		return err
	}
	var logins []string
	for _, v := range is.History {
		logins = append(logins, v.ChangedBy)
	}
	return render(c, 200, "item_show.html", page{Title: is.Item.Level2, Me: m, Flash: itemFlashes[c.Query("flash")], Data: is, Names: h.names(c.UserContext(), logins...)})
}

func (h handler) itemRefused(c *fiber.Ctx, m *me, id int64, err error, f *itemForm) error {
	field, msg, ok := fieldError(err)
	if !ok {
		return err
	}
	is, err2 := h.itemPage(c, m, id, f, field)
	if err2 != nil {
		return err2
	}
	status := fiber.StatusBadRequest
	if catalog.ErrorCode(err) == catalog.ECONFLICT {
		status = fiber.StatusConflict
		if f != nil {
			msg += "。页面上方是当前版本，下方表单保留了您填写的内容，请对照后重新保存。"
			is.Edit.Form.Version = is.Item.Version
		}
	}
	return render(c, status, "item_show.html", page{Title: is.Item.Level2, Me: m, Error: msg, Data: is})
}

func (h handler) handleItemUpdate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	old, err := h.Items.FindItem(c.UserContext(), id)
	if err != nil {
		return err
	}
	u, err := h.Units.FindUnit(c.UserContext(), old.UnitCode)
	if err != nil {
		return err
	}
	f := readItemForm(c)
	cols := f.Columns
	cols.ApplyDefaults(*u)
	it := catalog.Item{ID: id, UnitCode: old.UnitCode, TemplateID: old.TemplateID, Columns: cols, SortOrder: old.SortOrder, Version: f.Version}
	if err := h.Items.UpdateItem(c.UserContext(), &it, strings.TrimSpace(f.Reason), web.Actor(c)); err != nil {
		return h.itemRefused(c, m, id, err, &f)
	}
	return c.Redirect(fmt.Sprintf("/admin/items/%d?flash=item_saved", id), fiber.StatusSeeOther)
}

func (h handler) handleItemRetire(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	if err := h.Items.RetireItem(c.UserContext(), id, strings.TrimSpace(c.FormValue("reason")), web.Actor(c)); err != nil {
		return h.itemRefused(c, m, id, err, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/items/%d?flash=item_retired", id), fiber.StatusSeeOther)
}
