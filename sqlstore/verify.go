package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertCode(ctx context.Context, c *purse.OneTimeCode) error {
	_, err := t.exec(ctx, `INSERT INTO otp_codes (id, account_id, purpose, channel, code_hash, attempts,
		created_at, expires_at, used_at) VALUES (?,?,?,?,?,?,?,?,?)`, c.ID, c.AccountID, c.Purpose,
		string(c.Channel), c.CodeHash, c.Attempts, ts(c.CreatedAt), ts(c.ExpiresAt), ts(c.UsedAt))
	if err != nil {
		return fmt.Errorf("storage: insert code: %w", err)
	}
	return nil
}

// latestCode reads the index otp_codes_latest backwards (migration 00102) and stops at the first.
const latestCode = `SELECT id, code_hash, attempts, created_at, expires_at, used_at FROM otp_codes
	WHERE account_id = ? AND purpose = ? AND channel = ? ORDER BY created_at DESC, id DESC LIMIT 1`

func (t *tx) LatestCode(ctx context.Context, accountID, purpose string, channel purse.Channel) (*purse.OneTimeCode, error) {
	c := &purse.OneTimeCode{AccountID: accountID, Purpose: purpose, Channel: channel}
	var created, expires, used int64
	err := t.queryRow(ctx, latestCode, accountID, purpose, string(channel)).Scan(&c.ID, &c.CodeHash, &c.Attempts, &created, &expires, &used)
	if err != nil {
		return nil, t.notFound(err)
	}
	c.CreatedAt, c.ExpiresAt, c.UsedAt = tm(created), tm(expires), tm(used)
	return c, nil
}

func (t *tx) UpdateCode(ctx context.Context, c *purse.OneTimeCode) error {
	_, err := t.exec(ctx, `UPDATE otp_codes SET attempts = ?, used_at = ? WHERE id = ?`, c.Attempts, ts(c.UsedAt), c.ID)
	if err != nil {
		return fmt.Errorf("storage: update code: %w", err)
	}
	return nil
}

func (t *tx) InsertCaptcha(ctx context.Context, c *purse.Captcha) error {
	_, err := t.exec(ctx, `INSERT INTO captchas (id, account_id, answer_hash, created_at, expires_at, used_at)
		VALUES (?,?,?,?,?,?)`, c.ID, c.AccountID, c.AnswerHash, ts(c.CreatedAt), ts(c.ExpiresAt), ts(c.UsedAt))
	if err != nil {
		return fmt.Errorf("storage: insert captcha: %w", err)
	}
	return nil
}

func (t *tx) TakeCaptcha(ctx context.Context, id string, now time.Time) (*purse.Captcha, error) {
	c := &purse.Captcha{ID: id}
	var created, expires int64
	err := t.queryRow(ctx, `UPDATE captchas SET used_at = ? WHERE id = ? AND used_at = 0
		RETURNING account_id, answer_hash, created_at, expires_at`, ts(now), id).
		Scan(&c.AccountID, &c.AnswerHash, &created, &expires)
	if err != nil {
		return nil, t.notFound(err)
	}
	c.CreatedAt, c.ExpiresAt = tm(created), tm(expires)
	return c, nil
}

func (t *tx) InsertLink(ctx context.Context, l *purse.EmailLink) error {
	_, err := t.exec(ctx, `INSERT INTO email_links (token_hash, account_id, purpose, created_at, expires_at, used_at)
		VALUES (?,?,?,?,?,?)`, l.TokenHash, l.AccountID, l.Purpose, ts(l.CreatedAt), ts(l.ExpiresAt), ts(l.UsedAt))
	if err != nil {
		return fmt.Errorf("storage: insert link: %w", err)
	}
	return nil
}

func (t *tx) TakeLink(ctx context.Context, tokenHash string, now time.Time) (*purse.EmailLink, error) {
	l := &purse.EmailLink{TokenHash: tokenHash}
	var created, expires int64
	err := t.queryRow(ctx, `UPDATE email_links SET used_at = ? WHERE token_hash = ? AND used_at = 0
		RETURNING account_id, purpose, created_at, expires_at`, ts(now), tokenHash).
		Scan(&l.AccountID, &l.Purpose, &created, &expires)
	if err != nil {
		return nil, t.notFound(err)
	}
	l.CreatedAt, l.ExpiresAt = tm(created), tm(expires)
	return l, nil
}

func (t *tx) PurgeVerifications(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for _, table := range []string{"otp_codes", "captchas", "email_links"} {
		res, err := t.exec(ctx, `DELETE FROM `+table+` WHERE expires_at < ?`, ts(before))
		if err != nil {
			return total, fmt.Errorf("storage: purge %s: %w", table, err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}
