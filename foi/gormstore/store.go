// Package gormstore is foi's persistence on gorm: requests with their ID
// and phone numbers sealed, their history, and the number counters.
package gormstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/foi"
	"gongkai/secret"
	"gongkai/workday"
)

type requestRecord struct {
	ID               int64      `gorm:"primaryKey"`
	Number           string     `gorm:"size:20;not null;uniqueIndex"`
	UnitCode         string     `gorm:"size:40;not null;index"`
	UnitNo           string     `gorm:"size:40"`
	ForwardedTo      string     `gorm:"size:40;index"`
	ApplicantType    string     `gorm:"size:20;not null"`
	Name             string     `gorm:"size:200"`
	OrgName          string     `gorm:"size:400"`
	LegalRep         string     `gorm:"size:200"`
	IDType           string     `gorm:"size:20"`
	IDNumberSealed   string     `gorm:"size:200"`
	CreditCode       string     `gorm:"size:20"`
	Address          string     `gorm:"size:400"`
	PhoneSealed      string     `gorm:"size:200"`
	Email            string     `gorm:"size:200"`
	Description      string     `gorm:"type:text"`
	Purpose          string     `gorm:"type:text"`
	Form             string     `gorm:"size:20"`
	Delivery         string     `gorm:"size:400"`
	Channel          string     `gorm:"size:20"`
	ReceivedOn       time.Time  `gorm:"type:date;index"`
	ClockFrom        time.Time  `gorm:"type:date"`
	State            string     `gorm:"size:20;not null;index"`
	CorrectionSentOn *time.Time `gorm:"type:date"`
	CorrectionDue    *time.Time `gorm:"type:date"`
	Pauses           string     `gorm:"type:text"`
	ExtensionDays    int
	ExtensionReason  string     `gorm:"size:1000"`
	Outcome          string     `gorm:"size:40"`
	AnswerText       string     `gorm:"type:text"`
	LetterNo         string     `gorm:"size:40"`
	DelayedTo        *time.Time `gorm:"type:date"`
	ReasonsOn        *time.Time `gorm:"type:date"`
	FeeBasis         string     `gorm:"size:10"`
	FeeDetail        string     `gorm:"size:200"`
	FeeAmount        int
	LetterIssuer     string     `gorm:"size:200"`
	LetterRemedy     string     `gorm:"size:1000"`
	DecidedOn        *time.Time `gorm:"type:date;index"`
	DeliveredOn      *time.Time `gorm:"type:date"`
	DeliveryNote     string     `gorm:"size:1000"`
	SplitFrom        string     `gorm:"size:20"`
	MergedInto       string     `gorm:"size:20"`
	ReceiptToken     string     `gorm:"size:32"`
	SubmitKey        *string    `gorm:"size:32;uniqueIndex"`
	DueOn            *time.Time `gorm:"type:date;index"`
	Version          int        `gorm:"not null;default:1"`
	CreatedAt        time.Time
}

func (requestRecord) TableName() string { return "foi_requests" }

type eventRecord struct {
	ID        int64     `gorm:"primaryKey"`
	RequestID int64     `gorm:"not null;index"`
	Action    string    `gorm:"size:20;not null"`
	On        time.Time `gorm:"type:date"`
	Note      string    `gorm:"type:text"`
	By        string    `gorm:"size:80"`
	At        time.Time
}

func (eventRecord) TableName() string { return "foi_events" }

type counterRecord struct {
	Scope string `gorm:"primaryKey;size:80"`
	Next  int64  `gorm:"not null"`
}

func (counterRecord) TableName() string { return "foi_counters" }

type reviewRecord struct {
	UnitCode string `gorm:"primaryKey;size:40"`
	Year     int    `gorm:"primaryKey"`
	Counts   string `gorm:"size:400;not null"` // JSON foi.ReviewCounts
}

func (reviewRecord) TableName() string { return "foi_review_counts" }

// noticeRecord is a paper the procedure issued, its text frozen.
type noticeRecord struct {
	ID         int64         `gorm:"primaryKey"`
	RequestID  int64         `gorm:"not null;index"`
	Kind       string        `gorm:"size:20;not null"`
	No         string        `gorm:"size:40;not null"`
	Addressee  string        `gorm:"size:400"`
	IssuedOn   time.Time     `gorm:"type:date"`
	Via        string        `gorm:"size:200"`
	Paragraphs string        `gorm:"type:text"` // JSON array
	Issuer     string        `gorm:"size:200"`
	Request    requestRecord `gorm:"foreignKey:RequestID;constraint:OnDelete:CASCADE"`
}

func (noticeRecord) TableName() string { return "foi_notices" }

