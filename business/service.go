// Package business runs the business that can be in progress on an account (AP-8.7): password
// recovery and phone-number change. Each is a persisted flow: a one-time code goes by SMS, the
// user enters it, and the flow completes; until then it blocks a closure, and the user can cancel
// it, which is how that blocker is removed.
//
// Codes are 6 digits from crypto/rand, stored only as an HMAC bound to the flow, valid for
// CodeLifetime and MaxAttempts tries (DESIGN.md §7); a flow lives FlowLifetime, during which the code
// can be resent after ResendAfter, and at most DailySends codes go out per account per day (SMS
// pumping).
package business

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/vault"
)

// Limits of the flows.
const (
	FlowLifetime = 24 * time.Hour
	CodeLifetime = 5 * time.Minute
	MaxAttempts  = 5
	ResendAfter  = 60 * time.Second
	DailySends   = 10
	// DailySendsPerPhone caps the codes one phone number receives a day, whichever accounts ask:
	// without it, many accounts could each start phone changes towards one number (SMS pumping,
	// DESIGN.md §7).
	DailySendsPerPhone = 10
)

// Codes of one-time-code checks.
const (
	// The one-time-code codes are shared with the closure's verification (purse.CodeOTP*), so a
	// client meets one vocabulary: OTP_INVALID a wrong code (Remaining tries), OTP_EXPIRED a code
	// that expired, was used or ran out of tries (ask for a new one), OTP_RATE_LIMITED a code asked
	// for too soon or past the daily cap (Retry-After).
	CodeOTPInvalid     = purse.CodeOTPInvalid
	CodeOTPExpired     = purse.CodeOTPExpired
	CodeOTPRateLimited = purse.CodeOTPRateLimited
	CodePhoneNotBound  = purse.CodePhoneNotBound
	// CodeWrongFlow: the flow is of another kind than the call expects.
	CodeWrongFlow purse.Code = "BUSINESS_KIND_MISMATCH"
)

// Service runs the flows.
type Service struct {
	Store    purse.Store
	Vault    *vault.Vault
	Accounts *account.Service
	Hasher   *secret.Hasher
	Catalog  *i18n.Catalog
	Log      *slog.Logger
	// RecoveryFloor is the least time StartRecovery and ConfirmRecovery take (see there); DefaultRecoveryFloor in
	// production, 0 to skip.
	RecoveryFloor time.Duration
}

// DefaultRecoveryFloor is well above the time a recovery start takes on a loaded store.
const DefaultRecoveryFloor = 250 * time.Millisecond

// newCode returns 6 random digits.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// codeHash is the code's HMAC under the vault's lookup key, bound to the flow so that a code never
// works for another flow.
func (s *Service) codeHash(flowID, code string) string {
	return s.Vault.Lookup("business-code", flowID+":"+code)
}

// issue puts a fresh code on f and enqueues the SMS carrying it, in tx. It counts against the
// account's and the phone's daily caps: RATE_LIMITED when either is reached; PHONE_NOT_BOUND when
// there is no phone to send it to.
func (s *Service) issue(ctx context.Context, tx purse.Tx, f *purse.BusinessFlow, acct *purse.AccountRecord, phone string) error {
	if phone == "" {
		// The wallet's number was released to its new holder (AP-9): bind another one first.
		return purse.Errorf(CodePhoneNotBound, "account %s has no bound phone", acct.ID)
	}
	now := tx.Now()
	day := now.Truncate(24 * time.Hour)
	n, err := tx.Hit(ctx, "business-sms:"+acct.ID, day)
	if err != nil {
		return err
	}
	if n > DailySends {
		return &purse.Error{Code: CodeOTPRateLimited, Detail: "daily code limit", RetryAfter: day.Add(24 * time.Hour).Sub(now)}
	}
	// The phone is counted by a short keyed hash: the counter table holds no phone number, nor
	// the account's lookup hash, which outlived the account's purge there (issue 15).
	n, err = tx.Hit(ctx, "business-sms-phone:"+s.Vault.Bucket("phone", phone), day)
	if err != nil {
		return err
	}
	if n > DailySendsPerPhone {
		return &purse.Error{Code: CodeOTPRateLimited, Detail: "daily code limit of the phone", RetryAfter: day.Add(24 * time.Hour).Sub(now)}
	}
	code, err := newCode()
	if err != nil {
		return err
	}
	f.CodeHash, f.Attempts, f.CodeSentAt, f.CodeExpiresAt = s.codeHash(f.ID, code), 0, now, now.Add(CodeLifetime)
	_, err = notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: acct.ID, Channel: purse.ChannelSMS, To: phone,
		Template: string(f.Kind), Language: acct.Language,
		Data:    map[string]string{"Code": code, "Minutes": fmt.Sprint(int(CodeLifetime / time.Minute))},
		Expires: f.CodeExpiresAt})
	return err
}

