package notify

import (
	"errors"
	"net/url"

	"github.com/purse-wallet/purse"
)

// Config names the providers. A channel left unconfigured goes to the dev outbox.
type Config struct {
	SMTPURL string // smtp://user@host:port; a password in it is refused
	// SMTPPassword, when set (PURSE_SMTP_PASSWORD), replaces the URL's password, so that the password
	// need not appear in a flag other users can read in the process list.
	SMTPPassword string
	SMTPTLS      string // mandatory (default), opportunistic, none
	MailFrom     string

	SMSWebhookURL string
	SMSSecret     []byte // PURSE_SMS_WEBHOOK_SECRET
	WebhookSecret []byte // PURSE_WEBHOOK_SECRET, signs the linked platforms' webhooks
}

// Senders builds a sender for every configured channel.
func (c Config) Senders(clk purse.Clock) (map[purse.Channel]Sender, error) {
	out := map[purse.Channel]Sender{}
	if c.SMTPURL != "" {
		if c.MailFrom == "" {
			return nil, errors.New("--mail-from is needed with --smtp-url")
		}
		raw := c.SMTPURL
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				return nil, errors.New("--smtp-url carries a password: flags are readable by every user of the machine (ps); give the password in PURSE_SMTP_PASSWORD or --smtp-password-file and the URL as smtp://user@host:port")
			}
		}
		if c.SMTPPassword != "" {
			u, err := url.Parse(raw)
			if err != nil || u.User == nil {
				return nil, errors.New("PURSE_SMTP_PASSWORD needs a user in --smtp-url (smtp://user@host:port)")
			}
			u.User = url.UserPassword(u.User.Username(), c.SMTPPassword)
			raw = u.String()
		}
		m, err := NewMail(raw, c.SMTPTLS, c.MailFrom)
		if err != nil {
			return nil, err
		}
		out[purse.ChannelEmail] = m
	}
	if c.SMSWebhookURL != "" {
		h, err := NewSMSHook(c.SMSWebhookURL, c.SMSSecret, clk)
		if err != nil {
			return nil, err
		}
		out[purse.ChannelSMS] = h
	}
	if len(c.WebhookSecret) > 0 {
		h, err := NewPlatformHook(c.WebhookSecret, clk)
		if err != nil {
			return nil, err
		}
		out[purse.ChannelWebhook] = h
	}
	return out, nil
}
