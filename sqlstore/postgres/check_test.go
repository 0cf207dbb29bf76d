package postgres_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/storetest"
)

// The CHECK constraints of the tables a closure flow and a transfer write compare with one array
// constant, not a list of values (migration 00360): PostgreSQL reads every CHECK constraint of a
// table back from its stored text and prepares it at every INSERT and UPDATE, and the list form
// is a node per value (closures' state: 2,533 characters of text, 22 % of an UPDATE's
// instructions against the array's; docs/BENCHMARKS.md session 14). A migration that changes one
// of these lists in the IN form fails this.
func TestHotChecksAreArrayConstants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, "postgres", clock.NewFixed(storetest.Epoch))
	rows, err := db.SQL().QueryContext(ctx, `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype = 'c' AND connamespace = current_schema()::regnamespace
		AND conrelid::regclass::text = ANY ($1) AND pg_get_constraintdef(oid) LIKE '%ARRAY[%'`,
		[]string{"closures", "accounts", "outbox", "otp_codes", "ledger_transactions", "ledger_postings"})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, def string
		if err := rows.Scan(&table, &name, &def); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s.%s lists its values: %s", table, name, def)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND NOT convalidated
		AND connamespace = current_schema()::regnamespace`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d CHECK constraints were left unvalidated", n)
	}
}
