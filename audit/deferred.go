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
// with it. Events recorded inside a savepoint opened under a context from Bind are dropped when
// that savepoint rolls back alone; otherwise, do not record into a Pending inside a savepoint
// that may roll back alone: those events would still be flushed.
type Pending struct {
	tx      purse.Tx
	events  []*purse.AuditEvent
	flushed int // how many events Flush has handed on so far (see savepoint)
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
// transaction go through at once. A savepoint that such code opens under the returned context
// and that rolls back alone takes back the events recorded in it (purse.OnSavepoint).
func (p *Pending) Bind(ctx context.Context) context.Context {
	return purse.OnSavepoint(context.WithValue(ctx, pendingKey{}, p), p.savepoint)
}

// savepoint notes where a savepoint opened under a bound context begins in p's events, and
// returns what to do once it ends: when it rolled back, drop the events recorded since. Those
// that a Flush inside it handed on went where it wrote them, and are rolled back there.
func (p *Pending) savepoint() (end func(kept bool)) {
	mark := p.flushed + len(p.events)
	return func(kept bool) {
		if keep := max(mark-p.flushed, 0); !kept && keep < len(p.events) {
			clear(p.events[keep:])
			p.events = p.events[:keep]
		}
	}
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
		p.flushed += len(p.events)
		p.events = nil
		return nil
	}
	if err := appendChain(ctx, p.tx, p.events); err != nil {
		return err
	}
	p.flushed += len(p.events)
	p.events = nil
	return nil
}
