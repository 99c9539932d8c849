// Package open311 is the hotline's open interface: GeoReport v2 (Open311)
// JSON endpoints under /open311/v2, so that a call-centre system or the
// provincial 12345 platform can push work orders and pull their status.
// Service types are the orders' categories; a posted request becomes an
// order of the channel its API key was issued for (gongkai apikey add),
// which the key alone reads back;
// our states map onto open/closed, with status_notes saying where it
// stands. Errors are GeoReport's: a JSON array of {code, description}.
//
// It imports hotline, catalog and Fiber; no store, no SQL.
package open311

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/weberr"
)

// Deps are the services the interface calls.
type Deps struct {
	Hotline *hotline.Desk
	Keys    hotline.KeyStore
	// Units names the agency responsible for an order.
	Units interface {
		FindUnit(ctx context.Context, code string) (*catalog.Unit, error)
	}
}

type handlers struct{ Deps }

// Mount adds the interface to r (mounted at /open311/v2).
func Mount(r fiber.Router, d Deps) {
	h := &handlers{d}
	r.Get("/services.json", h.handleServices)
	r.Get("/requests.json", h.handleRequests)
	r.Post("/requests.json", h.handleCreate)
	r.Get("/requests/:id.json", h.handleRequest)
}

// PublicWrites: posting a request needs an API key, checked by the
// handler (GeoReport puts it in the body), not a session.
var PublicWrites = []string{"POST /open311/v2/requests.json"}

// Service is a GeoReport service type.
type Service struct {
	Code        string `json:"service_code"`
	Name        string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

// Request is a GeoReport service request: an order as the interface
// shows it.
type Request struct {
	ID                string  `json:"service_request_id"`
	Status            string  `json:"status"`
	StatusNotes       string  `json:"status_notes"`
	ServiceName       string  `json:"service_name"`
	ServiceCode       string  `json:"service_code"`
	Description       string  `json:"description"`
	AgencyResponsible string  `json:"agency_responsible"`
	ServiceNotice     string  `json:"service_notice"`
	Requested         string  `json:"requested_datetime"`
	Updated           string  `json:"updated_datetime"`
	Expected          string  `json:"expected_datetime"`
	Address           string  `json:"address"`
	Lat               *string `json:"lat"`
	Long              *string `json:"long"`
	MediaURL          string  `json:"media_url"`
}

// fail answers a GeoReport error.
func fail(c *fiber.Ctx, err error) error {
	p := weberr.Classify(err)
	if p.Status >= 500 {
		return err // the server's own handler logs it and says 系统内部错误
	}
	desc := p.Message
	if p.Field != "" {
		desc = p.Field + ": " + desc
	}
	return c.Status(p.Status).JSON([]fiber.Map{{"code": p.Status, "description": desc}})
}

func (h *handlers) handleServices(c *fiber.Ctx) error {
	out := make([]Service, 0, len(hotline.Categories))
	for _, cat := range hotline.Categories {
		out = append(out, Service{Code: string(cat), Name: cat.Name(), Description: "12345政府服务热线" + cat.Name() + "类诉求", Type: "realtime",
			Keywords: cat.Name(), Group: "12345"})
	}
	return c.JSON(out)
}

// key is the live API key a request carries (api_key in the query or the
// body), nil when it carries none; EFORBIDDEN for a wrong one.
func (h *handlers) key(c *fiber.Ctx, required bool) (*hotline.APIKey, error) {
	secret := c.Query("api_key")
	if secret == "" {
		secret = c.FormValue("api_key")
	}
	if secret == "" {
		if required {
			return nil, catalog.Errorf(catalog.EFORBIDDEN, "api_key is required: 提交工单需要接口密钥")
		}
		return nil, nil
	}
	k, err := h.Keys.KeyOf(c.UserContext(), secret)
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		return nil, catalog.Errorf(catalog.EFORBIDDEN, "api_key 无效或已吊销")
	}
	return k, err
}

