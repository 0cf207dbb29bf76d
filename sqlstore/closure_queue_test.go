package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The admin closure queue reads each open state's first page from closures_state_deadline in
// deadline order and merges only those pages (issue 19): with one "state IN (…) ORDER BY
// deadline" each page read and sorted every open request, 8.8 × slower at 200,000 accounts than
// at 10,000. On PostgreSQL the plan is asked with sequential scans and sorts priced out, so that
// it shows whether the index serves each page's order (on an empty table the planner would
// rightly pick a scan).
func TestAdminClosureQueueWalksItsIndex(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if db.Dialect() == "postgres" {
			for _, set := range []string{"SET enable_seqscan = off", "SET enable_sort = off"} {
				if _, err := conn.ExecContext(ctx, set); err != nil {
					t.Fatal(err)
				}
			}
			defer conn.ExecContext(ctx, "RESET ALL")
		}
		all := planOf(t, conn, db.Dialect(), sqlstore.OpenClosuresQuery)
		if strings.Count(all, "closures_state_deadline") < 8 {
			t.Errorf("the queue's plan does not read each state's page from closures_state_deadline:\n%s", all)
		}
		if strings.Contains(all, "SCAN closures") || strings.Contains(all, "Seq Scan") {
			t.Errorf("the queue's plan scans the table:\n%s", all)
		}
	})
}

// PostgreSQL plans the admin queue once per connection and keeps the plan (issue 19, session 13).
// With the states and the page size as parameters, its generic plan assumed a tenth of each
// state's rows under an unknown LIMIT, and from a few thousand requests on the server judged it
// too dear and planned every execution anew: most of the query's time at 300,000 accounts, and
// the queue's p50 1.8 × that of 10,000 accounts. Here ten executions on one connection show in
// pg_prepared_statements how they were planned: a statement with parameters is planned anew at
// least for its first five, whatever the data.
func TestAdminClosureQueueKeepsItsPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, "postgres", clock.NewFixed(storetest.Epoch))
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := sqlstore.Numbered(sqlstore.OpenClosuresQuery)
	for range 10 {
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	var generic, custom int
	if err := conn.QueryRowContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements
		WHERE statement = $1`, q).Scan(&generic, &custom); err != nil {
		t.Fatalf("the queue's statement among the connection's prepared ones: %v", err)
	}
	if custom != 0 || generic != 10 {
		t.Errorf("ten executions of the queue: %d planned anew, %d on the kept plan; want 0 and 10", custom, generic)
	}
}
