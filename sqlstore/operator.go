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

const operatorColumns = `o.id, o.username, o.role, o.password_hash, o.created_at, o.disabled_at`

func (t *tx) OperatorByUsername(ctx context.Context, username string) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT `+operatorColumns+` FROM operators o
		WHERE o.username = ? AND o.disabled_at = 0`, username)
}

func (t *tx) OperatorByID(ctx context.Context, id string) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT `+operatorColumns+` FROM operators o
		WHERE o.id = ? AND o.disabled_at = 0`, id)
}

func (t *tx) OperatorByToken(ctx context.Context, tokenHash string, now time.Time) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT `+operatorColumns+`
		FROM operator_tokens k JOIN operators o ON o.id = k.operator_id
		WHERE k.token_hash = ? AND k.revoked_at = 0 AND k.expires_at > ? AND o.disabled_at = 0`, tokenHash, ts(now))
}

func (t *tx) OperatorForUpdate(ctx context.Context, id string) (*purse.Operator, error) {
	return t.oneOperator(ctx, `SELECT `+operatorColumns+` FROM operators o WHERE o.id = ? FOR UPDATE`, id)
}

func (t *tx) Operators(ctx context.Context) ([]*purse.Operator, error) {
	rows, err := t.query(ctx, `SELECT `+operatorColumns+` FROM operators o ORDER BY o.username`)
	if err != nil {
		return nil, fmt.Errorf("storage: operators: %w", err)
	}
	defer rows.Close()
	var out []*purse.Operator
	for rows.Next() {
		o, err := scanOperator(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: operators: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (t *tx) UpdateOperator(ctx context.Context, o *purse.Operator) error {
	_, err := t.exec(ctx, `UPDATE operators SET role = ?, disabled_at = ? WHERE id = ?`, string(o.Role), ts(o.DisabledAt), o.ID)
	if err != nil {
		return fmt.Errorf("storage: update operator: %w", err)
	}
	return nil
}

func (t *tx) EnabledAdminsForUpdate(ctx context.Context) ([]string, error) {
	rows, err := t.query(ctx, `SELECT id FROM operators WHERE role = 'admin' AND disabled_at = 0 ORDER BY id FOR UPDATE`)
	if err != nil {
		return nil, fmt.Errorf("storage: enabled admins: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("storage: enabled admins: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (t *tx) oneOperator(ctx context.Context, q string, args ...any) (*purse.Operator, error) {
	o, err := scanOperator(t.queryRow(ctx, q, args...))
	if err != nil {
		return nil, t.notFound(err)
	}
	return o, nil
}

func scanOperator(r interface{ Scan(...any) error }) (*purse.Operator, error) {
	var o purse.Operator
	var role string
	var created, disabled int64
	if err := r.Scan(&o.ID, &o.Username, &role, &o.PasswordHash, &created, &disabled); err != nil {
		return nil, err
	}
	o.Role, o.CreatedAt, o.DisabledAt = purse.Role(role), tm(created), tm(disabled)
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
