package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/account"
	acctstore "gongkai/account/gormstore"
	"gongkai/dbconn"
	"gongkai/dbconn/dbtest"
)

// dbEnv is the environment of a process on a fresh database of the driver
// under test, with its data in dir.
func dbEnv(t testing.TB, dir string) []string {
	driver, dsn := dbtest.DSN(t)
	return []string{"GONGKAI_DATA_DIR=" + dir, "GONGKAI_DB_DRIVER=" + driver, "GONGKAI_DB_DSN=" + dsn,
		fmt.Sprint("GONGKAI_APPLICATIONS_PER_HOUR=", testApplicationsPerHour)}
}

func envValue(env []string, name string) string {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, name+"="); ok {
			return v
		}
	}
	return ""
}

// TestCommandLineHelpAndUsage: every command answers --help with its usage
// and exit 0; wrong commands, arguments and configuration exit 2 with a
// message, before touching any database.
func TestCommandLineHelpAndUsage(t *testing.T) {
	env := []string{"GONGKAI_DATA_DIR=" + t.TempDir()}
	out, _, code := runBinary(t, env, "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("--help does not list %q", c.name)
		}
		args := append(strings.Fields(c.name), "--help")
		o, e, code := runBinary(t, env, args...)
		if code != 0 || !strings.Contains(o, "usage: server "+c.name) {
			t.Errorf("%s --help: exit %d\n%s%s", c.name, code, o, e)
		}
	}
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"frobnicate"}, "unknown command"},
		{nil, []string{"user"}, "unknown command"},
		{nil, []string{"user", "add"}, "want 1 argument"},
		{nil, []string{"restore"}, "want 1 argument"},
		{nil, []string{"export-catalog", "-o", "x.xlsx"}, "--unit is required"},
		{nil, []string{"export-catalog", "--unit", "miaoshou", "-o", "x.txt"}, ".xlsx or .csv"},
		{nil, []string{"backup", "--nonsense"}, "flag provided but not defined"},
		{[]string{"GONGKAI_DB_DRIVER=oracle"}, []string{"migrate"}, "GONGKAI_DB_DRIVER"},
	} {
		_, e, code := runBinary(t, append(env, tc.env...), tc.args...)
		if code != exitUsage || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", tc.args, code, exitUsage, tc.want, e)
		}
	}
	if _, err := os.Stat(filepath.Join(envValue(env, "GONGKAI_DATA_DIR"), "gongkai.db")); err == nil {
		t.Error("a refused command made a database")
	}
}

