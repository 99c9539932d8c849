package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"gongkai/catalog"
	"gongkai/catalog/gormstore"
	"gongkai/catalog/sheet"
	"gongkai/foi"
)

// Size is how much Generate makes: a county or a province over five years.
type Size struct {
	Name string
	// Counties: 1 is 旌德县 alone (39 units); more adds counties laid out
	// like it (an office, townships, departments) with names of their own.
	Counties int
	// ItemsPerUnit is each unit's catalogue: its template items first,
	// then variants per village or office until there are this many.
	ItemsPerUnit int
	// Publications are those of the generated years (the demo's 2020 comes
	// on top); Requests the requests wanted in all.
	Publications, Requests int
	// From and To bound the publication and request dates.
	From, To time.Time
}

// The sizes of the scale issue: a county (39 units, 12,000 items, 200,000
// publications, 2,000 requests) and a province (4,000 units, 1,000,000
// publications), both over the five years to 2026-11-25.
var (
	genFrom = time.Date(2022, 1, 1, 0, 0, 0, 0, catalog.Shanghai)
	genTo   = time.Date(2026, 11, 25, 0, 0, 0, 0, catalog.Shanghai)
	// CountySize is one county.
	CountySize = Size{Name: "county", Counties: 1, ItemsPerUnit: 308, Publications: 200000, Requests: 2000, From: genFrom, To: genTo}
	// ProvinceSize is a hundred counties of about 40 units each.
	ProvinceSize = Size{Name: "province", Counties: 100, ItemsPerUnit: 40, Publications: 1000000, Requests: 20000, From: genFrom, To: genTo}
)

// GenSummary is what Generate made.
type GenSummary struct {
	Units, Items, Publications                    int
	Late, Stale, Bursts, Duplicates, PrivacyLeaks int
}

// Progress reports a step of a long run.
type Progress func(format string, args ...any)

// The other counties of a province: names of Anhui's counties and county
// towns, then made-up ones.
var countyNames = []string{"绩溪县", "泾县", "郎溪县", "广德市", "宁国市", "宣州区", "歙县", "休宁县", "黟县", "祁门县",
	"屯溪区", "黄山区", "徽州区", "太湖县", "宿松县", "望江县", "岳西县", "怀宁县", "潜山市", "桐城市",
	"枞阳县", "无为市", "南陵县", "繁昌区", "和县", "含山县", "当涂县", "来安县", "全椒县", "定远县",
	"凤阳县", "天长市", "明光市", "长丰县", "肥东县", "肥西县", "庐江县", "巢湖市", "寿县", "霍邱县",
	"舒城县", "金寨县", "霍山县", "怀远县", "五河县", "固镇县", "凤台县", "颍上县", "阜南县", "临泉县",
	"太和县", "界首市", "蒙城县", "涡阳县", "利辛县", "濉溪县", "砀山县", "萧县", "灵璧县", "泗县"}

var nameChars = []rune("东西南北新桃柳青石白黄龙凤梅杨高长平安和永丰仁义河山溪湖桥岭花云竹松泉林金")

// Villages and offices: a township's items are kept per village, a
// department's per office, as the catalogues of the seed do.
var villageChars = []rune("上下前后大小东西南北新老马汪朱江许方程吴刘胡李张王")
var officeNames = []string{"办公室", "综合股", "法规股", "财务股", "审批股", "监督股", "业务一股", "业务二股", "执法大队", "服务中心"}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
var givenChars = []rune("明华英芳军平玲丽勇强伟静敏燕秀娟霞杰涛斌超刚磊洋艳萍红梅兰凤春林海波宁")

