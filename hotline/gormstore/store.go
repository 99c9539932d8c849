// Package gormstore is hotline's persistence on gorm: work orders with the
// caller's phone sealed, their history, the yearly number counter and the
// county's rules.
package gormstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/hotline"
	"gongkai/secret"
	"gongkai/workday"
)

type orderRecord struct {
	ID              int64      `gorm:"primaryKey"`
	Number          string     `gorm:"size:20;not null;uniqueIndex"`
	Channel         string     `gorm:"size:20;not null"`
	Category        string     `gorm:"size:20;not null"`
	CallerName      string     `gorm:"size:200"`
	PhoneSealed     string     `gorm:"size:200"`
	Title           string     `gorm:"size:400;not null"`
	Content         string     `gorm:"type:text"`
	Address         string     `gorm:"size:800"`
	Publish         bool       `gorm:"not null;default:false"`
	RepeatOf        string     `gorm:"size:20;index"`
	UnitCode        string     `gorm:"size:40;index"`
	State           string     `gorm:"size:20;not null;index"`
	ReceivedAt      time.Time  `gorm:"not null;index"`
	TransferredAt   *time.Time ``
	ClaimDue        *time.Time `gorm:"type:date"`
	ClaimedAt       *time.Time ``
	Due             *time.Time `gorm:"type:date"`
	ExtensionDays   int        ``
	ExtensionReason string     `gorm:"size:2000"`
	Reply           string     `gorm:"type:text"`
	RepliedAt       *time.Time ``
	ReplyBy         string     `gorm:"size:80"`
	Direct          bool       `gorm:"not null;default:false"`
	KnowledgeID     int64      ``
	ClosedAt        *time.Time ``
	Callback        string     `gorm:"size:20"`
	CallbackAt      *time.Time ``
	Reopened        bool       `gorm:"not null;default:false"`
	Returns         int        ``
	Redos           int        ``
	Untrue          int        ``
	LateClaim       bool       `gorm:"not null;default:false"`
	LateReply       bool       `gorm:"not null;default:false"`
	Leaks           int        ``
	Reminders       int        ``
	Supervised      int        ``
	RemindedFor     *time.Time `gorm:"type:date"`
	SupervisedFor   *time.Time `gorm:"type:date"`
	Token           string     `gorm:"size:32"`
	SubmitKey       *string    `gorm:"size:32;uniqueIndex"`
	Via             string     `gorm:"size:60;index"`
	Version         int        `gorm:"not null;default:1"`
	CreatedAt       time.Time
}

func (orderRecord) TableName() string { return "hotline_orders" }

type eventRecord struct {
	ID      int64     `gorm:"primaryKey"`
	OrderID int64     `gorm:"not null;index"`
	Action  string    `gorm:"size:20;not null"`
	Unit    string    `gorm:"size:40"`
	Note    string    `gorm:"type:text"`
	Late    bool      `gorm:"not null;default:false"`
	Flag    string    `gorm:"size:20"`
	By      string    `gorm:"size:80"`
	At      time.Time `gorm:"not null"`
}

func (eventRecord) TableName() string { return "hotline_events" }

type counterRecord struct {
	Scope string `gorm:"primaryKey;size:80"`
	Next  int64  `gorm:"not null"`
}

func (counterRecord) TableName() string { return "hotline_counters" }

// rulesRecord is the county's one set of rules, as JSON.
type rulesRecord struct {
	ID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Rules string `gorm:"type:text;not null"`
}

func (rulesRecord) TableName() string { return "hotline_rules" }

// Migrate creates the tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&orderRecord{}, &eventRecord{}, &counterRecord{}, &rulesRecord{}, &apiKeyRecord{}, &knowledgeRecord{}, &announcementRecord{}, &orderFileRecord{}); err != nil {
		return fmt.Errorf("hotline gormstore: migrate: %w", err)
	}
	return nil
}

// Store implements hotline.Service.
type Store struct {
	db    *gorm.DB
	box   *secret.Box
	cal   *workday.Calendar
	audit dbconn.AuditFunc
	now   func() time.Time
}

var _ hotline.Service = (*Store)(nil)

