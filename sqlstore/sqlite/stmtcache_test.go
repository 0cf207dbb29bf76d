package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

func cacheDB(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	db := sql.OpenDB(connector{"file:" + uriPath(filepath.Join(t.TempDir(), "s.db")) + "?_pragma=journal_mode(WAL)"})
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(context.Background(), "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	return db, conn
}

func kept(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	var n int
	if err := conn.Raw(func(dc any) error { n = len(dc.(*cachingConn).stmts); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A statement with arguments is prepared once per connection and used again; one without is not
// kept.
func TestStatementCacheKeepsStatements(t *testing.T) {
	_, conn := cacheDB(t)
	ctx := context.Background()
	for i := range 50 {
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (k, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := conn.QueryRowContext(ctx, "SELECT v FROM t WHERE k = ?", i).Scan(&v); err != nil || v != fmt.Sprint("v", i) {
			t.Fatalf("row %d: %q, %v", i, v, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA user_version = 3"); err != nil {
		t.Fatal(err)
	}
	if n := kept(t, conn); n != 2 {
		t.Fatalf("%d statements kept, want 2 (the insert and the select)", n)
	}
}

// The same query run again while its first rows are still open gets a statement of its own:
// reusing the kept one would reset the open rows under their reader.
func TestStatementCacheNestedSameQuery(t *testing.T) {
	_, conn := cacheDB(t)
	ctx := context.Background()
	for i := range 5 {
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (k, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	const q = "SELECT k, v FROM t WHERE k >= ? ORDER BY k"
	outer, err := conn.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for outer.Next() {
		var k int
		var v string
		if err := outer.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		seen = append(seen, v)
		if len(seen) > 5 {
			t.Fatalf("outer rows %v: the inner query reset them", seen)
		}
		inner, err := conn.QueryContext(ctx, q, 4) // the same text, while outer is open
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		if err := inner.Close(); err != nil || n != 1 {
			t.Fatalf("inner query: %d rows, %v", n, err)
		}
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(seen) != "[v0 v1 v2 v3 v4]" {
		t.Fatalf("outer rows %v, want all five in order", seen)
	}
	// Once closed, the kept statement serves again.
	var v string
	if err := conn.QueryRowContext(ctx, q, 2).Scan(new(int), &v); err != nil || v != "v2" {
		t.Fatalf("after close: %q, %v", v, err)
	}
}

// Queries built per row count would grow the cache for ever; it keeps at most stmtCacheSize.
func TestStatementCacheIsBounded(t *testing.T) {
	_, conn := cacheDB(t)
	ctx := context.Background()
	for i := range stmtCacheSize + 40 {
		var n int
		q := fmt.Sprintf("SELECT count(*) FROM t WHERE k > ? AND %d = %d", i, i)
		if err := conn.QueryRowContext(ctx, q, 0).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if n := kept(t, conn); n != stmtCacheSize {
		t.Fatalf("%d statements kept, want %d", n, stmtCacheSize)
	}
}