// provinceUnits lays out county c (1-based beyond 旌德县) like Jingde: its
// office, ten townships and the departments, with codes prefixed by the
// county's pinyin.
func provinceUnits(c int, r *rand.Rand) (string, []unitDef) {
	county := ""
	if c-1 < len(countyNames) {
		county = countyNames[c-1]
	} else {
		county = string([]rune{nameChars[(c*7)%len(nameChars)], nameChars[(c*13+5)%len(nameChars)]}) + "县"
	}
	short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(county, "县"), "市"), "区")
	prefix := fmt.Sprintf("%s%d", sheet.UnitCode(short), c)
	var out []unitDef
	usedTowns := map[string]bool{}
	for _, u := range units {
		d := u
		d.code = prefix + "-" + u.code
		switch u.kind {
		case catalog.KindTown:
			for {
				name := string([]rune{nameChars[r.IntN(len(nameChars))], nameChars[r.IntN(len(nameChars))]}) + "镇"
				if !usedTowns[name] {
					usedTowns[name] = true
					d.name, d.full = name, county+name+"人民政府"
					break
				}
			}
		default:
			d.full = strings.Replace(u.full, "旌德县", county, 1)
			d.full = strings.Replace(d.full, "旌德", short, 1)
			if u.code == "zhengfuban" {
				d.name = county[len(county)-3:] + "政府办公室"
			}
		}
		out = append(out, d)
	}
	return county, out
}

// variants fills a unit's catalogue up to n items: each template item again
// for a village (townships) or an office (departments), as Level3.
func variants(ud unitDef, base []gormstore.SeedItem, n int, r *rand.Rand) []gormstore.SeedItem {
	out := append([]gormstore.SeedItem(nil), base...)
	var scopes []string
	if ud.kind == catalog.KindTown {
		seen := map[string]bool{}
		for len(scopes) < 12 {
			v := string([]rune{villageChars[r.IntN(len(villageChars))], villageChars[r.IntN(len(villageChars))]}) + "村"
			if !seen[v] {
				seen[v] = true
				scopes = append(scopes, v)
			}
		}
	} else {
		scopes = officeNames
	}
	for k := 0; len(out) < n && k < len(scopes)*len(base); k++ {
		b := base[k%len(base)]
		scope := scopes[k/len(base)%len(scopes)]
		it := b.Item
		it.Columns.Level3 = scope
		it.Columns.Channels = append([]string(nil), it.Columns.Channels...)
		out = append(out, gormstore.SeedItem{Key: fmt.Sprintf("%s/v/%s/%s", ud.code, scope, b.Key[len(ud.code)+1:]), Item: it, Since: b.Since})
	}
	return out
}

// event is one publication an item is due, before thinning to the total.
type event struct {
	item int
	gen  time.Time
	kind string // monthly, quarterly, yearly, event
}

// eventsOf lists what an item's time limit asks for between from and to.
func eventsOf(i int, it catalog.Item, from, to time.Time, r *rand.Rand) []event {
	var out []event
	rule := it.TimeLimit
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		switch {
		case rule.Kind == catalog.RulePeriodic && (rule.Period == catalog.PeriodMonthly || rule.Period == catalog.PeriodDaily):
			out = append(out, event{i, m.AddDate(0, 0, 2+r.IntN(10)), "monthly"})
		case rule.Kind == catalog.RulePeriodic && rule.Period == catalog.PeriodQuarterly:
			if m.Month()%3 == 0 {
				out = append(out, event{i, m.AddDate(0, 0, 5+r.IntN(15)), "quarterly"})
			}
		case rule.Kind == catalog.RulePeriodic && rule.Period == catalog.PeriodYearly:
			due := rule.DueMonth
			if due == 0 {
				due = 12
			}
			if int(m.Month()) == due {
				out = append(out, event{i, m.AddDate(0, 0, r.IntN(12)), "yearly"})
			}
		default:
			// Event-driven: on average one a quarter, some months two.
			if r.IntN(3) == 0 {
				out = append(out, event{i, m.AddDate(0, 0, r.IntN(27)), "event"})
			}
			if r.IntN(12) == 0 {
				out = append(out, event{i, m.AddDate(0, 0, r.IntN(27)), "event"})
			}
		}
	}
	return out
}

