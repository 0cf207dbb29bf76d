package blocker

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// OpenDispute opens a dispute on the account (AP-8.8). A restricting dispute moves an active
// account to restricted. A closing account (its closure in cooling-off) stays closing, which
// already stops every movement of money and all new business: the dispute blocks the closure when
// its cooling-off ends, and the account leaves closing restricted, whether the closure fails then
// or the user or support keeps the account first (closure.CloseDue, closure's released).
// Errors: NOT_FOUND, ACCOUNT_NOT_ACTIVE, INVALID_REQUEST (reason).
func (s *Service) OpenDispute(ctx context.Context, actor, accountID, reason string, restricts bool) (*purse.Dispute, error) {
	reason, err := text("reason", reason, 500)
	if err != nil {
		return nil, err
	}
	d := &purse.Dispute{ID: purse.NewID(), AccountID: accountID, Reason: reason, Restricts: restricts, Status: "open"}
	err = s.change(ctx, actor, accountID, audit.AdminDisputeOpen, operatorMark, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		d.CreatedAt = tx.Now()
		if err := tx.InsertDispute(ctx, d); err != nil {
			return nil, err
		}
		if restricts && acct.Status == purse.StatusActive {
			acct.Status, acct.UpdatedAt = purse.StatusRestricted, tx.Now()
			if err := tx.UpdateAccount(ctx, acct); err != nil {
				return nil, err
			}
		}
		return map[string]string{"dispute_id": d.ID, "restricts": strconv.FormatBool(restricts),
			"status": string(acct.Status)}, nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Disputes lists the account's disputes, newest first. NOT_FOUND for no such account.
func (s *Service) Disputes(ctx context.Context, accountID string) ([]*purse.Dispute, error) {
	var out []*purse.Dispute
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		out, err = tx.Disputes(ctx, accountID)
		return err
	})
	return out, err
}

// ResolveDispute resolves a dispute; a restricted account becomes active again once no restricting
// dispute remains open. A resolved dispute answers again unchanged. Errors: NOT_FOUND.
func (s *Service) ResolveDispute(ctx context.Context, actor, accountID, id string) (*purse.Dispute, error) {
	var d *purse.Dispute
	err := s.change(ctx, actor, accountID, audit.AdminDisputeResolve, anyStatus, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		var err error
		if d, err = tx.Dispute(ctx, accountID, id); err != nil {
			return nil, item(err, "dispute", id)
		}
		if d.Status != "open" {
			return nil, nil
		}
		if err := tx.EndDispute(ctx, accountID, id, tx.Now()); err != nil {
			return nil, err
		}
		d.Status, d.EndedAt = "resolved", tx.Now()
		left, err := tx.OpenRestrictingDisputes(ctx, accountID)
		if err != nil {
			return nil, err
		}
		if left == 0 && acct.Status == purse.StatusRestricted {
			acct.Status, acct.UpdatedAt = purse.StatusActive, tx.Now()
			if err := tx.UpdateAccount(ctx, acct); err != nil {
				return nil, err
			}
		}
		return map[string]string{"dispute_id": id, "status": string(acct.Status)}, nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
