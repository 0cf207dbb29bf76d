package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) LoginLock(ctx context.Context, key string) (*purse.LoginLock, error) {
	l := &purse.LoginLock{Key: key}
	var until, updated int64
	err := t.queryRow(ctx, `SELECT failures, locked_until, updated_at FROM login_locks WHERE key = ?`, key).
		Scan(&l.Failures, &until, &updated)
	if err := t.notFound(err); errors.Is(err, purse.ErrNotFound) {
		return l, nil
	} else if err != nil {
		return nil, fmt.Errorf("storage: login lock: %w", err)
	}
	l.LockedUntil, l.UpdatedAt = tm(until), tm(updated)
	return l, nil
}

// LoginLockForUpdate makes sure the row exists and locks it in one statement (an upsert that
// changes nothing but takes the row lock on PostgreSQL), so that two first failures at once on
// one unknown login count twice, as they do on an account's row.
func (t *tx) LoginLockForUpdate(ctx context.Context, key string) (*purse.LoginLock, error) {
	l := &purse.LoginLock{Key: key}
	var until, updated int64
	err := t.queryRow(ctx, `INSERT INTO login_locks (key, failures, locked_until, updated_at) VALUES (?, 0, 0, ?)
		ON CONFLICT (key) DO UPDATE SET key = excluded.key
		RETURNING failures, locked_until, updated_at`, key, ts(t.now)).Scan(&l.Failures, &until, &updated)
	if err != nil {
		return nil, fmt.Errorf("storage: login lock: %w", err)
	}
	l.LockedUntil, l.UpdatedAt = tm(until), tm(updated)
	return l, nil
}

func (t *tx) SaveLoginLock(ctx context.Context, l *purse.LoginLock) error {
	_, err := t.exec(ctx, `INSERT INTO login_locks (key, failures, locked_until, updated_at) VALUES (?,?,?,?)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
		updated_at = excluded.updated_at`, l.Key, l.Failures, ts(l.LockedUntil), ts(l.UpdatedAt))
	if err != nil {
		return fmt.Errorf("storage: save login lock: %w", err)
	}
	return nil
}

func (t *tx) DeleteRateCounters(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM rate_counters WHERE window_start < ?`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune rate counters: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (t *tx) DeleteLoginLocks(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM login_locks WHERE updated_at < ?`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune login locks: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