// genTitle names a publication in the words the seed's units use.
func genTitle(ud unitDef, it catalog.Item, e event, seq int, r *rand.Rand) (title, docNo string) {
	y, mo := e.gen.Year(), int(e.gen.Month())
	name, l2 := ud.name, it.Level2
	scope := ""
	if it.Level3 != "" {
		scope = it.Level3
	}
	switch e.kind {
	case "monthly":
		return fmt.Sprintf("%s%s%d年%d月%s", name, scope, y, mo, l2), ""
	case "quarterly":
		return fmt.Sprintf("%s%s%d年第%s季度%s", name, scope, y, cnQuarter[(mo-1)/3], l2), ""
	case "yearly":
		if it.DomainCode == "ndbg" {
			return fmt.Sprintf("%s%d年政府信息公开工作年度报告", ud.full, y-1), ""
		}
		return fmt.Sprintf("%s%s%d年%s", ud.full, scope, y-1, l2), ""
	}
	switch it.DomainCode {
	case "zfwj", "zcfg":
		topic := policyTopics[r.IntN(len(policyTopics))]
		abbr := string([]rune(name)[0:1])
		docNo = fmt.Sprintf("%s政〔%d〕%d号", abbr, y, seq)
		if ud.kind != catalog.KindTown {
			docNo = fmt.Sprintf("%s办〔%d〕%d号", abbr, y, seq)
		}
		return fmt.Sprintf("关于印发%s%d年%s工作方案的通知", name, y, topic), docNo
	case "zcjd":
		return fmt.Sprintf("%s%d年%s政策解读", name, y, policyTopics[r.IntN(len(policyTopics))]), ""
	case "czzj", "czyjs":
		return fmt.Sprintf("%s%d年%s公开", ud.full, y, l2), ""
	}
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s关于%s%s的公示（%d年%d月）", name, scope, l2, y, mo), ""
	case 1:
		return fmt.Sprintf("%s%s%s情况（%d年%d月）", name, scope, l2, y, mo), ""
	case 2:
		return fmt.Sprintf("%s关于%s%s有关情况的公告（%d年第%d期）", name, scope, l2, y, seq), ""
	default:
		return fmt.Sprintf("%s%s%s%d年%s", name, scope, policyTopics[r.IntN(len(policyTopics))], y, l2), ""
	}
}

// planted holds the irregularities inspectors look for, by share.
const (
	shareLate    = 0.03  // published well after the time limit
	shareBurst   = 0.004 // unit-days on which a backlog goes up at once
	shareDup     = 0.004 // published twice under one title
	leakEvery    = 25000 // one body in so many holds an ID and a phone number
	staleMaxFrac = 0.30  // a unit leaves up to this share of items stale in a quarter
)

