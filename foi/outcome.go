package foi

// Outcome is how a request was decided. Each maps to one row of the annual
// report's table 三（本年度办理结果）.
type Outcome string

// OutcomeInfo describes an outcome: its row in the annual report, its name,
// its legal basis and the sentence the answer letter uses.
type OutcomeInfo struct {
	Code  Outcome
	Group string // （一）予以公开 …
	Row   string // the row's own label under its group, or "" for a one-row group
	Basis string
	// Letter is the answer letter's decision paragraph; the clerk's own
	// text follows it.
	Letter string
	// Pick tells apart outcomes that share a report row, as staff pick
	// them (36(四) and 36(五) both count as 本机关不掌握).
	Pick string
}

// Label is the outcome as staff pick it: group and row.
func (o OutcomeInfo) Label() string {
	if o.Pick != "" {
		return o.Group + " " + o.Pick
	}
	if o.Row == "" {
		return o.Group
	}
	return o.Group + " " + o.Row
}

// ReportKey is the key of the annual report row an outcome counts in: the
// first outcome of its row (already_public counts as disclose).
func (o OutcomeInfo) ReportKey() string {
	if o.Code == "already_public" {
		return "disclose"
	}
	for _, x := range Outcomes {
		if x.Group == o.Group && x.Row == o.Row {
			return string(x.Code)
		}
	}
	return string(o.Code)
}

