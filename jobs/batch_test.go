package jobs_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

var ctx = context.Background()

// twoChains returns two subjects whose audit events go to different chains.
func twoChains(t *testing.T) (string, string) {
	for i := 1; i < 100; i++ {
		if s := "s" + strconv.Itoa(i); audit.ChainOf(s) != audit.ChainOf("s0") {
			return "s0", s
		}
	}
	t.Fatal("no two chains")
	return "", ""
}

// TestConcurrentBatchesDoNotDeadlock (http/TestCloseJobConcurrent failed with "closed 23, want 25":
// two instances' closing jobs deadlocked on the audit chains' heads): two batches audit the same
// two accounts of two chains, in opposite orders, and each waits after its first item for the
// other to reach its own. When each item locked its event's head as it went, the first batch held
// one head and wanted the other's, the second the reverse: PostgreSQL broke the deadlock (40P01),
// failing one item, which was recorded and skipped. The heads are now locked at the batch's end,
// in chain order, and both batches handle both items. SQLite's one writer runs the batches one
// after the other (the second cannot begin while the first holds the writer), so there they run
// in turn and only the outcome is checked.
func TestConcurrentBatchesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		a, b := twoChains(t)
		together := db.Dialect() == "postgres"
		arrived := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
		batch := func(i int, subjects ...string) *jobs.Batch[string] {
			return &jobs.Batch[string]{Job: "test.lock_order", Store: db,
				ID:    func(s string) string { return strconv.Itoa(i) + ":" + s },
				Claim: func(context.Context, purse.Tx) ([]string, error) { return subjects, nil },
				Each: func(ctx context.Context, tx purse.Tx, s string) error {
					err := audit.Record(ctx, tx, "system", "test.handled", s, map[string]string{"batch": strconv.Itoa(i)})
					if together && s == subjects[0] {
						close(arrived[i])
						<-arrived[1-i]
					}
					return err
				}}
		}
		var n [2]int
		var errs [2]error
		run := func(i int, bt *jobs.Batch[string]) { n[i], errs[i] = bt.Run(ctx) }
		if together {
			var wg sync.WaitGroup
			wg.Go(func() { run(0, batch(0, a, b)) })
			wg.Go(func() { run(1, batch(1, b, a)) })
			wg.Wait()
		} else {
			run(0, batch(0, a, b))
			run(1, batch(1, b, a))
		}
		for i := range 2 {
			if n[i] != 2 || errs[i] != nil {
				t.Errorf("batch %d handled %d, %v; want both items", i, n[i], errs[i])
			}
		}
		failures, err := jobs.Failures(ctx, db, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range failures {
			t.Errorf("item %s failed: %s", f.Item, f.Error)
		}
		for _, s := range []string{a, b} {
			if es := events(t, db, s); len(es) != 2 {
				t.Errorf("%s: %d events, want one from each batch", s, len(es))
			}
		}
		if broken, err := audit.Verify(ctx, db); err != nil || broken != 0 {
			t.Fatalf("audit verify: %d, %v", broken, err)
		}
	})
}

func events(t *testing.T, db *sqlstore.DB, subject string) []*purse.AuditEvent {
	t.Helper()
	es, err := audit.Events(ctx, db, subject, purse.AuditPos{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestBatchKeepsOnlyKeptItemsEvents: the audit events an item recorded before it failed roll back
// with its savepoint, though they wait for the batch's end to be appended; those of a
// FailAfterCommit failure stay with its writes; the others' are appended, in the items' order.
func TestBatchKeepsOnlyKeptItemsEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		boom := errors.New("boom")
		bt := &jobs.Batch[string]{Job: "test.kept", Store: db, ID: func(s string) string { return s },
			Claim: func(context.Context, purse.Tx) ([]string, error) {
				return []string{"one", "fails", "two", "counted", "three"}, nil
			},
			Each: func(ctx context.Context, tx purse.Tx, s string) error {
				p := audit.Defer(tx)
				p.Record("system", "test.handled", "subject", map[string]string{"item": s})
				if err := p.Flush(ctx); err != nil {
					return err
				}
				switch s {
				case "fails":
					return boom
				case "counted":
					return purse.FailAfterCommit(boom)
				}
				return audit.Record(ctx, tx, "system", "test.after", "subject", map[string]string{"item": s})
			}}
		if n, err := bt.Run(ctx); n != 3 || err != nil {
			t.Fatalf("run: %d, %v; want three", n, err)
		}
		var got []string
		for _, e := range events(t, db, "subject") {
			got = append(got, e.Action+" "+e.Data["item"])
		}
		want := []string{"test.handled one", "test.after one", "test.handled two", "test.after two",
			"test.handled counted", "test.handled three", "test.after three"}
		if !slices.Equal(got, want) {
			t.Fatalf("events:\n got %q\nwant %q", got, want)
		}
		if broken, err := audit.Verify(ctx, db); err != nil || broken != 0 {
			t.Fatalf("audit verify: %d, %v", broken, err)
		}
	})
}

// poison is a Deferred that fails to write when it holds "bad": nothing says which item's it was.
type poison struct{ items *[]string }

type poisonKey struct{}

func (p poison) Join(more jobs.Deferred) { *p.items = append(*p.items, *more.(poison).items...) }

func (p poison) Flush(context.Context, purse.Tx) error {
	if slices.Contains(*p.items, "bad") {
		return errors.New("cannot write bad")
	}
	return nil
}

// TestBatchFindsWhoseLeftWritesFail: when what the items left fails at the batch's end, the batch
// rolls back and runs again with each item's written in its own savepoint, so that the item at
// fault is recorded and skipped, and the others (and their audit events) commit.
func TestBatchFindsWhoseLeftWritesFail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		bt := &jobs.Batch[string]{Job: "test.left", Store: db, ID: func(s string) string { return s },
			Claim: func(context.Context, purse.Tx) ([]string, error) { return []string{"one", "bad", "two"}, nil },
			Each: func(ctx context.Context, tx purse.Tx, s string) error {
				p, ok := jobs.Later(ctx, tx, poisonKey{}, func() poison { return poison{items: new([]string)} })
				if !ok {
					return errors.New("not in a batch item")
				}
				*p.items = append(*p.items, s)
				return audit.Record(ctx, tx, "system", "test.handled", s, nil)
			}}
		if n, err := bt.Run(ctx); n != 2 || err != nil {
			t.Fatalf("run: %d, %v; want two", n, err)
		}
		failures, err := jobs.Failures(ctx, db, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(failures) != 1 || failures[0].Item != "bad" || failures[0].Attempts != 1 {
			t.Fatalf("failures: %+v; want bad's, once", failures)
		}
		for s, want := range map[string]int{"one": 1, "bad": 0, "two": 1} {
			if got := len(events(t, db, s)); got != want {
				t.Errorf("%s: %d events, want %d", s, got, want)
			}
		}
		if broken, err := audit.Verify(ctx, db); err != nil || broken != 0 {
			t.Fatalf("audit verify: %d, %v", broken, err)
		}
	})
}