// Generate fills the stores with a county or province of the given size,
// deterministically from seedN, on top of the demo data (which it loads
// first). It can be run again to finish an interrupted run: what exists
// (by seed key) is kept.
func Generate(ctx context.Context, st Stores, size Size, seedN uint64, progress Progress) (GenSummary, error) {
	var sum GenSummary
	if progress == nil {
		progress = func(string, ...any) {}
	}
	progress("演示数据（旌德县）……")
	if _, err := Demo(ctx, st); err != nil {
		return sum, err
	}
	r := rand.New(rand.NewPCG(seedN, 7))
	type countyUnits struct {
		name  string
		units []unitDef
	}
	counties := []countyUnits{{"旌德县", units}}
	for c := 1; c < size.Counties; c++ {
		name, us := provinceUnits(c, r)
		counties = append(counties, countyUnits{name, us})
	}
	order := 1000
	for _, c := range counties[1:] {
		for _, ud := range c.units {
			order++
			u := catalog.Unit{Code: ud.code, Name: ud.name, FullName: ud.full, Kind: ud.kind, SortOrder: order * 10, Level: catalog.LevelCounty}
			if ud.kind == catalog.KindTown {
				u.Level = catalog.LevelTownship
			}
			u.KindName = u.Kind.Name()
			if _, err := st.Catalog.EnsureUnit(ctx, u); err != nil {
				return sum, fmt.Errorf("generate: unit %s: %w", ud.code, err)
			}
		}
	}
	tpls, tplIDs, err := ensureTemplates(ctx, st)
	if err != nil {
		return sum, err
	}
	// Items of every unit, then the events their time limits ask for.
	type unitPlan struct {
		ud     unitDef
		seeds  []gormstore.SeedItem
		ids    map[string]int64
		events []event
	}
	var plans []unitPlan
	totalEvents := 0
	nUnits := 0
	for _, c := range counties {
		nUnits += len(c.units)
	}
	for ci, c := range counties {
		for _, ud := range c.units {
			ur := rand.New(rand.NewPCG(seedN, hash64(ud.code)))
			seeds := variants(ud, unitItems(ud, tpls, tplIDs), size.ItemsPerUnit, ur)
			ids, n, err := st.Catalog.EnsureItems(ctx, ud.code, seeds, system)
			if err != nil {
				return sum, fmt.Errorf("generate: items of %s: %w", ud.code, err)
			}
			sum.Items += n
			p := unitPlan{ud: ud, seeds: seeds, ids: ids}
			for i, sd := range seeds {
				it := sd.Item
				it.Normalize()
				if it.IsRectification() {
					continue
				}
				p.events = append(p.events, eventsOf(i, it, size.From, size.To, ur)...)
			}
			totalEvents += len(p.events)
			plans = append(plans, p)
		}
		if (ci+1)%10 == 0 || ci == len(counties)-1 {
			progress("事项：%d/%d个县（区）的%d个单位", ci+1, len(counties), len(plans))
		}
	}
	sum.Units = nUnits
	// The generated years alone hold the size's publications (the demo's
	// 2020 comes on top), so that a second run plans exactly the same.
	want := size.Publications
	progress("公开信息：按公开时限排出%d条，目标%d条", totalEvents, want)
	done, planned, left := 0, 0, totalEvents
	start := time.Now()
	for pi, p := range plans {
		ur := rand.New(rand.NewPCG(seedN, hash64(p.ud.code, "pubs")))
		// The share kept follows what the units before kept (stale items,
		// dropped repeats), so the total comes out at the size.
		keep := float64(want-planned) / float64(max(left, 1))
		left -= len(p.events)
		// Stale items this unit leaves without a publication, per quarter.
		staleFrac := ur.Float64() * staleMaxFrac
		pubs := make([]gormstore.SeedPublication, 0, int(float64(len(p.events))*keep)+8)
		used := map[string]bool{}
		var policies []string
		var policyDays []time.Time
		for k, e := range p.events {
			if ur.Float64() >= keep*(1+staleFrac) { // thinning, stale included
				continue
			}
			q := fmt.Sprint(e.gen.Year(), (e.gen.Month()-1)/3)
			if float64(hash64(p.ud.code, p.seeds[e.item].Key, q)%1000)/1000 < staleFrac {
				sum.Stale++
				continue
			}
			it := p.seeds[e.item].Item
			it.Normalize()
			title, docNo := genTitle(p.ud, it, e, k%90+1, ur)
			if used[title] {
				title = fmt.Sprintf("%s（%d月%d日）", title, int(e.gen.Month()), e.gen.Day())
				if used[title] {
					continue
				}
			}
			used[title] = true
			gen := time.Date(e.gen.Year(), e.gen.Month(), e.gen.Day(), 0, 0, 0, 0, catalog.Shanghai)
			lag := ur.IntN(4)
			if ur.Float64() < shareLate {
				lag = 25 + ur.IntN(40) // 发布不及时
				sum.Late++
			}
			on, err := st.Calendar.AddWorkdays(gen, lag)
			if err != nil {
				on = gen.AddDate(0, 0, lag*7/5)
			}
			if on.After(size.To) {
				continue
			}
			b := body(p.ud, it, title, on)
			done++
			if (done+pi)%leakEvery == 0 {
				// A planted privacy leak: a name, an ID number and a phone.
				b += fmt.Sprintf("\n\n附：联系人%c%c%c，身份证号%s，电话139%08d。", surnames[ur.IntN(len(surnames))], givenChars[ur.IntN(len(givenChars))],
					givenChars[ur.IntN(len(givenChars))], DemoID(fmt.Sprintf("19%02d0%d1%d", 50+ur.IntN(45), 1+ur.IntN(9), ur.IntN(10)), ur.IntN(900)), ur.IntN(100000000))
				sum.PrivacyLeaks++
			}
			key := fmt.Sprintf("%s/g/%d", p.seeds[e.item].Key, k)
			sp := gormstore.SeedPublication{Key: key, Pub: catalog.Publication{ItemID: p.ids[p.seeds[e.item].Key], UnitCode: p.ud.code, Publisher: p.ud.full,
				Topic: topicOf(it.DomainCode), Title: title, DocNo: orNone(docNo), GeneratedOn: gen, PublishedOn: at(on, ur), Body: b,
				Views: int64(ur.IntN(1500)), CreatedBy: p.ud.code + "-clerk"}}
			switch it.DomainCode {
			case "zfwj", "zcfg":
				policies, policyDays = append(policies, key), append(policyDays, on)
			case "zcjd":
				// Interpretations name the unit's latest policy, most of the time.
				if n := len(policies); n > 0 && ur.IntN(10) < 8 && on.Sub(policyDays[n-1]) < 60*24*time.Hour {
					sp.InterpretsKey = policies[n-1]
				}
			}
			pubs = append(pubs, sp)
			if ur.Float64() < shareDup { // 标题重复
				dup := sp
				dup.Key += "/dup"
				dup.Pub.PublishedOn = dup.Pub.PublishedOn.AddDate(0, 0, 1+ur.IntN(6))
				if !dup.Pub.PublishedOn.After(size.To) {
					pubs = append(pubs, dup)
					sum.Duplicates++
				}
			}
		}
		// Bursts: a backlog put up on one day (集中发布).
		for b := 0; float64(b) < float64(len(pubs))*shareBurst; b++ {
			day := pubs[ur.IntN(len(pubs))].Pub.PublishedOn
			for j := 0; j < 15+ur.IntN(20); j++ {
				k := ur.IntN(len(pubs))
				pubs[k].Pub.PublishedOn = at(time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, catalog.Shanghai), ur)
				if pubs[k].Pub.GeneratedOn.After(pubs[k].Pub.PublishedOn) {
					pubs[k].Pub.GeneratedOn = pubs[k].Pub.PublishedOn.AddDate(0, 0, -1)
				}
			}
			sum.Bursts++
		}
		planned += len(pubs)
		// Stored a year at a time: each a transaction, resumable by key.
		byYear := map[int][]gormstore.SeedPublication{}
		for _, sp := range pubs {
			y := sp.Pub.PublishedOn.In(catalog.Shanghai).Year()
			byYear[y] = append(byYear[y], sp)
		}
		years := make([]int, 0, len(byYear))
		for y := range byYear {
			years = append(years, y)
		}
		sortInts(years)
		for _, y := range years {
			n, err := st.Catalog.EnsurePublications(ctx, p.ud.code, byYear[y])
			if err != nil {
				return sum, fmt.Errorf("generate: publications of %s %d: %w", p.ud.code, y, err)
			}
			sum.Publications += n
		}
		if (pi+1)%max(1, len(plans)/10) == 0 || pi == len(plans)-1 {
			el := time.Since(start)
			progress("公开信息：%d/%d个单位，已写入%d条（%s）", pi+1, len(plans), sum.Publications, el.Round(time.Second))
		}
	}
	return sum, nil
}

