package seed

import "gongkai/catalog"

// unitDef is one of Jingde's units as the seed's 考评对象 list names it.
type unitDef struct {
	code, name, full string
	kind             catalog.Kind
	national         []string // codes of the national domains the unit carries
}

// Units lists the county office, the 10 townships and the 28 departments in the
// order of the annex tables of the county's 2020 bulletins (its 考评方案's
// 附件1 考评对象 lists them in another order: 孙村镇 fifth, 科技商务经信局
// third), so that a demo bulletin's 序号 are the county's.
var units = []unitDef{
	{"zhengfuban", "县政府办公室", "旌德县人民政府办公室", catalog.KindOffice, nil},
	{"jingyang", "旌阳镇", "旌德县旌阳镇人民政府", catalog.KindTown, nil},
	{"miaoshou", "庙首镇", "旌德县庙首镇人民政府", catalog.KindTown, nil},
	{"sanxi", "三溪镇", "旌德县三溪镇人民政府", catalog.KindTown, nil},
	{"baidi", "白地镇", "旌德县白地镇人民政府", catalog.KindTown, nil},
	{"yunle", "云乐镇", "旌德县云乐镇人民政府", catalog.KindTown, nil},
	{"xinglong", "兴隆镇", "旌德县兴隆镇人民政府", catalog.KindTown, nil},
	{"caijiaqiao", "蔡家桥镇", "旌德县蔡家桥镇人民政府", catalog.KindTown, nil},
	{"yucun", "俞村镇", "旌德县俞村镇人民政府", catalog.KindTown, nil},
	{"suncun", "孙村镇", "旌德县孙村镇人民政府", catalog.KindTown, nil},
	{"banshu", "版书镇", "旌德县版书镇人民政府", catalog.KindTown, nil},
	{"fagaiwei", "发改委", "旌德县发展和改革委员会", catalog.KindDepartment, []string{"zdjsxm", "ggzyjy"}},
	{"jiaotiju", "教体局", "旌德县教育体育局", catalog.KindDepartment, []string{"ywjy"}},
	{"gonganju", "公安局", "旌德县公安局", catalog.KindDepartment, []string{"hjgl"}},
	{"minzhengju", "民政局", "旌德县民政局", catalog.KindDepartment, []string{"shjz", "ylfw"}},
	{"sifaju", "司法局", "旌德县司法局", catalog.KindDepartment, []string{"ggflfw"}},
	{"caizhengju", "财政局", "旌德县财政局", catalog.KindDepartment, []string{"czyjs", "snbt"}},
	{"renshe", "人社局", "旌德县人力资源和社会保障局", catalog.KindDepartment, []string{"jy", "shbx"}},
	{"ziranziyuan", "自然资源规划局", "旌德县自然资源和规划局", catalog.KindDepartment, []string{"cxgh", "zdbc"}},
	{"zhujianju", "住建局", "旌德县住房和城乡建设局", catalog.KindDepartment, []string{"gytdfwzs", "ncwfgz", "bzxzf", "szfw"}},
	{"jiaoyunju", "交运局", "旌德县交通运输局", catalog.KindDepartment, nil},
	{"nongyenongcun", "农业农村水利局", "旌德县农业农村水利局", catalog.KindDepartment, []string{"snbt"}},
	{"linyeju", "林业局", "旌德县林业局", catalog.KindDepartment, nil},
	{"weijianwei", "卫健委", "旌德县卫生健康委员会", catalog.KindDepartment, []string{"ylws"}},
	{"shenjiju", "审计局", "旌德县审计局", catalog.KindDepartment, nil},
	{"shengtai", "生态环境分局", "宣城市旌德县生态环境分局", catalog.KindDepartment, []string{"hjbh"}},
	{"tongjiju", "统计局", "旌德县统计局", catalog.KindDepartment, nil},
	{"shichang", "市场监管局", "旌德县市场监督管理局", catalog.KindDepartment, []string{"spypjg"}},
	{"shuiwuju", "税务局", "国家税务总局旌德县税务局", catalog.KindDepartment, []string{"ssgl"}},
	{"shujuju", "数据资源局", "旌德县数据资源管理局", catalog.KindDepartment, nil},
	{"yingjiju", "应急局", "旌德县应急管理局", catalog.KindDepartment, []string{"aqsc", "jz"}},
	{"zhaoshang", "招商合作中心", "旌德县招商合作中心", catalog.KindDepartment, nil},
	{"kaifaqu", "开发区管委会", "旌德经济开发区管理委员会", catalog.KindDepartment, nil},
	{"qixiangju", "气象局", "旌德县气象局", catalog.KindDepartment, nil},
	{"xinfangju", "信访局", "旌德县信访局", catalog.KindDepartment, nil},
	{"fupinju", "扶贫局", "旌德县扶贫开发局", catalog.KindDepartment, []string{"fp"}},
	{"chengguan", "城管执法局", "旌德县城市管理行政执法局", catalog.KindDepartment, []string{"cszhzf"}},
	{"wenlvju", "文旅局", "旌德县文化旅游体育局", catalog.KindDepartment, []string{"ggwhfw"}},
	{"keshangjingxin", "科技商务经信局", "旌德县科技商务经信局", catalog.KindDepartment, nil},
}

// Units returns the county's units with the public facts the seed gives.
func Units() []catalog.Unit {
	out := make([]catalog.Unit, len(units))
	for i, d := range units {
		u := catalog.Unit{Code: d.code, Name: d.name, FullName: d.full, Kind: d.kind, SortOrder: (i + 1) * 10, Level: catalog.LevelCounty}
		if d.kind == catalog.KindTown {
			u.Level = catalog.LevelTownship
			u.Functions = "贯彻执行党和国家的方针政策及上级决定，负责本镇经济发展、社会事业、社会救助、基层治理和公共服务等工作。"
		}
		u.KindName = u.Kind.Name()
		switch d.code {
		case "zhengfuban":
			// From the county office's 机构设置 page in the seed.
			u.Functions = "负责县政府日常工作的综合协调，负责组织协调和监督全县政务信息公开（政务公开股），负责县政府网站及县政府服务热线、县长信箱反映问题的交办工作。"
			u.Address = "旌德县政务新区1号楼"
			u.OfficeHours = "周一至周五 上午8:00—12:00 下午14:30—17:30"
			u.Phone = "0563-8024390"
			u.Fax = "0563-8026519"
			u.Postcode = "242600"
			u.Offices = "政务公开股：负责组织协调和监督全县政务信息公开，办公电话8024390"
		case "shujuju":
			// From its 政务公开机构人员备案表 (2020-09-24).
			u.Phone = "0563-8601720"
			u.Email = "jdxzwzx@163.com"
			u.Postcode = "242600"
		}
		out[i] = u
	}
	return out
}
