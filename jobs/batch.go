package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/purse-wallet/purse"
)

// Batch is one run of a job over a batch of items claimed in one transaction, each handled in a
// savepoint of its own: an item that fails (an unreadable field, a missing template, a signer
// error) is rolled back alone, its failure recorded (purse.JobFailure: error, attempts, when to
// try again) and the others go on. The claims skip a failed item until its retry time, so one
// poisoned row no longer rolls back the batch and comes first again every minute, for ever,
// stopping the closures and erasures of everyone behind it. Support sees the failures in the
// admin console and API.
//
// A failure of the database itself (UNAVAILABLE, the context ended) is no item's fault: the run
// stops and the whole batch is rolled back, to be tried again at the next tick.
//
// The items' audit events are appended at the end of the batch, for every item that went through
// at once, each chain's head locked once and in chain order (Deferred, audit.Record): locked item
// by item, two batches running at once deadlocked on them. What an item locks itself (its request,
// its account) it locks while it runs, and no other batch has claimed it.
type Batch[T any] struct {
	Job   string
	Store purse.Store
	Log   *slog.Logger
	// Claim locks and returns the batch's items in the bound transaction.
	Claim func(ctx context.Context, tx purse.Tx) ([]T, error)
	// ID names an item in job_failures (a closure request's or an account's id).
	ID func(T) string
	// Each handles one item; ctx carries the bound transaction.
	Each func(ctx context.Context, tx purse.Tx, item T) error
	// All, if set, handles the whole batch at once, in one savepoint: the fast path of a job whose
	// statements each cover the batch (the purge). Only if it fails is each item handled alone.
	All func(ctx context.Context, tx purse.Tx, items []T) error

	failed error // the last item's failure in the run under way
}

// Run claims and handles one batch and returns how many items it handled.
func (b *Batch[T]) Run(ctx context.Context) (int, error) {
	done, err := b.RunItems(ctx)
	return len(done), err
}

// RunItems is Run returning the items handled, once their transaction has committed.
func (b *Batch[T]) RunItems(ctx context.Context) ([]T, error) {
	done, err := b.runBound(ctx, true)
	var lost *leftError
	if errors.As(err, &lost) && !outage(ctx, err) {
		// The items' deferred writes failed together, and nothing says whose fault it was: the
		// batch is rolled back and run again with each item's written in its own savepoint, so
		// that the item at fault is recorded and skipped like any other failing item. The heads
		// are then locked in the order of the items, which may deadlock with another batch; that
		// is a failure of one item, for a while, instead of the whole batch for ever.
		if b.Log != nil {
			b.Log.ErrorContext(ctx, "job batch: deferred writes failed, retried item by item", "job", b.Job, "error", err.Error())
		}
		done, err = b.runBound(ctx, false)
	}
	if err != nil {
		return nil, err
	}
	if len(done) == 0 && b.failed != nil {
		// Every item failed: more likely the job's own fault (a wrong master key, a missing
		// template) than each item's. The failures are recorded; the run reports it too.
		return nil, fmt.Errorf("%s: every item of the batch failed, the last with: %w", b.Job, b.failed)
	}
	return done, nil
}

// runBound runs one batch in a transaction of its own; atEnd as in run.
func (b *Batch[T]) runBound(ctx context.Context, atEnd bool) ([]T, error) {
	bctx, end, err := b.Store.Bind(ctx)
	if err != nil {
		return nil, err
	}
	done, err := b.run(bctx, atEnd)
	if err != nil {
		return nil, errors.Join(err, end(false))
	}
	if err := end(true); err != nil {
		return nil, err
	}
	return done, nil
}

// run claims the batch and handles its items. With atEnd, what the items leave for the end
// (Deferred: their audit events) is written after the last item, for every item at once, so that
// the batch locks the audit chains' heads once each and in chain order; a failure there is a
// *leftError. Without it, each item's is written at the end of its own savepoint.
func (b *Batch[T]) run(ctx context.Context, atEnd bool) ([]T, error) {
	var items []T
	err := b.Store.Tx(ctx, func(tx purse.Tx) (err error) {
		items, err = b.Claim(ctx, tx)
		return err
	})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	var all *left // what the kept items left, in their order; nil: each item writes its own
	if atEnd {
		all = &left{by: map[any]Deferred{}}
	}
	done, err := b.handle(ctx, items, all)
	if err != nil {
		return nil, err
	}
	if all != nil && len(all.keys) > 0 {
		if err := b.Store.Tx(ctx, func(tx purse.Tx) error { return all.flush(ctx, tx) }); err != nil {
			return nil, &leftError{err}
		}
	}
	return done, b.clear(ctx, done)
}

