package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gongkai/access"
	"gongkai/account"
	"gongkai/catalog"
	"gongkai/dbconn"
	"gongkai/hotline"
	"gongkai/rbac"
	"gongkai/seed"
	"gongkai/workday"
)

// Exit codes of every command.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed (the database said no, a check failed)
	exitUsage = 2 // wrong arguments or configuration: nothing was done
)

// cli is what a command runs with: the configuration from the environment
// and where to write.
type cli struct {
	cfg      Config
	log      *slog.Logger
	out, err io.Writer
	in       io.Reader
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, cl *cli, fs *flag.FlagSet, args []string) int
	flags               func(fs *flag.FlagSet)
}

// commands are the subcommands of the one binary; `server` alone serves.
var commands []command

func init() {
	commands = []command{
		{name: "serve", summary: "run the server (the default without a command)", run: runServe},
		{name: "migrate", summary: "create or upgrade the database's tables and reference data, then exit", run: runMigrate},
		{name: "init", summary: "set up an empty database for a county: its identity, its office and the first accounts (printed once)", run: runInit,
			flags: initFlags},
		{name: "seed", summary: "load 旌德县's demo data and demo accounts (for trying the system, never in production)", run: runSeed},
		{name: "user add", args: "USERNAME", summary: "create an account; prints a first password to be changed at first sign-in", run: runUserAdd,
			flags: func(fs *flag.FlagSet) {
				fs.String("display", "", "display name (姓名)")
				fs.String("unit", "", "home unit code, e.g. miaoshou")
				fs.String("role", "", "grant a role: clerk, leader, admin, inspector, sysadmin, secadmin or auditor")
				fs.String("role-unit", "", "unit of the role (default: --unit; county-wide roles need none)")
			}},
		{name: "user disable", args: "USERNAME", summary: "disable an account and end its sessions", run: runUserDisable},
		{name: "user reset-password", args: "USERNAME", summary: "set a new one-time password (printed) to be changed at the next sign-in", run: runUserReset},
		{name: "import-catalog", args: "FILE", summary: "import a unit's catalogue from .xlsx, .xls, .csv or .docx (all or nothing)", run: runImportCatalog,
			flags: func(fs *flag.FlagSet) {
				fs.String("unit", "", "unit code (required)")
				fs.Bool("dry-run", false, "only show what would change")
			}},
		{name: "export-catalog", summary: "write a unit's catalogue as .xlsx or .csv", run: runExportCatalog,
			flags: func(fs *flag.FlagSet) {
				fs.String("unit", "", "unit code (required)")
				fs.String("o", "", "output file, .xlsx or .csv (required)")
			}},
		{name: "calendar import", args: "FILE", summary: "store a year's holidays from a holiday-cn JSON file or a CSV (date,off|work,name)", run: runCalendarImport},
		{name: "backup", summary: "write the database and attachments into one archive, consistent while the server runs", run: runBackup,
			flags: func(fs *flag.FlagSet) {
				fs.String("o", "", "archive to write (default gongkai-backup-YYYYMMDD-HHMMSS.tar.gz)")
				fs.Bool("without-key", false, "leave the data directory's secret.key out of the archive")
			}},
		{name: "restore", args: "ARCHIVE", summary: "restore an archive into the configured database and data directory (which must be empty)", run: runRestore,
			flags: func(fs *flag.FlagSet) {
				fs.Bool("force", false, "overwrite a database and attachments that are not empty")
			}},
		{name: "generate", summary: "fill the database with a generated county or province, for measuring (resumable)", run: runGenerate,
			flags: func(fs *flag.FlagSet) {
				fs.String("size", "county", "county (39 units, 12,000 items, 200,000 publications, 2,000 requests) or province (4,000 units, 1,000,000 publications)")
				fs.String("seed", "1", "the random seed: the same seed makes the same data")
				fs.String("publications", "0", "publications wanted in all, instead of the size's")
				fs.String("requests", "0", "requests wanted in all, instead of the size's")
				fs.String("counties", "0", "counties, instead of the size's")
				fs.String("items-per-unit", "0", "items per unit, instead of the size's")
			}},
		{name: "audit verify", summary: "check the audit log's hash chain", run: runAuditVerify},
		{name: "audit purge", summary: "delete audit entries older than GONGKAI_AUDIT_RETENTION_DAYS", run: runAuditPurge},
		{name: "requests reseal", summary: "after a key rotation, seal requesters' numbers with the new key", run: runReseal},
		{name: "digest", summary: "show each person's daily digest of notices as it would be sent today; --send sends it", run: runDigest,
			flags: func(fs *flag.FlagSet) {
				fs.String("user", "", "only this account (with --send: sent now, even if sent today)")
				fs.Bool("send", false, "send through GONGKAI_SMTP_ADDR instead of showing")
			}},
		{name: "apikey add", args: "NAME", summary: "issue an Open311 API key for a system that pushes hotline orders; prints `apikey NAME KEY` once", run: runAPIKeyAdd,
			flags: func(fs *flag.FlagSet) {
				fs.String("channel", "hotline", "the channel its orders come by: hotline, mailbox, online, kiosk, leader or provincial")
			}},
		{name: "apikey revoke", args: "NAME", summary: "revoke an Open311 API key", run: runAPIKeyRevoke},
		{name: "healthcheck", summary: "ask the running server's /readyz (for Docker's HEALTHCHECK); exit 0 when ready", run: runHealthcheck,
			flags: func(fs *flag.FlagSet) { fs.String("url", "", "address to ask (default: from GONGKAI_ADDR)") }},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run parses the command line and runs the command, returning the exit code.
func run(args []string, getenv func(string) string, in io.Reader, out, errw io.Writer) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(out)
		return exitOK
	}
	cmd, rest := findCommand(args)
	if cmd == nil {
		fmt.Fprintf(errw, "server: unknown command %q\n\n", strings.Join(args, " "))
		usage(errw)
		return exitUsage
	}
	fs := flag.NewFlagSet("server "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(errw)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: server %s", cmd.name)
		if hasFlags(fs) {
			fmt.Fprint(fs.Output(), " [flags]")
		}
		if cmd.args != "" {
			fmt.Fprint(fs.Output(), " "+cmd.args)
		}
		fmt.Fprintf(fs.Output(), "\n  %s\n", cmd.summary)
		if hasFlags(fs) {
			fs.PrintDefaults()
		}
		fmt.Fprintln(fs.Output(), "Configuration comes from the GONGKAI_* environment variables (see README).")
	}
	// The flag package prints the usage itself on -h and on an error; it
	// is printed here instead, once: to stdout for -h, to stderr after an
	// error's message.
	usage := fs.Usage
	fs.Usage = func() {}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(out)
			usage()
			return exitOK
		}
		usage()
		return exitUsage
	}
	fs.Usage = usage
	wantArgs := strings.Count(cmd.args, " ") + 1
	if cmd.args == "" {
		wantArgs = 0
	}
	if fs.NArg() != wantArgs {
		fmt.Fprintf(errw, "server %s: want %d argument(s), got %d\n", cmd.name, wantArgs, fs.NArg())
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		fmt.Fprintln(errw, "gongkai:", err)
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(errw, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cmd.name != "serve" && cfg.LogLevel < slog.LevelWarn {
		// One-off commands speak to a person: only warnings go to the log.
		log = slog.New(slog.NewJSONHandler(errw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	slog.SetDefault(log)
	return cmd.run(context.Background(), &cli{cfg: cfg, log: log, out: out, err: errw, in: in}, fs, fs.Args())
}

// findCommand matches the longest command name at the start of args; no
// arguments at all is `serve`.
func findCommand(args []string) (*command, []string) {
	if len(args) == 0 {
		return &commands[0], nil
	}
	var best *command
	n := 0
	for i := range commands {
		words := strings.Fields(commands[i].name)
		if len(words) <= len(args) && len(words) > n && strings.Join(args[:len(words)], " ") == commands[i].name {
			best, n = &commands[i], len(words)
		}
	}
	if best == nil {
		return nil, nil
	}
	return best, args[n:]
}

func hasFlags(fs *flag.FlagSet) bool {
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	return has
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: server [command] [flags] [arguments]   (no command: serve)")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		name := c.name
		if c.args != "" {
			name += " " + c.args
		}
		fmt.Fprintf(w, "  %-32s %s\n", name, c.summary)
	}
	fmt.Fprintln(w, "\n`server COMMAND --help` tells more. Configuration comes from the GONGKAI_* environment variables.")
	fmt.Fprintln(w, "Exit codes: 0 done, 1 the command failed, 2 wrong arguments or configuration (nothing done).")
}

// fail prints a command's error in one line and returns exitFail.
func (cl *cli) fail(err error) int {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		fmt.Fprintln(cl.err, "gongkai:", ce.Message)
	} else {
		fmt.Fprintln(cl.err, "gongkai:", err)
	}
	return exitFail
}

// progress prints a line of progress to the terminal.
func (cl *cli) progress(format string, args ...any) {
	fmt.Fprintf(cl.err, format+"\n", args...)
}

// open opens the configured database for a command, without demo data.
func (cl *cli) open(ctx context.Context) (*server, error) {
	cfg := cl.cfg
	cfg.Demo, cfg.DemoSet = false, true
	return open(ctx, cfg, cl.log)
}

// consoleActor is the operator at the console, as the audit log names
// them: cli:<login>.
func consoleActor() catalog.Actor {
	name := "operator"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return catalog.Actor{Username: "cli:" + name}
}

// withServer opens the database, runs fn as the operator at the console
// (the services are called directly, as the API and the back office call
// them) and closes again.
func (cl *cli) withServer(ctx context.Context, fn func(s *server, by catalog.Actor) error) int {
	s, err := cl.open(ctx)
	if err != nil {
		fmt.Fprintln(cl.err, "gongkai:", err)
		return exitUsage
	}
	defer s.close()
	if err := fn(s, consoleActor()); err != nil {
		return cl.fail(err)
	}
	return exitOK
}

func runMigrate(ctx context.Context, cl *cli, _ *flag.FlagSet, _ []string) int {
	return cl.withServer(ctx, func(s *server, _ catalog.Actor) error {
		tables, err := dbconn.Tables(s.db)
		if err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "数据库结构已是第%d版（%d张表）\n", schemaVersion, len(tables))
		return nil
	})
}

func runSeed(ctx context.Context, cl *cli, _ *flag.FlagSet, _ []string) int {
	cfg := cl.cfg
	cfg.Demo, cfg.DemoSet = true, true
	cl.progress("正在载入旌德县演示数据……")
	start := time.Now()
	s, err := open(ctx, cfg, cl.log)
	if err != nil {
		return cl.fail(err)
	}
	defer s.close()
	fmt.Fprintf(cl.out, "演示数据已载入（%s）。演示账号的密码是 %s，仅供试用，切勿用于正式部署。\n", time.Since(start).Round(time.Millisecond), seed.DemoPassword)
	return exitOK
}

// newPassword makes a one-time password that passes the strength rules.
func newPassword() string {
	const sets = "ABCDEFGHJKLMNPQRSTUVWXYZ" + "abcdefghijkmnpqrstuvwxyz" + "23456789" + "#%+-=@"
	for {
		b := make([]byte, 16)
		for i := range b {
			n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(sets))))
			b[i] = sets[n.Int64()]
		}
		if account.CheckStrength(string(b)) == nil {
			return string(b)
		}
	}
}

