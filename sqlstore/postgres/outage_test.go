package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/storetest"
)

// outageCalls are the store's three ways in, each a complete small piece of work.
func outageCalls(db *sqlstore.DB, key string) []struct {
	what string
	fn   func(ctx context.Context) error
} {
	return []struct {
		what string
		fn   func(ctx context.Context) error
	}{
		{"read", func(ctx context.Context) error {
			return db.Read(ctx, func(tx purse.Tx) error { _, err := tx.CountAccounts(ctx); return err })
		}},
		{"write", func(ctx context.Context) error {
			return db.Tx(ctx, func(tx purse.Tx) error { return tx.SetSetting(ctx, key, "written", tx.Now()) })
		}},
		{"bound transaction", func(ctx context.Context) error {
			bctx, end, err := db.Bind(ctx)
			if err != nil {
				return err
			}
			err = db.Tx(bctx, func(tx purse.Tx) error { return tx.SetSetting(bctx, key, "bound", tx.Now()) })
			return errors.Join(err, end(err == nil))
		}},
	}
}

// expectUnavailable fails unless err is UNAVAILABLE with a Retry-After: the answer to a database
// that is away, which a client may try again, never INTERNAL (500).
func expectUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	e := purse.AsError(err)
	if e == nil || e.Code != purse.CodeUnavailable || e.RetryAfter <= 0 {
		t.Errorf("%s: %v (code %s), want UNAVAILABLE with a Retry-After", what, err, purse.ErrorCode(err))
	}
}

func openPrivate(t *testing.T, p *storetest.Private) *sqlstore.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), p.URL, clock.NewFixed(storetest.Epoch))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetDeadline(2 * time.Second)
	return db
}

// PostgreSQL killed (every process at once, as a crash or the OOM killer does): every read, write
// and bound transaction answers UNAVAILABLE with a Retry-After, never an internal failure; once the
// server is back, the same calls succeed on the same store, whose pool replaces the broken
// connections by itself. Before, connection refused, terminated connections and "bad connection"
// all answered INTERNAL (500) with no Retry-After.
func TestPostgresKilledAndRestarted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	p := storetest.PrivatePostgres(t)
	db := openPrivate(t, p)
	ctx := context.Background()
	calls := outageCalls(db, "killed")
	for _, c := range calls {
		if err := c.fn(ctx); err != nil {
			t.Fatalf("%s before the kill: %v", c.what, err)
		}
	}

	p.Kill()
	for round := 0; round < 2; round++ { // first on the pooled, broken connections, then on new ones
		for _, c := range calls {
			expectUnavailable(t, c.what+" while PostgreSQL is down", c.fn(ctx))
		}
	}

	p.Start()
	for _, c := range calls {
		var err error
		// The pool may still hold a connection that broke with the server: its first use fails
		// (UNAVAILABLE) and the pool drops it. Purse needs no restart and no operator.
		for try := 0; try < 3; try++ {
			if err = c.fn(ctx); err == nil {
				break
			}
			expectUnavailable(t, c.what+" just after the restart", err)
		}
		if err != nil {
			t.Errorf("%s after the restart: %v", c.what, err)
		}
	}
}

// PostgreSQL frozen (SIGSTOP: connections stay open, nothing answers, as with a hung host): every
// call answers UNAVAILABLE with a Retry-After once the store's deadline passes, instead of
// hanging; the write cut off mid-transaction is rolled back; once the server runs again the store
// works without a restart. Before, a read waited for as long as the server was stopped.
func TestPostgresFrozen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	p := storetest.PrivatePostgres(t)
	db := openPrivate(t, p)
	ctx := context.Background()
	calls := outageCalls(db, "frozen")
	for _, c := range calls {
		if err := c.fn(ctx); err != nil {
			t.Fatalf("%s before the freeze: %v", c.what, err)
		}
	}

	// A transaction that has written when the server freezes is cut off at the deadline.
	err := db.Tx(ctx, func(tx purse.Tx) error {
		if err := tx.SetSetting(ctx, "half", "written", tx.Now()); err != nil {
			return err
		}
		p.Freeze()
		_, err := tx.CountAccounts(ctx)
		return err
	})
	expectUnavailable(t, "a transaction under way when PostgreSQL froze", err)
	for _, c := range calls {
		expectUnavailable(t, c.what+" while PostgreSQL is frozen", c.fn(ctx))
	}

	p.Thaw()
	for _, c := range calls {
		var err error
		for try := 0; try < 3; try++ {
			if err = c.fn(ctx); err == nil {
				break
			}
			expectUnavailable(t, c.what+" just after the thaw", err)
		}
		if err != nil {
			t.Errorf("%s after the thaw: %v", c.what, err)
		}
	}
	err = db.Read(ctx, func(tx purse.Tx) error {
		v, err := tx.Setting(ctx, "half")
		if err == nil && v != "" {
			t.Errorf("the write cut off by the freeze was kept: %q", v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
