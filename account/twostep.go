package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/vault"
)

// Two-step verification (GE-7, issue 14): after the right password, a sign-in on a device the
// account does not know asks for a second factor when the holder turned one on (an authenticator
// app, TOTP per RFC 6238, with single-use recovery codes; or SMS codes on a new device) or when
// the operator's policy requires two-step for every account (then an SMS code, unless the app is
// on). A device is known by a random token the client keeps (a cookie on the web, a field in
// apps); purse keeps its hash, lists it on the security page and can revoke it.
const (
	ChallengeTTL      = 10 * time.Minute
	ChallengeAttempts = 5
	RecoveryCodeCount = 10

	MethodTOTP         = "totp"
	MethodSMS          = "sms"
	MethodRecoveryCode = "recovery_code"
)

// Error codes of two-step verification.
const (
	CodeTwoStepRequired purse.Code = "TWO_STEP_REQUIRED" // not an error answer: the sign-in's 202
	CodeTOTPNotPending  purse.Code = "TOTP_NOT_PENDING"  // confirm without a secret being set up
	CodeTOTPAlreadyOn   purse.Code = "TOTP_ALREADY_ON"
	CodeTOTPOff         purse.Code = "TOTP_OFF"
)

// Challenge is the second step a sign-in waits for.
type Challenge struct {
	Challenge string    `json:"challenge" doc:"Send it back with the code to POST /api/v1/sessions/two-step"`
	Methods   []string  `json:"methods" doc:"totp, sms, recovery_code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TwoStepStatus is what the security page shows.
type TwoStepStatus struct {
	TOTP              bool `json:"totp"`
	SMSNewDevice      bool `json:"sms_new_device"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
	RequiredByPolicy  bool `json:"required_by_policy"`
}

// TOTPSetup is a new authenticator secret, shown once to be typed or scanned into the app.
type TOTPSetup struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// secondStep decides, inside SignIn's transaction, whether the sign-in needs a second step and
// which methods may answer it. A known device needs none.
func (s *Service) secondStep(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, dev *purse.Device) ([]string, *purse.TwoStep, error) {
	ts, err := tx.TwoStep(ctx, acct.ID)
	if err != nil {
		return nil, nil, err
	}
	if dev != nil {
		return nil, ts, nil
	}
	var methods []string
	if ts.TOTPSealed != nil {
		methods = append(methods, MethodTOTP)
		if n, err := tx.RecoveryCodesLeft(ctx, acct.ID); err != nil {
			return nil, nil, err
		} else if n > 0 {
			methods = append(methods, MethodRecoveryCode)
		}
	} else if ts.SMSNewDevice || s.RequireTwoStep {
		methods = append(methods, MethodSMS)
	}
	return methods, ts, nil
}

// challenge stores a sign-in challenge and, for the SMS method, sends the code to the account's
// phone.
func (s *Service) challenge(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, methods []string, label string) (*Challenge, error) {
	now := tx.Now()
	token := secret.NewToken("psc_")
	c := &purse.SignInChallenge{ID: purse.NewID(), AccountID: acct.ID, TokenHash: secret.HashToken(token),
		Methods: strings.Join(methods, ","), DeviceLabel: label, CreatedAt: now, ExpiresAt: now.Add(ChallengeTTL)}
	if slices.Contains(methods, MethodSMS) {
		code, err := sixDigits()
		if err != nil {
			return nil, err
		}
		c.CodeHash = s.Vault.Lookup("sign-in-code", c.ID+"|"+code)
		_, phone, err := s.boundPhone(ctx, tx, acct)
		if err != nil {
			return nil, err
		}
		if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: acct.ID, Channel: purse.ChannelSMS,
			To: phone, Template: "sign_in_code", Language: acct.Language,
			Data: map[string]string{"Code": code, "Minutes": fmt.Sprint(int(ChallengeTTL / time.Minute))}}); err != nil {
			return nil, err
		}
	}
	if err := tx.InsertChallenge(ctx, c); err != nil {
		return nil, err
	}
	return &Challenge{Challenge: token, Methods: methods, ExpiresAt: c.ExpiresAt}, nil
}

