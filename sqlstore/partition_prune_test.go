package sqlstore_test

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The hot reads by account id start one partition of each partitioned table they read, and the
// eligibility statement one aggregate for its counts, on the cached plan a pooled connection
// settles on (issue 19 session 11). pgx prepares every statement once per connection, and
// PostgreSQL 15 runs a generic plan after five executions: its partitions are pruned when the
// executor starts only where the partition key is compared with a parameter; compared with
// another table's column, every partition's scan is set up at every execution, as is every
// aggregate node.
func TestHotReadsStartOnePartition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, conn := pinnedConn(t)
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "RESET plan_cache_mode")
	partition := regexp.MustCompile(`\b(account_lookups|business_flows)_p\d\d\b`)
	for i, c := range []struct {
		name, q    string
		tables     []string // the partitioned tables the statement reads
		aggregates int      // the plan's aggregate nodes, each set up at every execution
	}{
		{"account", sqlstore.AccountQuery, []string{"account_lookups"}, 0},
		{"account for update", sqlstore.AccountForUpdateQuery, []string{"account_lookups"}, 0},
		// One for the counts, one for the books (eligibility.go).
		{"eligibility facts", sqlstore.EligibilityFactsQuery, []string{"account_lookups", "business_flows"}, 2},
	} {
		q := c.q
		name := "hot" + strconv.Itoa(i)
		if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+storetest.Numbered(q)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// Every argument as '0': PostgreSQL gives each the type its comparison asks for.
		args := strings.TrimSuffix(strings.Repeat("'0',", strings.Count(q, "?")), ",")
		rows, err := conn.QueryContext(ctx, "EXPLAIN (COSTS OFF) EXECUTE "+name+"("+args+")")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		started := map[string]map[string]bool{}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
			for _, m := range partition.FindAllStringSubmatch(line, -1) {
				if started[m[1]] == nil {
					started[m[1]] = map[string]bool{}
				}
				started[m[1]][m[0]] = true
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		for _, table := range c.tables {
			if n := len(started[table]); n != 1 {
				t.Errorf("%s: the generic plan starts %d partitions of %s, want 1:\n%s", c.name, n, table,
					strings.Join(plan, "\n"))
			}
		}
		if n := strings.Count(strings.Join(plan, "\n"), "Aggregate"); n != c.aggregates {
			t.Errorf("%s: the generic plan has %d aggregates, want %d:\n%s", c.name, n, c.aggregates, strings.Join(plan, "\n"))
		}
		if _, err := conn.ExecContext(ctx, "DEALLOCATE "+name); err != nil {
			t.Fatal(err)
		}
	}
}

