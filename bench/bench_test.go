package bench

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs every measurement once with tiny counts and durations, on SQLite and, when
// PURSE_TEST_POSTGRES is set, on PostgreSQL: the suite must work end to end, not measure.
func TestSmoke(t *testing.T) {
	dbs := map[string]string{"sqlite": ""}
	if pg := os.Getenv("PURSE_TEST_POSTGRES"); pg != "" {
		dbs["postgres"] = pg
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, err := Run(context.Background(), Options{DB: db, Duration: 300 * time.Millisecond,
				Eligibility: true, Closure: true, Argon: true, Purge: true,
				Accounts: 8, Clients: 2, FlowClients: 2, FlowAccounts: 3, PurgeAccounts: 60, PurgeBatch: 25,
				BackgroundRate: 20})
			if err != nil {
				t.Fatal(err)
			}
			if r.Store != name {
				t.Errorf("store %q, want %q", r.Store, name)
			}
			if e := r.Eligibility; e.Requests == 0 || e.Errors != 0 {
				t.Errorf("eligibility: %d requests, %d errors", e.Requests, e.Errors)
			}
			if c := r.Closure; c.Flows == 0 || c.Errors != 0 || c.Fraction <= 0 {
				t.Errorf("closure: %d flows, %d errors (%s), fraction %v", c.Flows, c.Errors, c.FirstErr, c.Fraction)
			}
			if r.Argon.Hashes == 0 {
				t.Error("argon2id: no hash")
			}
			if p := r.Purge; p.Accounts != 60 || p.Seconds <= 0 || p.During.Errors != 0 || p.Before.Errors != 0 {
				t.Errorf("purge: %+v", p)
			}
			var b strings.Builder
			if err := Print(&b, "run", Median([]*Result{r, r, r})); err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + b.String())
		})
	}
}
