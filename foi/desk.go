package foi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gongkai/catalog"
	"gongkai/workday"
)

// Throttle counts tries by key in windows shared by every instance
// (package throttle implements it on the database).
type Throttle interface {
	// Take counts a try and tells whether it was within the limit; the
	// count and the check are one step.
	Take(ctx context.Context, key, scope string, now time.Time) (until time.Time, n int, ok bool)
	// Refund gives back a try that did not count after all.
	Refund(ctx context.Context, key string)
	// Limit is how many tries a window allows.
	Limit() int
}

// Desk is the applicant's side of the request desk: applications made at
// the kiosk or online, the receipt and status pages an applicant reaches
// by proof (the receipt's token or the phone's last four digits), and the
// answer letter.
type Desk struct {
	Requests Service
	Units    catalog.UnitService
	Calendar *workday.Calendar
	// Office is the unit that handles applications (政府信息公开工作机构).
	Office string
	// Applications counts applications by address, ScreenApplications
	// those of registered kiosk screens (IsScreen), where many residents
	// apply one after another; Lookups counts wrong proofs by address and
	// by number.
	Applications, ScreenApplications, Lookups Throttle
	IsScreen                                  func(ctx context.Context, ip string) bool
	// AddressKey is what an address is counted by (an IPv6 client by its
	// /64, say).
	AddressKey func(ip string) string
	// Remedy fills the letters' remedy sentence: the review body and the
	// court.
	ReviewBody, Court string
}

// Submit registers an application made by the applicant at the kiosk or
// online: received today (art. 31), answered by Office. A refused form
// costs no allowance; EINVALID names the field, ERATELIMIT when the
// address has used its hour's allowance.
func (d *Desk) Submit(ctx context.Context, r *Request, ch Channel, ip string) error {
	r.UnitCode, r.Channel, r.ReceivedOn = d.Office, ch, time.Now().In(catalog.Shanghai)
	if err := r.Validate(); err != nil {
		return err
	}
	g := d.Applications
	if d.IsScreen != nil && d.IsScreen(ctx, ip) {
		g = d.ScreenApplications
	}
	if _, _, ok := g.Take(ctx, d.AddressKey(ip), "", time.Now()); !ok {
		return catalog.Errorf(catalog.ERATELIMIT, "本机一小时内已提交%d件申请，请稍后再试；如需继续申请，请到受理窗口当面提交或联系工作人员", g.Limit())
	}
	return d.Requests.Create(ctx, r, catalog.Actor{Username: "申请人", IP: ip})
}

// FindByProof finds a request for its applicant, who proves it is theirs
// by its receipt token or by the last four digits of the phone given;
// wrong guesses are throttled by address and by number, and a wrong number
// answers as a wrong proof. The number is read into its one canonical form
// first: a database's collation would match full-width or zero-width
// spellings to the same number, each with a throttle of its own. EINVALID
// for a malformed number, ENOTFOUND for a wrong proof, ERATELIMIT.
func (d *Desk) FindByProof(ctx context.Context, number, phone4, token, ip string) (*Request, error) {
	now := time.Now()
	number, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	if token == "" {
		if phone4, err = ParsePhone4(phone4); err != nil {
			return nil, err
		}
	}
	// Each try is counted before it is checked, and given back when right.
	ipKey, noKey := "ip:"+d.AddressKey(ip), "no:"+number
	_, _, ipOK := d.Lookups.Take(ctx, ipKey, "", now)
	_, _, noOK := d.Lookups.Take(ctx, noKey, "", now)
	if !ipOK || !noOK {
		return nil, catalog.Errorf(catalog.ERATELIMIT, "查询错误次数过多，请一分钟后再试")
	}
	wrong := func() error {
		if token != "" {
			return catalog.Errorf(catalog.ENOTFOUND, "回执链接不正确或已失效，请用登记号和电话号码后四位查询")
		}
		return catalog.Errorf(catalog.ENOTFOUND, "登记号或电话号码后四位不正确")
	}
	r, err := d.Requests.Find(ctx, number)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return nil, wrong()
		}
		return nil, err
	}
	if token != "" && !TokenMatches(r, token) || token == "" && !strings.HasSuffix(r.Phone, phone4) {
		return nil, wrong()
	}
	d.Lookups.Refund(ctx, ipKey)
	d.Lookups.Refund(ctx, noKey)
	return r, nil
}

// Status is what the public status lookup shows of a request found by
// proof (see FindByProof): nothing personal but the masked name.
func (d *Desk) Status(ctx context.Context, number, phone4, token, ip string) (*PublicStatus, error) {
	r, err := d.FindByProof(ctx, number, phone4, token, ip)
	if err != nil {
		return nil, err
	}
	v := &PublicStatus{Number: r.Number, Applicant: MaskName(r.Display()), ReceivedOn: r.ReceivedOn.Format("2006-01-02"), State: r.State.Name()}
	c, err := ClockOf(r, d.Calendar, time.Now().In(catalog.Shanghai))
	if err != nil {
		return nil, err
	}
	if !c.Due.IsZero() {
		v.DueOn = c.Due.Format("2006-01-02")
	}
	v.Paused = c.Paused
	if r.State == Answered || r.State == Closed {
		if info, ok := OutcomeOf(r.Outcome); ok {
			v.Outcome = info.Label()
		}
		v.LetterNo = r.LetterNo
		if r.LetterNo != "" {
			l, err := d.Letter(ctx, r)
			if err != nil {
				return nil, err
			}
			l.To = MaskName(r.Display())
			v.Letter = l.Paragraphs()
		}
	}
	return v, nil
}

// AnswerLetter is the 政府信息公开答复书 of an answered request.
type AnswerLetter struct {
	No, To, Issuer, Body, Basis, Remedy string
	Received                            string
	Channel                             string
	Description                         string
	Decision, Text                      string
	Date                                string
}

// Paragraphs is the letter as lines of text, in the seed's order.
func (l AnswerLetter) Paragraphs() []string {
	out := []string{"政府信息公开答复书", l.No, l.To + "：",
		fmt.Sprintf("%s于%s收到你通过%s方式提出的政府信息公开申请，申请内容为：“%s”。现答复如下：", l.Issuer, l.Received, l.Channel, l.Description),
		l.Decision}
	if l.Text != "" {
		out = append(out, l.Text)
	}
	return append(out, l.Remedy, l.Issuer, l.Date)
}

// Letter composes a request's answer letter; ENOTFOUND for its unit.
func (d *Desk) Letter(ctx context.Context, r *Request) (AnswerLetter, error) {
	u, err := d.Units.FindUnit(ctx, r.UnitCode)
	if err != nil {
		return AnswerLetter{}, err
	}
	info, _ := OutcomeOf(r.Outcome)
	l := AnswerLetter{No: r.LetterNo, To: r.Display(), Issuer: u.FullName, Received: r.ReceivedOn.Format("2006年1月2日"),
		Channel: r.Channel.Name(), Description: r.Description, Decision: info.Letter, Text: r.AnswerText, Basis: info.Basis,
		Remedy: fmt.Sprintf(Remedy, d.ReviewBody, d.Court)}
	if r.DecidedOn != nil {
		l.Date = r.DecidedOn.Format("2006年1月2日")
	}
	return l, nil
}
