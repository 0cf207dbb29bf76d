package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// AP-9: phone releases and rebind appeals.

const releaseColumns = `id, phone_hash, account_id, status, code_hash, attempts, code_expires_at, token_hash,
	created_at, due_at, ended_at`

func scanRelease(r interface{ Scan(...any) error }) (*purse.PhoneRelease, error) {
	x := &purse.PhoneRelease{}
	var codeExp, created, due, ended int64
	if err := r.Scan(&x.ID, &x.PhoneHash, &x.AccountID, &x.Status, &x.CodeHash, &x.Attempts, &codeExp,
		&x.TokenHash, &created, &due, &ended); err != nil {
		return nil, err
	}
	x.CodeExpiresAt, x.CreatedAt, x.DueAt, x.EndedAt = tm(codeExp), tm(created), tm(due), tm(ended)
	return x, nil
}

func (t *tx) InsertPhoneRelease(ctx context.Context, r *purse.PhoneRelease) error {
	_, err := t.exec(ctx, `INSERT INTO phone_releases (`+releaseColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.PhoneHash, r.AccountID, r.Status, r.CodeHash, r.Attempts, ts(r.CodeExpiresAt), r.TokenHash,
		ts(r.CreatedAt), ts(r.DueAt), ts(r.EndedAt))
	if err != nil {
		return fmt.Errorf("storage: insert phone release: %w", err)
	}
	return nil
}

func (t *tx) LatestPhoneRelease(ctx context.Context, phoneHash string) (*purse.PhoneRelease, error) {
	r, err := scanRelease(t.queryRow(ctx, `SELECT `+releaseColumns+` FROM phone_releases WHERE phone_hash = ?
		ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`, phoneHash))
	if err != nil {
		return nil, t.notFound(err)
	}
	return r, nil
}

func (t *tx) PhoneReleaseByToken(ctx context.Context, tokenHash string) (*purse.PhoneRelease, error) {
	r, err := scanRelease(t.queryRow(ctx, `SELECT `+releaseColumns+` FROM phone_releases WHERE token_hash = ?`, tokenHash))
	if err != nil {
		return nil, t.notFound(err)
	}
	return r, nil
}

func (t *tx) UpdatePhoneRelease(ctx context.Context, r *purse.PhoneRelease) error {
	if _, err := t.exec(ctx, `UPDATE phone_releases SET status = ?, attempts = ?, token_hash = ?, due_at = ?, ended_at = ?
		WHERE id = ?`, r.Status, r.Attempts, r.TokenHash, ts(r.DueAt), ts(r.EndedAt), r.ID); err != nil {
		return fmt.Errorf("storage: update phone release %s: %w", r.ID, err)
	}
	return nil
}

func (t *tx) releases(ctx context.Context, q string, args ...any) ([]*purse.PhoneRelease, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: phone releases: %w", err)
	}
	defer rows.Close()
	var out []*purse.PhoneRelease
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: phone releases: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) WaitingPhoneReleases(ctx context.Context, accountID string) ([]*purse.PhoneRelease, error) {
	return t.releases(ctx, `SELECT `+releaseColumns+` FROM phone_releases WHERE account_id = ? AND status = 'waiting'
		ORDER BY created_at, id`, accountID)
}

func (t *tx) DuePhoneReleases(ctx context.Context, now time.Time, limit int) ([]*purse.PhoneRelease, error) {
	return t.releases(ctx, `SELECT `+releaseColumns+` FROM phone_releases WHERE status = 'waiting' AND due_at <= ?
		ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, ts(now), limit)
}

const appealColumns = `id, account_id, kind, reason, status, decided_by, decision_reason, created_at, decided_at`

func scanAppeal(r interface{ Scan(...any) error }) (*purse.RebindAppeal, error) {
	a := &purse.RebindAppeal{}
	var created, decided int64
	if err := r.Scan(&a.ID, &a.AccountID, &a.Kind, &a.Reason, &a.Status, &a.DecidedBy, &a.DecisionReason,
		&created, &decided); err != nil {
		return nil, err
	}
	a.CreatedAt, a.DecidedAt = tm(created), tm(decided)
	return a, nil
}

func (t *tx) InsertAppeal(ctx context.Context, a *purse.RebindAppeal) error {
	_, err := t.exec(ctx, `INSERT INTO rebind_appeals (`+appealColumns+`) VALUES (?,?,?,?,?,?,?,?,?)`,
		a.ID, a.AccountID, a.Kind, a.Reason, a.Status, a.DecidedBy, a.DecisionReason, ts(a.CreatedAt), ts(a.DecidedAt))
	if err != nil {
		return fmt.Errorf("storage: insert appeal: %w", err)
	}
	return nil
}

func (t *tx) appeals(ctx context.Context, q string, args ...any) ([]*purse.RebindAppeal, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: appeals: %w", err)
	}
	defer rows.Close()
	var out []*purse.RebindAppeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: appeals: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) AccountAppeals(ctx context.Context, accountID string) ([]*purse.RebindAppeal, error) {
	return t.appeals(ctx, `SELECT `+appealColumns+` FROM rebind_appeals WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
}

func (t *tx) PendingAppeals(ctx context.Context, limit int) ([]*purse.RebindAppeal, error) {
	return t.appeals(ctx, `SELECT `+appealColumns+` FROM rebind_appeals WHERE status = 'pending'
		ORDER BY created_at, id LIMIT ?`, limit)
}

func (t *tx) AppealForUpdate(ctx context.Context, id string) (*purse.RebindAppeal, error) {
	a, err := scanAppeal(t.queryRow(ctx, `SELECT `+appealColumns+` FROM rebind_appeals WHERE id = ? FOR UPDATE`, id))
	if err != nil {
		return nil, t.notFound(err)
	}
	return a, nil
}

func (t *tx) UpdateAppeal(ctx context.Context, a *purse.RebindAppeal) error {
	if _, err := t.exec(ctx, `UPDATE rebind_appeals SET status = ?, decided_by = ?, decision_reason = ?, decided_at = ?
		WHERE id = ?`, a.Status, a.DecidedBy, a.DecisionReason, ts(a.DecidedAt), a.ID); err != nil {
		return fmt.Errorf("storage: update appeal %s: %w", a.ID, err)
	}
	return nil
}
