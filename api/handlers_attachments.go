package api

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/web"
)

func (s *handlers) handleAttachmentCreate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.saveAttachment(c, id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// saveAttachment hands the form field "file" to the attachment store; the
// API and the back office use it.
func (s *handlers) saveAttachment(c *fiber.Ctx, id int64) (*catalog.Attachment, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, catalog.Invalid("file", "请选择要上传的附件（表单字段 file）")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.Attachments.Save(c.UserContext(), id, fh.Filename, f, fh.Size, web.Actor(c))
}

func (s *handlers) handleAttachmentDelete(c *fiber.Ctx) error {
	pubID, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	attID, err := web.ParamID(c, "att")
	if err != nil {
		return err
	}
	if err := s.Attachments.Remove(c.UserContext(), pubID, attID, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleAttachmentDeleteByID removes an attachment named by its own id.
func (s *handlers) handleAttachmentDeleteByID(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	_, pubID, err := s.Pubs.FindAttachment(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.Attachments.Remove(c.UserContext(), pubID, id, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handlePubDelete deletes a draft never submitted.
func (s *handlers) handlePubDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Attachments.RemovePublication(c.UserContext(), id, web.Actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *handlers) handleAttachmentShow(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	a, pubID, err := s.Pubs.FindAttachment(c.UserContext(), id)
	if err != nil {
		return err
	}
	p, err := s.Pubs.FindPublication(c.UserContext(), pubID)
	if err != nil {
		return err
	}
	if !p.Status.Public() && !s.canRead(c, p.UnitCode, rbac.ObjPublication) {
		return catalog.Errorf(catalog.ENOTFOUND, "附件不存在")
	}
	// The kiosk shows PDFs and pictures inside its own page.
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, "inline; filename*=UTF-8''"+url.PathEscape(a.Name))
	return c.SendFile(s.Attachments.Path(a.SHA256))
}
