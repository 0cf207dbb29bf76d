package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

const autoDebitColumns = `id, account_id, merchant, kind, status, created_at, ended_at`

func (t *tx) InsertAutoDebit(ctx context.Context, a *purse.AutoDebit) error {
	_, err := t.exec(ctx, `INSERT INTO auto_debits (`+autoDebitColumns+`) VALUES (?,?,?,?,?,?,?)`,
		a.ID, a.AccountID, a.Merchant, string(a.Kind), a.Status, ts(a.CreatedAt), ts(a.EndedAt))
	if err != nil {
		return fmt.Errorf("storage: insert auto-debit: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) AutoDebits(ctx context.Context, accountID string) ([]*purse.AutoDebit, error) {
	rows, err := t.query(ctx, `SELECT `+autoDebitColumns+` FROM auto_debits WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "auto-debits", scanAutoDebit)
}

func (t *tx) AutoDebit(ctx context.Context, accountID, id string) (*purse.AutoDebit, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+autoDebitColumns+` FROM auto_debits WHERE id = ? AND account_id = ?`,
		id, accountID), scanAutoDebit)
}

func (t *tx) EndAutoDebit(ctx context.Context, accountID, id string, now time.Time) error {
	return t.endItem(ctx, autoDebitEnd, accountID, id, now)
}

func scanAutoDebit(row interface{ Scan(...any) error }) (*purse.AutoDebit, error) {
	var a purse.AutoDebit
	var kind string
	var created, ended int64
	if err := row.Scan(&a.ID, &a.AccountID, &a.Merchant, &kind, &a.Status, &created, &ended); err != nil {
		return nil, err
	}
	a.Kind, a.CreatedAt, a.EndedAt = purse.AutoDebitKind(kind), tm(created), tm(ended)
	return &a, nil
}
