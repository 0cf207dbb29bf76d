package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
)

// RegisterApprovals gives the approval service the wallet's held actions (issue 13, four eyes):
// each runs, once approved, inside the approving transaction on behalf of the checker, and
// checks again what may have changed while it waited (the account still accepts postings, the
// withdrawal is still pending, no line was opened meanwhile).
func (s *Service) RegisterApprovals(a *approval.Service) {
	for kind, book := range map[string]purse.Book{approval.KindPointsGrant: purse.BookPoints, approval.KindStoredGrant: purse.BookStored} {
		a.Register(kind, func(ctx context.Context, tx purse.Tx, checker string, r *purse.Approval) (string, error) {
			t, err := grant(ctx, tx, nil, checker, r.AccountID, book, r.Amount, r.Reason)
			if err != nil {
				return "", err
			}
			return t.ID, nil
		})
	}
	a.Register(approval.KindCreditLine, func(ctx context.Context, tx purse.Tx, checker string, r *purse.Approval) (string, error) {
		l, err := openCreditLine(ctx, tx, checker, r.AccountID, r.Amount)
		if err != nil {
			return "", err
		}
		return l.ID, nil
	})
	a.Register(approval.KindSettle, func(ctx context.Context, tx purse.Tx, checker string, r *purse.Approval) (string, error) {
		t, err := pendingWithdrawal(ctx, tx, r.Params["withdrawal"])
		if err != nil {
			return "", err
		}
		if t.Amount != r.Amount || t.AccountID != r.AccountID {
			return "", purse.Errorf(purse.CodeTransactionNotPending, "withdrawal %s is not the one asked for", t.ID)
		}
		if _, err := settleWithdrawal(ctx, tx, checker, t); err != nil {
			return "", err
		}
		return t.ID, nil
	})
}
