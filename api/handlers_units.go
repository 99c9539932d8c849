package api

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

func (s *handlers) handleUnitIndex(c *fiber.Ctx) error {
	us, err := s.Units.FindUnits(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(us)
}

// UnitView is a unit with the domains it is exempt from.
type UnitView struct {
	catalog.Unit
	Exemptions []catalog.Exemption `json:"exemptions"`
}

func (s *handlers) handleUnitShow(c *fiber.Ctx) error {
	u, err := s.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	ex, err := s.Units.FindExemptions(c.UserContext(), u.Code)
	if err != nil {
		return err
	}
	return c.JSON(UnitView{Unit: *u, Exemptions: ex})
}

// handleDomainIndex lists the 26 national domains; with ?all=1 the county's
// local columns (财政资金, 政策解读 …) follow them.
func (s *handlers) handleDomainIndex(c *fiber.Ctx) error {
	ds, err := s.Units.FindDomains(c.UserContext())
	if err != nil {
		return err
	}
	if all, _ := web.ParseBool(c.Query("all")); all {
		return c.JSON(ds)
	}
	national := make([]catalog.Domain, 0, 26)
	for _, d := range ds {
		if d.National {
			national = append(national, d)
		}
	}
	return c.JSON(national)
}

type exemptionInput struct {
	Reason string `json:"reason"`
}

// handleCompleteness measures a unit's catalogue against the templates:
// missing, not_applicable and retired template items.
func (s *handlers) handleCompleteness(c *fiber.Ctx) error {
	cm, err := catalog.UnitCompleteness(c.UserContext(), s.Units, s.Items, c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(cm)
}

// handleExemptionUpdate records 未涉及领域说明; an empty reason removes it.
func (s *handlers) handleExemptionUpdate(c *fiber.Ctx) error {
	var in exemptionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	code := strings.Clone(c.Params("code"))
	if _, err := s.Units.FindUnit(c.UserContext(), code); err != nil {
		return err
	}
	e := catalog.Exemption{UnitCode: code, DomainCode: strings.Clone(c.Params("domain")), Reason: strings.TrimSpace(in.Reason)}
	if err := s.Units.SetExemption(c.UserContext(), e, web.Actor(c)); err != nil {
		return err
	}
	return c.JSON(e)
}

// auditFilter reads the audit filters of a request.
func (s *handlers) auditFilter(c *fiber.Ctx) (catalog.AuditFilter, error) {
	f := catalog.AuditFilter{UnitCode: rbac.UnitOf(c), Username: c.Query("user"), Object: c.Query("object"), Action: c.Query("action")}
	if f.UnitCode == rbac.AllUnits {
		f.UnitCode = ""
	}
	if !s.canRead(c, rbac.AllUnits, rbac.ObjAccount) {
		f.WithoutObjects = catalog.AccountObjects
	}
	f.Limit, _ = strconv.Atoi(c.Query("limit", "100"))
	f.BeforeID, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	if v := c.Query("from"); v != "" {
		t, err := parseDay("from", "开始日期", v)
		if err != nil {
			return f, err
		}
		f.From = t
	}
	if v := c.Query("to"); v != "" {
		t, err := parseDay("to", "结束日期", v)
		if err != nil {
			return f, err
		}
		f.To = t.AddDate(0, 0, 1) // the whole end day
	}
	return f, nil
}

// handleAuditExport writes the filtered audit entries as CSV (UTF-8 with
// BOM, for Excel), up to 100,000 of them, newest first. Cells that would
// start a formula are neutralised.
func (s *handlers) handleAuditExport(c *fiber.Ctx) error {
	f, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Write([]string{"编号", "时间", "用户", "来源地址", "单位", "对象", "操作", "目标", "说明", "变更前", "变更后", "哈希"})
	f.Limit = 1000
	for total := 0; total < 100000; {
		es, err := s.Audit.FindAudit(c.UserContext(), f)
		if err != nil {
			return err
		}
		for _, e := range es {
			w.Write(cells(strconv.FormatInt(e.ID, 10), e.At.Format("2006-01-02 15:04:05"), e.Username, e.IP, e.UnitCode, e.Object,
				e.Action, e.TargetID, e.Detail, e.Before, e.After, e.Hash))
		}
		total += len(es)
		if len(es) < f.Limit {
			break
		}
		f.BeforeID = es[len(es)-1].ID
	}
	w.Flush()
	if err := s.Audit.Audit(c.UserContext(), web.Actor(c), "", "audit", "export", "", c.OriginalURL()); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit.csv"`)
	return c.Send(buf.Bytes())
}

// cells neutralises values that a spreadsheet would run as formulas.
func cells(vs ...string) []string {
	for i, v := range vs {
		if v != "" && strings.ContainsRune("=+-@\t\r\x00", rune(v[0])) {
			vs[i] = "'" + v
		}
	}
	return vs
}

// handleAuditIndex lists audit entries, newest first, filtered by
// ?unit= &user= &object= &action= &from= &to= (dates, Asia/Shanghai) and paged
// with ?before=<id>.
func (s *handlers) handleAuditIndex(c *fiber.Ctx) error {
	f, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	es, err := s.Audit.FindAudit(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(es)
}

// handleCountyShow is GET /api/v1/county: the county's identity, public
// (the kiosk and letters show it).
func (s *handlers) handleCountyShow(c *fiber.Ctx) error {
	county, err := s.County.County(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(county)
}

// handleCountyUpdate is PUT /api/v1/county: the county office sets its
// identity, the whole of it.
func (s *handlers) handleCountyUpdate(c *fiber.Ctx) error {
	var in catalog.County
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.County.SaveCounty(c.UserContext(), &in, web.Actor(c)); err != nil {
		return err
	}
	return c.JSON(in)
}

// UnitCreated answers a new unit: the unit and how many items its
// catalogue started with.
type UnitCreated struct {
	Unit  catalog.Unit `json:"unit"`
	Items int          `json:"items"`
}

// handleUnitCreate is POST /api/v1/units: the county office adds a
// township or a department, with its catalogue from the templates.
func (s *handlers) handleUnitCreate(c *fiber.Ctx) error {
	var in struct {
		Code       string        `json:"code"`
		Name       string        `json:"name"`
		FullName   string        `json:"full_name"`
		Level      catalog.Level `json:"level"`
		Kind       catalog.Kind  `json:"kind"`
		CreditCode string        `json:"credit_code"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u := catalog.Unit{Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), FullName: in.FullName, Level: in.Level, Kind: in.Kind, CreditCode: in.CreditCode}
	n, err := s.Lifecycle.CreateUnit(c.UserContext(), &u, web.Actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(UnitCreated{Unit: u, Items: n})
}

// handleUnitDomains is POST /api/v1/units/{code}/domains: a department
// takes on domains, whose county-level template items join its catalogue.
func (s *handlers) handleUnitDomains(c *fiber.Ctx) error {
	var in struct {
		Domains []string `json:"domains"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.Lifecycle.AdoptDomains(c.UserContext(), c.Params("code"), in.Domains, web.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"added": n})
}

// handleUnitRename is POST /api/v1/units/{code}/rename: a new name in an
// institutional reform, or the 统一社会信用代码 (credit_code, when given);
// the code, rights and the 索引号 already given stay.
func (s *handlers) handleUnitRename(c *fiber.Ctx) error {
	var in struct {
		Name       string `json:"name"`
		FullName   string `json:"full_name"`
		CreditCode string `json:"credit_code"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.Lifecycle.RenameUnit(c.UserContext(), c.Params("code"), in.Name, in.FullName, in.CreditCode, web.Actor(c)); err != nil {
		return err
	}
	u, err := s.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// handleUnitDelete is DELETE /api/v1/units/{code}: a unit created by
// mistake goes, while nobody works in it.
func (s *handlers) handleUnitDelete(c *fiber.Ctx) error {
	if err := s.Lifecycle.DeleteUnit(c.UserContext(), c.Params("code"), web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleReformIndex is GET /api/v1/reforms: the institutional reforms
// carried out, newest first.
func (s *handlers) handleReformIndex(c *fiber.Ctx) error {
	rs, err := s.Reforms.FindReforms(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(rs)
}

// handleReformCreate is POST /api/v1/reforms: the county office carries
// out an institutional reform (机构改革) — units merged into one
// ("merge"; one unit merged is a retirement) or one split among several
// ("split", items by domain) — and every record the ending units held
// follows its successor.
func (s *handlers) handleReformCreate(c *fiber.Ctx) error {
	var in struct {
		Kind        catalog.ReformKind `json:"kind"`
		From        []string           `json:"from"`
		Into        []string           `json:"into"`
		Domains     map[string]string  `json:"domains"`
		Basis       string             `json:"basis"`
		EffectiveOn string             `json:"effective_on"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	r := catalog.Reform{Kind: in.Kind, From: in.From, Into: in.Into, Domains: in.Domains, Basis: in.Basis}
	if in.EffectiveOn != "" {
		t, err := parseDay("effective_on", "生效日期", in.EffectiveOn)
		if err != nil {
			return err
		}
		r.EffectiveOn = t
	}
	if err := s.Reforms.Reform(c.UserContext(), &r, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}
