package seed

import (
	"fmt"
	"strings"
	"time"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/workday"
)

// DemoID makes a resident ID number of 旌德县 (341825) with a valid GB 11643
// check character: demo data must pass the checks real data passes.
func DemoID(birth string, seq int) string {
	body := fmt.Sprintf("341825%s%03d", birth, seq%1000)
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// DemoCreditCode makes a 统一社会信用代码 with a valid GB 32100 check
// character from 17 characters.
func DemoCreditCode(first17 string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(chars, first17[i]) * w[i]
	}
	return first17 + string(chars[(31-sum%31)%31])
}

// DemoRequest is one of the county office's 2020 requests, as its answer
// letters in the seed documents tell them (names as published there;
// numbers made up).
type DemoRequest struct {
	Request foi.Request
	Steps   []foi.Step
}

// Requests2020 are the eight requests of the county office's 2020 report
// (one online, five by letter, two in person; six disclosed, two not),
// seven of them with the answer letters NO.〔2020〕1号 to 7号.
func Requests2020() []DemoRequest {
	person := func(name, birth string, seq int, phone string) foi.Applicant {
		return foi.Applicant{Type: foi.Person, Name: name, IDType: foi.ResidentID, IDNumber: DemoID(birth, seq), Address: "安徽省旌德县", Phone: phone}
	}
	company := func(name, rep, code17, phone string) foi.Applicant {
		return foi.Applicant{Type: foi.Company, OrgName: name, LegalRep: rep, CreditCode: DemoCreditCode(code17), IDType: foi.ResidentID,
			IDNumber: DemoID("19700101", 11), Address: "安徽省旌德县", Phone: phone}
	}
	req := func(a foi.Applicant, ch foi.Channel, received, desc string) foi.Request {
		return foi.Request{UnitCode: "zhengfuban", Applicant: a, Channel: ch, ReceivedOn: day(received), Description: desc, Form: foi.Paper}
	}
	answer := func(on string, o foi.Outcome, text string) foi.Step {
		return foi.Step{Action: foi.ActAnswer, On: day(on), Outcome: o, Text: text}
	}
	deliver := func(on string) foi.Step { return foi.Step{Action: foi.ActDeliver, On: day(on), Note: "邮寄"} }
	return []DemoRequest{
		{req(person("张凤英", "19650312", 21, "13905630101"), foi.Letter, "2019-12-31", "2018年度和2019年度财政预决算"),
			[]foi.Step{answer("2020-01-10", "already_public", "你申请的2019年度旌德县政府办公室部门预算已于2019年1月23日在旌德县人民政府网政务公开栏目公开。"), deliver("2020-01-11")}},
		{req(company("安徽省旌德县天益医药化工厂", "王某", "91341825MA2N0T1E0", "05638020202"), foi.Counter, "2019-12-19", "设立天益医药化工集中区的具体情况，以及能否设立"),
			[]foi.Step{answer("2020-01-14", "disclose", "我县分别于2014年12月、2016年4月两次向宣城市人民政府申请设立旌德县化工集中区，市政府召开会议研究均未同意。"), deliver("2020-01-15")}},
		{req(person("傅美兰", "19720805", 42, "13905630303"), foi.Letter, "2020-01-04", "提供成立“旌德县城市建设与管理工作指挥部”的批准文件（复制件加盖公章）"),
			[]foi.Step{answer("2020-01-20", "disclose", "你申请的批准文件我县于2011年7月19日印发《关于成立旌德县城市建设与管理工作指挥部的通知》（办〔2011〕43号），具体文件请详见附件。"), deliver("2020-01-21")}},
		{req(person("刘观斌", "19800214", 13, "13905630404"), foi.Online, "2020-04-28", "2020年4月23日对仁德医院行政处罚决定书"),
			[]foi.Step{{Action: foi.ActForward, On: day("2020-04-28"), Unit: "weijianwei"}, {Action: foi.ActReturned, On: day("2020-05-08"), Note: "县卫健委《关于报送政府信息公开申请有关材料的回复》"},
				answer("2020-05-11", "deny_enforcement", "县卫健委关于旌德仁德医院的《行政处罚决定书》属行政执法案卷信息。具体情况可向县卫健委咨询，咨询电话：0563-8604466。"), deliver("2020-05-12")}},
		{req(person("孙艺珂", "19900630", 27, "13905630505"), foi.Letter, "2020-07-17", "请公开疫情期间复工复产扶持政策清单"),
			[]foi.Step{answer("2020-07-24", "disclose", "附：旌德县疫情期间复工复产扶持政策清单"), deliver("2020-07-25")}},
		{req(person("汪春林", "19581120", 35, "13905630606"), foi.Letter, "2020-09-17", "关于印发旌德县廉租住房出售和管理实施暂行办法的通知"),
			[]foi.Step{answer("2020-09-25", "disclose", "附：关于印发旌德县廉租住房出售和管理实施暂行办法的通知（政办〔2010〕72号）"), deliver("2020-09-27")}},
		{req(company("旌德县龙强净化材料厂", "李某", "91341825MA2P7Q3K0", "05638020707"), foi.Letter, "2020-10-15",
			"旌德县人民政府对2013年10月11日旌德县经信委提交的《关于转报龙强净化材料厂<关于要求购买德里山工业区306号地的请示>的报告》的处理结果"),
			[]foi.Step{{Action: foi.ActForward, On: day("2020-10-15"), Unit: "keshangjingxin"}, {Action: foi.ActReturned, On: day("2020-10-30"), Note: "县科技商务经信局《关于报送政府信息公开申请有关材料的回复》"},
				answer("2020-11-02", "deny_process", "具体情况可向县科技商务经信局咨询，咨询电话：0563-8022551。"), deliver("2020-11-03")}},
		{req(person("程某某", "19850101", 58, "13905630808"), foi.Counter, "2020-11-20", "2020年旌阳镇农村危房改造补助对象名单"),
			[]foi.Step{answer("2020-11-27", "disclose", "现将名单提供给你。"), deliver("2020-11-27")}},
	}
}

