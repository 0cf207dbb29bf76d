package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// A transaction whose context ends midway (the client went away, the server is stopping) is
// rolled back by database/sql, and what fails after that, a statement under the ended context or
// sql.ErrTxDone under a live one, carries the context's cause: it is UNAVAILABLE (503), like any
// cancellation, and not INTERNAL (500). No step waits on a clock: the loops wait for database/sql's
// own rollback, which the cancel starts.
func TestTransactionEndedByItsContext(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		a := newAccount("hash-cancel", clk.Now())
		must(t, db.Tx(context.Background(), func(tx purse.Tx) error { return tx.InsertAccount(context.Background(), a) }))
		unavailable := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, context.Canceled) || purse.ErrorCode(err) != purse.CodeUnavailable {
				t.Errorf("%s: %v (code %s), want context.Canceled in its chain and UNAVAILABLE", what, err, purse.ErrorCode(err))
			}
		}
		// untilRolledBack runs a statement under a live context until database/sql has rolled the
		// transaction back under it, and returns that failure: sql.ErrTxDone, or, when the statement
		// was under way as the rollback ran, what the rollback did to it: database/sql's "Rows are
		// closed" (it closes a transaction's open rows as it ends it; about 3 runs in 20 on
		// PostgreSQL), "statement is closed" (the transaction's prepared statement, on SQLite) or the
		// driver's context.Canceled (the connection's cancel reached the statement, on PostgreSQL;
		// both seen in CI at load 19). Either way the transaction's own answer is the cancellation,
		// checked below.
		untilRolledBack := func(tx purse.Tx) error {
			for {
				if _, err := tx.Account(context.Background(), a.ID); err != nil {
					if !errors.Is(err, sql.ErrTxDone) && !errors.Is(err, context.Canceled) &&
						!strings.Contains(err.Error(), "sql: Rows are closed") && !strings.Contains(err.Error(), "sql: statement is closed") {
						t.Errorf("after the rollback: %v, want sql.ErrTxDone", err)
					}
					return err
				}
				runtime.Gosched()
			}
		}

		ctx, cancel := context.WithCancel(context.Background())
		err := db.Tx(ctx, func(tx purse.Tx) error {
			if _, err := tx.AccountForUpdate(ctx, a.ID); err != nil {
				return err
			}
			cancel()
			_, err := tx.Account(ctx, a.ID)
			return err
		})
		unavailable("a statement under the cancelled context", err)

		ctx, cancel = context.WithCancel(context.Background())
		err = db.Tx(ctx, func(tx purse.Tx) error {
			if _, err := tx.AccountForUpdate(ctx, a.ID); err != nil {
				return err
			}
			cancel()
			return untilRolledBack(tx)
		})
		unavailable("a statement under a live context, after the rollback", err)

		// A transaction bound to a request (the idempotency middleware's): the request's reads and
		// its commit fail the same way.
		ctx, cancel = context.WithCancel(context.Background())
		bound, end, err := db.Bind(ctx)
		must(t, err)
		must(t, db.Read(bound, func(tx purse.Tx) error { _, err := tx.Account(bound, a.ID); return err }))
		cancel()
		err = db.Read(context.WithoutCancel(bound), untilRolledBack)
		unavailable("a read in the bound transaction, after the rollback", err)
		unavailable("the bound transaction's commit", end(true))

		// The account is as it was, and the store serves the next request.
		must(t, db.Read(context.Background(), func(tx purse.Tx) error {
			got, err := tx.Account(context.Background(), a.ID)
			if err == nil && got.Status != purse.StatusActive {
				t.Errorf("account %s after the rolled back transactions", got.Status)
			}
			return err
		}))
	})
}
