package blocker

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/operator"
)

// GrantCoupon gives the account a coupon worth amount fen, valid until expiresAt. A coupon is
// value created (issue 13): above the four-eyes threshold it waits for a second operator
// (APPROVAL_PENDING). Errors: ROLE_REQUIRED, NOT_FOUND, ACCOUNT_NOT_ACTIVE, INVALID_REQUEST
// (title, amount, an expiry not in the future), APPROVAL_PENDING.
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
	var held *purse.Approval
	err = s.change(ctx, actor, accountID, audit.AdminCouponGrant, newBusiness, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		if err := operator.Authorize(ctx, tx, actor, operator.ActGrantValue); err != nil {
			return nil, err
		}
		if !c.ExpiresAt.After(tx.Now()) {
			return nil, invalid("expires_at", "expires_at must be in the future")
		}
		var err error
		held, err = approval.Hold(ctx, tx, actor, approval.Request{Kind: approval.KindCouponGrant, AccountID: accountID,
			Amount: amount, Reason: title, Params: map[string]string{"expires_at": c.ExpiresAt.Format(time.RFC3339)}})
		if held != nil || err != nil {
			return nil, err // nil data: the request is audited by Hold, no coupon is
		}
		c.CreatedAt = tx.Now()
		return map[string]string{"coupon_id": c.ID}, tx.InsertCoupon(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	if held != nil {
		return nil, approval.Pending(held)
	}
	return c, nil
}

// RegisterApprovals gives the approval service the held coupon grants: once approved, the coupon
// is issued in the approving transaction on behalf of the checker, if the account still takes new
// business and the coupon has not expired meanwhile.
func (s *Service) RegisterApprovals(a *approval.Service) {
	a.Register(approval.KindCouponGrant, func(ctx context.Context, tx purse.Tx, checker string, r *purse.Approval) (string, error) {
		acct, err := tx.AccountForUpdate(ctx, r.AccountID)
		if err != nil {
			return "", notFound("account", r.AccountID)
		}
		if !newBusiness(acct.Status) {
			return "", &purse.Error{Code: purse.CodeAccountNotActive, Detail: "account is " + string(acct.Status)}
		}
		expires, err := time.Parse(time.RFC3339, r.Params["expires_at"])
		if err != nil || !expires.After(tx.Now()) {
			return "", invalid("expires_at", "the coupon expired while it waited for approval")
		}
		c := &purse.Coupon{ID: purse.NewID(), AccountID: r.AccountID, Title: r.Reason, Amount: r.Amount,
			Currency: purse.CNY, Status: "unused", ExpiresAt: expires.UTC(), CreatedAt: tx.Now()}
		if err := tx.InsertCoupon(ctx, c); err != nil {
			return "", err
		}
		return c.ID, audit.Record(ctx, tx, checker, audit.AdminCouponGrant, r.AccountID, map[string]string{"coupon_id": c.ID})
	})
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
