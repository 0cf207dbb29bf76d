package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertClosureReason(ctx context.Context, closureID string, r purse.ClosureReason, at time.Time) error {
	if _, err := t.exec(ctx, `INSERT INTO closure_reasons (closure_id, reason, created_at) VALUES (?, ?, ?)`,
		closureID, string(r), ts(at)); err != nil {
		return fmt.Errorf("storage: insert closure reason: %w", err)
	}
	return nil
}

func (t *tx) ClosureReasonCounts(ctx context.Context, since time.Time) (map[purse.ClosureReason]int, error) {
	rows, err := t.query(ctx, `SELECT reason, COUNT(*) FROM closure_reasons WHERE created_at >= ? GROUP BY reason`, ts(since))
	if err != nil {
		return nil, fmt.Errorf("storage: closure reasons: %w", err)
	}
	defer rows.Close()
	out := map[purse.ClosureReason]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, fmt.Errorf("storage: closure reasons: %w", err)
		}
		out[purse.ClosureReason(r)] = n
	}
	return out, rows.Err()
}
