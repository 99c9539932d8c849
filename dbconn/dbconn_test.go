package dbconn_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
	"gongkai/stack"
)

// TestSQLitePragmas: every pooled connection has foreign keys on, WAL and a
// busy timeout, so concurrent writers wait instead of failing.
func TestSQLitePragmas(t *testing.T) {
	db, err := dbconn.Open(dbconn.SQLite, filepath.Join(t.TempDir(), "sub", "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	for i := 0; i < 3; i++ { // more than one connection of the pool
		conn, err := sqlDB.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var fk, timeout int
		var mode string
		conn.QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&fk)
		conn.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode)
		conn.QueryRowContext(t.Context(), "PRAGMA busy_timeout").Scan(&timeout)
		if fk != 1 || mode != "wal" || timeout < 5000 {
			t.Errorf("connection %d: foreign_keys=%d journal_mode=%s busy_timeout=%d", i, fk, mode, timeout)
		}
	}
}

func TestMySQLDSNGetsItsParameters(t *testing.T) {
	got := dbconn.MySQLDSN("u:p@tcp(db:3306)/gongkai")
	for _, want := range []string{"parseTime=true", "loc=UTC", "charset=utf8mb4"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
	if got := dbconn.MySQLDSN("u@tcp(db)/g?parseTime=false"); strings.Count(got, "parseTime") != 1 || !strings.Contains(got, "?parseTime=false&") {
		t.Errorf("a given parameter is overridden: %s", got)
	}
	if _, err := dbconn.Open("oracle", "x"); err == nil {
		t.Error("unknown driver accepted")
	}
}

// TestSQLiteFileIsPrivate: the database file, its WAL beside it, and one
// left readable by an older version are readable by their owner only.
func TestSQLiteFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new", "gongkai.db")
	old := filepath.Join(dir, "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fresh, old} {
		db, err := dbconn.Open(dbconn.SQLite, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1)").Error; err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{path, path + "-wal"} {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v", filepath.Base(f), st.Mode().Perm())
			}
		}
		sqlDB, _ := db.DB()
		sqlDB.Close()
	}
	if st, _ := os.Stat(filepath.Dir(fresh)); st.Mode().Perm() != 0o700 {
		t.Errorf("data directory: mode %v", st.Mode().Perm())
	}
}

// TestTransactionRunsAgainAfterADeadlock: a transaction the database gave
// up as a deadlock (1213, as Galera reports a certification failure) is
// run again, its first attempt's writes rolled back; other errors are
// returned at once, and a deadlock that never clears after five tries.
func TestTransactionRunsAgainAfterADeadlock(t *testing.T) {
	db, err := dbconn.Open(dbconn.SQLite, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(db)
	if err := db.Exec("CREATE TABLE tries (n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	tries, retried := 0, dbconn.Retries()
	err = dbconn.Transaction(db, func(tx *gorm.DB) error {
		tries++
		if err := tx.Exec("INSERT INTO tries (n) VALUES (?)", tries).Error; err != nil {
			return err
		}
		if tries < 3 {
			return &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}
		}
		return nil
	})
	var rows []int
	db.Raw("SELECT n FROM tries").Scan(&rows)
	if err != nil || tries != 3 || len(rows) != 1 || rows[0] != 3 {
		t.Errorf("after two deadlocks: %v, %d tries, rows %v (want the third's only)", err, tries, rows)
	}
	if n := dbconn.Retries() - retried; n != 2 {
		t.Errorf("%d retries counted, want 2", n)
	}
	tries = 0
	other := errors.New("refused")
	if err := dbconn.Transaction(db, func(*gorm.DB) error { tries++; return other }); err != other || tries != 1 {
		t.Errorf("another error: %v after %d tries", err, tries)
	}
	tries = 0
	err = dbconn.Transaction(db, func(*gorm.DB) error { tries++; return &mysql.MySQLError{Number: 1213} })
	if !dbconn.Deadlock(err) || tries != 5 {
		t.Errorf("a deadlock that stays: %v after %d tries", err, tries)
	}
}

// TestDatabaseNotUTF8MB4IsRefused: a MySQL database made without utf8mb4
// (the server's default may be latin1) is refused before any table is
// made, with how to fix it, instead of "Illegal mix of collations" at the
// first migration.
func TestDatabaseNotUTF8MB4IsRefused(t *testing.T) {
	sqlite, err := dbconn.Open(dbconn.SQLite, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(sqlite)
	if err := dbconn.CheckCharset(sqlite); err != nil {
		t.Errorf("SQLite: %v", err)
	}
	if dbtest.Driver() != dbconn.MySQL {
		return // the rest needs the MySQL server (TEST_DB_DRIVER=mysql, as .ci/run)
	}
	_, dsn := dbtest.DSN(t) // utf8mb4
	good, err := dbconn.Open(dbconn.MySQL, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(good)
	if err := dbconn.CheckCharset(good); err != nil {
		t.Errorf("utf8mb4: %v", err)
	}
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	if i := strings.Index(name, "?"); i >= 0 {
		name = name[:i]
	}
	if err := good.Exec("ALTER DATABASE `" + name + "` CHARACTER SET latin1 COLLATE latin1_swedish_ci").Error; err != nil {
		t.Fatal(err)
	}
	bad, err := dbconn.Open(dbconn.MySQL, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(bad)
	err = dbconn.CheckCharset(bad)
	if err == nil || !strings.Contains(err.Error(), "latin1") || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "utf8mb4") {
		t.Fatalf("latin1: %v", err)
	}
	if err := stack.Migrate(bad); err == nil || !strings.Contains(err.Error(), "字符集") {
		t.Errorf("migrating a latin1 database: %v", err)
	}
	if tables, _ := dbconn.Tables(bad); len(tables) != 0 {
		t.Errorf("tables made in the latin1 database: %v", tables)
	}
}
