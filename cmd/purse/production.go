package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/bank"
)

// production refuses to start a server outside --demo that would fake what production needs:
// a bank gateway that approves top-ups no bank paid, closure certificates signed with a key that
// dies at restart, or one-time codes marked sent that reach nobody. Each refusal names the flag.
func (c *ServeCmd) production() error {
	if c.Demo {
		return nil
	}
	var missing []string
	switch c.Bank {
	case "sandbox":
		return errors.New("--bank sandbox is accepted only with --demo: it approves every top-up that no bank paid; set --bank http with --bank-url and PURSE_BANK_KEY_FILE")
	case "":
		missing = append(missing, "a bank gateway (--bank http --bank-url https://… with PURSE_BANK_KEY or --bank-key-file)")
	}
	if c.CertificateKey == "" {
		missing = append(missing, "a certificate signing key (--certificate-key FILE; see docs/deployment.md)")
	}
	missing = append(missing, c.CheckpointFlags.missing()...)
	if c.BaseURL == "" {
		// The closure and erasure notices carry links to the user's documents: relative, they
		// open nowhere from an SMS or a mail client.
		missing = append(missing, "the public URL for links in notices (--base-url https://…)")
	}
	if !c.DevOutbox {
		if c.SMTPURL == "" {
			missing = append(missing, "an e-mail provider (--smtp-url and --mail-from), or --dev-outbox")
		}
		if c.SMSWebhookURL == "" {
			missing = append(missing, "an SMS provider (--sms-webhook-url with PURSE_SMS_WEBHOOK_SECRET), or --dev-outbox")
		}
		if c.webhookSecret() == "" {
			missing = append(missing, "a webhook secret for linked platforms (PURSE_WEBHOOK_SECRET), or --dev-outbox")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("refusing to start outside --demo without %s", strings.Join(missing, "; "))
	}
	return nil
}

// gateway builds the bank gateway the flags name, and the key its callbacks are verified with.
func (c *ServeCmd) gateway(clk purse.Clock) (bank.Gateway, []byte, error) {
	switch c.Bank {
	case "http":
		if c.BankURL == "" {
			return nil, nil, errors.New("--bank http needs --bank-url")
		}
		key, err := bank.LoadKey("PURSE_BANK_KEY", c.BankKeyFile)
		if err != nil {
			return nil, nil, err
		}
		g, err := bank.NewHTTP(c.BankURL, key, clk)
		if err != nil {
			return nil, nil, err
		}
		return g, key, nil
	case "sandbox", "":
		if !c.Demo {
			return nil, nil, errors.New("--bank sandbox is accepted only with --demo")
		}
		return bank.Sandbox{}, nil, nil
	}
	return nil, nil, fmt.Errorf("--bank %q: http or sandbox", c.Bank)
}
