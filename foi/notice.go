package foi

import (
	"fmt"
	"strings"
	"time"
)

// NoticeKind is a paper the procedure sends: to the applicant, or to a
// party whose views are sought.
type NoticeKind string

// Notice kinds, each with the article that requires it.
const (
	NoticeCorrection    NoticeKind = "correction"     // 补正告知书, art. 30
	NoticeExtension     NoticeKind = "extension"      // 延期答复告知书, art. 33
	NoticeConsultation  NoticeKind = "consultation"   // 征求意见书 to the party, arts. 32/34
	NoticeConsultNotice NoticeKind = "consult_notice" // 征求意见告知书 to the applicant
	NoticeReasons       NoticeKind = "reasons"        // 说明理由告知书, art. 35
	NoticeDelay         NoticeKind = "delay"          // 延迟答复告知书, art. 35
	NoticeFee           NoticeKind = "fee"            // 收费通知书, art. 42 and 国办函〔2020〕109号
)

// Title is the paper's title.
func (k NoticeKind) Title() string {
	return map[NoticeKind]string{NoticeCorrection: "政府信息公开申请补正告知书", NoticeExtension: "政府信息公开延期答复告知书",
		NoticeConsultation: "政府信息公开征求意见书", NoticeConsultNotice: "政府信息公开征求意见告知书",
		NoticeReasons: "政府信息公开申请说明理由告知书", NoticeDelay: "政府信息公开延迟答复告知书",
		NoticeFee: "政府信息公开信息处理费收费通知书"}[k]
}

// short is the kind's mark in the paper's number, 〔2026〕补告3号.
func (k NoticeKind) short() string {
	return map[NoticeKind]string{NoticeCorrection: "补告", NoticeExtension: "延告", NoticeConsultation: "征意", NoticeConsultNotice: "征告",
		NoticeReasons: "理告", NoticeDelay: "迟告", NoticeFee: "费告"}[k]
}

// Counter is the scope of the paper's number: per unit, year and kind.
func (k NoticeKind) Counter(unit string, year int) string {
	return fmt.Sprintf("notice-%s-%s-%d", k, unit, year)
}

// Number formats the n-th paper of its kind in a year.
func (k NoticeKind) Number(year int, n int64) string {
	return fmt.Sprintf("〔%d〕%s%d号", year, k.short(), n)
}

// Notice is one paper as issued: its text is frozen then, like the answer
// letter's, and it is printed from it.
type Notice struct {
	ID       int64      `json:"id"`
	Request  string     `json:"request"`
	Kind     NoticeKind `json:"kind"`
	Title    string     `json:"title"`
	No       string     `json:"no"`
	To       string     `json:"to"` // the addressee as the paper names it
	IssuedOn time.Time  `json:"issued_on"`
	// Via is how it was delivered (当面交付, 邮寄, 电子邮件 …).
	Via        string   `json:"via"`
	Paragraphs []string `json:"paragraphs"`
	Issuer     string   `json:"issuer"`
}

// PapersOf tells whether a step issues papers, whose delivery is recorded.
func PapersOf(action string) bool {
	switch action {
	case ActCorrect, ActExtend, ActConsult, ActReasons, ActDelay, ActFee:
		return true
	}
	return false
}

// BackdateDays is how many days before today a step may be dated.
const BackdateDays = 10

// Sheet is what a step issues: its kind and body, numbered by the store.
type Sheet struct {
	Kind NoticeKind
	To   string
	Body []string
}

