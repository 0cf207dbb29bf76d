package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/lifecycle"
)

// TestPurgeConcurrent runs the personal-data purge from four workers at once in small batches, as
// several purse instances would: every account gets exactly one notice and is erased exactly once
// (FOR UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite).
func TestPurgeConcurrent(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		const accounts = 20
		for i := range accounts {
			id := register(t, e, apitest.NextPhone(), fmt.Sprintf("many%d@example.com", i), "")
			e.MarkClosed(t, id)
		}
		e.Clock.Advance(31 * day)
		total := func() int {
			var mu sync.Mutex
			sum := 0
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						n, err := e.App.Lifecycle.PurgePersonal(context.Background())
						// Four workers reading at once can hold the SQLite scrub's checkpoint
						// off past its busy timeout: the erasure is committed and counted, and
						// the last run below must scrub. PostgreSQL's scrubs take turns
						// (purse.ErrScrubBusy), so none fails there: before, two at once
						// waited on each other's locks until lock_timeout (55P03).
						if err != nil && (e.DB.Dialect() != "sqlite" || !errors.Is(err, lifecycle.ErrOlderCopiesRemain)) {
							t.Error(err)
							return
						}
						mu.Lock()
						sum += n
						mu.Unlock()
						if n == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			// A worker stops when every account left is claimed by another; one last run picks up
			// anything a stopped worker would have taken next, and scrubs what the workers erased.
			n, err := e.App.Lifecycle.PurgePersonal(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return sum + n
		}
		if n := total(); n != accounts {
			t.Fatalf("notice step handled %d accounts, want %d", n, accounts)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM outbox WHERE template = 'data_erased'`); n != accounts {
			t.Fatalf("%d notices, want one per account", n)
		}
		exec(t, e, `UPDATE outbox SET status = 'sent'`)
		if n := total(); n != accounts {
			t.Fatalf("erase step handled %d accounts, want %d", n, accounts)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE action = 'retention.personal_erased'`); n != accounts {
			t.Fatalf("%d erasure events, want one per account", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM accounts WHERE status = 'purged'`); n != accounts {
			t.Fatalf("%d purged accounts", n)
		}
	}, func(c *app.Config) { c.Retention.Batch = 3 })
}

// TestClaimSkipsLocked shows the claim directly on PostgreSQL: while one transaction holds a
// batch, another one's claim returns only the other accounts. (SQLite has one writer: the second
// transaction would wait instead.)
func TestClaimSkipsLocked(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "postgres")
	for range 4 {
		e.MarkClosed(t, register(t, e, apitest.NextPhone(), "", ""))
	}
	e.Clock.Advance(31 * day)
	ctx := context.Background()
	claimed, release, done := make(chan []string), make(chan struct{}), make(chan error)
	go func() {
		done <- e.DB.Tx(ctx, func(tx purse.Tx) error {
			c, err := tx.ClosedForPurge(ctx, purse.PurgeClaimParams{ClosedBefore: e.Clock.Now(), NoticedBefore: e.Clock.Now(), Limit: 2})
			if err != nil {
				return err
			}
			claimed <- ids(c)
			<-release
			return nil
		})
	}()
	first := <-claimed
	var second []string
	err := e.DB.Tx(ctx, func(tx purse.Tx) error {
		c, err := tx.ClosedForPurge(ctx, purse.PurgeClaimParams{ClosedBefore: e.Clock.Now(), NoticedBefore: e.Clock.Now(), Limit: 10})
		second = ids(c)
		return err
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || len(second) != 2 || slices.Contains(second, first[0]) || slices.Contains(second, first[1]) {
		t.Fatalf("first claim %v, second %v: want disjoint halves", first, second)
	}
}

func ids(cs []*purse.PurgeCandidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Account.ID)
	}
	return out
}
