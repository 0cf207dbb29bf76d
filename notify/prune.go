package notify

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// DefaultKeep is how long a settled message stays in the outbox: long enough for support to see
// that a notice went out, short enough that old one-time codes and addresses do not pile up. The
// audit log, not the outbox, is the lasting record of what happened.
const DefaultKeep = 30 * 24 * time.Hour

// Pruner deletes sent and failed messages older than Keep, in batches. Pending messages are never
// pruned: they are still owed to someone.
type Pruner struct {
	Store purse.Store
	Keep  time.Duration // default DefaultKeep
	Batch int           // default 500
}

// Task returns the pruner as an hourly job.
func (p *Pruner) Task() jobs.Task {
	return jobs.Task{Name: "outbox-prune", Every: time.Hour, Batch: orInt(p.Batch, 500), Run: p.Run}
}

// Run deletes one batch and reports how many messages it deleted.
func (p *Pruner) Run(ctx context.Context) (int, error) {
	var n int
	err := p.Store.Tx(ctx, func(tx purse.Tx) error {
		var err error
		n, err = tx.PruneMessages(ctx, tx.Now().Add(-or(p.Keep, DefaultKeep)), orInt(p.Batch, 500))
		return err
	})
	return n, err
}
