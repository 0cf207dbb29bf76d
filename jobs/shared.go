package jobs

import (
	"context"
	"errors"

	"github.com/purse-wallet/purse"
)

// Shared is what the items of one shared transaction leave for its end (Deferred: their audit
// events), for a caller that runs the items itself, each in a savepoint of that transaction: a
// commit group (wallet.Group) running concurrent closure steps. As for a batch, each item's is
// kept only once its savepoint is, and all of it is written once, before the commit: the steps
// of a group lock the audit heads they need once, in one statement, and store their events in one
// more, where each step locked and inserted on its own (issue 19).
type Shared struct{ all left }

type sharedKey struct{}

// Share returns an empty Shared and ctx carrying it for the items run under it (see RunItem).
func Share(ctx context.Context) (context.Context, *Shared) {
	s := &Shared{all: left{by: map[any]Deferred{}}}
	return context.WithValue(ctx, sharedKey{}, s), s
}

// RunItem runs fn as one item of the Shared that ctx carries: in store.Tx (a savepoint of the
// shared transaction), with a context under which what fn writes late (Later: its audit events)
// is kept, and handed to the Shared once the savepoint is kept (fn returned nil or a
// purse.FailAfterCommit error). Outside a Shared it is store.Tx, and fn writes at once.
func RunItem(ctx context.Context, store purse.Store, fn func(ctx context.Context, tx purse.Tx) error) error {
	s, ok := ctx.Value(sharedKey{}).(*Shared)
	if !ok {
		return store.Tx(ctx, func(tx purse.Tx) error { return fn(ctx, tx) })
	}
	var l *left
	keep := false // the store unwraps a FailAfterCommit error: tell it here
	err := store.Tx(ctx, func(tx purse.Tx) error {
		var ictx context.Context
		ictx, l = within(ctx, tx)
		err := fn(ictx, tx)
		var c *purse.CommittedError
		keep = err == nil || errors.As(err, &c)
		return err
	})
	if keep {
		s.all.join(l)
	}
	return err
}

// Flush writes what the kept items left, in tx (the shared transaction, before it commits), and
// forgets it.
func (s *Shared) Flush(ctx context.Context, tx purse.Tx) error {
	err := s.all.flush(ctx, tx)
	s.all = left{by: map[any]Deferred{}}
	return err
}

// Empty reports whether no kept item left anything.
func (s *Shared) Empty() bool { return len(s.all.keys) == 0 }
