// Package storetest opens real stores for tests: a fresh SQLite file always, and a fresh schema on
// the PostgreSQL named by PURSE_TEST_POSTGRES when it is set. Every test gets its own database, so
// tests run in parallel.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
	"github.com/purse-wallet/purse/vault"
)

// Epoch is where test clocks start: a Monday, so working-day arithmetic is easy to follow.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Each runs fn as a subtest on every store: "sqlite" always, "postgres" when PURSE_TEST_POSTGRES
// names a server. With PURSE_REQUIRE_POSTGRES=1 (CI) a missing server fails instead of skipping.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			clk := clock.NewFixed(Epoch)
			fn(t, Open(t, name, clk), clk)
		})
	}
}

// Open returns a fresh, migrated store of the named dialect, closed and dropped when t ends.
func Open(t testing.TB, dialect string, clk purse.Clock) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	switch dialect {
	case "sqlite":
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "purse.db"), clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.UseSealer(Sealer(t))
		return db
	case "postgres":
		url := PostgresURL(t)
		db, err := postgres.Open(ctx, url, clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.UseSealer(Sealer(t))
		return db
	}
	t.Fatalf("storetest: unknown dialect %q", dialect)
	return nil
}

// Sealer is a vault under a fresh master key, for a store a test uses without the app (which
// gives the store its own vault).
func Sealer(t testing.TB) *vault.Vault {
	t.Helper()
	key := make([]byte, vault.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// PostgresURL creates a fresh schema on the test server and returns a URL whose connections use it.
// It skips the test when PURSE_TEST_POSTGRES is unset, unless PURSE_REQUIRE_POSTGRES=1.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u, schema := fresh(t, "CREATE SCHEMA %s", "DROP SCHEMA %s CASCADE")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresDatabase creates a fresh database of its own on the test server, dropped when t ends,
// and returns its URL. A test that needs VACUUM to remove its dead rows uses one: VACUUM keeps
// every row version a transaction open in the same database may still see, and on the shared
// test database other tests always have one open. It skips like PostgresURL.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	u, name := fresh(t, "CREATE DATABASE %s", "DROP DATABASE %s WITH (FORCE)")
	u.Path = "/" + name
	return u.String()
}

// fresh creates an object with a random name on the test server (create and drop are statements
// with one %s for the name), drops it when t ends, and returns the server's URL and the name.
func fresh(t testing.TB, create, drop string) (*url.URL, string) {
	t.Helper()
	base := os.Getenv("PURSE_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("PURSE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PURSE_REQUIRE_POSTGRES=1 but PURSE_TEST_POSTGRES is empty: PostgreSQL tests would not run")
		}
		t.Skip("PURSE_TEST_POSTGRES not set: skipping the PostgreSQL run")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(fmt.Sprintf(create, name)); err != nil {
		t.Fatalf("storetest: %s: %v", fmt.Sprintf(create, name), err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(fmt.Sprintf(drop, name))
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u, name
}
