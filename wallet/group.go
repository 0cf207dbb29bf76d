package wallet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/ledger"
)

// Group commits several movements in one database transaction, so that one fsync acknowledges
// many of them: group commit. Durability is not traded: every caller gets its answer only after
// the shared commit is on disk, and a failed commit fails every movement of the group.
//
// Each movement runs in its own savepoint inside the shared transaction (Store.Tx joins a bound
// transaction that way), so a refused movement (insufficient funds) rolls back alone and the others
// still commit. On SQLite it turns the single writer's per-commit cost into a per-group one; on
// PostgreSQL, whose concurrent commits already share WAL flushes, it saves the round trips: a group
// of transfers sends the same eleven statements whatever its size (see batchTransfers), where one
// transfer alone costs about nine.
type Group struct {
	store purse.Store
	max   int
	reqs  chan *groupReq
	once  sync.Once
	// batch posts the group's transfers together (see Service.batchTransfers); nil posts each
	// through its fn.
	batch func(ctx context.Context, jobs []*transferJob) []error
}

type groupReq struct {
	fn   func(ctx context.Context) error
	xfer *transferJob // a transfer, posted with the group's other transfers in one batch
	done chan error
}

// transferJob is a transfer waiting for its group, and its row once posted.
type transferJob struct {
	account string
	r       TransferRequest
	proof   *account.PaymentPasswordProof // the payment password to check, when the amount needs it
	out     *purse.LedgerTransaction
}

// NewGroup returns a group of at most max movements per commit; Start runs it.
func NewGroup(store purse.Store, max int) *Group {
	return &Group{store: store, max: max, reqs: make(chan *groupReq, max*4)}
}

// Start runs the committer until ctx ends.
func (g *Group) Start(ctx context.Context) {
	g.once.Do(func() { go g.loop(ctx) })
}

// Do runs fn in the next group and returns its own error, or the group's commit error.
func (g *Group) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	return g.enqueue(ctx, &groupReq{fn: fn, done: make(chan error, 1)})
}

func (g *Group) enqueue(ctx context.Context, r *groupReq) error {
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the movement may commit: wait for the answer even if the caller gives up, so
	// that an acknowledged movement is never reported as failed.
	return <-r.done
}

// inflight is how many groups may be under way at once. On SQLite, one holds the write connection
// while those before it wait for their commits to reach the disk (the fsync runs after the
// connection is released: see sqlstore/sqlite's walSync), so a slow fsync does not stall the writer.
// On PostgreSQL concurrent groups lock many of the same accounts and wait in turn for each other's
// commits, so more groups mostly add lock waits: two in flight did more transfers with a steadier
// p99 than four, and than three (figures in docs/BENCHMARKS.md, "Figures behind the code's
// choices"). One did better when a few accounts carry every transfer; with many, the second
// group runs while the first commits (session 14: two did a sixth to three fifths more transfers
// than one over 10,000 accounts). Since session 15 a group waits for one in flight that shares an
// account with it (admit), so two run side by side only over different accounts.
func inflight(dialect string) int {
	if dialect == "postgres" {
		return 2
	}
	return 4
}

func (g *Group) loop(ctx context.Context) {
	slots := make(chan struct{}, inflight(g.store.Dialect()))
	// apart: on PostgreSQL a group waits for the groups in flight whose accounts it shares (see
	// admit); SQLite's groups take its one writer in turn whatever accounts they touch.
	apart := g.store.Dialect() == "postgres"
	var flying []*flight
	for {
		var first *groupReq
		select {
		case <-ctx.Done():
			return
		case first = <-g.reqs:
		}
		slots <- struct{}{}
		batch := g.fill([]*groupReq{first})
		if apart {
			batch, flying = g.admit(batch, flying)
		}
		// Bind waits for the write connection, that is for the previous group's commit; the
		// movements that arrive meanwhile join this group.
		run := context.WithoutCancel(ctx)
		bound, end, err := g.store.Bind(run)
		batch = g.fill(batch)
		if err != nil {
			for _, r := range batch {
				r.done <- err
			}
			<-slots
			continue
		}
		f := &flight{done: make(chan struct{})}
		if apart { // admit drops the flights that have ended; SQLite keeps none
			f.accounts = accountsOf(batch)
			flying = append(flying, f)
		}
		go func() {
			defer func() { close(f.done); <-slots }()
			g.run(bound, end, batch)
		}()
	}
}

