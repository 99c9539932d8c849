package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // registers the decoders readable checks the pictures with
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

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
}

func isZip(b []byte) bool { return bytes.HasPrefix(b, []byte("PK\x03\x04")) }

// maxPixels bounds a picture's size, checked from its header before it is
// decoded (a 20 MB file may claim a billion pixels).
const maxPixels = 60_000_000

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

// readable refuses a stored upload whose content cannot be read as what it
// claims to be: the privacy check must read every attachment's text and the
// kiosk must show it, so a file with only the right first bytes is no
// attachment. Pictures must decode their header; PDF, Word and Excel files
// must give their text.
func readable(name, path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".gif":
		// The whole picture must decode: a valid header before anything
		// else is no picture.
		broken := catalog.Invalid("file", "附件“%s”不是完整的图片文件，无法打开，请重新导出后上传", name)
		cfg, _, err := image.DecodeConfig(f)
		if err != nil {
			return broken
		}
		if cfg.Width*cfg.Height > maxPixels {
			return catalog.Invalid("file", "图片“%s”过大（%d×%d像素），请缩小后上传", name, cfg.Width, cfg.Height)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, _, err := image.Decode(f); err != nil {
			return broken
		}
		return nil
	}
	if _, _, err := doctext.Extract(name, f, size); err != nil {
		return catalog.Invalid("file", "附件“%s”已损坏或无法读取，请用原软件重新导出后上传", name)
	}
	return nil
}

// editable refuses, before an upload is read, a publication whose
// attachments may not change; the store checks again under its lock.
func (s *server) editable(ctx context.Context, pubID int64) error {
	p, err := s.pubs.FindPublication(ctx, pubID)
	if err != nil {
		return err
	}
	if !p.Status.Editable() {
		return catalog.Errorf(catalog.ECONFLICT, "该信息%s，不能添加附件（只有草稿、退回修改和撤下待整改的信息才能修改附件；已发布的信息请先修订）", p.Status.Name())
	}
	return nil
}

// saveAttachment stores the file of the form field "file" under the data
// directory, named by its SHA-256, after checking its size and that its
// content is what its extension says; the API and the back office use it.
func (s *server) saveAttachment(c *fiber.Ctx, id int64) (*catalog.Attachment, error) {
	if err := s.editable(c.UserContext(), id); err != nil {
		return nil, err
	}
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
		if ext == ".doc" || ext == ".xls" || ext == ".wps" || ext == ".et" {
			return nil, catalog.Invalid("file", "旧版文件“%s”无法检查其中的个人信息，请另存为 .docx、.xlsx 或 PDF 后上传", name)
		}
		return nil, catalog.Invalid("file", "附件类型“%s”不允许，只接受 PDF、Word（.docx）、Excel（.xlsx）和图片（JPG、PNG、GIF）", ext)
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
	if err := readable(name, tmp.Name(), size); err != nil {
		return nil, err
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

func (s *server) handleAttachmentDelete(c *fiber.Ctx) error {
	pubID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	attID, err := paramID(c, "att")
	if err != nil {
		return err
	}
	if err := s.removeAttachment(c.UserContext(), pubID, attID, actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// removeAttachment deletes an attachment of an editable publication, and
// its file once no attachment uses it; the API and the back office use it.
func (s *server) removeAttachment(ctx context.Context, pubID, attID int64, by catalog.Actor) error {
	a, inUse, err := s.pubs.DeleteAttachment(ctx, pubID, attID, by)
	if err != nil {
		return err
	}
	if !inUse {
		if err := os.Remove(s.attachmentPath(a.SHA256)); err != nil && !os.IsNotExist(err) {
			s.log.Warn("attachment file not removed", "sha256", a.SHA256, "err", err)
		}
	}
	return nil
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
	if !p.Status.Public() && !s.canRead(c, p.UnitCode, rbac.ObjPublication) {
		return catalog.Errorf(catalog.ENOTFOUND, "附件不存在")
	}
	// The kiosk shows PDFs and pictures inside its own page.
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, "inline; filename*=UTF-8''"+url.PathEscape(a.Name))
	return c.SendFile(s.attachmentPath(a.SHA256))
}

// attachmentText reads the text of a publication's attachments for the
// privacy check: what doctext reads of documents, and the runs of
// printable characters in pictures (where text may hide behind the image).
// Files are named by content, so each one's text is read once and kept.
func (s *server) attachmentText(ctx context.Context, pubID int64) (string, error) {
	p, err := s.pubs.FindPublication(ctx, pubID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, a := range p.Attachments {
		text, err := s.fileText(a)
		if err != nil {
			return "", err
		}
		if text != "" {
			b.WriteString("\n【附件 " + a.Name + "】\n")
			b.WriteString(text)
		}
	}
	return b.String(), nil
}

// fileText is the text of one attachment's file, kept by its checksum.
func (s *server) fileText(a catalog.Attachment) (string, error) {
	if t, ok := s.texts.get(a.SHA256 + filepath.Ext(strings.ToLower(a.Name))); ok {
		return t, nil
	}
	f, err := os.Open(s.attachmentPath(a.SHA256))
	if err != nil {
		s.log.Warn("attachment file missing", "attachment", a.ID, "err", err)
		return "", catalog.Invalid("file", "附件“%s”的文件缺失，无法读取，请删除后重新上传", a.Name)
	}
	defer f.Close()
	text, ok, err := doctext.Extract(a.Name, f, a.Size)
	if err != nil {
		return "", catalog.Invalid("file", "附件“%s”无法读取，请删除后重新上传", a.Name)
	}
	if !ok { // a picture
		raw, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUpload+1))
		if err != nil {
			return "", err
		}
		text = printableRuns(raw, 8)
	}
	s.texts.put(a.SHA256+filepath.Ext(strings.ToLower(a.Name)), text)
	return text, nil
}

// printableRuns joins, a line each, the runs of at least n printable
// ASCII characters in data.
func printableRuns(data []byte, n int) string {
	var b strings.Builder
	start := -1
	for i := 0; i <= len(data); i++ {
		if i < len(data) && data[i] >= 0x20 && data[i] < 0x7f {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= n {
			b.Write(data[start:i])
			b.WriteByte('\n')
		}
		start = -1
	}
	return b.String()
}

// textCache keeps attachments' text by file checksum, bounded in bytes.
type textCache struct {
	mu    sync.Mutex
	m     map[string]string
	bytes int
}

const textCacheBytes = 32 << 20

func (tc *textCache) get(key string) (string, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	t, ok := tc.m[key]
	return t, ok
}

func (tc *textCache) put(key, text string) {
	if len(text) > textCacheBytes/8 {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.m == nil {
		tc.m = map[string]string{}
	}
	for k, v := range tc.m {
		if tc.bytes+len(text) <= textCacheBytes {
			break
		}
		delete(tc.m, k)
		tc.bytes -= len(v)
	}
	tc.m[key] = text
	tc.bytes += len(text)
}
