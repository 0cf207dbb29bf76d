package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/storetest"
)

// PostgreSQL turns new connections away (53300) while all of max_connections are taken, and every
// purse instance and every other client of the server draws on them. Nothing has run when a
// connection is refused, so the store waits a little and tries again; a refusal that lasts answers
// UNAVAILABLE with a Retry-After (503), never an internal failure (500): it is load, not a bug.
// Two purse instances under load on a shared test server met exactly this as a 500 on sign-in
// (crashtest's TestTwoInstancesOnePostgres).
func TestRefusedConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := storetest.RefusingPostgres(t, storetest.PostgresURL(t))
	db, err := postgres.Open(ctx, server.URL, clock.NewFixed(storetest.Epoch))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// Open used only the write pool; without idle connections there, every transaction connects
	// anew, as the read pool's first read does.
	db.SQL().SetMaxIdleConns(0)
	read := func() error {
		return db.Read(ctx, func(tx purse.Tx) error { _, err := tx.CountAccounts(ctx); return err })
	}
	write := func() error {
		return db.Tx(ctx, func(tx purse.Tx) error { return tx.SetSetting(ctx, "refused", "no", tx.Now()) })
	}
	bind := func() error {
		_, end, err := db.Bind(ctx)
		if err == nil {
			err = end(false)
		}
		return err
	}

	// Refused for as long as the store tries: UNAVAILABLE, Retry-After, the server's reason kept.
	server.Refuse(1 << 30)
	for _, c := range []struct {
		what string
		fn   func() error
	}{{"read", read}, {"write", write}, {"bound transaction", bind}} {
		before := server.Refused.Load()
		err := c.fn()
		var pg *pgconn.PgError
		e := purse.AsError(err)
		if e == nil || e.Code != purse.CodeUnavailable || e.RetryAfter <= 0 || !errors.As(err, &pg) || pg.Code != "53300" {
			t.Errorf("%s refused: %v (code %s), want UNAVAILABLE with a Retry-After and the 53300 refusal",
				c.what, err, purse.ErrorCode(err))
		}
		if tries := server.Refused.Load() - before; tries < 2 {
			t.Errorf("%s refused: %d connection tried, want a few", c.what, tries)
		}
	}

	// Refused for a moment, as while another instance's burst holds the slots: the store waits.
	for _, c := range []struct {
		what string
		fn   func() error
	}{{"read", read}, {"write", write}, {"bound transaction", bind}} {
		server.Refuse(2)
		if err := c.fn(); err != nil {
			t.Errorf("%s refused twice, then accepted: %v", c.what, err)
		}
	}
}
