package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/lifecycle"
)

// The idempotency prune was one unbounded DELETE that held SQLite's single writer while it
// deleted every answer older than a day (issue 17). Each run of the task now deletes at most
// IdempotencyBatch answers, the oldest first, and the runner calls it again while batches come
// back full, so a backlog still goes in one tick and the newer answers stay.
func TestIdempotencyPruneBounded(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		old := lifecycle.IdempotencyBatch*2 + 500
		now := e.Clock.Now()
		insertOld(t, e, old, now.Add(-lifecycle.IdempotencyWindow-time.Hour))
		exec(t, e, `INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at)
			VALUES ('s', 'fresh', 'h', 200, '{}', ?, ?)`, []byte("{}"), now.UnixMicro())

		task := lifecycle.IdempotencyTask(e.DB)
		ctx := context.Background()
		var runs []int
		for {
			n, err := task.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, n)
			if n > lifecycle.IdempotencyBatch {
				t.Fatalf("one transaction deleted %d answers, want at most %d", n, lifecycle.IdempotencyBatch)
			}
			if n < task.Batch || len(runs) > 10 {
				break
			}
		}
		if want := []int{1000, 1000, 500}; len(runs) != 3 || runs[0] != want[0] || runs[1] != want[1] || runs[2] != want[2] {
			t.Fatalf("batches: %v, want %v", runs, want)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM idempotent_responses`); n != 1 {
			t.Fatalf("%d answers left, want the fresh one", n)
		}
		// The runner's loop does the same in one tick.
		insertOld(t, e, old, now.Add(-lifecycle.IdempotencyWindow-time.Hour))
		if n := jobs.RunOnce(ctx, task, nil); n != old {
			t.Fatalf("one tick deleted %d, want %d", n, old)
		}
	})
}

// insertOld inserts n answers created at in one statement.
func insertOld(t *testing.T, e *apitest.Env, n int, at time.Time) {
	t.Helper()
	if e.Dialect == "postgres" {
		exec(t, e, `INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at)
			SELECT 's', 'k' || g, 'h', 200, '{}', '\x7b7d'::bytea, ? FROM generate_series(1, ?) g`, at.UnixMicro(), n)
		return
	}
	exec(t, e, `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
		INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at)
		SELECT 's', 'k' || i, 'h', 200, '{}', x'7b7d', ? FROM g`, n, at.UnixMicro())
}
