package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the schema's creation and removal
)

// freshSchema creates a schema of its own on the server base names and returns a URL whose
// connections use it, with a function that drops it (as storetest does for tests).
func freshSchema(ctx context.Context, base string) (string, func(), error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	warnUnvacuumed(ctx, admin)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("bench: create schema: %w", err)
	}
	drop := func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP SCHEMA " + schema + " CASCADE")
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// Scratch returns db itself for SQLite, and for a postgres:// URL a URL of a fresh schema with the
// function that drops it: a measurement must not inherit the rows of earlier ones.
func Scratch(ctx context.Context, db string) (string, func(), error) {
	if !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://") {
		return db, func() {}, nil
	}
	return freshSchema(ctx, db)
}

// warnUnvacuumed says so on stderr when the server runs without autovacuum and its catalogs hold
// many dead rows. Every bench run and test suite makes and drops a schema of about a hundred
// tables; without autovacuum their catalog rows are never reclaimed, and every new connection's
// look-ups walk them. On this machine's server (autovacuum off) 830,000 dead pg_attribute rows made
// a PostgreSQL check cost a quarter more and the 100,000-account purge take 100 s instead of 37 s.
func warnUnvacuumed(ctx context.Context, db *sql.DB) {
	var on string
	var dead int64
	if db.QueryRowContext(ctx, "SHOW autovacuum").Scan(&on) != nil || on != "off" {
		return
	}
	if db.QueryRowContext(ctx, "SELECT COALESCE(SUM(n_dead_tup), 0) FROM pg_stat_sys_tables WHERE schemaname = 'pg_catalog'").Scan(&dead) != nil {
		return
	}
	if dead > unvacuumedRows {
		fmt.Fprintf(os.Stderr, "bench: autovacuum is off on this PostgreSQL and its catalogs hold %d dead rows: "+
			"run VACUUM on the database before measuring, or the figures carry that bloat (docs/BENCHMARKS.md)\n", dead)
	}
}

// unvacuumedRows is where catalog bloat starts to show in the figures: a few dozen dropped schemas.
const unvacuumedRows = 100_000
