// Package operator manages customer-service operators: their accounts, roles and API tokens.
package operator

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
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
	if !usernamePattern.MatchString(username) {
		return nil, "", purse.Errorf(purse.CodeInvalidRequest, "username must be 3-64 of a-z 0-9 . _ -")
	}
	if !role.Includes(purse.RoleAgent) {
		return nil, "", purse.Errorf(purse.CodeInvalidRequest, "role must be agent, reviewer or admin")
	}
	if len(password) < 12 {
		return nil, "", purse.Errorf(purse.CodePasswordTooShort, "operator passwords need at least 12 characters")
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, "", err
	}
	o := &purse.Operator{ID: purse.NewID(), Username: username, Role: role, PasswordHash: hash}
	token := secret.NewToken("pot_")
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		o.CreatedAt = tx.Now()
		if err := tx.InsertOperator(ctx, o); errors.Is(err, purse.ErrDuplicate) {
			return purse.Errorf(purse.CodeUsernameTaken, "username %s taken", username)
		} else if err != nil {
			return err
		}
		if err := tx.InsertOperatorToken(ctx, &purse.OperatorToken{TokenHash: secret.HashToken(token),
			OperatorID: o.ID, Label: "created with the operator", CreatedAt: tx.Now(),
			ExpiresAt: tx.Now().Add(TokenLifetime)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "system", "operator.create", "", map[string]string{
			"operator_id": o.ID, "role": string(role)})
	})
	if err != nil {
		return nil, "", fmt.Errorf("create operator: %w", err)
	}
	return o, token, nil
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
