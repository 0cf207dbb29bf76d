package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// itemEnd names how one kind of an account's items ends: its table, and the status it moves from
// and to.
type itemEnd struct{ table, live, ended string }

var (
	autoDebitEnd = itemEnd{"auto_debits", "active", "cancelled"}
	contractEnd  = itemEnd{"merchant_contracts", "active", "terminated"}
	disputeEnd   = itemEnd{"disputes", "open", "resolved"}
	flagEnd      = itemEnd{"account_flags", "active", "cleared"}
	linkEnd      = itemEnd{"linked_accounts", "linked", "unlinked"}
)

// endItem moves one of the account's items from its live status to its ended one. The account id
// is part of the condition, so another account's id matches nothing (purse.ErrNotFound).
func (t *tx) endItem(ctx context.Context, e itemEnd, accountID, id string, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE `+e.table+` SET status = ?, ended_at = ? WHERE id = ? AND account_id = ? AND status = ?`,
		e.ended, ts(now), id, accountID, e.live)
	if err != nil {
		return fmt.Errorf("storage: end %s %s: %w", e.table, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

// scanAll reads every row with scan, closing rows.
func scanAll[T any](rows *sql.Rows, err error, what string, scan func(interface{ Scan(...any) error }) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: list %s: %w", what, err)
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: scan %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanOne reads one row, turning "no rows" into purse.ErrNotFound.
func scanOne[T any](t *tx, row *sql.Row, scan func(interface{ Scan(...any) error }) (*T, error)) (*T, error) {
	v, err := scan(row)
	if err != nil {
		return nil, t.notFound(err)
	}
	return v, nil
}
