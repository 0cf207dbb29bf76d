package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// ClosureFunnel counts requests created since, with their history: a step reached is an event
// into (or out of) its state. The states are bound from purse's constants, so that the store spells none.
func (t *tx) ClosureFunnel(ctx context.Context, since time.Time) (*purse.ClosureFunnel, error) {
	f := &purse.ClosureFunnel{Since: since, ByCode: map[purse.Code]int{}}
	reasons, err := t.ClosureReasonCounts(ctx, since)
	if err != nil {
		return nil, err
	}
	f.ByReason = reasons
	err = t.queryRow(ctx, `
SELECT COUNT(*),
  COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM closure_events e WHERE e.closure_id = c.id AND e.from_state = ?
      AND e.to_state IN (?,?)) THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN c.submitted = ? OR EXISTS (SELECT 1 FROM closure_events e WHERE e.closure_id = c.id
      AND e.from_state = ? AND e.to_state IN (?,?)) THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN c.state = ? THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN c.state = ? THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN c.state = ? THEN 1 ELSE 0 END), 0)
FROM closures c WHERE c.created_at >= ?`,
		string(purse.ClosureVerification), string(purse.ClosureEmailConfirm), string(purse.ClosureReview),
		true, string(purse.ClosureReview), string(purse.ClosureCoolingOff), string(purse.ClosureFailed),
		string(purse.ClosureClosed), string(purse.ClosureCancelled), string(purse.ClosureFailed),
		ts(since)).Scan(&f.Started, &f.Verified, &f.Submitted, &f.Closed, &f.Cancelled, &f.Failed)
	if err != nil {
		return nil, fmt.Errorf("storage: closure funnel: %w", err)
	}
	rows, err := t.query(ctx, `SELECT blockers FROM closures WHERE created_at >= ? AND blockers <> '[]'`, ts(since))
	if err != nil {
		return nil, fmt.Errorf("storage: closure funnel blockers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("storage: closure funnel blockers: %w", err)
		}
		var bs []purse.Blocker
		if err := json.Unmarshal([]byte(raw), &bs); err != nil {
			return nil, fmt.Errorf("storage: closure funnel blockers: %w", err)
		}
		seen := map[purse.Code]bool{}
		for _, b := range bs {
			if !b.Warning && !seen[b.Code] {
				seen[b.Code] = true
				f.ByCode[b.Code]++
			}
		}
		if len(seen) > 0 {
			f.Blocked++
		}
	}
	return f, rows.Err()
}
