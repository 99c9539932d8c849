package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/doctext"
	"gongkai/rbac"
)

// attachmentKinds are the files a publication may carry, by extension, with
// the content sniffed from the first bytes that must match.
var attachmentKinds = map[string]struct {
	contentType string
	magic       func([]byte) bool
}{
	".pdf":  {"application/pdf", func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF-")) }},
	".jpg":  {"image/jpeg", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) }},
	".jpeg": {"image/jpeg", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) }},
	".png":  {"image/png", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }},
	".gif":  {"image/gif", func(b []byte) bool { return bytes.HasPrefix(b, []byte("GIF8")) }},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", isZip},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", isZip},
	".doc":  {"application/msword", isOLE},
	".xls":  {"application/vnd.ms-excel", isOLE},
}

func isZip(b []byte) bool { return bytes.HasPrefix(b, []byte("PK\x03\x04")) }
func isOLE(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
}

func (s *server) attachmentPath(sum string) string {
	return filepath.Join(s.cfg.attachmentDir(), sum[:2], sum)
}

func (s *server) handleAttachmentCreate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.saveAttachment(c, id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// saveAttachment stores the file of the form field "file" under the data
// directory, named by its SHA-256, after checking its size and that its
// content is what its extension says; the API and the back office use it.
func (s *server) saveAttachment(c *fiber.Ctx, id int64) (*catalog.Attachment, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, catalog.Invalid("file", "请选择要上传的附件（表单字段 file）")
	}
	if fh.Size > s.cfg.MaxUpload {
		return nil, catalog.Invalid("file", "附件不能超过%dMB", s.cfg.MaxUpload>>20)
	}
	name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	ext := strings.ToLower(filepath.Ext(name))
	kind, ok := attachmentKinds[ext]
	if !ok {
		return nil, catalog.Invalid("file", "附件类型“%s”不允许，只接受 PDF、Word、Excel 和图片", ext)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := os.MkdirAll(s.cfg.attachmentDir(), 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(s.cfg.attachmentDir(), "upload-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if !kind.magic(head) {
		tmp.Close()
		return nil, catalog.Invalid("file", "附件“%s”的内容与扩展名不符（实际为 %s）", name, http.DetectContentType(head))
	}
	size, err := io.Copy(io.MultiWriter(tmp, h), io.MultiReader(bytes.NewReader(head), io.LimitReader(f, s.cfg.MaxUpload+1)))
	if err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if size > s.cfg.MaxUpload {
		return nil, catalog.Invalid("file", "附件不能超过%dMB", s.cfg.MaxUpload>>20)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := s.attachmentPath(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return nil, err
	}
	a := catalog.Attachment{Name: name, ContentType: kind.contentType, Size: size, SHA256: sum}
	if err := s.pubs.AddAttachment(c.UserContext(), id, &a, actor(c)); err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *server) handleAttachmentShow(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, pubID, err := s.pubs.FindAttachment(c.UserContext(), id)
	if err != nil {
		return err
	}
	p, err := s.pubs.FindPublication(c.UserContext(), pubID)
	if err != nil {
		return err
	}
	if !publiclyVisible(p) && !s.canRead(c, p.UnitCode, rbac.ObjPublication) {
		return catalog.Errorf(catalog.ENOTFOUND, "附件不存在")
	}
	// The kiosk shows PDFs and pictures inside its own page.
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, "inline; filename*=UTF-8''"+url.PathEscape(a.Name))
	return c.SendFile(s.attachmentPath(a.SHA256))
}

// attachmentText reads the text of a publication's Word and Excel
// attachments for the privacy check.
func (s *server) attachmentText(ctx context.Context, pubID int64) (string, error) {
	p, err := s.pubs.FindPublication(ctx, pubID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, a := range p.Attachments {
		f, err := os.Open(s.attachmentPath(a.SHA256))
		if err != nil {
			return "", fmt.Errorf("attachment %d: %w", a.ID, err)
		}
		text, ok, err := doctext.Extract(a.Name, f, a.Size)
		f.Close()
		if err != nil {
			return "", catalog.Invalid("file", "附件“%s”无法读取，请重新上传：%v", a.Name, err)
		}
		if ok {
			b.WriteString("\n【附件 " + a.Name + "】\n")
			b.WriteString(text)
		}
	}
	return b.String(), nil
}