// verify checks code against f inside tx. A wrong code spends a try, and the fifth ends the flow;
// both must persist, so they come back wrapped in purse.FailAfterCommit: the caller returns the
// error unchanged from its Tx callback. Errors: OTP_EXPIRED, OTP_INVALID, OTP_RATE_LIMITED.
func (s *Service) verify(ctx context.Context, tx purse.Tx, f *purse.BusinessFlow, code string) error {
	now := tx.Now()
	if f.Status == "pending" && !now.Before(f.ExpiresAt) {
		f.Status, f.EndedAt = "expired", now
		if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
			return err
		}
		return purse.FailAfterCommit(purse.Errorf(CodeOTPExpired, "flow expired"))
	}
	if f.Status != "pending" || !now.Before(f.CodeExpiresAt) {
		return purse.Errorf(CodeOTPExpired, "code expired or flow %s", f.Status)
	}
	if hmac.Equal([]byte(f.CodeHash), []byte(s.codeHash(f.ID, code))) {
		return nil
	}
	f.Attempts++
	var failure error = &purse.Error{Code: CodeOTPInvalid, Detail: "wrong code",
		Params: map[string]any{"Remaining": MaxAttempts - f.Attempts}}
	if f.Attempts >= MaxAttempts {
		f.Status, f.EndedAt = "expired", now
		failure = purse.Errorf(CodeOTPExpired, "too many wrong codes: the flow ended")
	}
	if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
		return err
	}
	return purse.FailAfterCommit(failure)
}

// supersede cancels the account's pending flow of the kind, if any: a new start replaces it.
func supersede(ctx context.Context, tx purse.Tx, accountID string, kind purse.BusinessKind) error {
	old, err := tx.PendingBusinessFlow(ctx, accountID, kind)
	if errors.Is(err, purse.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	old.Status, old.EndedAt = "cancelled", tx.Now()
	return tx.UpdateBusinessFlow(ctx, old)
}

// shown fixes a pending flow's status for display once it has expired unseen.
func shown(f *purse.BusinessFlow, now time.Time) *purse.BusinessFlow {
	if f.Status == "pending" && !now.Before(f.ExpiresAt) {
		f.Status = "expired"
	}
	return f
}

// newFlow makes a pending flow. byHolder says whether the account holder's own proof (a signed-in
// session) started it; only then is it business in progress that blocks a closure (AP-8.7).
func newFlow(accountID string, kind purse.BusinessKind, now time.Time, byHolder bool) *purse.BusinessFlow {
	return &purse.BusinessFlow{ID: purse.NewID(), AccountID: accountID, Kind: kind, Status: "pending",
		CreatedAt: now, ExpiresAt: now.Add(FlowLifetime), ByHolder: byHolder}
}

// startable refuses to start business on an account that cannot take it: ACCOUNT_CLOSING in
// cooling-off (new business would only be a reason to fail the closure the holder asked for;
// keeping the account comes first), ACCOUNT_NOT_ACTIVE for anything else not live.
func startable(acct *purse.AccountRecord) error {
	switch acct.Status {
	case purse.StatusActive, purse.StatusRestricted:
		return nil
	case purse.StatusClosing:
		return purse.Errorf(purse.CodeAccountClosing, "account is closing")
	}
	return &purse.Error{Code: purse.CodeAccountNotActive, Detail: "account is " + string(acct.Status)}
}
