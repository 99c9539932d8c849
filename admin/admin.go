package admin

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/filing"
	"gongkai/foi"
	"gongkai/hotline"
	"gongkai/inspect"
	"gongkai/notify"
	"gongkai/rbac"
	"gongkai/web"
	"gongkai/weberr"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the back office works with.
type Deps struct {
	Units catalog.UnitService
	// Lifecycle creates, renames and extends units; Removal deletes one
	// created by mistake while nobody works in it (access.Desk).
	Lifecycle catalog.UnitLifecycle
	Removal   interface {
		DeleteUnit(ctx context.Context, code string, by catalog.Actor) error
	}
	// Reforms carries out institutional reforms (机构改革).
	Reforms  catalog.UnitReforms
	Items    catalog.ItemService
	Pubs     catalog.PublicationService
	Accounts account.Service
	Authz    *rbac.Enforcer
	Audit    AuditReader
	Admins   AccountAdmin
	Import   Importer
	Filings  filing.Service
	// Directory imports the unit directory sheet.
	Directory DirectoryImporter
	// UnitAccounts lists a unit's clerk and leader accounts, for the
	// consistency of its filing.
	UnitAccounts UnitAccountsFunc
	// RectifyDue gives the rectification due date of a takedown made today.
	RectifyDue func(now time.Time) (time.Time, error)
	// Sessions signs people in (throttle, lock and audit included) and out
	// and changes their own password.
	Sessions *web.Sessions
	// Attachments keeps the publications' files.
	Attachments AttachmentStore
	// Kiosk keeps the service points, their use and the search aliases.
	Kiosk KioskAdmin
	// County is the county's identity (catalog.CountyService).
	County catalog.CountyService
	// Requests are the disclosure requests (foi.Desk).
	Requests RequestAdmin
	// Inspections reads and issues the quarterly inspection reports;
	// Scores computes the year's scores.
	Inspections Inspections
	Scores      Scores
	// Notices are what waits for a person, on the 工作台 (notify.Notifier).
	Notices Notices
	// Mail tells whether a mail server sends the daily digest.
	Mail bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Hotline is the 12345 hotline's desk (work orders); Record audits
	// what is read (a caller's phone revealed).
	Hotline *hotline.Desk
	Record  interface {
		Audit(ctx context.Context, by catalog.Actor, unit, obj, action string, target any, detail string) error
	}
}

// Notices gathers what waits for a person: requests, returned drafts,
// reviews, items falling due, rectification deadlines.
type Notices interface {
	For(ctx context.Context, u account.User, now time.Time) ([]notify.Notice, error)
}

type handler struct {
	Deps
	fresh *freshCache
}

// freshCache keeps each unit's catalogue freshness counts for the
// dashboard, valid while the unit's catalogue revision and the day stay
// the same: a county's (or province's) dashboard then reads the items of
// the units that changed only.
type freshCache struct {
	mu sync.Mutex
	m  map[string]freshCounts
}

