package wallet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/operator"
)

// settleBatch is how many pending movements one job run settles.
const settleBatch = 100

// settle completes a pending top-up, withdrawal or fund redemption inside tx. settled_at is when the
// ledger learnt of the settlement (at or after the bank's time), so the closure engine's AP-8.3
// window, which counts from it, never starts early.
func settle(ctx context.Context, tx purse.Tx, t *purse.LedgerTransaction) error {
	var legs []purse.Posting
	switch t.Kind {
	case purse.TxTopup:
		legs = []purse.Posting{
			ledger.Leg(purse.OwnerBank, "", t.Currency, -t.Amount),
			ledger.Leg(t.AccountID, purse.BookMain, t.Currency, t.Amount),
		}
	case purse.TxWithdrawal:
		legs = []purse.Posting{
			ledger.Leg(purse.OwnerWithdrawalsFlight, "", t.Currency, -t.Amount),
			ledger.Leg(purse.OwnerBank, "", t.Currency, t.Amount),
		}
	case purse.TxFundRedeem:
		legs = []purse.Posting{
			ledger.Leg(purse.OwnerFundCustodian, "", t.Currency, -t.Amount),
			ledger.Leg(t.AccountID, purse.BookMain, t.Currency, t.Amount),
		}
	default:
		return purse.Errorf(purse.CodeTransactionNotPending, "%s does not settle", t.Kind)
	}
	if err := ledger.Append(ctx, tx, nil, t.ID, legs); err != nil {
		return err
	}
	return tx.SettleLedgerTransaction(ctx, t.ID, tx.Now())
}

// SettleWithdrawal settles a pending withdrawal now, for the operator actor (the bank confirmed
// it early). Settling releases money to a bank (issue 13): an admin's (operator.ActSettle), and
// above the four-eyes threshold a second operator's too (APPROVAL_PENDING). Errors:
// ROLE_REQUIRED, NOT_FOUND, TRANSACTION_NOT_PENDING, APPROVAL_PENDING.
func (s *Service) SettleWithdrawal(ctx context.Context, actor, id string) (*purse.LedgerTransaction, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no withdrawal %s", id)
	}
	var held *purse.Approval
	t, err := s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		if err := operator.Authorize(ctx, tx, actor, operator.ActSettle); err != nil {
			return nil, err
		}
		t, err := pendingWithdrawal(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if held, err = approval.Hold(ctx, tx, actor, approval.Request{Kind: approval.KindSettle,
			AccountID: t.AccountID, Amount: t.Amount, Params: map[string]string{"withdrawal": id}}); held != nil || err != nil {
			return nil, err
		}
		return settleWithdrawal(ctx, tx, actor, t)
	})
	if err == nil && held != nil {
		return nil, approval.Pending(held)
	}
	return t, err
}

// pendingWithdrawal locks the withdrawal's row and checks that it is one and still pending.
func pendingWithdrawal(ctx context.Context, tx purse.Tx, id string) (*purse.LedgerTransaction, error) {
	t, err := tx.LedgerTransactionForUpdate(ctx, id)
	if err != nil {
		return nil, notFound(err, "withdrawal")
	}
	if t.Kind != purse.TxWithdrawal {
		return nil, purse.Errorf(purse.CodeNotFound, "%s is not a withdrawal", id)
	}
	if t.Status != purse.TxPending {
		return nil, purse.Errorf(purse.CodeTransactionNotPending, "withdrawal %s is %s", id, t.Status)
	}
	return t, nil
}

// settleWithdrawal settles the locked pending withdrawal inside tx and audits it; the matrix and
// the four-eyes rule were applied by the caller.
func settleWithdrawal(ctx context.Context, tx purse.Tx, actor string, t *purse.LedgerTransaction) (*purse.LedgerTransaction, error) {
	if err := settle(ctx, tx, t); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, tx, actor, "withdrawal.settle", t.AccountID,
		map[string]string{"transaction": t.ID}); err != nil {
		return nil, err
	}
	return tx.LedgerTransaction(ctx, t.ID, "")
}

// SettleDue settles up to one batch of due movements of the kind and reports how many. Each
// settles in its own transaction, so one that fails (logged by the job runner) does not hold back
// the others; a movement another instance settled meanwhile is skipped. Top-ups and withdrawals
// are not settled by the clock but by the bank: for them SettleDue reconciles (see reconcile).
func (s *Service) SettleDue(ctx context.Context, kind purse.TxKind) (int, error) {
	var due []purse.LedgerTransaction
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		due, err = tx.DuePendingTransactions(ctx, kind, tx.Now(), settleBatch)
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, d := range due {
		var err error
		if kind == purse.TxTopup || kind == purse.TxWithdrawal {
			var done bool
			if done, err = s.reconcile(ctx, &d); err == nil && !done {
				continue
			}
		} else {
			err = s.Store.Tx(ctx, func(tx purse.Tx) error {
				t, err := tx.LedgerTransactionForUpdate(ctx, d.ID)
				if err != nil || t.Status != purse.TxPending {
					return err
				}
				return settle(ctx, tx, t)
			})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("settle %s: %w", d.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// Tasks are the wallet's background jobs: top-ups and withdrawals still pending past their window
// are reconciled with the bank (the sandbox settles payouts at the next midnight in Shanghai),
// fund redemptions settle on the next working day.
func (s *Service) Tasks() []jobs.Task {
	task := func(kind purse.TxKind) jobs.Task {
		return jobs.Task{Name: "settle." + string(kind), Every: time.Minute, Batch: settleBatch,
			Run: func(ctx context.Context) (int, error) { return s.SettleDue(ctx, kind) }}
	}
	return []jobs.Task{task(purse.TxTopup), task(purse.TxWithdrawal), task(purse.TxFundRedeem)}
}