// Migrate creates the tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&requestRecord{}, &eventRecord{}, &counterRecord{}, &reviewRecord{}, &noticeRecord{}, &annualRecord{}); err != nil {
		return fmt.Errorf("foi gormstore: migrate: %w", err)
	}
	return numberOldRequests(db)
}

// unitName is a unit's short name, its code when it has none.
func unitName(tx *gorm.DB, code string) string {
	var names []string
	if err := tx.Table("units").Where("code = ?", code).Limit(1).Pluck("name", &names).Error; err != nil || len(names) == 0 || names[0] == "" {
		return code
	}
	return names[0]
}

// optional is s as a nullable column: NULL when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Store implements foi.Service.
type Store struct {
	db    *gorm.DB
	box   *secret.Box
	cal   *workday.Calendar
	audit dbconn.AuditFunc
	now   func() time.Time
}

var _ foi.Service = (*Store)(nil)

// New returns a store sealing personal data with box and counting working
// days with cal; audit may be nil in tests of the store alone.
func New(db *gorm.DB, box *secret.Box, cal *workday.Calendar, audit dbconn.AuditFunc) *Store {
	return &Store{db: db, box: box, cal: cal, audit: dbconn.AuditOrNone(audit), now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) toRecord(r *foi.Request) (requestRecord, error) {
	id, err := s.box.Seal(r.IDNumber)
	if err != nil {
		return requestRecord{}, err
	}
	phone, err := s.box.Seal(r.Phone)
	if err != nil {
		return requestRecord{}, err
	}
	pauses := make([]foi.Pause, len(r.Pauses))
	for i, p := range r.Pauses {
		pauses[i] = foi.Pause{Kind: p.Kind, Party: p.Party, From: dbconn.DayToDB(p.From), To: dbconn.DayPtrToDB(p.To), Delivered: dbconn.DayPtrToDB(p.Delivered)}
	}
	pj, _ := json.Marshal(pauses)
	rec := requestRecord{ID: r.ID, Number: r.Number, UnitCode: r.UnitCode, UnitNo: r.UnitNo, ForwardedTo: r.ForwardedTo,
		ApplicantType: string(r.Type), Name: r.Name, OrgName: r.OrgName, LegalRep: r.LegalRep, IDType: string(r.IDType),
		IDNumberSealed: id, CreditCode: r.CreditCode, Address: r.Address, PhoneSealed: phone, Email: r.Email,
		Description: r.Description, Purpose: r.Purpose, Form: string(r.Form), Delivery: r.Delivery, Channel: string(r.Channel),
		ReceivedOn: dbconn.DayToDB(r.ReceivedOn), ClockFrom: dbconn.DayToDB(r.ClockFrom), State: string(r.State),
		CorrectionSentOn: dbconn.DayPtrToDB(r.CorrectionSentOn), CorrectionDue: dbconn.DayPtrToDB(r.CorrectionDue), Pauses: string(pj),
		ExtensionDays: r.ExtensionDays, ExtensionReason: r.ExtensionReason, Outcome: string(r.Outcome), AnswerText: r.AnswerText,
		LetterNo: r.LetterNo, LetterIssuer: r.LetterIssuer, LetterRemedy: r.LetterRemedy, DecidedOn: dbconn.DayPtrToDB(r.DecidedOn),
		DelayedTo: dbconn.DayPtrToDB(r.DelayedTo), ReasonsOn: dbconn.DayPtrToDB(r.ReasonsOn), FeeBasis: r.FeeBasis, FeeDetail: r.FeeDetail, FeeAmount: r.FeeAmount, DeliveredOn: dbconn.DayPtrToDB(r.DeliveredOn), DeliveryNote: r.DeliveryNote,
		SplitFrom: r.SplitFrom, MergedInto: r.MergedInto, ReceiptToken: r.ReceiptToken, SubmitKey: optional(r.SubmitKey), Version: r.Version, CreatedAt: r.CreatedAt}
	if !r.DueOn.IsZero() {
		rec.DueOn = dbconn.DayPtrToDB(&r.DueOn)
	}
	return rec, nil
}

func (s *Store) fromRecord(rec requestRecord) (foi.Request, error) {
	return s.fromRecordSealed(rec, false)
}

// fromRecordSealed is fromRecord, leaving the ID number and phone sealed
// (empty) when sealed.
func (s *Store) fromRecordSealed(rec requestRecord, sealed bool) (foi.Request, error) {
	var id, phone string
	if !sealed {
		var err error
		if id, err = s.box.Open(rec.IDNumberSealed); err != nil {
			return foi.Request{}, fmt.Errorf("foi gormstore: request %s: %w", rec.Number, err)
		}
		if phone, err = s.box.Open(rec.PhoneSealed); err != nil {
			return foi.Request{}, fmt.Errorf("foi gormstore: request %s: %w", rec.Number, err)
		}
	}
	r := foi.Request{ID: rec.ID, Number: rec.Number, UnitCode: rec.UnitCode, UnitNo: rec.UnitNo, ForwardedTo: rec.ForwardedTo,
		Applicant: foi.Applicant{Type: foi.ApplicantType(rec.ApplicantType), Name: rec.Name, OrgName: rec.OrgName, LegalRep: rec.LegalRep,
			IDType: foi.IDType(rec.IDType), IDNumber: id, CreditCode: rec.CreditCode, Address: rec.Address, Phone: phone, Email: rec.Email},
		Description: rec.Description, Purpose: rec.Purpose, Form: foi.Form(rec.Form), Delivery: rec.Delivery, Channel: foi.Channel(rec.Channel),
		ReceivedOn: dbconn.DayFromDB(rec.ReceivedOn), ClockFrom: dbconn.DayFromDB(rec.ClockFrom), State: foi.State(rec.State),
		CorrectionSentOn: dbconn.DayPtrFromDB(rec.CorrectionSentOn), CorrectionDue: dbconn.DayPtrFromDB(rec.CorrectionDue),
		ExtensionDays: rec.ExtensionDays, ExtensionReason: rec.ExtensionReason, Outcome: foi.Outcome(rec.Outcome), AnswerText: rec.AnswerText,
		LetterNo: rec.LetterNo, LetterIssuer: rec.LetterIssuer, LetterRemedy: rec.LetterRemedy, DecidedOn: dbconn.DayPtrFromDB(rec.DecidedOn),
		DelayedTo: dbconn.DayPtrFromDB(rec.DelayedTo), ReasonsOn: dbconn.DayPtrFromDB(rec.ReasonsOn), FeeBasis: rec.FeeBasis, FeeDetail: rec.FeeDetail, FeeAmount: rec.FeeAmount, DeliveredOn: dbconn.DayPtrFromDB(rec.DeliveredOn), DeliveryNote: rec.DeliveryNote,
		SplitFrom: rec.SplitFrom, MergedInto: rec.MergedInto, ReceiptToken: rec.ReceiptToken, Version: rec.Version, CreatedAt: rec.CreatedAt, Pauses: []foi.Pause{}}
	if rec.SubmitKey != nil {
		r.SubmitKey = *rec.SubmitKey
	}
	if rec.DueOn != nil {
		r.DueOn = dbconn.DayFromDB(*rec.DueOn)
	}
	var pauses []foi.Pause
	_ = json.Unmarshal([]byte(rec.Pauses), &pauses)
	for _, p := range pauses {
		r.Pauses = append(r.Pauses, foi.Pause{Kind: p.Kind, Party: p.Party, From: dbconn.DayFromDB(p.From), To: dbconn.DayPtrFromDB(p.To), Delivered: dbconn.DayPtrFromDB(p.Delivered)})
	}
	return r, nil
}

// masked is a request as the audit log keeps it: no full ID or phone.
func masked(r foi.Request) foi.Request {
	r.IDNumber, r.Phone = foi.MaskID(r.IDNumber), foi.MaskPhone(r.Phone)
	return r
}

// numberInUnit gives r the next number in its unit's own register of the
// year it was received (each organ numbers its own requests).
func numberInUnit(tx *gorm.DB, r *foi.Request) error {
	year := r.ReceivedOn.Year()
	n, err := next(tx, foi.UnitCounter(r.UnitCode, year))
	if err != nil {
		return err
	}
	r.UnitNo = foi.FormatUnitNumber(year, n)
	return nil
}

// numberOldRequests gives the requests registered before units numbered
// their own a number in their unit's register, in the order they came.
func numberOldRequests(db *gorm.DB) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var recs []requestRecord
		if err := tx.Select("id, unit_code, received_on").Where("unit_no IS NULL OR unit_no = ''").Order("id").Find(&recs).Error; err != nil {
			return fmt.Errorf("foi gormstore: number old requests: %w", err)
		}
		for _, rec := range recs {
			r := foi.Request{UnitCode: rec.UnitCode, ReceivedOn: dbconn.DayFromDB(rec.ReceivedOn)}
			if err := numberInUnit(tx, &r); err != nil {
				return err
			}
			if err := tx.Model(&requestRecord{}).Where("id = ?", rec.ID).UpdateColumn("unit_no", r.UnitNo).Error; err != nil {
				return fmt.Errorf("foi gormstore: number old requests: %w", err)
			}
		}
		return nil
	})
}

