package bench

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"testing"
)

// TestTimes: exactly n jobs whatever the workers, none when n is 0, and a failure reported.
func TestTimes(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ workers, n int }{{16, 5}, {3, 100}, {1, 7}, {4, 0}} {
		var ran atomic.Int64
		if err := times(ctx, c.workers, c.n, func(context.Context) error { ran.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
		if ran.Load() != int64(c.n) {
			t.Errorf("%d workers, %d jobs: ran %d", c.workers, c.n, ran.Load())
		}
	}
	boom := errors.New("boom")
	var ran atomic.Int64
	err := times(ctx, 2, 10, func(context.Context) error {
		if ran.Add(1) == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("a failing job: %v, want boom", err)
	}
}

// TestRunOps runs a few flows and transfers the way `purse bench instructions` counts them, on
// SQLite and, when PURSE_TEST_POSTGRES is set, on PostgreSQL: every one must succeed.
func TestRunOps(t *testing.T) {
	dbs := map[string]string{"sqlite": ""}
	if pg := os.Getenv("PURSE_TEST_POSTGRES"); pg != "" {
		dbs["postgres"] = pg
	}
	for name, db := range dbs {
		for _, o := range []OpsOptions{
			{DB: db, Op: OpFlow, Clients: 2, Warm: 1, N: 3, Accounts: 4},
			{DB: db, Op: OpTransfer, Clients: 4, Warm: 4, N: 10, Accounts: 8},
		} {
			t.Run(name+"/"+o.Op, func(t *testing.T) {
				r, err := RunOps(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				if r.Store != name || r.N != o.N || r.Op != o.Op {
					t.Errorf("%+v", r)
				}
			})
		}
	}
	if _, err := RunOps(context.Background(), OpsOptions{Op: OpFlow, Clients: 1, Warm: 2, N: 3, Accounts: 4}); err == nil {
		t.Error("4 flow accounts for 5 flows: no error")
	}
}
