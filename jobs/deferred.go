package jobs

import (
	"context"

	"github.com/purse-wallet/purse"
)

// Deferred is writes that an item of a batch leaves for the end of its batch, where they are
// written for every item at once: the audit events (audit.Record), whose chain heads a batch
// must lock in one order.
//
// A batch's transaction holds every row lock its items took until it commits. Had each item
// locked the heads of its own events as it went, a batch would lock heads in the order of its
// items, and two batches running at once (two instances, or two runs of one) each held a head
// the other wanted: PostgreSQL ended one with a deadlock (40P01), and its item was recorded as
// failed and skipped for a while (http/TestCloseJobConcurrent: "closed 23, want 25"). Written
// at the end, the heads are locked once each, in the one order every audited transaction takes
// them (ascending chains), after the rows the items locked: the order a user's step takes too
// (its account, then its chain's head at its end).
//
// What an item leaves is dropped when the item's savepoint rolls back; a savepoint of its own
// inside the item that rolls back alone, while the item goes on, does not take back what it left
// (as with audit.Pending).
type Deferred interface {
	// Join takes in what a later item of the same batch left under the same key.
	Join(later Deferred)
	// Flush writes what was left, last in the batch's transaction.
	Flush(ctx context.Context, tx purse.Tx) error
}

type itemKey struct{}

// left is what one item (or the All of a batch) left for the batch's end, by key, in the order
// the keys were first used.
type left struct {
	tx   purse.Tx
	keys []any
	by   map[any]Deferred
}

// Later returns the Deferred that the batch item under way in tx keeps under key, made by mk the
// first time, and true; outside an item of a batch (ctx is not one Batch gave Each or All, or tx
// is another transaction) it returns false, and the caller writes at once.
func Later[D Deferred](ctx context.Context, tx purse.Tx, key any, mk func() D) (D, bool) {
	var zero D
	l, ok := ctx.Value(itemKey{}).(*left)
	if !ok || l.tx != tx {
		return zero, false
	}
	if d, ok := l.by[key]; ok {
		return d.(D), true
	}
	d := mk()
	l.keys = append(l.keys, key)
	l.by[key] = d
	return d, true
}

// within returns ctx for an item handled in tx, and what the item will leave.
func within(ctx context.Context, tx purse.Tx) (context.Context, *left) {
	l := &left{tx: tx, by: map[any]Deferred{}}
	return context.WithValue(ctx, itemKey{}, l), l
}

// join takes in what a later item left: its writes go after this one's.
func (l *left) join(later *left) {
	for _, k := range later.keys {
		if d, ok := l.by[k]; ok {
			d.Join(later.by[k])
			continue
		}
		l.keys = append(l.keys, k)
		l.by[k] = later.by[k]
	}
}

// flush writes what the items left, key by key.
func (l *left) flush(ctx context.Context, tx purse.Tx) error {
	for _, k := range l.keys {
		if err := l.by[k].Flush(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}