// next takes the next value of a counter in the transaction.
func next(tx *gorm.DB, scope string) (int64, error) {
	return dbconn.NextCounter(tx, &counterRecord{}, scope)
}

func (s *Store) setDue(r *foi.Request) error {
	c, err := foi.ClockOf(r, s.cal, s.now())
	if err != nil {
		return err
	}
	r.DueOn = c.Due
	return nil
}

func (s *Store) insert(tx *gorm.DB, r *foi.Request, by catalog.Actor, action, note string, at time.Time) error {
	if err := dbconn.HoldUnit(tx, r.UnitCode, "unit_code"); err != nil {
		return err
	}
	year := r.ReceivedOn.Year()
	n, err := next(tx, fmt.Sprintf("request-%d", year))
	if err != nil {
		return err
	}
	r.Number = foi.FormatNumber(strconv.Itoa(year), int(n))
	if err := numberInUnit(tx, r); err != nil {
		return err
	}
	r.ReceiptToken = foi.NewReceiptToken()
	r.Version, r.CreatedAt = 1, at.UTC()
	if err := s.setDue(r); err != nil {
		return err
	}
	rec, err := s.toRecord(r)
	if err != nil {
		return err
	}
	if err := tx.Create(&rec).Error; err != nil {
		return fmt.Errorf("foi gormstore: create request: %w", err)
	}
	r.ID = rec.ID
	if err := tx.Create(&eventRecord{RequestID: rec.ID, Action: action, On: dbconn.DayToDB(r.ReceivedOn), Note: note, By: by.Username, At: at.UTC()}).Error; err != nil {
		return err
	}
	return s.audit(tx, by, r.UnitCode, "request", action, r.Number, "依申请公开 "+r.Number, nil, masked(*r))
}