// Papers composes the papers (Sheets) a step issues, after Apply took it on r; the
// step's Issuer names the organ. Steps that issue none give nil.
func Papers(r *Request, s Step, clock Clock) []Sheet {
	on := day(s.On).Format("2006年1月2日")
	recv := r.ReceivedOn.Format("2006年1月2日")
	about := fmt.Sprintf("本机关于%s收到你提出的政府信息公开申请（登记号%s），申请内容为：“%s”。", recv, r.Number, r.Description)
	to := r.Display()
	switch s.Action {
	case ActCorrect:
		return []Sheet{{NoticeCorrection, to, []string{about,
			"经审查，你的申请内容不明确。依据《中华人民共和国政府信息公开条例》第三十条的规定，请你对下列内容一并作出补正：",
			strings.TrimSpace(s.Note),
			fmt.Sprintf("请于%s前将补正后的申请提交本机关。答复期限自本机关收到补正后的申请之日起重新计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
				r.CorrectionDue.Format("2006年1月2日"))}}}
	case ActExtend:
		return []Sheet{{NoticeExtension, to, []string{about,
			fmt.Sprintf("因%s，本机关不能在法定期限内作出答复。经本机关政府信息公开工作机构负责人同意，依据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，答复期限延长%d个工作日，延长后的答复期限为%s。",
				strings.TrimSuffix(strings.TrimSpace(s.Note), "。"), s.Days, clock.Due.Format("2006年1月2日"))}}}
	case ActConsult:
		p := r.Pauses[len(r.Pauses)-1]
		article, who := "第三十二条", "第三方"
		if p.Kind == "agency" {
			article, who = "第三十四条", "协办机关"
		}
		by := "逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
		if p.Kind == "agency" {
			by = "逾期未提出意见的，视为同意公开。"
		}
		limit := "15个工作日内"
		if clock.PauseUntil != nil {
			limit = "15个工作日内（即" + clock.PauseUntil.Format("2006年1月2日") + "前，以你方收到本意见书之日起算）"
		}
		due := ""
		if !clock.Due.IsZero() {
			due = "如对方在期限内未提出意见，本机关将于" + clock.Due.Format("2006年1月2日") + "前作出答复；对方提前答复的，答复期限相应提前。"
		}
		return []Sheet{
			{NoticeConsultation, p.Party, []string{
				fmt.Sprintf("本机关于%s收到一件政府信息公开申请，申请公开的信息为：“%s”。该信息可能涉及你方，依据《中华人民共和国政府信息公开条例》%s的规定，现书面征求你方意见。",
					recv, r.Description, article),
				"请于" + limit + "提出书面意见。" + by + strings.TrimSpace(s.Note)}},
			{NoticeConsultNotice, to, []string{about,
				fmt.Sprintf("你申请公开的信息需要征求%s意见。本机关已于%s发出征求意见书，依据《中华人民共和国政府信息公开条例》第三十三条第三款的规定，征求意见所需时间不计算在答复期限内（最长为对方收到征求意见书后15个工作日）。%s", who, on, due)}},
		}
	case ActReasons:
		return []Sheet{{NoticeReasons, to, []string{about,
			"你申请公开政府信息的数量、频次明显超过合理范围。依据《中华人民共和国政府信息公开条例》第三十五条的规定，请你说明理由：" + strings.TrimSpace(s.Note),
			fmt.Sprintf("请于%s前向本机关说明。理由不合理的，本机关将告知你不予处理；理由合理但无法在法定期限内答复的，本机关将确定延迟答复的合理期限并告知你。", day(s.Due).Format("2006年1月2日"))}}}
	case ActDelay:
		return []Sheet{{NoticeDelay, to, []string{about,
			fmt.Sprintf("你说明的理由合理，但因%s，本机关无法在《中华人民共和国政府信息公开条例》第三十三条规定的期限内答复。依据条例第三十五条的规定，确定延迟答复的期限为%s。",
				strings.TrimSuffix(strings.TrimSpace(s.Note), "。"), r.DelayedTo.Format("2006年1月2日"))}}}
	case ActFee:
		return []Sheet{{NoticeFee, to, []string{about,
			fmt.Sprintf("依据《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关对你的申请收取信息处理费。计费方式：%s；%s；收费标准：%s；应缴金额：人民币%d元。",
				FeeBasisName(r.FeeBasis), r.FeeDetail, FeeStandard(r.FeeBasis), r.FeeAmount),
			"缴纳方式：" + strings.TrimSpace(s.Note),
			fmt.Sprintf("请自收到本通知之日起%d个工作日内缴纳。自本通知发出之日起至你缴费完毕之日止的期间，不计算在答复期限内；逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。", FeeDays)}}}
	}
	return nil
}

// Print is the paper in full, in the order it is printed.
func (n Notice) Print() []string {
	out := []string{n.Title, n.No, n.To + "："}
	out = append(out, n.Paragraphs...)
	return append(out, n.Issuer, n.IssuedOn.Format("2006年1月2日"))
}

// Fees, 国办函〔2020〕109号.
const (
	FeeByCount = "count" // 按件计收: the applicant's applications in a natural month
	FeeByPages = "pages" // 按量计收: the pages of one application
	// FeeDays is the applicant's time to pay from receiving the notice.
	FeeDays = 20
)

// FeeStandard is the 办法's standard of a basis, as the notice states it.
func FeeStandard(b string) string {
	if b == FeeByPages {
		return "同一申请30页以下（含）不收费，31—100页的部分每页10元，101—200页的部分每页20元，201页以上的部分每页40元"
	}
	return "同一申请人一个自然月内累计申请10件以下（含）不收费，11—30件的部分每件100元，31件以上的部分每增加10件，新增部分每件的收费标准提高100元"
}

// FeeBasisName is the basis in Chinese.
func FeeBasisName(b string) string {
	if b == FeeByPages {
		return "按量计收"
	}
	return "按件计收"
}

// FeeForCount is the fee of an application that is the n-th of its
// applicant in a natural month: none up to 10; 100 yuan each from the 11th
// to the 30th; from the 31st, 100 yuan more for every further band of 10.
func FeeForCount(n int) int {
	switch {
	case n <= 10:
		return 0
	case n <= 30:
		return 100
	}
	return 100 + 100*((n-21)/10)
}

// FeeForPages is the fee of one application of n pages: none up to 30;
// 10 yuan a page from the 31st to the 100th, 20 from the 101st to the
// 200th, 40 from the 201st.
func FeeForPages(n int) int {
	fee := 0
	for _, band := range []struct{ from, to, price int }{{31, 100, 10}, {101, 200, 20}, {201, 1 << 30, 40}} {
		if n >= band.from {
			fee += (min(n, band.to) - band.from + 1) * band.price
		}
	}
	return fee
}
