package jobs

import (
	"context"
	"slices"

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
// What an item leaves belongs to the savepoint that left it: it is dropped when that savepoint
// rolls back and handed to the savepoint around it when it is released, up to the item's own,
// which hands it to the batch once kept. A savepoint the item opens inside its own (Store.Tx under
// the item's context, by code of another package, say) that rolls back alone while the item goes
// on takes back what it left with its writes: the log never says that something rolled back
// happened (the store tells each savepoint's end, purse.OnSavepoint).
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
	open []*left // what the savepoints open inside the item left so far, innermost last
}

// Later returns the Deferred that the batch item under way in tx keeps under key, made by mk the
// first time, and true; outside an item of a batch (ctx is not one Batch gave Each or All, or tx
// is another transaction) it returns false, and the caller writes at once. Inside a savepoint the
// item opened, it is that savepoint's own Deferred (see Deferred): add to it at once, not after
// the savepoint ended.
func Later[D Deferred](ctx context.Context, tx purse.Tx, key any, mk func() D) (D, bool) {
	var zero D
	item, ok := ctx.Value(itemKey{}).(*left)
	if !ok || item.tx != tx {
		return zero, false
	}
	l := item.innermost()
	if d, ok := l.by[key]; ok {
		return d.(D), true
	}
	d := mk()
	l.keys = append(l.keys, key)
	l.by[key] = d
	return d, true
}

// within returns ctx for an item handled in tx, and what the item will leave. Under ctx, every
// savepoint the item opens inside its own keeps what is left while it is open (see savepoint).
func within(ctx context.Context, tx purse.Tx) (context.Context, *left) {
	l := &left{tx: tx, by: map[any]Deferred{}}
	return purse.OnSavepoint(context.WithValue(ctx, itemKey{}, l), l.savepoint), l
}

// savepoint starts keeping what is left apart, for a savepoint opened inside the item, and
// returns what to do once it ends: hand it to the savepoint around it (or the item) when it was
// released, drop it when it rolled back.
func (l *left) savepoint() (end func(kept bool)) {
	in := &left{tx: l.tx, by: map[any]Deferred{}}
	l.open = append(l.open, in)
	return func(kept bool) {
		// Savepoints end innermost first (Store.Tx returns before the one around it does).
		i := slices.Index(l.open, in)
		if i < 0 {
			return
		}
		l.open = l.open[:i]
		if kept {
			l.innermost().join(in)
		}
	}
}

// innermost is where what is left now goes: the innermost savepoint open inside the item, or the
// item itself.
func (l *left) innermost() *left {
	if n := len(l.open); n > 0 {
		return l.open[n-1]
	}
	return l
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
