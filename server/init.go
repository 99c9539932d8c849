package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"gongkai/access"
	"gongkai/catalog"
	"gongkai/catalog/sheet"
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
	fs.String("units", "", "a workbook in the directory's layout (单位, 全称, 层级 乡级|县级, optional 单位代码 and 统一社会信用代码, the public facts): every unit in it is created with its catalogue")
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
	case reference != "" && flagString(fs, "units") != "":
		fmt.Fprintln(cl.err, "gongkai: --units and --reference are either-or: a known county brings its own units")
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
	units, ok := cl.unitList(flagString(fs, "units"), office)
	if !ok {
		return exitUsage
	}
	return cl.withServer(ctx, func(s *server, by catalog.Actor) error {
		existing, err := s.units.FindUnits(ctx)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
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
		items := 0
		for i := range units {
			n, err := s.stack.Catalog.CreateUnit(ctx, &units[i], by)
			if err != nil {
				return fmt.Errorf("%s: %w", units[i].Name, err)
			}
			items += n
		}
		if len(units) > 0 {
			fmt.Fprintf(cl.out, "created %d units, %d catalogue items\n", len(units), items)
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

// unitList reads the --units workbook, if any: every mistake is printed
// with its row, and then nothing is done.
func (cl *cli) unitList(path string, office catalog.Unit) ([]catalog.Unit, bool) {
	if path == "" {
		return nil, true
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(cl.err, "gongkai: --units: %v\n", err)
		return nil, false
	}
	units, problems, err := sheet.ParseNewUnits(data)
	if err != nil {
		fmt.Fprintf(cl.err, "gongkai: --units: %s\n", catalog.ErrorMessage(err))
		return nil, false
	}
	for _, u := range units {
		if u.Code == office.Code || u.Name == office.Name || u.FullName == office.FullName {
			problems = append(problems, sheet.Problem{Column: "单位", Message: fmt.Sprintf("“%s”是县政府办公室，init 已经建立，请从名单中删去", u.Name)})
		}
	}
	for _, p := range problems {
		if p.Row == 0 {
			fmt.Fprintf(cl.err, "gongkai: --units: %s\n", p.Message)
			continue
		}
		fmt.Fprintf(cl.err, "gongkai: --units: 第%d行 %s：%s\n", p.Row, p.Column, p.Message)
	}
	return units, len(problems) == 0
}
