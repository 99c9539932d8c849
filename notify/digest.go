package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gongkai/account"
	"gongkai/catalog"
)

// Message is one e-mail: plain text, to one person.
type Message struct {
	To, ToName string
	Subject    string
	Body       string
}

// Mailer sends a message; an error says the server refused it or could
// not be reached (nothing was sent). One wrapping ErrRejected is final:
// trying again will not help (the address does not exist, say).
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// ErrRejected marks a mail the server refused for good (a 5xx reply).
var ErrRejected = errors.New("refused by the mail server")

// Claims records which person's digest of which day is sent, so that two
// instances, or a restart, never send it twice.
type Claims interface {
	// Claim takes userID's digest of day (2006-01-02); false when it was
	// taken already.
	Claim(ctx context.Context, userID int64, day string) (bool, error)
	// Release gives a claim back after the sending failed, to be tried again.
	Release(ctx context.Context, userID int64, day string) error
}

// Digester sends each person with an e-mail address, once a working day
// from Hour on, the notices waiting for them (none: no mail).
type Digester struct {
	Notifier *Notifier
	Users    interface {
		FindUsers(ctx context.Context) ([]account.User, error)
	}
	Claims Claims
	Mail   Mailer
	// Hour is the local hour (Asia/Shanghai) from which the day's digest
	// goes out.
	Hour int
	// BaseURL is the back office's address for the links ("" leaves the
	// paths alone), County the county's name for the signature.
	BaseURL string
	County  func(ctx context.Context) string
	Log     *slog.Logger
}

// Run sends the digests due at now that no instance has sent yet; it
// returns how many went. A failed mail is given back to be tried at the
// next run, and the others still go.
func (d *Digester) Run(ctx context.Context, now time.Time) (int, error) {
	now = now.In(catalog.Shanghai)
	if now.Hour() < d.Hour {
		return 0, nil
	}
	if work, err := d.Notifier.Calendar.Provisional().IsWorkday(now); err != nil || !work {
		return 0, err
	}
	users, err := d.Users.FindUsers(ctx)
	if err != nil {
		return 0, err
	}
	day := now.Format("2006-01-02")
	sent := 0
	var errs []error
	for _, u := range users {
		if u.Email == "" || u.NoDigest || u.Disabled || u.Locked(now) {
			continue
		}
		ok, err := d.Claims.Claim(ctx, u.ID, day)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue
		}
		m, err := d.Compose(ctx, u, now)
		if err == nil && m == nil {
			continue // nothing waits: no mail, and the day is done
		}
		if err == nil {
			err = d.Mail.Send(ctx, *m)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("digest for %s: %w", u.Username, err))
			// Refused for good: not tried again all day (the claim
			// stays); anything else is tried at the next run.
			if !errors.Is(err, ErrRejected) {
				if rerr := d.Claims.Release(ctx, u.ID, day); rerr != nil {
					errs = append(errs, rerr)
				}
			}
			continue
		}
		sent++
		if d.Log != nil {
			d.Log.Info("digest sent", "user", u.Username, "day", day)
		}
	}
	return sent, errors.Join(errs...)
}

// Compose writes u's digest at now; nil when nothing waits for them.
// It names no requester: a request is told by its number alone.
func (d *Digester) Compose(ctx context.Context, u account.User, now time.Time) (*Message, error) {
	ns, err := d.Notifier.For(ctx, u, now)
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	now = now.In(catalog.Shanghai)
	county := ""
	if d.County != nil {
		county = d.County(ctx)
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	overdue, fresh := 0, 0
	for _, x := range ns {
		if x.Overdue {
			overdue++
		}
		if x.New {
			fresh++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n截至%d年%d月%d日%02d:%02d，您有%d项待办", name, now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), len(ns))
	switch {
	case overdue > 0 && fresh > 0:
		fmt.Fprintf(&b, "（%d项已逾期，%d项为新到）", overdue, fresh)
	case overdue > 0:
		fmt.Fprintf(&b, "（%d项已逾期）", overdue)
	case fresh > 0:
		fmt.Fprintf(&b, "（%d项为新到）", fresh)
	}
	b.WriteString("：\n")
	base := strings.TrimRight(d.BaseURL, "/")
	for i, x := range ns {
		mark := ""
		switch {
		case x.Overdue:
			mark = "【逾期】"
		case x.New:
			mark = "【新】"
		}
		fmt.Fprintf(&b, "\n%d. %s［%s］", i+1, mark, x.Kind.Name())
		if x.UnitName != "" {
			fmt.Fprintf(&b, "%s：", x.UnitName)
		}
		b.WriteString(x.Text)
		fmt.Fprintf(&b, "\n   %s%s\n", base, x.Link)
	}
	b.WriteString("\n——\n")
	if county != "" {
		b.WriteString(county + "政务公开平台每个工作日发送此提醒。")
	} else {
		b.WriteString("政务公开平台每个工作日发送此提醒。")
	}
	b.WriteString("不需要时，可在后台“我的账号”中关闭每日提醒。请勿回复本邮件。\n")
	subject := fmt.Sprintf("政务公开每日提醒（%d月%d日）：%d项待办", now.Month(), now.Day(), len(ns))
	if overdue > 0 {
		subject += fmt.Sprintf("，%d项逾期", overdue)
	}
	return &Message{To: u.Email, ToName: name, Subject: subject, Body: b.String()}, nil
}
