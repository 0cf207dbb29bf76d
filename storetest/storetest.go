// Package storetest opens real stores for tests: a fresh SQLite file always, and a fresh database on
// the PostgreSQL named by PURSE_TEST_POSTGRES when it is set (cloned from a migrated template:
// template.go). Every test gets its own database, so tests run in parallel.
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

// PostgresURL creates a fresh database on the test server, already migrated (a clone of
// migratedTemplate), dropped when t ends, and returns its URL. It skips the test when
// PURSE_TEST_POSTGRES is unset, unless PURSE_REQUIRE_POSTGRES=1.
func PostgresURL(t testing.TB) string {
	t.Helper()
	tmpl := migratedTemplate(t, serverURL(t))
	u, name := fresh(t, "CREATE DATABASE %s TEMPLATE "+tmpl, "DROP DATABASE %s WITH (FORCE)")
	u.Path = "/" + name
	return u.String()
}

// PostgresDatabase creates a fresh, empty database on the test server, dropped when t ends, and
// returns its URL: the store opened on it migrates from nothing. A test that needs VACUUM to remove its dead rows uses one: VACUUM keeps
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
	base := serverURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	if err := whileInUse(func() error { _, err := admin.Exec(fmt.Sprintf(create, name)); return err }); err != nil {
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

// serverURL is PURSE_TEST_POSTGRES. It skips the test when that is unset, or fails it under
// PURSE_REQUIRE_POSTGRES=1.
func serverURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("PURSE_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("PURSE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PURSE_REQUIRE_POSTGRES=1 but PURSE_TEST_POSTGRES is empty: PostgreSQL tests would not run")
		}
		t.Skip("PURSE_TEST_POSTGRES not set: skipping the PostgreSQL run")
	}
	return base
}

// Numbered turns a statement's ? placeholders into PostgreSQL's $1, $2, … for a test that sends
// SQL of its own to a PostgreSQL store.
func Numbered(q string) string { return sqlstore.Numbered(q) }
