package wallet_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

// heldStore is a store whose transactions go through heldTx: one transaction object per
// underlying one, as the store gives the same to every savepoint of a bound transaction.
type heldStore struct {
	purse.Store
	mu  sync.Mutex
	txs map[purse.Tx]*heldTx
	// failBatch makes the group's batch fail in storage, at its first statement that locks (a
	// lock_timeout, say).
	failBatch bool
	// beforeLock, if set, runs before the transaction locks one account alone (ledger.Lock), with
	// that account's id.
	beforeLock func(id string)
}

func (s *heldStore) Tx(ctx context.Context, fn func(purse.Tx) error) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		s.mu.Lock()
		if s.txs == nil {
			s.txs = map[purse.Tx]*heldTx{}
		}
		h, ok := s.txs[tx]
		if !ok {
			h = &heldTx{Tx: tx, s: s}
			s.txs[tx] = h
		}
		s.mu.Unlock()
		return fn(h)
	})
}

type heldTx struct {
	purse.Tx
	s *heldStore
}

func (t *heldTx) AccountsForUpdate(ctx context.Context, ids []string) (map[string]*purse.AccountRecord, error) {
	if t.s.failBatch {
		return nil, errors.New("test: the batch's lock fails")
	}
	return t.Tx.AccountsForUpdate(ctx, ids)
}

func (t *heldTx) AccountStatusForUpdate(ctx context.Context, id string) (purse.AccountStatus, error) {
	if t.s.beforeLock != nil {
		t.s.beforeLock(id)
	}
	return t.Tx.AccountStatusForUpdate(ctx, id)
}

// waitForLockWait returns once a session of the test's PostgreSQL database waits on a lock.
func waitForLockWait(t *testing.T, b *bundle) {
	t.Helper()
	for range 6000 {
		var n int
		if err := b.DB.SQL().QueryRowContext(b.ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no session came to wait on a lock")
}

// TestGroupFallbackKeepsTheLockOrder (issue 19): when a group's batch fails in storage, its
// transfers are tried again each alone, in the group's order; each locked its own two accounts
// while the group held those of the transfers before it, out of the id order every other group
// locks in. Group 1 (A to D, then B to C) falls back and has A and D; group 2 (B to D, its batch
// failing too) locks B and waits for D; group 1's second transfer then waits for B. PostgreSQL
// broke the deadlock after a second (deadlock_timeout) by failing group 2's transfer, which the
// caller was told had failed (40P01, UNAVAILABLE) although it would have gone through; a group
// whose batch lost such a deadlock fell back and got through, a second late. The fallback now
// locks every account of the group again, in id order, before it tries them alone, so group 2
// waits for group 1 and every transfer goes through. SQLite's one writer runs the groups in turn.
func TestGroupFallbackKeepsTheLockOrder(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		ids := make([]string, 4)
		for i := range ids {
			ids[i] = b.funded(t, 100_000)
		}
		slices.Sort(ids)
		a, bb, c, d := ids[0], ids[1], ids[2], ids[3]
		together := b.Dialect == "postgres"
		held := &heldStore{Store: b.DB, failBatch: true}
		arrived, goOn := make(chan struct{}), make(chan struct{})
		if together {
			var once sync.Once
			held.beforeLock = func(id string) {
				if id == bb { // group 1's second transfer, alone
					once.Do(func() {
						close(arrived)
						<-goOn
					})
				}
			}
		}
		var errs1, errs2 []error
		var err1, err2 error
		one := func() {
			_, errs1, err1 = wallet.GroupTransfers(b.ctx, wallet.WithStore(b.svc, held), []string{a, bb},
				[]wallet.TransferRequest{{To: d, Amount: 10}, {To: c, Amount: 20}})
		}
		two := func() {
			_, errs2, err2 = wallet.GroupTransfers(b.ctx, wallet.WithStore(b.svc, &heldStore{Store: b.DB, failBatch: true}),
				[]string{bb}, []wallet.TransferRequest{{To: d, Amount: 40}})
		}
		if together {
			var wg sync.WaitGroup
			wg.Go(one)
			<-arrived
			wg.Go(two)
			waitForLockWait(t, b)
			close(goOn)
			wg.Wait()
		} else {
			one()
			two()
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("commits: %v, %v", err1, err2)
		}
		for i, err := range append(errs1, errs2...) {
			if err != nil {
				t.Errorf("transfer %d: %v", i, err)
			}
		}
		for id, want := range map[string]int64{a: 100_000 - 10, bb: 100_000 - 20 - 40, c: 100_000 + 20, d: 100_000 + 10 + 40} {
			if got := b.balance(t, id); got != want {
				t.Errorf("balance of %s: %d, want %d", id, got, want)
			}
		}
	})
}
