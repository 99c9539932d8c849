// Package attach keeps publications' attachments: files named by their
// SHA-256 under a folder, checked on the way in (kind, content, that they
// open whole), their text read once for the privacy check, and removed
// when no attachment uses them. It may import catalog and doctext, not
// HTTP or gorm: the API and the back office hand it a reader.
package attach

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/gif" // the decoders pictures are checked with
	_ "image/jpeg"
	_ "image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gongkai/catalog"
	"gongkai/doctext"
	"gongkai/office"
)

// kinds are the files a publication may carry, by extension, with the
// content sniffed from the first bytes that must match.
var kinds = map[string]struct {
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
	".ofd":  {"application/ofd", isZip},
	// Word 97–2003 and Excel 97–2003 are OLE2 compound files; WPS saves
	// .wps and .et as those, or (newer versions) as zip packages.
	".doc": {"application/msword", isOLE2},
	".xls": {"application/vnd.ms-excel", isOLE2},
	".wps": {"application/vnd.ms-works", func(b []byte) bool { return isOLE2(b) || isZip(b) }},
	".et":  {"application/vnd.ms-excel", func(b []byte) bool { return isOLE2(b) || isZip(b) }},
}

func isZip(b []byte) bool { return bytes.HasPrefix(b, []byte("PK\x03\x04")) }

func isOLE2(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
}

// maxPixels bounds a picture's size, checked from its header before it is
// decoded (a 20 MB file may claim a billion pixels).
const maxPixels = 60_000_000

// Store keeps the attachments of the publications Pubs holds.
type Store struct {
	// Dir is the folder of the files; MaxSize the largest accepted.
	Dir     string
	MaxSize int64
	Pubs    catalog.PublicationService
	Log     *slog.Logger
	texts   textCache
}

// Path is where the file of a checksum lives.
func (s *Store) Path(sum string) string {
	return filepath.Join(s.Dir, sum[:2], sum)
}

// Open opens an attachment's file.
func (s *Store) Open(a catalog.Attachment) (*os.File, error) { return os.Open(s.Path(a.SHA256)) }

// Save stores the file named name read from r (size bytes, or -1 when not
// known) as an attachment of an editable publication, after checking its
// size, that its content is what its extension says and that it opens
// whole. EINVALID names what is wrong with the file, ECONFLICT when the
// publication may not change, ENOTFOUND.
func (s *Store) Save(ctx context.Context, pubID int64, name string, r io.Reader, size int64, by catalog.Actor) (*catalog.Attachment, error) {
	p, err := s.Pubs.FindPublication(ctx, pubID)
	if err != nil {
		return nil, err
	}
	if !p.Status.Editable() {
		return nil, catalog.Errorf(catalog.ECONFLICT, "该信息%s，不能添加附件（只有草稿、退回修改和撤下待整改的信息才能修改附件；已发布的信息请先修订）", p.Status.Name())
	}
	a, tmp, err := s.accept(name, r, size)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := s.Pubs.AddAttachment(ctx, pubID, &a, by); err != nil {
		return nil, err
	}
	if err := place(tmp, s.Path(a.SHA256)); err != nil {
		return nil, err
	}
	return &a, nil
}

// Keep checks an upload as Save does and keeps its file, for a record of
// another store (a hotline order's attachments): use a Store of its own
// folder, whose files no publication's removal counts.
func (s *Store) Keep(name string, r io.Reader, size int64) (catalog.Attachment, error) {
	a, tmp, err := s.accept(name, r, size)
	if err != nil {
		return catalog.Attachment{}, err
	}
	os.Remove(tmp)
	return a, nil
}

