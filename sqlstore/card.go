package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertCard(ctx context.Context, c *purse.Card) error {
	_, err := t.exec(ctx, `INSERT INTO cards (id, account_id, bank, number_sealed, holder_sealed, last4, status, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, c.ID, c.AccountID, c.Bank, c.NumberSealed, c.HolderSealed, c.Last4, c.Status, ts(c.CreatedAt))
	if err := t.duplicate(err); err != nil {
		return fmt.Errorf("storage: insert card: %w", err)
	}
	return nil
}

const cardColumns = `id, account_id, bank, number_sealed, holder_sealed, last4, status, created_at`

func (t *tx) BoundCard(ctx context.Context, id, accountID string) (*purse.Card, error) {
	c, err := scanCard(t.queryRow(ctx, `SELECT `+cardColumns+` FROM cards
		WHERE id = ? AND account_id = ? AND status = 'bound'`, id, accountID))
	if err != nil {
		return nil, t.notFound(err)
	}
	return c, nil
}

func (t *tx) BoundCards(ctx context.Context, accountID string) ([]purse.Card, error) {
	rows, err := t.query(ctx, `SELECT `+cardColumns+` FROM cards WHERE account_id = ? AND status = 'bound'
		ORDER BY created_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("storage: list cards: %w", err)
	}
	defer rows.Close()
	out := []purse.Card{}
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

func (t *tx) UnbindCard(ctx context.Context, id, accountID string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE cards SET status = 'unbound', ended_at = ?
		WHERE id = ? AND account_id = ? AND status = 'bound'`, ts(at), id, accountID)
	if err != nil {
		return fmt.Errorf("storage: unbind card: %w", t.notFound(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

func scanCard(row interface{ Scan(...any) error }) (*purse.Card, error) {
	var c purse.Card
	var created int64
	if err := row.Scan(&c.ID, &c.AccountID, &c.Bank, &c.NumberSealed, &c.HolderSealed, &c.Last4, &c.Status, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = tm(created)
	c.Masked = "**** **** **** " + c.Last4
	return &c, nil
}
