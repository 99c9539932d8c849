// Package stacktest gives a face's tests the whole stack on a database of
// their own: a template seeded with the demo data once per test binary
// (Main, from TestMain), copied for each test (New).
package stacktest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	acctstore "gongkai/account/gormstore"
	"gongkai/catalog/gormstore"
	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
	"gongkai/rbac"
	"gongkai/secret"
	"gongkai/seed"
	"gongkai/stack"
	"gongkai/workday"
)

// Office is the unit that receives applications in the demo county.
const Office = "zhengfuban"

// template is the DSN of the test binary's template (Main).
var template string

// Main seeds the template, runs the tests and removes it:
// func TestMain(m *testing.M) { os.Exit(stacktest.Main(m)) }.
func Main(m *testing.M) int {
	dsn, cleanup, err := Template()
	if err != nil {
		fmt.Fprintln(os.Stderr, "the template database:", err)
		return 1
	}
	defer cleanup()
	template = dsn
	return m.Run()
}

// Template creates a database with the demo data (of the driver under
// test) and returns its DSN; call cleanup when the tests are done.
func Template() (dsn string, cleanup func(), err error) {
	driver, dsn, cleanup, err := dbtest.Fresh()
	if err != nil {
		return "", nil, err
	}
	db, err := dbconn.Open(driver, dsn)
	if err == nil {
		defer dbconn.Close(db)
		err = stack.Migrate(db)
	}
	var en *rbac.Enforcer
	if err == nil {
		en, err = rbac.NewEnforcer(db)
	}
	if err == nil {
		st := seed.Stores{Catalog: gormstore.New(db), Accounts: acctstore.New(db, gormstore.AuditInTx), RBAC: en, Calendar: workday.New()}
		_, err = seed.Demo(context.Background(), st)
	}
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return dsn, cleanup, nil
}

// New builds the stack over a fresh copy of the template Main made,
// closed when the test ends. Throttles are wide enough for any test's own
// traffic.
func New(t *testing.T) *stack.Stack {
	t.Helper()
	driver, dsn := dbtest.Clone(t, template)
	db, err := dbconn.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbconn.Close(db) })
	box, err := secret.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := stack.New(context.Background(), db, stack.Options{AttachmentDir: t.TempDir(), MaxUpload: 1 << 20, Box: box,
		Applications: 1000, ScreenApplications: 1000, StatusTries: 10,
		Generation: func() uint64 { return uint64(time.Now().UnixNano()) }, RectifyWorkdays: 5})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