func flagString(fs *flag.FlagSet, name string) string { return fs.Lookup(name).Value.String() }

func findUserNamed(ctx context.Context, s *server, name string) (*account.User, error) {
	u, err := s.accounts.FindUserByName(ctx, name)
	if err != nil && catalog.ErrorCode(err) == catalog.ENOTFOUND {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "用户“%s”不存在", name)
	}
	return u, err
}

func runUserAdd(ctx context.Context, cl *cli, fs *flag.FlagSet, args []string) int {
	if role := flagString(fs, "role"); role != "" && !slices.Contains(rbac.Roles, rbac.Role(role)) {
		fmt.Fprintf(cl.err, "gongkai: --role %q: 角色不存在，可选：clerk, leader, admin, inspector, sysadmin, secadmin, auditor\n", role)
		return exitUsage
	}
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		pw := newPassword()
		u, err := s.access.CreateUser(ctx, access.NewUser{Username: args[0], DisplayName: flagString(fs, "display"), UnitCode: flagString(fs, "unit"), Password: pw}, by)
		if err != nil {
			return err
		}
		if role := flagString(fs, "role"); role != "" {
			unit := flagString(fs, "role-unit")
			if unit == "" {
				unit = u.UnitCode
			}
			if _, err := s.access.SetGrant(ctx, u.ID, role, unit, true, by); err != nil {
				return fmt.Errorf("账号已建立，但授权失败：%w", err)
			}
		}
		fmt.Fprintf(cl.out, "已建立账号 %s；首次登录密码：%s（登录后须修改）\n", u.Username, pw)
		return nil
	})
}

