package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"gongkai/account"
	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/rbac"
	"gongkai/workday"
)

// DemoPassword is the password of every demo account. It is public: the server
// warns at start that demo accounts exist.
const DemoPassword = "Demo-2026-gongkai"

// Stores are what the loader writes to.
type Stores struct {
	Catalog  *gormstore.Store
	Accounts account.Service
	RBAC     *rbac.Enforcer
	Calendar *workday.Calendar
}

// Summary tells what a load created.
type Summary struct {
	Units, Domains, Templates, Items, Publications, Users int
}

var system = catalog.Actor{Username: "system"}

// Reference loads the national reference data every installation needs: the
// domains and the standard catalogue templates.
func Reference(ctx context.Context, st Stores) (Summary, error) {
	var sum Summary
	for _, d := range Domains() {
		ok, err := st.Catalog.EnsureDomain(ctx, d)
		if err != nil {
			return sum, fmt.Errorf("seed: domain %s: %w", d.Code, err)
		}
		if ok {
			sum.Domains++
		}
	}
	for _, td := range templates() {
		if _, err := st.Catalog.EnsureTemplate(ctx, td.key, td.t); err != nil {
			return sum, fmt.Errorf("seed: template %s: %w", td.key, err)
		}
	}
	sum.Templates = len(templates())
	return sum, nil
}

// Demo loads Jingde county: units, every unit's catalogue, the 2020
// publications and the demo accounts. It loads Reference first.
func Demo(ctx context.Context, st Stores) (Summary, error) { return jingde(ctx, st, true) }

// JingdeReference loads Jingde county's identity, units and catalogues
// without the demo's publications and accounts: the real starting point
// for 旌德县 (`server init --reference jingde`).
func JingdeReference(ctx context.Context, st Stores) (Summary, error) { return jingde(ctx, st, false) }

func jingde(ctx context.Context, st Stores, demo bool) (Summary, error) {
	sum, err := Reference(ctx, st)
	if err != nil {
		return sum, err
	}
	for _, u := range Units() {
		ok, err := st.Catalog.EnsureUnit(ctx, u)
		if err != nil {
			return sum, fmt.Errorf("seed: unit %s: %w", u.Code, err)
		}
		if ok {
			sum.Units++
		}
	}
	if _, err := st.Catalog.EnsureCounty(ctx, JingdeCounty()); err != nil {
		return sum, fmt.Errorf("seed: county: %w", err)
	}
	tpls, tplIDs, err := ensureTemplates(ctx, st)
	if err != nil {
		return sum, err
	}
	for _, ud := range units {
		seeds := append(unitItems(ud, tpls, tplIDs), statisticsColumns(ud)...)
		ids, n, err := st.Catalog.EnsureItems(ctx, ud.code, seeds, system)
		if err != nil {
			return sum, fmt.Errorf("seed: items of %s: %w", ud.code, err)
		}
		sum.Items += n
		if !demo {
			continue
		}
		pubs := append(unitPublications(ud, seeds, ids, st.Calendar), recentPublications(ud, seeds, ids, time.Now())...)
		n, err = st.Catalog.EnsurePublications(ctx, ud.code, pubs)
		if err != nil {
			return sum, fmt.Errorf("seed: publications of %s: %w", ud.code, err)
		}
		sum.Publications += n
	}
	if !demo {
		return sum, nil
	}
	n, err := demoAccounts(ctx, st)
	sum.Users = n
	return sum, err
}

// JingdeCounty is the demo county's identity, from its 2020 material.
func JingdeCounty() catalog.County {
	c := catalog.NewCounty("旌德县", "341825", "zhengfuban")
	c.ConsultationBasis, c.ConsultationDays = "《旌德县人民政府重大行政决策公众参与程序规定》第十条", 10
	return c
}

// ensureTemplates stores the catalogue templates and returns them with
// their ids by key.
func ensureTemplates(ctx context.Context, st Stores) ([]templateDef, map[string]int64, error) {
	tpls := templates()
	ids := map[string]int64{}
	for _, td := range tpls {
		id, err := st.Catalog.EnsureTemplate(ctx, td.key, td.t)
		if err != nil {
			return nil, nil, err
		}
		ids[td.key] = id
	}
	return tpls, ids, nil
}

// DemoUsernames lists the demo accounts: admin, inspector, the three
// separated administrators, then a clerk and a leader for every unit.
func DemoUsernames() []string {
	out := []string{"admin", "inspector", "sysadmin", "secadmin", "auditor"}
	for _, u := range units {
		out = append(out, u.code+"-clerk", u.code+"-leader")
	}
	return out
}