// Create implements foi.Service.
func (s *Store) Create(ctx context.Context, r *foi.Request, by catalog.Actor) error {
	if err := r.ValidateAt(s.now()); err != nil {
		return err
	}
	asked := *r
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*r = asked // as asked, when run again after a deadlock
		return s.insert(tx, r, by, "register", r.Channel.Name()+"申请", time.Now())
	})
}

// Backfill registers a request received and registered in the past, as a
// county's earlier paper register (or the demo) records it: at is when it
// was entered in the register, which the inspection's 依申请公开目录 check
// compares with the day it was received. Not reachable from the API.
func (s *Store) Backfill(ctx context.Context, r *foi.Request, at time.Time, by catalog.Actor) error {
	if err := r.ValidateAt(s.now()); err != nil {
		return err
	}
	if at.Before(r.ReceivedOn) || at.After(s.now()) {
		return catalog.Invalid("registered", "登记时间须在收到申请之后、今天之前")
	}
	asked := *r
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*r = asked // as asked, when run again after a deadlock
		return s.insert(tx, r, by, "register", r.Channel.Name()+"申请（补录）", at)
	})
}

// Find implements foi.Service.
func (s *Store) Find(ctx context.Context, number string) (*foi.Request, error) {
	var rec requestRecord
	if err := s.db.WithContext(ctx).Take(&rec, "number = ?", number).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "没有登记号为“%s”的申请", number)
		}
		return nil, fmt.Errorf("foi gormstore: find %s: %w", number, err)
	}
	r, err := s.fromRecord(rec)
	return &r, err
}

// LastEventID is the id of the newest step taken on any request: it moves
// whenever a request changes.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.WithContext(ctx).Model(&eventRecord{}).Select("COALESCE(MAX(id), 0)").Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("foi gormstore: last event: %w", err)
	}
	return id, nil
}

