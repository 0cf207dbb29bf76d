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
// failures and locking after MaxPayFailures; the count is kept even though the call fails. Errors:
// PAYMENT_PASSWORD_WRONG (with Remaining tries), PAYMENT_PASSWORD_LOCKED (with Until and
// RetryAfter). Call it as the first step of the transaction that does what the password
// authorizes, and return its error unchanged from the Tx callback so the failure count commits.
// The argon2id comparison runs inside tx; where that matters (SQLite's one writer waits for it),
// compare first with ProvePaymentPassword and count with CheckPaymentPasswordProof.
func (s *Service) CheckPaymentPassword(ctx context.Context, tx purse.Tx, accountID, pin string) error {
	return s.CheckPaymentPasswordProof(ctx, tx, &PaymentPasswordProof{accountID: accountID, pin: pin})
}

// PaymentPasswordProof is an argon2id comparison of a payment password made before the
// transaction that counts it, and outside any. The hash costs tens of milliseconds of CPU; inside a
// write transaction it holds SQLite's single writer (every other write in the process waits) or a
// PostgreSQL connection and row lock for as long.
type PaymentPasswordProof struct {
	accountID, pin string
	phc            string // the hash compared against; "" when no comparison was made
	good           bool
}

// ProvePaymentPassword compares pin with the payment password of rec, read by the caller in a
// transaction that has ended. A locked payment password is not compared (the lock is answered by
// CheckPaymentPasswordProof), so a locked account costs no hash.
func (s *Service) ProvePaymentPassword(ctx context.Context, rec *purse.AccountRecord, pin string) (*PaymentPasswordProof, error) {
	p := &PaymentPasswordProof{accountID: rec.ID, pin: pin}
	if s.Clock.Now().Before(rec.PayLockedUntil) {
		return p, nil
	}
	good, err := s.Hasher.Verify(ctx, rec.PaymentPasswordHash, pin)
	if err != nil {
		return nil, err
	}
	p.phc, p.good = rec.PaymentPasswordHash, good
	return p, nil
}

// CheckPaymentPasswordProof is CheckPaymentPassword with the comparison made beforehand: inside tx
// it locks the account row, answers the lock, and counts the proof's result. A proof made against
// another hash than the one now stored (the password changed meanwhile) or none is compared again
// here, so the answer is always against the current password and the count is always kept.
func (s *Service) CheckPaymentPasswordProof(ctx context.Context, tx purse.Tx, p *PaymentPasswordProof) error {
	rec, err := tx.AccountForUpdate(ctx, p.accountID)
	if err != nil {
		return fmt.Errorf("payment password of %s: %w", p.accountID, err)
	}
	return s.CheckPaymentPasswordProofLocked(ctx, tx, rec, p)
}

// CheckPaymentPasswordProofLocked is CheckPaymentPasswordProof on the account record the caller
// has already read with its row lock in tx (AccountForUpdate), so the step reads it once.
func (s *Service) CheckPaymentPasswordProofLocked(ctx context.Context, tx purse.Tx, rec *purse.AccountRecord, p *PaymentPasswordProof) error {
	if rec.ID != p.accountID {
		return fmt.Errorf("payment password proof of %s checked against %s", p.accountID, rec.ID)
	}
	accountID := rec.ID
	now := tx.Now()
	if now.Before(rec.PayLockedUntil) {
		return payLocked(rec.PayLockedUntil, now)
	}
	good := p.good
	if p.phc == "" || p.phc != rec.PaymentPasswordHash {
		var err error
		if good, err = s.Hasher.Verify(ctx, rec.PaymentPasswordHash, p.pin); err != nil {
			return err
		}
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
