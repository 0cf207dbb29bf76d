package sqlstore

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
)

const businessColumns = `id, account_id, kind, status, target_sealed, target_hash, code_hash,
	attempts, code_sent_at, code_expires_at, created_at, expires_at, ended_at, by_holder`

func (t *tx) InsertBusinessFlow(ctx context.Context, f *purse.BusinessFlow) error {
	_, err := t.exec(ctx, `INSERT INTO business_flows (`+businessColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		f.ID, f.AccountID, string(f.Kind), f.Status, f.TargetSealed, f.TargetHash, f.CodeHash,
		f.Attempts, ts(f.CodeSentAt), ts(f.CodeExpiresAt), ts(f.CreatedAt), ts(f.ExpiresAt), ts(f.EndedAt), f.ByHolder)
	if err != nil {
		return fmt.Errorf("storage: insert business flow: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) BusinessFlows(ctx context.Context, accountID string) ([]*purse.BusinessFlow, error) {
	rows, err := t.query(ctx, `SELECT `+businessColumns+` FROM business_flows WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "business flows", scanBusiness)
}

func (t *tx) BusinessFlow(ctx context.Context, accountID, id string) (*purse.BusinessFlow, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+businessColumns+` FROM business_flows
		WHERE id = ? AND account_id = ? FOR UPDATE`, id, accountID), scanBusiness)
}

func (t *tx) PendingBusinessFlow(ctx context.Context, accountID string, kind purse.BusinessKind) (*purse.BusinessFlow, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+businessColumns+` FROM business_flows
		WHERE account_id = ? AND kind = ? AND status = 'pending' FOR UPDATE`, accountID, string(kind)), scanBusiness)
}

func (t *tx) UpdateBusinessFlow(ctx context.Context, f *purse.BusinessFlow) error {
	res, err := t.exec(ctx, `UPDATE business_flows SET status = ?, code_hash = ?, attempts = ?, code_sent_at = ?,
		code_expires_at = ?, ended_at = ?, by_holder = ? WHERE id = ? AND account_id = ?`,
		f.Status, f.CodeHash, f.Attempts, ts(f.CodeSentAt), ts(f.CodeExpiresAt), ts(f.EndedAt), f.ByHolder, f.ID, f.AccountID)
	if err != nil {
		return fmt.Errorf("storage: update business flow %s: %w", f.ID, t.duplicate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

func scanBusiness(row interface{ Scan(...any) error }) (*purse.BusinessFlow, error) {
	var f purse.BusinessFlow
	var kind string
	var sent, codeExpires, created, expires, ended int64
	err := row.Scan(&f.ID, &f.AccountID, &kind, &f.Status, &f.TargetSealed, &f.TargetHash,
		&f.CodeHash, &f.Attempts, &sent, &codeExpires, &created, &expires, &ended, &f.ByHolder)
	if err != nil {
		return nil, err
	}
	f.Kind = purse.BusinessKind(kind)
	f.CodeSentAt, f.CodeExpiresAt, f.CreatedAt, f.ExpiresAt, f.EndedAt = tm(sent), tm(codeExpires), tm(created), tm(expires), tm(ended)
	return &f, nil
}