// FindRequests implements foi.Service.
func (s *Store) FindRequests(ctx context.Context, f foi.Filter) ([]foi.Request, error) {
	q := s.db.WithContext(ctx).Order("received_on DESC, id DESC")
	if f.ByDue {
		q = s.db.WithContext(ctx).Order("due_on, received_on DESC, id DESC")
	}
	if f.UnitCode != "" {
		q = q.Where("unit_code = ? OR forwarded_to = ?", f.UnitCode, f.UnitCode)
	}
	if f.Open {
		q = q.Where("state IN ?", foi.OpenStates)
	}
	if f.SubmitKey != "" {
		q = q.Where("submit_key = ?", f.SubmitKey)
	}
	if f.Year != 0 {
		q = q.Where("received_on >= ? AND received_on < ?", time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	if !f.ActiveTo.IsZero() {
		q = q.Where("received_on <= ? AND (decided_on IS NULL OR decided_on >= ?)", dbconn.DayToDB(f.ActiveTo), dbconn.DayToDB(f.ActiveFrom))
	}
	if f.After != nil {
		day := dbconn.DayToDB(f.After.At)
		q = q.Where("received_on < ? OR (received_on = ? AND id < ?)", day, day, f.After.ID)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var recs []requestRecord
	if err := q.Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("foi gormstore: requests: %w", err)
	}
	out := make([]foi.Request, 0, len(recs))
	for _, rec := range recs {
		r, err := s.fromRecordSealed(rec, f.Sealed)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Events implements foi.Service.
func (s *Store) Events(ctx context.Context, number string) ([]foi.Event, error) {
	var recs []eventRecord
	err := s.db.WithContext(ctx).Joins("JOIN foi_requests ON foi_requests.id = foi_events.request_id").
		Where("foi_requests.number = ?", number).Order("foi_events.id").Find(&recs).Error
	if err != nil {
		return nil, fmt.Errorf("foi gormstore: events: %w", err)
	}
	out := make([]foi.Event, len(recs))
	for i, e := range recs {
		out[i] = foi.Event{Action: e.Action, Name: foi.ActionName(e.Action), On: dbconn.DayFromDB(e.On), Note: e.Note, By: e.By, At: e.At}
	}
	return out, nil
}

// load reads a request for change in tx.
func (s *Store) load(tx *gorm.DB, number string) (requestRecord, foi.Request, error) {
	var rec requestRecord
	if err := tx.Take(&rec, "number = ?", number).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return rec, foi.Request{}, catalog.Errorf(catalog.ENOTFOUND, "没有登记号为“%s”的申请", number)
		}
		return rec, foi.Request{}, err
	}
	r, err := s.fromRecord(rec)
	return rec, r, err
}

func (s *Store) save(tx *gorm.DB, before foi.Request, r *foi.Request) error {
	r.Version = before.Version + 1
	rec, err := s.toRecord(r)
	if err != nil {
		return err
	}
	res := tx.Model(&requestRecord{}).Where("id = ? AND version = ?", r.ID, before.Version).Select("*").Omit("id", "created_at").Updates(&rec)
	if res.Error != nil {
		return fmt.Errorf("foi gormstore: save %s: %w", r.Number, res.Error)
	}
	if res.RowsAffected == 0 {
		return catalog.Errorf(catalog.ECONFLICT, "申请%s已被他人修改，请刷新后重试", r.Number)
	}
	return nil
}

// Step implements foi.Service.
func (s *Store) Step(ctx context.Context, number string, st foi.Step, by catalog.Actor) (*foi.Request, error) {
	var out foi.Request
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		_, before, err := s.load(tx, number)
		if err != nil {
			return err
		}
		r := before
		r.Pauses = append([]foi.Pause(nil), before.Pauses...)
		now := s.now()
		if err := foi.Apply(&r, st, s.cal, now); err != nil {
			return err
		}
		if st.Action == foi.ActMerge {
			if err := s.checkMergeTarget(tx, r); err != nil {
				return err
			}
		}
		if st.Action == foi.ActForward || st.Action == foi.ActReassign {
			if err := dbconn.HoldUnit(tx, st.Unit, "unit"); err != nil {
				return err
			}
		}
		if st.Action == foi.ActReassign {
			// The new unit registers it in its own register; the resident's
			// registration number stays.
			if err := numberInUnit(tx, &r); err != nil {
				return err
			}
		}
		if st.Action == foi.ActAnswer {
			year := r.DecidedOn.Year()
			n, err := next(tx, fmt.Sprintf("letter-%s-%d", r.UnitCode, year))
			if err != nil {
				return err
			}
			r.LetterNo = fmt.Sprintf("NO.〔%d〕%d号", year, n)
		}
		if err := s.setDue(&r); err != nil {
			return err
		}
		if err := s.save(tx, before, &r); err != nil {
			return err
		}
		on := st.On
		if on.IsZero() {
			on = now
		}
		st.On = on
		clock, err := foi.ClockOf(&r, s.cal, now)
		if err != nil {
			return err
		}
		var numbers []string
		for _, p := range foi.Papers(&r, st, clock) {
			no, err := s.issue(tx, r, st, p)
			if err != nil {
				return err
			}
			numbers = append(numbers, p.Kind.Title()+no)
		}
		note := st.Note
		switch st.Action {
		case foi.ActConsult:
			note = strings.TrimSpace(st.Party + " " + note)
		case foi.ActForward:
			note = strings.TrimSpace(st.Unit + " " + note)
		case foi.ActReassign:
			note = strings.TrimSpace("由" + unitName(tx, before.UnitCode) + "改派至" + unitName(tx, st.Unit) + "（" + r.UnitNo + "） " + note)
		case foi.ActExtend:
			note = fmt.Sprintf("延长%d个工作日：%s", st.Days, note)
		case foi.ActMerge:
			note = fmt.Sprintf("并入%s办理：%s", r.MergedInto, note)
		case foi.ActAnswer:
			info, _ := foi.OutcomeOf(st.Outcome)
			note = r.LetterNo + " " + info.Label()
		}
		if len(numbers) > 0 {
			note = strings.TrimSpace(note + "（" + strings.Join(numbers, "、") + "）")
		}
		if err := tx.Create(&eventRecord{RequestID: r.ID, Action: st.Action, On: dbconn.DayToDB(on), Note: note, By: by.Username, At: time.Now().UTC()}).Error; err != nil {
			return err
		}
		out = r
		return s.audit(tx, by, r.UnitCode, "request", st.Action, r.Number, foi.ActionName(st.Action)+" "+r.Number, masked(before), masked(r))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkMergeTarget refuses to merge r into a request that does not exist,
// is no longer open, belongs to another unit or was itself merged.
func (s *Store) checkMergeTarget(tx *gorm.DB, r foi.Request) error {
	var t requestRecord
	if err := tx.Select("number, unit_code, state, merged_into").Take(&t, "number = ?", r.MergedInto).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return catalog.Invalid("into", "没有登记号为“%s”的申请", r.MergedInto)
		}
		return err
	}
	switch {
	case t.UnitCode != r.UnitCode:
		return catalog.Invalid("into", "申请%s不由本单位办理，不能合并", t.Number)
	case t.MergedInto != "":
		return catalog.Invalid("into", "申请%s已并入%s，请合并到%s", t.Number, t.MergedInto, t.MergedInto)
	case !foi.State(t.State).Open():
		return catalog.Invalid("into", "申请%s已办结，不能再合并；重复申请请以“不予处理（重复申请）”答复", t.Number)
	}
	return nil
}

// Split implements foi.Service.
func (s *Store) Split(ctx context.Context, number string, descriptions []string, by catalog.Actor) ([]foi.Request, error) {
	var parts []string
	for _, d := range descriptions {
		if d = strings.TrimSpace(d); d != "" {
			parts = append(parts, d)
		}
	}
	if len(parts) < 2 {
		return nil, catalog.Invalid("descriptions", "拆分至少需要两项，每项一个政府信息")
	}
	var out []foi.Request
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		out = nil // run again after a deadlock
		_, before, err := s.load(tx, number)
		if err != nil {
			return err
		}
		if before.State != foi.Registered || before.CorrectionSentOn != nil || len(before.Pauses) > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "只有刚登记、尚未办理的申请才能拆分")
		}
		// The first part keeps the number; the others get their own.
		r := before
		r.Description = parts[0]
		if err := s.save(tx, before, &r); err != nil {
			return err
		}
		out = append(out, r)
		for _, d := range parts[1:] {
			p := before
			p.ID, p.Description, p.SplitFrom, p.Pauses, p.SubmitKey = 0, d, before.Number, nil, ""
			if err := s.insert(tx, &p, by, "split", "由"+before.Number+"拆分", time.Now()); err != nil {
				return err
			}
			out = append(out, p)
		}
		return tx.Create(&eventRecord{RequestID: r.ID, Action: "split", On: dbconn.DayToDB(s.now()), Note: fmt.Sprintf("拆分为%d项", len(parts)), By: by.Username, At: time.Now().UTC()}).Error
	})
	return out, err
}

