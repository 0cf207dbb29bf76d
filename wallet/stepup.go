package wallet

import (
	"context"
	"errors"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

// Money leaving the wallet needs the payment password (issue 13). A transfer's password, once
// sent, is always compared and counted inside the movement's transaction, so a wrong one counts
// toward the lock whatever the amount, and the movement then moves nothing.

// needPassword is PAYMENT_PASSWORD_REQUIRED; params say why (Above: over the per-payment cap,
// Daily: the day's password-free total is spent), none for a movement that always needs it.
func needPassword(params map[string]any) *purse.Error {
	return &purse.Error{Code: purse.CodePaymentPasswordNeeded, Params: params, Detail: "payment password required"}
}

// passwordFree decides inside tx whether a transfer of amount may go without the payment password:
// only while the payment password is not locked, when the holder has switched password-free small
// payments on (SwitchSmallPayments, with the payment password), within the operator's per-payment
// cap, and while the day's password-free total (in the operator's time zone) stays within the
// operator's daily cap. The day's total is counted here and rolls back with a refused or failed
// transfer. Errors: PAYMENT_PASSWORD_REQUIRED, PAYMENT_PASSWORD_LOCKED.
func (s *Service) passwordFree(ctx context.Context, tx purse.Tx, accountID string, amount int64) error {
	rec, err := tx.Account(ctx, accountID)
	if err != nil {
		return err
	}
	if err := s.mayGoFree(rec, tx.Now(), amount); err != nil {
		return err
	}
	key, day := smallPayKey(accountID), s.today(tx.Now())
	total, err := tx.AddToCounter(ctx, key, day, amount)
	if err != nil {
		return err
	}
	if total > s.Config.SmallDaily {
		// Taken back at once: the transaction may go on (a savepoint's caller may commit).
		if _, err := tx.AddToCounter(ctx, key, day, -amount); err != nil {
			return err
		}
		return s.overDaily()
	}
	return nil
}

// mayGoFree is what a password-free payment of amount needs besides room in the day's total: the
// payment password not locked, the holder's switch on, the amount within the per-payment cap.
func (s *Service) mayGoFree(rec *purse.AccountRecord, now time.Time, amount int64) error {
	if now.Before(rec.PayLockedUntil) {
		return &purse.Error{Code: account.CodePaymentPasswordLocked, Params: map[string]any{"Until": rec.PayLockedUntil},
			RetryAfter: rec.PayLockedUntil.Sub(now), Detail: "password-free payments stop while the payment password is locked"}
	}
	if !rec.OneClickPay {
		return needPassword(map[string]any{"Off": true})
	}
	if amount > s.Config.PasswordAbove {
		return needPassword(map[string]any{"Above": cny(s.Config.PasswordAbove)})
	}
	return nil
}

// overDaily refuses a password-free payment the day's total has no room for.
func (s *Service) overDaily() error {
	return needPassword(map[string]any{"Daily": cny(s.Config.SmallDaily)})
}

// smallPayKey is the rate counter that sums the account's password-free payments of a day.
func smallPayKey(accountID string) string { return "small-payments:" + accountID }

// today is the start of t's day in the operator's time zone: password-free totals are per day there.
func (s *Service) today(t time.Time) time.Time {
	l := t.In(s.Config.Location)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, s.Config.Location)
}

// withProof runs fn, a transaction that counts the payment password pin, with its proof. A
// verifier still an argon2id one is compared once outside the transaction (see
// provePaymentPassword) and fn runs again with that comparison.
func (s *Service) withProof(ctx context.Context, accountID, pin string, fn func(*account.PaymentPasswordProof) error) error {
	err := fn(s.Accounts.NewPaymentPasswordProof(accountID, pin))
	if !errors.Is(err, account.ErrSlowPaymentPassword) {
		return err
	}
	proof, err := s.provePaymentPassword(ctx, accountID, pin)
	if err != nil {
		return err
	}
	return fn(proof)
}
