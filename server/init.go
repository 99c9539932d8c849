package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"gongkai/access"
	"gongkai/catalog"
	"gongkai/rbac"
	"gongkai/seed"
)

// firstAccounts are the accounts a set-up opens: the three separated
// administrators (三员分立) and the county office's administrator.
var firstAccounts = []struct {
	username, display string
	role              rbac.Role
	office            bool // the account belongs to the county office
}{
	{"sysadmin", "系统管理员", rbac.RoleSysAdmin, false},
	{"secadmin", "安全管理员", rbac.RoleSecAdmin, false},
	{"auditor", "审计管理员", rbac.RoleAuditor, false},
	{"admin", "县政务公开办管理员", rbac.RoleAdmin, true},
}

func initFlags(fs *flag.FlagSet) {
	fs.String("county-name", "", "the county's name, e.g. 某某县")
	fs.String("division-code", "", "its 6-digit 行政区划代码")
	fs.String("office-name", "", "the county government office's full name, e.g. 某某县人民政府办公室")
	fs.String("office-code", "county-office", "the office's unit code (lower-case letters, digits, hyphens)")
	fs.String("reference", "", "load a known county's units and catalogues instead (jingde: 旌德县, without the demo's publications and accounts)")
}

// runInit sets up an empty database for a county: the county's identity,
// its office, and the first accounts, each printed once with a one-time
// password. A database that holds units is refused.
func runInit(ctx context.Context, cl *cli, fs *flag.FlagSet, _ []string) int {
	reference := flagString(fs, "reference")
	name, code, officeName, officeCode := flagString(fs, "county-name"), flagString(fs, "division-code"), flagString(fs, "office-name"), flagString(fs, "office-code")
	switch {
	case reference != "" && reference != "jingde":
		fmt.Fprintf(cl.err, "gongkai: --reference %q: the only known county is jingde\n", reference)
		return exitUsage
	case reference == "" && (name == "" || code == "" || officeName == ""):
		fmt.Fprintln(cl.err, "gongkai: init needs --county-name, --division-code and --office-name (or --reference jingde)")
		return exitUsage
	}
	// The county and its office are checked before the database is opened:
	// a mistake is a wrong argument, and leaves nothing behind.
	office := catalog.Unit{Code: officeCode, Name: shortOfficeName(name, officeName), FullName: officeName, Level: catalog.LevelCounty, Kind: catalog.KindOffice}
	county := catalog.NewCounty(strings.TrimSpace(name), strings.TrimSpace(code), officeCode)
	if reference == "" {
		for _, err := range []error{county.Validate(), office.Validate()} {
			if err != nil {
				fmt.Fprintf(cl.err, "gongkai: %s\n", catalog.ErrorMessage(err))
				return exitUsage
			}
		}
	}
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		units, err := s.units.FindUnits(ctx)
		if err != nil {
			return err
		}
		if len(units) > 0 {
			return errors.New("数据库中已有单位：init 只用于新建的空数据库")
		}
		if reference == "jingde" {
			sum, err := seed.JingdeReference(ctx, s.stack.SeedStores())
			if err != nil {
				return err
			}
			fmt.Fprintf(cl.out, "loaded 旌德县: %d units, %d catalogue items\n", sum.Units, sum.Items)
			officeCode = seed.JingdeCounty().Office
		} else {
			if _, err := s.stack.Catalog.CreateUnit(ctx, &office, by); err != nil {
				return fmt.Errorf("the county office: %w", err)
			}
			if err := s.stack.Catalog.SaveCounty(ctx, &county, by); err != nil {
				return fmt.Errorf("the county: %w", err)
			}
		}
		for _, a := range firstAccounts {
			in := access.NewUser{Username: a.username, DisplayName: a.display, Password: newPassword()}
			if a.office {
				in.UnitCode = officeCode
			}
			u, err := s.access.CreateUser(ctx, in, by)
			if err != nil {
				return fmt.Errorf("account %s: %w", a.username, err)
			}
			if _, err := s.access.SetGrant(ctx, u.ID, string(a.role), rbac.AllUnits, true, by); err != nil {
				return fmt.Errorf("account %s: %w", a.username, err)
			}
			fmt.Fprintf(cl.out, "account %s %s\n", a.username, in.Password)
		}
		cl.progress("每个账号首次登录须修改上面的一次性密码。请立即分别交给三名管理员和县政务公开办。")
		return nil
	})
}

// shortOfficeName is the office's name as lists show it: the full name
// without the county's, 县政府办公室 for 某某县人民政府办公室.
func shortOfficeName(county, full string) string {
	short := strings.TrimPrefix(strings.TrimSpace(full), strings.TrimSpace(county))
	short = strings.Replace(short, "人民政府", "政府", 1)
	if short == "" || short == full {
		return full
	}
	suffix := []rune(strings.TrimSpace(county))
	return string(suffix[len(suffix)-1]) + short
}