// Recompute implements foi.Service.
func (s *Store) Recompute(ctx context.Context, by catalog.Actor) (int, error) {
	open, err := s.FindRequests(ctx, foi.Filter{Open: true})
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, r := range open {
		old := r.DueOn
		if err := s.setDue(&r); err != nil {
			return moved, err
		}
		if r.DueOn.Equal(old) {
			continue
		}
		err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
			if err := tx.Model(&requestRecord{}).Where("id = ?", r.ID).Update("due_on", dbconn.DayPtrToDB(&r.DueOn)).Error; err != nil {
				return err
			}
			note := fmt.Sprintf("节假日安排调整，答复期限由%s改为%s", old.Format("2006-01-02"), r.DueOn.Format("2006-01-02"))
			if err := tx.Create(&eventRecord{RequestID: r.ID, Action: "recompute", On: dbconn.DayToDB(s.now()), Note: note, By: by.Username, At: time.Now().UTC()}).Error; err != nil {
				return err
			}
			return s.audit(tx, by, r.UnitCode, "request", "recompute", r.Number, note, nil, nil)
		})
		if err != nil {
			return moved, err
		}
		moved++
	}
	return moved, nil
}

// Resealed re-seals every request's personal data with the current key
// (after a key rotation); it returns how many were rewritten.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	var recs []requestRecord
	if err := s.db.WithContext(ctx).Select("id", "number", "id_number_sealed", "phone_sealed").Find(&recs).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, rec := range recs {
		if s.box.Current(rec.IDNumberSealed) && s.box.Current(rec.PhoneSealed) {
			continue
		}
		id, err := s.box.Open(rec.IDNumberSealed)
		if err != nil {
			return n, fmt.Errorf("request %s: %w", rec.Number, err)
		}
		phone, err := s.box.Open(rec.PhoneSealed)
		if err != nil {
			return n, fmt.Errorf("request %s: %w", rec.Number, err)
		}
		sid, _ := s.box.Seal(id)
		sphone, _ := s.box.Seal(phone)
		if err := s.db.WithContext(ctx).Model(&requestRecord{}).Where("id = ?", rec.ID).
			Updates(map[string]any{"id_number_sealed": sid, "phone_sealed": sphone}).Error; err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ReviewCounts returns the table 四 of a unit and year, or of every unit
// when unit is "".
func (s *Store) ReviewCounts(ctx context.Context, unit string, year int) (foi.ReviewCounts, error) {
	q := s.db.WithContext(ctx).Where("year = ?", year)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var recs []reviewRecord
	if err := q.Find(&recs).Error; err != nil {
		return foi.ReviewCounts{}, fmt.Errorf("foi gormstore: review counts: %w", err)
	}
	var sum foi.ReviewCounts
	for _, r := range recs {
		var c foi.ReviewCounts
		if err := json.Unmarshal([]byte(r.Counts), &c); err != nil {
			return sum, fmt.Errorf("foi gormstore: review counts of %s %d: %w", r.UnitCode, r.Year, err)
		}
		sum.Add(c)
	}
	return sum, nil
}

// SaveReviewCounts stores a unit's table 四 for a year; EINVALID.
func (s *Store) SaveReviewCounts(ctx context.Context, unit string, year int, c foi.ReviewCounts, by catalog.Actor) error {
	if err := c.Validate(); err != nil {
		return err
	}
	before, err := s.ReviewCounts(ctx, unit, year)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(c)
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := dbconn.HoldUnit(tx, unit, "unit"); err != nil {
			return err
		}
		rec := reviewRecord{UnitCode: unit, Year: year, Counts: string(data)}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_code"}, {Name: "year"}}, DoUpdates: clause.AssignmentColumns([]string{"counts"})}).Create(&rec).Error; err != nil {
			return fmt.Errorf("foi gormstore: save review counts: %w", err)
		}
		return s.audit(tx, by, unit, "request", "review_counts", year, fmt.Sprintf("%d年行政复议、行政诉讼情况", year), before, c)
	})
}

