package sqlstore

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
)

const couponColumns = `id, account_id, title, amount, currency, status, expires_at, created_at`

func (t *tx) InsertCoupon(ctx context.Context, c *purse.Coupon) error {
	_, err := t.exec(ctx, `INSERT INTO coupons (`+couponColumns+`) VALUES (?,?,?,?,?,?,?,?)`,
		c.ID, c.AccountID, c.Title, c.Amount, string(c.Currency), c.Status, ts(c.ExpiresAt), ts(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("storage: insert coupon: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) Coupons(ctx context.Context, accountID string) ([]*purse.Coupon, error) {
	rows, err := t.query(ctx, `SELECT `+couponColumns+` FROM coupons WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "coupons", func(row interface{ Scan(...any) error }) (*purse.Coupon, error) {
		var c purse.Coupon
		var cur string
		var expires, created int64
		if err := row.Scan(&c.ID, &c.AccountID, &c.Title, &c.Amount, &cur, &c.Status, &expires, &created); err != nil {
			return nil, err
		}
		c.Currency, c.ExpiresAt, c.CreatedAt = purse.Currency(cur), tm(expires), tm(created)
		return &c, nil
	})
}
