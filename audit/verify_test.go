package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

var ctx = context.Background()

// acctChain is the chain of record's events (10).
var acctChain = audit.ChainOf("acct")

// record appends n events about one account, one transaction each: they form its chain.
func record(t *testing.T, db *sqlstore.DB, n int) {
	t.Helper()
	recordAbout(t, db, "acct", n)
}

func recordAbout(t *testing.T, db *sqlstore.DB, subject string, n int) {
	t.Helper()
	for i := range n {
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			return audit.Record(ctx, tx, "operator:op-1", "admin.test", subject,
				map[string]string{"i": fmt.Sprint(i), "note": "注销"})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func check(t *testing.T, db *sqlstore.DB) audit.Result {
	t.Helper()
	r, err := audit.CheckBatch(ctx, db, 4)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func exec(t *testing.T, db *sqlstore.DB, q string) {
	t.Helper()
	if _, err := db.SQL().Exec(q); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyWholeChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		if r := check(t, db); r.FirstBroken != 0 || r.Events != 0 {
			t.Fatalf("empty chain: %+v", r)
		}
		record(t, db, 10)
		if r := check(t, db); r.FirstBroken != 0 || r.Events != 10 {
			t.Fatalf("whole chain: %+v", r)
		}
		if seq, err := audit.Verify(ctx, db); seq != 0 || err != nil {
			t.Fatalf("Verify: %d, %v", seq, err)
		}
	})
}

// TestVerifyFindsTampering edits, rehashes and removes rows directly in the database, each on a
// fresh chain, and checks that verify names the event where the chain breaks.
func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper []string
		want   int64
		reason string
	}{
		{"edited data", []string{`UPDATE audit_events SET data = '{"i":"6","note":"已删除"}' WHERE seq = 7`}, 7, "content"},
		{"edited actor", []string{`UPDATE audit_events SET actor = 'system' WHERE seq = 1`}, 1, "content"},
		{"edited last", []string{`UPDATE audit_events SET action = 'admin.other' WHERE seq = 10`}, 10, "content"},
		{"deleted", []string{`DELETE FROM audit_events WHERE seq = 5`}, 5, "missing"},
		{"deleted first", []string{`DELETE FROM audit_events WHERE seq = 1`}, 1, "missing"},
		{"deleted last", []string{`DELETE FROM audit_events WHERE seq = 10`}, 10, "ends at 9"},
		{"head rewound with the last row", []string{`DELETE FROM audit_events WHERE seq = 10`,
			fmt.Sprintf(`UPDATE audit_head SET seq = 9 WHERE chain = %d`, acctChain)}, 9, "head recorded"},
		// Rewriting an event's hash to match its new content moves the break to the next event.
		{"rehashed", []string{`UPDATE audit_events SET hash = 'ab' WHERE seq = 4`}, 4, "content"},
		{"prev hash", []string{`UPDATE audit_events SET prev_hash = 'ab' WHERE seq = 6`}, 6, "prev_hash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
				t.Parallel()
				record(t, db, 10)
				for _, q := range c.tamper {
					exec(t, db, q)
				}
				r := check(t, db)
				if r.FirstBroken != c.want || r.Chain != acctChain || !strings.Contains(r.Reason, c.reason) {
					t.Fatalf("got %+v, want seq %d for %q", r, c.want, c.reason)
				}
				if seq, err := audit.Verify(ctx, db); seq != c.want || err != nil {
					t.Fatalf("Verify: %d, %v", seq, err)
				}
			})
		})
	}
}

// TestVerifyRecomputedHash: an attacker who edits an event and recomputes its hash breaks the link
// to the next event, which verify names.
func TestVerifyRecomputedHash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		record(t, db, 6)
		var e *purse.AuditEvent
		if err := db.Read(ctx, func(tx purse.Tx) error {
			es, err := tx.AuditEvents(ctx, "", purse.AuditPos{Chain: acctChain, Seq: 2}, 1)
			e = es[0]
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.Actor = "system"
		exec(t, db, fmt.Sprintf(`UPDATE audit_events SET actor = 'system', hash = '%s' WHERE seq = 3`, audit.Hash(e)))
		if r := check(t, db); r.FirstBroken != 4 || !strings.Contains(r.Reason, "event 3") {
			t.Fatalf("got %+v, want 4 naming event 3", r)
		}
	})
}

// TestConcurrentAppends: 8 writers appending 50 events each, about two accounts in two chains,
// form two valid chains.
func TestConcurrentAppends(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					err := db.Tx(ctx, func(tx purse.Tx) error {
						return audit.Record(ctx, tx, fmt.Sprintf("operator:%d", g), "admin.test", []string{"acct", "b"}[g%2],
							map[string]string{"i": fmt.Sprint(i)})
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		r, err := audit.Check(ctx, db)
		if err != nil || r.FirstBroken != 0 || r.Events != 400 {
			t.Fatalf("got %+v, %v; want 400 events in two whole chains", r, err)
		}
	})
}
