package audit_test

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// Deferred events join the chain in the order recorded, interleaved with immediate ones from
// concurrent transactions, and the whole chain still verifies; a rolled-back transaction's
// deferred events are gone with it.
func TestDeferredEventsChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		deferred := func(actions ...string) error {
			return db.Tx(ctx, func(tx purse.Tx) error {
				p := audit.Defer(tx)
				for i, a := range actions {
					if i%2 == 0 { // kept directly, or by Record under the bound context
						p.Record("account:a", a, "a", map[string]string{"k": a})
					} else if err := audit.Record(p.Bind(ctx), tx, "account:a", a, "a", map[string]string{"k": a}); err != nil {
						return err
					}
				}
				return p.Flush(ctx)
			})
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				if err := deferred("one", "two", "three"); err != nil {
					t.Error(err)
				}
			}()
			go func() {
				defer wg.Done()
				record(t, db, 1)
			}()
		}
		wg.Wait()
		boom := errors.New("boom")
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			p := audit.Defer(tx)
			if err := audit.Record(p.Bind(ctx), tx, "account:a", "dropped", "a", nil); err != nil {
				return err
			}
			_ = p // a failing step does not flush: its events roll back with it
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if err := deferred(); err != nil { // nothing recorded: nothing appended
			t.Fatal(err)
		}
		r := check(t, db)
		if r.FirstBroken != 0 || r.Events != 16 {
			t.Fatalf("chain: %+v, want 16 events unbroken", r)
		}
		var es []*purse.AuditEvent
		if err := db.Read(ctx, func(tx purse.Tx) (err error) { es, err = tx.AuditEvents(ctx, "a", purse.AuditPos{}, 100); return err }); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(es); i += 3 {
			if es[i].Action != "one" || es[i+1].Action != "two" || es[i+2].Action != "three" || es[i+2].Seq != es[i].Seq+2 {
				t.Fatalf("events %d..%d out of order: %s %s %s", i, i+2, es[i].Action, es[i+1].Action, es[i+2].Action)
			}
		}
	})
}

// TestPendingDropsWhatARolledBackSavepointRecorded: code handed a context from Pending.Bind (the
// payment password's failure count inside a closure step) that records in a savepoint of its
// own, which rolls back alone while the step goes on, takes its event back with the savepoint's
// writes: before, the Pending kept it and Flush appended an event of something undone.
func TestPendingDropsWhatARolledBackSavepointRecorded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		bound, end, err := db.Bind(ctx)
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err = db.Tx(bound, func(tx purse.Tx) error {
			p := audit.Defer(tx)
			pctx := p.Bind(bound)
			p.Record("account:a", "before", "a", nil)
			if err := db.Tx(pctx, func(tx purse.Tx) error {
				if err := audit.Record(pctx, tx, "account:a", "undone", "a", nil); err != nil {
					return err
				}
				return boom
			}); !errors.Is(err, boom) {
				return err
			}
			if err := db.Tx(pctx, func(tx purse.Tx) error {
				return audit.Record(pctx, tx, "account:a", "released", "a", nil)
			}); err != nil {
				return err
			}
			p.Record("account:a", "after", "a", nil)
			return p.Flush(bound)
		})
		if err := end(err == nil); err != nil {
			t.Fatal(err)
		}
		var got []string
		es, err := audit.Events(ctx, db, "a", purse.AuditPos{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			got = append(got, e.Action)
		}
		if want := []string{"before", "released", "after"}; !slices.Equal(got, want) {
			t.Fatalf("events %q, want %q", got, want)
		}
		if r := check(t, db); r.FirstBroken != 0 {
			t.Fatalf("chain: %+v", r)
		}
	})
}
