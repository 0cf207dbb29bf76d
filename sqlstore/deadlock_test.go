package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/storetest"
)

// TestDeadlockInASavepointIsUnavailable: a deadlock that PostgreSQL breaks inside a savepoint of a
// bound transaction (a commit group's movement, an Idempotency-Key request's step) cannot be
// retried by the store, which retries only whole transactions; it reaches the caller. It is the
// database's conflict of the moment, not purse's fault: UNAVAILABLE with a Retry-After (503), as
// the store answers for a lock it waited too long for (55P03), not INTERNAL (500), as it did with
// the raw "deadlock detected (SQLSTATE 40P01)". Two bound transactions each lock one account in a
// savepoint, then the other's.
func TestDeadlockInASavepointIsUnavailable(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(storetest.Epoch)
	db := storetest.Open(t, "postgres", clk)
	ctx := context.Background()
	a, b := newAccount("hash-deadlock-a", clk.Now()), newAccount("hash-deadlock-b", clk.Now())
	must(t, db.Tx(ctx, func(tx purse.Tx) error {
		if err := tx.InsertAccount(ctx, a); err != nil {
			return err
		}
		return tx.InsertAccount(ctx, b)
	}))
	var first sync.WaitGroup
	first.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, ids := range [][2]string{{a.ID, b.ID}, {b.ID, a.ID}} {
		wg.Go(func() {
			bound, end, err := db.Bind(ctx)
			if err != nil {
				first.Done()
				errs[i] = err
				return
			}
			errs[i] = db.Tx(bound, func(tx purse.Tx) error {
				_, err := tx.AccountStatusForUpdate(bound, ids[0])
				first.Done()
				if err != nil {
					return err
				}
				first.Wait()
				_, err = tx.AccountStatusForUpdate(bound, ids[1])
				return err
			})
			must(t, end(true))
		})
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		failed++
		if e := purse.AsError(err); e == nil || e.Code != purse.CodeUnavailable || e.RetryAfter <= 0 {
			t.Errorf("the deadlock's loser: %v (code %s), want UNAVAILABLE with a Retry-After", err, purse.ErrorCode(err))
		}
	}
	if failed != 1 {
		t.Errorf("%d transactions failed, want the deadlock's one loser: %v", failed, errs)
	}
}
