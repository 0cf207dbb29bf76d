package business

import (
	"context"
	"errors"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
)

// List returns the account's flows, newest first; a pending flow past its expiry shows as
// expired, and a pending one shows the phone it texts, masked.
func (s *Service) List(ctx context.Context, accountID string) ([]*purse.BusinessFlow, error) {
	var out []*purse.BusinessFlow
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		if out, err = tx.BusinessFlows(ctx, accountID); err != nil {
			return err
		}
		for _, f := range out {
			shown(f, tx.Now())
		}
		return s.mask(ctx, tx, accountID, out)
	})
	return out, err
}

// mask fills the masked target of the pending flows, opened from the sealed new phone (a phone
// change) or the account's phone (a certificate install): issue 15 keeps no digit of a phone in
// clear at rest, so the masked form is made when shown. Ended flows show none.
func (s *Service) mask(ctx context.Context, tx purse.Tx, accountID string, flows []*purse.BusinessFlow) error {
	for _, f := range flows {
		if f.Status != "pending" {
			continue
		}
		switch {
		case f.TargetSealed != nil:
			key, err := s.Accounts.DataKey(ctx, tx, accountID)
			if err != nil {
				return err
			}
			phone, err := key.Open("new_phone", f.TargetSealed)
			if err != nil {
				return err
			}
			f.TargetMasked = account.MaskPhone(phone)
		case f.Kind == purse.BusinessCertificateInstall:
			acct, err := tx.Account(ctx, accountID)
			if err != nil {
				return err
			}
			if f.TargetMasked, err = account.MaskedPhone(ctx, tx, s.Vault, acct); err != nil {
				return err
			}
		}
	}
	return nil
}

// flow runs fn on the account's flow id, locked. NOT_FOUND for a malformed id or another account's
// flow.
func (s *Service) flow(ctx context.Context, accountID, id string, fn func(tx purse.Tx, acct *purse.AccountRecord, f *purse.BusinessFlow) error) error {
	if !purse.ValidID(id) {
		return purse.Errorf(purse.CodeNotFound, "no business flow %s", id)
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		f, err := tx.BusinessFlow(ctx, accountID, id)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no business flow %s", id)
		}
		if err != nil {
			return err
		}
		return fn(tx, acct, f)
	})
}

// Cancel ends a pending flow (AP-8.7's remedy). A flow that has already ended answers again
// unchanged. Errors: NOT_FOUND.
func (s *Service) Cancel(ctx context.Context, accountID, id string) (*purse.BusinessFlow, error) {
	var out *purse.BusinessFlow
	err := s.flow(ctx, accountID, id, func(tx purse.Tx, _ *purse.AccountRecord, f *purse.BusinessFlow) error {
		out = shown(f, tx.Now())
		if f.Status != "pending" {
			return nil
		}
		f.Status, f.EndedAt = "cancelled", tx.Now()
		if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "business.cancel", accountID,
			map[string]string{"flow_id": id, "kind": string(f.Kind)})
	})
	if err != nil {
		return nil, fmt.Errorf("cancel business %s: %w", id, err)
	}
	return out, nil
}

// Resend sends a fresh code for a pending flow, at most once per ResendAfter. The new code
// replaces the old one and gets MaxAttempts tries. Errors: NOT_FOUND, OTP_EXPIRED (the flow ended
// or expired), OTP_RATE_LIMITED (too soon, with RetryAfter, or the daily cap).
func (s *Service) Resend(ctx context.Context, accountID, id string) (*purse.BusinessFlow, error) {
	var out *purse.BusinessFlow
	err := s.flow(ctx, accountID, id, func(tx purse.Tx, acct *purse.AccountRecord, f *purse.BusinessFlow) error {
		now := tx.Now()
		if shown(f, now).Status != "pending" {
			return purse.Errorf(CodeOTPExpired, "flow is %s", f.Status)
		}
		if wait := f.CodeSentAt.Add(ResendAfter).Sub(now); wait > 0 {
			return &purse.Error{Code: CodeOTPRateLimited, Detail: "resend too soon", RetryAfter: wait}
		}
		phone, err := s.recipient(ctx, tx, acct, f)
		if err != nil {
			return err
		}
		if err := s.issue(ctx, tx, f, acct, phone); err != nil {
			return err
		}
		if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
			return err
		}
		out = f
		return audit.Record(ctx, tx, "account:"+accountID, "business.resend", accountID,
			map[string]string{"flow_id": id, "kind": string(f.Kind)})
	})
	if err != nil {
		return nil, fmt.Errorf("resend business code %s: %w", id, err)
	}
	return out, nil
}

// recipient is the phone a flow's code goes to: the new phone for a phone change, the account's
// phone for a password recovery.
func (s *Service) recipient(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, f *purse.BusinessFlow) (string, error) {
	key, err := s.Accounts.DataKey(ctx, tx, acct.ID)
	if err != nil {
		return "", err
	}
	if f.Kind == purse.BusinessPhoneChange {
		return key.Open("new_phone", f.TargetSealed)
	}
	return key.Open("phone", acct.PhoneSealed)
}
