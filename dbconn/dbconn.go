// Package dbconn opens the database gorm works on: an embedded SQLite file
// through a pure-Go driver (WAL, foreign keys, busy timeout) by default, or
// MySQL 8 / MariaDB (utf8mb4, UTC) when configured. Only server/, the stores
// and their tests import it.
package dbconn

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	sqlite3 "modernc.org/sqlite/lib"
)

// Drivers.
// The SQLite engine under glebarez/sqlite's driver (modernc.org/sqlite)
// gets the page size of a linux/arm64 kernel with 64 KB pages wrong, and
// then a WAL database fails with "disk I/O error"; its own driver applies
// the engine's fix when it loads, glebarez's predates it. It does nothing
// elsewhere.
func init() { sqlite3.PatchIssue199() }

const (
	SQLite = "sqlite"
	MySQL  = "mysql"
)

// SQLiteDSN is the DSN of the embedded database file in a data directory.
func SQLiteDSN(dataDir string) string {
	return filepath.Join(dataDir, "gongkai.db")
}

// private makes the SQLite file, if it is one, readable by its owner only
// (SQLite gives its -wal and -shm files the same mode): it holds the
// requesters' names and addresses and every account's password hash.
func private(dsn string) error {
	if dsn == "" || strings.HasPrefix(dsn, ":memory:") || strings.HasPrefix(dsn, "file:") {
		return nil
	}
	f, err := os.OpenFile(dsn, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("dbconn: open sqlite %s: %w", dsn, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dsn, st.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("dbconn: make %s private: %w", dsn, err)
		}
	}
	return nil
}

// Open connects and configures the pool. For SQLite the DSN is a file path
// (its directory is created); for MySQL a go-sql-driver DSN, to which
// parseTime, UTC and utf8mb4 are added when missing.
func Open(driver, dsn string) (*gorm.DB, error) {
	cfg := &gorm.Config{
		TranslateError: true,
		PrepareStmt:    true,
		Logger:         logger.New(slogWriter{}, logger.Config{SlowThreshold: 500 * time.Millisecond, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true, ParameterizedQueries: true}),
		NowFunc:        func() time.Time { return time.Now().UTC() },
	}
	switch driver {
	case SQLite:
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("dbconn: data directory: %w", err)
			}
		}
		if err := private(dsn); err != nil {
			return nil, err
		}
		full := dsn + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		db, err := gorm.Open(sqlite.Open(full), cfg)
		if err != nil {
			return nil, fmt.Errorf("dbconn: open sqlite %s: %w", dsn, err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		// One writer at a time is what SQLite does anyway; a few readers help
		// under WAL.
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		return db, nil
	case MySQL:
		db, err := gorm.Open(mysql.New(mysql.Config{DSN: MySQLDSN(dsn), DefaultStringSize: 191}), cfg)
		if err != nil {
			return nil, fmt.Errorf("dbconn: open mysql: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(16)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		return db, nil
	}
	return nil, fmt.Errorf("dbconn: unknown driver %q", driver)
}

// SetPool sets how many connections the pool opens at most (and keeps
// half of them idle); n of 0 keeps the driver's default (4 for SQLite, 32
// for MySQL).
func SetPool(db *gorm.DB, n int) error {
	if n <= 0 {
		return nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(max(1, n/2))
	return nil
}

// MySQLDSN adds the parameters the stores rely on to a MySQL DSN.
func MySQLDSN(dsn string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	for _, p := range []string{"parseTime=true", "loc=UTC", "charset=utf8mb4", "collation=utf8mb4_unicode_ci"} {
		k := p[:strings.Index(p, "=")+1]
		if !strings.Contains(dsn, k) {
			dsn += sep + p
			sep = "&"
		}
	}
	return dsn
}

// Ping tells whether the database answers.
func Ping(db *gorm.DB) error { return PingContext(context.Background(), db) }

// PingContext checks that the database answers within ctx.
func PingContext(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

type slogWriter struct{}

func (slogWriter) Printf(format string, args ...any) {
	slog.Warn(strings.TrimSpace(fmt.Sprintf(format, args...)), "component", "gorm")
}

// Close closes the database's connections.
func Close(db *gorm.DB) {
	if s, err := db.DB(); err == nil {
		s.Close()
	}
}
