package admin

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

// editPage is the publication editor, new or existing.
type editPage struct {
	Item   catalog.Item
	Pub    *catalog.Publication // nil for a new one
	Form   pubForm
	Field  string // the field at fault, highlighted
	Topics []string
}

func (h handler) handlePubNew(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	it, err := h.Items.FindItem(c.UserContext(), id)
	if err != nil {
		return err
	}
	f := pubForm{}
	f.Topic = "综合政务"
	f.GeneratedOn = h.now().In(catalog.Shanghai).Format("2006-01-02")
	return render(c, 200, "pub_edit.html", page{Title: "新建公开信息", Me: m, Data: editPage{Item: *it, Form: f, Topics: catalog.Topics}})
}

func (h handler) handlePubCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	it, err := h.Items.FindItem(ctx, id)
	if err != nil {
		return err
	}
	f := readForm(c)
	p, err := f.parse(it.ID, h.now(), h.policyID(c))
	if err == nil {
		err = h.Pubs.CreatePublication(ctx, &p, web.Actor(c))
	}
	if err != nil {
		field, msg, ok := fieldError(err)
		if !ok {
			return err
		}
		return render(c, fiber.StatusBadRequest, "pub_edit.html", page{Title: "新建公开信息", Me: m, Error: msg,
			Data: editPage{Item: *it, Form: f, Field: field, Topics: catalog.Topics}})
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=created", p.ID), fiber.StatusSeeOther)
}

// showPage is a publication with what the person may do to it now.
type showPage struct {
	Pub       catalog.Publication
	Item      catalog.Item
	Events    []catalog.Event
	Hits      []catalog.PrivacyHit
	Steps     []catalog.PubAction // the steps open to this person
	CanEdit   bool
	CanRevise bool
	// CanDelete: a draft never submitted, and the person may write.
	CanDelete       bool
	Edit            editPage
	TakedownReasons []struct{ Code, Name string }
	Interprets      *catalog.Publication
	Interpretations []catalog.Publication
	// Checked and Reasons keep a refused submission's checklist and the
	// reasons typed for keeping personal information.
	Checked map[string]bool
	Reasons map[string]string
	Field   string
	// Unreadable names an attachment whose text could not be read.
	Unreadable string
}

var flashes = map[string]string{
	"created":  "已保存为草稿。完成一级审核后提交给本单位负责人审核。",
	"saved":    "已保存。",
	"submit":   "已提交审核。",
	"approve":  "已审核发布，公众现在可以看到。",
	"reject":   "已退回修改。",
	"takedown": "已撤下，单位须在整改期限内整改。",
	"rectify":  "已整改并重新提交审核。",
	"withdraw": "已撤回。",
	"attached": "附件已上传。",
	"detached": "附件已删除。",
	"revise":   "已生成修订草稿；审核发布后将替代原版本。",
}

