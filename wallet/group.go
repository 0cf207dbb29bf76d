package wallet

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/purse-wallet/purse"
)

// Group commits several movements in one database transaction, so that one fsync acknowledges
// many of them: group commit. Durability is not traded: every caller gets its answer only after
// the shared commit is on disk, and a failed commit fails every movement of the group.
//
// Each movement runs in its own savepoint inside the shared transaction (Store.Tx joins a bound
// transaction that way), so a refused movement (insufficient funds) rolls back alone and the others
// still commit. It pays where commits are serialized anyway — SQLite's single writer — and is off
// for PostgreSQL, whose concurrent transactions already share WAL flushes.
type Group struct {
	store purse.Store
	max   int
	reqs  chan *groupReq
	once  sync.Once
}

type groupReq struct {
	fn   func(ctx context.Context) error
	done chan error
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
	r := &groupReq{fn: fn, done: make(chan error, 1)}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the movement may commit: wait for the answer even if the caller gives up, so
	// that an acknowledged movement is never reported as failed.
	return <-r.done
}

func (g *Group) loop(ctx context.Context) {
	for {
		var first *groupReq
		select {
		case <-ctx.Done():
			return
		case first = <-g.reqs:
		}
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
		g.run(context.WithoutCancel(ctx), batch)
	}
}

func (g *Group) run(ctx context.Context, batch []*groupReq) {
	errs := make([]error, len(batch))
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	bound, end, err := g.store.Bind(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer func() {
		if p := recover(); p != nil {
			_ = end(false)
			fail(fmt.Errorf("group commit: panic: %v", p))
		}
	}()
	for i, r := range batch {
		// Store.Tx under a bound context runs in a savepoint: a failing movement undoes only itself.
		errs[i] = r.fn(bound)
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
	s.group.Start(ctx)
}

// TransferGrouped is Transfer through the commit group when one is enabled. A transfer that needs
// the payment password runs alone: its argon2id check would hold the whole group. Errors: as
// Transfer, and UNAVAILABLE when the group's commit failed.
func (s *Service) TransferGrouped(ctx context.Context, accountID string, r TransferRequest) (*purse.LedgerTransaction, error) {
	if s.group == nil || r.Amount > s.Config.PasswordAbove {
		return s.Transfer(ctx, accountID, r)
	}
	var t *purse.LedgerTransaction
	err := s.group.Do(ctx, func(bound context.Context) error {
		var err error
		t, err = s.Transfer(bound, accountID, r)
		return err
	})
	return t, err
}
