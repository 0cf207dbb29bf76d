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
	bctx, end, err := b.Store.Bind(ctx)
	if err != nil {
		return nil, err
	}
	done, err := b.run(bctx)
	if err != nil {
		return nil, errors.Join(err, end(false))
	}
	if err := end(true); err != nil {
		return nil, err
	}
	if len(done) == 0 && b.failed != nil {
		// Every item failed: more likely the job's own fault (a wrong master key, a missing
		// template) than each item's. The failures are recorded; the run reports it too.
		return nil, fmt.Errorf("%s: every item of the batch failed, the last with: %w", b.Job, b.failed)
	}
	return done, nil
}

func (b *Batch[T]) run(ctx context.Context) ([]T, error) {
	var items []T
	err := b.Store.Tx(ctx, func(tx purse.Tx) (err error) {
		items, err = b.Claim(ctx, tx)
		return err
	})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	if b.All != nil {
		err := b.Store.Tx(ctx, func(tx purse.Tx) error { return b.All(ctx, tx, items) })
		if err == nil {
			return items, b.clear(ctx, items)
		}
		if outage(ctx, err) {
			return nil, err
		}
		// One item (or more) poisons the batch: find which, each on its own.
	}
	var ok []T
	b.failed = nil
	for _, item := range items {
		err := b.Store.Tx(ctx, func(tx purse.Tx) error { return b.Each(ctx, tx, item) })
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
	return ok, b.clear(ctx, ok)
}

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