// OpenDueDates returns the due dates of the open requests that have one
// (registered, forwarded, or consulting: a consultation's due date counts
// its 15 working days at most), for the counts of those due soon and
// overdue.
func (s *Store) OpenDueDates(ctx context.Context) ([]time.Time, error) {
	var due []time.Time
	err := s.db.WithContext(ctx).Model(&requestRecord{}).
		Where("state IN ? AND due_on IS NOT NULL", []foi.State{foi.Registered, foi.Forwarded, foi.Consulting, foi.AwaitingFee}).
		Pluck("due_on", &due).Error
	return due, err
}

// MoveUnit hands a unit's requests, and those forwarded to it, to its
// successor in an institutional reform, noting it in each one's history;
// it returns their numbers.
func (s *Store) MoveUnit(tx *gorm.DB, from, to, note string, by catalog.Actor) (string, []string, error) {
	// The year's 行政复议 and 诉讼 figures (table 四) join the successor's.
	var counts []reviewRecord
	if err := tx.Where("unit_code = ?", from).Find(&counts).Error; err != nil {
		return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
	}
	for _, c := range counts {
		var sum, theirs foi.ReviewCounts
		_ = json.Unmarshal([]byte(c.Counts), &sum)
		var have reviewRecord
		if err := tx.Where("unit_code = ? AND year = ?", to, c.Year).Limit(1).Find(&have).Error; err != nil {
			return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
		}
		if have.UnitCode != "" {
			_ = json.Unmarshal([]byte(have.Counts), &theirs)
			sum.Add(theirs)
		}
		data, _ := json.Marshal(sum)
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_code"}, {Name: "year"}}, DoUpdates: clause.AssignmentColumns([]string{"counts"})}).
			Create(&reviewRecord{UnitCode: to, Year: c.Year, Counts: string(data)}).Error; err != nil {
			return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
		}
		if err := tx.Where("unit_code = ? AND year = ?", from, c.Year).Delete(&reviewRecord{}).Error; err != nil {
			return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
		}
	}
	var rs []requestRecord
	if err := tx.Select("id, number").Where("unit_code = ? OR forwarded_to = ?", from, from).Order("id").Find(&rs).Error; err != nil {
		return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
	}
	if len(rs) == 0 {
		return "request", nil, nil
	}
	for col, v := range map[string]string{"unit_code": from, "forwarded_to": from} {
		if err := tx.Model(&requestRecord{}).Where(col+" = ?", v).Update(col, to).Error; err != nil {
			return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
		}
	}
	now := time.Now().UTC()
	nums := make([]string, len(rs))
	evs := make([]eventRecord, len(rs))
	for i, r := range rs {
		nums[i] = r.Number
		evs[i] = eventRecord{RequestID: r.ID, Action: "transfer", On: dbconn.DayToDB(now), Note: note, By: by.Username, At: now}
	}
	if err := tx.CreateInBatches(evs, 200).Error; err != nil {
		return "", nil, fmt.Errorf("foi gormstore: move unit: %w", err)
	}
	return "request", nums, nil
}