// unitMatters are what residents asked the townships and departments for
// in the demo's 2020, one per quarter in turn.
var unitMatters = map[string][]string{
	"town":        {"本镇2019年度农村低保对象名单及保障金额", "本镇2020年农村危房改造补助对象名单", "本镇2019年美丽乡村建设项目资金使用情况"},
	"fagaiwei":    {"2019年本县重点建设项目投资计划", "本县2020年重大项目清单", "本县天然气价格调整的成本监审报告"},
	"jiaotiju":    {"2020年城区小学招生范围划分依据", "本县2019年学生资助资金发放情况", "本县2020年教师招聘考试成绩公示"},
	"gonganju":    {"本县户籍迁入办理条件及所需材料", "2020年城区道路交通违法抓拍点位设置依据", "本县2019年居住证办理数量"},
	"minzhengju":  {"2019年本县临时救助资金使用情况", "本县高龄津贴发放标准及名单", "本县2020年养老机构运营补贴发放情况"},
	"sifaju":      {"本县2020年法律援助案件办理情况", "本县人民调解员补贴发放标准"},
	"caizhengju":  {"本县2019年一般公共预算执行情况"},
	"renshe":      {"本县2019年公益性岗位补贴发放名单", "本县2020年事业单位招聘面试成绩", "本县灵活就业人员社保补贴申领条件"},
	"ziranziyuan": {"某地块国有建设用地使用权出让批准文件"},
	"linyeju":     {"本县2020年生态公益林补偿资金发放情况", "本县2020年林木采伐许可办理情况"},
	"weijianwei":  {"本县2019年基本公共卫生服务项目资金使用情况", "本县新冠肺炎疫情防控物资采购情况", "本县家庭医生签约服务收费标准"},
	"shenjiju":    {"本县2019年度预算执行审计工作报告", "本县2020年审计项目计划"},
	"shengtai":    {"某企业建设项目环境影响评价批复文件", "本县2019年地表水环境质量监测数据", "本县2020年环境行政处罚决定书"},
	"tongjiju":    {"本县2019年国民经济和社会发展统计数据", "本县2020年一季度主要经济指标"},
	"shichang":    {"本县2020年食品安全监督抽检结果", "某企业营业执照登记信息"},
	"shuiwuju":    {"本县小规模纳税人减免增值税政策执行情况"},
	"yingjiju":    {"本县2020年安全生产行政处罚决定", "本县2019年自然灾害救助资金发放情况", "本县防汛抗旱应急预案"},
	"qixiangju":   {"2020年6月本县暴雨过程气象资料", "本县人工影响天气作业点设置情况", "本县气象灾害预警信号发布情况"},
	"xinfangju":   {"本县信访事项办理程序规定"},
	"fupinju":     {"本县2019年扶贫项目资金安排及使用情况", "本县2020年脱贫攻坚项目库", "本县2019年扶贫小额信贷贴息情况"},
	"wenlvju":     {"本县2020年公共文化场馆免费开放补助资金使用情况"},
}