type freshCounts struct {
	rev                   int64
	day                   int
	items, overdue, never int
}

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"date": func(t time.Time) string {
		if t.Year() <= 1 {
			return "—"
		}
		return t.In(catalog.Shanghai).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string { return t.In(catalog.Shanghai).Format("2006-01-02 15:04") },
	"dateptr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(catalog.Shanghai).Format("2006-01-02")
	},
	"stepName": catalog.StepName,
	// nameOf is a person's name (with the login, which identifies them)
	// where the page looked it up.
	"nameOf": func(names map[string]string, login string) string {
		if n := names[login]; n != "" && n != login {
			return n + "（" + login + "）"
		}
		return login
	},
	"auditObject": auditObjectName,
	"freshNames": func() map[string]string {
		return map[string]string{string(catalog.FreshOK): catalog.FreshOK.Name(), string(catalog.FreshOverdue): catalog.FreshOverdue.Name(),
			string(catalog.FreshNever): catalog.FreshNever.Name(), string(catalog.FreshEvent): catalog.FreshEvent.Name()}
	},
	"auditAction":   auditActionName,
	"bodyHTML":      func(s string) template.HTML { return template.HTML(catalog.CleanBody(s)) },
	"itemAction":    catalog.ItemActionName,
	"maskName":      foi.MaskName,
	"actionName":    hotline.ActionName,
	"callbackName":  func(s string) string { return hotline.Callback(s).Name() },
	"reviewColumns": func() [4]string { return foi.ReviewColumns },
	"trendSVG":      inspect.TrendSVG,
	"neg":           func(n int) int { return -n },
	"add":           func(a, b int) int { return a + b },
	"channels": func() map[string]string {
		return map[string]string{"counter": "当面", "letter": "信函", "fax": "传真", "online": "网络"}
	},
	"applicantTypes": func() []foi.ApplicantType { return foi.ApplicantTypes },
	"idTypes":        func() []foi.IDType { return []foi.IDType{foi.ResidentID, foi.Passport, foi.HMTPermit, foi.ForeignPR} },
	"forms":          func() []foi.Form { return []foi.Form{foi.Paper, foi.Email, foi.Disc, foi.Onsite} },
	"join":           strings.Join,
	"hasPrefix":      strings.HasPrefix,
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	},
}).ParseFS(templateFS, "templates/*.html"))

// me is the signed-in person and what they may do where.
type me struct {
	ID       int64
	Username string
	Display  string
	Grants   []rbac.Grant
	County   bool // bound county-wide (admin, inspector)
	// CountyName is the county's, for the title bar.
	CountyName string
	Admin      bool
	// CanAudit and CanAccounts decide which menu entries are shown.
	CanAudit, CanAccounts bool
	CanKiosk              bool
	CanInspect            bool
	// RequestsURL is where the person's disclosure requests are listed, or
	// ""; RequestsUnit is the unit whose they are, "" for county-wide.
	RequestsURL, RequestsUnit string
	// OrdersURL is where the person's hotline orders are: the county
	// office's desk, or their unit's inbox; "" for none.
	OrdersURL string
	// FailedSignIns wrong passwords were tried on the account before this
	// sign-in; the owner is told on every page of the session.
	FailedSignIns int
	// Email receives the daily digest unless NoDigest, when Mail (a mail
	// server is configured).
	Email          string
	NoDigest, Mail bool
}

// can tells whether the person may do act on obj in the unit.
func (h handler) can(m *me, unit string, obj rbac.Object, act rbac.Action) bool {
	ok, err := h.Authz.Allow(m.ID, unit, obj, act)
	return err == nil && ok
}

func (h handler) current(c *fiber.Ctx) (*me, error) {
	p, ok := rbac.PrincipalOf(c)
	if !ok {
		return nil, nil
	}
	u, err := h.Accounts.FindUser(c.UserContext(), p.ID)
	if err != nil {
		return nil, err
	}
	gs, err := h.Authz.GrantsOf(p.ID)
	if err != nil {
		return nil, err
	}
	m := &me{ID: u.ID, Username: u.Username, Display: u.DisplayName, Grants: gs, FailedSignIns: u.FailedSignIns,
		Email: u.Email, NoDigest: u.NoDigest, Mail: h.Mail}
	if county, err := h.County.County(c.UserContext()); err == nil {
		m.CountyName = county.Name
	}
	for _, g := range gs {
		if g.Unit == rbac.AllUnits {
			m.County = true
			m.Admin = m.Admin || g.Role == rbac.RoleAdmin
		}
	}
	m.CanAudit = h.can(m, rbac.AllUnits, rbac.ObjAudit, rbac.ActRead)
	m.CanAccounts = h.can(m, rbac.AllUnits, rbac.ObjAccount, rbac.ActRead)
	m.CanKiosk = h.can(m, rbac.AllUnits, rbac.ObjKiosk, rbac.ActRead)
	m.CanInspect = h.can(m, rbac.AllUnits, rbac.ObjInspection, rbac.ActRead)
	if office, err := h.Requests.Office(c.UserContext()); err == nil && h.can(m, office, rbac.ObjOrder, rbac.ActRead) {
		m.OrdersURL = "/admin/orders"
	} else {
		for _, g := range gs {
			if g.Unit != rbac.AllUnits && h.can(m, g.Unit, rbac.ObjOrder, rbac.ActRead) {
				m.OrdersURL = "/admin/orders?unit=" + url.QueryEscape(g.Unit)
				break
			}
		}
	}
	if h.can(m, rbac.AllUnits, rbac.ObjRequest, rbac.ActRead) {
		m.RequestsURL = "/admin/requests"
	} else {
		for _, g := range gs {
			if h.can(m, g.Unit, rbac.ObjRequest, rbac.ActRead) {
				m.RequestsUnit = g.Unit
				m.RequestsURL = "/admin/requests?unit=" + url.QueryEscape(g.Unit)
				break
			}
		}
	}
	return m, nil
}

