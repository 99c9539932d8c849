// Package smtpmail sends notify's messages through an SMTP server: the
// county's own mail relay, or a government mailbox's submission port.
//
// It speaks SMTP with emersion/go-smtp (net/smtp is frozen): implicit TLS on
// port 465, STARTTLS elsewhere (a server without it is refused unless TLS
// is "none", for a relay on the same host or LAN), PLAIN authentication
// only over TLS.
package smtpmail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"gongkai/notify"
)

// TLS modes.
const (
	TLSAuto     = "auto"     // implicit TLS on port 465, else STARTTLS
	TLSStartTLS = "starttls" // STARTTLS, refusing a server without it
	TLSImplicit = "tls"      // TLS from the first byte
	TLSNone     = "none"     // plain text (a relay on the same host or LAN only)
)

// Mailer is an SMTP server to send through.
type Mailer struct {
	// Addr is host:port.
	Addr string
	// Username and Password authenticate (PLAIN, over TLS); none when empty.
	Username, Password string
	// From is the sender's address, FromName its display name.
	From, FromName string
	// TLS is one of the modes; "" is TLSAuto.
	TLS string
	// TLSConfig verifies the server (nil: the system's roots).
	TLSConfig *tls.Config
	// Timeout bounds one message's whole conversation; 0 is 30 s.
	Timeout time.Duration
}

var _ notify.Mailer = (*Mailer)(nil)

// Validate checks the settings before the first mail.
func (m *Mailer) Validate() error {
	host, port, err := net.SplitHostPort(m.Addr)
	if err != nil || host == "" || port == "" {
		return fmt.Errorf("want host:port, e.g. mail.example.gov.cn:587")
	}
	if a, err := mail.ParseAddress(m.From); err != nil || a.Address != m.From {
		return fmt.Errorf("sender %q is not a bare e-mail address", m.From)
	}
	switch m.TLS {
	case "", TLSAuto, TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("TLS mode %q: want auto, starttls, tls or none", m.TLS)
	}
	if m.Username != "" && m.TLS == TLSNone {
		return fmt.Errorf("a password is never sent without TLS")
	}
	return nil
}

// Send implements notify.Mailer.
func (m *Mailer) Send(ctx context.Context, msg notify.Message) error {
	data, err := m.compose(msg, time.Now())
	if err != nil {
		return err
	}
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, port, _ := net.SplitHostPort(m.Addr)
	cfg := m.TLSConfig.Clone()
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	mode := m.TLS
	if mode == "" || mode == TLSAuto {
		mode = TLSAuto
		if port == "465" {
			mode = TLSImplicit
		}
	}
	d := &net.Dialer{}
	var conn net.Conn
	if mode == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", m.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", m.Addr)
	}
	if err != nil {
		return fmt.Errorf("smtp %s: %w", m.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	var c *smtp.Client
	if mode == TLSAuto || mode == TLSStartTLS {
		if c, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
			conn.Close()
			return fmt.Errorf("smtp %s: STARTTLS: %w (a relay without TLS needs GONGKAI_SMTP_TLS=none)", m.Addr, err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if m.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.Username, m.Password)); err != nil {
			return fmt.Errorf("smtp %s: authentication: %w", m.Addr, err)
		}
	}
	if err := c.SendMail(m.From, []string{msg.To}, bytes.NewReader(data)); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code >= 500 {
			return fmt.Errorf("smtp %s: %w: %w", m.Addr, notify.ErrRejected, err)
		}
		return fmt.Errorf("smtp %s: %w", m.Addr, err)
	}
	return c.Quit()
}

// compose writes the message: UTF-8 plain text in base64, its subject and
// names encoded for any mail reader.
func (m *Mailer) compose(msg notify.Message, now time.Time) ([]byte, error) {
	if a, err := mail.ParseAddress(msg.To); err != nil || a.Address != msg.To {
		return nil, fmt.Errorf("recipient %q is not a bare e-mail address", msg.To)
	}
	var id [12]byte
	rand.Read(id[:])
	domain := m.From[strings.LastIndexByte(m.From, '@')+1:]
	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k + ": " + v + "\r\n")
	}
	header("From", (&mail.Address{Name: m.FromName, Address: m.From}).String())
	header("To", (&mail.Address{Name: msg.ToName, Address: msg.To}).String())
	header("Subject", mime.BEncoding.Encode("UTF-8", msg.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(msg.Body, "\n", "\r\n")))
	for len(body) > 76 {
		b.WriteString(body[:76] + "\r\n")
		body = body[76:]
	}
	b.WriteString(body + "\r\n")
	return b.Bytes(), nil
}
