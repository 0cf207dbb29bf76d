package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertCreditLine(ctx context.Context, l *purse.CreditLine) error {
	_, err := t.exec(ctx, `INSERT INTO credit_lines (id, account_id, limit_amount, currency, status, created_at)
		VALUES (?,?,?,?,?,?)`, l.ID, l.AccountID, l.Limit, string(l.Currency), l.Status, ts(l.CreatedAt))
	if err := t.duplicate(err); err != nil {
		return fmt.Errorf("storage: insert credit line: %w", err)
	}
	return nil
}

func (t *tx) OpenCreditLine(ctx context.Context, accountID string) (*purse.CreditLine, error) {
	var l purse.CreditLine
	var cur string
	var created int64
	err := t.queryRow(ctx, `SELECT id, account_id, limit_amount, currency, status, created_at FROM credit_lines
		WHERE account_id = ? AND status = 'open'`, accountID).Scan(&l.ID, &l.AccountID, &l.Limit, &cur, &l.Status, &created)
	if err != nil {
		return nil, t.notFound(err)
	}
	l.Currency, l.CreatedAt = purse.Currency(cur), tm(created)
	return &l, nil
}

func (t *tx) CloseCreditLine(ctx context.Context, id string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE credit_lines SET status = 'closed', ended_at = ? WHERE id = ? AND status = 'open'`, ts(at), id)
	if err != nil {
		return fmt.Errorf("storage: close credit line: %w", err)
	}
	return nil
}
