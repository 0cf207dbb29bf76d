package audit

import (
	"context"

	"github.com/purse-wallet/purse"
)

type deferredKey struct{}

// deferred holds the events recorded in one transaction until it is about to commit.
type deferred struct {
	tx     purse.Tx
	events []*purse.AuditEvent
}

// Deferred returns a context under which Record, called with tx, keeps its events instead of
// appending each at once, and the flush that appends them all, in the order recorded, with one
// lock of the chain's head and one move of it. Call flush last in tx, before it commits (also
// before returning a purse.FailAfterCommit error); events of a transaction that rolls back are
// simply dropped with it. Every audited transaction locks the head row, so appending at the end
// also holds that lock for the shortest time. Record calls for another transaction go through at
// once. Do not defer around a savepoint that may roll back alone: its events would still be
// flushed.
func Deferred(ctx context.Context, tx purse.Tx) (context.Context, func() error) {
	d := &deferred{tx: tx}
	return context.WithValue(ctx, deferredKey{}, d), func() error { return d.flush(ctx) }
}

func (d *deferred) flush(ctx context.Context) error {
	if len(d.events) == 0 {
		return nil
	}
	if err := appendChain(ctx, d.tx, d.events); err != nil {
		return err
	}
	d.events = nil
	return nil
}