func runAPIKeyAdd(ctx context.Context, cl *cli, fs *flag.FlagSet, args []string) int {
	if ch := hotline.Channel(flagString(fs, "channel")); ch.Name() == "" {
		fmt.Fprintf(cl.err, "gongkai: --channel %q: 渠道不存在，可选：hotline, mailbox, online, kiosk, leader, provincial\n", ch)
		return exitUsage
	}
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		key, err := s.stack.Orders.AddKey(ctx, args[0], hotline.Channel(flagString(fs, "channel")), by)
		if err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "apikey %s %s\n", args[0], key)
		return nil
	})
}

func runAPIKeyRevoke(ctx context.Context, cl *cli, _ *flag.FlagSet, args []string) int {
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		if err := s.stack.Orders.RevokeKey(ctx, args[0], by); err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "已吊销接口密钥 %s\n", args[0])
		return nil
	})
}

func runUserDisable(ctx context.Context, cl *cli, _ *flag.FlagSet, args []string) int {
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		u, err := findUserNamed(ctx, s, args[0])
		if err != nil {
			return err
		}
		if _, err := s.access.UpdateUser(ctx, u.ID, func(u *account.User) { u.Disabled = true }, by); err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "已停用账号 %s，其登录会话已全部结束\n", u.Username)
		return nil
	})
}

