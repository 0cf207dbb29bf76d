package audit

import (
	"context"

	"github.com/purse-wallet/purse"
)

// MaxPage is the most events Events returns at once.
const MaxPage = 500

// Events lists events after the position, by chain and then seq, at most limit (capped at
// MaxPage); subject "" for every subject. It is the operators' read of the log.
func Events(ctx context.Context, store purse.Store, subject string, after purse.AuditPos, limit int) ([]*purse.AuditEvent, error) {
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
