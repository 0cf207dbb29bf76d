package audit

import (
	"context"

	"github.com/purse-wallet/purse"
)

// Pending holds the events recorded for one transaction until it is about to commit, and then
// appends them all, in the order recorded, with one lock and one move of each chain's head they
// go to (one, for the events of one account). Every audited transaction locks a head row, so
// appending at the end also holds that lock for the shortest time. Flush it last in its transaction, before it commits (also before returning a
// purse.FailAfterCommit error); the events of a transaction that rolls back are simply dropped
// with it. Do not keep events across a savepoint that may roll back alone: they would still be
// flushed.
type Pending struct {
	tx     purse.Tx
	events []*purse.AuditEvent
}

// Defer returns an empty Pending for tx.
func Defer(tx purse.Tx) *Pending { return &Pending{tx: tx} }

// Record keeps an event to append at Flush; see the package function Record for the fields.
func (p *Pending) Record(actor, action, subject string, data map[string]string) {
	p.events = append(p.events, &purse.AuditEvent{ID: purse.NewID(), At: p.tx.Now(), Actor: actor,
		Action: action, Subject: subject, Data: data})
}

type pendingKey struct{}

// Bind returns a context under which Record, called with p's transaction, keeps its event in p
// instead of appending it at once: for code of another package that records its own events in
// the caller's transaction (the payment password's failure count inside a closure step), so that
// its events join the caller's in order and in the one append. Record calls for another
// transaction go through at once.
func (p *Pending) Bind(ctx context.Context) context.Context {
	return context.WithValue(ctx, pendingKey{}, p)
}

// Flush appends the events kept so far; in an item of a batch job (jobs.Batch: ctx is the one
// its Each or All was given), it hands them to the batch instead, which appends them with the
// other items' at its end, after the item's savepoint was kept.
func (p *Pending) Flush(ctx context.Context) error {
	if len(p.events) == 0 {
		return nil
	}
	if toBatch(ctx, p.tx, p.events) {
		// An item of a batch job: its events go at the end of the batch (see later).
		p.events = nil
		return nil
	}
	if err := appendChain(ctx, p.tx, p.events); err != nil {
		return err
	}
	p.events = nil
	return nil
}