// accept checks an upload's size, that its content is what its extension
// says and that it opens whole, and puts its file in place by its
// checksum. It returns the attachment (recorded nowhere yet) and the
// temporary file it was written to, which the caller removes once the
// attachment is recorded: a Remove of the same content meanwhile may take
// the file away, and it is put back from there (see Remove).
func (s *Store) accept(name string, r io.Reader, size int64) (catalog.Attachment, string, error) {
	var none catalog.Attachment
	if size > s.MaxSize {
		return none, "", catalog.Invalid("file", "附件不能超过%dMB", s.MaxSize>>20)
	}
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	ext := strings.ToLower(filepath.Ext(name))
	kind, ok := kinds[ext]
	if !ok {
		return none, "", catalog.Invalid("file", "附件类型“%s”不允许，只接受 PDF、OFD、Word（.docx、.doc）、WPS文字（.wps）、Excel（.xlsx、.xls）、WPS表格（.et）和图片（JPG、PNG、GIF）", ext)
	}
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return none, "", err
	}
	tmp, err := os.CreateTemp(s.Dir, "upload-*")
	if err != nil {
		return none, "", err
	}
	keep := false
	defer func() {
		if !keep {
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	head := make([]byte, 512)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	if !kind.magic(head) {
		tmp.Close()
		return none, "", catalog.Invalid("file", "附件“%s”的内容与扩展名不符（实际为 %s）", name, http.DetectContentType(head))
	}
	written, err := io.Copy(io.MultiWriter(tmp, h), io.MultiReader(bytes.NewReader(head), io.LimitReader(r, s.MaxSize+1)))
	if err != nil {
		tmp.Close()
		return none, "", err
	}
	if err := tmp.Close(); err != nil {
		return none, "", err
	}
	if written > s.MaxSize {
		return none, "", catalog.Invalid("file", "附件不能超过%dMB", s.MaxSize>>20)
	}
	if err := readable(name, tmp.Name(), written); err != nil {
		return none, "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := s.Path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return none, "", err
	}
	if err := place(tmp.Name(), dst); err != nil {
		return none, "", err
	}
	keep = true
	return catalog.Attachment{Name: name, ContentType: kind.contentType, Size: written, SHA256: sum}, tmp.Name(), nil
}

// place puts a file of src's content at dst unless one is there already
// (files are named by content: any one there is the same).
func place(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	if err := os.Link(src, dst); err != nil && !os.IsExist(err) {
		return err
	}
	return nil
}

// readable refuses a stored upload whose content cannot be read as what it
// claims to be: the privacy check must read every attachment's text and the
// kiosk must show it, so a file with only the right first bytes is no
// attachment. Pictures must decode whole; PDF, Word and Excel files must
// give their text.
func readable(name, path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".gif":
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
		switch {
		case errors.Is(err, doctext.ErrNoReader):
			return catalog.Invalid("file", "本系统未安装LibreOffice，无法读取旧版文件“%s”、检查其中的个人信息；请另存为 .docx、.xlsx、PDF 或 OFD 后上传（系统管理员可安装 libreoffice-writer-nogui、libreoffice-calc-nogui）", name)
		case errors.Is(err, office.ErrBusy):
			return catalog.Errorf(catalog.EUNAVAILABLE, "正在读取的旧版文件较多，请稍后再上传“%s”", name)
		}
		return catalog.Invalid("file", "附件“%s”已损坏或无法读取，请用原软件重新导出后上传", name)
	}
	return nil
}

// Remove deletes an attachment of an editable publication, and its file
// once no attachment uses it; ENOTFOUND, ECONFLICT as the store's.
//
// The file is first moved aside, then the attachments using it counted
// again: one recorded meanwhile (an upload of the same content) gets it
// back, and an upload recorded after the count puts its own copy in place
// (see Save), so no recorded attachment is left without its file.
func (s *Store) Remove(ctx context.Context, pubID, attachmentID int64, by catalog.Actor) error {
	a, inUse, err := s.Pubs.DeleteAttachment(ctx, pubID, attachmentID, by)
	if err != nil || inUse {
		return err
	}
	s.removeFile(ctx, a.SHA256)
	return nil
}