// New returns a store sealing callers' phones with box and counting
// working days with cal; audit may be nil in tests of the store alone.
func New(db *gorm.DB, box *secret.Box, cal *workday.Calendar, audit dbconn.AuditFunc) *Store {
	return &Store{db: db, box: box, cal: cal, audit: dbconn.AuditOrNone(audit), now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

func local(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(catalog.Shanghai)
	return &v
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Store) toRecord(o *hotline.Order) (orderRecord, error) {
	phone, err := s.box.Seal(o.Phone)
	if err != nil {
		return orderRecord{}, err
	}
	return orderRecord{ID: o.ID, Number: o.Number, Channel: string(o.Channel), Category: string(o.Category), CallerName: o.Name, PhoneSealed: phone,
		Title: o.Title, Content: o.Content, Address: o.Address, Publish: o.Publish, RepeatOf: o.RepeatOf, UnitCode: o.UnitCode, State: string(o.State),
		ReceivedAt: o.ReceivedAt.UTC(), TransferredAt: utc(o.TransferredAt), ClaimDue: dbconn.DayPtrToDB(o.ClaimDue), ClaimedAt: utc(o.ClaimedAt),
		Due: dbconn.DayPtrToDB(o.Due), ExtensionDays: o.ExtensionDays, ExtensionReason: o.ExtensionReason, Reply: o.Reply, RepliedAt: utc(o.RepliedAt),
		ReplyBy: o.ReplyBy, Direct: o.Direct, KnowledgeID: o.KnowledgeID, ClosedAt: utc(o.ClosedAt), Callback: string(o.Callback),
		CallbackAt: utc(o.CallbackAt), Reopened: o.Reopened, Returns: o.Returns, Redos: o.Redos, Untrue: o.Untrue, LateClaim: o.LateClaim,
		LateReply: o.LateReply, Leaks: o.Leaks, Reminders: o.Reminders, Supervised: o.Supervised, RemindedFor: dbconn.DayPtrToDB(o.RemindedFor),
		SupervisedFor: dbconn.DayPtrToDB(o.SupervisedFor), Token: o.Token, SubmitKey: optional(o.SubmitKey), Via: o.Via, Version: o.Version, CreatedAt: o.CreatedAt.UTC()}, nil
}

func (s *Store) fromRecord(r orderRecord) (hotline.Order, error) {
	phone, err := s.box.Open(r.PhoneSealed)
	if err != nil {
		return hotline.Order{}, fmt.Errorf("hotline gormstore: open the phone of %s: %w", r.Number, err)
	}
	o := hotline.Order{ID: r.ID, Number: r.Number, Channel: hotline.Channel(r.Channel), Category: hotline.Category(r.Category),
		Caller: hotline.Caller{Name: r.CallerName, Phone: phone}, Title: r.Title, Content: r.Content, Address: r.Address, Publish: r.Publish,
		RepeatOf: r.RepeatOf, UnitCode: r.UnitCode, State: hotline.State(r.State), ReceivedAt: r.ReceivedAt.In(catalog.Shanghai),
		TransferredAt: local(r.TransferredAt), ClaimDue: dbconn.DayPtrFromDB(r.ClaimDue), ClaimedAt: local(r.ClaimedAt), Due: dbconn.DayPtrFromDB(r.Due),
		ExtensionDays: r.ExtensionDays, ExtensionReason: r.ExtensionReason, Reply: r.Reply, RepliedAt: local(r.RepliedAt), ReplyBy: r.ReplyBy,
		Direct: r.Direct, KnowledgeID: r.KnowledgeID, ClosedAt: local(r.ClosedAt), Callback: hotline.Callback(r.Callback),
		CallbackAt: local(r.CallbackAt), Reopened: r.Reopened, Returns: r.Returns, Redos: r.Redos, Untrue: r.Untrue, LateClaim: r.LateClaim,
		LateReply: r.LateReply, Leaks: r.Leaks, Reminders: r.Reminders, Supervised: r.Supervised, RemindedFor: dbconn.DayPtrFromDB(r.RemindedFor),
		SupervisedFor: dbconn.DayPtrFromDB(r.SupervisedFor), Token: r.Token, Via: r.Via, Version: r.Version, CreatedAt: r.CreatedAt.In(catalog.Shanghai)}
	if r.SubmitKey != nil {
		o.SubmitKey = *r.SubmitKey
	}
	return o, nil
}

// next takes the next value of a counter in the transaction.
func next(tx *gorm.DB, scope string) (int64, error) {
	return dbconn.NextCounter(tx, &counterRecord{}, scope)
}

// Create implements hotline.Service.
func (s *Store) Create(ctx context.Context, o *hotline.Order, by catalog.Actor) error {
	if err := o.Validate(); err != nil {
		return err
	}
	asked := *o
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*o = asked // as asked, when run again after a deadlock
		now := s.now()
		if o.ReceivedAt.IsZero() {
			o.ReceivedAt = now
		}
		o.ReceivedAt = o.ReceivedAt.In(catalog.Shanghai)
		year := o.ReceivedAt.In(catalog.Shanghai).Year()
		n, err := next(tx, fmt.Sprintf("order-%d", year))
		if err != nil {
			return err
		}
		o.Number, o.Version, o.CreatedAt = hotline.FormatNumber(year, int(n)), 1, now
		if o.Token == "" {
			o.Token = hotline.NewToken()
		}
		if o.State == "" {
			o.State = hotline.Received
		}
		rec, err := s.toRecord(o)
		if err != nil {
			return err
		}
		if err := tx.Create(&rec).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return catalog.Errorf(catalog.ECONFLICT, "该留言已提交")
			}
			return fmt.Errorf("hotline gormstore: create order: %w", err)
		}
		o.ID = rec.ID
		if err := tx.Create(&eventRecord{OrderID: rec.ID, Action: "receive", Note: o.Channel.Name(), By: by.Username, At: now.UTC()}).Error; err != nil {
			return fmt.Errorf("hotline gormstore: create order: %w", err)
		}
		return s.audit(tx, by, "", "order", "create", o.Number, "工单 "+o.Number+"（"+o.Channel.Name()+"）", nil, o.Audited())
	})
}

