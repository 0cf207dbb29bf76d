package lifecycle

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// IdempotencyWindow is how long the first answer to a request sent with an Idempotency-Key is kept
// for its retries. A day covers any client's retry after a network failure; past it the answer
// (which may hold a new account's phone or an operator's first token) is personal data kept for no
// purpose, so it goes.
const IdempotencyWindow = 24 * time.Hour

// IdempotencyBatch is how many stored answers one transaction of the prune deletes. An hour of a
// busy server's answers in one DELETE held SQLite's single writer (and every request waiting on
// it) for as long as it took; a thousand rows take milliseconds, and the runner calls the task
// again at once while batches come back full.
const IdempotencyBatch = 1000

// IdempotencyTask deletes stored answers older than IdempotencyWindow, every hour, in
// transactions of at most IdempotencyBatch rows.
func IdempotencyTask(store purse.Store) jobs.Task {
	return jobs.Task{Name: "idempotency-prune", Every: time.Hour, Batch: IdempotencyBatch, Run: func(ctx context.Context) (int, error) {
		var n int
		err := store.Tx(ctx, func(tx purse.Tx) error {
			var err error
			n, err = tx.DeleteIdempotentResponses(ctx, tx.Now().Add(-IdempotencyWindow), IdempotencyBatch)
			return err
		})
		return n, err
	}}
}
