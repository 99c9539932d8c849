package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/kiosk"
	"gongkai/web"
)

// requestInput is the JSON of an application: the API contract's fields;
// staff registration adds channel, received_on and the answering unit.
type requestInput struct {
	ApplicantType string `json:"applicant_type"`
	Name          string `json:"name"`
	OrgName       string `json:"org_name"`
	LegalRep      string `json:"legal_rep"`
	IDType        string `json:"id_type"`
	IDNumber      string `json:"id_number"`
	CreditCode    string `json:"credit_code"`
	Address       string `json:"address"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	Description   string `json:"description"`
	Purpose       string `json:"purpose"`
	Form          string `json:"form"`
	Delivery      string `json:"delivery"`
	Channel       string `json:"channel,omitempty"`
	ReceivedOn    string `json:"received_on,omitempty"`
	UnitCode      string `json:"unit_code,omitempty"`
}

func (in requestInput) request(office string) foi.Request {
	return foi.Request{UnitCode: office, Applicant: foi.Applicant{Type: foi.ApplicantType(in.ApplicantType), Name: in.Name, OrgName: in.OrgName,
		LegalRep: in.LegalRep, IDType: foi.IDType(in.IDType), IDNumber: in.IDNumber, CreditCode: in.CreditCode, Address: in.Address,
		Phone: in.Phone, Email: in.Email}, Description: in.Description, Purpose: in.Purpose, Form: foi.Form(in.Form), Delivery: in.Delivery}
}

// Receipt is what the applicant is given: the number, the receipt date and
// the due date (YYYY-MM-DD).
type Receipt struct {
	Number     string `json:"number"`
	ReceivedOn string `json:"received_on"`
	DueOn      string `json:"due_on"`
	// ReceiptURL and StatusURL are the applicant's receipt and status
	// pages, paths with the request's unguessable token.
	ReceiptURL string `json:"receipt_url"`
	StatusURL  string `json:"status_url"`
}

func receiptOf(r *foi.Request) Receipt {
	return Receipt{r.Number, r.ReceivedOn.Format("2006-01-02"), r.DueOn.Format("2006-01-02"), kiosk.ReceiptPath(r), kiosk.StatusPath(r)}
}

func today() time.Time { return time.Now().In(catalog.Shanghai) }

// handleRequestCreate is POST /api/v1/requests: online intake. The number is
// answered only once the request has committed.
func (s *handlers) handleRequestCreate(c *fiber.Ctx) error {
	var in requestInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Channel != "" || in.ReceivedOn != "" {
		return catalog.Invalid("channel", "申请人提交的申请由系统记录收到日期；工作人员登记请用 /api/v1/requests/register")
	}
	// The unit asked (unit_code: a township or department answers its own
	// requests); the county office when none is named.
	r := in.request(in.UnitCode)
	if err := s.RequestDesk.Submit(c.UserContext(), &r, foi.Online, c.IP()); err != nil {
		if catalog.ErrorCode(err) == catalog.ERATELIMIT {
			c.Set(fiber.HeaderRetryAfter, "3600") // an hour's allowance
		}
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(receiptOf(&r))
}

// handleRequestRegister is POST /api/v1/requests/register: staff register
// a letter, fax, online or counter application with the date that counts.
func (s *handlers) handleRequestRegister(c *fiber.Ctx) error {
	var in requestInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	office, err := s.RequestDesk.Office(c.UserContext())
	if err != nil {
		return err
	}
	r := in.request(office)
	if in.UnitCode != "" {
		r.UnitCode = in.UnitCode
	}
	r.Channel = foi.Channel(in.Channel)
	d, err := optDay("received_on", "收到申请的日期", in.ReceivedOn)
	if err != nil {
		return err
	}
	r.ReceivedOn = d
	if err := s.RequestDesk.Register(c.UserContext(), &r, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(receiptOf(&r))
}

// RequestView is a request as staff see it: personal numbers masked unless
// revealed, with its clock and history.
type RequestView struct {
	foi.Request
	StateName   string      `json:"state_name"`
	OutcomeName string      `json:"outcome_name,omitempty"`
	Clock       foi.Clock   `json:"clock"`
	Events      []foi.Event `json:"events"`
	Revealed    bool        `json:"revealed"`
}

func (s *handlers) viewRequest(ctx context.Context, r *foi.Request, reveal bool) (RequestView, error) {
	v := RequestView{Request: *r, StateName: r.State.Name(), Revealed: reveal}
	if info, ok := foi.OutcomeOf(r.Outcome); ok {
		v.OutcomeName = info.Label()
	}
	if !reveal {
		v.IDNumber, v.Phone = foi.MaskID(r.IDNumber), foi.MaskPhone(r.Phone)
	}
	var err error
	if v.Clock, err = foi.ClockOf(r, s.Calendar, today()); err != nil {
		return v, err
	}
	v.Events, err = s.Requests.Events(ctx, r.Number)
	return v, err
}

// handleRequestShow is GET /api/v1/requests/{number}; ?reveal=1 shows the
// full ID and phone numbers to those allowed, and the view is audited.
func (s *handlers) handleRequestShow(c *fiber.Ctx) error {
	r, err := s.Requests.Find(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	reveal := c.Query("reveal") == "1"
	if reveal {
		if err := s.RequestDesk.Reveal(c.UserContext(), r, web.Actor(c)); err != nil {
			return err
		}
	}
	v, err := s.viewRequest(c.UserContext(), r, reveal)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// handleRequestIndex is GET /api/v1/requests?unit=&open=1: masked rows.
func (s *handlers) handleRequestIndex(c *fiber.Ctx) error {
	f := foi.Filter{UnitCode: c.Query("unit"), Open: c.Query("open") == "1"}
	var err error
	if f.Limit, f.After, err = pageOf(c); err != nil {
		return err
	}
	rs, err := s.Requests.FindRequests(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]RequestView, 0, len(rs))
	for i := range rs {
		v := RequestView{Request: rs[i], StateName: rs[i].State.Name()}
		v.IDNumber, v.Phone = foi.MaskID(rs[i].IDNumber), foi.MaskPhone(rs[i].Phone)
		if v.Clock, err = foi.ClockOf(&rs[i], s.Calendar, today()); err != nil {
			return err
		}
		out = append(out, v)
	}
	return sendPage(c, out, f.Limit, func(v RequestView) catalog.Cursor { return catalog.Cursor{At: v.ReceivedOn, ID: v.ID} })
}

// reqStepInput is the JSON of a step; dates as YYYY-MM-DD.
type reqStepInput struct {
	On      string      `json:"on"`
	Note    string      `json:"note"`
	Due     string      `json:"due"`
	Kind    string      `json:"kind"`
	Party   string      `json:"party"`
	Unit    string      `json:"unit"`
	Days    int         `json:"days"`
	Outcome foi.Outcome `json:"outcome"`
	Text    string      `json:"text"`
	Into    string      `json:"into"`
	// Agency and Contact: the responsible organ of a 36(五) answer;
	// DeliveredOn: when a consultation letter reached its party.
	Agency      string `json:"agency"`
	Contact     string `json:"contact"`
	DeliveredOn string `json:"delivered_on"`
	// Via is how the step's papers are delivered; FeeBasis and Pages
	// make a fee notice.
	Via      string `json:"via"`
	FeeBasis string `json:"fee_basis"`
	Pages    int    `json:"pages"`
}

// optDay is catalog.ParseDay for an optional date.
func optDay(field, label, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return catalog.ParseDay(field, label, s)
}

func (in reqStepInput) step(action string) (foi.Step, error) {
	st := foi.Step{Action: action, Note: in.Note, Kind: in.Kind, Party: in.Party, Unit: in.Unit, Days: in.Days, Outcome: in.Outcome, Text: in.Text, Into: in.Into,
		Agency: in.Agency, Contact: in.Contact, Via: in.Via, FeeBasis: in.FeeBasis, Pages: in.Pages}
	var err error
	if st.On, err = optDay("on", "办理日期", in.On); err != nil {
		return st, err
	}
	if st.Delivered, err = optDay("delivered_on", "征求意见书送达日期", in.DeliveredOn); err != nil {
		return st, err
	}
	st.Due, err = optDay("due", "期限", in.Due)
	return st, err
}

// requestBodyUnit is the unit a staff registration is for: the body's
// unit_code, the county office by default.
func (s *handlers) requestBodyUnit(c *fiber.Ctx) (string, error) {
	var in struct {
		UnitCode string `json:"unit_code"`
	}
	// A body that does not parse names no unit: refused here, not taken
	// for the office's (the handler's own parse would read it otherwise).
	if err := json.Unmarshal(c.Body(), &in); err != nil {
		return "", catalog.Invalid("", "JSON 格式不正确或不完整")
	}
	if in.UnitCode == "" {
		return s.RequestDesk.Office(c.UserContext())
	}
	return in.UnitCode, nil
}

// handleRequestStep is POST /api/v1/requests/{number}/{action}.
func (s *handlers) handleRequestStep(c *fiber.Ctx) error {
	return s.requestStep(c, strings.Clone(c.Params("action")))
}

// handleRequestReassign is the county office's 改派 (a route of its own, so
// that only county-wide rights reach it).
func (s *handlers) handleRequestReassign(c *fiber.Ctx) error {
	return s.requestStep(c, foi.ActReassign)
}

func (s *handlers) requestStep(c *fiber.Ctx, action string) error {
	var in reqStepInput
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	if action == "split" {
		return s.handleRequestSplit(c)
	}
	st, err := in.step(action)
	if err != nil {
		return err
	}
	r, err := s.RequestDesk.Step(c.UserContext(), c.Params("number"), st, web.Actor(c))
	if err != nil {
		return err
	}
	v, err := s.viewRequest(c.UserContext(), r, false)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *handlers) handleRequestSplit(c *fiber.Ctx) error {
	var in struct {
		Descriptions []string `json:"descriptions"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	parts, err := s.RequestDesk.Split(c.UserContext(), c.Params("number"), in.Descriptions, web.Actor(c))
	if err != nil {
		return err
	}
	out := make([]Receipt, len(parts))
	for i := range parts {
		out[i] = receiptOf(&parts[i])
	}
	return c.JSON(out)
}

