package smtpmail_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"gongkai/notify"
	"gongkai/notify/smtpmail"
)

// server is an SMTP server on the loopback: with a certificate for
// 127.0.0.1 when tlsOn, asking for PLAIN with user gongkai / Secret-1.
type server struct {
	addr    string
	mu      sync.Mutex
	got     [][]byte
	authed  []string
	plainTx bool // a message or a password went over a plain connection
	roots   *x509.CertPool
}

// seen is what the server received: messages, sign-ins, and whether
// anything went in the clear.
func (s *server) seen() (got [][]byte, authed int, plain bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got...), len(s.authed), s.plainTx
}

type session struct {
	s    *server
	conn *smtp.Conn
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }
func (x *session) AuthMechanisms() []string {
	return []string{sasl.Plain}
}
func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		x.s.mu.Lock()
		defer x.s.mu.Unlock()
		if _, ok := x.conn.TLSConnectionState(); !ok {
			x.s.plainTx = true
		}
		if user != "gongkai" || pass != "Secret-1" {
			return errors.New("bad credentials")
		}
		x.s.authed = append(x.s.authed, user)
		return nil
	}), nil
}
func (x *session) Mail(string, *smtp.MailOptions) error { return nil }
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == "nobody@example.gov.cn" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	return nil
}
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if _, ok := x.conn.TLSConnectionState(); !ok {
		x.s.plainTx = true
	}
	x.s.got = append(x.s.got, b)
	return err
}

// certificate makes a self-signed certificate for 127.0.0.1.
func certificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// start serves: "starttls" offers STARTTLS, "tls" is TLS from the first
// byte, "plain" offers neither.
func start(t *testing.T, mode string) *server {
	t.Helper()
	s := &server{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	srv.Domain = "mail.test"
	srv.AllowInsecureAuth = mode == "plain" // to catch a client that would send a password in the clear
	var l net.Listener
	var err error
	if mode != "plain" {
		cert, pool := certificate(t)
		s.roots = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		if mode == "tls" {
			l, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
		} else {
			srv.TLSConfig = cfg
		}
	}
	if l == nil && err == nil {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

var msg = notify.Message{To: "clerk@example.gov.cn", ToName: "三溪镇办事员", Subject: "政务公开每日提醒（12月1日）：2项待办", Body: "第一行\n第二行"}

func TestSendOverTLSWithAPassword(t *testing.T) {
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			s := start(t, mode)
			m := &smtpmail.Mailer{Addr: s.addr, Username: "gongkai", Password: "Secret-1", From: "gongkai@example.gov.cn", FromName: "政务公开平台",
				TLS: mode, TLSConfig: &tls.Config{RootCAs: s.roots}}
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := m.Send(t.Context(), msg); err != nil {
				t.Fatal(err)
			}
			got, authed, plain := s.seen()
			if len(got) != 1 || authed != 1 || plain {
				t.Fatalf("got %d messages, %d sign-ins, plain %v", len(got), authed, plain)
			}
			head := string(got[0])
			for _, want := range []string{"From: =?utf-8?q?", "<gongkai@example.gov.cn>", "To: =?utf-8?q?", "<clerk@example.gov.cn>", "Subject: =?UTF-8?b?",
				"Content-Type: text/plain; charset=UTF-8", "Message-ID: <", "@example.gov.cn>", "Auto-Submitted: auto-generated"} {
				if !strings.Contains(head, want) {
					t.Errorf("message lacks %q:\n%s", want, head)
				}
			}
			m.Password = "wrong"
			if err := m.Send(t.Context(), msg); err == nil || !strings.Contains(err.Error(), "authentication") {
				t.Errorf("a wrong password: %v", err)
			}
			// A certificate the machine does not trust is refused.
			m.Password, m.TLSConfig = "Secret-1", nil
			if err := m.Send(t.Context(), msg); err == nil {
				t.Error("an untrusted certificate was accepted")
			}
			if got, _, _ := s.seen(); len(got) != 1 {
				t.Errorf("%d messages after the refusals", len(got))
			}
		})
	}
}

// TestNoPasswordInTheClear: a server without STARTTLS is refused in the
// default mode, before any password or message goes; a relay without TLS
// is used when the county says so.
func TestNoPasswordInTheClear(t *testing.T) {
	s := start(t, "plain")
	m := &smtpmail.Mailer{Addr: s.addr, Username: "gongkai", Password: "Secret-1", From: "gongkai@example.gov.cn"}
	if err := m.Send(t.Context(), msg); err == nil || !strings.Contains(err.Error(), "GONGKAI_SMTP_TLS=none") {
		t.Errorf("no STARTTLS: %v", err)
	}
	if got, _, plain := s.seen(); len(got) != 0 || plain {
		t.Fatalf("sent in the clear: %d messages, plain %v", len(got), plain)
	}
	relay := &smtpmail.Mailer{Addr: s.addr, From: "gongkai@example.gov.cn", TLS: smtpmail.TLSNone}
	if err := relay.Send(t.Context(), msg); err != nil {
		t.Errorf("the relay: %v", err)
	} else if got, _, _ := s.seen(); len(got) != 1 {
		t.Errorf("the relay: %d messages", len(got))
	}
	// A mailbox that does not exist is refused for good: not tried again.
	if err := relay.Send(t.Context(), notify.Message{To: "nobody@example.gov.cn", Subject: "x", Body: "x"}); !errors.Is(err, notify.ErrRejected) {
		t.Errorf("a refused mailbox: %v", err)
	}
	if err := relay.Send(t.Context(), notify.Message{To: "a@b.cn\r\nBcc: x@y.cn", Subject: "x", Body: "x"}); err == nil {
		t.Error("a recipient with a header in it was accepted")
	}
}

func TestSettingsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		m    smtpmail.Mailer
		want string
	}{
		{smtpmail.Mailer{Addr: "mail.example.gov.cn", From: "a@example.gov.cn"}, "host:port"},
		{smtpmail.Mailer{Addr: "mail.example.gov.cn:587", From: "政务公开 <a@example.gov.cn>"}, "bare e-mail"},
		{smtpmail.Mailer{Addr: "mail.example.gov.cn:587", From: "a@example.gov.cn", TLS: "ssl"}, "TLS mode"},
		{smtpmail.Mailer{Addr: "mail.example.gov.cn:25", From: "a@example.gov.cn", TLS: "none", Username: "a"}, "never sent without TLS"},
		{smtpmail.Mailer{Addr: "mail.example.gov.cn:465", From: "a@example.gov.cn"}, ""},
	} {
		err := tc.m.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.m, err, tc.want)
		}
	}
}
