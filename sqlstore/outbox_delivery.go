package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// ClaimMessages leases due messages in one statement. The inner SELECT locks the rows it picks and
// skips rows another instance has locked (PostgreSQL); SQLite's single writer serializes claims, and
// rebind drops the lock clauses there. The lease column keeps a claimed row from being claimed
// again after the claiming transaction commits, until the lease ends.
func (t *tx) ClaimMessages(ctx context.Context, until time.Time, limit int) ([]*purse.Message, error) {
	now := ts(t.now)
	rows, err := t.query(ctx, `UPDATE outbox SET locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND locked_until <= ?
			ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
		RETURNING `+messageColumns, ts(until), now, now, limit)
	return t.messages(ctx, rows, err, "claim messages")
}

// delivered is what marking a message sent sets besides its status: its content is erased (the
// one-time code, the notice's text and what they were rendered with), since it was delivered and
// nobody needs it again; the sealed recipient, the template, the sender and the time stay as the
// proof of delivery. Only the dev sender's messages keep their content: the demo's dev outbox,
// where they are read, is their delivery.
const delivered = `status = 'sent', sender = ?, sent_at = ?, locked_until = 0, last_error = '',
	content_sealed = CASE WHEN ? = 'dev' THEN content_sealed ELSE NULL END`

// sentOrErased are the messages a sender's completion marks sent: pending ones, and those the
// purge erased while a sender held them (claimed: a lease not yet handed back). The send went out
// with what was claimed before the erasure, so the record says sent (issue 15: it said
// "failed: erased before delivery" for a message that reached the provider); the contents stay
// erased.
const sentOrErased = `(status = 'pending' OR (status = 'failed' AND last_error = '` + erasedBeforeDelivery + `' AND locked_until > 0))`

func (t *tx) MarkSent(ctx context.Context, id, sender string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE outbox SET `+delivered+` WHERE id = ? AND `+sentOrErased,
		sender, ts(at), sender, id)
	if err != nil {
		return fmt.Errorf("storage: mark message sent: %w", err)
	}
	return nil
}

func (t *tx) MarkSentAll(ctx context.Context, ids []string, sender string, at time.Time) error {
	return chunks(ids, func(in string, args []any) error {
		_, err := t.exec(ctx, `UPDATE outbox SET `+delivered+` WHERE `+sentOrErased+` AND id IN `+in,
			append([]any{sender, ts(at), sender}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: mark messages sent: %w", err)
		}
		return nil
	})
}

func (t *tx) MarkRetry(ctx context.Context, id string, next time.Time, lastError string) error {
	_, err := t.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, locked_until = 0, last_error = ?
		WHERE id = ? AND status = 'pending'`, ts(next), lastError, id)
	if err != nil {
		return fmt.Errorf("storage: schedule message retry: %w", err)
	}
	return nil
}

func (t *tx) MarkFailed(ctx context.Context, id, lastError string) error {
	_, err := t.exec(ctx, `UPDATE outbox SET status = 'failed', locked_until = 0, last_error = ?
		WHERE id = ? AND status = 'pending'`, lastError, id)
	if err != nil {
		return fmt.Errorf("storage: mark message failed: %w", err)
	}
	return nil
}

func (t *tx) Message(ctx context.Context, id string) (*purse.Message, error) {
	rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM outbox WHERE id = ?`, id)
	ms, err := t.messages(ctx, rows, err, "message")
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("storage: message: %w", purse.ErrNotFound)
	}
	return ms[0], nil
}

func (t *tx) CountMessages(ctx context.Context) (map[string]int, error) {
	rows, err := t.query(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("storage: count messages: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

func (t *tx) PruneMessages(ctx context.Context, before time.Time, limit int) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
		WHERE status <> 'pending' AND created_at < ? ORDER BY created_at LIMIT ?)`, ts(before), limit)
	if err != nil {
		return 0, fmt.Errorf("storage: prune messages: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (t *tx) MessagesByStatus(ctx context.Context, status string, before time.Time, limit int) ([]*purse.Message, error) {
	cut := int64(1<<63 - 1)
	if !before.IsZero() {
		cut = ts(before)
	}
	rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM outbox WHERE status = ? AND created_at < ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, status, cut, limit)
	return t.messages(ctx, rows, err, "messages by status")
}

func (t *tx) RequeueMessage(ctx context.Context, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?,
		locked_until = 0, last_error = '' WHERE id = ? AND status = 'failed'`, ts(at), id)
	if err != nil {
		return fmt.Errorf("storage: requeue message: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("storage: requeue message: %w", purse.ErrNotFound)
	}
	return nil
}