// handleRequestStatus is GET /api/v1/requests/status?number=&phone4= (or
// &t= with the receipt token).
func (s *handlers) handleRequestStatus(c *fiber.Ctx) error {
	v, err := s.RequestDesk.Status(c.UserContext(), c.Query("number"), c.Query("phone4"), c.Query("t"), c.IP())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// handleAnnualReport is GET /api/v1/reports/annual?year=&unit=[&format=xlsx].
func (s *handlers) handleAnnualReport(c *fiber.Ctx) error {
	year := c.QueryInt("year", today().Year())
	if err := catalog.CheckYear(year, today()); err != nil {
		return err
	}
	unit := c.Query("unit")
	rep, err := s.RequestDesk.Annual(c.UserContext(), year, unit)
	if err != nil {
		return err
	}
	reviews, err := s.RequestDesk.ReviewCounts(c.UserContext(), unit, year)
	if err != nil {
		return err
	}
	if c.Query("format") != "xlsx" {
		return c.JSON(struct {
			foi.Report
			Reviews foi.ReviewCounts `json:"reviews"`
		}{rep, reviews})
	}
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	title := fmt.Sprintf("%d年政府信息公开工作年度报告 三、收到和处理政府信息公开申请情况", year)
	f.SetCellValue(sh, "A1", title)
	f.SetSheetRow(sh, "A2", &[]any{"", "", "自然人", "法人或其他组织", "", "", "", "", "总计"})
	f.SetSheetRow(sh, "A3", &[]any{"", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""})
	for i, r := range rep.Rows {
		row := []any{r.Group, r.Label}
		for _, n := range r.Cells {
			row = append(row, n)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		f.SetSheetRow(sh, cell, &row)
	}
	at := len(rep.Rows) + 6
	cell, _ := excelize.CoordinatesToCellName(1, at)
	f.SetCellValue(sh, cell, "四、政府信息公开行政复议、行政诉讼情况")
	for i, b := range []struct {
		name   string
		counts [4]int
	}{{"行政复议", reviews.Review}, {"行政诉讼：未经复议直接起诉", reviews.SuitDirect}, {"行政诉讼：复议后起诉", reviews.SuitAfterReview}} {
		row := []any{b.name, ""}
		for _, n := range b.counts {
			row = append(row, n)
		}
		row = append(row, foi.Total(b.counts))
		cell, _ := excelize.CoordinatesToCellName(1, at+2+i)
		f.SetSheetRow(sh, cell, &row)
	}
	head, _ := excelize.CoordinatesToCellName(3, at+1)
	f.SetSheetRow(sh, head, &[]any{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"})
	f.SetColWidth(sh, "A", "A", 40)
	f.SetColWidth(sh, "B", "B", 48)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="annual-report-%d.xlsx"`, year))
	return c.Send(buf.Bytes())
}

// handleRequestNotices is GET /api/v1/requests/{number}/notices: the papers
// the procedure issued (补正告知书, 延期答复告知书, 征求意见书 …), each
// numbered, dated, with how it was delivered and its text as printed.
func (s *handlers) handleRequestNotices(c *fiber.Ctx) error {
	ns, err := s.RequestDesk.Notices(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	return c.JSON(ns)
}

// annualYear reads the year of an annual report's address: a year the
// calendar knows, not in the future.
func annualYear(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return 0, catalog.Invalid("year", "年份应为数字，如 2025")
	}
	return y, catalog.CheckYear(y, today())
}

// annualDoc is the report the address names.
func (s *handlers) annualDoc(c *fiber.Ctx) (foi.AnnualDoc, error) {
	year, err := annualYear(c)
	if err != nil {
		return foi.AnnualDoc{}, err
	}
	return s.RequestDesk.AnnualDoc(c.UserContext(), year, c.Params("code"))
}

// handleAnnualDoc is GET /api/v1/units/{code}/annual/{year}: the unit's
// whole 政府信息公开工作年度报告 — its texts, table 二 (suggested from the
// catalogue until the unit saves it), 三, 四, the fees charged — and
// whether it is ready to publish.
func (s *handlers) handleAnnualDoc(c *fiber.Ctx) error {
	a, err := s.annualDoc(c)
	if err != nil {
		return err
	}
	ready := ""
	if err := a.Check(); err != nil {
		ready = catalog.ErrorMessage(err)
	}
	return c.JSON(struct {
		foi.AnnualDoc
		Missing string `json:"missing,omitempty"`
	}{a, ready})
}

// handleAnnualSave is PUT /api/v1/units/{code}/annual/{year}: the unit's
// texts (overview, problems, other) and its checked table 二 (proactive).
func (s *handlers) handleAnnualSave(c *fiber.Ctx) error {
	year, err := annualYear(c)
	if err != nil {
		return err
	}
	var in struct {
		foi.AnnualTexts
		Proactive *foi.Proactive `json:"proactive"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	unit := strings.Clone(c.Params("code"))
	parts := foi.AnnualParts{AnnualTexts: in.AnnualTexts}
	if in.Proactive != nil { // table 二 is checked only when it is sent
		parts.Proactive, parts.Entered = *in.Proactive, true
	} else if cur, _, err := s.RequestDesk.Annuals.AnnualParts(c.UserContext(), unit, year); err != nil {
		return err
	} else if cur.Entered {
		parts.Proactive, parts.Entered = cur.Proactive, true
	}
	if err := s.RequestDesk.SaveAnnualParts(c.UserContext(), year, unit, parts, web.Actor(c)); err != nil {
		return err
	}
	return s.handleAnnualDoc(c)
}

// handleAnnualDOCX is GET /api/v1/units/{code}/annual/{year}/report.docx.
func (s *handlers) handleAnnualDOCX(c *fiber.Ctx) error {
	a, err := s.annualDoc(c)
	if err != nil {
		return err
	}
	year := a.Year
	var buf bytes.Buffer
	if err := a.DOCX(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="annual-report-%d.docx"; filename*=UTF-8''%s`, year, url.PathEscape(a.Title()+".docx")))
	return c.Send(buf.Bytes())
}

// handleAnnualDraft is POST /api/v1/units/{code}/annual/{year}/draft: the
// checked report as a draft in the unit's 年报 column, the Word file
// attached; EINVALID names what is missing.
func (s *handlers) handleAnnualDraft(c *fiber.Ctx) error {
	year, err := annualYear(c)
	if err != nil {
		return err
	}
	p, err := s.RequestDesk.AnnualDraft(c.UserContext(), year, strings.Clone(c.Params("code")), web.Actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// handleAnnualStatus is GET /api/v1/reports/annual/status?year=: which
// units published the year's report, and whether by 31 January.
func (s *handlers) handleAnnualStatus(c *fiber.Ctx) error {
	year := c.QueryInt("year", today().Year()-1)
	if err := catalog.CheckYear(year, today()); err != nil {
		return err
	}
	st, err := s.RequestDesk.AnnualStatuses(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(st)
}
