package blocker

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// LiftCertificate ends an account's certificate requirement (AP-2's remedy on support's side):
// a certificate user who lost the device holding the certificate, and whose identity support has
// checked, can then close (or use the wallet) without it. The reason is audited. An account
// without the requirement answers again unchanged. Errors: NOT_FOUND, INVALID_REQUEST (no reason,
// or over 500 characters), TEXT_CONTROL_CHARACTERS.
func (s *Service) LiftCertificate(ctx context.Context, actor, accountID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return invalid("reason", "a reason of 1 to 500 characters")
	}
	if err := purse.CheckText("reason", reason); err != nil {
		return err
	}
	return s.change(ctx, actor, accountID, audit.AdminCertificateLift, anyStatus, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		if !acct.CertificateRequired {
			return nil, nil
		}
		acct.CertificateRequired, acct.CertificateID, acct.UpdatedAt = false, "", tx.Now()
		return map[string]string{"reason": reason}, tx.UpdateAccount(ctx, acct)
	})
}
