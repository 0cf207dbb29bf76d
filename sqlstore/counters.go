package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Counters and AddToCounters are a commit group's password-free totals: one read of every
// sender's day before the group's checks and one upsert of what the group's accepted transfers
// added, where each transfer used to send its own upsert (issue 19).

func (t *tx) Counters(ctx context.Context, keys []string, windowStart time.Time) (map[string]int64, error) {
	out := make(map[string]int64, len(keys))
	read := func(q string, args []any) error {
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			out[k] = n
		}
		return rows.Err()
	}
	var err error
	if t.arrays() {
		err = read(countersAny, []any{ts(windowStart), keys})
	} else {
		err = chunks(keys, func(in string, args []any) error {
			return read(`SELECT key, count FROM rate_counters WHERE window_start = ? AND key IN `+in,
				append([]any{ts(windowStart)}, args...))
		})
	}
	if err != nil {
		return nil, fmt.Errorf("storage: counters: %w", err)
	}
	return out, nil
}

func (t *tx) AddToCounters(ctx context.Context, deltas map[string]int64, windowStart time.Time) error {
	keys := make([]string, 0, len(deltas))
	for k, d := range deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // rows locked in one order by every group
	if len(keys) == 0 {
		return nil
	}
	if t.arrays() {
		if err := t.addToCountersArrays(ctx, keys, deltas, windowStart); err != nil {
			return fmt.Errorf("storage: add to counters: %w", err)
		}
		return nil
	}
	w := ts(windowStart)
	for start := 0; start < len(keys); start += maxBatchRows {
		part := keys[start:min(start+maxBatchRows, len(keys))]
		args := make([]any, 0, 3*len(part))
		for _, k := range part {
			args = append(args, k, w, deltas[k])
		}
		_, err := t.exec(ctx, `INSERT INTO rate_counters (key, window_start, count) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?,?,?),", len(part)), ",")+`
			ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + excluded.count`, args...)
		if err != nil {
			return fmt.Errorf("storage: add to counters: %w", err)
		}
	}
	return nil
}
