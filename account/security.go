package account

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/notify"
)

// CodePasswordWrong is a wrong current login password when changing it. It counts toward the same
// five-failure sign-in lock as LOGIN_FAILED, so that a stolen session cannot guess the password.
const CodePasswordWrong purse.Code = "PASSWORD_WRONG"

// What a security notice says changed (template security_changed, IM-8).
const (
	changedPassword        = "password"
	changedPaymentPassword = "payment_password"
	changedSessions        = "sessions"
)

// ChangePassword replaces the login password and signs out every other session of the account,
// keeping sessionID (PW-6, GE-7). The current password is verified outside the transaction
// (argon2id is slow and SQLite has one writer); a wrong one counts toward the sign-in lock.
// Errors: PASSWORD_TOO_SHORT (field new_password), PASSWORD_WRONG, LOGIN_LOCKED (with Until and
// RetryAfter), NOT_FOUND.
func (s *Service) ChangePassword(ctx context.Context, accountID, sessionID, current, next string) error {
	if err := CheckPassword(next); err != nil {
		return onField(err, "new_password")
	}
	var rec *purse.AccountRecord
	if err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		rec, err = tx.Account(ctx, accountID)
		return err
	}); err != nil {
		return fmt.Errorf("change password of %s: %w", accountID, err)
	}
	now := s.Clock.Now()
	if now.Before(rec.LoginLockedUntil) {
		return lockedError(rec.LoginLockedUntil, now)
	}
	good, err := s.Hasher.Verify(ctx, rec.PasswordHash, current)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	var hash string
	if good {
		if hash, err = s.Hasher.Hash(ctx, next); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		cur, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if now.Before(cur.LoginLockedUntil) {
			return lockedError(cur.LoginLockedUntil, now)
		}
		if cur.PasswordHash != rec.PasswordHash {
			// The password changed between the check and now: the check proves nothing any more.
			return purse.Errorf(purse.CodeConflict, "password changed concurrently")
		}
		if !good {
			return s.passwordFailed(ctx, tx, cur)
		}
		cur.PasswordHash, cur.LoginFailures, cur.UpdatedAt = hash, 0, now
		if err := tx.UpdateAccount(ctx, cur); err != nil {
			return err
		}
		if err := PasswordChanged(ctx, tx, accountID); err != nil {
			return err
		}
		n, err := tx.RevokeOtherSessions(ctx, accountID, sessionID, now)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "account:"+accountID, "account.password.change", accountID,
			map[string]string{"sessions_revoked": fmt.Sprint(n)}); err != nil {
			return err
		}
		return s.noticeChanged(ctx, tx, cur, changedPassword)
	})
}

// passwordFailed counts a wrong current password toward the sign-in lock and returns
// PASSWORD_WRONG, or LOGIN_LOCKED at the fifth; the count commits although the call fails.
func (s *Service) passwordFailed(ctx context.Context, tx purse.Tx, cur *purse.AccountRecord) error {
	now := tx.Now()
	cur.UpdatedAt = now
	failure := countFailure(&cur.LoginFailures, &cur.LoginLockedUntil, now, &purse.Error{Code: CodePasswordWrong,
		Detail: "wrong current password", Fields: []purse.FieldError{{Field: "current_password", Code: CodePasswordWrong}}})
	if err := tx.UpdateAccount(ctx, cur); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, "account:"+cur.ID, "account.password.change_failed", cur.ID,
		map[string]string{"locked": fmt.Sprint(purse.ErrorCode(failure) == purse.CodeLoginLocked)}); err != nil {
		return err
	}
	return purse.FailAfterCommit(failure)
}

// ChangePaymentPassword replaces the 6-digit payment password after checking the current one with
// CheckPaymentPassword (its five-tries lock applies). Errors: PAYMENT_PASSWORD_WEAK (field
// new_payment_password; also when the new one equals the current one), PAYMENT_PASSWORD_WRONG,
// PAYMENT_PASSWORD_LOCKED, NOT_FOUND.
func (s *Service) ChangePaymentPassword(ctx context.Context, accountID, currentPIN, newPIN string) error {
	if err := CheckPaymentPassword(newPIN); err != nil {
		return onField(err, "new_payment_password")
	}
	if newPIN == currentPIN {
		return &purse.Error{Code: purse.CodePaymentPasswordWeak, Detail: "new payment password equals the current one",
			Fields: []purse.FieldError{{Field: "new_payment_password", Code: purse.CodePaymentPasswordWeak}}}
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		if err := s.CheckPaymentPassword(ctx, tx, accountID, currentPIN); err != nil {
			return err
		}
		cur, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		cur.PaymentPasswordHash, cur.UpdatedAt = s.PINs.Hash(accountID, newPIN), tx.Now()
		if err := tx.UpdateAccount(ctx, cur); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "account:"+accountID, "account.payment_password.change", accountID, nil); err != nil {
			return err
		}
		return s.noticeChanged(ctx, tx, cur, changedPaymentPassword)
	})
}

// SignOutOthers revokes every session of the account but keepSessionID (PW-6, GE-7) and returns
// how many it revoked. When it revoked any, the user is told (IM-8).
func (s *Service) SignOutOthers(ctx context.Context, accountID, keepSessionID string) (int, error) {
	var n int
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		cur, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		if n, err = tx.RevokeOtherSessions(ctx, accountID, keepSessionID, tx.Now()); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "account:"+accountID, "account.sessions.revoke_others", accountID,
			map[string]string{"sessions_revoked": fmt.Sprint(n)}); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		return s.noticeChanged(ctx, tx, cur, changedSessions)
	})
	return n, err
}

// noticeChanged tells the account's owner what changed and to contact support if it was not them
// (IM-8): by e-mail when the account has one, else by SMS.
func (s *Service) noticeChanged(ctx context.Context, tx purse.Tx, rec *purse.AccountRecord, what string) error {
	a, err := s.Open(ctx, tx, rec)
	if err != nil {
		return err
	}
	n := notify.Notice{AccountID: a.ID, Channel: purse.ChannelSMS, To: a.Phone, Template: "security_changed",
		Language: a.Language, Data: map[string]string{"What": what, "At": s.Catalog.FormatTime(a.Language, tx.Now())}}
	if a.Email != "" {
		n.Channel, n.To = purse.ChannelEmail, a.Email
	}
	_, err = notify.Enqueue(ctx, tx, s.Catalog, n)
	return err
}

// onField moves a validation error of the shared rules onto the form field that was checked.
func onField(err error, field string) error {
	e := purse.AsError(err)
	if e == nil {
		return err
	}
	c := *e
	c.Fields = []purse.FieldError{{Field: field, Code: e.Code}}
	return &c
}
