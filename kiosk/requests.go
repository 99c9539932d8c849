package kiosk

import (
	"context"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/foi"
)

// RequestDesk takes applications at the kiosk and answers status lookups.
type RequestDesk interface {
	// Submit registers an application made today through the channel
	// (foi.Kiosk here); it has committed when Submit returns; EINVALID
	// names the field.
	Submit(ctx context.Context, r *foi.Request, ch foi.Channel, ip string) error
	// Receipt returns the request for its receipt, and the name of the
	// unit answering it, when token is its receipt token; ENOTFOUND
	// otherwise, as for a number never given, 429 after repeated wrong
	// guesses.
	Receipt(ctx context.Context, number, token, ip string) (*foi.Request, string, error)
	// Status looks a request up by number and either its receipt token
	// (the receipt's QR code) or the phone's last 4 digits; ENOTFOUND for
	// a wrong pair, EINVALID for a malformed number, 429 after repeated
	// wrong guesses.
	Status(ctx context.Context, number, phone4, token, ip string) (*foi.PublicStatus, error)
	// Clock is a request's statutory clock today.
	Clock(r *foi.Request) (foi.Clock, error)
}

// applyIdleSeconds is the idle reset on the application form: shorter, as
// the form holds personal data.
const applyIdleSeconds = 90

type applyPage struct {
	Page
	Office *catalog.Unit
	// Units are those an application may be addressed to, the office
	// first; Unit is the one chosen.
	Units   []catalog.Unit
	Unit    *catalog.Unit
	In      applyForm
	Error   string
	Field   string
	Review  bool
	Request foi.Request // for the summary
	Types   []foi.ApplicantType
	Forms   []foi.Form
}

// applyForm is the form as typed.
type applyForm struct {
	ApplicantType, Name, OrgName, LegalRep, IDType, IDNumber, CreditCode string
	Address, Phone, Email, Description, Purpose, Form, Delivery          string
	Unit                                                                 string // the unit asked
	// SubmitKey is made when the summary is shown: sending that summary
	// twice makes one request.
	SubmitKey string
}

func readApplyForm(c *fiber.Ctx) applyForm {
	v := func(k string) string { return strings.Clone(c.FormValue(k)) }
	return applyForm{ApplicantType: v("applicant_type"), Name: v("name"), OrgName: v("org_name"), LegalRep: v("legal_rep"),
		IDType: v("id_type"), IDNumber: v("id_number"), CreditCode: v("credit_code"), Address: v("address"), Phone: v("phone"),
		Email: v("email"), Description: v("description"), Purpose: v("purpose"), Form: v("form"), Delivery: v("delivery"), Unit: v("unit"),
		SubmitKey: v("submit_key")}
}

// request is the application as typed; of the applicant's fields only those
// of the chosen type are kept (the form hides the others, but what was
// typed in them before switching is still sent).
func (f applyForm) request() foi.Request {
	if foi.ApplicantType(f.ApplicantType) == foi.Person {
		f.OrgName, f.LegalRep, f.CreditCode = "", "", ""
	} else {
		f.Name = ""
	}
	return foi.Request{Applicant: foi.Applicant{Type: foi.ApplicantType(f.ApplicantType), Name: f.Name, OrgName: f.OrgName, LegalRep: f.LegalRep,
		IDType: foi.IDType(f.IDType), IDNumber: f.IDNumber, CreditCode: f.CreditCode, Address: f.Address, Phone: f.Phone, Email: f.Email},
		Description: f.Description, Purpose: f.Purpose, Form: foi.Form(f.Form), Delivery: f.Delivery, Channel: foi.Kiosk, UnitCode: f.Unit,
		SubmitKey: f.SubmitKey}
}

