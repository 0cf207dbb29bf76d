package business

import (
	"context"
	"errors"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
)

// Installing the device certificate (AP-2's own remedy). A "digital-certificate user" whose
// certificate is not on this device is stopped by the closure's environment check. Support can
// lift the requirement; this is the holder's own way: a code goes by SMS to the bound phone, and
// the code together with the payment password installs the certificate on the device the session
// was opened on, and on no other. Both are asked for because the certificate exists to demand more
// than the phone: an SMS code alone is what a SIM-swap thief has, and the payment password is the
// factor the wallet already holds for exactly this kind of consent (TP-4). An account without a
// payment password is asked for the code only.

// Codes of the certificate install.
const (
	// CodeCertificateNotRequired: the account is no certificate user, nothing to install.
	CodeCertificateNotRequired purse.Code = "CERTIFICATE_NOT_REQUIRED"
	// CodeDeviceNotRemembered: the session's device was forgotten (revoked) meanwhile; sign in
	// again on this device.
	CodeDeviceNotRemembered purse.Code = "DEVICE_NOT_REMEMBERED"
)

// StartCertificateInstall sends a code to the account's bound phone for installing the device
// certificate. A pending install is superseded. The flow does not block a closure: it is the
// closure's own remedy. Errors: CERTIFICATE_NOT_REQUIRED, ACCOUNT_CLOSING, ACCOUNT_NOT_ACTIVE,
// OTP_RATE_LIMITED (daily cap).
func (s *Service) StartCertificateInstall(ctx context.Context, accountID string) (*purse.BusinessFlow, error) {
	var f *purse.BusinessFlow
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		if !acct.CertificateRequired {
			return purse.Errorf(CodeCertificateNotRequired, "account %s is no certificate user", accountID)
		}
		if err := startable(acct); err != nil {
			return err
		}
		if err := supersede(ctx, tx, accountID, purse.BusinessCertificateInstall); err != nil {
			return err
		}
		f = newFlow(accountID, purse.BusinessCertificateInstall, tx.Now(), false)
		if f.TargetMasked, err = account.MaskedPhone(ctx, tx, s.Vault, acct); err != nil {
			return err
		}
		phone, err := s.recipient(ctx, tx, acct, f)
		if err != nil {
			return err
		}
		if err := s.issue(ctx, tx, f, acct, phone); err != nil {
			return err
		}
		if err := tx.InsertBusinessFlow(ctx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "business.certificate_install.start", accountID,
			map[string]string{"flow_id": f.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("start certificate install: %w", err)
	}
	return f, nil
}

// CertificateInstall is what ConfirmCertificateInstall needs: the flow, its code, the payment
// password and the session whose device receives the certificate.
type CertificateInstall struct {
	FlowID, Code, PaymentPassword string
	// SessionID is the caller's authenticated session; DeviceLabel names its device when the
	// session runs on no remembered device yet, which the install then remembers.
	SessionID, DeviceLabel string
}

// InstalledCertificate is the device that now holds the certificate, and the token the client
// keeps when the install had to remember the device (shown once).
type InstalledCertificate struct {
	Device      *purse.Device `json:"device"`
	DeviceToken string        `json:"device_token,omitempty" doc:"Set when this device was remembered by the install: send it with later sign-ins"`
}

// ConfirmCertificateInstall installs the account's device certificate on the device the session
// was opened on (remembered now, when the session runs on none), with the code StartCertificateInstall sent and the payment password (when the
// account has one). The payment password is checked before the code, so a wrong one spends no
// try of the code; each counts toward its own lock. The install is audited and written into the
// history of the account's latest closure request, if any. Errors: NOT_FOUND,
// BUSINESS_KIND_MISMATCH, DEVICE_NOT_REMEMBERED (the device was revoked meanwhile), PAYMENT_PASSWORD_WRONG, PAYMENT_PASSWORD_LOCKED,
// OTP_INVALID (with Remaining tries), OTP_EXPIRED (ask for a new code).
func (s *Service) ConfirmCertificateInstall(ctx context.Context, accountID string, in CertificateInstall) (*InstalledCertificate, error) {
	var out *InstalledCertificate
	err := s.flow(ctx, accountID, in.FlowID, func(tx purse.Tx, acct *purse.AccountRecord, f *purse.BusinessFlow) error {
		if f.Kind != purse.BusinessCertificateInstall {
			return purse.Errorf(CodeWrongFlow, "flow %s is a %s", in.FlowID, f.Kind)
		}
		if acct.PaymentPasswordHash != "" {
			if err := s.Accounts.CheckPaymentPassword(ctx, tx, accountID, in.PaymentPassword); err != nil {
				return err
			}
		}
		if err := s.verify(ctx, tx, f, in.Code); err != nil {
			return err
		}
		d, token, err := s.Accounts.RememberSessionDevice(ctx, tx, accountID, in.SessionID, in.DeviceLabel)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(CodeDeviceNotRemembered, "session %s runs on another account's device", in.SessionID)
		}
		if err != nil {
			return err
		}
		now := tx.Now()
		if ok, err := tx.CertifyDevice(ctx, accountID, d.ID, now); err != nil {
			return err
		} else if !ok {
			return purse.Errorf(CodeDeviceNotRemembered, "device %s was revoked", d.ID)
		}
		d.CertificateAt = now
		f.Status, f.EndedAt = "completed", now
		if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
			return err
		}
		if err := certificateHistory(ctx, tx, accountID, d); err != nil {
			return err
		}
		out = &InstalledCertificate{Device: d, DeviceToken: token}
		return audit.Record(ctx, tx, "account:"+accountID, "business.certificate_install.complete", accountID,
			map[string]string{"flow_id": f.ID, "device_id": d.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("confirm certificate install: %w", err)
	}
	return out, nil
}

// certificateHistory writes the install into the history of the account's latest closure request
// (the one the environment check stopped, usually), so that the user and support read, where the
// closure stands, why the next check passes on this device.
func certificateHistory(ctx context.Context, tx purse.Tx, accountID string, d *purse.Device) error {
	list, err := tx.AccountClosures(ctx, accountID, 1)
	if err != nil || len(list) == 0 {
		return err
	}
	c := list[0]
	return tx.InsertClosureEvents(ctx, []*purse.ClosureEvent{{ClosureID: c.ID, At: d.CertificateAt, From: c.State,
		To: c.State, Actor: "account:" + accountID, Note: "device certificate installed",
		Data: map[string]string{"device": d.ID}}})
}
