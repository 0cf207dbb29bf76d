package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
)

// bulkTables are the tables the bulk load writes.
var bulkTables = []string{"accounts", "account_lookups", "data_keys", "ledger_transactions", "ledger_postings",
	"ledger_balances", "closures"}

// deferIndexes drops the secondary indexes of the bulk load's tables, so that the load writes
// each row once instead of once per index, and returns the function that builds them again from
// their own definitions, as the migrations made them. Building an index from sorted rows is
// several times cheaper than inserting 50 million entries one by one into it: most of the load's
// time went there (issue 19: 97,000 rows/s, 9 minutes a store for 3 million accounts). Primary
// keys and the indexes behind constraints stay: the load still checks every id's uniqueness as it
// goes, and an index built again that finds a duplicate fails the load, so the data is what the
// same load with its indexes would have written.
func deferIndexes(ctx context.Context, db *sql.DB, kind string) (rebuild func(context.Context) error, err error) {
	names, defs, err := secondaryIndexes(ctx, db, kind)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return nil, fmt.Errorf("bench: drop index %s: %w", name, err)
		}
	}
	return func(ctx context.Context) error {
		began := time.Now()
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if kind == "postgres" {
			// The session's own sort memory for the builds; the server's settings are not touched.
			if _, err := conn.ExecContext(ctx, "SET maintenance_work_mem = '256MB'"); err != nil {
				return err
			}
			defer conn.ExecContext(context.WithoutCancel(ctx), "RESET maintenance_work_mem")
		}
		for i, def := range defs {
			if _, err := conn.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("bench: build index %s again: %w", names[i], err)
			}
		}
		fmt.Fprintf(os.Stderr, "bench: scale: %d indexes built in %.1f s\n", len(defs), time.Since(began).Seconds())
		return nil
	}, nil
}

// wrappedKey is the SQL of a bulk account's wrapped data key: 60 bytes, the size of a real one
// (a 32-byte key sealed with AES-GCM), that nothing opens.
func wrappedKey(kind string) string {
	if kind == "postgres" {
		return "decode(repeat('5a', 60), 'hex')"
	}
	return "zeroblob(60)"
}

// loadSettings sets the session for the load and returns what puts it back. On SQLite the one
// write connection gets a larger page cache (the ids are scattered over each primary key, as
// random ids are, and a chunk's inserts touch most of its pages) and does not wait for the disk
// at each chunk's commit: a load cut short by a crash is started again on a fresh store anyway.
// PostgreSQL's commits are one per 50,000 accounts and need nothing.
func loadSettings(ctx context.Context, db *sql.DB, kind string) (restore func(context.Context) error, err error) {
	set := func(ctx context.Context, pragmas ...string) error {
		for _, p := range pragmas {
			if _, err := db.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return fmt.Errorf("bench: %s: %w", p, err)
			}
		}
		return nil
	}
	if kind == "postgres" {
		return func(context.Context) error { return nil }, nil
	}
	var cache, sync int64
	if err := db.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return nil, err
	}
	if err := set(ctx, "cache_size = -524288", "synchronous = OFF"); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		return set(ctx, fmt.Sprintf("cache_size = %d", cache), fmt.Sprintf("synchronous = %d", sync))
	}, nil
}

// secondaryIndexes lists the bulk tables' indexes that no constraint owns, by name, with the
// statement that makes each.
func secondaryIndexes(ctx context.Context, db *sql.DB, kind string) (names, defs []string, err error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('` + strings.Join(bulkTables, "','") + `') ORDER BY name`
	if kind == "postgres" {
		q = `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
			WHERE t.relnamespace = current_schema()::regnamespace AND t.relname IN ('` + strings.Join(bulkTables, "','") + `')
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: list indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	return names, defs, rows.Err()
}
