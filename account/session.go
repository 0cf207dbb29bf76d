package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/secret"
)

// SignedIn is a new session: the token is shown once and never stored. When the sign-in needs a
// second step (GE-7) it holds only TwoStep, the challenge to answer.
type SignedIn struct {
	Token     string    `json:"token,omitempty"`
	AccountID string    `json:"account_id,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// DeviceToken is the remembered device's token, shown once: send it with the next sign-ins.
	DeviceToken string     `json:"device_token,omitempty"`
	TwoStep     *Challenge `json:"two_step,omitempty"`
}

// DeviceHint is what a client says of the device it signs in on.
type DeviceHint struct {
	Token    string // a device token from an earlier sign-in ("" for none)
	Label    string // how the holder will recognise it on the security page
	Remember bool   // remember this device when it is new
}

// SignIn is SignInOn a device the client says nothing of.
func (s *Service) SignIn(ctx context.Context, login, password string) (*SignedIn, error) {
	return s.SignInOn(ctx, login, password, DeviceHint{})
}

// SignIn checks a login (phone or e-mail) and password and opens a session. Errors: LOGIN_FAILED
// (unknown login or wrong password, indistinguishable), LOGIN_LOCKED (with Until and RetryAfter),
// ACCOUNT_CLOSED (the login belonged to an account that was closed: register anew, TP-6/TP-7).
//
// A login that names no account answers exactly as a known one with a wrong password, in status,
// text, lock and work (issue 14): its wrong tries count under the login's keyed hash
// (purse.LoginLock) and lock it after MaxLoginFailures as an account's do, its password is
// verified against a hash of the same cost, and the count is written in a transaction of the same
// shape. Only a caller who knows the password learns anything.
//
// With the right password on a device the account does not know, and two-step verification on
// (the holder's, or the operator's RequireTwoStep), the answer holds the challenge and no session
// (CompleteSignIn opens it).
func (s *Service) SignInOn(ctx context.Context, login, password string, hint DeviceHint) (*SignedIn, error) {
	hash, ok := s.LookupLogin(login)
	if !ok {
		// Not a phone or an e-mail: it names nobody, but it is counted and locked all the same.
		hash = s.Vault.Lookup("login", strings.TrimSpace(login))
	}
	var rec *purse.AccountRecord
	var unknown *purse.LoginLock
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		r, err := tx.LiveAccountByLookup(ctx, hash)
		if errors.Is(err, purse.ErrNotFound) {
			r, err = tx.LatestAccountByLookup(ctx, hash)
		}
		if errors.Is(err, purse.ErrNotFound) {
			unknown, err = tx.LoginLock(ctx, hash)
		}
		rec = r
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if rec == nil {
		return nil, s.unknownLogin(ctx, unknown, password)
	}
	now := s.Clock.Now()
	if now.Before(rec.LoginLockedUntil) {
		return nil, lockedError(rec.LoginLockedUntil, now)
	}
	good, err := s.Hasher.Verify(ctx, rec.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if good && !rec.Status.Live() {
		// Only a caller who knows the old password learns that the account is closed.
		return nil, &purse.Error{Code: purse.CodeAccountClosed, Detail: "account closed",
			Params: map[string]any{"ClosedAt": rec.ClosedAt}}
	}
	var out *SignedIn
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		cur, err := tx.AccountForUpdate(ctx, rec.ID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if now.Before(cur.LoginLockedUntil) {
			return lockedError(cur.LoginLockedUntil, now)
		}
		if !good {
			failure := countFailure(&cur.LoginFailures, &cur.LoginLockedUntil, now, purse.Errorf(purse.CodeLoginFailed, "wrong password"))
			cur.UpdatedAt = now
			if err := tx.UpdateAccount(ctx, cur); err != nil {
				return err
			}
			// The failure count must persist although the call fails.
			return purse.FailAfterCommit(failure)
		}
		dev, err := knownDevice(ctx, tx, cur.ID, hint.Token)
		if err != nil {
			return err
		}
		methods, _, err := s.secondStep(ctx, tx, cur, dev)
		if err != nil {
			return err
		}
		if len(methods) > 0 {
			// The failure count stays: the second step's wrong codes add to it, and a right
			// password must not wipe them, or a thief with the password could try codes forever.
			ch, err := s.challenge(ctx, tx, cur, methods, hint.Label)
			out = &SignedIn{TwoStep: ch}
			return err
		}
		if cur.LoginFailures != 0 {
			cur.LoginFailures, cur.UpdatedAt = 0, now
			if err := tx.UpdateAccount(ctx, cur); err != nil {
				return err
			}
		}
		out, err = s.openSession(ctx, tx, cur, dev, hint.Remember, hint.Label)
		return err
	})
	return out, err
}

// unknownLogin answers a login that names no account as SignIn answers a wrong password: the
// lock read before is checked first, then a hash of the same cost is verified, then the failure
// is counted in a transaction that locks and writes one row.
func (s *Service) unknownLogin(ctx context.Context, l *purse.LoginLock, password string) error {
	now := s.Clock.Now()
	if now.Before(l.LockedUntil) {
		return lockedError(l.LockedUntil, now)
	}
	if err := s.Hasher.VerifyNothing(ctx, password); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		cur, err := tx.LoginLockForUpdate(ctx, l.Key)
		if err != nil {
			return err
		}
		now := tx.Now()
		if now.Before(cur.LockedUntil) {
			return lockedError(cur.LockedUntil, now)
		}
		failure := countFailure(&cur.Failures, &cur.LockedUntil, now, purse.Errorf(purse.CodeLoginFailed, "unknown login"))
		cur.UpdatedAt = now
		if err := tx.SaveLoginLock(ctx, cur); err != nil {
			return err
		}
		return purse.FailAfterCommit(failure)
	})
}

// countFailure adds a wrong password to a count and returns what to answer: failed, or
// LOGIN_LOCKED at the MaxLoginFailures-th, which locks for LoginLock and starts the count again.
func countFailure(failures *int, lockedUntil *time.Time, now time.Time, failed error) error {
	*failures++
	if *failures < MaxLoginFailures {
		return failed
	}
	*failures, *lockedUntil = 0, now.Add(LoginLock)
	return lockedError(*lockedUntil, now)
}

func lockedError(until, now time.Time) *purse.Error {
	return &purse.Error{Code: purse.CodeLoginLocked, Detail: "too many wrong passwords",
		Params: map[string]any{"Until": until}, RetryAfter: until.Sub(now)}
}

// Authenticate returns the session and account for a bearer token. UNAUTHENTICATED for an unknown,
// expired or revoked token; ACCOUNT_CLOSED when the account was closed since. A lookup is kept for
// SessionCacheTTL; every change this process makes to the session or its account drops it at once.
func (s *Service) Authenticate(ctx context.Context, token string) (*purse.Session, *purse.AccountRecord, error) {
	hash := secret.HashToken(token)
	cache := s.sessionCache()
	var gen uint64
	if cache != nil {
		var sess *purse.Session
		var rec *purse.AccountRecord
		if sess, rec, gen = cache.get(hash, s.Clock.Now()); sess != nil {
			return sess, rec, nil
		}
	}
	var sess *purse.Session
	var rec *purse.AccountRecord
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		sess, rec, err = tx.SessionAccount(ctx, hash, tx.Now())
		return err
	})
	if errors.Is(err, purse.ErrNotFound) {
		return nil, nil, purse.Errorf(purse.CodeUnauthenticated, "unknown or expired token")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("authenticate: %w", err)
	}
	if !rec.Status.Live() {
		return nil, nil, purse.Errorf(purse.CodeAccountClosed, "account closed")
	}
	if cache != nil {
		cache.put(hash, sess, rec, gen)
	}
	return sess, rec, nil
}

// sessionCache returns the cache, made on first use (nil when off or when the store cannot
// report changes).
func (s *Service) sessionCache() *sessionCache {
	s.cacheOnce.Do(func() {
		feed, ok := s.Store.(changeFeed)
		if !ok || s.SessionCacheTTL < 0 {
			return
		}
		ttl := s.SessionCacheTTL
		if ttl == 0 {
			ttl = DefaultSessionCacheTTL
		}
		c := newSessionCache(ttl)
		feed.OnChange(c.drop)
		s.cache = c
	})
	return s.cache
}

// SignOut revokes the session.
func (s *Service) SignOut(ctx context.Context, sessionID string) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		return tx.RevokeSession(ctx, sessionID, tx.Now())
	})
}