func demoAccounts(ctx context.Context, st Stores) (int, error) {
	// One hash serves every demo account: they share a published password,
	// and hashing 80 times would slow the first start for nothing.
	hash, err := account.HashPassword(DemoPassword)
	if err != nil {
		return 0, err
	}
	created := 0
	grants := map[int64][]rbac.Grant{}
	add := func(name, display, unit string, g rbac.Grant) error {
		u := &account.User{Username: name, DisplayName: display, UnitCode: unit, PasswordHash: hash, Demo: true}
		ok, err := st.Accounts.EnsureUser(ctx, u)
		if err != nil {
			return fmt.Errorf("seed: user %s: %w", name, err)
		}
		if ok {
			created++
		}
		grants[u.ID] = append(grants[u.ID], g)
		return nil
	}
	if err := add("admin", "县政府办政务公开股", "zhengfuban", rbac.Grant{Role: rbac.RoleAdmin, Unit: rbac.AllUnits}); err != nil {
		return created, err
	}
	if err := add("inspector", "测评员", "", rbac.Grant{Role: rbac.RoleInspector, Unit: rbac.AllUnits}); err != nil {
		return created, err
	}
	for _, r := range []rbac.Role{rbac.RoleSysAdmin, rbac.RoleSecAdmin, rbac.RoleAuditor} {
		if err := add(string(r), r.Name(), "shujuju", rbac.Grant{Role: r, Unit: rbac.AllUnits}); err != nil {
			return created, err
		}
	}
	for _, u := range units {
		if err := add(u.code+"-clerk", u.name+"信息专管员", u.code, rbac.Grant{Role: rbac.RoleClerk, Unit: u.code}); err != nil {
			return created, err
		}
		if err := add(u.code+"-leader", u.name+"分管负责人", u.code, rbac.Grant{Role: rbac.RoleLeader, Unit: u.code}); err != nil {
			return created, err
		}
	}
	return created, st.RBAC.Assign(grants)
}

// CatalogueSince is when the demo's (and the generated) catalogues came
// into force: the county compiled them in 2020, and its 2020 bulletins judge
// them from the first quarter on.
var CatalogueSince = time.Date(2020, 1, 1, 0, 0, 0, 0, catalog.Shanghai)

// unitItems instantiates a unit's catalogue from the templates of its level.
func unitItems(ud unitDef, tpls []templateDef, ids map[string]int64) []gormstore.SeedItem {
	level := catalog.LevelCounty
	if ud.kind == catalog.KindTown {
		level = catalog.LevelTownship
	}
	carries := map[string]bool{"jgsz": true, "ndbg": true}
	for _, n := range ud.national {
		carries[n] = true
	}
	var out []gormstore.SeedItem
	for _, td := range tpls {
		if td.t.ForLevel != level {
			continue
		}
		rubric := len(td.key) > 7 && td.key[:7] == "rubric-"
		if !rubric && level == catalog.LevelCounty && !carries[td.t.DomainCode] {
			continue
		}
		id := ids[td.key]
		cols := td.t.Columns
		cols.Subject = ud.full
		cols.Channels = append([]string(nil), cols.Channels...)
		out = append(out, gormstore.SeedItem{Key: ud.code + "/" + td.key, Item: catalog.Item{TemplateID: &id, Columns: cols}, Since: CatalogueSince})
	}
	return out
}

func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

var policyTopics = []string{"秸秆禁烧", "森林防火", "防汛抗旱", "农村人居环境整治", "新冠肺炎疫情防控", "安全生产大检查",
	"脱贫攻坚问题整改", "美丽乡村建设", "河长制", "耕地保护", "优化营商环境", "垃圾分类"}

func topicOf(domain string) string {
	switch domain {
	case "czzj", "czyjs":
		return "财政、金融、审计"
	case "shbz", "shjz", "fp", "jz", "ylfw":
		return "民政、扶贫、救灾"
	case "nynczc", "ntsl", "tdlz", "snbt":
		return "农业、林业、水利"
	case "ylws", "rkjs":
		return "卫生、体育"
	case "ywjy":
		return "科技、教育"
	case "hjbh", "mlxc", "cxgh", "zdjsxm", "gytdfwzs", "ncwfgz", "szfw", "bzxzf":
		return "城乡建设、环境保护"
	case "jy", "shbx", "rsxx":
		return "劳动、人事、监察"
	case "hjgl", "ggflfw":
		return "公安、安全、司法"
	case "aqsc", "spypjg", "jdjc":
		return "市场监管、安全生产监管"
	}
	return "综合政务"
}

type pubPlan struct {
	gen   time.Time
	title string
	docNo string
}

func at(day time.Time, r *rand.Rand) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 9+r.IntN(8), r.IntN(60), 0, 0, catalog.Shanghai)
}

