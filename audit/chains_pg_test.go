package audit_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestAppendsToOtherChainsDoNotWait (issue 19: every audited transaction of every instance waited
// on one head row): on PostgreSQL, while a transaction holds chain 10's head, an append about an
// account of chain 5 commits, and one about an account of chain 10 waits for it. Whether an
// append waits is read from PostgreSQL (pg_blocking_pids), not from a clock. SQLite's one writer
// serialises every write transaction whatever the chains, so the test is PostgreSQL's.
func TestAppendsToOtherChainsDoNotWait(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		if db.Dialect() != "postgres" {
			t.Skip("SQLite serialises every write transaction: its chains cannot overlap")
		}
		t.Parallel()
		holder, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Rollback()
		var pid int
		if err := holder.QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		if _, err := holder.Exec(`SELECT seq FROM audit_head WHERE chain = 10 FOR UPDATE`); err != nil {
			t.Fatal(err)
		}
		// blocked reports whether some backend waits for the holder.
		blocked := func() bool {
			var n int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, pid).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n > 0
		}
		appendAbout := func(subject string) <-chan error {
			done := make(chan error, 1)
			go func() {
				done <- db.Tx(ctx, func(tx purse.Tx) error { return audit.Record(ctx, tx, "system", "admin.test", subject, nil) })
			}()
			return done
		}

		other := appendAbout("b") // chain 5
		for waiting := false; !waiting; {
			select {
			case err := <-other:
				if err != nil {
					t.Fatal(err)
				}
				waiting = true // committed
			default:
				if blocked() {
					t.Fatal("an append to chain 5 waited for chain 10's head")
				}
				time.Sleep(time.Millisecond)
			}
		}

		same := appendAbout("acct") // chain 10
		for !blocked() {
			select {
			case err := <-same:
				t.Fatalf("an append to chain 10 went through while its head was held: %v", err)
			default:
				time.Sleep(time.Millisecond)
			}
		}
		if err := holder.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := <-same; err != nil {
			t.Fatal(err)
		}
		if r := check(t, db); r.FirstBroken != 0 || r.Events != 2 {
			t.Fatalf("chains: %+v", r)
		}
	})
}
