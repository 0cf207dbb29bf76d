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
		var args []any
		for _, st := range []string{"started", "agreement", "eligibility", "rights", "verification", "email_confirmation", "review", "cooling_off"} {
			args = append(args, st, 50)
		}
		args = append(args, 50)
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
		all := planOf(t, conn, db.Dialect(), sqlstore.OpenClosuresQuery, args...)
		if strings.Count(all, "closures_state_deadline") < 8 {
			t.Errorf("the queue's plan does not read each state's page from closures_state_deadline:\n%s", all)
		}
		if strings.Contains(all, "SCAN closures") || strings.Contains(all, "Seq Scan") {
			t.Errorf("the queue's plan scans the table:\n%s", all)
		}
	})
}
