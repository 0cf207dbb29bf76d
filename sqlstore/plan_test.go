package sqlstore_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/sqlstore"
)

// planOf returns the plan the store's engine makes of q on conn, a line a step: SQLite's EXPLAIN
// QUERY PLAN details, PostgreSQL's EXPLAIN text. q is written as the store writes it (? for each
// argument, row locks named): the engine's own form is made here.
func planOf(t *testing.T, conn *sql.Conn, dialect, q string, args ...any) string {
	t.Helper()
	explain := "EXPLAIN QUERY PLAN "
	if dialect == "postgres" {
		explain, q = "EXPLAIN ", sqlstore.Numbered(q)
	} else {
		// SQLite has no row locks: the store drops the clause there.
		q = strings.Replace(strings.Replace(q, " SKIP LOCKED", "", 1), " FOR UPDATE", "", 1)
	}
	rows, err := conn.QueryContext(context.Background(), explain+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := vals[len(vals)-1]
		if b, ok := line.([]byte); ok {
			line = string(b)
		}
		plan = append(plan, line.(string))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
