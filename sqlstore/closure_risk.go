package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// closureRisk reads TP-5's account signals in one statement instead of the two-step row and the
// bound cards in one each (issue 19): every closure start of a risky-SMS policy reads them.
const closureRisk = `SELECT
	COALESCE((SELECT password_changed_at FROM two_step WHERE account_id = ?), 0),
	COALESCE((SELECT MAX(created_at) FROM cards WHERE account_id = ? AND status = 'bound'), 0)`

func (t *tx) ClosureRisk(ctx context.Context, accountID string) (time.Time, time.Time, error) {
	var changed, bound int64
	if err := t.queryRow(ctx, closureRisk, accountID, accountID).Scan(&changed, &bound); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("storage: closure risk of %s: %w", accountID, err)
	}
	return tm(changed), tm(bound), nil
}
