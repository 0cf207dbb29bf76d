package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/secret"
)

// Console session limits: a console session is an operator token with a short life, and a
// username gets a bounded number of password guesses per window, counted in the database so the
// limit holds across instances.
const (
	ConsoleLifetime  = 4 * time.Hour
	MaxSignInTries   = 10
	SignInTryWindow  = 15 * time.Minute
	consoleLabel     = "console"
	consoleTokenKind = "poc_"
)

// dummyHash is verified against for an unknown username, so that unknown names and wrong
// passwords take the same time.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0n2wLNOYDMp6vK0WEbSqaF6VnuxiP2Ig3ZlGk9uJOXQ"

// ConsoleSession is a signed-in operator of the admin console; Token is shown once, only its hash
// is stored.
type ConsoleSession struct {
	Token     string
	Operator  *purse.Operator
	ExpiresAt time.Time
}

// SignIn checks an operator's username and password and issues a console session token valid for
// ConsoleLifetime. Errors: OPERATOR_UNAUTHENTICATED (unknown username or wrong password,
// indistinguishable), RATE_LIMITED (too many tries for the username in the window). Both the
// success and every failure are audited.
func (s *Service) SignIn(ctx context.Context, username, password string) (*ConsoleSession, error) {
	var o *purse.Operator
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		o, err = tx.OperatorByUsername(ctx, username)
		return err
	})
	if err != nil && !errors.Is(err, purse.ErrNotFound) {
		return nil, fmt.Errorf("operator sign in: %w", err)
	}
	// Hash outside the transaction: argon2id is slow and SQLite has one writer.
	hash := dummyHash
	if o != nil {
		hash = o.PasswordHash
	}
	good, err := s.Hasher.Verify(ctx, hash, password)
	if err != nil {
		return nil, fmt.Errorf("operator sign in: %w", err)
	}
	good = good && o != nil
	var out *ConsoleSession
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		window := now.Truncate(SignInTryWindow)
		key := "operator-signin:" + username
		tries, err := tx.Hits(ctx, key, window)
		if err != nil {
			return err
		}
		if tries >= MaxSignInTries {
			return &purse.Error{Code: purse.CodeRateLimited, Detail: "too many operator sign-in tries",
				RetryAfter: window.Add(SignInTryWindow).Sub(now)}
		}
		if !good {
			if _, err := tx.Hit(ctx, key, window); err != nil {
				return err
			}
			actor, subject := "anonymous", ""
			if o != nil {
				actor, subject = "operator:"+o.ID, o.ID
			}
			if err := audit.Record(ctx, tx, actor, "operator.signin_failed", subject, nil); err != nil {
				return err
			}
			// The try count and its audit record must persist although the call fails.
			return purse.FailAfterCommit(purse.Errorf(purse.CodeOperatorUnauthenticated, "wrong username or password"))
		}
		token := secret.NewToken(consoleTokenKind)
		t := &purse.OperatorToken{TokenHash: secret.HashToken(token), OperatorID: o.ID, Label: consoleLabel,
			CreatedAt: now, ExpiresAt: now.Add(ConsoleLifetime)}
		if err := tx.InsertOperatorToken(ctx, t); err != nil {
			return err
		}
		out = &ConsoleSession{Token: token, Operator: o, ExpiresAt: t.ExpiresAt}
		return audit.Record(ctx, tx, "operator:"+o.ID, "operator.signin", o.ID, map[string]string{"via": consoleLabel})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SignOut revokes a console session token and audits it. Signing out an unknown token does nothing.
func (s *Service) SignOut(ctx context.Context, o *purse.Operator, token string) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		if err := tx.RevokeOperatorToken(ctx, secret.HashToken(token), tx.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "operator:"+o.ID, "operator.signout", o.ID, nil)
	})
}