// TestCommandLineAdministers: an operator seeds, manages accounts, moves a
// catalogue in and out and imports a year's holidays from the console;
// each change is audited as cli:<login>, and failures exit 1 naming what
// was wrong.
func TestCommandLineAdministers(t *testing.T) {
	dir := t.TempDir()
	env := dbEnv(t, dir)
	mustRun := func(want string, args ...string) string {
		t.Helper()
		o, e, code := runBinary(t, env, args...)
		if code != 0 || !strings.Contains(o, want) {
			t.Fatalf("%v: exit %d, want %q:\n%s%s", args, code, want, o, e)
		}
		return o
	}
	mustFail := func(want string, args ...string) {
		t.Helper()
		o, e, code := runBinary(t, env, args...)
		if code != exitFail || !strings.Contains(e, want) {
			t.Errorf("%v: exit %d, want 1 with %q:\n%s%s", args, code, want, o, e)
		}
	}
	mustRun("第", "migrate")
	mustRun("演示数据已载入", "seed")
	// Today's digest is shown without a mail server; sending needs one.
	mustRun("sanxi-clerk", "digest", "--user", "sanxi-clerk")
	if o, e, code := runBinary(t, env, "digest", "--send"); code != exitUsage || !strings.Contains(e, "GONGKAI_SMTP_ADDR") {
		t.Errorf("digest --send without a mail server: exit %d\n%s%s", code, o, e)
	}
	mustFail("没有用户 nobody", "digest", "--user", "nobody")

	out := mustRun("已建立账号 wangfang", "user", "add", "--unit", "miaoshou", "--role", "clerk", "--display", "王芳", "wangfang")
	pw := between(out, "首次登录密码：", "（")
	mustFail("单位“nosuch”不存在", "user", "add", "--unit", "nosuch", "lisi")
	mustFail("wangfang", "user", "add", "wangfang")
	mustFail("用户“nobody”不存在", "user", "disable", "nobody")

	db, err := dbconn.Open(envValue(env, "GONGKAI_DB_DRIVER"), envValue(env, "GONGKAI_DB_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(db)
	accounts := acctstore.New(db, nil)
	u, err := accounts.FindUserByName(t.Context(), "wangfang")
	if err != nil {
		t.Fatal(err)
	}
	if !account.CheckPassword(u.PasswordHash, pw) || !u.MustChangePassword || u.UnitCode != "miaoshou" || u.DisplayName != "王芳" {
		t.Errorf("the new account: %+v (password %q)", u, pw)
	}
	var grants int64
	db.Table("casbin_rule").Where("ptype = 'g' AND v0 = ? AND v1 = 'role:clerk' AND v2 = 'miaoshou'", "user:"+itoa(u.ID)).Count(&grants)
	if grants != 1 {
		t.Errorf("the clerk grant is not stored (%d rules)", grants)
	}

	out = mustRun("新密码", "user", "reset-password", "wangfang")
	pw2 := between(out, "新密码：", "（")
	mustRun("已停用账号 wangfang", "user", "disable", "wangfang")
	if u, err = accounts.FindUserByName(t.Context(), "wangfang"); err != nil || !u.Disabled || !account.CheckPassword(u.PasswordHash, pw2) || pw2 == pw {
		t.Errorf("after reset and disable: %+v %v", u, err)
	}
	var audited int64
	db.Table("audit_log").Where("username LIKE 'cli:%'").Count(&audited)
	if audited < 4 { // create, grant, reset, disable
		t.Errorf("%d audit entries by the console, want at least 4", audited)
	}

	xlsx := filepath.Join(dir, "miaoshou.xlsx")
	mustRun("已导出《庙首镇基层政务公开标准目录.xlsx》", "export-catalog", "--unit", "miaoshou", "-o", xlsx)
	if b, err := os.ReadFile(xlsx); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Fatalf("the exported workbook: %v", err)
	}
	mustRun("试导入（未修改）", "import-catalog", "--unit", "miaoshou", "--dry-run", xlsx)
	junk := filepath.Join(dir, "junk.xlsx")
	os.WriteFile(junk, []byte("not a workbook"), 0o600)
	mustFail("gongkai:", "import-catalog", "--unit", "miaoshou", junk)

	mustRun("已保存2026年节假日安排：放假33天，调休上班6天", "calendar", "import", filepath.Join("testdata", "holiday-cn-2026.json"))
	good := filepath.Join(dir, "2031.csv")
	os.WriteFile(good, []byte("date,off,name\n2031-01-01,off,元旦\n2031-01-04,work,元旦\n"), 0o600)
	mustRun("已保存2031年节假日安排：放假1天，调休上班1天", "calendar", "import", good)
	var days int64
	db.Table("calendar_days").Where("date >= ? AND date < ?", "2031-01-01", "2032-01-01").Count(&days)
	if days != 2 {
		t.Errorf("%d days of 2031 stored, want 2", days)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("2031-01-01,off,元旦\n2031-01-02,maybe,元旦\n"), 0o600)
	mustFail("line 2", "calendar", "import", bad)
	mustRun("审计链完整", "audit", "verify")
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	before, _, _ := strings.Cut(after, to)
	return before
}

// TestGenerateCommand: `generate` fills a database with a small county,
// requests included through the real request store, and a second run adds
// nothing.
func TestGenerateCommand(t *testing.T) {
	env := dbEnv(t, t.TempDir())
	args := []string{"generate", "--size", "county", "--publications", "3000", "--requests", "120", "--items-per-unit", "40"}
	o, e, code := runBinary(t, env, args...)
	if code != 0 || !strings.Contains(o, "已生成县级规模数据") || !strings.Contains(e, "公开信息") {
		t.Fatalf("generate: exit %d\n%s%s", code, o, e)
	}
	db, err := dbconn.Open(envValue(env, "GONGKAI_DB_DRIVER"), envValue(env, "GONGKAI_DB_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer dbconn.Close(db)
	var reqs, pubs, outcomes int64
	db.Table("foi_requests").Count(&reqs)
	db.Table("publications").Count(&pubs)
	db.Table("foi_requests").Where("outcome <> ''").Distinct("outcome").Count(&outcomes)
	if reqs != 120 || pubs < 9000 || outcomes < 15 {
		t.Errorf("%d requests with %d outcomes, %d publications", reqs, outcomes, pubs)
	}
	if o, e, code := runBinary(t, env, args...); code != 0 || !strings.Contains(o, "公开信息0条") || !strings.Contains(o, "依申请公开0件") {
		t.Errorf("second run: exit %d\n%s%s", code, o, e)
	}
}
