package bench

import (
	"context"
	"database/sql"
	"sort"
	"strings"
)

// Replan is a statement PostgreSQL kept planning for its values past the first five executions
// on a store's pooled connections more often than it ran its generic plan, summed over the
// connections (pg_prepared_statements).
//
// pgx prepares each statement once per connection; PostgreSQL plans a prepared statement for its
// values five times, then keeps one generic plan unless that plan's estimate is dearer than the
// values' plans were on average. A statement whose generic plan the statistics price high is then
// planned at every execution for good: the admin queue did that from about 300,000 accounts and
// its p50 nearly doubled (issue 19, session 13), growth that timing the query with its values
// written in did not show. `bench scale` lists them at every size so that the next one shows.
type Replan struct {
	Statement string `json:"statement"`     // its first 120 characters, spaces folded
	Custom    int64  `json:"custom_plans"`  // all of them, the first five of each connection's too
	Generic   int64  `json:"generic_plans"` // executions on the generic plan
	Beyond    int64  `json:"replanned"`     // custom plans past each connection's first five
}

// replans reads pg_prepared_statements on every connection the pool holds open and returns the
// statements planned for their values past each connection's first five executions (PostgreSQL
// plans the first five so whatever it does) more often than on their generic plan, the most
// re-planned first. It takes the connections it reads: call it between
// measurements. Nil on SQLite, which keeps no such plans.
func replans(ctx context.Context, db *sql.DB, kind string) ([]Replan, error) {
	if kind != "postgres" {
		return nil, nil
	}
	// Taking as many connections as are open takes the pooled ones (any the pool opens anew has
	// prepared nothing and adds no row).
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range db.Stats().OpenConnections {
		c, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
	}
	sum := map[string]*Replan{}
	for _, c := range conns {
		rows, err := c.QueryContext(ctx, `SELECT statement, custom_plans, generic_plans FROM pg_prepared_statements`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r Replan
			if err := rows.Scan(&r.Statement, &r.Custom, &r.Generic); err != nil {
				rows.Close()
				return nil, err
			}
			key := strings.Join(strings.Fields(r.Statement), " ")
			s := sum[key]
			if s == nil {
				s = &Replan{Statement: key[:min(len(key), 120)]}
				sum[key] = s
			}
			s.Custom += r.Custom
			s.Generic += r.Generic
			s.Beyond += max(r.Custom-5, 0)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []Replan
	for _, s := range sum {
		if s.Beyond > s.Generic {
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Beyond > out[j].Beyond })
	return out, nil
}
