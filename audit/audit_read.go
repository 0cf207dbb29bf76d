package audit

import (
	"context"

	"github.com/purse-wallet/purse"
)

// MaxPage is the most events Events returns at once.
const MaxPage = 500

// Events lists events in chain order after seq, at most limit (capped at MaxPage); subject "" for
// every subject. It is the operators' read of the log.
func Events(ctx context.Context, store purse.Store, subject string, after int64, limit int) ([]*purse.AuditEvent, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	var out []*purse.AuditEvent
	err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		out, err = tx.AuditEvents(ctx, subject, after, limit)
		return err
	})
	return out, err
}
