package seed

import (
	"context"
	"fmt"
	"time"

	"gongkai/catalog"
	"gongkai/hotline"
)

// demoOrder is a hotline order of the demo with the steps that bring it
// where it stands.
type demoOrder struct {
	key   string
	order hotline.Order
	steps []demoStep
}

type demoStep struct {
	by   string
	step hotline.Step
}

// Hotline loads the demo's 12345 hotline: answers in the knowledge base, a
// 领导接听 day announced, and orders at each stage of the loop — one to
// dispatch, one to claim, one being handled, one answered and waiting for
// the county office's check, and two closed and published. Run again, it
// adds nothing (orders are found by their key; the rest when there is
// none).
func Hotline(ctx context.Context, d *hotline.Desk, now time.Time) error {
	office := catalog.Actor{Username: "zhengfuban-clerk"}
	if es, err := d.Knowledge.FindEntries(ctx, hotline.EntryFilter{}); err != nil {
		return err
	} else if len(es) == 0 {
		for _, e := range []hotline.Entry{
			{Category: hotline.Consult, Question: "城乡居民医保怎么缴费？", Keywords: "医保 居民医疗保险 缴费",
				Answer: "城乡居民基本医疗保险每年9月至12月集中缴纳次年费用，可通过皖事通、税务App或到户籍所在地村（社区）便民服务中心缴纳。"},
			{UnitCode: "renshe", Category: hotline.Consult, Question: "失业保险金怎么申领？", Keywords: "失业 失业金",
				Answer: "失业人员办理失业登记后，携身份证到县人社局就业服务窗口申领失业保险金，符合条件的自申领次月起按月发放。"},
			{UnitCode: "minzhengju", Category: hotline.Consult, Question: "低保怎么申请？", Keywords: "最低生活保障 低保 救助",
				Answer: "由本人向户籍所在地乡镇人民政府提出书面申请，经入户调查、民主评议和公示后，由县民政局审批，审批结果在村（社区）公示。"},
		} {
			e := e
			if err := d.Knowledge.SaveEntry(ctx, &e, office); err != nil {
				return fmt.Errorf("seed: knowledge: %w", err)
			}
		}
	}
	if as, err := d.Announcements.FindAnnouncements(ctx, hotline.Day(now)); err != nil {
		return err
	} else if len(as) == 0 {
		day, err := d.Calendar.Provisional().AddWorkdays(hotline.Day(now), 2)
		if err != nil {
			return err
		}
		a := hotline.Announcement{Day: day, From: "09:00", To: "10:00", UnitCode: "renshe", Leaders: "县人社局党组书记、局长",
			Scope: "企业招用员工、劳动合同、高校毕业生就业、社会保障卡、劳动维权等咨询"}
		if err := d.Announcements.SaveAnnouncement(ctx, &a, office); err != nil {
			return fmt.Errorf("seed: announcement: %w", err)
		}
	}
	caller := func(name, phone string) hotline.Caller { return hotline.Caller{Name: name, Phone: phone} }
	to := func(unit string) demoStep {
		return demoStep{"zhengfuban-clerk", hotline.Step{Action: hotline.ActTransfer, Unit: unit}}
	}
	claim := func(unit string) demoStep { return demoStep{unit + "-clerk", hotline.Step{Action: hotline.ActClaim}} }
	reply := func(unit, text string) demoStep {
		return demoStep{unit + "-leader", hotline.Step{Action: hotline.ActReply, Text: text}}
	}
	closeIt := demoStep{"zhengfuban-clerk", hotline.Step{Action: hotline.ActClose}}
	satisfied := demoStep{"zhengfuban-clerk", hotline.Step{Action: hotline.ActCallback, Result: hotline.Satisfied}}
	orders := []demoOrder{
		{"demo-hotline-1", hotline.Order{Channel: hotline.Phone, Category: hotline.Complaint, Caller: caller("张建国", "13905631001"),
			Title: "文化路路灯夜间不亮", Content: "旌阳镇文化路中段三盏路灯一周没亮，晚上出行不便。", Address: "旌阳镇文化路"}, nil},
		{"demo-hotline-2", hotline.Order{Channel: hotline.Mailbox, Category: hotline.Complaint, Caller: caller("李秀兰", "13905631002"),
			Title: "东门菜市场周边占道经营", Content: "东门菜市场周边早上摊位占道，车辆和行人通行困难。", Address: "旌阳镇东门菜市场"},
			[]demoStep{to("chengguan")}},
		{"demo-hotline-3", hotline.Order{Channel: hotline.Phone, Category: hotline.Consult, Caller: caller("王海", "13905631003"),
			Title: "灵活就业人员社保补贴", Content: "想咨询灵活就业人员社会保险补贴的申领条件和材料。"},
			[]demoStep{to("renshe"), claim("renshe")}},
		{"demo-hotline-4", hotline.Order{Channel: hotline.Online, Category: hotline.Suggestion, Caller: caller("赵敏", "13905631004"),
			Title: "建议增开城乡公交早班车", Content: "建议增开早上6点半从蔡家桥镇到县城的公交车，方便学生和上班的人。", Publish: true},
			[]demoStep{to("jiaoyunju"), claim("jiaoyunju"), reply("jiaoyunju", "经研究，县交运局已协调公交公司自下月起增开蔡家桥至县城6:30早班车一班，具体时刻将在站台公示。")}},
		{"demo-hotline-5", hotline.Order{Channel: hotline.Kiosk, Category: hotline.Help, Caller: caller("孙桂芳", "13905631005"),
			Title: "家门口自来水管破裂", Content: "三溪镇老街自来水管破裂漏水两天了，请帮忙联系维修。", Address: "三溪镇老街", Publish: true},
			[]demoStep{to("zhujianju"), claim("zhujianju"), reply("zhujianju", "经现场核实，该处为供水主管老化破裂，县住建局已协调供水公司于当日更换管段并恢复供水。"), closeIt, satisfied}},
		{"demo-hotline-6", hotline.Order{Channel: hotline.Phone, Category: hotline.Consult, Caller: caller("周明", "13905631006"),
			Title: "社会保障卡丢失补办", Content: "社保卡丢了，想问在哪里补办、要带什么材料。", Publish: true},
			[]demoStep{to("renshe"), claim("renshe"), reply("renshe", "社会保障卡丢失后请先拨打12333挂失，再携本人身份证到县人社局社保卡服务窗口或合作银行网点补办，现场即可制卡。"), closeIt, satisfied}},
	}
	for _, x := range orders {
		key := fmt.Sprintf("%-32s", x.key)
		made, err := d.Orders.FindOrders(ctx, hotline.Filter{SubmitKey: key, Limit: 1})
		if err != nil {
			return err
		}
		if len(made) > 0 {
			continue
		}
		o := x.order
		o.SubmitKey = key
		if err := d.Intake(ctx, &o, catalog.Actor{Username: "zhengfuban-clerk"}); err != nil {
			return fmt.Errorf("seed: order %s: %w", x.key, err)
		}
		for _, s := range x.steps {
			if _, err := d.Step(ctx, o.Number, s.step, 0, catalog.Actor{Username: s.by}); err != nil {
				return fmt.Errorf("seed: order %s, %s: %w", x.key, s.step.Action, err)
			}
		}
	}
	return nil
}
