package api

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/hotline"
	"gongkai/rbac"
	"gongkai/web"
)

// orderInput is the JSON of a message: the operator's intake form and the
// resident's (who gives no channel).
type orderInput struct {
	Channel     string `json:"channel"`
	Category    string `json:"category"`
	CallerName  string `json:"caller_name"`
	CallerPhone string `json:"caller_phone"`
	Title       string `json:"title"`
	Content     string `json:"content"`
	Address     string `json:"address"`
	Publish     bool   `json:"publish"`
	RepeatOf    string `json:"repeat_of"`
	SubmitKey   string `json:"submit_key"`
}

func (in orderInput) order() hotline.Order {
	return hotline.Order{Channel: hotline.Channel(in.Channel), Category: hotline.Category(in.Category),
		Caller: hotline.Caller{Name: in.CallerName, Phone: in.CallerPhone}, Title: in.Title, Content: in.Content, Address: in.Address,
		Publish: in.Publish, RepeatOf: in.RepeatOf, SubmitKey: in.SubmitKey}
}

// orderView is an order as staff read it: the caller's phone masked
// unless revealed (each reveal audited), with the names of its codes and
// whether it waits past a deadline.
type orderView struct {
	hotline.Order
	ChannelName  string          `json:"channel_name"`
	CategoryName string          `json:"category_name"`
	StateName    string          `json:"state_name"`
	Overdue      *overdueView    `json:"overdue,omitempty"`
	Events       []hotline.Event `json:"events,omitempty"`
	// Files are its attachments (GET /api/v1/order-files/{id}).
	Files []catalog.Attachment `json:"files,omitempty"`
}

type overdueView struct {
	What string `json:"what"` // claim or reply
	Due  string `json:"due"`
	Days int    `json:"working_days"`
}

func (s *handlers) viewOrder(o *hotline.Order, reveal bool) orderView {
	v := orderView{Order: *o, ChannelName: o.Channel.Name(), CategoryName: o.Category.Name(), StateName: o.State.Name()}
	if !reveal {
		v.Order = o.Masked()
	}
	if od, late, err := o.OverdueAt(s.Calendar, time.Now()); err == nil && late {
		what := "reply"
		if od.Claim {
			what = "claim"
		}
		v.Overdue = &overdueView{What: what, Due: od.Due.Format("2006-01-02"), Days: od.Days}
	}
	return v
}

// orders are the units the hotline's routes check their rights in.
func (s *handlers) orders() web.OrderUnits {
	return web.OrderUnits{Authz: s.Authz, Office: s.RequestDesk.Office, Desk: s.Hotline}
}

// handleOrderCreate is POST /api/v1/orders: the operator records a call,
// letter or message (受理).
func (s *handlers) handleOrderCreate(c *fiber.Ctx) error {
	var in orderInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	o := in.order()
	o.SubmitKey = ""
	if err := s.Hotline.Intake(c.UserContext(), &o, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.viewOrder(&o, false))
}

// handleOrderIndex is GET /api/v1/orders?unit=&state=&open=1, newest
// first, at most 500.
func (s *handlers) handleOrderIndex(c *fiber.Ctx) error {
	f := hotline.Filter{Unit: c.Query("unit"), State: hotline.State(c.Query("state")), Open: c.Query("open") == "1", Limit: 500}
	if f.State != "" && f.State.Name() == "" {
		return catalog.Invalid("state", "未知的工单状态：%s（可选 received、transferred、handling、replied、closed）", f.State)
	}
	// Without a unit, the county office's view: every unit's (the route
	// checked its right at the office).
	os, err := s.Hotline.Orders.FindOrders(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]orderView, len(os))
	for i := range os {
		out[i] = s.viewOrder(&os[i], false)
	}
	return c.JSON(out)
}

