package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertSession(ctx context.Context, s *purse.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (id, token_hash, account_id, created_at, expires_at, revoked_at)
		VALUES (?,?,?,?,?,?)`, s.ID, s.TokenHash, s.AccountID, ts(s.CreatedAt), ts(s.ExpiresAt), ts(s.RevokedAt))
	if err != nil {
		return fmt.Errorf("storage: insert session: %w", t.duplicate(err))
	}
	return nil
}

// selectSession runs on every authenticated request; it is prepared once (see Warm).
const selectSession = `SELECT id, token_hash, account_id, created_at, expires_at, revoked_at
	FROM sessions WHERE token_hash = ? AND revoked_at = 0 AND expires_at > ?`

func (t *tx) SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*purse.Session, error) {
	var s purse.Session
	var created, expires, revoked int64
	err := t.queryRowHot(ctx, selectSession, hash, ts(now)).
		Scan(&s.ID, &s.TokenHash, &s.AccountID, &created, &expires, &revoked)
	if err != nil {
		return nil, t.notFound(err)
	}
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = tm(created), tm(expires), tm(revoked)
	return &s, nil
}

func (t *tx) RevokeSession(ctx context.Context, id string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, ts(now), id)
	if err != nil {
		return fmt.Errorf("storage: revoke session: %w", err)
	}
	return nil
}

func (t *tx) RevokeAccountSessions(ctx context.Context, accountID string, now time.Time) (int, error) {
	res, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at = 0`,
		ts(now), accountID)
	if err != nil {
		return 0, fmt.Errorf("storage: revoke sessions of %s: %w", accountID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (t *tx) RevokeOtherSessions(ctx context.Context, accountID, keepSessionID string, now time.Time) (int, error) {
	res, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND id <> ? AND revoked_at = 0`,
		ts(now), accountID, keepSessionID)
	if err != nil {
		return 0, fmt.Errorf("storage: revoke other sessions of %s: %w", accountID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