func runUserReset(ctx context.Context, cl *cli, _ *flag.FlagSet, args []string) int {
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		u, err := findUserNamed(ctx, s, args[0])
		if err != nil {
			return err
		}
		pw := newPassword()
		if err := s.access.SetPassword(ctx, u.ID, pw, "reset_password", by); err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "账号 %s 的新密码：%s（下次登录时须修改）\n", u.Username, pw)
		return nil
	})
}

func requireFlag(cl *cli, fs *flag.FlagSet, name string) (string, bool) {
	v := flagString(fs, name)
	if v == "" {
		fmt.Fprintf(cl.err, "server %s: --%s is required\n", strings.TrimPrefix(fs.Name(), "server "), name)
		fs.Usage()
	}
	return v, v != ""
}

func runImportCatalog(ctx context.Context, cl *cli, fs *flag.FlagSet, args []string) int {
	unit, ok := requireFlag(cl, fs, "unit")
	if !ok {
		return exitUsage
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return cl.fail(err)
	}
	dry := flagString(fs, "dry-run") == "true"
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		cl.progress("正在读取 %s……", args[0])
		v, err := s.catalogs.Import(ctx, unit, filepath.Base(args[0]), data, !dry, by)
		if err != nil {
			return err
		}
		for _, p := range v.Errors {
			fmt.Fprintln(cl.err, "  错误：", p.String())
		}
		for _, p := range v.Warnings {
			fmt.Fprintln(cl.err, "  提示：", p.String())
		}
		if v.Error != nil {
			return errors.New(v.Error.Message)
		}
		verb := "已导入"
		if !v.Committed {
			verb = "试导入（未修改）"
		}
		fmt.Fprintf(cl.out, "%s：新增%d项，修改%d项，停用%d项，未变%d项\n", verb, len(v.Added), len(v.Changed), len(v.Retired), v.Unchanged)
		return nil
	})
}

