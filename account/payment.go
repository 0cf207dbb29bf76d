package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// Payment-password limits (issue 4, DESIGN.md §7): five wrong tries lock it for three hours. A
// 6-digit PIN has a million values; the lock and a key the database does not hold (secret.PINs),
// not the hash's cost, are what protect it.
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
//
// The comparison is a keyed hash (secret.PINs): microseconds, so it runs inside tx. An account
// whose verifier is still an argon2id one from before pays that hash once, here, and has it
// replaced by a keyed one when the PIN is right; a caller that must not hold its transaction for
// it (SQLite's one writer waits) compares first with ProvePaymentPassword, or retries on
// ErrSlowPaymentPassword (NewPaymentPasswordProof).
func (s *Service) CheckPaymentPassword(ctx context.Context, tx purse.Tx, accountID, pin string) error {
	return s.CheckPaymentPasswordProof(ctx, tx, &PaymentPasswordProof{accountID: accountID, pin: pin, slowOK: true})
}

// PaymentPasswordProof is a payment password to count in a transaction, with the comparison made
// beforehand when ProvePaymentPassword made it.
type PaymentPasswordProof struct {
	accountID, pin string
	phc            string // the verifier compared against; "" when no comparison was made
	good           bool
	slowOK         bool // an argon2id verifier may be compared inside the transaction
}

// ErrSlowPaymentPassword is answered, before anything is counted or written, for a proof made by
// NewPaymentPasswordProof when the account's verifier is still an argon2id one: the caller ends its
// transaction, compares outside it with ProvePaymentPassword (which upgrades the verifier once the
// proof is counted) and runs the transaction again.
var ErrSlowPaymentPassword = errors.New("account: the payment password's verifier is an argon2id one: prove it outside the transaction")

// NewPaymentPasswordProof is a proof whose comparison is made inside the transaction that counts
// it, with the keyed hash; it refuses to run argon2id there (ErrSlowPaymentPassword).
func (s *Service) NewPaymentPasswordProof(accountID, pin string) *PaymentPasswordProof {
	return &PaymentPasswordProof{accountID: accountID, pin: pin}
}

// ProvePaymentPassword compares pin with the payment password of rec, read by the caller in a
// transaction that has ended. A locked payment password is not compared (the lock is answered by
// CheckPaymentPasswordProof), so a locked account costs no hash.
func (s *Service) ProvePaymentPassword(ctx context.Context, rec *purse.AccountRecord, pin string) (*PaymentPasswordProof, error) {
	p := &PaymentPasswordProof{accountID: rec.ID, pin: pin, slowOK: true}
	if s.Clock.Now().Before(rec.PayLockedUntil) {
		return p, nil
	}
	good, err := s.PINs.Verify(ctx, rec.PaymentPasswordHash, rec.ID, pin)
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
// has already read with its row lock in tx (AccountForUpdate), so the step reads it once. A right
// PIN whose verifier is an argon2id one (or under a retired key) has it rewritten under the
// current key, in tx: the next payment costs a keyed hash only.
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
		if !p.slowOK && s.PINs.Slow(rec.PaymentPasswordHash) {
			return ErrSlowPaymentPassword
		}
		var err error
		if good, err = s.PINs.Verify(ctx, rec.PaymentPasswordHash, accountID, p.pin); err != nil {
			return fmt.Errorf("payment password of %s: %w", accountID, err)
		}
	}
	if good {
		upgrade := s.PINs.Upgrade(rec.PaymentPasswordHash)
		if rec.PayFailures == 0 && !upgrade {
			return nil
		}
		if upgrade {
			rec.PaymentPasswordHash = s.PINs.Hash(accountID, p.pin)
		}
		rec.PayFailures, rec.UpdatedAt = 0, now
		return tx.UpdateAccount(ctx, rec)
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
