package audit

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// later is the audit events that the items of a batch job leave for the batch's end
// (jobs.Deferred): appended there for every item at once, each chain's head locked once and in
// ascending order, so that two batches running at once never each hold a head the other wants.
// A batch's transaction holds every head it locked until it commits; locked item by item, in
// the order of the items, they deadlocked two instances' batches on PostgreSQL (40P01), and the
// loser's item was skipped for a while instead of closed.
type later struct{ events []*purse.AuditEvent }

type laterKey struct{}

func (l *later) Join(more jobs.Deferred) { l.events = append(l.events, more.(*later).events...) }

func (l *later) Flush(ctx context.Context, tx purse.Tx) error { return appendChain(ctx, tx, l.events) }

// toBatch keeps es for the end of the batch whose item runs in tx under ctx, and reports
// whether it did: outside a batch item the caller appends them at once.
func toBatch(ctx context.Context, tx purse.Tx, es []*purse.AuditEvent) bool {
	l, ok := jobs.Later(ctx, tx, laterKey{}, func() *later { return &later{} })
	if ok {
		l.events = append(l.events, es...)
	}
	return ok
}
