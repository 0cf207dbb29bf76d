package operator

import (
	"context"
	"errors"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/secret"
)

// CreateBy is Create on behalf of an actor ("operator:<id>", or "system" for the CLI): the audit
// event names who created the operator. Errors as Create, and ROLE_REQUIRED for an operator
// whose role may not manage operators.
func (s *Service) CreateBy(ctx context.Context, actor, username string, role purse.Role, password string) (*purse.Operator, string, error) {
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
		// Managing operators is an admin's (issue 13), checked against the store in this transaction.
		if err := Authorize(ctx, tx, actor, ActManageOperators); err != nil {
			return err
		}
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
		return audit.Record(ctx, tx, actor, audit.AdminOperatorCreate, "", map[string]string{
			"operator_id": o.ID, "username": username, "role": string(role)})
	})
	if err != nil {
		return nil, "", fmt.Errorf("create operator: %w", err)
	}
	return o, token, nil
}
