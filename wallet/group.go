package wallet

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
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
// locks each account and reads each book once and inserts its rows with a few multi-row statements
// (ledger.PostBatch), where one transfer alone costs about nine statements.
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
// p99 than four (figures in docs/BENCHMARKS.md, "Figures behind the code's choices").
func inflight(dialect string) int {
	if dialect == "postgres" {
		return 2
	}
	return 4
}

func (g *Group) loop(ctx context.Context) {
	slots := make(chan struct{}, inflight(g.store.Dialect()))
	for {
		var first *groupReq
		select {
		case <-ctx.Done():
			return
		case first = <-g.reqs:
		}
		slots <- struct{}{}
		// Bind waits for the write connection, that is for the previous group's commit; the
		// movements that arrive meanwhile join this group.
		run := context.WithoutCancel(ctx)
		bound, end, err := g.store.Bind(run)
		batch := []*groupReq{first}
	fill:
		for len(batch) < g.max {
			select {
			case r := <-g.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		if err != nil {
			for _, r := range batch {
				r.done <- err
			}
			<-slots
			continue
		}
		go func() {
			defer func() { <-slots }()
			g.run(bound, end, batch)
		}()
	}
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
	var jobs []*transferJob
	var at []int
	for i, r := range batch {
		if r.xfer != nil && g.batch != nil {
			jobs, at = append(jobs, r.xfer), append(at, i)
			continue
		}
		// Store.Tx under a bound context runs in a savepoint: a failing movement undoes only itself.
		errs[i] = r.fn(bound)
	}
	if len(jobs) > 0 {
		for j, err := range g.batch(bound, jobs) {
			errs[at[j]] = err
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
// that hash made outside any transaction (then its verifier is a keyed one). Errors: as Transfer,
// and UNAVAILABLE when the group's commit failed.
func (s *Service) TransferGrouped(ctx context.Context, accountID string, r TransferRequest) (*purse.LedgerTransaction, error) {
	if s.group == nil {
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
// transfer is tried alone instead (in its own savepoint), so one bad row cannot fail the others.
//
// A transfer with a payment password has it checked in its entry's Check, once PostBatch holds
// every account's row lock: the sender's record is read then (current under the lock), and a wrong
// PIN is counted in the group's transaction, which commits although the transfer is refused.
func (s *Service) batchTransfers(ctx context.Context, jobs []*transferJob) []error {
	errs := make([]error, len(jobs))
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		records := map[string]*purse.AccountRecord{} // senders read under the batch's locks
		checkPIN := func(from string, proof *account.PaymentPasswordProof) error {
			rec, ok := records[from]
			if !ok {
				var err error
				if rec, err = tx.Account(ctx, from); err != nil {
					return err
				}
				records[from] = rec
			}
			err := s.Accounts.CheckPaymentPasswordProofLocked(ctx, tx, rec, proof)
			var kept *purse.CommittedError
			if errors.As(err, &kept) {
				return kept.Err // counted in the group's transaction, which commits
			}
			return err
		}
		var entries []ledger.Entry
		var at []int
		var tos []string
		// Password-free allowances first, in account order (their counter rows lock like the
		// accounts, and any order but one could deadlock two groups). A refused one stays out.
		order := make([]int, len(jobs))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return jobs[order[a]].account < jobs[order[b]].account })
		passed := make([]bool, len(jobs))
		for _, i := range order {
			if jobs[i].proof != nil {
				continue // checked with its password in its entry's Check
			}
			errs[i] = s.passwordFree(ctx, tx, jobs[i].account, jobs[i].r.Amount)
			passed[i] = errs[i] == nil
		}
		for i, j := range jobs {
			if errs[i] != nil {
				continue
			}
			to, err := s.recipient(ctx, tx, j.r.To)
			if err != nil {
				errs[i] = err
				continue
			}
			if to == j.account {
				errs[i] = purse.Errorf(purse.CodeTransferToSelf, "transfer to self")
				continue
			}
			t := record(tx, purse.TxTransfer, j.account, j.r.Amount, purse.CNY)
			t.Counterparty, t.Memo = to, j.r.Memo
			from, proof := j.account, j.proof
			entries = append(entries, ledger.Entry{Tx: t, Legs: []purse.Posting{
				ledger.Leg(from, purse.BookMain, purse.CNY, -j.r.Amount),
				ledger.Leg(to, purse.BookMain, purse.CNY, j.r.Amount),
			}, Check: func(st ledger.Locked) error {
				if st[from] == purse.StatusRestricted {
					return purse.Errorf(purse.CodeAccountRestricted, "account %s is restricted", from)
				}
				if proof != nil {
					return checkPIN(from, proof)
				}
				return nil
			}})
			at, tos = append(at, i), append(tos, to)
		}
		posted, err := ledger.PostBatch(ctx, tx, entries)
		if err != nil {
			return err
		}
		for k, err := range posted {
			i := at[k]
			if e := purse.AsError(err); e != nil && e.Code == purse.CodeNotFound && e.Params["Account"] == tos[k] {
				err = purse.Errorf(purse.CodeRecipientNotFound, "no recipient %q", tos[k])
			}

			if errs[i] = err; err == nil {
				jobs[i].out = entries[k].Tx
			}
		}
		// A transfer refused after its allowance was counted gives it back: the group's
		// transaction commits for the others.
		for _, i := range order {
			if passed[i] && errs[i] != nil {
				if err := s.unspend(ctx, tx, jobs[i].account, jobs[i].r.Amount); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		for i, j := range jobs {
			j.out, errs[i] = s.transfer(ctx, j.account, j.r, j.proof)
		}
	}
	return errs
}
