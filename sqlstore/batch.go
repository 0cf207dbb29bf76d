package sqlstore

import "strings"

// maxBatchRows bounds the rows one set-based statement names, so that a statement stays well under
// both engines' limits on bound parameters (SQLite 32,766, PostgreSQL 65,535) whatever the
// caller's batch size.
const maxBatchRows = 500

// inList is "(?,?,…)" with n placeholders.
func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
}

// partitionBatchRows bounds the ids a statement on a partitioned table (sqlstore/scrub.go's
// rewrittenTables, on PostgreSQL) names. Every partition is given the whole list, and the planner
// estimates each to hold one row per id: with 500 ids it took each partition of 19,000 rows (16
// of 300,000 accounts) for a fortieth read, and scanned them all, and accounts with them through
// a hash join, where 50 ids probe the indexes (issue 19 session 10, EXPLAIN ANALYZE).
const partitionBatchRows = 50

// chunks calls f on consecutive slices of ids of at most maxBatchRows, with the ids as arguments.
func chunks(ids []string, f func(in string, args []any) error) error {
	return chunksOf(maxBatchRows, ids, f)
}

// chunksOf is chunks with slices of at most n ids.
func chunksOf(n int, ids []string, f func(in string, args []any) error) error {
	for start := 0; start < len(ids); start += n {
		part := ids[start:min(start+n, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		if err := f(inList(len(part)), args); err != nil {
			return err
		}
	}
	return nil
}

// rowsValues is "(?,…),(?,…),…": rows tuples of cols placeholders, for a multi-row INSERT.
func rowsValues(rows, cols int) string {
	one := inList(cols)
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}
