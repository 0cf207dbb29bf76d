package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// ExpireMessages marks expired, in one statement, up to limit pending messages whose expiry is at
// or before now and that no worker holds, and returns them (id, channel, template only).
func (t *tx) ExpireMessages(ctx context.Context, now time.Time, limit int) ([]*purse.Message, error) {
	rows, err := t.query(ctx, `UPDATE outbox SET status = 'expired', locked_until = 0,
			last_error = 'expired before it was sent'
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND expires_at <> 0 AND expires_at <= ?
			AND locked_until <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
		RETURNING id, channel, template`, ts(now), ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: expire messages: %w", err)
	}
	defer rows.Close()
	var out []*purse.Message
	for rows.Next() {
		var m purse.Message
		var ch string
		if err := rows.Scan(&m.ID, &ch, &m.Template); err != nil {
			return nil, fmt.Errorf("storage: expire messages: %w", err)
		}
		m.Channel, m.Status = purse.Channel(ch), "expired"
		out = append(out, &m)
	}
	return out, rows.Err()
}
