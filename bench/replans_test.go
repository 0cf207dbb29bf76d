package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
)

// replans lists a statement PostgreSQL plans anew at every execution and leaves out one that
// settles on its generic plan and one run too few times to choose. The re-planned one reads a
// partitioned table by its key: the generic plan prices all sixteen partitions' scans against one
// for the values' plans, so PostgreSQL never takes it (as it did the admin queue's, session 13).
func TestReplansListsStatementsPlannedAnew(t *testing.T) {
	pg := os.Getenv("PURSE_TEST_POSTGRES")
	if pg == "" {
		t.Skip("PURSE_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	db, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one session: its temporary tables and its prepared statements
	setup := []string{"CREATE TEMP TABLE replan_parts (k bigint, v text) PARTITION BY HASH (k)"}
	for i := range 16 {
		setup = append(setup, fmt.Sprintf("CREATE TEMP TABLE replan_p%d PARTITION OF replan_parts FOR VALUES WITH (MODULUS 16, REMAINDER %d)", i, i))
	}
	setup = append(setup,
		"CREATE INDEX ON replan_parts (k)",
		"INSERT INTO replan_parts SELECT i, 'v' FROM generate_series(1, 20000) i",
		"CREATE TEMP TABLE replan_plain (k bigint PRIMARY KEY, v text)",
		"INSERT INTO replan_plain SELECT i, 'v' FROM generate_series(1, 20000) i",
		"ANALYZE replan_parts, replan_plain")
	for _, q := range setup {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run := func(q string, n int) {
		for i := range n {
			var v string
			if err := db.QueryRowContext(ctx, q, int64(i+1)).Scan(&v); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	const anew, settles, few = "SELECT v FROM replan_parts WHERE k = $1", "SELECT v FROM replan_plain WHERE k = $1", "SELECT v || 'few' FROM replan_plain WHERE k = $1"
	run(anew, 12)
	run(settles, 12)
	run(few, 4)
	got, err := replans(ctx, db, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, r := range got {
		listed = append(listed, r.Statement)
		if r.Statement == anew && (r.Beyond != 7 || r.Generic != 0) {
			t.Errorf("%s: %d planned anew past the first five, %d generic, want 7 and 0", anew, r.Beyond, r.Generic)
		}
	}
	if len(listed) != 1 || listed[0] != anew {
		t.Errorf("listed %q, want only %q", listed, anew)
	}
	if got, _ := replans(ctx, db, "sqlite"); got != nil {
		t.Errorf("SQLite: %v, want nothing", got)
	}
}