// removeFile deletes the file of a checksum no attachment used when it
// was counted, putting it back if one records it meanwhile.
func (s *Store) removeFile(ctx context.Context, sum string) {
	path := s.Path(sum)
	aside := path + ".removed"
	if err := os.Rename(path, aside); err != nil {
		if !os.IsNotExist(err) && s.Log != nil {
			s.Log.Warn("attachment file not removed", "sha256", sum, "err", err)
		}
		return
	}
	if used, err := s.Pubs.FileInUse(ctx, sum); err != nil || used {
		if err := place(aside, path); err != nil && s.Log != nil {
			s.Log.Warn("attachment file not put back", "sha256", sum, "err", err)
		}
	}
	os.Remove(aside)
}

// RemovePublication deletes a draft never submitted, with its
// attachments, and the files no attachment uses any more (as Remove);
// ECONFLICT, ENOTFOUND as the store's.
func (s *Store) RemovePublication(ctx context.Context, id int64, by catalog.Actor) error {
	unused, err := s.Pubs.DeletePublication(ctx, id, by)
	if err != nil {
		return err
	}
	for _, sum := range unused {
		s.removeFile(ctx, sum)
	}
	return nil
}

// PublicationText is the text of a publication's attachments for the
// privacy check, each under its name; EINVALID names one that cannot be
// read.
func (s *Store) PublicationText(ctx context.Context, pubID int64) (string, error) {
	p, err := s.Pubs.FindPublication(ctx, pubID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, a := range p.Attachments {
		text, err := s.Text(a)
		if err != nil {
			return "", err
		}
		if text != "" {
			b.WriteString(catalog.AttachmentMarker(a.Name))
			b.WriteString(text)
		}
	}
	return b.String(), nil
}

// Text is the text of one attachment: what doctext reads of a document,
// and the runs of printable characters in a picture (where text may hide
// behind the image). Files are named by content, so each one's text is
// read once and kept. EINVALID for a file missing or unreadable.
func (s *Store) Text(a catalog.Attachment) (string, error) {
	key := a.SHA256 + strings.ToLower(filepath.Ext(a.Name))
	if t, ok := s.texts.get(key); ok {
		return t, nil
	}
	f, err := s.Open(a)
	if err != nil {
		if s.Log != nil {
			s.Log.Warn("attachment file missing", "attachment", a.ID, "err", err)
		}
		return "", catalog.Invalid("file", "附件“%s”的文件缺失，无法读取，请删除后重新上传", a.Name)
	}
	defer f.Close()
	text, ok, err := doctext.Extract(a.Name, f, a.Size)
	if err != nil {
		return "", catalog.Invalid("file", "附件“%s”无法读取，请删除后重新上传", a.Name)
	}
	if !ok { // a picture
		raw, err := io.ReadAll(io.LimitReader(f, s.MaxSize+1))
		if err != nil {
			return "", err
		}
		text = printableRuns(raw, 8)
	}
	s.texts.put(key, text)
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

// PublicAttachment returns a published publication's attachment and, for
// Word and Excel files, its text (shown as text at the kiosk; one that
// cannot be read is offered for download); ENOTFOUND for an attachment
// of a publication not public.
func (s *Store) PublicAttachment(ctx context.Context, id int64) (catalog.Attachment, int64, string, error) {
	a, pubID, err := s.Pubs.FindAttachment(ctx, id)
	if err != nil {
		return catalog.Attachment{}, 0, "", err
	}
	p, err := s.Pubs.FindPublication(ctx, pubID)
	if err != nil {
		return catalog.Attachment{}, 0, "", err
	}
	if !p.Status.Public() {
		return catalog.Attachment{}, 0, "", catalog.Errorf(catalog.ENOTFOUND, "附件不存在")
	}
	// Documents the browser cannot show are shown as their text.
	var text string
	switch strings.ToLower(filepath.Ext(a.Name)) {
	case ".docx", ".xlsx", ".ofd", ".doc", ".wps", ".xls", ".et":
		text, _ = s.Text(*a)
	}
	return *a, pubID, text, nil
}