// Find implements hotline.Service.
func (s *Store) Find(ctx context.Context, number string) (*hotline.Order, error) {
	o, err := s.load(s.db.WithContext(ctx), number)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func (s *Store) load(tx *gorm.DB, number string) (hotline.Order, error) {
	var rec orderRecord
	if err := tx.Take(&rec, "number = ?", number).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return hotline.Order{}, catalog.Errorf(catalog.ENOTFOUND, "没有编号为“%s”的工单", number)
		}
		return hotline.Order{}, fmt.Errorf("hotline gormstore: find %s: %w", number, err)
	}
	return s.fromRecord(rec)
}

// FindOrders implements hotline.Service.
func (s *Store) FindOrders(ctx context.Context, f hotline.Filter) ([]hotline.Order, error) {
	q := s.db.WithContext(ctx).Model(&orderRecord{})
	if f.Unit != "" {
		q = q.Where("unit_code = ?", f.Unit)
	}
	if f.State != "" {
		q = q.Where("state = ?", string(f.State))
	}
	if f.Number != "" {
		q = q.Where("number = ?", f.Number)
	}
	if len(f.Numbers) > 0 {
		q = q.Where("number IN ?", f.Numbers)
	}
	if f.SubmitKey != "" {
		q = q.Where("submit_key = ?", f.SubmitKey)
	}
	if !f.ReceivedFrom.IsZero() {
		q = q.Where("received_at >= ?", f.ReceivedFrom.UTC())
	}
	if !f.ReceivedTo.IsZero() {
		q = q.Where("received_at < ?", f.ReceivedTo.UTC())
	}
	if f.Open {
		q = q.Where("state <> ?", string(hotline.Closed))
	}
	if f.AwaitingCallback {
		q = q.Where("state = ? AND direct = ? AND (callback = '' OR callback IS NULL OR callback = ?)", string(hotline.Closed), false, string(hotline.Unreachable))
	}
	if f.Via != "" {
		q = q.Where("via = ?", f.Via)
	}
	if f.Brief {
		// What the rates read: no message, reply or sealed phone to open.
		q = q.Omit("content", "reply", "address", "phone_sealed", "extension_reason")
	}
	if f.Public {
		q = q.Where("publish = ? AND state = ? AND reply <> ''", true, string(hotline.Closed))
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var recs []orderRecord
	if err := q.Order("received_at DESC, id DESC").Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("hotline gormstore: find orders: %w", err)
	}
	out := make([]hotline.Order, 0, len(recs))
	for _, r := range recs {
		o, err := s.fromRecord(r)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Step implements hotline.Service.
func (s *Store) Step(ctx context.Context, number string, st hotline.Step, version int, by catalog.Actor) (*hotline.Order, error) {
	var out hotline.Order
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		before, err := s.load(tx, number)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return catalog.Errorf(catalog.ECONFLICT, "工单%s已被他人处理，请刷新后重试", number)
		}
		if hotline.ByUnit(st.Action) && st.AsUnit != "" && st.AsUnit != before.UnitCode {
			// The right was checked for a unit the order has left since.
			return catalog.Errorf(catalog.ECONFLICT, "工单%s已不在本单位，请刷新后重试", number)
		}
		rules, err := rulesIn(tx)
		if err != nil {
			return err
		}
		o := before
		now := s.now()
		if err := hotline.Apply(&o, st, by.Username, rules, s.cal, now); err != nil {
			return err
		}
		if st.Action == hotline.ActTransfer {
			if err := dbconn.HoldUnit(tx, st.Unit, "unit"); err != nil {
				return err
			}
		}
		o.Version = before.Version + 1
		rec, err := s.toRecord(&o)
		if err != nil {
			return err
		}
		res := tx.Model(&orderRecord{}).Where("id = ? AND version = ?", o.ID, before.Version).Select("*").Omit("id", "created_at").Updates(&rec)
		if res.Error != nil {
			return fmt.Errorf("hotline gormstore: save %s: %w", number, res.Error)
		}
		if res.RowsAffected == 0 {
			return catalog.Errorf(catalog.ECONFLICT, "工单%s已被他人处理，请刷新后重试", number)
		}
		ev := eventRecord{OrderID: o.ID, Action: st.Action, Unit: before.UnitCode, By: by.Username, At: now.UTC()}
		switch st.Action {
		case hotline.ActTransfer:
			ev.Unit, ev.Note = st.Unit, ""
		case hotline.ActClaim:
			ev.Late = late(before.ClaimDue, now)
		case hotline.ActReply:
			ev.Late, ev.Note = late(before.Due, now), o.Reply
		case hotline.ActDirect:
			ev.Note = o.Reply
		case hotline.ActRedo:
			ev.Note = st.Reason
			if st.Untrue {
				ev.Flag = "untrue"
			}
		case hotline.ActCallback:
			ev.Flag = string(st.Result)
		case hotline.ActReturn:
			// 申退 within the time to claim, and on the day it was claimed
			// (签收当日退回); later counts as late in the rubric.
			ev.Note = st.Reason
			ev.Late = before.State == hotline.Transferred && late(before.ClaimDue, now) ||
				before.State == hotline.Handling && before.ClaimedAt != nil && hotline.Day(now).After(hotline.Day(*before.ClaimedAt))
		case hotline.ActLeak:
			ev.Note = st.Reason
			if st.Unit != "" {
				ev.Unit = st.Unit
			}
		case hotline.ActExtend:
			ev.Note = fmt.Sprintf("延期%d个工作日：%s", st.Days, st.Reason)
		default:
			ev.Note = st.Reason
		}
		if err := tx.Create(&ev).Error; err != nil {
			return fmt.Errorf("hotline gormstore: event: %w", err)
		}
		unit := o.UnitCode
		if unit == "" {
			unit = before.UnitCode
		}
		if err := s.audit(tx, by, unit, "order", st.Action, o.Number, "工单 "+o.Number+" "+hotline.ActionName(st.Action), before.Audited(), o.Audited()); err != nil {
			return err
		}
		out = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func late(due *time.Time, now time.Time) bool {
	return due != nil && hotline.Day(now).After(hotline.Day(*due))
}

// Events implements hotline.Service.
func (s *Store) Events(ctx context.Context, number string) ([]hotline.Event, error) {
	m, err := s.EventsOf(ctx, []string{number})
	if err != nil {
		return nil, err
	}
	return m[number], nil
}

// EventsOf implements hotline.Service.
func (s *Store) EventsOf(ctx context.Context, numbers []string) (map[string][]hotline.Event, error) {
	out := map[string][]hotline.Event{}
	for start := 0; start < len(numbers); start += 500 {
		part := numbers[start:min(start+500, len(numbers))]
		var orders []orderRecord
		if err := s.db.WithContext(ctx).Select("id, number").Where("number IN ?", part).Find(&orders).Error; err != nil {
			return nil, fmt.Errorf("hotline gormstore: events: %w", err)
		}
		numberOf := make(map[int64]string, len(orders))
		ids := make([]int64, len(orders))
		for i, o := range orders {
			numberOf[o.ID], ids[i] = o.Number, o.ID
		}
		var rows []eventRecord
		if err := s.db.WithContext(ctx).Where("order_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("hotline gormstore: events: %w", err)
		}
		for _, r := range rows {
			n := numberOf[r.OrderID]
			out[n] = append(out[n], hotline.Event{ID: r.ID, Action: r.Action, Unit: r.Unit, Note: r.Note, Late: r.Late, Flag: r.Flag,
				By: r.By, At: r.At.In(catalog.Shanghai)})
		}
	}
	return out, nil
}

func rulesIn(tx *gorm.DB) (hotline.Rules, error) {
	var recs []rulesRecord
	if err := tx.Where("id = 1").Limit(1).Find(&recs).Error; err != nil {
		return hotline.Rules{}, fmt.Errorf("hotline gormstore: rules: %w", err)
	}
	r := hotline.DefaultRules()
	if len(recs) == 1 {
		if err := json.Unmarshal([]byte(recs[0].Rules), &r); err != nil {
			return hotline.Rules{}, fmt.Errorf("hotline gormstore: rules: %w", err)
		}
	}
	return r, nil
}

// Rules implements hotline.Service.
func (s *Store) Rules(ctx context.Context) (hotline.Rules, error) {
	return rulesIn(s.db.WithContext(ctx))
}

// SaveRules implements hotline.Service.
func (s *Store) SaveRules(ctx context.Context, r hotline.Rules, by catalog.Actor) error {
	if err := r.Validate(); err != nil {
		return err
	}
	data, _ := json.Marshal(r)
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		before, err := rulesIn(tx)
		if err != nil {
			return err
		}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns([]string{"rules"})}).
			Create(&rulesRecord{ID: 1, Rules: string(data)}).Error; err != nil {
			return fmt.Errorf("hotline gormstore: save rules: %w", err)
		}
		return s.audit(tx, by, "", "order", "rules", "rules", "热线办理时限", before, r)
	})
}