func (h *handler) applyPage(c *fiber.Ctx, in applyForm) (applyPage, error) {
	u, err := h.Units.FindUnit(c.UserContext(), h.office(c))
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return applyPage{}, err
	}
	p := applyPage{Page: h.page(c, "依申请公开", "/kiosk/", ""), Office: u, In: in, Types: foi.ApplicantTypes,
		Forms: []foi.Form{foi.Paper, foi.Email, foi.Disc, foi.Onsite}}
	p.Shell.IdleSeconds = applyIdleSeconds
	if p.In.ApplicantType == "" {
		p.In.ApplicantType, p.In.IDType, p.In.Form = string(foi.Person), string(foi.ResidentID), string(foi.Paper)
	}
	// Every township and department answers its own requests: the form
	// offers them all, the unit that runs this screen's point first chosen,
	// the county office when the screen belongs to none.
	units, err := h.Units.FindUnits(c.UserContext())
	if err != nil {
		return p, err
	}
	for _, x := range units {
		if u != nil && x.Code == u.Code {
			p.Units = append([]catalog.Unit{x}, p.Units...)
		} else {
			p.Units = append(p.Units, x)
		}
	}
	if p.In.Unit == "" {
		p.In.Unit = h.Counter.UnitOf(c.Cookies(PointCookie))
	}
	for i := range p.Units {
		if p.Units[i].Code == p.In.Unit {
			p.Unit = &p.Units[i]
		}
	}
	if p.Unit == nil && len(p.Units) > 0 && u != nil && p.Units[0].Code == u.Code {
		p.Unit, p.In.Unit = &p.Units[0], u.Code
	}
	return p, nil
}

// sendUncached sends a page no browser or cache may keep: one that holds
// personal data, or answers a single query.
func sendUncached(c *fiber.Ctx, status int, name string, data any) error {
	body, err := execute(name, data)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(body)
}

func (h *handler) handleApplyForm(c *fiber.Ctx) error {
	h.Counter.View(c.Cookies(PointCookie), h.Now())
	p, err := h.applyPage(c, applyForm{})
	if err != nil {
		return err
	}
	return sendUncached(c, 200, "apply.html", p)
}

// handleApply takes the form through review to submission: the number is
// shown only once the request has committed.
func (h *handler) handleApply(c *fiber.Ctx) error {
	in := readApplyForm(c)
	p, err := h.applyPage(c, in)
	if err != nil {
		return err
	}
	r := in.request()
	r.ReceivedOn = h.Now()
	refuse := func(err error) error {
		return refused(c, err, func(status int, msg, field string) error {
			p.Error, p.Field, p.Review = msg, field, false
			return sendUncached(c, status, "apply.html", p)
		})
	}
	switch c.FormValue("step") {
	case "edit":
		return sendUncached(c, 200, "apply.html", p)
	case "submit":
		if err := r.Validate(); err != nil {
			return refuse(err)
		}
		if err := h.Requests.Submit(c.UserContext(), &r, foi.Kiosk, c.IP()); err != nil {
			return refuse(err)
		}
		return c.Redirect(ReceiptPath(&r), fiber.StatusSeeOther)
	default: // review
		if err := r.Validate(); err != nil {
			return refuse(err)
		}
		p.Review, p.Request = true, r
		p.In.IDNumber, p.In.Phone, p.In.CreditCode = r.IDNumber, r.Phone, r.CreditCode
		p.In.SubmitKey = foi.NewSubmitKey() // a new summary, a new key
		return sendUncached(c, 200, "apply.html", p)
	}
}

type receiptPage struct {
	Page
	Request   foi.Request
	Applicant string
	UnitName  string
	A4        bool
	// StatusQR leads a phone to the request's status, with its token.
	StatusQR template.HTML
	// LookupLink is where the status is looked up by hand, with the
	// number and the phone's last four digits: what the paper prints
	// instead of the QR's long link.
	LookupLink string
	// Path is the receipt's own address, with its token.
	Path string
	// Clock is the statutory clock today: its due date may be provisional.
	Clock foi.Clock
}

// ReceiptPath is the address of a request's receipt; its token makes it
// unguessable.
func ReceiptPath(r *foi.Request) string {
	return "/kiosk/receipt/" + r.Number + "?t=" + url.QueryEscape(r.ReceiptToken)
}

