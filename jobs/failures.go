package jobs

import (
	"context"

	"github.com/purse-wallet/purse"
)

// Failures lists the items background jobs failed on, most recent failure first, at most limit:
// what support sees on the console's dashboard and through the admin API alike.
func Failures(ctx context.Context, store purse.Store, limit int) ([]*purse.JobFailure, error) {
	var out []*purse.JobFailure
	err := store.Read(ctx, func(tx purse.Tx) (err error) {
		out, err = tx.JobFailures(ctx, limit)
		return err
	})
	return out, err
}
