package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := t.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err := t.notFound(err); errors.Is(err, purse.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("storage: setting %s: %w", key, err)
	}
	return v, nil
}

func (t *tx) SetSetting(ctx context.Context, key, value string, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?,?,?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, ts(now))
	if err != nil {
		return fmt.Errorf("storage: set setting %s: %w", key, err)
	}
	return nil
}

func (t *tx) Hit(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, `INSERT INTO rate_counters (key, window_start, count) VALUES (?,?,1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1
		RETURNING count`, key, ts(windowStart)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: rate hit: %w", err)
	}
	return n, nil
}

// HitAll upserts every key's counter in one statement (a code sent counts against the account and
// the recipient: two round trips were one more statement in every closure flow, issue 19).
func (t *tx) HitAll(ctx context.Context, keys []string, windowStart time.Time) ([]int, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	w := ts(windowStart)
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, w)
	}
	rows, err := t.query(ctx, `INSERT INTO rate_counters (key, window_start, count) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?,?,1),", len(keys)), ",")+`
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1
		RETURNING key, count`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: rate hits: %w", err)
	}
	defer rows.Close()
	got := make(map[string]int, len(keys))
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("storage: rate hits: %w", err)
		}
		got[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: rate hits: %w", err)
	}
	out := make([]int, len(keys))
	for i, k := range keys {
		n, ok := got[k]
		if !ok {
			return nil, fmt.Errorf("storage: rate hits: no count for %q", k)
		}
		out[i] = n
	}
	return out, nil
}

func (t *tx) AddToCounter(ctx context.Context, key string, windowStart time.Time, delta int64) (int64, error) {
	var n int64
	err := t.queryRow(ctx, `INSERT INTO rate_counters (key, window_start, count) VALUES (?,?,?)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + excluded.count
		RETURNING count`, key, ts(windowStart), delta).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: add to counter: %w", err)
	}
	return n, nil
}

func (t *tx) Hits(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count FROM rate_counters WHERE key = ? AND window_start = ?`,
		key, ts(windowStart)).Scan(&n)
	if err := t.notFound(err); errors.Is(err, purse.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("storage: rate hits: %w", err)
	}
	return n, nil
}

func (t *tx) InsertDataKey(ctx context.Context, k *purse.DataKey) error {
	t.keys = nil
	_, err := t.exec(ctx, `INSERT INTO data_keys (account_id, wrapped, created_at, destroyed_at) VALUES (?,?,?,?)`,
		k.AccountID, k.Wrapped, ts(k.CreatedAt), ts(k.DestroyedAt))
	if err != nil {
		return fmt.Errorf("storage: insert data key: %w", t.duplicate(err))
	}
	return nil
}

// selectDataKey reads an account's data key (one row at most: oneRow).
const selectDataKey = `SELECT wrapped, created_at, destroyed_at FROM data_keys WHERE account_id = ?` + oneRow

func (t *tx) DataKey(ctx context.Context, accountID string) (*purse.DataKey, error) {
	if k, ok := t.keys[accountID]; ok {
		if k == nil {
			return nil, purse.ErrNotFound
		}
		c := *k
		return &c, nil
	}
	k := purse.DataKey{AccountID: accountID}
	var created, destroyed int64
	err := t.queryRow(ctx, selectDataKey,
		accountID).Scan(&k.Wrapped, &created, &destroyed)
	if err != nil {
		return nil, t.notFound(err)
	}
	k.CreatedAt, k.DestroyedAt = tm(created), tm(destroyed)
	t.keep(&k)
	return &k, nil
}

func (t *tx) DestroyDataKey(ctx context.Context, accountID string, now time.Time) error {
	t.keys = nil
	_, err := t.eraseRows(ctx, `UPDATE data_keys SET wrapped = NULL, destroyed_at = ? WHERE account_id = ?`,
		ts(now), accountID)
	if err != nil {
		return fmt.Errorf("storage: destroy data key: %w", err)
	}
	return nil
}

func (t *tx) LiveDataKeys(ctx context.Context, after string, limit int) ([]*purse.DataKey, error) {
	// The records keys of the AML identity records (records_identity) are walked with the data
	// keys, named "records:<account id>", so that a rotation rewraps them too and a version is
	// not destroyed while one of them needs it.
	rows, err := t.query(ctx, `SELECT owner, wrapped, created_at FROM (
			SELECT account_id AS owner, wrapped, created_at FROM data_keys WHERE wrapped IS NOT NULL
			UNION ALL
			SELECT 'records:' || account_id, wrapped, created_at FROM records_identity) k
		WHERE owner > ? ORDER BY owner LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: live data keys: %w", err)
	}
	defer rows.Close()
	var out []*purse.DataKey
	for rows.Next() {
		var k purse.DataKey
		var created int64
		if err := rows.Scan(&k.AccountID, &k.Wrapped, &created); err != nil {
			return nil, fmt.Errorf("storage: live data keys: %w", err)
		}
		k.CreatedAt = tm(created)
		out = append(out, &k)
	}
	return out, rows.Err()
}

func (t *tx) RewrapDataKey(ctx context.Context, accountID string, old, new []byte) (bool, error) {
	t.keys = nil
	if strings.HasPrefix(accountID, purse.RecordsKeyPrefix) {
		return t.rewrapRecordsKey(ctx, accountID, old, new)
	}
	// The key wrapped under the older version stays in a dead row version: the partition is
	// recorded for the scrub the rotation ends with (sqlstore/scrub.go).
	n, err := t.eraseRows(ctx, `UPDATE data_keys SET wrapped = ? WHERE account_id = ? AND wrapped = ?`, new, accountID, old)
	if err != nil {
		return false, fmt.Errorf("storage: rewrap data key: %w", err)
	}
	return n == 1, nil
}
