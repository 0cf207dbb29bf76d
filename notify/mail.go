package notify

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/wneessen/go-mail"
)

// Mail sends e-mail over SMTP.
type Mail struct {
	client *mail.Client
	from   string
	domain string // of the From address: the right side of every Message-ID
}

// NewMail configures the SMTP sender from a URL "smtp://user:pass@host:port" ("smtps://" for TLS
// from the first byte, port 465 by default), a TLS policy for smtp:// — "mandatory" (STARTTLS or
// refuse; the default), "opportunistic" or "none" — and the From address.
func NewMail(rawURL, tlsPolicy, from string) (*Mail, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" || u.Hostname() == "" {
		return nil, errors.New("smtp url: want smtp://user:pass@host:port or smtps://…")
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail from %q: %w", from, err)
	}
	_, domain, _ := strings.Cut(addr.Address, "@")
	opts := []mail.Option{mail.WithTimeout(20 * time.Second)}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, mail.WithSSL())
	} else {
		policy, err := parseTLSPolicy(tlsPolicy)
		if err != nil {
			return nil, err
		}
		opts = append(opts, mail.WithTLSPolicy(policy))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("smtp url: port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(u.User.Username()),
			mail.WithPassword(pass))
	}
	c, err := mail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return &Mail{client: c, from: from, domain: domain}, nil
}

func parseTLSPolicy(s string) (mail.TLSPolicy, error) {
	switch s {
	case "", "mandatory":
		return mail.TLSMandatory, nil
	case "opportunistic":
		return mail.TLSOpportunistic, nil
	case "none":
		return mail.NoTLS, nil
	}
	return 0, fmt.Errorf("smtp tls %q: want mandatory, opportunistic or none", s)
}

// Name is "smtp".
func (*Mail) Name() string { return "smtp" }

// Send delivers one message on its own connection. The Message-ID is derived from the outbox ID,
// so a message sent twice after a crash carries the same Message-ID both times and mail systems
// treat the second as a duplicate. A 5xx answer is permanent; anything else is retried.
func (s *Mail) Send(ctx context.Context, m *purse.Message) error {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingB64))
	if err := msg.From(s.from); err != nil {
		return Permanent(fmt.Errorf("from address: %w", err))
	}
	if err := msg.To(m.To); err != nil {
		return Permanent(fmt.Errorf("recipient address: %w", err))
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(MessageID(m.ID, s.domain))
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetGenHeader(mail.HeaderContentLang, m.Language)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Body)
	err := s.client.DialAndSendWithContext(ctx, msg)
	if err == nil {
		return nil
	}
	var se *mail.SendError
	if errors.As(err, &se) && !se.IsTemp() && isRejection(se) {
		return Permanent(err)
	}
	return err
}

// isRejection tells a server's 5xx answer to the envelope or data (permanent) from a failure to
// connect, greet or authenticate (which a configuration fix or time may cure).
func isRejection(se *mail.SendError) bool {
	switch se.Reason {
	case mail.ErrSMTPMailFrom, mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
		return se.ErrorCode() >= 500 && se.ErrorCode() < 600
	}
	return false
}

// MessageID is the Message-ID (without angle brackets) of the outbox message id sent from domain.
func MessageID(id, domain string) string { return id + "@" + domain }
