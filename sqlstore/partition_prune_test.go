package sqlstore_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The hot reads by account id start one partition of each partitioned table they read, on the
// cached plan a pooled connection settles on (issue 19 session 11). pgx prepares every statement
// once per connection, and PostgreSQL 15 runs a generic plan after five executions: its partitions
// are pruned when the executor starts only where the partition key is compared with a parameter;
// compared with another table's column, every partition's scan is set up at every execution.
func TestHotReadsStartOnePartition(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "postgres", clock.NewFixed(time.Unix(1_700_000_000, 0)))
	ctx := context.Background()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "RESET plan_cache_mode")
	partition := regexp.MustCompile(`\b(account_lookups|business_flows)_p\d\d\b`)
	for i, c := range []struct {
		name, q string
		tables  []string // the partitioned tables the statement reads
	}{
		{"account", sqlstore.AccountQuery, []string{"account_lookups"}},
		{"eligibility facts", sqlstore.EligibilityFactsQuery, []string{"account_lookups", "business_flows"}},
	} {
		name := "hot" + strconv.Itoa(i)
		if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+numbered(c.q)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// Every argument as '0': PostgreSQL gives each the type its comparison asks for.
		args := strings.TrimSuffix(strings.Repeat("'0',", strings.Count(c.q, "?")), ",")
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
		if _, err := conn.ExecContext(ctx, "DEALLOCATE "+name); err != nil {
			t.Fatal(err)
		}
	}
}

// numbered turns a statement's ? placeholders into PostgreSQL's $1, $2, …
func numbered(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
