// Package operator manages customer-service operators: their accounts, roles and API tokens.
package operator

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/secret"
)

// TokenLifetime is how long an operator API token is valid.
const TokenLifetime = 90 * 24 * time.Hour

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// Service manages operators.
type Service struct {
	Store  purse.Store
	Hasher *secret.Hasher
}

// Create adds an operator with a password and returns it with a first API token (shown once).
// Errors: INVALID_REQUEST (username or role), PASSWORD_TOO_SHORT, USERNAME_TAKEN.
func (s *Service) Create(ctx context.Context, username string, role purse.Role, password string) (*purse.Operator, string, error) {
	return s.CreateBy(ctx, "system", username, role, password)
}

// Authenticate returns the operator of an API token. OPERATOR_UNAUTHENTICATED when the token is
// unknown, expired or revoked.
func (s *Service) Authenticate(ctx context.Context, token string) (*purse.Operator, error) {
	var o *purse.Operator
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		o, err = tx.OperatorByToken(ctx, secret.HashToken(token), tx.Now())
		return err
	})
	if errors.Is(err, purse.ErrNotFound) {
		return nil, purse.Errorf(purse.CodeOperatorUnauthenticated, "unknown operator token")
	}
	return o, err
}