// StatusPath is the address of a request's status, shown without the
// phone's digits by its token.
func StatusPath(r *foi.Request) string {
	return "/kiosk/progress?number=" + r.Number + "&t=" + url.QueryEscape(r.ReceiptToken)
}

func (h *handler) handleReceipt(c *fiber.Ctx) error {
	r, unit, err := h.Requests.Receipt(c.UserContext(), c.Params("number"), c.Query("t"), c.IP())
	if err != nil {
		return err
	}
	p := receiptPage{Page: h.page(c, "申请回执", "/kiosk/", ""), Request: *r, Applicant: foi.MaskName(r.Display()), UnitName: unit, A4: c.Query("paper") == "a4",
		Path: ReceiptPath(r)}
	if p.Clock, err = h.Requests.Clock(r); err != nil {
		return err
	}
	p.StatusQR = qrSVG(h.origin(c) + StatusPath(r))
	p.LookupLink = h.origin(c) + "/kiosk/progress"
	p.Shell.IdleSeconds = applyIdleSeconds
	return sendUncached(c, 200, "receipt.html", p)
}

type progressPage struct {
	Page
	Office *catalog.Unit
	Number string
	Status *foi.PublicStatus
	Error  string
}

func (h *handler) handleProgress(c *fiber.Ctx) error {
	h.Counter.View(c.Cookies(PointCookie), h.Now())
	u, _ := h.Units.FindUnit(c.UserContext(), h.office(c))
	p := progressPage{Page: h.page(c, "查询申请进度", "/kiosk/", ""), Office: u, Number: strings.Clone(c.Query("number"))}
	token := c.Query("t")
	if c.Method() == fiber.MethodPost || token != "" {
		phone4 := ""
		if c.Method() == fiber.MethodPost {
			p.Number, phone4, token = strings.Clone(c.FormValue("number")), c.FormValue("phone4"), ""
		}
		st, err := h.Requests.Status(c.UserContext(), p.Number, phone4, token, c.IP())
		if err != nil {
			return lookupFailed(err, func(status int, msg string) error {
				p.Error = msg
				return sendUncached(c, status, "progress.html", p)
			})
		}
		p.Status = st
	}
	return sendUncached(c, 200, "progress.html", p)
}

// refused answers a form the services refused: too many from the address
// (429, an hour to wait) or a field wrong (400, the field named), shown
// again by show with what was typed; any other error goes up.
func refused(c *fiber.Ctx, err error, show func(status int, msg, field string) error) error {
	if catalog.ErrorCode(err) == catalog.ERATELIMIT {
		c.Set(fiber.HeaderRetryAfter, "3600")
		return show(fiber.StatusTooManyRequests, catalog.ErrorMessage(err), "")
	}
	e, ok := err.(*catalog.Error)
	if !ok || e.Code != catalog.EINVALID {
		return err
	}
	return show(fiber.StatusBadRequest, e.Message, e.Field)
}

// lookupFailed answers a look-up by number and proof that failed: wrong
// (400) or too many (429), said on the page by show; an internal error
// goes up.
func lookupFailed(err error, show func(status int, msg string) error) error {
	switch catalog.ErrorCode(err) {
	case catalog.EINTERNAL:
		return err
	case catalog.ERATELIMIT:
		return show(fiber.StatusTooManyRequests, catalog.ErrorMessage(err))
	}
	return show(fiber.StatusBadRequest, catalog.ErrorMessage(err))
}

// PublicWrites are the kiosk's POST routes, open to anyone: an application
// a status lookup and a handwritten character read (which write nothing).
var PublicWrites = []string{"POST /kiosk/apply", "POST /kiosk/progress", "POST /kiosk/hw", "POST /kiosk/messages", "POST /kiosk/messages/new"}

// office is the code of the unit that receives applications ("" before
// set-up).
func (h *handler) office(c *fiber.Ctx) string {
	county, _ := h.County.County(c.UserContext())
	return county.Office
}
