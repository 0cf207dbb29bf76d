package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/purse-wallet/purse"
)

// skipFailed is the condition a job's claim adds so that it passes over the items that failed
// lately (job_failures, until their retry_at): job and the transaction's time are its arguments,
// item the claimed row's id column.
func skipFailed(item string) string {
	return ` AND NOT EXISTS (SELECT 1 FROM job_failures f WHERE f.job = ? AND f.item = ` + item +
		` AND f.retry_at > ?)`
}

func (t *tx) JobFailureAttempts(ctx context.Context, job, item string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT attempts FROM job_failures WHERE job = ? AND item = ?`, job, item).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: job failure %s %s: %w", job, item, err)
	}
	return n, nil
}

func (t *tx) RecordJobFailure(ctx context.Context, f *purse.JobFailure) error {
	_, err := t.exec(ctx, `INSERT INTO job_failures (job, item, attempts, error, first_failed_at, failed_at, retry_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job, item) DO UPDATE SET attempts = excluded.attempts, error = excluded.error,
			failed_at = excluded.failed_at, retry_at = excluded.retry_at`,
		f.Job, f.Item, f.Attempts, f.Error, ts(f.Last), ts(f.Last), ts(f.RetryAt))
	if err != nil {
		return fmt.Errorf("storage: record job failure %s %s: %w", f.Job, f.Item, err)
	}
	return nil
}

func (t *tx) ClearJobFailures(ctx context.Context, job string, items []string) error {
	for start := 0; start < len(items); start += maxBatchRows {
		part := items[start:min(start+maxBatchRows, len(items))]
		args := []any{job}
		for _, id := range part {
			args = append(args, id)
		}
		q := `DELETE FROM job_failures WHERE job = ? AND item IN (?` + strings.Repeat(", ?", len(part)-1) + `)`
		if _, err := t.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("storage: clear job failures: %w", err)
		}
	}
	return nil
}

func (t *tx) JobFailures(ctx context.Context, limit int) ([]*purse.JobFailure, error) {
	rows, err := t.query(ctx, `SELECT job, item, attempts, error, first_failed_at, failed_at, retry_at
		FROM job_failures ORDER BY failed_at DESC, job, item LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: job failures: %w", err)
	}
	defer rows.Close()
	var out []*purse.JobFailure
	for rows.Next() {
		f := &purse.JobFailure{}
		var first, last, retry int64
		if err := rows.Scan(&f.Job, &f.Item, &f.Attempts, &f.Error, &first, &last, &retry); err != nil {
			return nil, fmt.Errorf("storage: job failures: %w", err)
		}
		f.First, f.Last, f.RetryAt = tm(first), tm(last), tm(retry)
		out = append(out, f)
	}
	return out, rows.Err()
}
