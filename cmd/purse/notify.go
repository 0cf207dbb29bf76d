package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
)

// NotifyFlags name the message providers; serve and notify test share them. Secrets come from the
// environment or a file only, never a flag that other users read in the process list:
// PURSE_SMTP_PASSWORD (or --smtp-password-file), PURSE_SMS_WEBHOOK_SECRET, PURSE_WEBHOOK_SECRET.
type NotifyFlags struct {
	SMTPURL          string `name:"smtp-url" env:"PURSE_SMTP_URL" help:"Send e-mail through this server: smtp://user@host:port (smtps:// for TLS from the start). A password in the URL is refused: give it in PURSE_SMTP_PASSWORD or --smtp-password-file."`
	SMTPPasswordFile string `name:"smtp-password-file" env:"PURSE_SMTP_PASSWORD_FILE" help:"File holding the SMTP password (PURSE_SMTP_PASSWORD may hold it instead)."`
	SMTPTLS          string `name:"smtp-tls" default:"mandatory" enum:"mandatory,opportunistic,none" env:"PURSE_SMTP_TLS" help:"STARTTLS policy for smtp://: mandatory, opportunistic or none."`
	MailFrom         string `env:"PURSE_MAIL_FROM" help:"From address of e-mail, e.g. 'purse <noreply@example.com>'."`
	SMSWebhookURL    string `name:"sms-webhook-url" env:"PURSE_SMS_WEBHOOK_URL" help:"Post SMS as signed JSON to this provider URL (HMAC-SHA256 with PURSE_SMS_WEBHOOK_SECRET). Unset: SMS go to the dev outbox."`
}

func (f NotifyFlags) notifyConfig() (notify.Config, error) {
	password := os.Getenv("PURSE_SMTP_PASSWORD")
	if password == "" && f.SMTPPasswordFile != "" {
		b, err := os.ReadFile(f.SMTPPasswordFile)
		if err != nil {
			return notify.Config{}, fmt.Errorf("--smtp-password-file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	return notify.Config{SMTPURL: f.SMTPURL, SMTPTLS: f.SMTPTLS, MailFrom: f.MailFrom,
		SMTPPassword:  password,
		SMSWebhookURL: f.SMSWebhookURL, SMSSecret: []byte(os.Getenv("PURSE_SMS_WEBHOOK_SECRET")),
		WebhookSecret: []byte(f.webhookSecret())}, nil
}

// webhookSecret signs the notices to linked platforms.
func (NotifyFlags) webhookSecret() string { return os.Getenv("PURSE_WEBHOOK_SECRET") }

// NotifyCmd groups the notification tools.
type NotifyCmd struct {
	Test NotifyTestCmd `cmd:"" help:"Send a test notice now through the configured provider, to check its settings."`
}

// NotifyTestCmd sends the test_notice template straight through a provider, outside the outbox, and
// reports the provider's answer: the quickest check of --smtp-url or --sms-webhook-url.
type NotifyTestCmd struct {
	NotifyFlags
	To       string `required:"" help:"E-mail address or phone number to send to."`
	Channel  string `default:"email" enum:"email,sms" help:"email or sms."`
	Language string `default:"zh-CN" enum:"zh-CN,en" help:"Language of the notice."`
}

// Run sends the notice.
func (c *NotifyTestCmd) Run() error {
	cfg, err := c.notifyConfig()
	if err != nil {
		return err
	}
	senders, err := cfg.Senders(purse.SystemClock{})
	if err != nil {
		return err
	}
	s := senders[purse.Channel(c.Channel)]
	if s == nil {
		return fmt.Errorf("no provider configured for %s: set --smtp-url and --mail-from, or --sms-webhook-url", c.Channel)
	}
	cat, err := i18n.New(time.UTC)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	params := map[string]any{"Note": "purse notify test " + now.Format(time.RFC3339)}
	m := &purse.Message{ID: purse.NewID(), Channel: purse.Channel(c.Channel), To: c.To, Template: "test_notice",
		Language: c.Language, Body: cat.Message(c.Language, "test_notice.body", params), CreatedAt: now}
	if m.Channel == purse.ChannelEmail {
		m.Subject = cat.Message(c.Language, "test_notice.subject", params)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Send(ctx, m); err != nil {
		return fmt.Errorf("%s refused the test notice: %w", s.Name(), err)
	}
	fmt.Printf("sent test notice %s by %s\n", m.ID, s.Name())
	return nil
}
