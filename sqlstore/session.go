package sqlstore

import (
	"context"
	"fmt"
	"strings"
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
	t.sessionChanged(id)
	return nil
}

func (t *tx) RevokeAccountSessions(ctx context.Context, accountID string, now time.Time) (int, error) {
	res, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at = 0`,
		ts(now), accountID)
	if err != nil {
		return 0, fmt.Errorf("storage: revoke sessions of %s: %w", accountID, err)
	}
	t.accountChanged(accountID)
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (t *tx) RevokeOtherSessions(ctx context.Context, accountID, keepSessionID string, now time.Time) (int, error) {
	res, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND id <> ? AND revoked_at = 0`,
		ts(now), accountID, keepSessionID)
	if err != nil {
		return 0, fmt.Errorf("storage: revoke other sessions of %s: %w", accountID, err)
	}
	t.accountChanged(accountID)
	n, _ := res.RowsAffected()
	return int(n), nil
}

// selectSessionAccount is the session lookup of every authenticated request with its account, in one
// statement: one round trip on PostgreSQL instead of two. Prepared once on SQLite (see Warm).
var selectSessionAccount = `SELECT s.id, s.created_at, s.expires_at, ` + accountColumnsOf("a") + `
	FROM sessions s JOIN accounts a ON a.id = s.account_id
	WHERE s.token_hash = ? AND s.revoked_at = 0 AND s.expires_at > ?`

func (t *tx) SessionAccount(ctx context.Context, hash string, now time.Time) (*purse.Session, *purse.AccountRecord, error) {
	s := purse.Session{TokenHash: hash}
	var created, expires int64
	a, err := scanAccount(spliceScanner{row: t.queryRowHot(ctx, selectSessionAccount, hash, ts(now)),
		before: []any{&s.ID, &created, &expires}})
	if err != nil {
		return nil, nil, t.notFound(err)
	}
	s.AccountID, s.CreatedAt, s.ExpiresAt = a.ID, tm(created), tm(expires)
	return &s, a, nil
}

// spliceScanner scans a row that holds more than the caller scans: before and after take the
// columns either side of the caller's destinations.
type spliceScanner struct {
	row           interface{ Scan(...any) error }
	before, after []any
}

func (s spliceScanner) Scan(dest ...any) error {
	all := make([]any, 0, len(s.before)+len(dest)+len(s.after))
	return s.row.Scan(append(append(append(all, s.before...), dest...), s.after...)...)
}

// prefixed qualifies each column of a comma-separated list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
