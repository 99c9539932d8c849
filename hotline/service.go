package hotline

import (
	"context"
	"crypto/subtle"
	"io"
	"strings"
	"time"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/workday"
)

// Event is one step in an order's history.
type Event struct {
	ID     int64  `json:"id"`
	Action string `json:"action"`
	Unit   string `json:"unit,omitempty"` // the unit it concerned (transfer's target, the unit that claimed or returned)
	Note   string `json:"note,omitempty"`
	// Late: a claim or reply after its deadline; Flag: a callback's
	// result, "untrue" on a redo for an untrue reply.
	Late bool      `json:"late,omitempty"`
	Flag string    `json:"flag,omitempty"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Filter selects orders.
type Filter struct {
	Unit  string
	State State
	// Number and SubmitKey find one.
	Number    string
	SubmitKey string
	// ReceivedFrom ≤ received < ReceivedTo, when set.
	ReceivedFrom, ReceivedTo time.Time
	// Open: only orders not closed; Public: only those the caller agreed
	// to publish, replied and closed; AwaitingCallback: closed, the caller
	// not yet reached.
	Open, Public, AwaitingCallback bool
	// Numbers: only these orders; Via: only those an outside system posted.
	Numbers []string
	Via     string
	// Brief leaves out the message, the reply and the caller's phone (the
	// rates need none of them).
	Brief bool
	Limit int
}

// Service keeps orders.
type Service interface {
	// Create numbers and stores a new order (state Received): ENOTFOUND
	// never; EINVALID from Validate.
	Create(ctx context.Context, o *Order, by catalog.Actor) error
	// Find is one order by number: ENOTFOUND.
	Find(ctx context.Context, number string) (*Order, error)
	// FindOrders lists orders, newest first.
	FindOrders(ctx context.Context, f Filter) ([]Order, error)
	// Step applies a step in one transaction with its event and audit
	// entry: ENOTFOUND, ECONFLICT (the state does not allow it, or the
	// order changed since version when non-zero), EINVALID.
	Step(ctx context.Context, number string, s Step, version int, by catalog.Actor) (*Order, error)
	// Events is an order's history, oldest first.
	Events(ctx context.Context, number string) ([]Event, error)
	// EventsOf are the histories of the orders numbered, for the rates.
	EventsOf(ctx context.Context, numbers []string) (map[string][]Event, error)
	// Rules are the county's limits (DefaultRules until it sets them);
	// SaveRules keeps them, audited.
	Rules(ctx context.Context) (Rules, error)
	SaveRules(ctx context.Context, r Rules, by catalog.Actor) error
}

// Files keeps the files attached to orders (a letter's scan, photographs
// of the matter); they are never public.
type Files interface {
	// AddFile records a file kept (attach.Store.Keep) on an order:
	// ENOTFOUND, EINVALID past the most an order carries.
	AddFile(ctx context.Context, number string, a *catalog.Attachment, by catalog.Actor) error
	// Files lists an order's files, oldest first.
	Files(ctx context.Context, number string) ([]catalog.Attachment, error)
	// File is one file and its order's number: ENOTFOUND.
	File(ctx context.Context, id int64) (catalog.Attachment, string, error)
}

// Throttle counts tries by key (package throttle implements it).
type Throttle interface {
	Take(ctx context.Context, key, scope string, now time.Time) (until time.Time, n int, ok bool)
	// Refund gives back a try that did not count after all.
	Refund(ctx context.Context, key string)
	Limit() int
}

// Desk is the hotline's service: the operator's intake, the resident's
// message at the kiosk or online, the steps, the follow-up a caller reaches
// by proof, and the sweep that sends 催办 and 督办.
type Desk struct {
	Orders Service
	// Knowledge is the knowledge base a 直办 cites, and its search.
	Knowledge       Knowledge
	KnowledgeSearch *KnowledgeSearch
	// Announcements are the 领导接听 days.
	Announcements Announcements
	// Files are the orders' files: Keep checks and keeps one (in a folder
	// of their own), OpenFile reads it back.
	Files    Files
	Keep     func(name string, r io.Reader, size int64) (catalog.Attachment, error)
	OpenFile func(a catalog.Attachment) (io.ReadCloser, error)
	Units    catalog.UnitService
	Calendar *workday.Calendar
	// Messages counts residents' messages by address (AddressKey),
	// ScreenMessages those of registered kiosk screens (IsScreen), where
	// many residents write one after another; Lookups their follow-up
	// look-ups.
	Messages, ScreenMessages, Lookups Throttle
	IsScreen                          func(ctx context.Context, ip string) bool
	AddressKey                        func(ip string) string
}

// System is who the sweep acts as.
var System = catalog.Actor{Username: "系统"}

// Intake records a message the operator took (any channel): EINVALID.
func (d *Desk) Intake(ctx context.Context, o *Order, by catalog.Actor) error {
	o.ReceivedAt = time.Now()
	if err := o.Validate(); err != nil {
		return err
	}
	if o.RepeatOf != "" {
		if _, err := d.Orders.Find(ctx, o.RepeatOf); catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return catalog.Invalid("repeat_of", "没有编号为“%s”的工单", o.RepeatOf)
		} else if err != nil {
			return err
		}
	}
	return d.create(ctx, o, by)
}

// Leave records a message a resident left at a kiosk or online: the same
// form, throttled by address (ERATELIMIT); a form sent twice (its answer
// lost on the way) gives the order it already made.
func (d *Desk) Leave(ctx context.Context, o *Order, ch Channel, ip string) error {
	if ch != Kiosk && ch != Online {
		return catalog.Invalid("channel", "留言只能来自查询机或网上")
	}
	// A resident does not name an earlier order: that is the operator's
	// finding (a repeat complaint costs the unit a point).
	o.Channel, o.ReceivedAt, o.RepeatOf = ch, time.Now(), ""
	if err := o.Validate(); err != nil {
		return err
	}
	if o.SubmitKey != "" {
		if len(o.SubmitKey) != 32 {
			o.SubmitKey = ""
		} else if made, err := d.sameMessage(ctx, o); err != nil || made != nil {
			if made != nil {
				*o = *made
			}
			return err
		}
	}
	g := d.Messages
	if d.IsScreen != nil && d.ScreenMessages != nil && d.IsScreen(ctx, ip) {
		g = d.ScreenMessages
	}
	if g != nil {
		if _, _, ok := g.Take(ctx, d.AddressKey(ip), "", time.Now()); !ok {
			return catalog.Errorf(catalog.ERATELIMIT, "本机一小时内已提交%d条留言，请稍后再试，或拨打12345热线", g.Limit())
		}
	}
	err := d.create(ctx, o, catalog.Actor{Username: "来电人", IP: ip})
	if catalog.ErrorCode(err) == catalog.ECONFLICT && o.SubmitKey != "" {
		// The same form twice at once: the other made it.
		if made, ferr := d.sameMessage(ctx, o); ferr == nil && made != nil {
			*o = *made
			return nil
		}
	}
	return err
}

// sameMessage is the order an earlier sending of the same confirmed form
// made: its key, and the same caller and words (a key alone, if ever
// reused, hands nobody else's receipt back). nil when none.
func (d *Desk) sameMessage(ctx context.Context, o *Order) (*Order, error) {
	made, err := d.Orders.FindOrders(ctx, Filter{SubmitKey: o.SubmitKey, Limit: 1})
	if err != nil || len(made) == 0 {
		return nil, err
	}
	m := made[0]
	if m.Phone != o.Phone || m.Name != o.Name || m.Title != o.Title || m.Content != o.Content {
		return nil, catalog.Invalid("submit_key", "该留言已提交，请返回首页重新填写")
	}
	return &m, nil
}

func (d *Desk) create(ctx context.Context, o *Order, by catalog.Actor) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.State, o.UnitCode, o.Token = Received, "", NewToken()
	return d.Orders.Create(ctx, o, by)
}

// Step takes an order a step on: a transfer's unit must be a current unit
// (EINVALID otherwise); the rest as Service.Step.
func (d *Desk) Step(ctx context.Context, number string, s Step, version int, by catalog.Actor) (*Order, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	if s.Action == ActDirect && s.KnowledgeID != 0 && d.Knowledge != nil {
		e, err := d.Knowledge.FindEntry(ctx, s.KnowledgeID)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return nil, catalog.Invalid("knowledge_id", "知识库没有第%d条", s.KnowledgeID)
		} else if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s.Text) == "" {
			s.Text = e.Answer // the entry's answer as it stands
		}
	}
	if s.Action == ActLeak && s.Unit != "" {
		if _, err := d.Units.FindUnit(ctx, s.Unit); catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return nil, catalog.Invalid("unit", "单位“%s”不是本县现有单位", s.Unit)
		} else if err != nil {
			return nil, err
		}
	}
	if s.Action == ActTransfer {
		if s.Unit == "" {
			return nil, catalog.Invalid("unit", "请选择承办单位")
		}
		u, err := d.Units.FindUnit(ctx, s.Unit)
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return nil, err
		}
		if err != nil || u.RetiredOn != nil {
			return nil, catalog.Invalid("unit", "承办单位“%s”不是本县现有单位", s.Unit)
		}
	}
	return d.Orders.Step(ctx, n, s, version, by)
}

// FindByProof is the caller's follow-up: the number with the receipt's
// token, or with the last four digits of the phone given. ENOTFOUND for a
// wrong proof, as for a wrong number; ERATELIMIT when the address has
// looked up too many in its window.
func (d *Desk) FindByProof(ctx context.Context, number, token, phone4, ip string) (*Order, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	// Each try is counted, by address and by number, before it is checked,
	// and given back when right (as the request desk's look-ups).
	ipKey, noKey := "ip:"+d.AddressKey(ip), "order:"+n
	if d.Lookups != nil {
		_, _, ipOK := d.Lookups.Take(ctx, ipKey, "", time.Now())
		_, _, noOK := d.Lookups.Take(ctx, noKey, "", time.Now())
		if !ipOK || !noOK {
			return nil, catalog.Errorf(catalog.ERATELIMIT, "查询错误次数过多，请一分钟后再试")
		}
	}
	o, err := d.Orders.Find(ctx, n)
	wrong := catalog.Errorf(catalog.ENOTFOUND, "编号或电话号码后四位不正确")
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return nil, wrong
		}
		return nil, err
	}
	ok := token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(o.Token)) == 1
	if p4, err := foi.ParsePhone4(phone4); err == nil {
		phone4 = p4 // full-width digits, spaces: as typed at a kiosk or on a phone
	}
	if !ok && len(phone4) == 4 && len(o.Phone) >= 4 {
		ok = subtle.ConstantTimeCompare([]byte(phone4), []byte(o.Phone[len(o.Phone)-4:])) == 1
	}
	if !ok {
		return nil, wrong
	}
	if d.Lookups != nil {
		d.Lookups.Refund(ctx, ipKey)
		d.Lookups.Refund(ctx, noKey)
	}
	return o, nil
}

// Sweep sends the 催办 and 督办 that are due at now: one 催办 for a missed
// deadline from Rules.RemindAfter working days after it, one 督办 from
// SuperviseAfter; each recorded once per deadline, so running it again
// (or on every instance at once: each step names the version it saw)
// sends nothing twice. It returns how many it sent.
func (d *Desk) Sweep(ctx context.Context, now time.Time) (int, error) {
	rules, err := d.Orders.Rules(ctx)
	if err != nil {
		return 0, err
	}
	open, err := d.Orders.FindOrders(ctx, Filter{Open: true, Brief: true})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, o := range open {
		od, late, err := o.OverdueAt(d.Calendar, now)
		if err != nil || !late {
			continue
		}
		what := "认领"
		if !od.Claim {
			what = "答复"
		}
		ver := o.Version // a step another instance took first is not taken twice
		for _, s := range []struct {
			action string
			after  int
			done   *time.Time
		}{{ActRemind, rules.RemindAfter, o.RemindedFor}, {ActSupervise, rules.SuperviseAfter, o.SupervisedFor}} {
			if od.Days < s.after || (s.done != nil && Day(*s.done).Equal(od.Due)) {
				continue
			}
			note := "逾期未" + what + "（应于" + od.Due.Format("2006年1月2日") + "前）"
			got, err := d.Orders.Step(ctx, o.Number, Step{Action: s.action, Reason: note}, ver, System)
			if catalog.ErrorCode(err) == catalog.ECONFLICT {
				break // changed meanwhile: the next sweep sees it
			} else if err != nil {
				return sent, err
			}
			ver = got.Version
			sent++
		}
	}
	return sent, nil
}

// Published lists the answered messages their callers agreed to publish
// (of a unit, or all), as the public sees them (Order.Public).
func (d *Desk) Published(ctx context.Context, unit string, limit int) ([]Order, error) {
	os, err := d.Orders.FindOrders(ctx, Filter{Public: true, Unit: unit, Limit: limit})
	if err != nil {
		return nil, err
	}
	for i := range os {
		os[i] = os[i].Public()
	}
	return os, nil
}

// SearchKnowledge finds knowledge-base answers for q (the kiosk's "常见
// 问题" before a message is left).
func (d *Desk) SearchKnowledge(ctx context.Context, q string, limit int) ([]Entry, error) {
	if d.KnowledgeSearch == nil || strings.TrimSpace(q) == "" {
		return nil, nil
	}
	return d.KnowledgeSearch.Search(ctx, q, "", limit)
}

// UpcomingDays is how far ahead the kiosk's home page shows 领导接听 days.
const UpcomingDays = 14

// Upcoming are the 领导接听 days from today to UpcomingDays ahead.
func (d *Desk) Upcoming(ctx context.Context, now time.Time) ([]Announcement, error) {
	if d.Announcements == nil {
		return nil, nil
	}
	as, err := d.Announcements.FindAnnouncements(ctx, Day(now))
	if err != nil {
		return nil, err
	}
	last := Day(now).AddDate(0, 0, UpcomingDays)
	out := as[:0]
	for _, a := range as {
		if !a.Day.After(last) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Attach keeps a file on an order (a letter's scan, photographs of the
// matter): checked as a publication's attachment is, kept by Keep, and
// recorded with the order, audited. EINVALID names what is wrong with the
// file; ENOTFOUND.
func (d *Desk) Attach(ctx context.Context, number, name string, r io.Reader, size int64, by catalog.Actor) (*catalog.Attachment, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	if _, err := d.Orders.Find(ctx, n); err != nil {
		return nil, err
	}
	a, err := d.Keep(name, r, size)
	if err != nil {
		return nil, err
	}
	if err := d.Files.AddFile(ctx, n, &a, by); err != nil {
		return nil, err
	}
	return &a, nil
}

// Rules are the county's limits.
func (d *Desk) Rules(ctx context.Context) (Rules, error) { return d.Orders.Rules(ctx) }