// openSession opens a session on the device (remembered now when dev is nil and remember is
// set) and returns what the client keeps.
func (s *Service) openSession(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, dev *purse.Device, remember bool, label string) (*SignedIn, error) {
	now := tx.Now()
	token := secret.NewToken("pst_")
	sess := &purse.Session{ID: purse.NewID(), TokenHash: secret.HashToken(token), AccountID: acct.ID,
		CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := tx.InsertSession(ctx, sess); err != nil {
		return nil, err
	}
	out := &SignedIn{Token: token, AccountID: acct.ID, ExpiresAt: sess.ExpiresAt}
	if dev == nil && remember {
		devToken := secret.NewToken("pdv_")
		dev = &purse.Device{ID: purse.NewID(), AccountID: acct.ID, TokenHash: secret.HashToken(devToken),
			Label: deviceLabel(label), CreatedAt: now, LastSeenAt: now}
		if err := tx.InsertDevice(ctx, dev); err != nil {
			return nil, err
		}
		out.DeviceToken = devToken
	} else if dev != nil {
		if err := tx.TouchDevice(ctx, dev.ID, now); err != nil {
			return nil, err
		}
	}
	if dev != nil {
		if err := tx.LinkSession(ctx, sess.ID, dev.ID, acct.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// knownDevice returns the account's remembered device with the token, nil when the token is
// empty, unknown, revoked or another account's.
func knownDevice(ctx context.Context, tx purse.Tx, accountID, token string) (*purse.Device, error) {
	if token == "" {
		return nil, nil
	}
	d, err := tx.DeviceByToken(ctx, secret.HashToken(token))
	if errors.Is(err, purse.ErrNotFound) || (err == nil && d.AccountID != accountID) {
		return nil, nil
	}
	return d, err
}

// deviceLabel keeps a client's description of itself short and printable.
func deviceLabel(l string) string {
	l = strings.Map(func(r rune) rune {
		if purse.CheckText("label", string(r)) != nil {
			return -1
		}
		return r
	}, strings.TrimSpace(l))
	if r := []rune(l); len(r) > 80 {
		l = string(r[:80])
	}
	return l
}

// CompleteSignIn answers a sign-in's second step: the challenge from SignIn, a method it offered
// and its code. A wrong code spends one of the challenge's tries and counts toward the account's
// sign-in lock, like a wrong password. With remember, the device is remembered and its token
// returned once. Errors: OTP_INVALID (wrong code, or a method not offered), OTP_EXPIRED (the
// challenge is unknown, used, expired or out of tries: sign in again), LOGIN_LOCKED.
func (s *Service) CompleteSignIn(ctx context.Context, challenge, method, code string, remember bool) (*SignedIn, error) {
	code = strings.TrimSpace(code)
	var out *SignedIn
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		c, err := tx.ChallengeByToken(ctx, secret.HashToken(challenge))
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeOTPExpired, "no such sign-in challenge")
		}
		if err != nil {
			return err
		}
		if !c.UsedAt.IsZero() || !now.Before(c.ExpiresAt) || c.Attempts >= ChallengeAttempts {
			return purse.Errorf(purse.CodeOTPExpired, "challenge used, expired or out of tries")
		}
		acct, err := tx.AccountForUpdate(ctx, c.AccountID)
		if err != nil {
			return err
		}
		if now.Before(acct.LoginLockedUntil) {
			return lockedError(acct.LoginLockedUntil, now)
		}
		if !acct.Status.Live() {
			return purse.Errorf(purse.CodeAccountClosed, "account closed")
		}
		ok, err := s.checkSecondStep(ctx, tx, acct, c, method, code)
		if err != nil {
			return err
		}
		if !ok {
			c.Attempts++
			if err := tx.UpdateChallenge(ctx, c); err != nil {
				return err
			}
			failure := countFailure(&acct.LoginFailures, &acct.LoginLockedUntil, now, &purse.Error{Code: purse.CodeOTPInvalid,
				Detail: "wrong second-step code", Params: map[string]any{"Remaining": ChallengeAttempts - c.Attempts}})
			acct.UpdatedAt = now
			if err := tx.UpdateAccount(ctx, acct); err != nil {
				return err
			}
			return purse.FailAfterCommit(failure)
		}
		c.UsedAt = now
		if err := tx.UpdateChallenge(ctx, c); err != nil {
			return err
		}
		if acct.LoginFailures != 0 {
			acct.LoginFailures, acct.UpdatedAt = 0, now
			if err := tx.UpdateAccount(ctx, acct); err != nil {
				return err
			}
		}
		if out, err = s.openSession(ctx, tx, acct, nil, remember, c.DeviceLabel); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+acct.ID, "account.sign_in.two_step", acct.ID, map[string]string{"method": method})
	})
	if err != nil {
		return nil, fmt.Errorf("complete sign-in: %w", err)
	}
	return out, nil
}

