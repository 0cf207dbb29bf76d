package sqlstore

import (
	"context"
	"fmt"
)

// OperatorNames reads the operators table whole: it holds a support team, not customers.
func (t *tx) OperatorNames(ctx context.Context) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT id, username FROM operators`)
	if err != nil {
		return nil, fmt.Errorf("storage: list operator names: %w", err)
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("storage: list operator names: %w", err)
		}
		names[id] = name
	}
	return names, rows.Err()
}