// The reads by id find every account's hashes and pending business, whatever partitions of
// account_lookups and business_flows its rows are in on PostgreSQL: the lookup row is found by a
// parameter (accountColumnsByID) and the counts by the union of their rows.
func TestReadsByIDFindEveryPartition(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		var ids []string
		for i := range 48 { // three accounts a partition on average: every partition, most likely
			id := insertAccount(t, db, "h-part-"+strconv.Itoa(i))
			err := db.Tx(ctx, func(tx purse.Tx) error {
				return tx.InsertBusinessFlow(ctx, &purse.BusinessFlow{ID: purse.NewID(), AccountID: id,
					Kind: purse.BusinessPhoneChange, Status: "pending", CreatedAt: tx.Now(),
					ExpiresAt: tx.Now().Add(time.Hour), ByHolder: true})
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for i, id := range ids {
			want := "h-part-" + strconv.Itoa(i)
			err := db.Read(ctx, func(tx purse.Tx) error {
				a, err := tx.Account(ctx, id)
				if err != nil {
					return err
				}
				f, err := tx.EligibilityFacts(ctx, id, tx.Now())
				if err != nil {
					return err
				}
				if a.PhoneHash != want || f.Account.PhoneHash != want || f.PendingBusiness != 1 {
					t.Errorf("account %s: read hash %q, facts' %q and %d pending business; want %q and 1",
						id, a.PhoneHash, f.Account.PhoneHash, f.PendingBusiness, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = db.Tx(ctx, func(tx purse.Tx) error {
				a, err := tx.AccountForUpdate(ctx, id)
				if err == nil && a.PhoneHash != want {
					t.Errorf("account %s for update: hash %q, want %q", id, a.PhoneHash, want)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// The reads by a partitioned table's key settle on a cached plan that starts one partition, on
// their own (issue 19 session 12). PostgreSQL 15 plans a prepared statement's first five
// executions for their values, then keeps the generic plan only if its estimate is no worse: a
// read by account_id = $1 of a hash-partitioned table never was (the custom plan prunes to one
// partition when planned), so every execution was planned again. sqlstore's oneRow makes them
// settle; the closure steps' first read finds its lookup row by a parameter too.
func TestPartitionReadsSettleOnACachedPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, conn := pinnedConn(t)
	// Rows in every partition, and their statistics, as a live store has them: on empty tables
	// never analysed the estimates do not tell the plans apart.
	for i := range 160 {
		id := insertAccount(t, db, "h-settle-"+strconv.Itoa(i))
		err := db.Tx(ctx, func(tx purse.Tx) error {
			return tx.InsertDataKey(ctx, &purse.DataKey{AccountID: id, Wrapped: []byte("wrapped"), CreatedAt: tx.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, "ANALYZE accounts, account_lookups, data_keys, closures"); err != nil {
		t.Fatal(err)
	}
	partition := regexp.MustCompile(`\b(account_lookups|data_keys)_p\d\d\b`)
	for i, c := range []struct{ name, q string }{
		{"account", sqlstore.AccountQuery},
		{"account for update", sqlstore.AccountForUpdateQuery},
		{"data key", sqlstore.DataKeyQuery},
		{"an account's stored lookups", sqlstore.StoredLookupsQuery},
		{"data keys of one account", sqlstore.DataKeysQuery},
		{"closure step's request and account", sqlstore.ClosureAccountQuery},
		{"closure step's request and account, both locked", sqlstore.ClosureBothQuery},
	} {
		name := "settle" + strconv.Itoa(i)
		if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+storetest.Numbered(c.q)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		args := strings.TrimSuffix(strings.Repeat("'0',", strings.Count(c.q, "?")), ",")
		for range 7 {
			if _, err := conn.ExecContext(ctx, "EXECUTE "+name+"("+args+")"); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		var generic, custom int
		if err := conn.QueryRowContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1`,
			name).Scan(&generic, &custom); err != nil {
			t.Fatal(err)
		}
		if generic == 0 {
			t.Errorf("%s: planned for its values at each of 7 executions (%d custom plans, no generic one)", c.name, custom)
		}
		rows, err := conn.QueryContext(ctx, "EXPLAIN (COSTS OFF) EXECUTE "+name+"("+args+")")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		started := map[string]bool{}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
			for _, m := range partition.FindAllString(line, -1) {
				started[m] = true
			}
		}
		rows.Close()
		if len(started) > 2 { // one of data_keys or account_lookups, or one of each
			t.Errorf("%s: the cached plan starts %d partitions:\n%s", c.name, len(started), strings.Join(plan, "\n"))
		}
		if _, err := conn.ExecContext(ctx, "DEALLOCATE "+name); err != nil {
			t.Fatal(err)
		}
	}
}

// pinnedConn opens a PostgreSQL test store and one connection of its pool, closed with the test,
// so that a test's settings and prepared statements stay on the connection it reads.
func pinnedConn(t *testing.T) (*sqlstore.DB, *sql.Conn) {
	t.Helper()
	db := storetest.Open(t, "postgres", clock.NewFixed(time.Unix(1_700_000_000, 0)))
	conn, err := db.SQL().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return db, conn
}
