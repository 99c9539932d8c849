// Package dbtest gives each test a fresh database of the driver under test:
// a SQLite file in t.TempDir(), or, with TEST_DB_DRIVER=mysql, a new database
// on the server of TEST_DB_DSN (default root@127.0.0.1:3306), dropped after.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"gongkai/catalog"
	catstore "gongkai/catalog/gormstore"
	"gongkai/dbconn"
)

// Driver is the driver under test.
func Driver() string {
	if os.Getenv("TEST_DB_DRIVER") == dbconn.MySQL {
		return dbconn.MySQL
	}
	return dbconn.SQLite
}

// ServerDSN is the MySQL server the tests use, without a database name.
func ServerDSN() string {
	if dsn := os.Getenv("TEST_DB_DSN"); dsn != "" {
		return dsn
	}
	return "root@tcp(127.0.0.1:3306)/"
}

// DSN creates a fresh, empty database and returns its driver and DSN; it is
// removed when the test ends.
func DSN(tb testing.TB) (driver, dsn string) {
	tb.Helper()
	if Driver() == dbconn.SQLite {
		return dbconn.SQLite, filepath.Join(tb.TempDir(), "test.db")
	}
	driver, dsn, cleanup, err := Fresh()
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	tb.Cleanup(cleanup)
	return driver, dsn
}

// Fresh creates a fresh, empty database outside a test (for TestMain); call
// cleanup when done.
func Fresh() (driver, dsn string, cleanup func(), err error) {
	if Driver() == dbconn.SQLite {
		dir, err := os.MkdirTemp("", "gongkai-test-")
		if err != nil {
			return "", "", nil, err
		}
		return dbconn.SQLite, filepath.Join(dir, "test.db"), func() { os.RemoveAll(dir) }, nil
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "gongkai_t_" + hex.EncodeToString(b)
	admin, err := dbconn.Open(dbconn.MySQL, ServerDSN())
	if err != nil {
		return "", "", nil, err
	}
	if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return "", "", nil, fmt.Errorf("create database: %w", err)
	}
	cleanup = func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name)
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	}
	base := ServerDSN()
	q := ""
	if i := strings.Index(base, "?"); i >= 0 {
		base, q = base[:i], base[i:]
	}
	base = base[:strings.LastIndex(base, "/")+1]
	return dbconn.MySQL, base + name + q, cleanup, nil
}

// Open returns a gorm handle on a fresh database, closed when the test ends.
func Open(tb testing.TB) *gorm.DB {
	tb.Helper()
	driver, dsn := DSN(tb)
	db, err := dbconn.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			s.Close()
		}
	})
	return db
}

// Clone gives the test a fresh database holding a copy of the template
// database at templateDSN (of the driver under test), removed when the
// test ends: a test may then change anything without another seeing it.
// Nothing may write to the template meanwhile.
func Clone(tb testing.TB, templateDSN string) (driver, dsn string) {
	tb.Helper()
	tpl, err := dbconn.Open(Driver(), templateDSN)
	if err != nil {
		tb.Fatalf("dbtest: open the template: %v", err)
	}
	defer dbconn.Close(tpl)
	driver, dsn = DSN(tb)
	if driver == dbconn.SQLite {
		if err := tpl.Exec("VACUUM INTO ?", dsn).Error; err != nil {
			tb.Fatalf("dbtest: copy the template: %v", err)
		}
		return driver, dsn
	}
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	if i := strings.Index(name, "?"); i >= 0 {
		name = name[:i]
	}
	// A copy of each table in the new database, four at a time (creating
	// InnoDB tables waits on the disk more than on the processor), each on
	// a connection of its own that leaves foreign keys unchecked.
	tables, err := tpl.Migrator().GetTables()
	if err != nil {
		tb.Fatalf("dbtest: list the template's tables: %v", err)
	}
	var g errgroup.Group
	g.SetLimit(4)
	for _, t := range tables {
		g.Go(func() error {
			return tpl.Connection(func(tx *gorm.DB) error {
				for _, q := range []string{"SET SESSION foreign_key_checks = 0", fmt.Sprintf("CREATE TABLE `%s`.`%s` LIKE `%s`", name, t, t),
					fmt.Sprintf("INSERT INTO `%s`.`%s` SELECT * FROM `%s`", name, t, t)} {
					if err := tx.Exec(q).Error; err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	err = g.Wait()
	if err != nil {
		tb.Fatalf("dbtest: copy the template: %v", err)
	}
	return driver, dsn
}

// Units adds to db the catalogue's tables and one township of each code,
// for a store's own tests: writes that belong to a unit check it exists
// (dbconn.HoldUnit).
func Units(tb testing.TB, db *gorm.DB, codes ...string) {
	tb.Helper()
	if err := catstore.Migrate(db); err != nil {
		tb.Fatal(err)
	}
	st := catstore.New(db)
	for _, code := range codes {
		u := catalog.Unit{Code: code, Name: code + "镇", FullName: code + "镇人民政府", Level: catalog.LevelTownship, Kind: catalog.KindTown}
		if _, err := st.EnsureUnit(context.Background(), u); err != nil {
			tb.Fatal(err)
		}
	}
}