// plan lists the publications an item gets in a quarter (0-based), by its
// time-limit rule.
func plan(ud unitDef, it catalog.Item, q int, r *rand.Rand) []pubPlan {
	year := 2020
	qStart := time.Date(year, time.Month(q*3+1), 1, 0, 0, 0, 0, catalog.Shanghai)
	inQuarter := func() time.Time { return qStart.AddDate(0, r.IntN(3), r.IntN(26)) }
	name, l2 := ud.name, it.Level2
	seq := r.IntN(80) + 1
	var out []pubPlan
	rule := it.TimeLimit
	switch {
	case rule.Kind == catalog.RulePeriodic && rule.Period == catalog.PeriodMonthly:
		for m := 0; m < 3; m++ {
			month := q*3 + m + 1
			out = append(out, pubPlan{gen: time.Date(year, time.Month(month), 3+r.IntN(10), 0, 0, 0, 0, catalog.Shanghai),
				title: fmt.Sprintf("%s2020年%d月%s", name, month, l2)})
		}
	case rule.Kind == catalog.RulePeriodic && rule.Period == catalog.PeriodQuarterly:
		out = append(out, pubPlan{gen: qStart.AddDate(0, 2, 5+r.IntN(15)), title: fmt.Sprintf("%s2020年第%s季度%s", name, cnQuarter[q], l2)})
	case rule.Kind == catalog.RulePeriodic && rule.Period == catalog.PeriodYearly:
		due := rule.DueMonth
		if due == 0 {
			due = 12
		}
		if (due-1)/3 != q {
			return nil // due in another quarter
		}
		title := fmt.Sprintf("%s2019年%s", ud.full, l2)
		if it.DomainCode == "ndbg" {
			title = fmt.Sprintf("%s2019年政府信息公开工作年度报告", ud.full)
		} else if it.DomainCode == "zfgzbg" {
			title = fmt.Sprintf("2020年%s政府工作报告", name)
		}
		out = append(out, pubPlan{gen: time.Date(year, time.Month(due), 1+r.IntN(12), 0, 0, 0, 0, catalog.Shanghai), title: title})
	default:
		n := 1 + r.IntN(2)
		for k := 0; k < n; k++ {
			p := pubPlan{gen: inQuarter()}
			switch it.DomainCode {
			case "zfwj", "zcfg":
				topic := policyTopics[r.IntN(len(policyTopics))]
				p.title = fmt.Sprintf("关于印发%s2020年%s工作方案的通知", name, topic)
				abbr := []rune(name)[0:1]
				if ud.kind == catalog.KindTown {
					p.docNo = fmt.Sprintf("%s政〔2020〕%d号", string(abbr), seq+k)
				} else {
					p.docNo = fmt.Sprintf("旌%s〔2020〕%d号", string(abbr), seq+k)
				}
			case "jdbz":
				if l2 == "测评整改情况" {
					prev := "2019年第四季度"
					if q > 0 {
						prev = fmt.Sprintf("2020年第%s季度", cnQuarter[q-1])
					}
					p.title = fmt.Sprintf("%s关于%s政务公开测评问题整改情况的报告", name, prev)
				} else {
					p.title = fmt.Sprintf("%s%s开展情况（%d月）", name, l2, int(p.gen.Month()))
				}
			case "czzj":
				p.title = fmt.Sprintf("%s2020年%s公开", ud.full, l2)
			default:
				switch r.IntN(3) {
				case 0:
					p.title = fmt.Sprintf("%s关于%s的公示（%d月）", name, l2, int(p.gen.Month()))
				case 1:
					p.title = fmt.Sprintf("%s%s情况（2020年%d月）", name, l2, int(p.gen.Month()))
				default:
					p.title = fmt.Sprintf("%s关于%s有关情况的公告（第%d期）", name, l2, seq+k)
				}
			}
			out = append(out, p)
		}
	}
	return out
}

var cnQuarter = []string{"一", "二", "三", "四"}

func body(ud unitDef, it catalog.Item, title string, on time.Time) string {
	return fmt.Sprintf("%s\n\n根据《中华人民共和国政府信息公开条例》和本单位政务公开标准目录“%s—%s”栏目的要求，现将有关情况公开如下：\n\n一、公开内容：%s\n\n二、如有疑问，请在工作日内与%s联系。\n\n%s\n%s",
		title, it.Level1, it.Level2, it.Content, ud.full, ud.full, on.Format("2006年1月2日"))
}

func publish(ud unitDef, it catalog.Item, itemID int64, p pubPlan, r *rand.Rand, cal *workday.Calendar) catalog.Publication {
	gen := p.gen
	if gen.Year() > 2020 || (gen.Month() == 12 && gen.Day() > 28) {
		gen = time.Date(2020, 12, 20, 0, 0, 0, 0, catalog.Shanghai)
	}
	// Published within the item's time limit (a few working days).
	lag := r.IntN(3)
	if it.TimeLimit.Kind == catalog.RuleWorkdays && it.TimeLimit.N < 3 {
		lag = 0
	}
	pubDay, err := cal.AddWorkdays(gen, lag)
	if err != nil || pubDay.Year() > 2020 {
		pubDay = gen
	}
	docNo := p.docNo
	if docNo == "" {
		docNo = "无"
	}
	return catalog.Publication{ItemID: itemID, UnitCode: ud.code, Publisher: ud.full, Topic: topicOf(it.DomainCode), Title: p.title, DocNo: docNo,
		GeneratedOn: gen, PublishedOn: at(pubDay, r), Body: body(ud, it, p.title, pubDay), Views: int64(10 + r.IntN(800)), CreatedBy: ud.code + "-clerk"}
}

// IsRectification is catalog.Item.IsRectification.
func IsRectification(it catalog.Item) bool { return it.IsRectification() }