func runExportCatalog(ctx context.Context, cl *cli, fs *flag.FlagSet, _ []string) int {
	unit, ok := requireFlag(cl, fs, "unit")
	if !ok {
		return exitUsage
	}
	outFile, ok := requireFlag(cl, fs, "o")
	if !ok {
		return exitUsage
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(outFile)), ".")
	if format != "xlsx" && format != "csv" {
		fmt.Fprintf(cl.err, "server export-catalog: -o %s: the file must end in .xlsx or .csv\n", outFile)
		return exitUsage
	}
	return cl.withServer(ctx, func(s *server, _ catalog.Actor) error {
		name, data, err := s.catalogs.File(ctx, unit, format)
		if err != nil {
			return err
		}
		if err := os.WriteFile(outFile, data, 0o640); err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "已导出《%s》到 %s（%d字节）\n", name, outFile, len(data))
		return nil
	})
}

func runCalendarImport(ctx context.Context, cl *cli, _ *flag.FlagSet, args []string) int {
	data, err := os.ReadFile(args[0])
	if err != nil {
		return cl.fail(err)
	}
	year, days, err := workday.ParseArrangement(data)
	if err != nil {
		fmt.Fprintf(cl.err, "gongkai: %s: %v\n", args[0], err)
		return exitFail
	}
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		n, err := s.foiDesk.SetCalendarYear(ctx, year, days, by)
		if err != nil {
			return err
		}
		off := 0
		for _, d := range days {
			if d.Off {
				off++
			}
		}
		fmt.Fprintf(cl.out, "已保存%d年节假日安排：放假%d天，调休上班%d天；%d件办理中的申请已按新日历重算期限\n", year, off, len(days)-off, n)
		return nil
	})
}

func runAuditVerify(ctx context.Context, cl *cli, _ *flag.FlagSet, _ []string) int {
	s, err := cl.open(ctx)
	if err != nil {
		fmt.Fprintln(cl.err, "gongkai:", err)
		return exitUsage
	}
	defer s.close()
	n, err := s.catalog.VerifyAudit(ctx)
	if err != nil {
		fmt.Fprintf(cl.err, "审计链校验失败（已校验%d条）：%v\n", n, err)
		return exitFail
	}
	fmt.Fprintf(cl.out, "审计链完整：%d条记录\n", n)
	return exitOK
}

func runAuditPurge(ctx context.Context, cl *cli, _ *flag.FlagSet, _ []string) int {
	return cl.withServer(ctx, func(s *server, _ catalog.Actor) error {
		n, err := s.catalog.PurgeAudit(ctx, cl.cfg.AuditRetentionDays, time.Now(), catalog.Actor{Username: "system"})
		if err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "已删除%d条超过%d天的审计记录\n", n, cl.cfg.AuditRetentionDays)
		return nil
	})
}

func runReseal(ctx context.Context, cl *cli, _ *flag.FlagSet, _ []string) int {
	return cl.withServer(ctx, func(s *server, _ catalog.Actor) error {
		n, err := s.requests.Reseal(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "已用新密钥重新加密%d件申请的个人信息\n", n)
		return nil
	})
}

func runHealthcheck(ctx context.Context, cl *cli, fs *flag.FlagSet, _ []string) int {
	u := flagString(fs, "url")
	if u == "" {
		addr := cl.cfg.Addr
		if strings.HasPrefix(addr, "0.0.0.0:") || strings.HasPrefix(addr, ":") {
			addr = "127.0.0.1:" + addr[strings.LastIndex(addr, ":")+1:]
		}
		u = "http://" + addr + "/readyz"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	res, err := client.Get(u)
	if err != nil {
		fmt.Fprintln(cl.err, "not ready:", err)
		return exitFail
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1000))
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(cl.err, "not ready: %d %s\n", res.StatusCode, strings.TrimSpace(string(body)))
		return exitFail
	}
	fmt.Fprintln(cl.out, strings.TrimSpace(string(body)))
	return exitOK
}
