package sqlstore

import (
	"context"
	"fmt"
)

// AuditHead reads the head without the lock LockAuditHead takes, so that verification can run in a
// read-only transaction beside appends.
func (t *tx) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	if err := t.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return 0, "", fmt.Errorf("storage: audit head: %w", err)
	}
	return seq, hash, nil
}
