package kiosk

import (
	"context"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/hotline"
)

// Hotline takes residents' messages to the 12345 hotline (政民互动) and
// shows them back: the caller's own by proof, the published answers to
// everyone.
type Hotline interface {
	// Leave records a message (hotline.Kiosk here); EINVALID names the
	// field, ERATELIMIT when the address has used its allowance.
	Leave(ctx context.Context, o *hotline.Order, ch hotline.Channel, ip string) error
	// FindByProof finds a caller's order by number and the receipt's
	// token or the phone's last four digits; ENOTFOUND for a wrong pair,
	// ERATELIMIT after too many look-ups.
	FindByProof(ctx context.Context, number, token, phone4, ip string) (*hotline.Order, error)
	// Published lists the answered messages their callers agreed to
	// publish, personal data masked (hotline.Order.Public), newest first.
	Published(ctx context.Context, unit string, limit int) ([]hotline.Order, error)
	// Upcoming are the 领导接听 days announced from today on, for the home
	// page.
	Upcoming(ctx context.Context, now time.Time) ([]hotline.Announcement, error)
	// Rules are the county's limits, which the form tells the resident.
	Rules(ctx context.Context) (hotline.Rules, error)
	// SearchKnowledge finds knowledge-base answers for a resident's words.
	SearchKnowledge(ctx context.Context, q string, limit int) ([]hotline.Entry, error)
}

// messageForm is the message form as typed.
type messageForm struct {
	Category, Name, Phone, Title, Content, Address, Publish, SubmitKey string
}

func readMessageForm(c *fiber.Ctx) messageForm {
	v := func(k string) string { return strings.Clone(c.FormValue(k)) }
	return messageForm{Category: v("category"), Name: v("caller_name"), Phone: v("caller_phone"), Title: v("title"), Content: v("content"),
		Address: v("address"), Publish: v("publish"), SubmitKey: v("submit_key")}
}

func (f messageForm) order() hotline.Order {
	return hotline.Order{Channel: hotline.Kiosk, Category: hotline.Category(f.Category), Caller: hotline.Caller{Name: f.Name, Phone: f.Phone},
		Title: f.Title, Content: f.Content, Address: f.Address, Publish: f.Publish == "1", SubmitKey: f.SubmitKey}
}

type messagePage struct {
	Page
	In         messageForm
	Order      hotline.Order // for the summary
	Review     bool
	Error      string
	Field      string
	Categories []hotline.Category
	// The county's limits for a consultation and a complaint, in working
	// days from the claim.
	ConsultDays, ComplaintDays int
}

type messagesPage struct {
	Page
	// Q is a resident's question, Answers the knowledge base's for it.
	Q        string
	Answers  []hotline.Entry
	Answered []hotline.Order
	// Unit is the unit whose answers are listed (from its page), if any.
	Unit   *catalog.Unit
	Number string
	Error  string
}

type followPage struct {
	Page
	Order     hotline.Order
	StateName string
	// QR leads a phone back to this page, with its token.
	FollowQR template.HTML
	Path     string
}

// FollowPath is the address of a message's follow-up page, with its
// unguessable token.
func FollowPath(o *hotline.Order) string {
	return "/kiosk/messages/" + o.Number + "?t=" + url.QueryEscape(o.Token)
}

// handleMessages is the list of answered messages and the follow-up form.
func (h *handler) handleMessages(c *fiber.Ctx) error {
	h.Counter.View(c.Cookies(PointCookie), h.Now())
	p := messagesPage{Page: h.page(c, "留言与答复", "/kiosk/", "")}
	unit := ""
	if code := c.Query("unit"); code != "" {
		u, err := h.Units.FindUnit(c.UserContext(), code)
		if err != nil {
			return err
		}
		p.Unit, unit = u, u.Code
	}
	var err error
	if p.Answered, err = h.Hotline.Published(c.UserContext(), unit, 50); err != nil {
		return err
	}
	if p.Q = strings.Clone(c.Query("q")); p.Q != "" {
		if len(p.Q) > 200 {
			p.Q = ""
		} else if p.Answers, err = h.Hotline.SearchKnowledge(c.UserContext(), p.Q, 10); err != nil {
			return err
		}
	}
	if c.Method() == fiber.MethodPost {
		p.Number = strings.Clone(c.FormValue("number"))
		o, err := h.Hotline.FindByProof(c.UserContext(), p.Number, "", c.FormValue("phone4"), c.IP())
		if err != nil {
			return lookupFailed(err, func(status int, msg string) error {
				p.Error = msg
				return sendUncached(c, status, "messages.html", p)
			})
		}
		return c.Redirect(FollowPath(o), fiber.StatusSeeOther)
	}
	return sendUncached(c, 200, "messages.html", p)
}

func (h *handler) messagePage(c *fiber.Ctx, in messageForm) messagePage {
	p := messagePage{Page: h.page(c, "我要留言", "/kiosk/messages", ""), In: in, Categories: hotline.Categories}
	rules, err := h.Hotline.Rules(c.UserContext())
	if err != nil {
		rules = hotline.DefaultRules()
	}
	p.ConsultDays, p.ComplaintDays = rules.Limits[hotline.Consult], rules.Limits[hotline.Complaint]
	p.Shell.IdleSeconds = applyIdleSeconds
	if p.In.Category == "" {
		p.In.Category = string(hotline.Consult)
	}
	return p
}

func (h *handler) handleMessageForm(c *fiber.Ctx) error {
	h.Counter.View(c.Cookies(PointCookie), h.Now())
	return sendUncached(c, 200, "message.html", h.messagePage(c, messageForm{}))
}

// handleMessage takes the form through review to submission, as the
// application form does: the number shows once the order has committed.
func (h *handler) handleMessage(c *fiber.Ctx) error {
	in := readMessageForm(c)
	p := h.messagePage(c, in)
	o := in.order()
	refuse := func(err error) error {
		return refused(c, err, func(status int, msg, field string) error {
			p.Error, p.Field, p.Review = msg, field, false
			return sendUncached(c, status, "message.html", p)
		})
	}
	switch c.FormValue("step") {
	case "edit":
		return sendUncached(c, 200, "message.html", p)
	case "submit":
		if err := h.Hotline.Leave(c.UserContext(), &o, hotline.Kiosk, c.IP()); err != nil {
			return refuse(err)
		}
		return c.Redirect(FollowPath(&o), fiber.StatusSeeOther)
	default: // review
		if err := o.Validate(); err != nil {
			return refuse(err)
		}
		p.Review, p.Order = true, o
		p.In.Phone = o.Phone
		p.In.SubmitKey = hotline.NewToken() // a new summary, a new key
		return sendUncached(c, 200, "message.html", p)
	}
}

// handleFollow is a message's own page: its number (the receipt) and
// where it stands, reached by its token.
func (h *handler) handleFollow(c *fiber.Ctx) error {
	o, err := h.Hotline.FindByProof(c.UserContext(), c.Params("number"), c.Query("t"), "", c.IP())
	if err != nil {
		return err
	}
	pub := o.Public()
	if o.State != hotline.Closed {
		pub.Reply = "" // a reply the county office has not checked yet
	}
	p := followPage{Page: h.page(c, "留言回执与进度", "/kiosk/messages", ""), Order: pub, StateName: o.State.Name(), Path: FollowPath(o)}
	p.FollowQR = qrSVG(h.origin(c) + FollowPath(o))
	p.Shell.IdleSeconds = applyIdleSeconds
	return sendUncached(c, 200, "follow.html", p)
}