func (h handler) showData(c *fiber.Ctx, m *me, id int64) (showPage, error) {
	ctx := c.UserContext()
	p, err := h.Pubs.FindPublication(ctx, id)
	if err != nil {
		return showPage{}, err
	}
	it, err := h.Items.FindItem(ctx, p.ItemID)
	if err != nil {
		return showPage{}, err
	}
	evs, err := h.Pubs.FindEvents(ctx, id)
	if err != nil {
		return showPage{}, err
	}
	// An attachment that cannot be read (stored before uploads were
	// checked) is named on the page rather than breaking it for everyone.
	text, err := h.Attachments.PublicationText(ctx, id)
	unreadable := ""
	if err != nil {
		if _, msg, ok := fieldError(err); ok {
			unreadable = msg
		} else {
			return showPage{}, err
		}
	}
	sp := showPage{Pub: *p, Item: *it, Events: evs, TakedownReasons: catalog.TakedownReasons, Unreadable: unreadable,
		Hits: catalog.Distinct(catalog.ScanPrivacy(p.Title + "\n" + catalog.BodyText(p.Body) + "\n" + text))}
	for _, t := range catalog.Workflow {
		if t.From != p.Status || !h.can(m, p.UnitCode, rbac.ObjPublication, rbac.ForRight(t.Right)) {
			continue
		}
		if t.Step == catalog.StepApprove && p.SubmittedBy == m.Username {
			continue // nobody approves their own submission
		}
		sp.Steps = append(sp.Steps, t.Step)
	}
	sp.CanRevise = p.Status == catalog.PubPublished && h.can(m, p.UnitCode, rbac.ObjPublication, rbac.ActWrite)
	sp.CanEdit = (p.Status == catalog.PubDraft || p.Status == catalog.PubTakenDown) && h.can(m, p.UnitCode, rbac.ObjPublication, rbac.ActWrite)
	sp.CanDelete = p.Status == catalog.PubDraft && sp.CanEdit
	for _, e := range evs {
		if e.Action == catalog.StepSubmit {
			sp.CanDelete = false
		}
	}
	if p.Status == catalog.PubDraft {
		// A draft is deleted if never submitted, withdrawn (撤回, with
		// its review kept) only once it has been.
		steps := sp.Steps[:0]
		for _, s := range sp.Steps {
			if s != catalog.StepWithdraw || !sp.CanDelete {
				steps = append(steps, s)
			}
		}
		sp.Steps = steps
	}
	sp.Edit = editPage{Item: *it, Pub: p, Form: formFrom(*p), Topics: catalog.Topics}
	// Linked publications are named only where the viewer may read them:
	// another unit's draft keeps its title to itself.
	readable := func(q *catalog.Publication) bool {
		return q.Status.Public() || h.can(m, q.UnitCode, rbac.ObjPublication, rbac.ActRead)
	}
	if p.InterpretsID != nil {
		if ip, err := h.Pubs.FindPublication(ctx, *p.InterpretsID); err == nil && readable(ip) {
			sp.Interprets = ip
			// The form shows the policy by its name, as the list offers it.
			sp.Edit.Form.InterpretsText = ip.Title + " #" + strconv.FormatInt(ip.ID, 10)
		}
	}
	all, err := h.Pubs.FindPublications(ctx, catalog.PubFilter{Interprets: id, Statuses: catalog.Statuses, Limit: 20})
	if err != nil {
		return showPage{}, err
	}
	for i := range all {
		if readable(&all[i]) {
			sp.Interpretations = append(sp.Interpretations, all[i])
		}
	}
	return sp, nil
}

func (h handler) handlePubShow(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	sp, err := h.showData(c, m, id)
	if err != nil {
		return err
	}
	return render(c, 200, "pub_show.html", page{Title: sp.Pub.Title, Me: m, Flash: flashes[c.Query("flash")], Data: sp, Names: h.eventNames(c, sp.Events)})
}

// rerender shows the publication page again with an error, keeping the form.
func (h handler) rerender(c *fiber.Ctx, m *me, id int64, err error, form *pubForm) error {
	field, msg, ok := fieldError(err)
	if !ok {
		return err
	}
	sp, err2 := h.showData(c, m, id)
	if err2 != nil {
		return err2
	}
	sp.Field, sp.Edit.Field = field, field
	if form != nil {
		sp.Edit.Form = *form
	}
	if kept, ok := c.Locals("kept").(catalog.Step); ok {
		sp.Checked, sp.Reasons = map[string]bool{}, map[string]string{}
		if cl := kept.Checklist; cl != nil {
			sp.Checked["wording"], sp.Checked["format"], sp.Checked["secrecy"], sp.Checked["privacy"] = cl.Wording, cl.Format, cl.Secrecy, cl.Privacy
		}
		for _, pc := range kept.Privacy {
			sp.Reasons[pc.Text] = pc.Reason
		}
	}
	status := fiber.StatusBadRequest
	switch catalog.ErrorCode(err) {
	case catalog.ECONFLICT:
		status = fiber.StatusConflict
		if form != nil {
			msg += "。页面上方是当前版本，下方表单保留了您填写的内容，请对照后重新保存。"
			sp.Edit.Form.Version = sp.Pub.Version
		}
	case catalog.EFORBIDDEN:
		status = fiber.StatusForbidden
	}
	return render(c, status, "pub_show.html", page{Title: sp.Pub.Title, Me: m, Error: msg, Data: sp, Names: h.eventNames(c, sp.Events)})
}