// Outcomes are the closed list, in the order of the annual report.
var Outcomes = []OutcomeInfo{
	{"disclose", "（一）予以公开", "", "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
		"依据《中华人民共和国政府信息公开条例》第三十六条“（二）所申请公开信息可以公开的，向申请人提供该政府信息，或者告知申请人获取该政府信息的方式、途径和时间”的规定，现将你所要求获取的政府信息提供给你。", ""},
	{"already_public", "（一）予以公开", "已主动公开", "《中华人民共和国政府信息公开条例》第三十六条第（一）项",
		"你申请的政府信息已经主动公开。依据《中华人民共和国政府信息公开条例》第三十六条第（一）项的规定，告知你获取该政府信息的方式和途径如下。", ""},
	{"partial", "（二）部分公开", "", "《中华人民共和国政府信息公开条例》第三十七条",
		"你申请的政府信息中含有不应当公开的内容，但能够作区分处理。依据《中华人民共和国政府信息公开条例》第三十七条的规定，现向你提供可以公开的信息内容，对不予公开的部分说明理由如下。", ""},
	{"deny_secret", "（三）不予公开", "1.属于国家秘密", "《中华人民共和国政府信息公开条例》第十四条",
		"你申请的政府信息属于国家秘密。依据《中华人民共和国政府信息公开条例》第十四条的规定，决定不予公开。", ""},
	{"deny_law", "（三）不予公开", "2.其他法律行政法规禁止公开", "《中华人民共和国政府信息公开条例》第十四条",
		"你申请的政府信息属于法律、行政法规禁止公开的政府信息。依据《中华人民共和国政府信息公开条例》第十四条的规定，决定不予公开。", ""},
	{"deny_security", "（三）不予公开", "3.危及“三安全一稳定”", "《中华人民共和国政府信息公开条例》第十四条",
		"你申请的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。依据《中华人民共和国政府信息公开条例》第十四条的规定，决定不予公开。", ""},
	{"deny_third_party", "（三）不予公开", "4.保护第三方合法权益", "《中华人民共和国政府信息公开条例》第十五条",
		"你申请的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。依据《中华人民共和国政府信息公开条例》第十五条的规定，决定不予公开。", ""},
	{"deny_internal", "（三）不予公开", "5.属于三类内部事务信息", "《中华人民共和国政府信息公开条例》第十六条第一款",
		"你申请的政府信息属于行政机关的内部事务信息。依据《中华人民共和国政府信息公开条例》第十六条第一款的规定，决定不予公开。", ""},
	{"deny_process", "（三）不予公开", "6.属于四类过程性信息", "《中华人民共和国政府信息公开条例》第十六条第二款",
		"你申请的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息。依据《中华人民共和国政府信息公开条例》第十六条第二款的规定，决定不予公开。", ""},
	{"deny_enforcement", "（三）不予公开", "7.属于行政执法案卷", "《中华人民共和国政府信息公开条例》第十六条第二款",
		"你申请的政府信息属于行政执法案卷信息。依据《中华人民共和国政府信息公开条例》第十六条第二款的规定，决定不予公开。", ""},
	{"deny_inquiry", "（三）不予公开", "8.属于行政查询事项", "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
		"你申请获取的信息属于行政查询事项，依据《中华人民共和国政府信息公开条例》第三十六条第（七）项的规定，请依照有关法律、行政法规的规定办理。", ""},
	{"unable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息", "《中华人民共和国政府信息公开条例》第三十六条第（四）项",
		"经检索，没有你所申请公开的政府信息。依据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，告知你该政府信息不存在。",
		"1.本机关不掌握相关政府信息：经检索没有（第三十六条第（四）项）"},
	{"unable_not_ours", "（四）无法提供", "1.本机关不掌握相关政府信息", "《中华人民共和国政府信息公开条例》第三十六条第（五）项",
		"你所申请公开的信息不属于本机关负责公开。依据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，告知如下。",
		"1.本机关不掌握相关政府信息：不属于本机关负责公开（第三十六条第（五）项）"},
	{"unable_need_making", "（四）无法提供", "2.没有现成信息需要另行制作", "《中华人民共和国政府信息公开条例》第三十八条",
		"你申请的信息需要本机关对现有政府信息进行加工、分析。依据《中华人民共和国政府信息公开条例》第三十八条的规定，本机关不予提供。", ""},
	{"unable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确", "《中华人民共和国政府信息公开条例》第三十条",
		"你补正后的申请内容仍不明确，本机关无法确定你所申请的政府信息。依据《中华人民共和国政府信息公开条例》第三十条的规定，无法提供。", ""},
	{"reject_petition", "（五）不予处理", "1.信访举报投诉类申请", "《中华人民共和国政府信息公开条例》第三十九条第一款",
		"你的申请属于以政府信息公开申请的形式进行信访、投诉、举报等活动。依据《中华人民共和国政府信息公开条例》第三十九条第一款的规定，不作为政府信息公开申请处理，请通过相应渠道提出。", ""},
	{"reject_repeat", "（五）不予处理", "2.重复申请", "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
		"你的申请与已经答复的申请重复。依据《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，不予重复处理。", ""},
	{"reject_publication", "（五）不予处理", "3.要求提供公开出版物", "《中华人民共和国政府信息公开条例》第三十九条第二款",
		"你申请获取的是政府公报、报刊、书籍等公开出版物。依据《中华人民共和国政府信息公开条例》第三十九条第二款的规定，请通过相应渠道获取。", ""},
	{"reject_excessive", "（五）不予处理", "4.无正当理由大量反复申请", "《中华人民共和国政府信息公开条例》第三十五条",
		"你申请公开政府信息的数量、频次明显超过合理范围，且说明的理由不合理。依据《中华人民共和国政府信息公开条例》第三十五条的规定，不予处理。", ""},
	{"reject_confirm", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "《中华人民共和国政府信息公开条例》第三十九条",
		"你要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请的范围，不予处理。", ""},
	{"other_no_correction", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "《中华人民共和国政府信息公开条例》第三十条",
		"你未在补正期限内补正申请，依据《中华人民共和国政府信息公开条例》第三十条的规定，视为放弃申请，本机关不再处理该政府信息公开申请。", ""},
	{"other_unpaid", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "《政府信息公开信息处理费管理办法》",
		"你逾期未按收费通知要求缴纳信息处理费，本机关不再处理该政府信息公开申请。", ""},
	{"other", "（六）其他处理", "3.其他", "《中华人民共和国政府信息公开条例》",
		"对你的申请处理如下。", ""},
}

// OutcomeOf returns an outcome's description and whether it is known.
func OutcomeOf(o Outcome) (OutcomeInfo, bool) {
	for _, x := range Outcomes {
		if x.Code == o {
			return x, true
		}
	}
	return OutcomeInfo{}, false
}

// Remedy is the sentence every answer letter ends with.
const Remedy = "如对本答复不服，可自收到本答复书之日起六十日内向%s申请行政复议，或自收到本答复书之日起六个月内向%s提起行政诉讼。"
