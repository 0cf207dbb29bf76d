package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

const disputeColumns = `id, account_id, reason, restricts, status, created_at, ended_at`

func (t *tx) InsertDispute(ctx context.Context, d *purse.Dispute) error {
	_, err := t.exec(ctx, `INSERT INTO disputes (`+disputeColumns+`) VALUES (?,?,?,?,?,?,?)`,
		d.ID, d.AccountID, d.Reason, d.Restricts, d.Status, ts(d.CreatedAt), ts(d.EndedAt))
	if err != nil {
		return fmt.Errorf("storage: insert dispute: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) Disputes(ctx context.Context, accountID string) ([]*purse.Dispute, error) {
	rows, err := t.query(ctx, `SELECT `+disputeColumns+` FROM disputes WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "disputes", scanDispute)
}

func (t *tx) Dispute(ctx context.Context, accountID, id string) (*purse.Dispute, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+disputeColumns+` FROM disputes WHERE id = ? AND account_id = ?`,
		id, accountID), scanDispute)
}

func (t *tx) EndDispute(ctx context.Context, accountID, id string, now time.Time) error {
	return t.endItem(ctx, disputeEnd, accountID, id, now)
}

func (t *tx) OpenRestrictingDisputes(ctx context.Context, accountID string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM disputes WHERE account_id = ? AND status = 'open' AND restricts = ?`,
		accountID, true).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: count restricting disputes: %w", err)
	}
	return n, nil
}

func scanDispute(row interface{ Scan(...any) error }) (*purse.Dispute, error) {
	var d purse.Dispute
	var created, ended int64
	if err := row.Scan(&d.ID, &d.AccountID, &d.Reason, &d.Restricts, &d.Status, &created, &ended); err != nil {
		return nil, err
	}
	d.CreatedAt, d.EndedAt = tm(created), tm(ended)
	return &d, nil
}