func (h handler) handlePubUpdate(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	old, err := h.Pubs.FindPublication(c.UserContext(), id)
	if err != nil {
		return err
	}
	f := readForm(c)
	p, err := f.parse(old.ItemID, h.now(), h.policyID(c))
	if err == nil {
		p.ID = id
		err = h.Pubs.UpdatePublication(c.UserContext(), &p, web.Actor(c))
	}
	if err != nil {
		return h.rerender(c, m, id, err, &f)
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=saved", id), fiber.StatusSeeOther)
}

func (h handler) handlePubStep(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	action := catalog.PubAction(c.Params("action"))
	step := catalog.Step{Action: action, Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	if action == catalog.StepSubmit || action == catalog.StepRectify {
		step.Checklist = &catalog.Checklist{Wording: c.FormValue("wording") == "on", Format: c.FormValue("format") == "on",
			Secrecy: c.FormValue("secrecy") == "on", Privacy: c.FormValue("privacy") == "on"}
		// Each piece of personal information kept comes with its reason.
		for i := 0; i < 50; i++ {
			text := c.FormValue(fmt.Sprintf("keep_text_%d", i))
			if text == "" {
				continue
			}
			step.Privacy = append(step.Privacy, catalog.PrivacyConfirmation{Text: text, Reason: c.FormValue(fmt.Sprintf("keep_reason_%d", i))})
		}
	}
	if v := c.FormValue("publish_at"); action == catalog.StepApprove && v != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", v, catalog.Shanghai)
		if err != nil {
			return h.rerender(c, m, id, catalog.Invalid("publish_at", "定时发布时间格式不正确"), nil)
		}
		step.PublishAt = at
	}
	if action == catalog.StepSubmit || action == catalog.StepRectify {
		if step.AttachmentText, err = h.Attachments.PublicationText(c.UserContext(), id); err != nil {
			return h.rerender(c, m, id, err, nil)
		}
	}
	if action == catalog.StepTakedown {
		if step.RectifyDue, err = h.RectifyDue(h.now()); err != nil {
			return err
		}
	}
	if _, err := h.Pubs.Transition(c.UserContext(), id, step, web.Actor(c)); err != nil {
		c.Locals("kept", step)
		return h.rerender(c, m, id, err, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=%s", id, action), fiber.StatusSeeOther)
}

func (h handler) handleAttachment(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	if err := h.saveUpload(c, id); err != nil {
		return h.rerender(c, m, id, err, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=attached", id), fiber.StatusSeeOther)
}

// saveUpload hands the form field "file" to the attachment store.
func (h handler) saveUpload(c *fiber.Ctx, pubID int64) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return catalog.Invalid("file", "请选择要上传的附件")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = h.Attachments.Save(c.UserContext(), pubID, fh.Filename, f, fh.Size, web.Actor(c))
	return err
}

func (h handler) handleAttachmentDelete(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	att, err := strconv.ParseInt(c.Params("att"), 10, 64)
	if err != nil || att < 1 {
		return catalog.Errorf(catalog.ENOTFOUND, "附件不存在")
	}
	if err := h.Attachments.Remove(c.UserContext(), id, att, web.Actor(c)); err != nil {
		return h.rerender(c, m, id, err, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=detached", id), fiber.StatusSeeOther)
}

// docBrackets writes a 文号's year in 〔〕, however it was typed.
var docBrackets = strings.NewReplacer("[", "〔", "]", "〕", "【", "〔", "】", "〕", "［", "〔", "］", "〕", "(", "〔", ")", "〕", "（", "〔", "）", "〕")

// policyID finds the policy an interpretation explains from what the
// clerk typed or chose: its number, a choice of the list (…#number), or a
// published publication's 文号, name or 索引号 — one in the county.
func (h handler) policyID(c *fiber.Ctx) func(text string) (*int64, error) {
	return func(text string) (*int64, error) {
		text = strings.TrimSpace(text)
		if text == "" {
			return nil, nil
		}
		if i := strings.LastIndexByte(text, '#'); i >= 0 {
			text = strings.TrimSpace(text[i+1:])
		}
		if id, err := strconv.ParseInt(text, 10, 64); err == nil && id > 0 {
			return &id, nil
		}
		// A 文号 as typists write it: [2026], 【2026】, (2026) for 〔2026〕.
		doc := docBrackets.Replace(text)
		seen := map[int64]bool{}
		var found []int64
		for _, q := range []string{text, doc} {
			ps, err := h.Pubs.FindPublications(c.UserContext(), catalog.PubFilter{Query: q, Limit: 50, Domains: catalog.PolicyDomains})
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if !seen[p.ID] && (docBrackets.Replace(p.DocNo) == doc || p.Title == text || p.IndexNo == text) {
					seen[p.ID] = true
					found = append(found, p.ID)
				}
			}
			if doc == text {
				break
			}
		}
		switch len(found) {
		case 1:
			return &found[0], nil
		case 0:
			return nil, catalog.Invalid("interprets_id", "没有找到文号、名称或索引号为“%s”的已发布政策文件，请从列表中选择", text)
		}
		return nil, catalog.Invalid("interprets_id", "“%s”对应%d条已发布的信息，请从列表中选择，或填写索引号", text, len(found))
	}
}

// handlePolicyLookup answers the interpretation form's list: published
// policy documents (本级政府文件, 政策法规) whose name, 文号 or 索引号 has
// the words typed, the unit's own first.
func (h handler) handlePolicyLookup(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	type option struct {
		ID    int64  `json:"id"`
		Label string `json:"label"`
	}
	out := []option{}
	if utf8.RuneCountInString(q) < 2 || utf8.RuneCountInString(q) > 100 {
		return c.JSON(out)
	}
	ps, err := h.Pubs.FindPublications(c.UserContext(), catalog.PubFilter{Query: q, Limit: 30, Domains: catalog.PolicyDomains})
	if err != nil {
		return err
	}
	unit := strings.Clone(c.Query("unit"))
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].UnitCode == unit && ps[j].UnitCode != unit })
	for _, p := range ps {
		label := p.Title
		if p.DocNo != "" && p.DocNo != "无" {
			label += "（" + p.DocNo + "）"
		}
		out = append(out, option{p.ID, label + " · " + p.Publisher + " #" + strconv.FormatInt(p.ID, 10)})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// eventNames are the names of the people a publication's history names.
func (h handler) eventNames(c *fiber.Ctx, evs []catalog.Event) map[string]string {
	var logins []string
	for _, e := range evs {
		logins = append(logins, e.Actor)
	}
	return h.names(c.UserContext(), logins...)
}

// withNames shows the submitter of each publication by name.
func (h handler) withNames(c *fiber.Ctx, ps []catalog.Publication) {
	var logins []string
	for _, p := range ps {
		logins = append(logins, p.SubmittedBy)
	}
	names := h.names(c.UserContext(), logins...)
	for i := range ps {
		if n := names[ps[i].SubmittedBy]; n != "" {
			ps[i].SubmittedBy = n
		}
	}
}

// handleApproveMany approves the publications ticked on a review list,
// each on its own, and shows what became of each.
func (h handler) handleApproveMany(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	ids, err := web.BatchIDs(c)
	if err != nil {
		return err
	}
	rs := catalog.ApproveEach(c.UserContext(), h.Pubs, ids, web.Actor(c))
	done := 0
	for _, r := range rs {
		if r.OK {
			done++
		}
	}
	return render(c, 200, "bulk.html", page{Title: "批量审核发布", Me: m, Data: struct {
		Results    []catalog.BatchResult
		Done, Left int
	}{rs, done, len(rs) - done}})
}

// handlePubDelete deletes a draft never submitted and goes to the 工作台.
func (h handler) handlePubDelete(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	if err := h.Attachments.RemovePublication(c.UserContext(), id, web.Actor(c)); err != nil {
		return h.rerender(c, m, id, err, nil)
	}
	return c.Redirect("/admin/?flash=deleted", fiber.StatusSeeOther)
}

// handleRevise starts a new version of a published record and opens it.
func (h handler) handleRevise(c *fiber.Ctx) error {
	m, err := h.current(c)
	if err != nil {
		return err
	}
	id, err := web.PageID(c)
	if err != nil {
		return err
	}
	p, err := h.Pubs.Revise(c.UserContext(), id, web.Actor(c))
	if err != nil {
		return h.rerender(c, m, id, err, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/publications/%d?flash=revise", p.ID), fiber.StatusSeeOther)
}
