package filing

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/catalog"
)

// Person is someone named on a filing.
type Person struct {
	Name  string `json:"name"`
	Post  string `json:"post"`  // 职务
	Phone string `json:"phone"` // 办公电话
}

// Office is the internal office that handles openness (内设机构).
type Office struct {
	Name  string `json:"name"`
	Head  string `json:"head"`
	Phone string `json:"phone"`
}

// Filing is one version of a unit's 备案表.
type Filing struct {
	ID         int64     `json:"id"`
	UnitCode   string    `json:"unit_code"`
	Leader     Person    `json:"leader"`     // 分管负责人
	Publishers []Person  `json:"publishers"` // 信息发布员
	Office     Office    `json:"office"`     // 内设机构
	Fax        string    `json:"fax"`
	Email      string    `json:"email"`
	FiledOn    time.Time `json:"filed_on"` // 备案日期
	Note       string    `json:"note"`
	// MovedFrom names the unit whose filing it was before a reform handed
	// it to this one (history, listed before the unit's own).
	MovedFrom string    `json:"moved_from,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func trim(ps ...*string) {
	for _, p := range ps {
		*p = strings.TrimSpace(*p)
	}
}

// Validate checks a filing; messages name the field in Chinese.
func (f *Filing) Validate() error {
	trim(&f.Leader.Name, &f.Leader.Post, &f.Leader.Phone, &f.Office.Name, &f.Office.Head, &f.Office.Phone, &f.Fax, &f.Email, &f.Note)
	if f.Leader.Name == "" {
		return catalog.Invalid("leader.name", "分管负责人姓名不能为空")
	}
	if err := catalog.CheckPhone("leader.phone", "分管负责人办公电话", f.Leader.Phone, true); err != nil {
		return err
	}
	var ps []Person
	for _, p := range f.Publishers {
		trim(&p.Name, &p.Post, &p.Phone)
		if p.Name != "" || p.Phone != "" {
			ps = append(ps, p)
		}
	}
	f.Publishers = ps
	if len(ps) == 0 {
		return catalog.Invalid("publishers", "至少填写一名信息发布员")
	}
	for i, p := range ps {
		if p.Name == "" {
			return catalog.Invalid("publishers", "第%d名信息发布员姓名不能为空", i+1)
		}
		if err := catalog.CheckPhone("publishers", "信息发布员"+p.Name+"的办公电话", p.Phone, true); err != nil {
			return err
		}
	}
	if err := catalog.CheckPhone("office.phone", "内设机构联系电话", f.Office.Phone, false); err != nil {
		return err
	}
	if err := catalog.CheckPhone("fax", "传真", f.Fax, false); err != nil {
		return err
	}
	if err := catalog.CheckEmail("email", f.Email); err != nil {
		return err
	}
	if f.FiledOn.IsZero() {
		return catalog.Invalid("filed_on", "备案日期不能为空")
	}
	if utf8.RuneCountInString(f.Note) > 1000 {
		return catalog.Invalid("note", "备注不能超过1000字")
	}
	return nil
}

// PublisherNames is the sorted set of publishers' names.
func (f Filing) PublisherNames() []string {
	var out []string
	for _, p := range f.Publishers {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

// Watch is a unit on the county's watch list, with why.
type Watch struct {
	UnitCode string     `json:"unit_code"`
	UnitName string     `json:"unit_name"`
	Reasons  []string   `json:"reasons"`
	LastOn   *time.Time `json:"last_filed_on,omitempty"`
	Changes  int        `json:"publisher_changes"` // in the 12 months before the date
	// LastChange is when the publishers last changed (the filing that
	// changed them), if ever.
	LastChange *time.Time `json:"last_publisher_change,omitempty"`
}

// WatchList finds, at a date, the units that never filed, whose newest
// filing is more than a year old, or whose publishers changed two or more
// times in the year before (发布员变动频繁). history holds every filing by
// unit, oldest first.
func WatchList(units []catalog.Unit, history map[string][]Filing, at time.Time) []Watch {
	yearAgo := at.AddDate(-1, 0, 0)
	var out []Watch
	for _, u := range units {
		fs := history[u.Code]
		w := Watch{UnitCode: u.Code, UnitName: u.Name}
		var upTo []Filing
		for _, f := range fs {
			if !f.FiledOn.After(at) {
				upTo = append(upTo, f)
			}
		}
		if len(upTo) == 0 {
			w.Reasons = append(w.Reasons, "未备案")
			out = append(out, w)
			continue
		}
		last := upTo[len(upTo)-1]
		w.LastOn = &last.FiledOn
		if last.FiledOn.Before(yearAgo) {
			w.Reasons = append(w.Reasons, "超过12个月未重新备案")
		}
		for i := 1; i < len(upTo); i++ {
			if strings.Join(upTo[i].PublisherNames(), ",") == strings.Join(upTo[i-1].PublisherNames(), ",") {
				continue
			}
			w.LastChange = &upTo[i].FiledOn
			if upTo[i].FiledOn.After(yearAgo) {
				w.Changes++
			}
		}
		if w.Changes >= 2 {
			w.Reasons = append(w.Reasons, "发布员变动频繁")
		}
		if len(w.Reasons) > 0 {
			out = append(out, w)
		}
	}
	return out
}

// Account is what the consistency check needs of a user.
type Account struct {
	Username    string
	DisplayName string
	Disabled    bool
	Role        string // clerk or leader in the unit
}

// Mismatch is a disagreement between a unit's filing and its accounts.
type Mismatch struct {
	Kind    string `json:"kind"` // filed_without_account, account_without_filing, disabled_still_filed
	Name    string `json:"name"`
	Message string `json:"message"`
}

// Consistency compares the current filing of a unit with its accounts: each
// filed 信息发布员 should be an active clerk and the 分管负责人 an active leader
// (matched by the account's display name). Messages name people, never
// usernames: inspectors read them, and accounts are not theirs to read.
func Consistency(f *Filing, accounts []Account) []Mismatch {
	var out []Mismatch
	byName := map[string]Account{}
	for _, a := range accounts {
		byName[a.DisplayName] = a
	}
	filed := map[string]bool{}
	check := func(name, role, label string) {
		filed[name] = true
		a, ok := byName[name]
		switch {
		case !ok || a.Role != role:
			out = append(out, Mismatch{"filed_without_account", name, label + name + "没有对应的" + roleName(role) + "账号"})
		case a.Disabled:
			out = append(out, Mismatch{"disabled_still_filed", name, label + name + "的" + roleName(role) + "账号已停用，备案表仍列其名"})
		}
	}
	if f != nil {
		check(f.Leader.Name, "leader", "备案的分管负责人")
		for _, p := range f.Publishers {
			check(p.Name, "clerk", "备案的信息发布员")
		}
	}
	for _, a := range accounts {
		if !a.Disabled && !filed[a.DisplayName] {
			out = append(out, Mismatch{"account_without_filing", a.DisplayName, "有" + roleName(a.Role) + "账号的" + a.DisplayName + "未在备案表中"})
		}
	}
	return out
}

func roleName(r string) string {
	if r == "leader" {
		return "分管负责人"
	}
	return "信息专管员"
}

// Service keeps filings.
type Service interface {
	// CreateFiling stores a new version; EINVALID, ENOTFOUND for a unit.
	CreateFiling(ctx context.Context, f *Filing, by catalog.Actor) error
	// FindFilings returns a unit's filings, oldest first.
	FindFilings(ctx context.Context, unitCode string) ([]Filing, error)
	// AllFilings returns every unit's filings, oldest first.
	AllFilings(ctx context.Context) (map[string][]Filing, error)
	// FindFiling returns one filing; ENOTFOUND.
	FindFiling(ctx context.Context, id int64) (*Filing, error)
}

// WatchAt is the watch list as of the end of the day at (now when at is
// ""): at is a date as typed (2020-12-31), EINVALID naming the field
// "at" otherwise. The API and the back office share it.
func WatchAt(ctx context.Context, units catalog.UnitService, filings Service, at string) ([]Watch, error) {
	when := time.Now().In(catalog.Shanghai)
	if at != "" {
		d, err := catalog.ParseDay("at", "日期", at)
		if err != nil {
			return nil, err
		}
		when = d.Add(24*time.Hour - time.Second)
	}
	us, err := units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	all, err := filings.AllFilings(ctx)
	if err != nil {
		return nil, err
	}
	w := WatchList(us, all, when)
	if w == nil {
		w = []Watch{}
	}
	return w, nil
}
