// Package backup writes and restores the whole of an installation: the
// database (SQLite's VACUUM INTO, or MySQL's mysqldump in one transaction),
// the attachments and the secret key, in one .tar.gz whose manifest counts
// every table's rows and sums the attachments, so a restore checks it got
// back exactly what was saved.
package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"gongkai/dbconn"
)

// A backup is one .tar.gz: manifest.json (what it holds, with every
// table's row count and a checksum of the attachments), the database
// (gongkai.db for SQLite, taken with VACUUM INTO; mysql.sql for MySQL,
// taken with mysqldump --single-transaction), the attachments under
// attachments/, and the data directory's secret.key unless left out.
const (
	manifestName   = "manifest.json"
	sqliteName     = "gongkai.db"
	mysqlDumpName  = "mysql.sql"
	keyName        = "secret.key"
	attachmentsDir = "attachments/"
)

// Target is the installation a backup is taken of or restored into.
type Target struct {
	Driver, DSN, DataDir, AttachmentDir string
	// KeyGiven: the secret key comes from the environment, not the key
	// file of the data directory.
	KeyGiven bool
	// Schema is this program's schema version: a newer backup is refused.
	Schema int
	// Progress, when set, is told what is being done.
	Progress func(format string, args ...any)
}

func (t Target) progress(format string, args ...any) {
	if t.Progress != nil {
		t.Progress(format, args...)
	}
}

// Manifest is what a backup holds.
type Manifest struct {
	Format      int              `json:"format"`
	Created     time.Time        `json:"created"`
	Driver      string           `json:"driver"`
	Schema      int              `json:"schema"`
	Tables      map[string]int64 `json:"tables"`
	Attachments AttachmentSum    `json:"attachments"`
	Key         bool             `json:"secret_key"`
}

// AttachmentSum counts and sums the attachments.
type AttachmentSum struct {
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// attachmentFiles lists the stored attachments (relative paths, sorted),
// leaving out uploads still being received.
func AttachmentFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), "upload-") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// sumAttachments is the checksum of the attachments: their paths and
// contents, in order.
func SumAttachments(dir string) (AttachmentSum, error) {
	files, err := AttachmentFiles(dir)
	if err != nil {
		return AttachmentSum{}, err
	}
	return sumFiles(dir, files)
}

// sumFiles is the checksum of the listed files of dir.
func sumFiles(dir string, files []string) (AttachmentSum, error) {
	var a AttachmentSum
	all := sha256.New()
	for _, rel := range files {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return a, err
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return a, err
		}
		fmt.Fprintf(all, "%s\x00%x\n", rel, h.Sum(nil))
		a.Files++
		a.Bytes += n
	}
	a.SHA256 = hex.EncodeToString(all.Sum(nil))
	return a, nil
}

