package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"gongkai/catalog"
	"gongkai/kiosk"
	"gongkai/notify"
)

// digester sends the daily digest through the configured mail server.
func (s *server) digester() *notify.Digester {
	base := s.cfg.PublicURL
	if base == "" {
		if hosts := kiosk.KnownHosts(s.cfg.Addr); len(hosts) > 0 {
			base = "http://" + hosts[0]
		}
	}
	mailer := s.cfg.SMTP
	if mailer.FromName == "" {
		mailer.FromName = "政务公开平台"
	}
	return &notify.Digester{Notifier: s.stack.Notifier, Users: s.accounts, Claims: s.stack.Digests, Mail: &mailer,
		Hour: s.cfg.DigestHour, BaseURL: base, Log: s.log,
		County: func(ctx context.Context) string {
			if c, err := s.catalog.County(ctx); err == nil {
				return c.Name
			}
			return ""
		}}
}

// startDigests sends each working day's digest from GONGKAI_DIGEST_HOUR, a
// run every five minutes taking what no instance has sent yet.
func (s *server) startDigests(ctx context.Context) {
	if s.cfg.SMTP.Addr == "" {
		return
	}
	d := s.digester()
	if s.cfg.PublicURL == "" {
		s.log.Warn("GONGKAI_PUBLIC_URL is not set: the daily digest's links use " + d.BaseURL + ", which staff may not reach; set it to the back office's address")
	}
	every(ctx, 5*time.Minute, func() {
		now := time.Now()
		if _, err := d.Run(ctx, now); err != nil {
			s.log.Warn("daily digest", "err", err)
		}
		if err := s.stack.Digests.Purge(ctx, now.AddDate(0, 0, -60).Format("2006-01-02")); err != nil {
			s.log.Warn("daily digest purge", "err", err)
		}
	})
}

// runDigest shows the digests due today, or sends them.
func runDigest(ctx context.Context, cl *cli, fs *flag.FlagSet, _ []string) int {
	name, send := flagString(fs, "user"), flagString(fs, "send") == "true"
	if send && cl.cfg.SMTP.Addr == "" {
		fmt.Fprintln(cl.err, "server digest --send: set GONGKAI_SMTP_ADDR and GONGKAI_SMTP_FROM first")
		return exitUsage
	}
	return cl.withServer(ctx, func(s *server, _ catalog.Actor) error {
		d, now := s.digester(), time.Now()
		if send && name == "" {
			n, err := d.Run(ctx, now)
			fmt.Fprintf(cl.out, "已发送%d封每日提醒\n", n)
			return err
		}
		users, err := s.accounts.FindUsers(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, u := range users {
			if name != "" && u.Username != name || name == "" && (u.Disabled || u.Email == "" || u.NoDigest) {
				continue
			}
			found = true
			m, err := d.Compose(ctx, u, now)
			if err != nil {
				return err
			}
			switch {
			case m == nil:
				fmt.Fprintf(cl.out, "%s：没有待办，不发送\n", u.Username)
			case send && u.Email == "":
				return catalog.Errorf(catalog.EINVALID, "%s 没有填写电子邮箱", u.Username)
			case send:
				if err := d.Mail.Send(ctx, *m); err != nil {
					return err
				}
				fmt.Fprintf(cl.out, "已发送给 %s <%s>：%s\n", u.Username, u.Email, m.Subject)
			default:
				fmt.Fprintf(cl.out, "收件人：%s <%s>\n主题：%s\n\n%s\n", u.Username, u.Email, m.Subject, m.Body)
			}
		}
		if name != "" && !found {
			return catalog.Errorf(catalog.ENOTFOUND, "没有用户 %s", name)
		}
		return nil
	})
}