var demoApplicants = []string{"汪建华", "程晓梅", "吕国庆", "江海燕", "方志强", "胡丽萍", "刘德胜", "曹秀英", "朱立新", "王春燕", "黄明辉", "周桂芳"}

// UnitRequest is a request a township or department received in the
// demo's 2020 and when it entered it in its register.
type UnitRequest struct {
	DemoRequest
	Registered time.Time
}

// UnitRequests2020 are the requests behind the 2020 bulletins' 依申请公开目录
// 更新不及时: in each quarter a bulletin found it, the unit received one and
// entered it in its register four working days later (the county allows
// two); it still answered within the statutory 20 working days.
func UnitRequests2020(cal *workday.Calendar) ([]UnitRequest, error) {
	var out []UnitRequest
	n := 0
	for _, ud := range units {
		bl := Bulletins[ud.code]
		matters := unitMatters[ud.code]
		if ud.kind == catalog.KindTown {
			matters = unitMatters["town"]
		}
		for q := 0; q < 3; q++ {
			if !bl.Requests[q] {
				continue
			}
			n++
			start := quarterStart(q).AddDate(0, 0, 8+int(hash64(ud.code, fmt.Sprint(q))%30))
			received, err := cal.AddWorkdays(start, 0)
			if err != nil {
				return nil, err
			}
			registered, err := cal.AddWorkdays(received, 4)
			if err != nil {
				return nil, err
			}
			answered, err := cal.AddWorkdays(received, 9)
			if err != nil {
				return nil, err
			}
			name := demoApplicants[n%len(demoApplicants)]
			matter := matters[q%len(matters)]
			if ud.kind == catalog.KindTown {
				matter = strings.Replace(matter, "本镇", ud.name, 1)
			} else {
				matter = strings.Replace(matter, "本县", "旌德县", 1)
			}
			a := foi.Applicant{Type: foi.Person, Name: name, IDType: foi.ResidentID, IDNumber: DemoID(fmt.Sprintf("19%02d0%d1%d", 55+n%40, 1+n%9, n%10), 100+n),
				Address: "安徽省旌德县", Phone: fmt.Sprintf("139056320%02d", n%100)}
			req := foi.Request{UnitCode: ud.code, Applicant: a, Channel: foi.Letter, ReceivedOn: received, Description: matter, Form: foi.Paper}
			out = append(out, UnitRequest{DemoRequest: DemoRequest{Request: req, Steps: []foi.Step{
				{Action: foi.ActAnswer, On: answered, Outcome: "disclose", Text: "经查，你申请公开的“" + matter + "”属于本机关公开职责范围，现将有关信息随本告知书一并提供给你。"},
				{Action: foi.ActDeliver, On: answered.AddDate(0, 0, 1), Note: "邮寄"}}},
				Registered: time.Date(registered.Year(), registered.Month(), registered.Day(), 10, 0, 0, 0, catalog.Shanghai)})
		}
	}
	return out, nil
}
