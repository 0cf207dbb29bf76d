package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertRegistration(ctx context.Context, r *purse.PendingRegistration) error {
	_, err := t.exec(ctx, `INSERT INTO registrations (id, phone_hash, code_hash, message_id, attempts, created_at, expires_at, used_at)
		VALUES (?,?,?,?,?,?,?,?)`, r.ID, r.PhoneHash, r.CodeHash, r.MessageID, r.Attempts, ts(r.CreatedAt), ts(r.ExpiresAt), ts(r.UsedAt))
	if err != nil {
		return fmt.Errorf("storage: insert registration: %w", err)
	}
	return nil
}

func (t *tx) LatestRegistration(ctx context.Context, phoneHash string) (*purse.PendingRegistration, error) {
	r := &purse.PendingRegistration{PhoneHash: phoneHash}
	var created, expires, used int64
	err := t.queryRow(ctx, `SELECT id, code_hash, message_id, attempts, created_at, expires_at, used_at FROM registrations
		WHERE phone_hash = ? ORDER BY created_at DESC, id DESC LIMIT 1`, phoneHash).
		Scan(&r.ID, &r.CodeHash, &r.MessageID, &r.Attempts, &created, &expires, &used)
	if err != nil {
		return nil, t.notFound(err)
	}
	r.CreatedAt, r.ExpiresAt, r.UsedAt = tm(created), tm(expires), tm(used)
	return r, nil
}

func (t *tx) UpdateRegistration(ctx context.Context, r *purse.PendingRegistration) error {
	_, err := t.exec(ctx, `UPDATE registrations SET attempts = ?, used_at = ? WHERE id = ?`, r.Attempts, ts(r.UsedAt), r.ID)
	if err != nil {
		return fmt.Errorf("storage: update registration: %w", err)
	}
	return nil
}

func (t *tx) FinishRegistration(ctx context.Context, r *purse.PendingRegistration) error {
	if _, err := t.exec(ctx, `DELETE FROM registrations WHERE phone_hash = ?`, r.PhoneHash); err != nil {
		return fmt.Errorf("storage: finish registration: %w", err)
	}
	if _, err := t.exec(ctx, scrubOutbox+`id = ?`, r.MessageID); err != nil {
		return fmt.Errorf("storage: scrub registration code: %w", err)
	}
	return nil
}

func (t *tx) DeleteRegistrations(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM registrations WHERE created_at < ?`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune registrations: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