// MoveUnit hands a reformed unit's orders to its successor (a mover of
// the catalogue store's reforms).
func (s *Store) MoveUnit(tx *gorm.DB, from, to, note string, by catalog.Actor) (string, []string, error) {
	for _, m := range []any{&knowledgeRecord{}, &announcementRecord{}} {
		if err := tx.Model(m).Where("unit_code = ?", from).Update("unit_code", to).Error; err != nil {
			return "", nil, fmt.Errorf("hotline gormstore: move unit: %w", err)
		}
	}
	var rs []orderRecord
	if err := tx.Select("id, number").Where("unit_code = ?", from).Order("id").Find(&rs).Error; err != nil {
		return "", nil, fmt.Errorf("hotline gormstore: move unit: %w", err)
	}
	if len(rs) == 0 {
		return "order", nil, nil
	}
	if err := tx.Model(&orderRecord{}).Where("unit_code = ?", from).Update("unit_code", to).Error; err != nil {
		return "", nil, fmt.Errorf("hotline gormstore: move unit: %w", err)
	}
	now := time.Now().UTC()
	nums := make([]string, len(rs))
	evs := make([]eventRecord, len(rs))
	for i, r := range rs {
		nums[i] = r.Number
		evs[i] = eventRecord{OrderID: r.ID, Action: hotline.ActTransfer, Unit: to, Note: note, By: by.Username, At: now}
	}
	if err := tx.CreateInBatches(evs, 200).Error; err != nil {
		return "", nil, fmt.Errorf("hotline gormstore: move unit: %w", err)
	}
	return "order", nums, nil
}

