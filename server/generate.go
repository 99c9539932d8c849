package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"gongkai/catalog"
	"gongkai/foi"
	"gongkai/seed"
)

// runGenerate fills the configured database with a county or a province
// for measuring: deterministic from --seed, resumable (run it again after
// an interruption).
func runGenerate(ctx context.Context, cl *cli, fs *flag.FlagSet, _ []string) int {
	var size seed.Size
	switch flagString(fs, "size") {
	case "county":
		size = seed.CountySize
	case "province":
		size = seed.ProvinceSize
	default:
		fmt.Fprintf(cl.err, "server generate: --size must be county or province, not %q\n", flagString(fs, "size"))
		return exitUsage
	}
	seedN, err := strconv.ParseUint(flagString(fs, "seed"), 10, 64)
	if err != nil {
		fmt.Fprintf(cl.err, "server generate: --seed must be a whole number\n")
		return exitUsage
	}
	for name, p := range map[string]*int{"publications": &size.Publications, "requests": &size.Requests, "counties": &size.Counties, "items-per-unit": &size.ItemsPerUnit} {
		if v := flagString(fs, name); v != "0" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				fmt.Fprintf(cl.err, "server generate: --%s must be a positive whole number\n", name)
				return exitUsage
			}
			*p = n
		}
	}
	start := time.Now()
	return cl.withServer(ctx, func(s *server, _ catalog.Actor) error {
		st := seed.Stores{Catalog: s.catalog, Accounts: s.accounts, RBAC: s.authz, Calendar: s.calendar}
		sum, err := seed.Generate(ctx, st, size, seedN, cl.progress)
		if err != nil {
			return err
		}
		if err := seed.Filings(ctx, s.filings); err != nil {
			return err
		}
		if err := seed.Kiosk(ctx, s.kioskStore, s.units, true); err != nil {
			return err
		}
		nReq, err := s.generateRequests(ctx, cl, size, seedN)
		if err != nil {
			return err
		}
		if err := s.authz.Reload(); err != nil {
			return err
		}
		fmt.Fprintf(cl.out, "已生成%s规模数据（%s）：%d个单位，新增事项%d项、公开信息%d条（其中发布不及时%d条、集中发布%d次、标题重复%d条、含个人信息%d条，另有%d项次栏目未按期更新），依申请公开%d件。\n",
			map[string]string{"county": "县级", "province": "省级"}[size.Name], time.Since(start).Round(time.Second), sum.Units, sum.Items, sum.Publications,
			sum.Late, sum.Bursts, sum.Duplicates, sum.PrivacyLeaks, sum.Stale, nReq)
		return nil
	})
}

// generateRequests adds generated requests until there are size.Requests.
func (s *server) generateRequests(ctx context.Context, cl *cli, size seed.Size, seedN uint64) (int, error) {
	have, err := s.requests.FindRequests(ctx, foi.Filter{Limit: size.Requests + 1})
	if err != nil {
		return 0, err
	}
	all := seed.GenRequests(size, size.Requests, seedN)
	if len(have) >= size.Requests {
		return 0, nil
	}
	todo := all[len(have):]
	by := catalog.Actor{Username: "generate"}
	made := 0
	for i, d := range todo {
		r := d.Request
		if err := s.requests.Create(ctx, &r, by); err != nil {
			return made, fmt.Errorf("generated request %d: %w", i+1, err)
		}
		for _, st := range d.Steps {
			if _, err := s.requests.Step(ctx, r.Number, st, by); err != nil {
				return made, fmt.Errorf("generated request %s, %s on %s: %w", r.Number, st.Action, st.On.Format("2006-01-02"), err)
			}
		}
		made++
		if made%500 == 0 {
			cl.progress("依申请公开：%d/%d件", made, len(todo))
		}
	}
	return made, nil
}