// HoldsUnit counts the requests of a unit, or forwarded to it.
func (s *Store) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	var n int64
	if err := tx.Model(&requestRecord{}).Where("unit_code = ? OR forwarded_to = ?", code, code).Count(&n).Error; err != nil {
		return "", fmt.Errorf("foi gormstore: held by unit: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	return fmt.Sprintf("依申请公开记录%d件", n), nil
}

// issue numbers a paper (per unit, year and kind) and stores it.
func (s *Store) issue(tx *gorm.DB, r foi.Request, st foi.Step, p foi.Sheet) (string, error) {
	on := st.On.In(catalog.Shanghai)
	n, err := next(tx, p.Kind.Counter(r.UnitCode, on.Year()))
	if err != nil {
		return "", err
	}
	no := p.Kind.Number(on.Year(), n)
	body, _ := json.Marshal(p.Body)
	rec := noticeRecord{RequestID: r.ID, Kind: string(p.Kind), No: no, Addressee: p.To, IssuedOn: dbconn.DayToDB(on), Via: strings.TrimSpace(st.Via),
		Paragraphs: string(body), Issuer: st.Issuer}
	if err := tx.Omit("Request").Create(&rec).Error; err != nil {
		return "", fmt.Errorf("foi gormstore: notice: %w", err)
	}
	return no, nil
}

// Notices lists the papers issued for a request, in order.
func (s *Store) Notices(ctx context.Context, number string) ([]foi.Notice, error) {
	var rs []noticeRecord
	err := s.db.WithContext(ctx).Where("request_id = (?)", s.db.Model(&requestRecord{}).Select("id").Where("number = ?", number)).Order("id").Find(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("foi gormstore: notices: %w", err)
	}
	out := make([]foi.Notice, len(rs))
	for i, r := range rs {
		out[i] = foi.Notice{ID: r.ID, Request: number, Kind: foi.NoticeKind(r.Kind), Title: foi.NoticeKind(r.Kind).Title(), No: r.No, To: r.Addressee,
			IssuedOn: dbconn.DayFromDB(r.IssuedOn), Via: r.Via, Issuer: r.Issuer}
		_ = json.Unmarshal([]byte(r.Paragraphs), &out[i].Paragraphs)
	}
	return out, nil
}

// annualRecord keeps the parts of a unit's annual report it writes.
type annualRecord struct {
	UnitCode  string `gorm:"primaryKey;size:40"`
	Year      int    `gorm:"primaryKey"`
	Parts     string `gorm:"type:text;not null"` // JSON foi.AnnualParts
	UpdatedBy string `gorm:"size:80"`
	UpdatedAt time.Time
}

func (annualRecord) TableName() string { return "foi_annual_parts" }

// AnnualParts implements foi.AnnualStore.
func (s *Store) AnnualParts(ctx context.Context, unit string, year int) (foi.AnnualParts, bool, error) {
	var r annualRecord
	if err := s.db.WithContext(ctx).Where("unit_code = ? AND year = ?", unit, year).Limit(1).Find(&r).Error; err != nil {
		return foi.AnnualParts{}, false, fmt.Errorf("foi gormstore: annual parts: %w", err)
	}
	var p foi.AnnualParts
	if r.UnitCode == "" {
		return p, false, nil
	}
	if err := json.Unmarshal([]byte(r.Parts), &p); err != nil {
		return p, false, fmt.Errorf("foi gormstore: annual parts %s %d: %w", unit, year, err)
	}
	return p, true, nil
}

// SaveAnnualParts implements foi.AnnualStore.
func (s *Store) SaveAnnualParts(ctx context.Context, unit string, year int, p foi.AnnualParts, by catalog.Actor) error {
	if err := p.Validate(); err != nil {
		return err
	}
	before, _, err := s.AnnualParts(ctx, unit, year)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(p)
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := dbconn.HoldUnit(tx, unit, "unit"); err != nil {
			return err
		}
		rec := annualRecord{UnitCode: unit, Year: year, Parts: string(data), UpdatedBy: by.Username, UpdatedAt: time.Now().UTC()}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_code"}, {Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"parts", "updated_by", "updated_at"})}).Create(&rec).Error; err != nil {
			return fmt.Errorf("foi gormstore: save annual parts: %w", err)
		}
		return s.audit(tx, by, unit, "annual_report", "save", fmt.Sprintf("%s-%d", unit, year), fmt.Sprintf("%d年政府信息公开工作年度报告", year), before, p)
	})
}
