package seed

import "gongkai/catalog"

// national are the 26 pilot domains of 国办发〔2019〕54号 (DOMAIN.md §1).
var national = []struct{ code, name string }{
	{"cxgh", "城乡规划"}, {"zdjsxm", "重大建设项目"}, {"ggzyjy", "公共资源交易"}, {"czyjs", "财政预决算"},
	{"aqsc", "安全生产"}, {"ssgl", "税收管理"}, {"zdbc", "征地补偿"}, {"gytdfwzs", "国有土地上房屋征收与补偿"},
	{"ncwfgz", "农村危房改造"}, {"cszhzf", "城市综合执法"}, {"bzxzf", "保障性住房"}, {"szfw", "市政服务"},
	{"fp", "扶贫"}, {"jy", "就业"}, {"shbx", "社会保险"}, {"shjz", "社会救助"}, {"ylfw", "养老服务"},
	{"hjgl", "户籍管理"}, {"snbt", "涉农补贴"}, {"ylws", "医疗卫生"}, {"ywjy", "义务教育"}, {"hjbh", "环境保护"},
	{"spypjg", "食品药品监管"}, {"ggwhfw", "公共文化服务"}, {"ggflfw", "公共法律服务"}, {"jz", "救灾"},
}

// column is a column of the county's rubric (附件2 for townships, 附件3 for
// departments): its weight, what it must hold, the items a unit keeps in it
// and their time limit.
type column struct {
	code, name string
	// national is set when the rubric column is one of the national domains.
	national bool
	wT, wD   int // weight in percent for townships / departments; 0 = not in that rubric
	content  string
	limit    string
	items    []string // 二级事项
}

const (
	limit20   = "信息形成或者变更之日起20个工作日内"
	limitQ    = "按季度公开"
	limitM    = "按月公开"
	limitNow  = "及时公开"
	limitYear = "每年3月31日前"
)

