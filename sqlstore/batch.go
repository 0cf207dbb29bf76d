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

// chunks calls f on consecutive slices of ids of at most maxBatchRows, with the ids as arguments.
func chunks(ids []string, f func(in string, args []any) error) error {
	for start := 0; start < len(ids); start += maxBatchRows {
		part := ids[start:min(start+maxBatchRows, len(ids))]
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
