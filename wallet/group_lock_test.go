package wallet_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/audit"
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
	// afterHeads, if set, runs after each statement that locked audit heads.
	afterHeads func()
	heads      []string // the statements that locked audit heads, in order
	failed     []string // those that failed, with their errors
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

func (t *heldTx) LockAuditHead(ctx context.Context, chain int) (int64, string, error) {
	seq, hash, err := t.Tx.LockAuditHead(ctx, chain)
	t.s.locked("LockAuditHead", err)
	return seq, hash, err
}

func (t *heldTx) LockAuditHeads(ctx context.Context, chains []int) ([]purse.AuditHead, error) {
	heads, err := t.Tx.LockAuditHeads(ctx, chains)
	t.s.locked("LockAuditHeads", err)
	return heads, err
}

// locked notes a statement that locked audit heads, and what it answered.
func (s *heldStore) locked(what string, err error) {
	s.mu.Lock()
	s.heads = append(s.heads, what)
	if err != nil {
		s.failed = append(s.failed, what+": "+err.Error())
	}
	after := s.afterHeads
	s.mu.Unlock()
	if err == nil && after != nil {
		after()
	}
}

func (t *heldTx) AccountStatusForUpdate(ctx context.Context, id string) (purse.AccountStatus, error) {
	if t.s.beforeLock != nil {
		t.s.beforeLock(id)
	}
	return t.Tx.AccountStatusForUpdate(ctx, id)
}

// interleave runs two groups: together, one until it arrives at its barrier, then two until
// PostgreSQL shows it waiting on a lock, then one on from the barrier; apart, one after the other.
func interleave(t *testing.T, b *bundle, together bool, arrived, goOn chan struct{}, one, two func()) {
	t.Helper()
	if !together {
		one()
		two()
		return
	}
	var wg sync.WaitGroup
	wg.Go(one)
	<-arrived
	wg.Go(two)
	waitForLockWait(t, b)
	close(goOn)
	wg.Wait()
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
		interleave(t, b, together, arrived, goOn, one, two)
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

// TestGroupLocksAuditHeadsInOrder (issue 19): a wrong payment password in a group's batch is
// counted, and audited, in the group's transaction. Each transfer's event locked its chain's head
// as the batch checked it, so a group locked heads in the order of its transfers: group 1 (a
// wrong password from an account of chain Y, then from one of chain X < Y) held Y and waited for
// X, which group 2 (the same, from other accounts, X first) held while it waited for Y.
// PostgreSQL broke the deadlock after a second by failing group 2's head lock (40P01); its batch
// fell back to its transfers alone. The batch's audit events now wait for the group's end, where
// the group locks every head it needs in one statement, in ascending order, after every account:
// group 2 waits for group 1, and no statement fails. SQLite's one writer runs the groups in turn.
func TestGroupLocksAuditHeadsInOrder(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		// Four senders, two in each of two chains X < Y.
		by := map[int][]string{}
		var x, y int
		for found := false; !found; {
			id := b.funded(t, 100_000)
			c := audit.ChainOf(id)
			by[c] = append(by[c], id)
			var two []int
			for c, ids := range by {
				if len(ids) >= 2 {
					two = append(two, c)
				}
			}
			if len(two) >= 2 {
				slices.Sort(two)
				x, y, found = two[0], two[1], true
			}
		}
		wrong := func(to string) wallet.TransferRequest {
			return wallet.TransferRequest{To: to, Amount: wallet.DefaultPasswordAbove + 1, PaymentPassword: "000000"}
		}
		together := b.Dialect == "postgres"
		held1, held2 := &heldStore{Store: b.DB}, &heldStore{Store: b.DB}
		arrived, goOn := make(chan struct{}), make(chan struct{})
		if together {
			var once sync.Once
			held1.afterHeads = func() {
				once.Do(func() {
					close(arrived)
					<-goOn
				})
			}
		}
		// Each group's two senders send to each other: the groups share no account.
		s1, s2 := by[y][0], by[x][0]
		s3, s4 := by[x][1], by[y][1]
		var errs1, errs2 []error
		var err1, err2 error
		one := func() {
			_, errs1, err1 = wallet.GroupTransfers(b.ctx, wallet.WithStore(b.svc, held1), []string{s1, s2},
				[]wallet.TransferRequest{wrong(s2), wrong(s1)})
		}
		two := func() {
			_, errs2, err2 = wallet.GroupTransfers(b.ctx, wallet.WithStore(b.svc, held2), []string{s3, s4},
				[]wallet.TransferRequest{wrong(s4), wrong(s3)})
		}
		interleave(t, b, together, arrived, goOn, one, two)
		if err1 != nil || err2 != nil {
			t.Fatalf("binds: %v, %v", err1, err2)
		}
		for i, err := range append(errs1, errs2...) {
			if purse.ErrorCode(err) != "PAYMENT_PASSWORD_WRONG" {
				t.Errorf("transfer %d: %v, want PAYMENT_PASSWORD_WRONG", i, err)
			}
		}
		if f := append(held1.failed, held2.failed...); len(f) > 0 {
			t.Errorf("head locks failed: %q", f)
		}
		for _, id := range []string{s1, s2, s3, s4} {
			if n := failedPINs(t, b, id); n != 1 {
				t.Errorf("%s: %d payment_password.failed events, want 1", id, n)
			}
		}
		if r, err := audit.Check(b.ctx, b.DB); err != nil || r.FirstBroken != 0 {
			t.Fatalf("chains: %+v, %v", r, err)
		}
	})
}