// HoldsUnit counts a unit's orders and knowledge-base entries.
func (s *Store) HoldsUnit(tx *gorm.DB, code string) (string, error) {
	var n, k int64
	if err := tx.Model(&orderRecord{}).Where("unit_code = ?", code).Count(&n).Error; err != nil {
		return "", fmt.Errorf("hotline gormstore: held by unit: %w", err)
	}
	if err := tx.Model(&knowledgeRecord{}).Where("unit_code = ?", code).Count(&k).Error; err != nil {
		return "", fmt.Errorf("hotline gormstore: held by unit: %w", err)
	}
	switch {
	case n > 0 && k > 0:
		return fmt.Sprintf("热线工单%d件、知识库%d条", n, k), nil
	case n > 0:
		return fmt.Sprintf("热线工单%d件", n), nil
	case k > 0:
		return fmt.Sprintf("知识库%d条", k), nil
	}
	return "", nil
}

type apiKeyRecord struct {
	ID        int64      `gorm:"primaryKey"`
	Name      string     `gorm:"size:40;not null;uniqueIndex"`
	Channel   string     `gorm:"size:20;not null"`
	Hash      string     `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt time.Time  `gorm:"not null"`
	RevokedAt *time.Time ``
}

func (apiKeyRecord) TableName() string { return "hotline_api_keys" }

var _ hotline.KeyStore = (*Store)(nil)

// AddKey implements hotline.KeyStore.
func (s *Store) AddKey(ctx context.Context, name string, ch hotline.Channel, by catalog.Actor) (string, error) {
	if err := hotline.CheckKeyName(name); err != nil {
		return "", err
	}
	if ch.Name() == "" {
		return "", catalog.Invalid("channel", "未知的渠道：%s", ch)
	}
	secret, hash := hotline.NewKeySecret()
	err := dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&apiKeyRecord{}).Where("name = ?", name).Count(&n).Error; err != nil {
			return fmt.Errorf("hotline gormstore: add key: %w", err)
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "接口密钥“%s”已存在（吊销的名称不再使用）", name)
		}
		if err := tx.Create(&apiKeyRecord{Name: name, Channel: string(ch), Hash: hash, CreatedAt: s.now().UTC()}).Error; err != nil {
			return fmt.Errorf("hotline gormstore: add key: %w", err)
		}
		return s.audit(tx, by, "", "order", "apikey_add", name, "接口密钥 "+name+"（"+ch.Name()+"）", nil, nil)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeKey implements hotline.KeyStore.
func (s *Store) RevokeKey(ctx context.Context, name string, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		res := tx.Model(&apiKeyRecord{}).Where("name = ? AND revoked_at IS NULL", name).Update("revoked_at", s.now().UTC())
		if res.Error != nil {
			return fmt.Errorf("hotline gormstore: revoke key: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return catalog.Errorf(catalog.ENOTFOUND, "没有有效的接口密钥“%s”", name)
		}
		return s.audit(tx, by, "", "order", "apikey_revoke", name, "吊销接口密钥 "+name, nil, nil)
	})
}

// KeyOf implements hotline.KeyStore.
func (s *Store) KeyOf(ctx context.Context, secret string) (*hotline.APIKey, error) {
	var recs []apiKeyRecord
	if secret != "" {
		if err := s.db.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL", hotline.KeyHash(secret)).Limit(1).Find(&recs).Error; err != nil {
			return nil, fmt.Errorf("hotline gormstore: key: %w", err)
		}
	}
	if len(recs) == 0 {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "接口密钥无效或已吊销")
	}
	r := recs[0]
	return &hotline.APIKey{Name: r.Name, Channel: hotline.Channel(r.Channel), CreatedAt: r.CreatedAt}, nil
}

type knowledgeRecord struct {
	ID        int64     `gorm:"primaryKey"`
	UnitCode  string    `gorm:"size:40;index"`
	Category  string    `gorm:"size:20;not null"`
	Question  string    `gorm:"size:800;not null"`
	Answer    string    `gorm:"type:text"`
	Keywords  string    `gorm:"size:800"`
	UpdatedBy string    `gorm:"size:80"`
	UpdatedAt time.Time `gorm:"not null"`
	Version   int       `gorm:"not null;default:1"`
}

func (knowledgeRecord) TableName() string { return "hotline_knowledge" }

func (r knowledgeRecord) entry() hotline.Entry {
	return hotline.Entry{ID: r.ID, UnitCode: r.UnitCode, Category: hotline.Category(r.Category), Question: r.Question, Answer: r.Answer,
		Keywords: r.Keywords, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt.In(catalog.Shanghai), Version: r.Version}
}

var _ hotline.Knowledge = (*Store)(nil)

// knowledgeRev is the counter every change of the knowledge base takes.
const knowledgeRev = "knowledge-revision"

// SaveEntry implements hotline.Knowledge.
func (s *Store) SaveEntry(ctx context.Context, e *hotline.Entry, by catalog.Actor) error {
	if err := e.Validate(); err != nil {
		return err
	}
	asked := *e
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*e = asked
		if e.UnitCode != "" {
			if err := dbconn.HoldUnit(tx, e.UnitCode, "unit_code"); err != nil {
				return err
			}
		}
		rec := knowledgeRecord{ID: e.ID, UnitCode: e.UnitCode, Category: string(e.Category), Question: e.Question, Answer: e.Answer, Keywords: e.Keywords,
			UpdatedBy: by.Username, UpdatedAt: s.now().UTC(), Version: e.Version + 1}
		var before *hotline.Entry
		if e.ID == 0 {
			rec.Version = 1
			if err := tx.Create(&rec).Error; err != nil {
				return fmt.Errorf("hotline gormstore: save entry: %w", err)
			}
		} else {
			var old knowledgeRecord
			if err := tx.Take(&old, "id = ?", e.ID).Error; err != nil {
				if errors.Is(err, gorm.ErrRecordNotFound) {
					return catalog.Errorf(catalog.ENOTFOUND, "知识库没有第%d条", e.ID)
				}
				return fmt.Errorf("hotline gormstore: save entry: %w", err)
			}
			b := old.entry()
			before = &b
			res := tx.Model(&knowledgeRecord{}).Where("id = ? AND version = ?", e.ID, e.Version).Select("*").Omit("id").Updates(&rec)
			if res.Error != nil {
				return fmt.Errorf("hotline gormstore: save entry: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return catalog.Errorf(catalog.ECONFLICT, "知识库第%d条已被他人修改，请刷新后重试", e.ID)
			}
		}
		if _, err := next(tx, knowledgeRev); err != nil {
			return err
		}
		*e = rec.entry()
		return s.audit(tx, by, e.UnitCode, "knowledge", "save", e.ID, "知识库："+e.Question, before, e)
	})
}

// DeleteEntry implements hotline.Knowledge.
func (s *Store) DeleteEntry(ctx context.Context, id int64, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var old knowledgeRecord
		if err := tx.Take(&old, "id = ?", id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return catalog.Errorf(catalog.ENOTFOUND, "知识库没有第%d条", id)
			}
			return fmt.Errorf("hotline gormstore: delete entry: %w", err)
		}
		if err := tx.Delete(&knowledgeRecord{}, id).Error; err != nil {
			return fmt.Errorf("hotline gormstore: delete entry: %w", err)
		}
		if _, err := next(tx, knowledgeRev); err != nil {
			return err
		}
		return s.audit(tx, by, old.UnitCode, "knowledge", "delete", id, "删除知识库："+old.Question, old.entry(), nil)
	})
}

// FindEntry implements hotline.Knowledge.
func (s *Store) FindEntry(ctx context.Context, id int64) (*hotline.Entry, error) {
	var r knowledgeRecord
	if err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "知识库没有第%d条", id)
		}
		return nil, fmt.Errorf("hotline gormstore: entry: %w", err)
	}
	e := r.entry()
	return &e, nil
}

// FindEntries implements hotline.Knowledge.
func (s *Store) FindEntries(ctx context.Context, f hotline.EntryFilter) ([]hotline.Entry, error) {
	q := s.db.WithContext(ctx).Model(&knowledgeRecord{})
	if f.Unit != "" {
		q = q.Where("unit_code = ?", f.Unit)
	}
	if f.Category != "" {
		q = q.Where("category = ?", string(f.Category))
	}
	var recs []knowledgeRecord
	if err := q.Order("updated_at DESC, id DESC").Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("hotline gormstore: entries: %w", err)
	}
	out := make([]hotline.Entry, len(recs))
	for i, r := range recs {
		out[i] = r.entry()
	}
	return out, nil
}

// KnowledgeRevision implements hotline.Knowledge.
func (s *Store) KnowledgeRevision(ctx context.Context) (string, error) {
	var c []counterRecord
	if err := s.db.WithContext(ctx).Where("scope = ?", knowledgeRev).Limit(1).Find(&c).Error; err != nil {
		return "", fmt.Errorf("hotline gormstore: knowledge revision: %w", err)
	}
	if len(c) == 0 {
		return "0", nil
	}
	return fmt.Sprint(c[0].Next), nil
}

type announcementRecord struct {
	ID        int64     `gorm:"primaryKey"`
	Day       time.Time `gorm:"type:date;not null;index"`
	From      string    `gorm:"column:from_hour;size:5;not null"`
	To        string    `gorm:"column:to_hour;size:5;not null"`
	UnitCode  string    `gorm:"size:40;index"`
	Leaders   string    `gorm:"size:1200;not null"`
	Line      string    `gorm:"size:80;not null"`
	Scope     string    `gorm:"type:text"`
	CreatedBy string    `gorm:"size:80"`
	CreatedAt time.Time `gorm:"not null"`
}

func (announcementRecord) TableName() string { return "hotline_announcements" }

func (r announcementRecord) announcement() hotline.Announcement {
	return hotline.Announcement{ID: r.ID, Day: *dbconn.DayPtrFromDB(&r.Day), From: r.From, To: r.To, UnitCode: r.UnitCode, Leaders: r.Leaders, Line: r.Line,
		Scope: r.Scope, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.In(catalog.Shanghai)}
}

var _ hotline.Announcements = (*Store)(nil)

const announcementRev = "announcement-revision"

// SaveAnnouncement implements hotline.Announcements.
func (s *Store) SaveAnnouncement(ctx context.Context, a *hotline.Announcement, by catalog.Actor) error {
	if err := a.Validate(s.now()); err != nil {
		return err
	}
	asked := *a
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		*a = asked
		if a.UnitCode != "" {
			if err := dbconn.HoldUnit(tx, a.UnitCode, "unit_code"); err != nil {
				return err
			}
		}
		rec := announcementRecord{Day: *dbconn.DayPtrToDB(&a.Day), From: a.From, To: a.To, UnitCode: a.UnitCode, Leaders: a.Leaders, Line: a.Line, Scope: a.Scope,
			CreatedBy: by.Username, CreatedAt: s.now().UTC()}
		if err := tx.Create(&rec).Error; err != nil {
			return fmt.Errorf("hotline gormstore: announcement: %w", err)
		}
		if _, err := next(tx, announcementRev); err != nil {
			return err
		}
		*a = rec.announcement()
		return s.audit(tx, by, a.UnitCode, "announcement", "create", a.ID, "领导接听公告 "+a.Day.Format("2006-01-02"), nil, a)
	})
}

// DeleteAnnouncement implements hotline.Announcements.
func (s *Store) DeleteAnnouncement(ctx context.Context, id int64, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var old announcementRecord
		if err := tx.Take(&old, "id = ?", id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return catalog.Errorf(catalog.ENOTFOUND, "没有第%d号领导接听公告", id)
			}
			return fmt.Errorf("hotline gormstore: announcement: %w", err)
		}
		if err := tx.Delete(&announcementRecord{}, id).Error; err != nil {
			return fmt.Errorf("hotline gormstore: announcement: %w", err)
		}
		if _, err := next(tx, announcementRev); err != nil {
			return err
		}
		return s.audit(tx, by, old.UnitCode, "announcement", "delete", id, "撤下领导接听公告", old.announcement(), nil)
	})
}

// FindAnnouncements implements hotline.Announcements.
func (s *Store) FindAnnouncements(ctx context.Context, from time.Time) ([]hotline.Announcement, error) {
	var recs []announcementRecord
	if err := s.db.WithContext(ctx).Where("day >= ?", *dbconn.DayPtrToDB(&from)).Order("day, from_hour, id").Limit(100).Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("hotline gormstore: announcements: %w", err)
	}
	out := make([]hotline.Announcement, len(recs))
	for i, r := range recs {
		out[i] = r.announcement()
	}
	return out, nil
}

// AnnouncementRevision implements hotline.Announcements.
func (s *Store) AnnouncementRevision(ctx context.Context) (int64, error) {
	var c []counterRecord
	if err := s.db.WithContext(ctx).Where("scope = ?", announcementRev).Limit(1).Find(&c).Error; err != nil {
		return 0, fmt.Errorf("hotline gormstore: announcement revision: %w", err)
	}
	if len(c) == 0 {
		return 0, nil
	}
	return c[0].Next, nil
}

type orderFileRecord struct {
	ID          int64     `gorm:"primaryKey"`
	OrderID     int64     `gorm:"not null;index"`
	Name        string    `gorm:"size:400;not null"`
	ContentType string    `gorm:"size:200;not null"`
	Size        int64     `gorm:"not null"`
	SHA256      string    `gorm:"column:sha256;size:64;not null"`
	AddedBy     string    `gorm:"size:80"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (orderFileRecord) TableName() string { return "hotline_order_files" }

func (r orderFileRecord) attachment() catalog.Attachment {
	return catalog.Attachment{ID: r.ID, Name: r.Name, ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256, CreatedAt: r.CreatedAt.In(catalog.Shanghai)}
}

// maxOrderFiles bounds the files one order carries.
const maxOrderFiles = 20

// AddFile implements hotline.Files.
func (s *Store) AddFile(ctx context.Context, number string, a *catalog.Attachment, by catalog.Actor) error {
	return dbconn.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		o, err := s.load(tx, number)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&orderFileRecord{}).Where("order_id = ?", o.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("hotline gormstore: files: %w", err)
		}
		if n >= maxOrderFiles {
			return catalog.Invalid("file", "每件工单最多%d个附件", maxOrderFiles)
		}
		rec := orderFileRecord{OrderID: o.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, AddedBy: by.Username, CreatedAt: s.now().UTC()}
		if err := tx.Create(&rec).Error; err != nil {
			return fmt.Errorf("hotline gormstore: add file: %w", err)
		}
		*a = rec.attachment()
		unit := o.UnitCode
		return s.audit(tx, by, unit, "order", "attach", o.Number, "工单 "+o.Number+" 附件："+a.Name, nil, a)
	})
}

