package rbac

import (
	"context"
	"reflect"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
)

// Principal is the signed-in user as the middleware sees it.
type Principal struct {
	ID       int64
	Username string
}

const principalKey = "gongkai.principal"
const unitKey = "gongkai.unit"

// SetPrincipal records the signed-in user on the request (done by the session
// middleware).
func SetPrincipal(c *fiber.Ctx, p Principal) { c.Locals(principalKey, p) }

// PrincipalOf returns the signed-in user of the request, if any.
func PrincipalOf(c *fiber.Ctx) (Principal, bool) {
	p, ok := c.Locals(principalKey).(Principal)
	return p, ok
}

// UnitOf returns the unit the authorisation was checked for.
func UnitOf(c *fiber.Ctx) string {
	s, _ := c.Locals(unitKey).(string)
	return s
}

// UnitFrom finds the unit a request acts in: from the route, or by looking up
// the resource the route names. It returns a coded error (ENOTFOUND…) when the
// resource does not exist.
type UnitFrom func(c *fiber.Ctx) (string, error)

// Param takes the unit code from a route parameter.
func Param(name string) UnitFrom {
	return func(c *fiber.Ctx) (string, error) { return c.Params(name), nil }
}

// County is for objects that belong to no single unit (the calendar, the
// accounts): only county-wide roles pass.
func County() UnitFrom {
	return func(*fiber.Ctx) (string, error) { return AllUnits, nil }
}

// Require returns the middleware that lets the request through only when the
// signed-in user may do act on obj in the unit the route names: 401 when no
// one is signed in, 403 when the role does not allow it.
//
// It is kept out of line so that every handler it returns shares one code
// pointer, which IsRequire relies on.
//
//go:noinline
func (en *Enforcer) Require(obj Object, act Action, from UnitFrom) fiber.Handler {
	return func(c *fiber.Ctx) error { return en.check(c, obj, act, from) }
}

func (en *Enforcer) check(c *fiber.Ctx, obj Object, act Action, from UnitFrom) error {
	p, ok := PrincipalOf(c)
	if !ok {
		return catalog.Errorf(catalog.EUNAUTH, "请先登录")
	}
	unit, err := from(c)
	if err != nil {
		return err
	}
	allowed, err := en.Allow(p.ID, unit, obj, act)
	if err != nil {
		return err
	}
	if !allowed {
		return catalog.Errorf(catalog.EFORBIDDEN, "无权执行此操作：您的账号不能在该单位%s%s", actName(act), objName(obj))
	}
	c.Locals(unitKey, unit)
	return c.Next()
}

func actName(a Action) string {
	switch a {
	case ActRead:
		return "查看"
	case ActPublish:
		return "审核发布"
	case ActTakedown:
		return "撤下"
	case ActReveal:
		return "查看完整个人信息："
	}
	return "修改"
}

func objName(o Object) string {
	switch o {
	case ObjUnit:
		return "单位信息"
	case ObjCatalog:
		return "目录事项"
	case ObjPublication:
		return "公开信息"
	case ObjCalendar:
		return "节假日安排"
	case ObjAccount:
		return "账号"
	case ObjAudit:
		return "审计记录"
	case ObjKiosk:
		return "查阅点与搜索设置"
	case ObjRequest:
		return "依申请公开"
	case ObjInspection:
		return "测评结果"
	case ObjOrder:
		return "热线工单"
	case ObjRole:
		return "角色授权"
	}
	return string(o)
}

// ActionFrom finds the action a request needs when it depends on the
// resource (a workflow step needs a different right in each state).
type ActionFrom func(c *fiber.Ctx) (Action, error)

// RequireFunc is Require with the action found per request.
//
//go:noinline
func (en *Enforcer) RequireFunc(obj Object, actFrom ActionFrom, from UnitFrom) fiber.Handler {
	return func(c *fiber.Ctx) error {
		act, err := actFrom(c)
		if err != nil {
			return err
		}
		return en.check(c, obj, act, from)
	}
}

var (
	requirePC     = reflect.ValueOf((&Enforcer{}).Require("", "", nil)).Pointer()
	requireFuncPC = reflect.ValueOf((&Enforcer{}).RequireFunc("", nil, nil)).Pointer()
)

// IsRequire tells whether a route handler is an authorisation check made by
// Require or RequireFunc; the route-table test uses it to find unguarded writes.
func IsRequire(h fiber.Handler) bool {
	if h == nil {
		return false
	}
	pc := reflect.ValueOf(h).Pointer()
	return pc == requirePC || pc == requireFuncPC
}

// Query takes the unit code from a query parameter; without one the request
// acts county-wide and only county-wide roles pass.
func Query(name string) UnitFrom {
	return func(c *fiber.Ctx) (string, error) {
		if v := c.Query(name); v != "" {
			return v, nil
		}
		return AllUnits, nil
	}
}

// ByID finds the unit of the record the route's :id names through lookup;
// an id that is not a number, or no record, answers ENOTFOUND.
func ByID(lookup func(ctx context.Context, id int64) (string, error)) UnitFrom {
	return func(c *fiber.Ctx) (string, error) {
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil || id <= 0 {
			return "", catalog.Errorf(catalog.ENOTFOUND, "编号“%s”不存在", c.Params("id"))
		}
		return lookup(c.UserContext(), id)
	}
}

// MaxBatch is how many records one batch request may name.
const MaxBatch = 100

// ByIDs finds the unit of the records a batch request names (ids reads
// them from the body): their one unit, or the whole county when they span
// several (or name none that exists), where only county-wide roles pass.
// No ids, or more than MaxBatch, answers EINVALID.
func ByIDs(ids func(c *fiber.Ctx) ([]int64, error), lookup func(ctx context.Context, id int64) (string, error)) UnitFrom {
	return func(c *fiber.Ctx) (string, error) {
		list, err := ids(c)
		if err != nil {
			return "", err
		}
		if len(list) == 0 {
			return "", catalog.Invalid("ids", "请至少选择一条")
		}
		if len(list) > MaxBatch {
			return "", catalog.Invalid("ids", "一次最多处理%d条，现选了%d条", MaxBatch, len(list))
		}
		// An id that names nothing is left to the handler, which answers
		// it as not found among the others.
		unit := ""
		for _, id := range list {
			u, err := lookup(c.UserContext(), id)
			if catalog.ErrorCode(err) == catalog.ENOTFOUND {
				continue
			}
			if err != nil {
				return "", err
			}
			if unit != "" && u != unit {
				return AllUnits, nil
			}
			unit = u
		}
		if unit == "" {
			return AllUnits, nil
		}
		return unit, nil
	}
}

// StepRight is the action a workflow step (the route's :action) needs on the
// publication its :id names, by its cell of catalog.Workflow; a step not
// open in the publication's state needs the right to write, so the unit's
// own staff learn it is the state (409) and others get 403.
func StepRight(status func(ctx context.Context, id int64) (catalog.PubStatus, error)) ActionFrom {
	return func(c *fiber.Ctx) (Action, error) {
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil || id <= 0 {
			return "", catalog.Errorf(catalog.ENOTFOUND, "编号“%s”不存在", c.Params("id"))
		}
		st, err := status(c.UserContext(), id)
		if err != nil {
			return "", err
		}
		if t, ok := catalog.FindTransition(st, catalog.PubAction(c.Params("action"))); ok {
			return ForRight(t.Right), nil
		}
		return ActWrite, nil
	}
}
