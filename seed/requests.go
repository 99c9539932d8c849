package seed

import (
	"fmt"
	"strings"

	"gongkai/foi"
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
