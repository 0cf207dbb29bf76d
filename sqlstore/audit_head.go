package sqlstore

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
)

// AuditHeads reads the heads without the lock LockAuditHead takes, so that verification and
// checkpoints can run in a read-only transaction beside appends.
func (t *tx) AuditHeads(ctx context.Context) ([]purse.AuditHead, error) {
	rows, err := t.query(ctx, `SELECT chain, seq, hash FROM audit_head ORDER BY chain`)
	if err != nil {
		return nil, fmt.Errorf("storage: audit heads: %w", err)
	}
	defer rows.Close()
	var out []purse.AuditHead
	for rows.Next() {
		var h purse.AuditHead
		if err := rows.Scan(&h.Chain, &h.Seq, &h.Hash); err != nil {
			return nil, fmt.Errorf("storage: audit heads: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
