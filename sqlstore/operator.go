package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertOperator(ctx context.Context, o *purse.Operator) error {
	err := t.insertUnique(ctx, `INSERT INTO operators (id, username, role, password_hash, created_at) VALUES (?,?,?,?,?)`,
		o.ID, o.Username, string(o.Role), o.PasswordHash, ts(o.CreatedAt))
	if err != nil {
		return fmt.Errorf("storage: insert operator: %w", err)
	}
	return nil
}

func (t *tx) OperatorByUsername(ctx context.Context, username string) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT id, username, role, password_hash, created_at FROM operators
		WHERE username = ? AND disabled_at = 0`, username)
}

func (t *tx) OperatorByID(ctx context.Context, id string) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT id, username, role, password_hash, created_at FROM operators
		WHERE id = ? AND disabled_at = 0`, id)
}

func (t *tx) OperatorByToken(ctx context.Context, tokenHash string, now time.Time) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT o.id, o.username, o.role, o.password_hash, o.created_at
		FROM operator_tokens k JOIN operators o ON o.id = k.operator_id
		WHERE k.token_hash = ? AND k.revoked_at = 0 AND k.expires_at > ? AND o.disabled_at = 0`, tokenHash, ts(now))
}

func (t *tx) oneOperator(ctx context.Context, q string, args ...any) (*purse.Operator, error) {
	var o purse.Operator
	var role string
	var created int64
	if err := t.queryRow(ctx, q, args...).Scan(&o.ID, &o.Username, &role, &o.PasswordHash, &created); err != nil {
		return nil, t.notFound(err)
	}
	o.Role, o.CreatedAt = purse.Role(role), tm(created)
	return &o, nil
}

func (t *tx) InsertOperatorToken(ctx context.Context, k *purse.OperatorToken) error {
	_, err := t.exec(ctx, `INSERT INTO operator_tokens (token_hash, operator_id, label, created_at, expires_at)
		VALUES (?,?,?,?,?)`, k.TokenHash, k.OperatorID, k.Label, ts(k.CreatedAt), ts(k.ExpiresAt))
	if err != nil {
		return fmt.Errorf("storage: insert operator token: %w", t.duplicate(err))
	}
	return nil
}