// ownRequests sends a unit's staff who open the request list (or the
// registration form) without naming a unit to their own unit's, instead of
// refusing them the county's.
func (h handler) ownRequests(c *fiber.Ctx) error {
	if c.Query("unit") != "" {
		return c.Next()
	}
	m, err := h.current(c)
	if err != nil {
		return err
	}
	if m == nil || m.RequestsUnit == "" {
		return c.Next()
	}
	to := "/admin/requests"
	if strings.HasSuffix(c.Path(), "/new") {
		to += "/new"
	}
	return c.Redirect(to+"?unit="+url.QueryEscape(m.RequestsUnit), fiber.StatusSeeOther)
}

// signedIn sends a visitor without a session to the sign-in page.
func (h handler) signedIn(c *fiber.Ctx) error {
	if _, ok := rbac.PrincipalOf(c); !ok {
		return c.Redirect("/admin/login?next="+urlQueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

func urlQueryEscape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "#", "%23", "?", "%3F", "=", "%3D", " ", "%20").Replace(s)
}

// safeNext keeps a redirect inside the back office: only a clean path under
// /admin/ — printable URL characters only (no CR/LF or other control
// characters that would split the Location header, no spaces, no
// backslashes), no "//" and no scheme or host, no ".." out of /admin/ —
// else the dashboard.
func safeNext(next string) string {
	const dashboard = "/admin/"
	if len(next) > 2000 || !strings.HasPrefix(next, dashboard) || strings.Contains(next, "//") || strings.Contains(next, "..") {
		return dashboard
	}
	for i := 0; i < len(next); i++ {
		b := next[i]
		if b <= ' ' || b >= 0x7f || b == '\\' || b == '"' || b == '<' || b == '>' || b == '`' || b == '{' || b == '}' || b == '|' || b == '^' {
			return dashboard
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return dashboard
	}
	return next
}

// AttachmentStore keeps publications' attachments (package attach).
type AttachmentStore interface {
	// Save stores a file read from r (size bytes) for an editable
	// publication; EINVALID names what is wrong with the file, ECONFLICT
	// when the publication may not change.
	Save(ctx context.Context, pubID int64, name string, r io.Reader, size int64, by catalog.Actor) (*catalog.Attachment, error)
	// Remove deletes an attachment of an editable publication; ENOTFOUND,
	// ECONFLICT.
	Remove(ctx context.Context, pubID, attachmentID int64, by catalog.Actor) error
	// RemovePublication deletes a draft never submitted, with its
	// attachments; ECONFLICT for any other.
	RemovePublication(ctx context.Context, id int64, by catalog.Actor) error
	// PublicationText is the text of a publication's attachments for the
	// privacy check; EINVALID names one that cannot be read.
	PublicationText(ctx context.Context, pubID int64) (string, error)
}

// page is what every template gets besides its own data.
type page struct {
	Title string
	Me    *me
	Flash string
	Error string
	Data  any
	// Names are people's names by login, for the pages that show who did
	// what (nameOf).
	Names map[string]string
}

// auditObjectName and auditActionName put the audit log's codes in Chinese,
// the code itself where there is no name for it.
func auditObjectName(o string) string {
	if n, ok := map[string]string{"publication": "公开信息", "item": "目录事项", "unit": "单位", "request": "依申请公开", "filing": "备案",
		"user": "账号", "account": "账号", "role": "授权", "grant": "授权", "calendar": "节假日", "kiosk": "查阅点", "point": "查阅点",
		"aliases": "搜索同义词", "inspection": "测评", "score": "评分", "exemption": "未涉及说明", "session": "登录", "reform": "机构改革",
		"county": "本县信息", "annual": "年度报告", "catalog": "目录", "notice": "告知书"}[o]; ok {
		return n
	}
	return o
}

func auditActionName(a string) string {
	if n, ok := map[string]string{"create": "新建", "update": "修改", "delete": "删除", "retire": "停用", "rename": "更名",
		"submit": "提交审核", "approve": "审核发布", "reject": "退回修改", "takedown": "撤下", "rectify": "整改后重新提交", "withdraw": "撤回",
		"revise": "修订", "attach": "添加附件", "detach": "删除附件", "publish": "发布", "release": "定时发布",
		"register": "登记", "reveal": "查看完整个人信息", "reassign": "改派", "forward": "交办", "answer": "答复", "deliver": "送达",
		"correct": "补正告知", "extend": "延期", "split": "拆分", "merge": "合并", "consult": "征求意见",
		"login": "登录", "logout": "退出", "lock": "锁定", "disable": "停用", "reset": "重置密码", "password": "修改密码",
		"grant": "授权", "revoke": "撤销授权", "import": "导入", "export": "导出", "transfer": "划转", "adopt": "采用模板", "set": "设置",
		"purge": "清理"}[a]; ok {
		return n
	}
	return a
}

// names looks up the display names of the logins given, for page.Names; a
// login without one (system, cli:…) stays as it is.
func (h handler) names(ctx context.Context, logins ...string) map[string]string {
	out := map[string]string{}
	for _, l := range logins {
		if _, done := out[l]; done || l == "" {
			continue
		}
		out[l] = ""
		if u, err := h.Accounts.FindUserByName(ctx, l); err == nil && u.DisplayName != "" {
			out[l] = u.DisplayName
		}
	}
	return out
}

// WriteError answers a classified error as the back office does: its
// status and the back office's error page with the message, in place of
// anything a handler had begun to write (the message alone if the page
// cannot be made).
func WriteError(c *fiber.Ctx, p weberr.Problem) error {
	var b bytes.Buffer
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := tmpl.ExecuteTemplate(&b, "error.html", page{Title: "出错了", Error: p.Message, Data: "无法完成操作"}); err != nil {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(p.Status).SendString(p.Message)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(p.Status).Send(b.Bytes())
}

func render(c *fiber.Ctx, status int, name string, p page) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(status)
	return tmpl.ExecuteTemplate(c.Response().BodyWriter(), name, p)
}

func (h handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// fieldError returns the field and message of a coded EINVALID error.
func fieldError(err error) (string, string, bool) {
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Code != catalog.EINTERNAL {
		return ce.Field, ce.Message, true
	}
	return "", "", false
}

// units the person works in, in display order; county-wide people get all.
func (h handler) myUnits(ctx context.Context, m *me) ([]catalog.Unit, error) {
	all, err := h.Units.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	if m.County {
		return all, nil
	}
	mine := map[string]bool{}
	for _, g := range m.Grants {
		mine[g.Unit] = true
	}
	var out []catalog.Unit
	for _, u := range all {
		if mine[u.Code] {
			out = append(out, u)
		}
	}
	return out, nil
}

func staticHandler() fiber.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	return filesystem.New(filesystem.Config{Root: http.FS(sub), MaxAge: 3600})
}