// CountRows counts every table's rows.
func CountRows(db *gorm.DB) (map[string]int64, error) {
	tables, err := db.Migrator().GetTables()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, t := range tables {
		if strings.HasPrefix(t, "sqlite_") {
			continue
		}
		var n int64
		if err := db.Table(t).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// Write writes the archive to out (which must not exist); the database is read in one consistent
// snapshot while the server goes on writing.
func Write(ctx context.Context, cfg Target, out string, withKey bool) (Manifest, error) {
	m := Manifest{Format: 1, Created: time.Now().UTC(), Driver: cfg.Driver, Schema: cfg.Schema}
	// Beside the data, not in /tmp: the same disk, and the container image
	// has no /tmp.
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return m, err
	}
	tmp, err := os.MkdirTemp(cfg.DataDir, ".backup-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	var dbFile, dbName string
	switch cfg.Driver {
	case dbconn.SQLite:
		if _, err := os.Stat(cfg.DSN); err != nil {
			return m, fmt.Errorf("GONGKAI_DB_DSN: no database at %s", cfg.DSN)
		}
		db, err := dbconn.Open(cfg.Driver, cfg.DSN)
		if err != nil {
			return m, err
		}
		dbFile, dbName = filepath.Join(tmp, sqliteName), sqliteName
		cfg.progress("正在复制数据库（VACUUM INTO，与正在进行的写入一致）……")
		err = db.WithContext(ctx).Exec("VACUUM INTO ?", dbFile).Error
		dbconn.Close(db)
		if err != nil {
			return m, fmt.Errorf("sqlite backup: %w", err)
		}
		snap, err := dbconn.Open(dbconn.SQLite, dbFile)
		if err != nil {
			return m, err
		}
		m.Tables, err = CountRows(snap)
		snap.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		snap.Exec("PRAGMA journal_mode=DELETE")
		dbconn.Close(snap)
		if err != nil {
			return m, err
		}
	case dbconn.MySQL:
		dbFile, dbName = filepath.Join(tmp, mysqlDumpName), mysqlDumpName
		cfg.progress("正在导出数据库（mysqldump --single-transaction）……")
		if m.Tables, err = mysqlDump(ctx, cfg.DSN, dbFile); err != nil {
			return m, err
		}
	}
	cfg.progress("数据库：%d张表；正在计算附件校验和……", len(m.Tables))
	// Attachments are stored before the rows that name them and never
	// changed, so those listed now cover the database's snapshot; the same
	// list is summed and archived.
	files, err := AttachmentFiles(cfg.AttachmentDir)
	if err != nil {
		return m, err
	}
	if m.Attachments, err = sumFiles(cfg.AttachmentDir, files); err != nil {
		return m, err
	}
	keyFile := filepath.Join(cfg.DataDir, keyName)
	if _, err := os.Stat(keyFile); err != nil || cfg.KeyGiven {
		withKey = false
	}
	m.Key = withKey

	f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return m, err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := tarBytes(tw, manifestName, mj); err != nil {
		return m, err
	}
	if err := tarFile(tw, dbName, dbFile); err != nil {
		return m, err
	}
	if withKey {
		if err := tarFile(tw, keyName, keyFile); err != nil {
			return m, err
		}
	}
	for i, rel := range files {
		if err := tarFile(tw, attachmentsDir+rel, filepath.Join(cfg.AttachmentDir, filepath.FromSlash(rel))); err != nil {
			return m, err
		}
		if (i+1)%500 == 0 {
			cfg.progress("附件：%d/%d", i+1, len(files))
		}
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	if err := gz.Close(); err != nil {
		return m, err
	}
	if err := f.Sync(); err != nil {
		return m, err
	}
	return m, f.Close()
}

func tarBytes(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func tarFile(tw *tar.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.CopyN(tw, f, st.Size())
	return err
}

// mysqlClient finds a MySQL client program (mysqldump, mysql), or its
// MariaDB name.
func mysqlClient(names ...string) (string, error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not installed (Debian: apt-get install default-mysql-client)", names[0])
}

// mysqlArgs are the client's connection arguments for a DSN; the password
// goes in the environment (MYSQL_PWD), not on the command line.
func mysqlArgs(dsn string) ([]string, []string, string, error) {
	c, err := mysql.ParseDSN(dbconn.MySQLDSN(dsn))
	if err != nil {
		return nil, nil, "", fmt.Errorf("GONGKAI_DB_DSN: %w", err)
	}
	args := []string{"--user=" + c.User, "--default-character-set=utf8mb4"}
	switch c.Net {
	case "unix":
		args = append(args, "--socket="+c.Addr)
	default:
		host, port := c.Addr, "3306"
		if i := strings.LastIndex(c.Addr, ":"); i >= 0 {
			host, port = c.Addr[:i], c.Addr[i+1:]
		}
		args = append(args, "--host="+host, "--port="+port, "--protocol=TCP")
	}
	env := os.Environ()
	if c.Passwd != "" {
		env = append(env, "MYSQL_PWD="+c.Passwd)
	}
	return args, env, c.DBName, nil
}

// mysqlDump dumps the database in one transaction into file and counts the
// rows of each table as they pass.
func mysqlDump(ctx context.Context, dsn, file string) (map[string]int64, error) {
	bin, err := mysqlClient("mysqldump", "mariadb-dump")
	if err != nil {
		return nil, err
	}
	args, env, dbName, err := mysqlArgs(dsn)
	if err != nil {
		return nil, err
	}
	args = append(args, "--single-transaction", "--quick", "--routines", "--triggers", "--hex-blob", "--no-tablespaces", "--skip-comments", dbName)
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	counts, cerr := CountDump(io.TeeReader(pipe, f))
	io.Copy(io.Discard, pipe)
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("mysqldump: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if cerr != nil {
		return nil, cerr
	}
	return counts, f.Sync()
}

// countDump reads a mysqldump script and counts the rows its INSERT
// statements hold per table: the top-level tuples of each VALUES list,
// which mysqldump writes on one line or (MariaDB) one row per line.
func CountDump(r io.Reader) (map[string]int64, error) {
	counts := map[string]int64{}
	br := bufio.NewReaderSize(r, 1<<20)
	var t tupleCounter
	table := ""
	for {
		line, err := br.ReadString('\n')
		switch {
		case table != "":
			n, end := t.feed(line)
			counts[table] += n
			if end {
				table = ""
			}
		case strings.HasPrefix(line, "CREATE TABLE `"):
			name := line[len("CREATE TABLE `"):]
			if i := strings.IndexByte(name, '`'); i >= 0 {
				counts[name[:i]] += 0
			}
		case strings.HasPrefix(line, "INSERT INTO `"):
			name := line[len("INSERT INTO `"):]
			i := strings.IndexByte(name, '`')
			j := strings.Index(line, " VALUES")
			if i < 0 || j < 0 {
				return nil, fmt.Errorf("mysqldump: unexpected line %.60q", line)
			}
			table, t = name[:i], tupleCounter{}
			n, end := t.feed(line[j+len(" VALUES"):])
			counts[table] += n
			if end {
				table = ""
			}
		}
		if err == io.EOF {
			if table != "" {
				return nil, fmt.Errorf("mysqldump: the dump ends inside the rows of %s", table)
			}
			return counts, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// tupleCounter counts the top-level parenthesised tuples of a VALUES list
// fed in pieces, skipping what is inside quoted strings (with backslash
// escapes); a semicolon outside them ends the statement.
type tupleCounter struct {
	depth          int
	quoted, escape bool
}

func (t *tupleCounter) feed(s string) (n int64, end bool) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case t.escape:
			t.escape = false
		case t.quoted && ch == '\\':
			t.escape = true
		case ch == '\'':
			t.quoted = !t.quoted
		case t.quoted:
		case ch == '(':
			if t.depth == 0 {
				n++
			}
			t.depth++
		case ch == ')':
			t.depth--
		case ch == ';' && t.depth == 0:
			return n, true
		}
	}
	return n, false
}

// restore puts an archive back into the configured database and data
// directory, then checks every table's row count and the attachments'
// checksum against the manifest.
func Restore(ctx context.Context, cfg Target, archive string, force bool) (Manifest, error) {
	var m Manifest
	f, err := os.Open(archive)
	if err != nil {
		return m, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return m, fmt.Errorf("%s is not a Gongkai backup (.tar.gz): %w", archive, err)
	}
	tr := tar.NewReader(gz)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName {
		return m, fmt.Errorf("%s is not a Gongkai backup: it does not start with %s", archive, manifestName)
	}
	if err := json.NewDecoder(tr).Decode(&m); err != nil {
		return m, fmt.Errorf("%s: manifest: %w", archive, err)
	}
	if m.Driver != cfg.Driver {
		return m, fmt.Errorf("the backup is of a %s database; GONGKAI_DB_DRIVER is %s (restore a %s backup into %s, then migrate by export/import)", m.Driver, cfg.Driver, m.Driver, m.Driver)
	}
	if m.Schema > cfg.Schema {
		return m, fmt.Errorf("the backup has schema %d, newer than this program's %d: use the newer program", m.Schema, cfg.Schema)
	}
	if err := restoreTargetEmpty(cfg, force); err != nil {
		return m, err
	}
	attDir := cfg.AttachmentDir
	if force {
		os.RemoveAll(attDir)
	}
	if err := os.MkdirAll(attDir, 0o750); err != nil {
		return m, err
	}
	files := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, fmt.Errorf("%s: %w", archive, err)
		}
		name := hdr.Name
		if hdr.Typeflag != tar.TypeReg || strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
			return m, fmt.Errorf("%s: unexpected entry %q", archive, name)
		}
		switch {
		case name == sqliteName:
			cfg.progress("正在恢复数据库……")
			if err := writeFile(cfg.DSN, tr, 0o600); err != nil {
				return m, err
			}
		case name == mysqlDumpName:
			cfg.progress("正在导入数据库（mysql）……")
			if err := mysqlLoad(ctx, cfg.DSN, tr); err != nil {
				return m, err
			}
		case name == keyName:
			if err := restoreKey(cfg, tr); err != nil {
				return m, err
			}
		case strings.HasPrefix(name, attachmentsDir):
			if err := writeFile(filepath.Join(attDir, filepath.FromSlash(strings.TrimPrefix(name, attachmentsDir))), tr, 0o640); err != nil {
				return m, err
			}
			files++
			if files%500 == 0 {
				cfg.progress("附件：%d/%d", files, m.Attachments.Files)
			}
		default:
			return m, fmt.Errorf("%s: unexpected entry %q", archive, name)
		}
	}
	cfg.progress("正在核对行数与附件校验和……")
	db, err := dbconn.Open(cfg.Driver, cfg.DSN)
	if err != nil {
		return m, err
	}
	defer dbconn.Close(db)
	got, err := CountRows(db)
	if err != nil {
		return m, err
	}
	var bad []string
	for _, t := range slices.Sorted(maps.Keys(m.Tables)) {
		if got[t] != m.Tables[t] {
			bad = append(bad, fmt.Sprintf("%s: %d rows, the backup has %d", t, got[t], m.Tables[t]))
		}
	}
	if len(bad) > 0 {
		return m, fmt.Errorf("restored database differs from the backup: %s", strings.Join(bad, "; "))
	}
	sum, err := SumAttachments(attDir)
	if err != nil {
		return m, err
	}
	if sum != m.Attachments {
		return m, fmt.Errorf("restored attachments differ from the backup: %d files %s, the backup has %d files %s", sum.Files, sum.SHA256, m.Attachments.Files, m.Attachments.SHA256)
	}
	return m, nil
}

// restoreTargetEmpty refuses to restore over data unless forced; forced,
// it clears the database.
func restoreTargetEmpty(cfg Target, force bool) error {
	if files, _ := AttachmentFiles(cfg.AttachmentDir); len(files) > 0 && !force {
		return fmt.Errorf("%s already holds %d attachments: restore into an empty data directory, or add --force to replace them", cfg.AttachmentDir, len(files))
	}
	switch cfg.Driver {
	case dbconn.SQLite:
		if _, err := os.Stat(cfg.DSN); err == nil {
			if !force {
				return fmt.Errorf("%s already exists: restore into an empty data directory, or add --force to replace it", cfg.DSN)
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(cfg.DSN + suffix); err != nil && !os.IsNotExist(err) {
					return err
				}
			}
		}
		return os.MkdirAll(filepath.Dir(cfg.DSN), 0o750)
	default:
		db, err := dbconn.Open(cfg.Driver, cfg.DSN)
		if err != nil {
			return err
		}
		defer dbconn.Close(db)
		tables, err := db.Migrator().GetTables()
		if err != nil {
			return err
		}
		if len(tables) > 0 && !force {
			return fmt.Errorf("the database already has %d tables: restore into an empty database, or add --force to drop them", len(tables))
		}
		if len(tables) == 0 {
			return nil
		}
		return db.Connection(func(conn *gorm.DB) error {
			if err := conn.Exec("SET FOREIGN_KEY_CHECKS = 0").Error; err != nil {
				return err
			}
			for _, t := range tables {
				if err := conn.Exec("DROP TABLE `" + t + "`").Error; err != nil {
					return err
				}
			}
			return nil
		})
	}
}

func writeFile(path string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// restoreKey puts the backup's key file in the data directory; a different
// key already there, or given in GONGKAI_SECRET_KEY, would leave the
// restored personal data unreadable, so that is refused.
func restoreKey(cfg Target, r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, 1<<16))
	if err != nil {
		return err
	}
	path := filepath.Join(cfg.DataDir, keyName)
	if old, err := os.ReadFile(path); err == nil {
		if !bytes.Equal(bytes.TrimSpace(old), bytes.TrimSpace(b)) {
			return fmt.Errorf("%s holds another key than the backup's: move it away first (the restored requests are sealed with the backup's key)", path)
		}
		return nil
	}
	if cfg.KeyGiven {
		cfg.progress("注意：已设置 GONGKAI_SECRET_KEY；备份中的密钥文件仍写入 %s，请确认两者一致", path)
	}
	return writeFile(path, bytes.NewReader(b), 0o600)
}

// mysqlLoad feeds a dump to the mysql client.
func mysqlLoad(ctx context.Context, dsn string, dump io.Reader) error {
	bin, err := mysqlClient("mysql", "mariadb")
	if err != nil {
		return err
	}
	args, env, dbName, err := mysqlArgs(dsn)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, append(args, dbName)...)
	cmd.Env = env
	cmd.Stdin = dump
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mysql: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
