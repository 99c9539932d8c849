package gormstore

import (
	"encoding/json"
	"sync"
	"time"

	"gongkai/catalog"
)

type unitRecord struct {
	ID          int64  `gorm:"primaryKey"`
	Code        string `gorm:"size:40;uniqueIndex;not null"`
	Name        string `gorm:"size:100;not null"`
	FullName    string `gorm:"size:200"`
	Level       string `gorm:"size:16;not null"`
	Kind        string `gorm:"size:16;not null"`
	Functions   string `gorm:"type:text"`
	Offices     string `gorm:"type:text"`
	Address     string `gorm:"size:200"`
	OfficeHours string `gorm:"size:200"`
	Phone       string `gorm:"size:60"`
	Fax         string `gorm:"size:60"`
	Email       string `gorm:"size:120"`
	Postcode    string `gorm:"size:10"`
	Head        string `gorm:"size:60"`
	CreditCode  string `gorm:"size:18"`
	SortOrder   int
	// CatalogRev counts the writes to the unit's catalogue and publications;
	// bumping it first in every such transaction also serialises them.
	CatalogRev int64 `gorm:"not null;default:0"`
	RetiredOn  *time.Time
	Successor  string `gorm:"size:40"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (unitRecord) TableName() string { return "units" }

func (r unitRecord) toUnit() catalog.Unit {
	u := catalog.Unit{ID: r.ID, Code: r.Code, Name: r.Name, FullName: r.FullName, Level: catalog.Level(r.Level), Kind: catalog.Kind(r.Kind),
		Functions: r.Functions, Offices: r.Offices, Address: r.Address, OfficeHours: r.OfficeHours, Phone: r.Phone, Fax: r.Fax, Email: r.Email,
		Postcode: r.Postcode, Head: r.Head, CreditCode: r.CreditCode, SortOrder: r.SortOrder, CatalogRev: r.CatalogRev,
		Successor: r.Successor}
	if r.RetiredOn != nil {
		on := r.RetiredOn.In(catalog.Shanghai)
		u.RetiredOn = &on
	}
	u.KindName = u.Kind.Name()
	u.RenderHours()
	return u
}

func fromUnit(u catalog.Unit) unitRecord {
	return unitRecord{ID: u.ID, Code: u.Code, Name: u.Name, FullName: u.FullName, Level: string(u.Level), Kind: string(u.Kind),
		Functions: u.Functions, Offices: u.Offices, Address: u.Address, OfficeHours: u.OfficeHours, Phone: u.Phone, Fax: u.Fax, Email: u.Email,
		Postcode: u.Postcode, Head: u.Head, CreditCode: u.CreditCode, SortOrder: u.SortOrder}
}

type domainRecord struct {
	ID               int64  `gorm:"primaryKey"`
	Code             string `gorm:"size:40;uniqueIndex;not null"`
	Name             string `gorm:"size:100;not null"`
	National         bool
	WeightTownship   int
	WeightDepartment int
	SortOrder        int
}

func (domainRecord) TableName() string { return "domains" }

func (r domainRecord) toDomain() catalog.Domain {
	return catalog.Domain{ID: r.ID, Code: r.Code, Name: r.Name, National: r.National, WeightTownship: r.WeightTownship, WeightDepartment: r.WeightDepartment, SortOrder: r.SortOrder}
}

type exemptionRecord struct {
	ID         int64  `gorm:"primaryKey"`
	UnitCode   string `gorm:"size:40;not null;uniqueIndex:ux_exemption"`
	DomainCode string `gorm:"size:40;not null;uniqueIndex:ux_exemption"`
	Reason     string `gorm:"type:text"`
	UpdatedBy  string `gorm:"size:80"`
	UpdatedAt  time.Time
	Unit       unitRecord   `gorm:"foreignKey:UnitCode;references:Code;constraint:OnDelete:RESTRICT"`
	Domain     domainRecord `gorm:"foreignKey:DomainCode;references:Code;constraint:OnDelete:RESTRICT"`
}

func (exemptionRecord) TableName() string { return "domain_exemptions" }

// columnsRecord is embedded in template and item records.
type columnsRecord struct {
	DomainCode    string `gorm:"size:40;not null;index"`
	Level1        string `gorm:"size:200;not null"`
	Level2        string `gorm:"size:200;not null"`
	Level3        string `gorm:"size:200"`
	Content       string `gorm:"type:text"`
	Basis         string `gorm:"type:text"`
	TimeLimitText string `gorm:"type:text"`
	TimeLimitRule string `gorm:"type:text"` // JSON of catalog.TimeLimit
	RuleKind      string `gorm:"size:16;index"`
	Subject       string `gorm:"size:200"`
	Channels      string `gorm:"type:text"` // JSON array
	ChannelOther  string `gorm:"size:200"`
	ToPublic      bool
	ToSpecific    bool
	Proactive     bool
	OnRequest     bool
	AtCounty      bool
	AtTownship    bool
	Duration      string `gorm:"size:200"`
	Office        string `gorm:"size:200"`
	Remark        string `gorm:"type:text"`
}

func fromColumns(c catalog.Columns) columnsRecord {
	rule, _ := json.Marshal(c.TimeLimit)
	ch, _ := json.Marshal(c.Channels)
	return columnsRecord{DomainCode: c.DomainCode, Level1: c.Level1, Level2: c.Level2, Level3: c.Level3, Content: c.Content, Basis: c.Basis,
		TimeLimitText: c.TimeLimitText, TimeLimitRule: string(rule), RuleKind: string(c.TimeLimit.Kind), Subject: c.Subject, Channels: string(ch),
		ChannelOther: c.ChannelOther, ToPublic: c.ToPublic, ToSpecific: c.ToSpecific, Proactive: c.Proactive, OnRequest: c.OnRequest,
		AtCounty: c.AtCounty, AtTownship: c.AtTownship, Duration: c.Duration, Office: c.Office, Remark: c.Remark}
}

func (r columnsRecord) toColumns() catalog.Columns {
	c := catalog.Columns{DomainCode: r.DomainCode, Level1: r.Level1, Level2: r.Level2, Level3: r.Level3, Content: r.Content, Basis: r.Basis,
		TimeLimitText: r.TimeLimitText, Subject: r.Subject, ChannelOther: r.ChannelOther, ToPublic: r.ToPublic, ToSpecific: r.ToSpecific,
		Proactive: r.Proactive, OnRequest: r.OnRequest, AtCounty: r.AtCounty, AtTownship: r.AtTownship, Duration: r.Duration, Office: r.Office, Remark: r.Remark}
	c.TimeLimit = decoded.timeLimit(r.TimeLimitRule, r.TimeLimitText)
	c.Channels = decoded.channels(r.Channels)
	return c
}

// decoded remembers the JSON columns items share (they come from a few
// hundred templates), so reading a province's items decodes each once.
var decoded = &decodeCache{limits: map[string]catalog.TimeLimit{}, chans: map[string][]string{}}

type decodeCache struct {
	mu     sync.Mutex
	limits map[string]catalog.TimeLimit
	chans  map[string][]string
}

func (d *decodeCache) timeLimit(rule, text string) catalog.TimeLimit {
	d.mu.Lock()
	tl, ok := d.limits[rule+"\x00"+text]
	d.mu.Unlock()
	if ok {
		return tl
	}
	if json.Unmarshal([]byte(rule), &tl) != nil || tl.Kind == "" {
		tl = catalog.ParseTimeLimit(text)
	}
	d.mu.Lock()
	if len(d.limits) > 20000 {
		clear(d.limits)
	}
	d.limits[rule+"\x00"+text] = tl
	d.mu.Unlock()
	return tl
}

// channels returns a copy each time: callers may change their items.
func (d *decodeCache) channels(js string) []string {
	d.mu.Lock()
	ch, ok := d.chans[js]
	d.mu.Unlock()
	if !ok {
		if json.Unmarshal([]byte(js), &ch) != nil || ch == nil {
			ch = []string{}
		}
		d.mu.Lock()
		if len(d.chans) > 20000 {
			clear(d.chans)
		}
		d.chans[js] = ch
		d.mu.Unlock()
	}
	return append([]string{}, ch...)
}

type templateRecord struct {
	ID        int64         `gorm:"primaryKey"`
	Cols      columnsRecord `gorm:"embedded"`
	ForLevel  string        `gorm:"size:16;not null;index"`
	SortOrder int           `gorm:"index"`
	SeedKey   *string       `gorm:"size:120;uniqueIndex"`
	CreatedAt time.Time
	UpdatedAt time.Time
	Domain    domainRecord `gorm:"foreignKey:DomainCode;references:Code;constraint:OnDelete:RESTRICT"`
}

func (templateRecord) TableName() string { return "template_items" }

type itemRecord struct {
	ID              int64         `gorm:"primaryKey"`
	UnitCode        string        `gorm:"size:40;not null;index:ix_item_unit,priority:1"`
	TemplateID      *int64        `gorm:"index"`
	Cols            columnsRecord `gorm:"embedded"`
	SortOrder       int           `gorm:"index:ix_item_unit,priority:3"`
	Status          string        `gorm:"size:16;not null;index:ix_item_unit,priority:2"`
	RetiredReason   string        `gorm:"type:text"`
	Version         int           `gorm:"not null"`
	UpdatedBy       string        `gorm:"size:80"`
	LastPublishedAt *time.Time
	SeedKey         *string `gorm:"size:120;uniqueIndex"`
	CreatedAt       time.Time
	UpdatedAt       time.Time       `gorm:"index"` // the search follows what changed since its index
	Unit            unitRecord      `gorm:"foreignKey:UnitCode;references:Code;constraint:OnDelete:RESTRICT"`
	Domain          domainRecord    `gorm:"foreignKey:DomainCode;references:Code;constraint:OnDelete:RESTRICT"`
	Template        *templateRecord `gorm:"foreignKey:TemplateID;constraint:OnDelete:SET NULL"`
}

func (itemRecord) TableName() string { return "items" }

func (r itemRecord) toItem() catalog.Item {
	return catalog.Item{ID: r.ID, UnitCode: r.UnitCode, TemplateID: r.TemplateID, Columns: r.Cols.toColumns(), SortOrder: r.SortOrder,
		Status: catalog.ItemStatus(r.Status), RetiredReason: r.RetiredReason, Version: r.Version, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy,
		LastPublishedAt: r.LastPublishedAt}
}

type itemVersionRecord struct {
	ID        int64  `gorm:"primaryKey"`
	ItemID    int64  `gorm:"not null;uniqueIndex:ux_item_version"`
	Version   int    `gorm:"not null;uniqueIndex:ux_item_version"`
	Action    string `gorm:"size:16;not null"`
	Reason    string `gorm:"type:text"`
	ChangedBy string `gorm:"size:80"`
	ChangedAt time.Time
	Snapshot  string     `gorm:"type:longtext"`
	Item      itemRecord `gorm:"foreignKey:ItemID;constraint:OnDelete:CASCADE"`
}

func (itemVersionRecord) TableName() string { return "item_versions" }

type publicationRecord struct {
	ID          int64  `gorm:"primaryKey"`
	IndexNo     string `gorm:"size:80;uniqueIndex;not null"`
	UnitCode    string `gorm:"size:40;not null;index:ix_pub_unit,priority:1;index:ix_pub_unit_status,priority:1"`
	ItemID      int64  `gorm:"not null;index:ix_pub_item,priority:1"`
	Publisher   string `gorm:"size:200"`
	Topic       string `gorm:"size:60"`
	Title       string `gorm:"size:600;not null"`
	DocNo       string `gorm:"size:120"`
	GeneratedOn time.Time
	PublishedOn time.Time `gorm:"index:ix_pub_unit,priority:2;index:ix_pub_item,priority:2;index:ix_pub_status_day,priority:2;index:ix_pub_unit_status,priority:3"`
	Body        string    `gorm:"type:longtext"`
	// BodyText is the body's text (catalog.BodyText), kept beside it for
	// the back office's search, which must not match the HTML's tags; it
	// is written on every save and never read back.
	BodyText       string `gorm:"type:longtext;->:false;<-"`
	Views          int64
	InterpretsID   *int64 `gorm:"index"`
	ConsultOpens   *time.Time
	ConsultCloses  *time.Time
	SupersedesID   *int64 `gorm:"index"`
	SupersededByID *int64
	Status         string `gorm:"size:16;not null;index;index:ix_pub_status_day,priority:1;index:ix_pub_unit_status,priority:2"` // the inspection reads a quarter's by status and day; a unit's queues by status
	StatusReason   string `gorm:"type:text"`
	StatusNote     string `gorm:"type:text"`
	TakedownReason string `gorm:"size:16"`
	RectifyDue     *time.Time
	// PublicFrom is when the publication first became public (approved or
	// released) and PublicUntil when it last stopped (withdrawn, taken
	// down, superseded): a past quarter is judged on what was public then.
	// Both are empty for publications stored before they were kept.
	PublicFrom    *time.Time
	PublicUntil   *time.Time
	SubmittedByID int64
	SubmittedBy   string  `gorm:"size:80"`
	ApprovedBy    string  `gorm:"size:80"`
	LockVersion   int     `gorm:"not null;default:1"`
	CreatedBy     string  `gorm:"size:80"`
	SeedKey       *string `gorm:"size:120;uniqueIndex"`
	CreatedAt     time.Time
	UpdatedAt     time.Time          `gorm:"index"` // the search's overlay reads what changed since its index
	Unit          unitRecord         `gorm:"foreignKey:UnitCode;references:Code;constraint:OnDelete:RESTRICT"`
	Item          itemRecord         `gorm:"foreignKey:ItemID;constraint:OnDelete:RESTRICT"`
	Interprets    *publicationRecord `gorm:"foreignKey:InterpretsID;constraint:OnDelete:SET NULL"`
}

func (publicationRecord) TableName() string { return "publications" }

func (r publicationRecord) toPublication() catalog.Publication {
	return catalog.Publication{ID: r.ID, IndexNo: r.IndexNo, UnitCode: r.UnitCode, ItemID: r.ItemID, Publisher: r.Publisher, Topic: r.Topic,
		Title: r.Title, DocNo: r.DocNo, GeneratedOn: r.GeneratedOn, PublishedOn: r.PublishedOn, Body: r.Body, Views: r.Views,
		InterpretsID: r.InterpretsID, ConsultOpens: r.ConsultOpens, ConsultCloses: r.ConsultCloses,
		SupersedesID: r.SupersedesID, SupersededByID: r.SupersededByID,
		Status: catalog.PubStatus(r.Status), StatusName: catalog.PubStatus(r.Status).Name(),
		StatusReason: r.StatusReason, StatusNote: r.StatusNote, TakedownReason: r.TakedownReason, RectifyDue: r.RectifyDue,
		SubmittedBy: r.SubmittedBy, ApprovedBy: r.ApprovedBy, Version: r.LockVersion, CreatedBy: r.CreatedBy,
		UpdatedAt: r.UpdatedAt, Attachments: []catalog.Attachment{}}
}

type eventRecord struct {
	ID            int64  `gorm:"primaryKey"`
	PublicationID int64  `gorm:"not null;index"`
	Action        string `gorm:"size:16;not null"`
	FromStatus    string `gorm:"size:16;not null"`
	ToStatus      string `gorm:"size:16;not null"`
	ActorID       int64
	Actor         string `gorm:"size:80"`
	Reason        string `gorm:"type:text"`
	Note          string `gorm:"type:text"`
	Checklist     string `gorm:"type:text"` // JSON of catalog.Checklist
	Privacy       string `gorm:"type:text"` // JSON of the kept personal information
	At            time.Time
	Publication   publicationRecord `gorm:"foreignKey:PublicationID;constraint:OnDelete:CASCADE"`
}

func (eventRecord) TableName() string { return "publication_events" }

type attachmentRecord struct {
	ID            int64  `gorm:"primaryKey"`
	PublicationID int64  `gorm:"not null;index"`
	Name          string `gorm:"size:255;not null"`
	ContentType   string `gorm:"size:120"`
	Size          int64
	SHA256        string `gorm:"size:64"`
	CreatedBy     string `gorm:"size:80"`
	CreatedAt     time.Time
	Publication   publicationRecord `gorm:"foreignKey:PublicationID;constraint:OnDelete:CASCADE"`
}

func (attachmentRecord) TableName() string { return "attachments" }

func (r attachmentRecord) toAttachment() catalog.Attachment {
	return catalog.Attachment{ID: r.ID, Name: r.Name, ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256, CreatedAt: r.CreatedAt}
}

// serialRecord hands out the 5-digit serial of 索引号 per unit and month.
type serialRecord struct {
	UnitCode string `gorm:"primaryKey;size:40"`
	Month    string `gorm:"primaryKey;size:6"`
	Last     int    `gorm:"column:last_serial;not null"`
}

func (serialRecord) TableName() string { return "index_serials" }

// Models lists every table of the package in creation order, for migration.
func Models() []any {
	return []any{&unitRecord{}, &domainRecord{}, &exemptionRecord{}, &templateRecord{}, &itemRecord{}, &itemVersionRecord{},
		&publicationRecord{}, &eventRecord{}, &attachmentRecord{}, &serialRecord{}, &auditRecord{}, &auditHeadRecord{}, &stashRecord{}, &countyRecord{},
		&reformRecord{}, &transferRecord{}}
}
