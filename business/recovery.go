package business

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/notify"
)

// StartRecovery begins a password recovery for a login (phone or e-mail), sending a code to the
// account's phone. Anyone who knows the login may call it, so the flow is not the holder's
// business (ByHolder false): it never blocks or fails a closure, and on a closing account none
// starts at all (issue 14). It answers the same for an unknown login, a closed or closing account
// or a reached daily cap, so that nobody can learn from it which logins exist; only a storage failure is an error.
// It also takes at least RecoveryFloor (holdFloor), so that its time does not tell them either: a
// known login costs a few writes more than an unknown one.
func (s *Service) StartRecovery(ctx context.Context, login string) error {
	defer s.holdFloor(ctx)()
	hash, ok := s.Accounts.LookupLogin(login)
	if !ok {
		return nil
	}
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		found, err := tx.LiveAccountByLookup(ctx, hash)
		if errors.Is(err, purse.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		acct, err := tx.AccountForUpdate(ctx, found.ID)
		if err != nil {
			return err
		}
		if startable(acct) != nil {
			// No business starts on a closing account (issue 14); the caller, perhaps a stranger
			// with the phone number, hears the same 202 and learns nothing of the account.
			return nil
		}
		if err := supersede(ctx, tx, acct.ID, purse.BusinessPasswordRecovery); err != nil {
			return err
		}
		f := newFlow(acct.ID, purse.BusinessPasswordRecovery, tx.Now(), false)
		phone, err := s.recipient(ctx, tx, acct, f)
		if err != nil {
			return err
		}
		if phone == "" {
			// A wallet whose number was released (AP-9) has no phone to send the code to; the
			// caller hears the same 202 and learns nothing of the account.
			return nil
		}
		if err := s.issue(ctx, tx, f, acct, phone); err != nil {
			return err
		}
		if err := tx.InsertBusinessFlow(ctx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "anonymous", "business.password_recovery.start", acct.ID,
			map[string]string{"flow_id": f.ID})
	})
	if purse.ErrorCode(err) == CodeOTPRateLimited {
		// The cap holds (the transaction rolled back), but the caller must not learn the login exists.
		return nil
	}
	if err != nil {
		return fmt.Errorf("start password recovery: %w", err)
	}
	return nil
}

// ConfirmRecovery sets a new login password with the code sent by StartRecovery, clears the
// sign-in lock and revokes every session. Every failure of the code answers the same OTP_INVALID,
// without a count of tries left: an unknown login, a login without a pending recovery, and a
// wrong, expired or exhausted code must look alike, or the answer would tell which logins exist.
// The tries still count, and the fifth wrong one still ends the flow. It takes at least
// RecoveryFloor, like StartRecovery: a known login's pending flow costs a few reads more than a
// miss, and on a loaded store that difference was measurable (8.6 against 5.4 ms). Errors:
// PASSWORD_TOO_SHORT, OTP_INVALID.
func (s *Service) ConfirmRecovery(ctx context.Context, login, code, newPassword string) error {
	if err := account.CheckPassword(newPassword); err != nil {
		return err // says nothing of the login: no floor needed
	}
	defer s.holdFloor(ctx)()
	// Hash before the transaction: argon2id is slow, and SQLite has one writer.
	pwHash, err := s.Hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	hash, ok := s.Accounts.LookupLogin(login)
	if !ok {
		// Not a phone or an e-mail: it names nobody, and goes the same way as an unknown login.
		hash = s.Vault.Lookup("login", strings.TrimSpace(login))
	}
	// noFlow answers a login without a pending recovery, known or not, with the same work as a
	// wrong code on a pending one: one counter row written and committed (issue 14). Without it, a
	// stranger who started a recovery could time the refusal of a wrong code to learn that the
	// login exists.
	noFlow := func(tx purse.Tx) error {
		// A short hash of the login's hash (vault.Bucket): the counter row is work, not a record of
		// who was tried, and must not keep the account's lookup hash past its purge (issue 15).
		if _, err := tx.Hit(ctx, "recovery-confirm-miss:"+s.Vault.Bucket("recovery-miss", hash), tx.Now().Truncate(24*time.Hour)); err != nil {
			return err
		}
		return purse.FailAfterCommit(purse.Errorf(CodeOTPInvalid, "no pending recovery"))
	}
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		found, err := tx.LiveAccountByLookup(ctx, hash)
		if errors.Is(err, purse.ErrNotFound) {
			return noFlow(tx)
		}
		if err != nil {
			return err
		}
		acct, err := tx.AccountForUpdate(ctx, found.ID)
		if err != nil {
			return err
		}
		f, err := tx.PendingBusinessFlow(ctx, acct.ID, purse.BusinessPasswordRecovery)
		if errors.Is(err, purse.ErrNotFound) {
			return noFlow(tx)
		}
		if err != nil {
			return err
		}
		if err := s.verify(ctx, tx, f, code); err != nil {
			return err
		}
		now := tx.Now()
		acct.PasswordHash, acct.LoginFailures, acct.UpdatedAt = pwHash, 0, now
		// Holding the phone proves more than a password guess: the sign-in lock goes too.
		acct.LoginLockedUntil = time.Time{}
		if err := tx.UpdateAccount(ctx, acct); err != nil {
			return err
		}
		if _, err := tx.RevokeAccountSessions(ctx, acct.ID, now); err != nil {
			return err
		}
		if err := account.PasswordChanged(ctx, tx, acct.ID); err != nil {
			return err
		}
		f.Status, f.EndedAt = "completed", now
		if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
			return err
		}
		phone, err := s.recipient(ctx, tx, acct, f)
		if err != nil {
			return err
		}
		if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: acct.ID, Channel: purse.ChannelSMS,
			To: phone, Template: "password_recovered", Language: acct.Language}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "anonymous", "business.password_recovery.complete", acct.ID,
			map[string]string{"flow_id": f.ID})
	})
	switch purse.ErrorCode(err) {
	case "":
		return nil
	case CodeOTPInvalid, CodeOTPExpired, CodeOTPRateLimited:
		// Converted after the transaction, so that a spent try has committed.
		return &purse.Error{Code: CodeOTPInvalid, Detail: "recovery code refused", Err: err}
	}
	return fmt.Errorf("confirm password recovery: %w", err)
}

// holdFloor starts the RecoveryFloor clock; the function it returns waits out the rest of it (or
// the request's end). Called as defer s.holdFloor(ctx)() so that every path of the caller, found
// or not, answers no sooner than the floor.
func (s *Service) holdFloor(ctx context.Context) func() {
	if s.RecoveryFloor <= 0 {
		return func() {}
	}
	floor := time.NewTimer(s.RecoveryFloor)
	return func() {
		select {
		case <-floor.C:
		case <-ctx.Done():
			floor.Stop()
		}
	}
}