func (h *handlers) handleCreate(c *fiber.Ctx) error {
	in := map[string]string{}
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationJSON) {
		var raw map[string]any
		if err := json.Unmarshal(c.Body(), &raw); err != nil {
			return fail(c, catalog.Invalid("body", "JSON 无法解析：%v", err))
		}
		for k, v := range raw { // GeoReport's lat and long come as numbers
			switch v := v.(type) {
			case string:
				in[k] = v
			case float64, bool:
				in[k] = fmt.Sprint(v)
			}
		}
	} else {
		c.Request().PostArgs().VisitAll(func(k, v []byte) { in[string(k)] = string(v) })
	}
	if in["api_key"] != "" {
		c.Request().URI().QueryArgs().Set("api_key", in["api_key"])
	}
	k, err := h.key(c, true)
	if err != nil {
		return fail(c, err)
	}
	desc := strings.TrimSpace(in["description"])
	if desc == "" {
		return fail(c, catalog.Invalid("description", "请填写 description（诉求内容）"))
	}
	title := strings.TrimSpace(in["attribute[title]"])
	if title == "" {
		title = desc
		if rs := []rune(title); len(rs) > 30 {
			title = string(rs[:30]) + "…"
		}
		title = strings.Join(strings.Fields(title), " ")
	}
	o := hotline.Order{Channel: k.Channel, Category: hotline.Category(in["service_code"]), Title: title, Content: desc,
		Caller:  hotline.Caller{Name: strings.TrimSpace(in["last_name"] + in["first_name"]), Phone: in["phone"]},
		Address: in["address_string"], Publish: in["attribute[publish]"] == "true", Via: via(k)}
	if o.Category.Name() == "" {
		return fail(c, catalog.Invalid("service_code", "未知的 service_code“%s”，可选的见 services.json", in["service_code"]))
	}
	if !utf8.ValidString(desc) {
		return fail(c, catalog.Invalid("description", "description is not UTF-8"))
	}
	if err := h.Hotline.Intake(c.UserContext(), &o, catalog.Actor{Username: "apikey:" + k.Name, IP: c.IP()}); err != nil {
		return fail(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON([]fiber.Map{{"service_request_id": o.Number, "service_notice": "已受理，请凭编号查询办理情况", "account_id": nil}})
}

// via is what orders a key posts are marked with.
func via(k *hotline.APIKey) string { return "apikey:" + k.Name }

// visible tells whether the caller of the interface may read an order: a
// key reads the orders it posted, anyone those published.
func visible(k *hotline.APIKey, o *hotline.Order) bool {
	return (k != nil && o.Via == via(k)) || (o.Publish && o.State == hotline.Closed && o.Reply != "")
}

func (h *handlers) handleRequest(c *fiber.Ctx) error {
	k, err := h.key(c, false)
	if err != nil {
		return fail(c, err)
	}
	n, err := hotline.ParseNumber(strings.TrimSuffix(c.Params("id"), ".json"))
	if err != nil {
		return fail(c, err)
	}
	o, err := h.Hotline.Orders.Find(c.UserContext(), n)
	if err == nil && !visible(k, o) {
		err = catalog.Errorf(catalog.ENOTFOUND, "没有编号为“%s”的工单", n)
	}
	if err != nil {
		return fail(c, err)
	}
	return c.JSON([]Request{h.view(c.UserContext(), o)})
}

func (h *handlers) handleRequests(c *fiber.Ctx) error {
	k, err := h.key(c, false)
	if err != nil {
		return fail(c, err)
	}
	f := hotline.Filter{Limit: 1000}
	if ids := c.Query("service_request_id"); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			n, err := hotline.ParseNumber(id)
			if err != nil {
				return fail(c, err)
			}
			f.Numbers = append(f.Numbers, n)
		}
		if len(f.Numbers) > 100 {
			return fail(c, catalog.Invalid("service_request_id", "at most 100 ids at once"))
		}
	} else {
		// GeoReport's default: the last 90 days, bounded by the dates given.
		f.ReceivedFrom, f.ReceivedTo = time.Now().AddDate(0, 0, -90), time.Now().Add(time.Minute)
		for name, t := range map[string]*time.Time{"start_date": &f.ReceivedFrom, "end_date": &f.ReceivedTo} {
			if v := c.Query(name); v != "" {
				d, err := time.Parse(time.RFC3339, v)
				if err != nil {
					return fail(c, catalog.Invalid(name, "%s must be W3C (RFC 3339), e.g. 2026-12-01T00:00:00+08:00", name))
				}
				*t = d
			}
		}
	}
	status := c.Query("status")
	if status != "" && status != "open" && status != "closed" {
		return fail(c, catalog.Invalid("status", "status is open or closed"))
	}
	code := c.Query("service_code")
	if k == nil {
		f.Public = true // without a key, only what is published is read at all
	} else {
		f.Via = via(k) // a key, what it posted
	}
	os, err := h.Hotline.Orders.FindOrders(c.UserContext(), f)
	if err != nil {
		return fail(c, err)
	}
	out := []Request{}
	for i := range os {
		o := &os[i]
		if !visible(k, o) || (code != "" && string(o.Category) != code) || (status != "" && openOrClosed(o) != status) {
			continue
		}
		out = append(out, h.view(c.UserContext(), o))
	}
	return c.JSON(out)
}

func openOrClosed(o *hotline.Order) string {
	if o.State == hotline.Closed {
		return "closed"
	}
	return "open"
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(catalog.Shanghai).Format(time.RFC3339)
}

// view is an order as the interface shows it: the message as the public
// reads it (Order.Public), no caller's data, no address.
func (h *handlers) view(ctx context.Context, o *hotline.Order) Request {
	p := o.Public()
	r := Request{ID: o.Number, Status: openOrClosed(o), ServiceName: o.Category.Name(), ServiceCode: string(o.Category), Description: p.Content,
		Requested: stamp(&o.ReceivedAt)}
	notes := o.State.Name()
	if o.UnitCode != "" {
		r.AgencyResponsible = o.UnitCode
		if u, err := h.Units.FindUnit(ctx, o.UnitCode); err == nil {
			r.AgencyResponsible = u.FullName
		}
	}
	switch o.State {
	case hotline.Transferred:
		notes += "：已转交" + r.AgencyResponsible
	case hotline.Closed:
		if o.Reply != "" {
			notes += "。答复：" + p.Reply
		}
		if o.Callback != "" {
			notes += "（回访：" + o.Callback.Name() + "）"
		}
	}
	r.StatusNotes = notes
	updated := o.ReceivedAt
	for _, t := range []*time.Time{o.TransferredAt, o.ClaimedAt, o.RepliedAt, o.ClosedAt, o.CallbackAt} {
		if t != nil && t.After(updated) {
			updated = *t
		}
	}
	r.Updated = stamp(&updated)
	if o.State == hotline.Handling {
		r.Expected = stamp(o.Due)
	} else if o.State == hotline.Transferred {
		r.Expected = stamp(o.ClaimDue)
	}
	return r
}
