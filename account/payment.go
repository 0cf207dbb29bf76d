package account

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// Payment-password limits (issue 4, DESIGN.md §7): five wrong tries lock it for three hours. A
// 6-digit PIN has a million values; the lock, not the hash, is what protects it.
const (
	MaxPayFailures = 5
	PayLock        = 3 * time.Hour
)

// Codes of the payment password.
const (
	CodePaymentPasswordWrong  purse.Code = "PAYMENT_PASSWORD_WRONG"
	CodePaymentPasswordLocked purse.Code = "PAYMENT_PASSWORD_LOCKED"
)

// CheckPaymentPassword verifies the account's payment password (TP-4) inside tx, counting
// failures and locking after MaxPayFailures. The argon2id comparison runs before the row is read
// for update; the count is kept even though the call fails. Errors: PAYMENT_PASSWORD_WRONG (with
// Remaining tries), PAYMENT_PASSWORD_LOCKED (with Until and RetryAfter). Call it as the first step
// of the transaction that does what the password authorizes, and return its error unchanged from the
// Tx callback so the failure count commits.
func (s *Service) CheckPaymentPassword(ctx context.Context, tx purse.Tx, accountID, pin string) error {
	rec, err := tx.AccountForUpdate(ctx, accountID)
	if err != nil {
		return fmt.Errorf("payment password of %s: %w", accountID, err)
	}
	now := tx.Now()
	if now.Before(rec.PayLockedUntil) {
		return payLocked(rec.PayLockedUntil, now)
	}
	good, err := s.Hasher.Verify(ctx, rec.PaymentPasswordHash, pin)
	if err != nil {
		return err
	}
	if good {
		if rec.PayFailures != 0 {
			rec.PayFailures, rec.UpdatedAt = 0, now
			return tx.UpdateAccount(ctx, rec)
		}
		return nil
	}
	rec.PayFailures++
	rec.UpdatedAt = now
	failure := &purse.Error{Code: CodePaymentPasswordWrong,
		Params: map[string]any{"Remaining": MaxPayFailures - rec.PayFailures}}
	if rec.PayFailures >= MaxPayFailures {
		rec.PayFailures = 0
		rec.PayLockedUntil = now.Add(PayLock)
		failure = payLocked(rec.PayLockedUntil, now)
	}
	if err := tx.UpdateAccount(ctx, rec); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, "account:"+accountID, "payment_password.failed", accountID,
		map[string]string{"locked": fmt.Sprint(failure.Code == CodePaymentPasswordLocked)}); err != nil {
		return err
	}
	return purse.FailAfterCommit(failure)
}

func payLocked(until, now time.Time) *purse.Error {
	return &purse.Error{Code: CodePaymentPasswordLocked, Params: map[string]any{"Until": until},
		RetryAfter: until.Sub(now)}
}