// handleOrderShow is GET /api/v1/orders/{number}, with its history;
// ?reveal=1 shows the caller's full phone to those who call them (the
// unit's head, the county office's staff), audited.
func (s *handlers) handleOrderShow(c *fiber.Ctx) error {
	number, err := hotline.ParseNumber(c.Params("number"))
	if err != nil {
		return err
	}
	o, err := s.Hotline.Orders.Find(c.UserContext(), number)
	if err != nil {
		return err
	}
	reveal := false
	if c.Query("reveal") == "1" {
		unit, err := s.orders().OrderUnit(c, number)
		if err != nil {
			return err
		}
		office, err := s.RequestDesk.Office(c.UserContext())
		if err != nil {
			return err
		}
		// The unit's head, and the county office that calls callers back.
		by := web.Actor(c)
		head, _ := s.Authz.Allow(by.UserID, unit, rbac.ObjOrder, rbac.ActPublish)
		desk, _ := s.Authz.Allow(by.UserID, office, rbac.ObjOrder, rbac.ActWrite)
		if !head && !desk {
			return catalog.Errorf(catalog.EFORBIDDEN, "查看来电人完整电话需本单位负责人或县政府办的权限")
		}
		if err := s.Audit.Audit(c.UserContext(), by, unit, "order", "reveal", o.Number, "查看工单"+o.Number+"来电人电话"); err != nil {
			return err
		}
		reveal = true
	}
	v := s.viewOrder(o, reveal)
	if v.Events, err = s.Hotline.Orders.Events(c.UserContext(), number); err != nil {
		return err
	}
	if v.Files, err = s.Hotline.Files.Files(c.UserContext(), number); err != nil {
		return err
	}
	return c.JSON(v)
}

// handleOrderStep is POST /api/v1/orders/{number}/{action}.
func (s *handlers) handleOrderStep(c *fiber.Ctx) error {
	var in struct {
		hotline.Step
		Version int `json:"version"`
	}
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	in.Step.Action = strings.Clone(c.Params("action"))
	in.Step.AsUnit = rbac.UnitOf(c)
	o, err := s.Hotline.Step(c.UserContext(), c.Params("number"), in.Step, in.Version, web.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(s.viewOrder(o, false))
}

// period reads year with quarter or month into [from, to).
func period(c *fiber.Ctx) (time.Time, time.Time, error) {
	year, err := strconv.Atoi(c.Query("year"))
	if err != nil || year < 2000 || year > 2100 {
		return time.Time{}, time.Time{}, catalog.Invalid("year", "请给出年份，如 year=2026")
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, catalog.Shanghai)
	to := from.AddDate(1, 0, 0)
	if q := c.Query("quarter"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			return time.Time{}, time.Time{}, catalog.Invalid("quarter", "季度应为1至4")
		}
		from = from.AddDate(0, 3*(n-1), 0)
		to = from.AddDate(0, 3, 0)
	} else if m := c.Query("month"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 12 {
			return time.Time{}, time.Time{}, catalog.Invalid("month", "月份应为1至12")
		}
		from = from.AddDate(0, n-1, 0)
		to = from.AddDate(0, 1, 0)
	}
	return from, to, nil
}