// handle handles the items: all at once when the batch has All and it succeeds, else each in a
// savepoint of its own, recording those that fail.
func (b *Batch[T]) handle(ctx context.Context, items []T, all *left) ([]T, error) {
	if b.All != nil {
		err := b.attempt(ctx, all, func(ctx context.Context, tx purse.Tx) error { return b.All(ctx, tx, items) })
		if err == nil {
			return items, nil
		}
		if outage(ctx, err) {
			return nil, err
		}
		// One item (or more) poisons the batch: find which, each on its own.
	}
	var ok []T
	b.failed = nil
	for _, item := range items {
		err := b.attempt(ctx, all, func(ctx context.Context, tx purse.Tx) error { return b.Each(ctx, tx, item) })
		if err == nil {
			ok = append(ok, item)
			continue
		}
		if outage(ctx, err) {
			return nil, err
		}
		b.failed = err
		if err := b.record(ctx, item, err); err != nil {
			return nil, err
		}
	}
	return ok, nil
}

// attempt runs fn in a savepoint of its own, with a context under which what fn leaves for the
// batch's end (Later) is kept. Once the savepoint is kept (fn succeeded, or failed with a
// purse.FailAfterCommit error whose writes stay), what fn left joins all; with all nil, it is
// written at the end of the savepoint instead. What a savepoint rolled back left goes with it.
func (b *Batch[T]) attempt(ctx context.Context, all *left, fn func(ctx context.Context, tx purse.Tx) error) error {
	var l *left
	keep := false // the store unwraps a FailAfterCommit error: tell it here
	err := b.Store.Tx(ctx, func(tx purse.Tx) error {
		var ictx context.Context
		ictx, l = within(ctx, tx)
		err := fn(ictx, tx)
		var c *purse.CommittedError
		if keep = err == nil || errors.As(err, &c); keep && all == nil {
			if ferr := l.flush(ctx, tx); ferr != nil {
				keep = false
				return ferr
			}
		}
		return err
	})
	if keep && all != nil {
		all.join(l)
	}
	return err
}

// leftError is a failure to write what a batch's items left for its end (see run).
type leftError struct{ err error }

func (e *leftError) Error() string { return "writing what the items left: " + e.err.Error() }
func (e *leftError) Unwrap() error { return e.err }

// outage reports a failure that is the database's or the run's, not the item's.
func outage(ctx context.Context, err error) bool {
	return ctx.Err() != nil || purse.ErrorCode(err) == purse.CodeUnavailable
}

// RetryAfter is how long a failed item is skipped after its nth failed attempt: doubling from a
// minute, at most a day, so a transient fault clears soon and a poisoned row costs one try a day.
func RetryAfter(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 24*time.Hour; i++ {
		d *= 2
	}
	return min(d, 24*time.Hour)
}

// record stores an item's failure in a savepoint of its own and logs it.
func (b *Batch[T]) record(ctx context.Context, item T, failure error) error {
	msg := failure.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	return b.Store.Tx(ctx, func(tx purse.Tx) error {
		f := &purse.JobFailure{Job: b.Job, Item: b.ID(item), Error: msg, Last: tx.Now()}
		n, err := tx.JobFailureAttempts(ctx, f.Job, f.Item)
		if err != nil {
			return err
		}
		f.Attempts = n + 1
		f.RetryAt = tx.Now().Add(RetryAfter(f.Attempts))
		if err := tx.RecordJobFailure(ctx, f); err != nil {
			return err
		}
		if b.Log != nil {
			b.Log.ErrorContext(ctx, "job item failed: skipped", "job", b.Job, "item", f.Item,
				"attempts", f.Attempts, "retry_at", f.RetryAt.Format(time.RFC3339), "error", msg)
		}
		return nil
	})
}

// clear forgets the failures of the items that went through.
func (b *Batch[T]) clear(ctx context.Context, items []T) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = b.ID(it)
	}
	return b.Store.Tx(ctx, func(tx purse.Tx) error { return tx.ClearJobFailures(ctx, b.Job, ids) })
}
