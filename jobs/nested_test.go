package jobs_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// nestedItem is an item that opens savepoints of its own inside its savepoint, as code of another
// package called from an item may (Store.Tx under the item's context), and goes on whatever they
// answer. Each records an audit event about subject: the item before, inside and after them;
// "undone" in one that rolls back, "released" in one that is kept, and "undone-inner" in one kept
// inside the one that rolls back.
func nestedItem(db purse.Store, subject, item string) func(ctx context.Context, tx purse.Tx) error {
	record := func(ctx context.Context, tx purse.Tx, what string) error {
		return audit.Record(ctx, tx, "system", "test.nested", subject, map[string]string{"item": item, "what": what})
	}
	undone := errors.New("undone")
	return func(ctx context.Context, tx purse.Tx) error {
		if err := record(ctx, tx, "before"); err != nil {
			return err
		}
		err := db.Tx(ctx, func(tx purse.Tx) error {
			if err := record(ctx, tx, "undone"); err != nil {
				return err
			}
			if err := db.Tx(ctx, func(tx purse.Tx) error { return record(ctx, tx, "undone-inner") }); err != nil {
				return err
			}
			return undone
		})
		if !errors.Is(err, undone) {
			return err
		}
		if err := db.Tx(ctx, func(tx purse.Tx) error { return record(ctx, tx, "released") }); err != nil {
			return err
		}
		return record(ctx, tx, "after")
	}
}

// nestedEvents is what the audit log says of nestedItem's items about subject.
func nestedEvents(t *testing.T, db *sqlstore.DB, subject string) []string {
	t.Helper()
	var got []string
	for _, e := range events(t, db, subject) {
		got = append(got, e.Data["item"]+" "+e.Data["what"])
	}
	return got
}

// TestNestedRollbackDropsItsDeferredEvents: the audit events that a savepoint inside an item
// leaves for the end of the batch or group belong to that savepoint: they are dropped when it
// rolls back (with what it wrote), though the item goes on and is kept, and kept when it is
// released into the item. On main, an item's deferred events were the item's whatever savepoint
// recorded them: the log said "undone" and "undone-inner" happened, and they were rolled back.
func TestNestedRollbackDropsItsDeferredEvents(t *testing.T) {
	t.Parallel()
	want := func(items ...string) []string {
		var w []string
		for _, it := range items {
			w = append(w, it+" before", it+" released", it+" after")
		}
		return w
	}
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		// The subtests run in turn: the batches claim nothing of the store's, but each checks the
		// whole log.
		t.Run("batch", func(t *testing.T) {
			bt := &jobs.Batch[string]{Job: "test.nested", Store: db, ID: func(s string) string { return s },
				Claim: func(context.Context, purse.Tx) ([]string, error) { return []string{"one", "two"}, nil },
				Each:  func(ctx context.Context, tx purse.Tx, s string) error { return nestedItem(db, "batch", s)(ctx, tx) }}
			if n, err := bt.Run(ctx); n != 2 || err != nil {
				t.Fatalf("run: %d, %v; want two", n, err)
			}
			if got := nestedEvents(t, db, "batch"); !slices.Equal(got, want("one", "two")) {
				t.Errorf("events:\n got %q\nwant %q", got, want("one", "two"))
			}
			if broken, err := audit.Verify(ctx, db); err != nil || broken != 0 {
				t.Fatalf("audit verify: %d, %v", broken, err)
			}
		})
		t.Run("all", func(t *testing.T) {
			bt := &jobs.Batch[string]{Job: "test.nested", Store: db, ID: func(s string) string { return s },
				Claim: func(context.Context, purse.Tx) ([]string, error) { return []string{"one", "two"}, nil },
				All: func(ctx context.Context, tx purse.Tx, items []string) error {
					for _, s := range items {
						if err := nestedItem(db, "all", s)(ctx, tx); err != nil {
							return err
						}
					}
					return nil
				},
				Each: func(context.Context, purse.Tx, string) error { return errors.New("not each") }}
			if n, err := bt.Run(ctx); n != 2 || err != nil {
				t.Fatalf("run: %d, %v; want two", n, err)
			}
			if got := nestedEvents(t, db, "all"); !slices.Equal(got, want("one", "two")) {
				t.Errorf("events:\n got %q\nwant %q", got, want("one", "two"))
			}
		})
		t.Run("shared", func(t *testing.T) {
			bound, end, err := db.Bind(ctx)
			if err != nil {
				t.Fatal(err)
			}
			shared, left := jobs.Share(bound)
			for _, s := range []string{"one", "two"} {
				if err := jobs.RunItem(shared, db, nestedItem(db, "shared", s)); err != nil {
					_ = end(false)
					t.Fatal(err)
				}
			}
			if err := db.Tx(bound, func(tx purse.Tx) error { return left.Flush(bound, tx) }); err != nil {
				_ = end(false)
				t.Fatal(err)
			}
			if err := end(true); err != nil {
				t.Fatal(err)
			}
			if got := nestedEvents(t, db, "shared"); !slices.Equal(got, want("one", "two")) {
				t.Errorf("events:\n got %q\nwant %q", got, want("one", "two"))
			}
			if broken, err := audit.Verify(ctx, db); err != nil || broken != 0 {
				t.Fatalf("audit verify: %d, %v", broken, err)
			}
		})
	})
}
