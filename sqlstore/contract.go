package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

const contractColumns = `id, account_id, title, starts_at, ends_at, status, created_at, ended_at, termination_requested_at, termination_reason`

func (t *tx) InsertContract(ctx context.Context, c *purse.Contract) error {
	_, err := t.exec(ctx, `INSERT INTO merchant_contracts (`+contractColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		c.ID, c.AccountID, c.Title, ts(c.StartsAt), ts(c.EndsAt), c.Status, ts(c.CreatedAt), ts(c.EndedAt),
		ts(c.TerminationRequestedAt), c.TerminationReason)
	if err != nil {
		return fmt.Errorf("storage: insert contract: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) Contracts(ctx context.Context, accountID string) ([]*purse.Contract, error) {
	rows, err := t.query(ctx, `SELECT `+contractColumns+` FROM merchant_contracts WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "contracts", scanContract)
}

func (t *tx) Contract(ctx context.Context, accountID, id string) (*purse.Contract, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+contractColumns+` FROM merchant_contracts WHERE id = ? AND account_id = ?`,
		id, accountID), scanContract)
}

func (t *tx) EndContract(ctx context.Context, accountID, id string, now time.Time) error {
	return t.endItem(ctx, contractEnd, accountID, id, now)
}

func (t *tx) RequestContractTermination(ctx context.Context, accountID, id, reason string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE merchant_contracts SET termination_requested_at = ?, termination_reason = ?
		WHERE id = ? AND account_id = ?`, ts(at), reason, id, accountID)
	if err != nil {
		return fmt.Errorf("storage: request contract termination: %w", err)
	}
	return nil
}

func scanContract(row interface{ Scan(...any) error }) (*purse.Contract, error) {
	var c purse.Contract
	var starts, ends, created, ended, requested int64
	if err := row.Scan(&c.ID, &c.AccountID, &c.Title, &starts, &ends, &c.Status, &created, &ended, &requested, &c.TerminationReason); err != nil {
		return nil, err
	}
	c.StartsAt, c.EndsAt, c.CreatedAt, c.EndedAt = tm(starts), tm(ends), tm(created), tm(ended)
	c.TerminationRequestedAt = tm(requested)
	return &c, nil
}