func (s *Service) checkSecondStep(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, c *purse.SignInChallenge, method, code string) (bool, error) {
	if !slices.Contains(strings.Split(c.Methods, ","), method) {
		return false, nil
	}
	switch method {
	case MethodSMS:
		return c.CodeHash != "" && subtle.ConstantTimeCompare([]byte(c.CodeHash),
			[]byte(s.Vault.Lookup("sign-in-code", c.ID+"|"+code))) == 1, nil
	case MethodRecoveryCode:
		return tx.UseRecoveryCode(ctx, acct.ID, s.recoveryHash(acct.ID, code), tx.Now())
	case MethodTOTP:
		return s.checkTOTP(ctx, tx, acct.ID, code)
	}
	return false, nil
}

// checkTOTP verifies an authenticator code and records its step, so that it cannot be used again.
func (s *Service) checkTOTP(ctx context.Context, tx purse.Tx, accountID, code string) (bool, error) {
	ts, err := tx.TwoStep(ctx, accountID)
	if err != nil || ts.TOTPSealed == nil {
		return false, err
	}
	key, err := s.DataKey(ctx, tx, accountID)
	if err != nil {
		return false, err
	}
	sec, err := key.Open("totp", ts.TOTPSealed)
	if err != nil {
		return false, err
	}
	step, ok := secret.CheckTOTP(sec, code, tx.Now(), ts.TOTPLastStep)
	if !ok {
		return false, nil
	}
	ts.TOTPLastStep, ts.UpdatedAt = step, tx.Now()
	return true, tx.SaveTwoStep(ctx, ts)
}

func (s *Service) recoveryHash(accountID, code string) string {
	norm := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	return s.Vault.Lookup("recovery-code", accountID+"|"+norm)
}

// BeginTOTP makes a new authenticator secret for the account, sealed with its data key, to be
// confirmed by ConfirmTOTP with a first code. Errors: TOTP_ALREADY_ON.
func (s *Service) BeginTOTP(ctx context.Context, accountID string) (*TOTPSetup, error) {
	var out *TOTPSetup
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		ts, err := tx.TwoStep(ctx, accountID)
		if err != nil {
			return err
		}
		if ts.TOTPSealed != nil {
			return purse.Errorf(CodeTOTPAlreadyOn, "turn the authenticator app off first")
		}
		key, phone, err := s.boundPhone(ctx, tx, acct)
		if err != nil {
			return err
		}
		sec := secret.NewTOTPSecret()
		ts.TOTPPending, ts.UpdatedAt = key.Seal("totp", sec), tx.Now()
		if err := tx.SaveTwoStep(ctx, ts); err != nil {
			return err
		}
		out = &TOTPSetup{Secret: sec, URL: secret.TOTPURL("purse", MaskPhone(phone), sec)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("begin totp: %w", err)
	}
	return out, nil
}

// ConfirmTOTP turns the authenticator app on with a first code from it, and returns the recovery
// codes, shown once: each signs in once when the phone is lost. The holder is told by SMS (IM-8).
// Errors: TOTP_NOT_PENDING, OTP_INVALID.
func (s *Service) ConfirmTOTP(ctx context.Context, accountID, code string) ([]string, error) {
	var codes []string
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if _, err := tx.AccountForUpdate(ctx, accountID); err != nil {
			return err
		}
		ts, err := tx.TwoStep(ctx, accountID)
		if err != nil {
			return err
		}
		if ts.TOTPPending == nil {
			return purse.Errorf(CodeTOTPNotPending, "no authenticator secret is being set up")
		}
		key, err := s.DataKey(ctx, tx, accountID)
		if err != nil {
			return err
		}
		sec, err := key.Open("totp", ts.TOTPPending)
		if err != nil {
			return err
		}
		step, ok := secret.CheckTOTP(sec, strings.TrimSpace(code), tx.Now(), 0)
		if !ok {
			return &purse.Error{Code: purse.CodeOTPInvalid, Detail: "wrong authenticator code",
				Fields: []purse.FieldError{{Field: "code", Code: purse.CodeOTPInvalid}}}
		}
		ts.TOTPSealed, ts.TOTPPending, ts.TOTPLastStep, ts.UpdatedAt = key.Seal("totp", sec), nil, step, tx.Now()
		if err := tx.SaveTwoStep(ctx, ts); err != nil {
			return err
		}
		if codes, err = s.newRecoveryCodes(ctx, tx, accountID); err != nil {
			return err
		}
		if err := s.notifyTwoStep(ctx, tx, accountID, "on"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "account.two_step.totp_on", accountID, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("confirm totp: %w", err)
	}
	return codes, nil
}

