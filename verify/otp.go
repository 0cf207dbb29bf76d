// Package verify issues and checks the closure's verification factors other than the payment
// password: one-time codes by SMS or e-mail, graphic captchas (PW-2) and e-mail confirmation links
// (IM-2). Every secret is stored only as a keyed hash, and every check is bound to one account.
package verify

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/vault"
)

// One-time code limits (DESIGN.md §7).
const (
	CodeTTL      = 5 * time.Minute
	CodeAttempts = 5
	ResendAfter  = 60 * time.Second
	DailyCap     = 10
)

// OTP issues and checks 6-digit one-time codes.
type OTP struct {
	Vault *vault.Vault
}

func (o *OTP) hash(accountID, purpose, code string) string {
	return o.Vault.Lookup("otp", accountID+"|"+purpose+"|"+code)
}

// Issue makes a new code for the account, purpose and channel and returns it for sending; the
// caller enqueues the message in the same transaction. recipient is the phone or e-mail the code
// goes to: the daily cap holds per account and per recipient, so that a pumping attacker cannot
// spread over accounts (SMS-pumping fraud). Errors: OTP_RATE_LIMITED with RetryAfter. The counters
// are counted before the cap is checked: on any error the caller must not commit tx. A wallet with
// no phone (released to the number's new holder, AP-9) gets PHONE_NOT_BOUND for an SMS code, one
// with no e-mail NO_EMAIL: a code sent to nobody would leave the user waiting for it.
func (o *OTP) Issue(ctx context.Context, tx purse.Tx, accountID, purpose string, ch purse.Channel, recipient string) (string, error) {
	if recipient == "" {
		if ch == purse.ChannelSMS {
			return "", purse.Errorf(purse.CodePhoneNotBound, "account %s has no bound phone", accountID)
		}
		return "", purse.Errorf(purse.CodeNoEmail, "account %s has no e-mail", accountID)
	}
	now := tx.Now()
	last, err := tx.LatestCode(ctx, accountID, purpose, ch)
	if err != nil && !errors.Is(err, purse.ErrNotFound) {
		return "", err
	}
	if last != nil && now.Before(last.CreatedAt.Add(ResendAfter)) {
		return "", &purse.Error{Code: purse.CodeOTPRateLimited, Detail: "resend too soon",
			RetryAfter: last.CreatedAt.Add(ResendAfter).Sub(now)}
	}
	day := now.Truncate(24 * time.Hour)
	keys := []string{"otp:account:" + accountID, "otp:to:" + o.Vault.Bucket("otp-recipient", recipient)}
	// Both counters are counted and read in one statement. A refusal here is returned as an
	// error, so the caller's transaction rolls back and the refused request counts nowhere, as if
	// the counters had been read first.
	counts, err := tx.HitAll(ctx, keys, day)
	if err != nil {
		return "", err
	}
	for _, n := range counts {
		if n > DailyCap {
			return "", &purse.Error{Code: purse.CodeOTPRateLimited, Detail: "daily cap",
				RetryAfter: day.Add(24 * time.Hour).Sub(now)}
		}
	}
	code, err := digits(6)
	if err != nil {
		return "", err
	}
	c := &purse.OneTimeCode{ID: purse.NewID(), AccountID: accountID, Purpose: purpose, Channel: ch,
		CodeHash: o.hash(accountID, purpose, code), CreatedAt: now, ExpiresAt: now.Add(CodeTTL)}
	if err := tx.InsertCode(ctx, c); err != nil {
		return "", err
	}
	return code, nil
}

// Check verifies a code against the newest one issued for the account, purpose and channel. A
// wrong code spends one of its tries: the caller must let the transaction commit (FailAfterCommit).
// Errors: OTP_INVALID (with Remaining), OTP_EXPIRED (expired, used, or out of tries: ask for a new
// code, GE-1).
func (o *OTP) Check(ctx context.Context, tx purse.Tx, accountID, purpose string, ch purse.Channel, code string) error {
	c, err := tx.LatestCode(ctx, accountID, purpose, ch)
	if errors.Is(err, purse.ErrNotFound) {
		return purse.Errorf(purse.CodeOTPInvalid, "no code was sent")
	}
	if err != nil {
		return err
	}
	now := tx.Now()
	if !c.UsedAt.IsZero() || !now.Before(c.ExpiresAt) || c.Attempts >= CodeAttempts {
		return purse.Errorf(purse.CodeOTPExpired, "code expired, used or out of tries")
	}
	if subtle.ConstantTimeCompare([]byte(c.CodeHash), []byte(o.hash(accountID, purpose, code))) == 1 {
		c.UsedAt = now
		return tx.UpdateCode(ctx, c)
	}
	c.Attempts++
	if err := tx.UpdateCode(ctx, c); err != nil {
		return err
	}
	return &purse.Error{Code: purse.CodeOTPInvalid, Detail: "wrong code",
		Params: map[string]any{"Remaining": CodeAttempts - c.Attempts}}
}

func digits(n int) (string, error) {
	b := make([]byte, n)
	for i := range b {
		v, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			return "", fmt.Errorf("verify: random: %w", err)
		}
		b[i] = byte('0' + v.Int64())
	}
	return string(b), nil
}