// Files implements hotline.Files.
func (s *Store) Files(ctx context.Context, number string) ([]catalog.Attachment, error) {
	var recs []orderFileRecord
	if err := s.db.WithContext(ctx).Joins("JOIN hotline_orders o ON o.id = hotline_order_files.order_id").Where("o.number = ?", number).
		Order("hotline_order_files.id").Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("hotline gormstore: files: %w", err)
	}
	out := make([]catalog.Attachment, len(recs))
	for i, r := range recs {
		out[i] = r.attachment()
	}
	return out, nil
}

// File implements hotline.Files.
func (s *Store) File(ctx context.Context, id int64) (catalog.Attachment, string, error) {
	var r orderFileRecord
	if err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return catalog.Attachment{}, "", catalog.Errorf(catalog.ENOTFOUND, "没有这个附件")
		}
		return catalog.Attachment{}, "", fmt.Errorf("hotline gormstore: file: %w", err)
	}
	var nums []string
	if err := s.db.WithContext(ctx).Model(&orderRecord{}).Where("id = ?", r.OrderID).Pluck("number", &nums).Error; err != nil {
		return catalog.Attachment{}, "", fmt.Errorf("hotline gormstore: file: %w", err)
	}
	if len(nums) != 1 {
		return catalog.Attachment{}, "", catalog.Errorf(catalog.ENOTFOUND, "没有这个附件")
	}
	return r.attachment(), nums[0], nil
}
