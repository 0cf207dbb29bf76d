package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/notify"
)

// Registration by SMS code (issue 14). Registering answered PHONE_TAKEN, which told anyone which
// phones had a wallet. Now, as real wallets do, a registration starts with the phone alone and
// always answers the same: a free phone gets a code, a taken phone gets a message telling its
// holder that someone tried to register with the number (and no code). Finishing needs the code,
// so only the phone's holder can learn anything, and each attempt costs a phone.
const (
	RegistrationCodeTTL      = 10 * time.Minute
	RegistrationAttempts     = 5
	RegistrationDailySends   = 5 // per phone, codes and notices alike: no SMS pumping, no spamming a holder
	DefaultRegistrationFloor = 250 * time.Millisecond
)

var errRegistrationCapped = errors.New("registration: daily cap of the phone")

// StartRegistration sends a registration code to a free phone, or a notice to a taken phone's
// holder, doing the same work (one pending registration stored, one SMS queued) on both paths and
// taking at least RegistrationFloor. A reached daily cap sends nothing and answers the same.
// Errors: INVALID_PHONE (which says nothing of any account).
func (s *Service) StartRegistration(ctx context.Context, rawPhone, language string) error {
	phone, err := NormalizePhone(rawPhone)
	if err != nil {
		return err
	}
	defer s.holdFloor(ctx, s.RegistrationFloor)()
	hash := s.Vault.Lookup("registration-phone", phone)
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		n, err := tx.Hit(ctx, "registration-sms:"+s.Vault.Bucket("registration-phone", phone), now.Truncate(24*time.Hour))
		if err != nil {
			return err
		}
		if n > RegistrationDailySends {
			return errRegistrationCapped // rolls back: the refused start counts nowhere
		}
		code, err := sixDigits()
		if err != nil {
			return err
		}
		reg := &purse.PendingRegistration{ID: purse.NewID(), PhoneHash: hash, CreatedAt: now,
			ExpiresAt: now.Add(RegistrationCodeTTL)}
		reg.CodeHash = s.registrationHash(reg.ID, code)
		n0 := notify.Notice{Channel: purse.ChannelSMS, To: phone, Template: "registration_code",
			Language: languageOf(language),
			Data:     map[string]string{"Code": code, "Minutes": fmt.Sprint(int(RegistrationCodeTTL / time.Minute))}}
		holder, err := tx.LiveAccountByLookup(ctx, s.Vault.Lookup("phone", phone))
		switch {
		case err == nil:
			// The code is not sent: it goes nowhere, and the registration can never finish.
			n0 = notify.Notice{AccountID: holder.ID, Channel: purse.ChannelSMS, To: phone,
				Template: "registration_attempt", Language: holder.Language}
		case !errors.Is(err, purse.ErrNotFound):
			return err
		}
		m, err := notify.Enqueue(ctx, tx, s.Catalog, n0)
		if err != nil {
			return err
		}
		reg.MessageID = m.ID
		return tx.InsertRegistration(ctx, reg)
	})
	if errors.Is(err, errRegistrationCapped) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start registration: %w", err)
	}
	return nil
}

// CompleteRegistration makes the account with the code StartRegistration sent. Every failure of
// the code answers the same OTP_INVALID: no registration started, a taken phone (whose code was
// never sent), and a wrong, expired, used or exhausted code look alike. An e-mail that belongs
// to another account is left out of the new account and its holder is told by e-mail, rather than
// answering EMAIL_TAKEN. Errors: INVALID_PHONE, INVALID_EMAIL, TEXT_CONTROL_CHARACTERS,
// PASSWORD_TOO_SHORT, PAYMENT_PASSWORD_WEAK, OTP_INVALID.
func (s *Service) CompleteRegistration(ctx context.Context, r Registration, code string) (*purse.Account, error) {
	phone, _, err := r.check()
	if err != nil {
		return nil, err
	}
	defer s.holdFloor(ctx, s.RegistrationFloor)()
	hash := s.Vault.Lookup("registration-phone", phone)
	refused := purse.Errorf(purse.CodeOTPInvalid, "registration code refused")
	r.quietEmail = true
	a, err := s.register(ctx, r, func(tx purse.Tx) error {
		now := tx.Now()
		reg, err := tx.LatestRegistration(ctx, hash)
		if err != nil && !errors.Is(err, purse.ErrNotFound) {
			return err
		}
		if reg == nil || !reg.UsedAt.IsZero() || !now.Before(reg.ExpiresAt) || reg.Attempts >= RegistrationAttempts {
			// The same one-row write as a wrong code, so that the refusal takes alike.
			if _, err := tx.Hit(ctx, "registration-miss:"+s.Vault.Bucket("registration-phone", phone), now.Truncate(24*time.Hour)); err != nil {
				return err
			}
			return purse.FailAfterCommit(refused)
		}
		if subtle.ConstantTimeCompare([]byte(reg.CodeHash), []byte(s.registrationHash(reg.ID, code))) != 1 {
			reg.Attempts++
			if err := tx.UpdateRegistration(ctx, reg); err != nil {
				return err
			}
			return purse.FailAfterCommit(refused)
		}
		// Used: the registration and its code's SMS are no longer needed; neither is kept.
		return tx.FinishRegistration(ctx, reg)
	})
	if purse.ErrorCode(err) == purse.CodePhoneTaken {
		// A code is only ever sent to a free phone: someone registered it since (or guessed the
		// one-in-a-million code of a taken phone). The answer stays the code's refusal.
		return nil, refused
	}
	if purse.ErrorCode(err) == purse.CodeOTPInvalid {
		return nil, refused
	}
	return a, err
}

func (s *Service) registrationHash(id, code string) string {
	return s.Vault.Lookup("registration", id+"|"+code)
}

// holdFloor starts a floor's clock; the function it returns waits out the rest of it (or the
// request's end), so that every path of the caller answers no sooner than the floor.
func (s *Service) holdFloor(ctx context.Context, d time.Duration) func() {
	if d <= 0 {
		return func() {}
	}
	floor := time.NewTimer(d)
	return func() {
		select {
		case <-floor.C:
		case <-ctx.Done():
			floor.Stop()
		}
	}
}

// notifyEmailTaken tells the holder of an e-mail that a new registration tried to use it.
func (s *Service) notifyEmailTaken(ctx context.Context, tx purse.Tx, holder *purse.AccountRecord, email string) error {
	if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: holder.ID, Channel: purse.ChannelEmail,
		To: email, Template: "registration_attempt_email", Language: holder.Language}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "anonymous", "account.registration.email_taken", holder.ID, nil)
}

func languageOf(l string) string {
	if l == "en" {
		return "en"
	}
	return "zh-CN"
}

func sixDigits() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("registration code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}
