package web

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/rbac"
)

// OrderUnits find the unit whose right a hotline route needs, for rbac's
// Require: the API and the back office mount them alike. The county
// office (Office) follows every unit's orders; a unit, its own.
type OrderUnits struct {
	Authz  *rbac.Enforcer
	Office func(ctx context.Context) (string, error)
	Desk   *hotline.Desk
}

// officeReads tells whether the signed-in person reads orders at the
// county office, and names it.
func (u OrderUnits) officeReads(c *fiber.Ctx) (string, bool, error) {
	office, err := u.Office(c.UserContext())
	if err != nil {
		return "", false, err
	}
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return office, false, nil
	}
	yes, _ := u.Authz.Allow(p.ID, office, rbac.ObjOrder, rbac.ActRead)
	return office, yes, nil
}

// OrderUnit is the unit an order is at: its handling unit, or the county
// office while it has none.
func (u OrderUnits) OrderUnit(c *fiber.Ctx, number string) (string, error) {
	n, err := hotline.ParseNumber(number)
	if err != nil {
		return "", err
	}
	o, err := u.Desk.Orders.Find(c.UserContext(), n)
	if err != nil {
		return "", err
	}
	if o.UnitCode != "" {
		return o.UnitCode, nil
	}
	return u.Office(c.UserContext())
}

// List is the unit a list is of (?unit=): the one asked, or the county
// office's desk; the office for its own staff whatever unit is asked.
func (u OrderUnits) List(c *fiber.Ctx) (string, error) {
	office, reads, err := u.officeReads(c)
	if err != nil || reads || c.Query("unit") == "" {
		return office, err
	}
	return c.Query("unit"), nil
}

// Read is the unit whose right reading the route's :number needs.
func (u OrderUnits) Read(c *fiber.Ctx) (string, error) { return u.ReadOf(c, c.Params("number")) }

// ReadOf is Read for an order named otherwise.
func (u OrderUnits) ReadOf(c *fiber.Ctx, number string) (string, error) {
	office, reads, err := u.officeReads(c)
	if err != nil || reads {
		return office, err
	}
	return u.OrderUnit(c, number)
}

// Action is the unit whose right the route's :action needs: the handling
// unit's for claiming, sending back and replying (hotline.ByUnit), the
// county office's for the rest.
func (u OrderUnits) Action(c *fiber.Ctx) (string, error) {
	if hotline.ByUnit(c.Params("action")) {
		return u.OrderUnit(c, c.Params("number"))
	}
	return u.Office(c.UserContext())
}

// File is the unit whose right reading the order file :id needs: as for
// its order.
func (u OrderUnits) File(c *fiber.Ctx) (string, error) {
	id, err := ParamID(c, "id")
	if err != nil {
		return "", err
	}
	_, number, err := u.Desk.Files.File(c.UserContext(), id)
	if err != nil {
		return "", err
	}
	return u.ReadOf(c, number)
}

// Entry is the unit whose staff keep the knowledge-base entry :id: its
// unit's, or the county office's for the county's own.
func (u OrderUnits) Entry(c *fiber.Ctx) (string, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return "", catalog.Errorf(catalog.ENOTFOUND, "知识库没有这一条")
	}
	e, err := u.Desk.Knowledge.FindEntry(c.UserContext(), id)
	if err != nil {
		return "", err
	}
	if e.UnitCode == "" {
		return u.Office(c.UserContext())
	}
	return e.UnitCode, nil
}

// OrderStepRight is the right an order's step (:action) needs: a reply
// goes out under the unit head's (the publish right), the rest the right
// to write.
func OrderStepRight(c *fiber.Ctx) (rbac.Action, error) {
	if hotline.ByHead(c.Params("action")) {
		return rbac.ActPublish, nil
	}
	return rbac.ActWrite, nil
}
