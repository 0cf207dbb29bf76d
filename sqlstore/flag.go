package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

const flagColumns = `id, account_id, kind, note, status, created_at, ended_at`

func (t *tx) InsertFlag(ctx context.Context, f *purse.Flag) error {
	_, err := t.exec(ctx, `INSERT INTO account_flags (`+flagColumns+`) VALUES (?,?,?,?,?,?,?)`,
		f.ID, f.AccountID, string(f.Kind), f.Note, f.Status, ts(f.CreatedAt), ts(f.EndedAt))
	if err != nil {
		return fmt.Errorf("storage: insert flag: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) Flags(ctx context.Context, accountID string) ([]*purse.Flag, error) {
	rows, err := t.query(ctx, `SELECT `+flagColumns+` FROM account_flags WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "flags", scanFlag)
}

func (t *tx) Flag(ctx context.Context, accountID, id string) (*purse.Flag, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+flagColumns+` FROM account_flags WHERE id = ? AND account_id = ?`,
		id, accountID), scanFlag)
}

func (t *tx) EndFlag(ctx context.Context, accountID, id string, now time.Time) error {
	return t.endItem(ctx, flagEnd, accountID, id, now)
}

func scanFlag(row interface{ Scan(...any) error }) (*purse.Flag, error) {
	var f purse.Flag
	var kind string
	var created, ended int64
	if err := row.Scan(&f.ID, &f.AccountID, &kind, &f.Note, &f.Status, &created, &ended); err != nil {
		return nil, err
	}
	f.Kind, f.CreatedAt, f.EndedAt = purse.FlagKind(kind), tm(created), tm(ended)
	return &f, nil
}
