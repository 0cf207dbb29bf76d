package sqlstore

import (
	"context"
	"fmt"
	"time"
)

func (t *tx) RevokeOperatorToken(ctx context.Context, tokenHash string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE operator_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at = 0`,
		ts(now), tokenHash)
	if err != nil {
		return fmt.Errorf("storage: revoke operator token: %w", err)
	}
	return nil
}