// DisableTOTP turns the authenticator app off with the login password and a current code from the
// app or a recovery code, and deletes the recovery codes. Both are asked: a session left open on a
// shared computer must not be enough to remove the second factor, nor a stolen phone. A wrong
// password or code counts toward the sign-in lock, as at sign-in, so neither can be tried by the
// million. Errors: TOTP_OFF, PASSWORD_WRONG, LOGIN_LOCKED, OTP_INVALID.
func (s *Service) DisableTOTP(ctx context.Context, accountID, password, code string) error {
	var rec *purse.AccountRecord
	if err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		rec, err = tx.Account(ctx, accountID)
		return err
	}); err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	// The hash is checked outside the transaction (it is slow by design), and the transaction
	// makes sure the password did not change meanwhile.
	good, err := s.Hasher.Verify(ctx, rec.PasswordHash, password)
	if err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		cur, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if now.Before(cur.LoginLockedUntil) {
			return lockedError(cur.LoginLockedUntil, now)
		}
		if cur.PasswordHash != rec.PasswordHash {
			return purse.Errorf(purse.CodeConflict, "password changed concurrently")
		}
		ts, err := tx.TwoStep(ctx, accountID)
		if err != nil {
			return err
		}
		if ts.TOTPSealed == nil {
			return purse.Errorf(CodeTOTPOff, "the authenticator app is off")
		}
		if !good {
			return s.passwordFailed(ctx, tx, cur)
		}
		ok, err := s.checkTOTP(ctx, tx, accountID, strings.TrimSpace(code))
		if err == nil && !ok {
			ok, err = tx.UseRecoveryCode(ctx, accountID, s.recoveryHash(accountID, code), now)
		}
		if err != nil {
			return err
		}
		if !ok {
			failure := countFailure(&cur.LoginFailures, &cur.LoginLockedUntil, now, &purse.Error{Code: purse.CodeOTPInvalid,
				Detail: "wrong authenticator or recovery code", Fields: []purse.FieldError{{Field: "code", Code: purse.CodeOTPInvalid}}})
			cur.UpdatedAt = now
			if err := tx.UpdateAccount(ctx, cur); err != nil {
				return err
			}
			return purse.FailAfterCommit(failure)
		}
		if cur.LoginFailures != 0 {
			cur.LoginFailures, cur.UpdatedAt = 0, now
			if err := tx.UpdateAccount(ctx, cur); err != nil {
				return err
			}
		}
		if ts, err = tx.TwoStep(ctx, accountID); err != nil {
			return err
		}
		ts.TOTPSealed, ts.TOTPPending, ts.UpdatedAt = nil, nil, now
		if err := tx.SaveTwoStep(ctx, ts); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, accountID, nil, now); err != nil {
			return err
		}
		if err := s.notifyTwoStep(ctx, tx, accountID, "off"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "account.two_step.totp_off", accountID, nil)
	})
	if err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	return nil
}

// PendingTOTP returns the authenticator secret being set up (BeginTOTP, not yet confirmed), or
// nil: the web page shows it again until a first code confirms it.
func (s *Service) PendingTOTP(ctx context.Context, accountID string) (*TOTPSetup, error) {
	var out *TOTPSetup
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		ts, err := tx.TwoStep(ctx, accountID)
		if err != nil || ts.TOTPPending == nil || ts.TOTPSealed != nil {
			return err
		}
		acct, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		key, phone, err := s.boundPhone(ctx, tx, acct)
		if err != nil {
			return err
		}
		sec, err := key.Open("totp", ts.TOTPPending)
		if err != nil {
			return err
		}
		out = &TOTPSetup{Secret: sec, URL: secret.TOTPURL("purse", MaskPhone(phone), sec)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending totp: %w", err)
	}
	return out, nil
}

// SetSMSNewDevice turns SMS codes for sign-in on a new device on or off.
func (s *Service) SetSMSNewDevice(ctx context.Context, accountID string, on bool) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		if _, err := tx.AccountForUpdate(ctx, accountID); err != nil {
			return err
		}
		ts, err := tx.TwoStep(ctx, accountID)
		if err != nil {
			return err
		}
		ts.SMSNewDevice, ts.UpdatedAt = on, tx.Now()
		if err := tx.SaveTwoStep(ctx, ts); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "account.two_step.sms_new_device", accountID,
			map[string]string{"on": fmt.Sprint(on)})
	})
}

// TwoStep returns the account's two-step settings.
func (s *Service) TwoStep(ctx context.Context, accountID string) (*TwoStepStatus, error) {
	out := &TwoStepStatus{RequiredByPolicy: s.RequireTwoStep}
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		ts, err := tx.TwoStep(ctx, accountID)
		if err != nil {
			return err
		}
		out.TOTP, out.SMSNewDevice = ts.TOTPSealed != nil, ts.SMSNewDevice
		out.RecoveryCodesLeft, err = tx.RecoveryCodesLeft(ctx, accountID)
		return err
	})
	return out, err
}