// TestGroupFallbackKeepsAWrongPasswordsCount: a group whose batch fails tries its transfers alone,
// each in a savepoint of the group's; a wrong payment password is counted and audited once, and
// its event waits for the group's end like the batch's.
func TestGroupFallbackKeepsAWrongPasswordsCount(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		a, c := b.funded(t, 100_000), b.funded(t, 100_000)
		held := &heldStore{Store: b.DB, failBatch: true}
		_, errs, err := wallet.GroupTransfers(b.ctx, wallet.WithStore(b.svc, held), []string{a, c},
			[]wallet.TransferRequest{{To: c, Amount: wallet.DefaultPasswordAbove + 1, PaymentPassword: "000000"}, {To: a, Amount: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if purse.ErrorCode(errs[0]) != "PAYMENT_PASSWORD_WRONG" || errs[1] != nil {
			t.Fatalf("answers: %v", errs)
		}
		if !slices.Equal(held.heads, []string{"LockAuditHeads"}) {
			t.Errorf("the group locked audit heads with %q, want one LockAuditHeads at its end", held.heads)
		}
		if n := failedPINs(t, b, a); n != 1 {
			t.Errorf("%d payment_password.failed events, want 1", n)
		}
		// The count stands: two more wrong passwords leave two of the five tries.
		for want := 3; want >= 2; want-- {
			_, err := b.svc.Transfer(b.ctx, a, wallet.TransferRequest{To: c, Amount: wallet.DefaultPasswordAbove + 1, PaymentPassword: "000000"})
			if e := purse.AsError(err); e == nil || e.Params["Remaining"] != want {
				t.Fatalf("a wrong password after the group's: %v, want %d remaining", err, want)
			}
		}
		if r, err := audit.Check(b.ctx, b.DB); err != nil || r.FirstBroken != 0 {
			t.Fatalf("chains: %+v, %v", r, err)
		}
	})
}

// TestTransferGroupedInABoundTransaction: a caller whose context carries a transaction of its own
// (Store.Bind: an Idempotency-Key request's) gets its transfer in that transaction, so that it
// commits or rolls back with the rest of the caller's work. Handed to the group, it committed in
// the group's transaction whatever the caller's did (PostgreSQL), or waited for SQLite's one
// writer, which the caller held, until the caller's deadline.
func TestTransferGroupedInABoundTransaction(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		a, c := b.funded(t, 100_000), b.funded(t, 100_000)
		// The deadline only ends the wait for SQLite's writer that the transfer met before.
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		bound, end, err := b.DB.Bind(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, terr := b.svc.TransferGrouped(bound, a, wallet.TransferRequest{To: c, Amount: 10})
		if err := end(false); err != nil {
			t.Fatal(err)
		}
		if terr != nil {
			t.Fatalf("transfer in the bound transaction: %v", terr)
		}
		if got := b.balance(t, a); got != 100_000 {
			t.Errorf("after the caller's rollback the sender has %d, want 100000: the transfer committed without it", got)
		}
	}, func(c *app.Config) { c.Wallet.GroupCommit = 8 })
}

// failedPINs counts the payment_password.failed events audited for account id.
func failedPINs(t *testing.T, b *bundle, id string) int {
	t.Helper()
	es, err := audit.Events(b.ctx, b.DB, id, purse.AuditPos{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action == "payment_password.failed" {
			n++
		}
	}
	return n
}