// handleHotlineRates is GET /api/v1/hotline/rates?year=&quarter=&month=&unit=.
func (s *handlers) handleHotlineRates(c *fiber.Ctx) error {
	from, to, err := period(c)
	if err != nil {
		return err
	}
	rep, err := s.Hotline.Rates(c.UserContext(), c.Query("unit"), from, to)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// handleHotlineRules is GET /api/v1/hotline/rules.
func (s *handlers) handleHotlineRules(c *fiber.Ctx) error {
	r, err := s.Hotline.Orders.Rules(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// handleHotlineRulesUpdate is PUT /api/v1/hotline/rules.
func (s *handlers) handleHotlineRulesUpdate(c *fiber.Ctx) error {
	var r hotline.Rules
	if err := web.DecodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.Hotline.Orders.SaveRules(c.UserContext(), r, web.Actor(c)); err != nil {
		return err
	}
	return c.JSON(r)
}

// messageReceipt is what a resident who left a message is given.
type messageReceipt struct {
	Number     string `json:"number"`
	ReceivedAt string `json:"received_at"`
	// FollowURL is the message's follow-up page, with its unguessable
	// token (the receipt's QR code carries it).
	FollowURL string `json:"follow_url"`
}

// handleMessageCreate is POST /api/v1/messages: a resident's message
// online (政民互动), the kiosk's form's service.
func (s *handlers) handleMessageCreate(c *fiber.Ctx) error {
	var in orderInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Channel != "" {
		return catalog.Invalid("channel", "留言由系统记录来源渠道")
	}
	o := in.order()
	if err := s.Hotline.Leave(c.UserContext(), &o, hotline.Online, c.IP()); err != nil {
		if catalog.ErrorCode(err) == catalog.ERATELIMIT {
			c.Set(fiber.HeaderRetryAfter, "3600")
		}
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(messageReceipt{Number: o.Number, ReceivedAt: o.ReceivedAt.In(catalog.Shanghai).Format(time.RFC3339),
		FollowURL: "/kiosk/messages/" + o.Number + "?t=" + o.Token})
}

// handleMessageStatus is GET /api/v1/messages/status?number=&token= (or
// &t=, as the follow-up address has it, or &phone4=): where the caller's
// message stands, as the public sees it.
func (s *handlers) handleMessageStatus(c *fiber.Ctx) error {
	token := c.Query("token")
	if token == "" {
		token = c.Query("t")
	}
	o, err := s.Hotline.FindByProof(c.UserContext(), c.Query("number"), token, c.Query("phone4"), c.IP())
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ERATELIMIT {
			c.Set(fiber.HeaderRetryAfter, "60")
		}
		return err
	}
	p := o.Public()
	if o.State != hotline.Closed {
		p.Reply, p.RepliedAt = "", nil // a reply the county office has not checked yet
	}
	return c.JSON(publicMessageOf(&p, o.State))
}

// handleMessageIndex is GET /api/v1/messages?unit=: answered messages
// whose callers agreed to publish them, personal data masked.
func (s *handlers) handleMessageIndex(c *fiber.Ctx) error {
	os, err := s.Hotline.Published(c.UserContext(), c.Query("unit"), 100)
	if err != nil {
		return err
	}
	out := make([]publicMessage, len(os))
	for i := range os {
		out[i] = publicMessageOf(&os[i], os[i].State)
	}
	return c.JSON(out)
}

// publicMessage is a message as the public reads it (hotline.Order.Public):
// nothing of the handling but where it stands and the answer.
type publicMessage struct {
	Number       string     `json:"number"`
	Channel      string     `json:"channel"`
	Category     string     `json:"category"`
	CategoryName string     `json:"category_name"`
	CallerName   string     `json:"caller_name"`
	Title        string     `json:"title"`
	Content      string     `json:"content"`
	UnitCode     string     `json:"unit_code,omitempty"`
	State        string     `json:"state"`
	StateName    string     `json:"state_name"`
	ReceivedAt   time.Time  `json:"received_at"`
	Due          *time.Time `json:"due,omitempty"`
	Extension    string     `json:"extension,omitempty"`
	Reply        string     `json:"reply,omitempty"`
	RepliedAt    *time.Time `json:"replied_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
}

func publicMessageOf(p *hotline.Order, state hotline.State) publicMessage {
	m := publicMessage{Number: p.Number, Channel: string(p.Channel), Category: string(p.Category), CategoryName: p.Category.Name(),
		CallerName: p.Name, Title: p.Title, Content: p.Content, UnitCode: p.UnitCode, State: string(state), StateName: state.Name(),
		ReceivedAt: p.ReceivedAt.In(catalog.Shanghai), Reply: p.Reply, RepliedAt: p.RepliedAt, ClosedAt: p.ClosedAt}
	if state == hotline.Handling {
		m.Due = p.Due
	}
	if p.ExtensionDays > 0 {
		m.Extension = fmt.Sprintf("延期%d个工作日：%s", p.ExtensionDays, p.ExtensionReason)
	}
	return m
}

// handleHotlineBulletin is GET /api/v1/hotline/bulletin.xlsx?year=&month=
// (or quarter=): the county's table of each unit's orders — dispatched,
// answered, closed, overdue open and closed, 政民互动 — with the rates and
// the rubric's deductions.
func (s *handlers) handleHotlineBulletin(c *fiber.Ctx) error {
	from, to, err := period(c)
	if err != nil {
		return err
	}
	rows, err := s.Hotline.Bulletin(c.UserContext(), from, to, time.Now())
	if err != nil {
		return err
	}
	names := map[string]string{}
	if us, err := s.Units.FindUnits(c.UserContext()); err == nil {
		for _, u := range us {
			names[u.Code] = u.FullName
		}
	}
	label := from.Format("2006年1月")
	if last := to.AddDate(0, 0, -1); last.Month() != from.Month() || last.Year() != from.Year() {
		label = fmt.Sprintf("%d年%d-%d月", from.Year(), int(from.Month()), int(last.Month()))
	}
	f := excelize.NewFile()
	defer f.Close()
	sh := "转办情况"
	f.SetSheetName("Sheet1", sh)
	f.SetCellValue(sh, "A1", "县“12345”政府服务热线（含政民互动）"+label+"转办情况")
	header := []any{"序号", "单位", "转办", "反馈", "办结", "逾期未办理", "逾期已办理", "政民互动", "申退", "办结率(%)", "回访率(%)", "满意率(%)", "退回重办", "扣分",
		"得分（省长热线40%、12345及县长信箱60%）"}
	// A rate with nothing to divide is shown as —, not as 100.
	rate := func(v float64, of int) any {
		if of == 0 {
			return "—"
		}
		return v
	}
	f.SetSheetRow(sh, "A2", &header)
	var total [8]int
	for i, r := range rows {
		name := names[r.Unit]
		if name == "" {
			name = r.Unit
		}
		ded := 0.0
		for _, d := range r.Deductions {
			ded += d.Points
		}
		line := []any{i + 1, name, r.Transferred, r.Replied, r.Closed, r.OverdueOpen, r.ClosedLate, r.Interactive, r.Returned,
			rate(r.ClosedRate, r.Transferred), rate(r.CallbackRate, r.Closed), rate(r.Satisfaction, r.Satisfied+r.Basic+r.Unsatisfied), r.Redos, ded, r.Weighted}
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		f.SetSheetRow(sh, cell, &line)
		for k, v := range []int{r.Transferred, r.Replied, r.Closed, r.OverdueOpen, r.ClosedLate, r.Interactive, r.Returned, r.Redos} {
			total[k] += v
		}
	}
	sum := []any{"", "合计", total[0], total[1], total[2], total[3], total[4], total[5], total[6]}
	f.SetSheetRow(sh, "A3", &sum)
	f.SetColWidth(sh, "B", "B", 28)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="hotline-%s.xlsx"`, from.Format("2006-01")))
	return c.Send(buf.Bytes())
}

// handleOrderFileCreate is POST /api/v1/orders/{number}/files (multipart
// "file"): a letter's scan or a photograph kept with the order.
func (s *handlers) handleOrderFileCreate(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return catalog.Invalid("file", "请选择要上传的附件（表单字段 file）")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := s.Hotline.Attach(c.UserContext(), c.Params("number"), fh.Filename, f, fh.Size, web.Actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// handleOrderFileShow is GET /api/v1/order-files/{id}: a file of an order,
// to its staff only.
func (s *handlers) handleOrderFileShow(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	a, _, err := s.Hotline.Files.File(c.UserContext(), id)
	if err != nil {
		return err
	}
	r, err := s.Hotline.OpenFile(a)
	if err != nil {
		return err
	}
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, "inline; filename*=UTF-8''"+url.PathEscape(a.Name))
	return c.SendStream(r, int(a.Size)) // closed once sent
}
