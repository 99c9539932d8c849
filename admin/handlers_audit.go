package admin

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
)

// AuditReader is what the audit page reads.
type AuditReader interface {
	FindAudit(ctx context.Context, f catalog.AuditFilter) ([]catalog.AuditEntry, error)
}

type auditPage struct {
	Unit, User, Object, Action, From, To string
	Entries                              []catalog.AuditEntry
	Next                                 int64 // id to page on from, 0 at the end
	Query                                string
}

// handleAudit lets the audit administrator (and the county office and
// inspectors) browse the audit log with filters, page by page, and export
// what they filtered.
func (h handler) handleAudit(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	p := auditPage{Unit: c.Query("unit"), User: c.Query("user"), Object: c.Query("object"), Action: c.Query("action"), From: c.Query("from"), To: c.Query("to")}
	f := catalog.AuditFilter{UnitCode: p.Unit, Username: p.User, Object: p.Object, Action: p.Action, Limit: 100}
	f.BeforeID, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	if !h.can(m, rbac.AllUnits, rbac.ObjAccount, rbac.ActRead) {
		f.WithoutObjects = catalog.AccountObjects
	}
	var msg string
	if p.From != "" {
		if f.From, err = catalog.ParseDay("from", "开始日期", p.From); err != nil {
			msg = catalog.ErrorMessage(err)
		}
	}
	if p.To != "" {
		t, err := catalog.ParseDay("to", "结束日期", p.To)
		if err != nil {
			msg = catalog.ErrorMessage(err)
		}
		f.To = t.Add(24 * time.Hour)
	}
	if msg == "" {
		if p.Entries, err = h.Audit.FindAudit(c.UserContext(), f); err != nil {
			return err
		}
		if len(p.Entries) == f.Limit {
			p.Next = p.Entries[len(p.Entries)-1].ID
		}
	}
	var q []string
	for k, v := range map[string]string{"unit": p.Unit, "user": p.User, "object": p.Object, "action": p.Action, "from": p.From, "to": p.To} {
		if v != "" {
			q = append(q, k+"="+urlQueryEscape(v))
		}
	}
	p.Query = strings.Join(q, "&")
	status := 200
	if msg != "" {
		status = fiber.StatusBadRequest
	}
	return render(c, status, "audit.html", page{Title: "审计日志", Me: m, Error: msg, Data: p})
}