// Devices lists the account's remembered devices, newest first.
func (s *Service) Devices(ctx context.Context, accountID string) ([]*purse.Device, error) {
	var out []*purse.Device
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		out, err = tx.Devices(ctx, accountID)
		return err
	})
	return out, err
}

// RevokeDevice forgets a remembered device and ends the sessions opened on it: its next sign-in
// asks for the second step again. Errors: NOT_FOUND.
func (s *Service) RevokeDevice(ctx context.Context, accountID, id string) error {
	if !purse.ValidID(id) {
		return purse.Errorf(purse.CodeNotFound, "no device %s", id)
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		ok, err := tx.RevokeDevice(ctx, accountID, id, tx.Now())
		if err != nil {
			return err
		}
		if !ok {
			return purse.Errorf(purse.CodeNotFound, "no device %s", id)
		}
		return audit.Record(ctx, tx, "account:"+accountID, "account.device.revoke", accountID, map[string]string{"device_id": id})
	})
}

// newRecoveryCodes replaces the account's recovery codes with RecoveryCodeCount fresh ones,
// stored as keyed hashes, and returns them for showing once.
func (s *Service) newRecoveryCodes(ctx context.Context, tx purse.Tx, accountID string) ([]string, error) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	codes := make([]string, RecoveryCodeCount)
	hashes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 5)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("recovery code: %w", err)
		}
		c := strings.ToLower(enc.EncodeToString(b)) // 8 characters, 40 bits
		codes[i] = c[:4] + "-" + c[4:]
		hashes[i] = s.recoveryHash(accountID, codes[i])
	}
	return codes, tx.ReplaceRecoveryCodes(ctx, accountID, hashes, tx.Now())
}

// notifyTwoStep tells the holder by SMS that the authenticator app was turned on or off (IM-8).
func (s *Service) notifyTwoStep(ctx context.Context, tx purse.Tx, accountID, what string) error {
	rec, err := tx.Account(ctx, accountID)
	if err != nil {
		return err
	}
	_, phone, err := s.boundPhone(ctx, tx, rec)
	if err != nil {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: accountID, Channel: purse.ChannelSMS, To: phone,
		Template: "two_step_changed", Language: rec.Language, Data: map[string]string{"What": what}})
	return err
}

// PasswordChanged records in tx that the account's login password changed now: a risk signal for
// a closure in the next days (TP-5).
func PasswordChanged(ctx context.Context, tx purse.Tx, accountID string) error {
	ts, err := tx.TwoStep(ctx, accountID)
	if err != nil {
		return err
	}
	ts.PasswordChangedAt, ts.UpdatedAt = tx.Now(), tx.Now()
	return tx.SaveTwoStep(ctx, ts)
}

// RememberSessionDevice remembers the device a session runs on when it runs on none, as a sign-in
// with "remember" would have, and links the session to it; it returns the device and the token
// the client keeps ("" when the session already ran on a remembered device, which it returns).
// The caller has proved more than a sign-in does (the device certificate's install asks for an
// SMS code and the payment password), so no further step is asked. sessionID is the caller's own
// authenticated session; ErrNotFound when it is linked to another account's device.
func (s *Service) RememberSessionDevice(ctx context.Context, tx purse.Tx, accountID, sessionID, label string) (*purse.Device, string, error) {
	d, err := tx.SessionDevice(ctx, sessionID)
	if err == nil {
		if d.AccountID != accountID {
			return nil, "", purse.ErrNotFound
		}
		return d, "", nil
	}
	if !errors.Is(err, purse.ErrNotFound) {
		return nil, "", err
	}
	now := tx.Now()
	token := secret.NewToken("pdv_")
	d = &purse.Device{ID: purse.NewID(), AccountID: accountID, TokenHash: secret.HashToken(token),
		Label: deviceLabel(label), CreatedAt: now, LastSeenAt: now}
	if err := tx.InsertDevice(ctx, d); err != nil {
		return nil, "", err
	}
	if err := tx.LinkSession(ctx, sessionID, d.ID, accountID); err != nil {
		return nil, "", err
	}
	return d, token, nil
}

// boundPhone opens the account's data key and, with it, the bound phone two-step texts go to.
func (s *Service) boundPhone(ctx context.Context, tx purse.Tx, rec *purse.AccountRecord) (vault.DataKey, string, error) {
	key, err := s.DataKey(ctx, tx, rec.ID)
	if err != nil {
		return vault.DataKey{}, "", err
	}
	phone, err := key.Open("phone", rec.PhoneSealed)
	return key, phone, err
}