func orNone(s string) string {
	if s == "" {
		return "无"
	}
	return s
}

func sortInts(a []int) { sort.Ints(a) }

// GenRequests makes n disclosure requests over size's years for the county
// office and, in a province, each county's office, covering every outcome,
// with corrections, consultations, forwarding, extensions and some
// answered late; those received in the last month are still open.
func GenRequests(size Size, n int, seedN uint64) []DemoRequest {
	r := rand.New(rand.NewPCG(seedN, 11))
	var offices []string
	offices = append(offices, "zhengfuban")
	rr := rand.New(rand.NewPCG(seedN, 7)) // the same draws as Generate's units
	for c := 1; c < size.Counties; c++ {
		_, us := provinceUnits(c, rr)
		offices = append(offices, us[0].code)
	}
	days := int(size.To.Sub(size.From).Hours() / 24)
	channels := []foi.Channel{foi.Online, foi.Letter, foi.Counter, foi.Online, foi.Letter}
	descs := []string{"%d年度部门预算和决算", "%d年农村危房改造补助对象名单", "%d年征地补偿安置方案", "%d年城乡低保资金发放情况",
		"%d年重点建设项目招投标信息", "%d年行政处罚决定书", "%d年财政专项资金分配情况", "%d年安置房分配名单", "%d年拆迁补偿标准", "%d年公开招聘拟聘用人员名单"}
	out := make([]DemoRequest, 0, n)
	for i := 0; i < n; i++ {
		received := size.From.AddDate(0, 0, r.IntN(days))
		for received.Weekday() == time.Saturday || received.Weekday() == time.Sunday {
			received = received.AddDate(0, 0, 1)
		}
		birth := fmt.Sprintf("19%02d%02d%02d", 50+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28))
		a := foi.Applicant{Type: foi.Person, Name: string([]rune{surnames[r.IntN(len(surnames))], givenChars[r.IntN(len(givenChars))], givenChars[r.IntN(len(givenChars))]}),
			IDType: foi.ResidentID, IDNumber: DemoID(birth, r.IntN(900)), Address: "安徽省", Phone: fmt.Sprintf("139%08d", r.IntN(100000000))}
		req := foi.Request{UnitCode: offices[r.IntN(len(offices))], Applicant: a, Channel: channels[r.IntN(len(channels))], ReceivedOn: received,
			Description: fmt.Sprintf(descs[r.IntN(len(descs))], received.Year()-r.IntN(3)), Form: foi.Paper}
		d := DemoRequest{Request: req}
		if size.To.Sub(received) < 30*24*time.Hour {
			out = append(out, d) // still being handled
			continue
		}
		on := func(wd int) time.Time { return received.AddDate(0, 0, wd*7/5) }
		outcome := foi.Outcomes[i%len(foi.Outcomes)].Code
		if i%3 == 0 {
			outcome = "disclose"
		}
		step := 1
		switch {
		case outcome == "other_no_correction":
			d.Steps = append(d.Steps, foi.Step{Action: foi.ActCorrect, On: on(2), Due: on(2).AddDate(0, 0, 15), Note: "申请内容不明确，请补正所需信息的名称、文号或便于查询的特征描述"},
				foi.Step{Action: foi.ActLapse, On: on(2).AddDate(0, 0, 20)})
			out = append(out, d)
			continue
		case outcome == "unable_unclear" || r.IntN(10) == 0:
			d.Steps = append(d.Steps, foi.Step{Action: foi.ActCorrect, On: on(2), Due: on(2).AddDate(0, 0, 15), Note: "请补正所需信息的名称、文号或便于查询的特征描述"},
				foi.Step{Action: foi.ActCorrected, On: on(6)})
			step = 7
		}
		if r.IntN(12) == 0 {
			d.Steps = append(d.Steps, foi.Step{Action: foi.ActConsult, On: on(step + 1), Kind: "third_party", Party: "相关企业", Note: "征求第三方意见"},
				foi.Step{Action: foi.ActConsulted, On: on(step + 8)})
			step += 9
		}
		late := r.IntN(25) == 0
		answerAt := step + 3 + r.IntN(14)
		if r.IntN(10) == 0 || late {
			d.Steps = append(d.Steps, foi.Step{Action: foi.ActExtend, On: on(step + 10), Days: 20, Note: "需调取档案资料，经负责人同意延期"})
			answerAt = step + 22 + r.IntN(10)
		}
		if late {
			answerAt += 25 // answered after the deadline
		}
		if on(answerAt).After(size.To) {
			out = append(out, d)
			continue
		}
		answer := foi.Step{Action: foi.ActAnswer, On: on(answerAt), Outcome: outcome, Text: "详见附件。"}
		if outcome == "unable_not_ours" {
			answer.Agency, answer.Contact = "县自然资源和规划局", "县政务服务中心二楼，0563-8020000"
		}
		d.Steps = append(d.Steps, answer,
			foi.Step{Action: foi.ActDeliver, On: on(answerAt + 1), Note: "邮寄"})
		out = append(out, d)
	}
	// Nothing happens after the last day: a step that would is not taken yet.
	for i := range out {
		for k, st := range out[i].Steps {
			if st.On.After(size.To) {
				out[i].Steps = out[i].Steps[:k]
				break
			}
		}
	}
	return out
}
