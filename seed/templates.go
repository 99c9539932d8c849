package seed

import (
	"fmt"

	"gongkai/catalog"
)

// row is a template row written out in full.
type row struct {
	domain, l1, l2, content, basis, limit, subject string
	channels                                       []string
	level                                          catalog.Level
}

const tiaoli = "《中华人民共和国政府信息公开条例》（国务院令第711号）"

var web = []string{"政府网站"}

// realRows are the real catalogue rows of DOMAIN.md §2.3, verbatim but for
// long 依据 cells, filed under our domains.
var realRows = []row{
	{"zfwj", "政府文件", "政府文件", "政府文件。", tiaoli, "信息形成或变更之日起3个工作日内", "镇人民政府", []string{"政府网站", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelTownship},
	// Its 公开依据 is "同上" in the source: the 条例, as in the row above.
	{"jgsz", "概况信息", "乡镇简介", "行政区划、人口民族、经济发展、综合实力和社会事业等信息", tiaoli, "信息形成或变更之日起20个工作日内", "镇人民政府", web, catalog.LevelTownship},
	{"czyjs", "财政预决算", "政府预算", "一般公共预算收支预算表；“三公”经费预算；没有数据的表格应当列出空表并说明", "《预算法》《政府信息公开条例》《地方预决算公开操作规程》等", "本级人民代表大会或其常务委员会批准后20日内", "地方各级财政部门", web, catalog.LevelCounty},
	{"czyjs", "财政预决算", "部门预决算", "部门职责、机构设置、决算收支增减变化、机关运行经费、政府采购", "《预算法》《地方预决算公开操作规程》", "本级政府财政部门批复后20日内", "各政府部门及乡镇", []string{"政府网站", "政府公报"}, catalog.LevelCounty},
	{"czyjs", "财政预决算", "部门预算", "资金信息", "按照区财政统一部署执行", "按照区财政统一部署执行", "各部门", web, catalog.LevelCounty},
	{"ndbg", "政府信息公开", "信息公开年报", "【标题】【内容】", tiaoli, "按年公开", "各部门", web, catalog.LevelCounty},
	{"shjz", "综合业务", "政策", "《社会救助暂行办法》", "《信息公开条例》及相关规定", "制定或获取信息之日起10个工作日内", "县级政府民政部门、乡镇政府(街道办事处)", web, catalog.LevelCounty},
	{"shjz", "最低生活保障", "审核信息", "初审对象名单及相关信息", "《国务院关于进一步加强和改进最低生活保障工作的意见》", "制定或获取信息之日起10个工作日内，公示7个工作日", "镇人民政府", []string{"社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelTownship},
	{"ywjy", "招生管理", "招生范围", "●招生范围 ●学区划分详细情况", "《政府信息公开条例》《教育部关于进一步做好小学升入初中免试就近入学工作的实施意见》", "信息形成或者变更之日起20个工作日内", "县教育体育局", []string{"政府网站", "两微一端", "公开查阅点", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelCounty},
	{"snbt", "农业生产发展资金", "农机购置补贴", "政策依据；申请指南（补贴对象、范围、标准、申请程序）；补贴结果；监督渠道", "《农业机械化促进法》《农业生产发展资金管理办法》", "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的，从其规定。", "县农业农村水利局", web, catalog.LevelCounty},
	{"zdjsxm", "批准服务信息", "办事指南", "申报材料清单、批准流程、办理时限", "《政府信息公开条例》《关于推进重大建设项目批准和实施领域政府信息公开的意见》", "实时公开", "相关审批部门", web, catalog.LevelCounty},
	{"zdjsxm", "批准服务信息", "办理过程信息", "事项名称、办理部门、办理进展", "《关于推进重大建设项目批准和实施领域政府信息公开的意见》", "及时公开", "相关审批部门", web, catalog.LevelCounty},
	{"zdjsxm", "征收土地信息", "征收土地信息", "征地告知书、征地补偿安置方案公告等", "《政府信息公开条例》", "信息形成20个工作日内公开；其中行政许可、行政处罚事项应自作出行政决定之日起7个工作日内公示", "镇人民政府", []string{"便民服务站", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelTownship},
	{"bzxzf", "保障性住房", "公租房租赁补贴资格确认", "申请条件、审核结果", "建保〔2016〕281号", "20工作日", "县住房和城乡建设局", []string{"政府网站", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelCounty},
	{"jgsz", "机关信息", "机关简介", "机关职能，机构设置，办公地址，办公时间，联系方式", "条例第二十条第二款", "信息形成之日起20个工作日内", "各部门", web, catalog.LevelCounty},
	{"ggflfw", "法治宣传教育", "法律知识普及服务", "法律法规资讯；普法动态", "“七五”普法规划", "自制作或获取该信息之日起20个工作日内公开", "县司法局", []string{"政府网站", "两微一端", "广播电视", "纸质媒体", "入户/现场", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelCounty},
	{"hjbh", "行政许可", "建设项目环境影响评价文件审批", "受理环节：受理情况公示、报告书（表）全本；拟决定环节；决定环节：环评批复", "《环境影响评价法》", "自该信息形成或者变更之日起20个工作日内", "生态环境部门", []string{"政府网站", "两微一端", "政务服务中心", "便民服务站"}, catalog.LevelCounty},
	{"ndbg", "特定事项", "公开年报", "本部门政府信息公开工作年度报告", "条例", "每年1月31日前", "各部门", web, catalog.LevelCounty},
}

// nationalRows give each national domain without a real row above a typical
// county-level row, so every department has its domain's items.
var nationalRows = []row{
	{"cxgh", "规划管理", "规划批前公示", "项目名称、建设单位、规划设计方案、公示期限", tiaoli, limit20, "县自然资源和规划局", web, catalog.LevelCounty},
	{"ggzyjy", "政府采购", "采购结果公告", "采购项目名称、中标（成交）供应商、金额", "《政府采购法实施条例》", "及时公开", "县公共资源交易中心", web, catalog.LevelCounty},
	{"aqsc", "安全生产", "安全生产行政处罚", "处罚对象、违法事实、处罚依据、处罚结果", "《安全生产法》", "自作出行政决定之日起7个工作日内", "县应急管理局", web, catalog.LevelCounty},
	{"ssgl", "税收管理", "税收政策", "税收法律法规、政策解读、办税指南", "《税收征收管理法》", limit20, "县税务局", web, catalog.LevelCounty},
	{"zdbc", "征收土地", "征地补偿安置方案", "征地补偿标准、安置途径、社会保障", "《土地管理法》", limit20, "县自然资源和规划局", web, catalog.LevelCounty},
	{"gytdfwzs", "房屋征收", "征收补偿方案", "征收范围、补偿方式、补偿标准", "《国有土地上房屋征收与补偿条例》", limit20, "县住房和城乡建设局", web, catalog.LevelCounty},
	{"ncwfgz", "农村危房改造", "改造对象公示", "改造对象名单、补助标准", "《农村危房改造补助资金管理办法》", limit20, "县住房和城乡建设局", []string{"政府网站", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelCounty},
	{"cszhzf", "城市综合执法", "执法结果", "执法对象、违法事实、处理结果", tiaoli, "自作出行政决定之日起7个工作日内", "县城市管理行政执法局", web, catalog.LevelCounty},
	{"szfw", "市政服务", "停水停气公告", "停止供水供气的时间、范围、原因", tiaoli, "实时公开", "县住房和城乡建设局", web, catalog.LevelCounty},
	{"fp", "扶贫政策", "扶贫项目公告公示", "项目名称、资金规模、实施地点、受益对象", "《关于完善县级脱贫攻坚项目库建设的指导意见》", limit20, "县扶贫开发局", []string{"政府网站", "社区/企事业单位/村公示栏(电子屏)"}, catalog.LevelCounty},
	{"jy", "就业创业", "就业创业补贴", "补贴对象、标准、申领程序", "《就业促进法》", limit20, "县人力资源和社会保障局", web, catalog.LevelCounty},
	{"shbx", "社会保险", "社会保险待遇标准", "养老、医疗、工伤、失业保险待遇标准", "《社会保险法》", limit20, "县人力资源和社会保障局", web, catalog.LevelCounty},
	{"ylfw", "养老服务", "高龄津贴发放", "发放对象、标准、发放情况", "民办函〔2019〕52号", limitQ, "县民政局", web, catalog.LevelCounty},
	{"hjgl", "户籍管理", "户口登记办事指南", "办理条件、所需材料、办理时限、办理地点", "《户口登记条例》", limit20, "县公安局", []string{"政府网站", "政务服务中心"}, catalog.LevelCounty},
	{"ylws", "卫生健康", "传染病疫情信息", "法定传染病疫情、防控措施", "《传染病防治法》", "实时公开", "县卫生健康委员会", web, catalog.LevelCounty},
	{"spypjg", "食品安全", "食品安全抽检信息", "抽检产品、结果、不合格产品处置", "《食品安全法》", limit20, "县市场监督管理局", web, catalog.LevelCounty},
	{"ggwhfw", "公共文化服务", "公共文化场馆开放信息", "场馆名称、开放时间、服务项目", "《公共文化服务保障法》", limit20, "县文化旅游体育局", web, catalog.LevelCounty},
	{"jz", "救灾", "灾情信息", "灾害类型、受灾情况、救灾措施", "《自然灾害救助条例》", "及时公开", "县应急管理局", web, catalog.LevelCounty},
	{"shjz", "临时救助", "临时救助标准", "救助对象、救助标准、申请程序", "《社会救助暂行办法》", limit20, "县民政局", web, catalog.LevelCounty},
}

type templateDef struct {
	key string
	t   catalog.TemplateItem
}

func rowColumns(r row) catalog.Columns {
	return catalog.Columns{DomainCode: r.domain, Level1: r.l1, Level2: r.l2, Content: r.content, Basis: r.basis, TimeLimitText: r.limit,
		Subject: r.subject, Channels: r.channels, ToPublic: true, Proactive: true,
		AtCounty: r.level == catalog.LevelCounty, AtTownship: r.level == catalog.LevelTownship}
}

// templates returns the standard catalogue templates: the real rows, the
// national rows, and the rubric columns for each level.
func templates() []templateDef {
	var out []templateDef
	for i, r := range realRows {
		out = append(out, templateDef{fmt.Sprintf("real-%02d", i+1), catalog.TemplateItem{Columns: rowColumns(r), ForLevel: r.level, SortOrder: 10 + i}})
	}
	for i, r := range nationalRows {
		out = append(out, templateDef{"national-" + r.domain, catalog.TemplateItem{Columns: rowColumns(r), ForLevel: r.level, SortOrder: 100 + i}})
	}
	for ci, c := range columns {
		for _, lv := range []catalog.Level{catalog.LevelTownship, catalog.LevelCounty} {
			w := c.wT
			subject := "镇人民政府"
			channels := []string{"政府网站", "社区/企事业单位/村公示栏(电子屏)"}
			if lv == catalog.LevelCounty {
				w, subject, channels = c.wD, "县直有关单位", web
			}
			if w == 0 && c.code != "ndbg" {
				continue
			}
			for ii, l2 := range c.items {
				r := row{c.code, c.name, l2, c.content, tiaoli, c.limit, subject, channels, lv}
				out = append(out, templateDef{fmt.Sprintf("rubric-%s-%s-%d", lv, c.code, ii+1),
					catalog.TemplateItem{Columns: rowColumns(r), ForLevel: lv, SortOrder: 1000 + ci*10 + ii}})
			}
		}
	}
	return out
}