// fill adds to batch the movements already waiting, up to the group's size.
func (g *Group) fill(batch []*groupReq) []*groupReq {
	for len(batch) < g.max {
		select {
		case r := <-g.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

func (g *Group) run(bound context.Context, end func(bool) error, batch []*groupReq) {
	errs := make([]error, len(batch))
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	defer func() {
		if p := recover(); p != nil {
			_ = end(false)
			fail(fmt.Errorf("group commit: panic: %v", p))
		}
	}()
	var xfers []*transferJob
	var at []int
	// Two steps or more leave their audit events to the group, which appends them in one
	// savepoint of its own (a lock statement and an insert for all, instead of per step); a
	// step alone appends its own, without that savepoint.
	shared, left := bound, (*jobs.Shared)(nil)
	if len(batch) > 1 {
		shared, left = jobs.Share(bound)
	}
	for i, r := range batch {
		if r.xfer != nil && g.batch != nil {
			xfers, at = append(xfers, r.xfer), append(at, i)
			continue
		}
		// Store.Tx under a bound context runs in a savepoint: a failing movement undoes only
		// itself. What a kept one leaves for the end (a closure step's audit events) is
		// written once for the group, below.
		errs[i] = r.fn(shared)
	}
	if len(xfers) > 0 {
		// Under shared too: what the batch audits goes to the group's end (see batchTransfers).
		// The batch locks its accounts in id order, but after whatever the steps above locked:
		// only on SQLite, whose one writer runs groups in turn, do closure steps join a group
		// (app). On PostgreSQL a step's account locked before the batch's would break the one
		// order in which two groups in flight must lock (docs/architecture.md).
		for j, err := range g.batch(shared, xfers) {
			errs[at[j]] = err
		}
	}
	if left != nil && !left.Empty() {
		if err := g.store.Tx(bound, func(tx purse.Tx) error { return left.Flush(bound, tx) }); err != nil {
			_ = end(false)
			fail(&purse.Error{Code: purse.CodeUnavailable, Err: errors.Join(errors.New("group commit: what the steps left"), err)})
			return
		}
	}
	if err := end(true); err != nil {
		fail(&purse.Error{Code: purse.CodeUnavailable, Err: errors.Join(errors.New("group commit"), err)})
		return
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// EnableGroupCommit makes TransferGrouped share commits, at most max movements per commit, until
// ctx ends.
func (s *Service) EnableGroupCommit(ctx context.Context, max int) {
	s.group = NewGroup(s.Store, max)
	s.group.batch = s.batchTransfers
	s.group.Start(ctx)
}

// TransferGrouped is Transfer through the commit group when one is enabled. A transfer that carries
// the payment password joins the group too (it is always checked, issue 13): its keyed hash costs microseconds under the account's
// lock (issue 19). Only an account whose verifier is still an argon2id one runs alone, once, with
// that hash made outside any transaction (then its verifier is a keyed one). A caller whose
// context carries a transaction of its own (Store.Bind: an Idempotency-Key request's) transfers in
// it, to commit or roll back with the rest of its work, as a closure step does: handed to the group,
// the transfer committed in the group's transaction whatever the caller's did (PostgreSQL), or
// waited for SQLite's one writer, which the caller held, until its deadline
// (TestTransferGroupedInABoundTransaction). Errors: as Transfer, and UNAVAILABLE when the group's
// commit failed.
func (s *Service) TransferGrouped(ctx context.Context, accountID string, r TransferRequest) (*purse.LedgerTransaction, error) {
	if s.group == nil || s.Store.Bound(ctx) {
		return s.Transfer(ctx, accountID, r)
	}
	if err := purse.CheckText("memo", r.Memo); err != nil {
		return nil, err
	}
	if err := s.checkAmount(r.Amount); err != nil {
		return nil, err
	}
	job := &transferJob{account: accountID, r: r}
	if r.PaymentPassword != "" {
		// Sent, so always checked; without one the batch applies passwordFree.
		job.proof = s.Accounts.NewPaymentPasswordProof(accountID, r.PaymentPassword)
	}
	err := s.group.enqueue(ctx, &groupReq{xfer: job, done: make(chan error, 1), fn: func(bound context.Context) error {
		var err error
		job.out, err = s.transfer(bound, accountID, r, job.proof)
		return err
	}})
	if errors.Is(err, account.ErrSlowPaymentPassword) {
		proof, err := s.provePaymentPassword(ctx, accountID, r.PaymentPassword)
		if err != nil {
			return nil, err
		}
		return s.transfer(ctx, accountID, r, proof)
	}
	if err != nil {
		return nil, err
	}
	return job.out, nil
}

// batchTransfers posts a group's transfers with ledger.PostBatch inside the group's transaction,
// checking each as Transfer does and in the same order. Should the batch fail in storage, each
// transfer is tried alone instead (in its own savepoint), so one bad row cannot fail the others;
// the group's accounts are then locked again first, in id order (relock), so that the transfers
// alone keep the order every group locks accounts in.
//
// Its statements do not grow with the group (issue 19): one locks every account of the group in id
// order and reads their records, one reads the day's password-free totals of the senders that
// send without the payment password, PostBatch reads the books and writes its rows, and one upsert
// adds the accepted password-free amounts to those totals. Every sender is checked against its
// record read under its lock: its password-free switch, its payment password's verifier, failures
// and lock. A wrong PIN is counted in the group's transaction, which commits although the
// transfer is refused.
//
// The daily password-free total is counted in order through the group: a transfer the cap refuses
// is refused as it would be alone after the earlier ones. One that passes the cap and is then
// refused (insufficient funds, say) is not added to the day, but the group's later transfers from
// the same sender saw it counted, as they would have seen it while it was under way alone.
func (s *Service) batchTransfers(ctx context.Context, batch []*transferJob) []error {
	errs := make([]error, len(batch))
	// Under a group's context, what the batch audits (a wrong payment password's count) waits
	// for the group's end, where every head is locked in one statement, in ascending order,
	// after every account (jobs.RunItem). Audited as each transfer was checked, the heads were
	// locked in the order of the group's transfers, and two groups each held one the other
	// waited for (TestGroupLocksAuditHeadsInOrder).
	err := jobs.RunItem(ctx, s.Store, func(ctx context.Context, tx purse.Tx) error {
		tos := make([]string, len(batch))
		var ids []string
		for i, j := range batch {
			to, err := s.recipient(ctx, tx, j.r.To)
			if err == nil && to == j.account {
				err = purse.Errorf(purse.CodeTransferToSelf, "transfer to self")
			}
			if errs[i] = err; err == nil {
				tos[i] = to
				ids = append(ids, j.account, to)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		recs, err := tx.AccountsForUpdate(ctx, ids)
		if err != nil {
			return err
		}
		held := ledger.Locked{}
		for id, rec := range recs {
			held[id] = rec.Status
		}
		now, day := tx.Now(), s.today(tx.Now())
		spent, err := s.freeTotals(ctx, tx, batch, errs, day)
		if err != nil {
			return err
		}
		var entries []ledger.Entry
		var at []int
		free := map[int]bool{} // entries (by index) whose amount counts toward the day
		for i, j := range batch {
			if errs[i] != nil {
				continue
			}
			t := record(tx, purse.TxTransfer, j.account, j.r.Amount, purse.CNY)
			t.Counterparty, t.Memo = tos[i], j.r.Memo
			k, from, amount, proof := len(entries), j.account, j.r.Amount, j.proof
			entries = append(entries, ledger.Entry{Tx: t, Legs: []purse.Posting{
				ledger.Leg(from, purse.BookMain, purse.CNY, -amount),
				ledger.Leg(tos[i], purse.BookMain, purse.CNY, amount),
			}, Check: func(st ledger.Locked) error {
				if st[from] == purse.StatusRestricted {
					return purse.Errorf(purse.CodeAccountRestricted, "account %s is restricted", from)
				}
				if proof != nil {
					err := s.Accounts.CheckPaymentPasswordProofLocked(ctx, tx, recs[from], proof)
					var kept *purse.CommittedError
					if errors.As(err, &kept) {
						return kept.Err // counted in the group's transaction, which commits
					}
					return err
				}
				if err := s.mayGoFree(recs[from], now, amount); err != nil {
					return err
				}
				if spent[from]+amount > s.Config.SmallDaily {
					return s.overDaily()
				}
				spent[from] += amount
				free[k] = true
				return nil
			}})
			at = append(at, i)
		}
		posted, err := ledger.PostBatch(ctx, tx, held, entries)
		if err != nil {
			return err
		}
		added := map[string]int64{}
		for k, err := range posted {
			i := at[k]
			if e := purse.AsError(err); e != nil && e.Code == purse.CodeNotFound && e.Params["Account"] == tos[i] {
				err = purse.Errorf(purse.CodeRecipientNotFound, "no recipient %q", tos[i])
			}
			if errs[i] = err; err == nil {
				batch[i].out = entries[k].Tx
				if free[k] {
					added[smallPayKey(batch[i].account)] += batch[i].r.Amount
				}
			}
		}
		return tx.AddToCounters(ctx, added, day)
	})
	if err != nil {
		// The batch's savepoint rolled back, and every row lock it took went with it. Tried
		// alone in the group's order, each transfer locked its own two accounts while the group
		// held those of the transfers before it: out of the id order every other group locks in,
		// so two groups each held an account the other waited for, and PostgreSQL failed one of
		// their transfers (40P01) that would have gone through
		// (TestGroupFallbackKeepsTheLockOrder). The group's accounts are locked again first, in
		// id order, in one statement: the transfers alone then wait for no account.
		s.relock(ctx, batch)
		for i, j := range batch {
			j.out = nil // what the rolled-back batch posted is no more
			errs[i] = jobs.RunItem(ctx, s.Store, func(ctx context.Context, tx purse.Tx) error {
				var err error
				j.out, err = s.transferIn(ctx, tx, j.account, j.r, j.proof)
				return err
			})
		}
	}
	return errs
}

// relock locks every account that the group's transfers name, in id order, in a savepoint whose
// locks stay with the group's transaction once released. Should it fail, the transfers alone
// meet the failure themselves.
func (s *Service) relock(ctx context.Context, batch []*transferJob) {
	_ = s.Store.Tx(ctx, func(tx purse.Tx) error {
		var ids []string
		for _, j := range batch {
			ids = append(ids, j.account)
			to, err := s.recipient(ctx, tx, j.r.To)
			if err == nil {
				ids = append(ids, to)
			} else if purse.AsError(err) == nil {
				return err
			}
		}
		slices.Sort(ids)
		_, err := tx.AccountStatusesForUpdate(ctx, slices.Compact(ids))
		return err
	})
}

// freeTotals reads, in one statement, the day's password-free totals of the group's senders that
// send without the payment password, by account.
func (s *Service) freeTotals(ctx context.Context, tx purse.Tx, jobs []*transferJob, errs []error, day time.Time) (map[string]int64, error) {
	var keys []string
	for i, j := range jobs {
		if errs[i] == nil && j.proof == nil {
			keys = append(keys, smallPayKey(j.account))
		}
	}
	spent := map[string]int64{}
	if len(keys) == 0 {
		return spent, nil
	}
	slices.Sort(keys)
	totals, err := tx.Counters(ctx, slices.Compact(keys), day)
	if err != nil {
		return nil, err
	}
	for i, j := range jobs {
		if errs[i] == nil && j.proof == nil {
			spent[j.account] = totals[smallPayKey(j.account)]
		}
	}
	return spent, nil
}
