package blocker

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/operator"
)

// GrantCoupon gives the account a coupon worth amount fen, valid until expiresAt. Errors:
// NOT_FOUND, ACCOUNT_NOT_ACTIVE, INVALID_REQUEST (title, amount, an expiry not in the future).
func (s *Service) GrantCoupon(ctx context.Context, actor, accountID, title string, amount int64, expiresAt time.Time) (*purse.Coupon, error) {
	title, err := text("title", title, 200)
	if err != nil {
		return nil, err
	}
	if amount <= 0 {
		return nil, invalid("amount", "amount must be positive")
	}
	c := &purse.Coupon{ID: purse.NewID(), AccountID: accountID, Title: title, Amount: amount, Currency: purse.CNY,
		Status: "unused", ExpiresAt: expiresAt.UTC()}
	err = s.change(ctx, actor, accountID, audit.AdminCouponGrant, newBusiness, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		if err := operator.Authorize(ctx, tx, actor, operator.ActGrantValue); err != nil {
			return nil, err
		}
		if !c.ExpiresAt.After(tx.Now()) {
			return nil, invalid("expires_at", "expires_at must be in the future")
		}
		c.CreatedAt = tx.Now()
		return map[string]string{"coupon_id": c.ID}, tx.InsertCoupon(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Coupons lists the account's coupons, newest first; an unused coupon past its expiry shows as
// expired. NOT_FOUND for no such account.
func (s *Service) Coupons(ctx context.Context, accountID string) ([]*purse.Coupon, error) {
	var out []*purse.Coupon
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		out, err = tx.Coupons(ctx, accountID)
		for _, c := range out {
			if c.Status == "unused" && !tx.Now().Before(c.ExpiresAt) {
				c.Status = "expired"
			}
		}
		return err
	})
	return out, err
}
