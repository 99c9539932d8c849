package catalog

import (
	"strconv"
	"strings"
	"time"
)

// ParseDay reads a date typed as 2006-01-02 (Asia/Shanghai) or given as
// RFC 3339; the error names the field.
func ParseDay(field, label, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, Shanghai); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(Shanghai), nil
	}
	return time.Time{}, Invalid(field, "%s格式不正确（应为 2020-08-13）：%q", label, s)
}

// PublicationInput is a publication as a clerk types it (a form or a JSON
// body): dates as text, the interpreted policy as an id.
type PublicationInput struct {
	Title         string `json:"title" form:"title"`
	DocNo         string `json:"doc_no" form:"doc_no"`
	Topic         string `json:"topic" form:"topic"`
	Publisher     string `json:"publisher" form:"publisher"`
	GeneratedOn   string `json:"generated_on" form:"generated_on"`
	PublishedOn   string `json:"published_on" form:"published_on"`
	Body          string `json:"body" form:"body"`
	InterpretsID  *int64 `json:"interprets_id" form:"-"`
	ConsultOpens  string `json:"consultation_opens" form:"consultation_opens"`
	ConsultCloses string `json:"consultation_closes" form:"consultation_closes"`
	// Version is the one the form was made from; an older one is refused.
	Version int `json:"version" form:"version"`
}

// Parse turns the input into a publication under an item, checking the dates
// against today (now): none may lie in the future. Without a 发布日期 the
// approval sets it.
func (in PublicationInput) Parse(itemID int64, now time.Time) (Publication, error) {
	p := Publication{ItemID: itemID, Title: in.Title, DocNo: in.DocNo, Topic: in.Topic, Publisher: strings.TrimSpace(in.Publisher),
		Body: in.Body, InterpretsID: in.InterpretsID, Version: in.Version}
	var err error
	if strings.TrimSpace(in.GeneratedOn) == "" {
		return p, Invalid("generated_on", "生成日期不能为空")
	}
	if p.GeneratedOn, err = ParseDay("generated_on", "生成日期", in.GeneratedOn); err != nil {
		return p, err
	}
	if strings.TrimSpace(in.PublishedOn) != "" {
		if p.PublishedOn, err = ParseDay("published_on", "发布日期", in.PublishedOn); err != nil {
			return p, err
		}
		if p.PublishedOn.Year() <= 1 { // the zero date a draft reads back with
			p.PublishedOn = time.Time{}
		}
	}
	for _, x := range []struct {
		in, field, label string
		out              **time.Time
	}{{in.ConsultOpens, "consultation_opens", "意见征集开始日期", &p.ConsultOpens}, {in.ConsultCloses, "consultation_closes", "意见征集截止日期", &p.ConsultCloses}} {
		if strings.TrimSpace(x.in) == "" {
			continue
		}
		d, err := ParseDay(x.field, x.label, x.in)
		if err != nil {
			return p, err
		}
		*x.out = &d
	}
	local := now.In(Shanghai)
	tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, Shanghai)
	if !p.GeneratedOn.Before(tomorrow) {
		return p, Invalid("generated_on", "生成日期不能晚于今天")
	}
	if !p.PublishedOn.IsZero() && !p.PublishedOn.Before(tomorrow) {
		return p, Invalid("published_on", "发布日期不能晚于今天")
	}
	return p, nil
}

// ParseOptionalID reads an id typed in a form field; empty is none.
func ParseOptionalID(field, label, s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return nil, Invalid(field, "%s应为编号（数字）：%q", label, s)
	}
	return &id, nil
}

// CheckYear refuses a report's year before 2019 (the revised 条例 and the
// data this system holds) or after the current one.
func CheckYear(year int, now time.Time) error {
	if year < 2019 || year > now.In(Shanghai).Year() {
		return Invalid("year", "年份应在2019年至今年之间")
	}
	return nil
}