// columns in rubric order. Items of national domains that a township
// rubric names (精准脱贫 → 扶贫 …) live under the national domain.
var columns = []column{
	{code: "zfwj", name: "本级政府文件", wT: 2, content: "本级政府制定的文件。", limit: "信息形成或变更之日起3个工作日内", items: []string{"政府文件"}},
	{code: "zcfg", name: "政策法规", wD: 4, content: "本部门印发的规范性文件，本部门印发的除规范性文件以外的其他可以全文公开的文件；规范性文件备案信息、清理结果、废止类规范性文件目录。", limit: limit20, items: []string{"规范性文件", "其他文件"}},
	{code: "zdjcygk", name: "重大决策预公开", wT: 2, wD: 6, content: "涉及群众切身利益需要社会广泛知晓的重要改革方案、重大政策措施和重点工程项目等决策草案、决策依据，公开意见收集和采纳情况。", limit: limit20, items: []string{"决策草案征求意见", "意见采纳情况"}},
	{code: "zfgzbg", name: "政府工作报告", wT: 1, content: "发布经本级人代会审议通过的年度政府工作报告。", limit: limitYear, items: []string{"政府工作报告"}},
	{code: "zfhy", name: "政府会议", wT: 2, content: "召开会议的名称、时间、地点、与会人员、主持人，会议研究的事项等。", limit: limit20, items: []string{"党政联席会议"}},
	{code: "fzgh", name: "国民经济和社会发展规划", wT: 1, content: "本地经济社会发展年度计划；年度计划重要事项的解读；各类重点工作规划等信息。", limit: limit20, items: []string{"年度计划"}},
	{code: "ghjh", name: "规划计划", wD: 3, content: "本部门中长期发展规划、年度工作计划和工作总结。", limit: limit20, items: []string{"年度工作计划和总结"}},
	{code: "zdgzrw", name: "年度重点工作任务分解、执行及落实情况", wT: 4, wD: 6, content: "政府工作报告分解；重大决策、重要政策、重点改革任务、重大工程项目的执行措施、实施步骤、责任分工、监督方式及年度重点工作的阶段性进展和落实情况。", limit: limitQ, items: []string{"重点工作落实情况"}},
	{code: "tjxx", name: "经济和社会发展统计信息", wT: 2, content: "年度统计信息及年度统计数据分析；月度统计数据；月度季度统计数据分析等。", limit: limitM, items: []string{"月度统计数据"}},
	{code: "jytabl", name: "建议提案办理", wT: 1, wD: 3, content: "人大代表建议和政协委员提案办理工作制度、办理情况年度报告、办理答复。", limit: limit20, items: []string{"建议提案办理答复"}},
	{code: "ldxx", name: "领导信息", wT: 1, wD: 2, content: "领导分工、简历、联系方式、照片；领导活动相关信息。", limit: limit20, items: []string{"领导分工"}},
	{code: "jgsz", name: "机构设置", wT: 1, wD: 4, content: "名称、职能、办公地址、负责人、联系方式、办公时间等；内设机构及下属单位设置、职能。", limit: limit20, items: []string{"机构职能", "内设机构"}},
	{code: "rsxx", name: "人事信息", wT: 1, content: "人事任免、人员招考录用等信息。", limit: limit20, items: []string{"人事任免"}},
	{code: "czzj", name: "财政资金", wT: 10, wD: 6, content: "本年度预算、报表及说明；上年度决算、报表及说明；“三公”经费预算决算；专项资金管理和使用情况。", limit: "本级人民代表大会或其常务委员会批准后20日内", items: []string{"财政预算", "财政决算", "“三公”经费"}},
	{code: "yjgl", name: "应急管理", wT: 2, wD: 2, content: "总体预案、事故灾害类、社会安全事件类、自然灾害类和公共卫生事件类预案；预警信息及采取的应急处置措施。", limit: limitNow, items: []string{"应急预案", "预警信息"}},
	{code: "qzqd", name: "权责清单", wT: 1, wD: 4, content: "权力清单和责任清单，廉政风险点情况表，权力运行流程图。", limit: limit20, items: []string{"权责清单"}},
	{code: "ggfwqd", name: "公共服务清单", wT: 1, wD: 2, content: "公共服务目录清单，包括服务事项的名称、内容、办理主体、行使依据、期限、监督渠道等信息。", limit: limit20, items: []string{"公共服务事项"}},
	{code: "qlyx", name: "权力运行结果", wT: 3, wD: 8, content: "定期（月或季度）公开各项行政权力事项办理结果；行政审批、行政处罚等办事指南、执法结果。", limit: limitQ, items: []string{"权力事项办理结果"}},
	{code: "ssjygk", name: "“双随机一公开”", wD: 2, content: "随机抽取检查对象、随机选派执法检查人员信息，抽查情况及查处结果信息。", limit: limit20, items: []string{"抽查结果"}},
	{code: "zbcg", name: "招标采购", wD: 4, content: "招标公示、招标采购预算及中标候选人公告，成交情况及实施情况等信息。", limit: limitNow, items: []string{"采购公告"}},
	{code: "rkjs", name: "人口与计生", wT: 2, content: "人口计生的相关政策，奖励与帮扶，工作推进。", limit: limit20, items: []string{"奖励扶助"}},
	{code: "fp", name: "扶贫", national: true, wT: 3, wD: 5, content: "上级及本级政府扶贫相关政策；扶贫项目安排及落实情况；扶贫资金安排和管理、资产收益使用情况；贫困人口退出汇总表。", limit: limit20, items: []string{"扶贫项目", "扶贫资金"}},
	{code: "ywjy", name: "义务教育", national: true, wT: 2, content: "义务教育均衡发展、控辍保学的政策文件、工作进展和实施成效等信息。", limit: limit20, items: []string{"控辍保学"}},
	{code: "ylws", name: "医疗卫生", national: true, wT: 2, content: "突发公共卫生事件、传染病疫情及防控、国家免疫计划、健康科普、医疗服务等信息。", limit: limitNow, items: []string{"疫情防控"}},
	{code: "shbz", name: "社会保障", wT: 3, content: "城乡低保、农村五保、供养孤儿办理流程、保障标准，按月度或季度发放花名册；老年人、残疾人、儿童福利补贴申领和发放。", limit: limitM, items: []string{"城乡低保发放花名册", "农村五保发放花名册"}},
	{code: "jy", name: "就业", national: true, wT: 2, content: "公益性岗位开发、就业驿站、技能培训的上级政策及工作方案、工作推进、工作成效等信息。", limit: limit20, items: []string{"公益性岗位"}},
	{code: "jdjc", name: "监督检查", wT: 2, content: "安全生产、食品药品、产品质量政策；监管执法抽查结果、查处情况以及年度抽查工作计划。", limit: limit20, items: []string{"监管执法检查"}},
	{code: "nynczc", name: "农业农村政策", wT: 2, content: "与本地区有关的农业农村政策。", limit: limit20, items: []string{"农业农村政策"}},
	{code: "ntsl", name: "农田水利工程建设运营", wT: 2, content: "农田水利工程建设运营信息。", limit: limit20, items: []string{"农田水利工程"}},
	{code: "tdlz", name: "农村土地承包经营权流转", wT: 2, content: "农村土地承包经营权流转政策，推进情况，流转方、流入方、流转用途、面积、价格、金额等信息。", limit: limit20, items: []string{"土地流转情况"}},
	{code: "zjd", name: "宅基地使用情况审核", wT: 2, content: "宅基地使用情况审核统计表，包括使用人姓名、用地面积、耕地或非耕地等。", limit: limit20, items: []string{"宅基地审核"}},
	{code: "zdbc", name: "征地补偿", national: true, wT: 2, content: "转发征收批复、征收公告，发布补偿安置等信息。", limit: limit20, items: []string{"土地征收"}},
	{code: "gytdfwzs", name: "国有土地上房屋征收与补偿", national: true, wT: 2, content: "转发征收批复、征收公告，发布补偿安置等信息。", limit: limit20, items: []string{"房屋征收"}},
	{code: "czcl", name: "筹资筹劳", wT: 2, content: "筹资筹劳资金管理办法、筹资筹劳清册、报表等信息。", limit: limit20, items: []string{"筹资筹劳清册"}},
	{code: "shjz", name: "社会救助", national: true, wT: 2, content: "医疗救助、临时救助办理流程和救助标准，按月度或季度发布救助花名册；救助款物、资金的管理使用安排。", limit: "制定或获取信息之日起10个工作日内，公示7个工作日", items: []string{"临时救助花名册", "医疗救助花名册"}},
	{code: "hjbh", name: "环境保护", national: true, wT: 2, content: "河（湖）长制、林长制、畜禽养殖、改水改厕、垃圾治理等环境保护领域政策落实、工作推进监督检查等信息。", limit: limit20, items: []string{"河长制工作"}},
	{code: "mlxc", name: "美丽乡村", wT: 2, content: "美丽乡村建设规划、示范点；本辖区的美丽乡村建设进展情况等。", limit: limit20, items: []string{"美丽乡村建设"}},
	{code: "tdly", name: "土地利用", wT: 2, content: "土地利用总体规划编制情况、土地整治实施情况。", limit: limit20, items: []string{"土地整治"}},
	{code: "ncwfgz", name: "农村危房改造", national: true, wT: 2, content: "实施方案、申请改造条件、申请程序、危房鉴定标准；改造资金安排、数量，年度完成情况等信息。", limit: limit20, items: []string{"危房改造对象公示"}},
	{code: "ggzyjy", name: "公共资源交易", national: true, wT: 2, content: "交易预算和交易公告；中标成交公告。", limit: "及时公开，公告期限为5个工作日", items: []string{"交易公告", "中标成交公告"}},
	{code: "xwfb", name: "新闻发布", wT: 2, content: "新闻发布会及其他形式的新闻宣传信息。", limit: limit20, items: []string{"新闻发布"}},
	{code: "zcjd", name: "政策解读", wT: 7, wD: 7, content: "上级政策解读；本级相关政策解读，并与原文件做到100%关联。", limit: "信息形成或者变更之日起3个工作日内", items: []string{"政策解读"}},
	{code: "hygq", name: "回应关切", wT: 4, wD: 5, content: "针对涉及群众切身利益、影响社会稳定和突发公共事件的重点事项的回应信息。", limit: limitNow, items: []string{"回应关切"}},
	{code: "jdbz", name: "监督保障", wT: 3, wD: 5, content: "政务公开制度及工作开展情况，贯彻落实《政府信息公开条例》信息，季度测评整改情况。", limit: limit20, items: []string{"政务公开工作", "测评整改情况"}},
	{code: "ndbg", name: "政府信息公开年报", content: "本单位政府信息公开工作年度报告。", limit: "每年1月31日前", items: []string{"年度报告"}},
}

// Domains returns the 26 national domains followed by the local columns.
func Domains() []catalog.Domain {
	var out []catalog.Domain
	weights := map[string]column{}
	for _, c := range columns {
		weights[c.code] = c
	}
	for i, n := range national {
		w := weights[n.code]
		out = append(out, catalog.Domain{Code: n.code, Name: n.name, National: true, WeightTownship: w.wT, WeightDepartment: w.wD, SortOrder: i})
	}
	for i, c := range columns {
		if c.national {
			continue
		}
		out = append(out, catalog.Domain{Code: c.code, Name: c.name, WeightTownship: c.wT, WeightDepartment: c.wD, SortOrder: 100 + i})
	}
	return out
}
