package notify

import (
	"errors"

	"github.com/purse-wallet/purse"
)

// Config names the providers. A channel left unconfigured goes to the dev outbox.
type Config struct {
	SMTPURL  string // smtp://user:pass@host:port
	SMTPTLS  string // mandatory (default), opportunistic, none
	MailFrom string

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
		m, err := NewMail(c.SMTPURL, c.SMTPTLS, c.MailFrom)
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
