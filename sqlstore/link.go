package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

const linkColumns = `id, account_id, platform, external_id, webhook_url, status, created_at, ended_at`

func (t *tx) InsertLinkedAccount(ctx context.Context, l *purse.LinkedAccount) error {
	_, err := t.exec(ctx, `INSERT INTO linked_accounts (`+linkColumns+`) VALUES (?,?,?,?,?,?,?,?)`,
		l.ID, l.AccountID, l.Platform, l.ExternalID, l.WebhookURL, l.Status, ts(l.CreatedAt), ts(l.EndedAt))
	if err != nil {
		return fmt.Errorf("storage: insert linked account: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) LinkedAccounts(ctx context.Context, accountID string) ([]*purse.LinkedAccount, error) {
	rows, err := t.query(ctx, `SELECT `+linkColumns+` FROM linked_accounts WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	return scanAll(rows, err, "linked accounts", scanLink)
}

func (t *tx) LinkedAccount(ctx context.Context, accountID, id string) (*purse.LinkedAccount, error) {
	return scanOne(t, t.queryRow(ctx, `SELECT `+linkColumns+` FROM linked_accounts WHERE id = ? AND account_id = ?`,
		id, accountID), scanLink)
}

func (t *tx) EndLinkedAccount(ctx context.Context, accountID, id string, now time.Time) error {
	return t.endItem(ctx, "linked_accounts", "linked", "unlinked", accountID, id, now)
}

func scanLink(row interface{ Scan(...any) error }) (*purse.LinkedAccount, error) {
	var l purse.LinkedAccount
	var created, ended int64
	if err := row.Scan(&l.ID, &l.AccountID, &l.Platform, &l.ExternalID, &l.WebhookURL, &l.Status, &created, &ended); err != nil {
		return nil, err
	}
	l.CreatedAt, l.EndedAt = tm(created), tm(ended)
	return &l, nil
}

func (t *tx) SetPlatform(ctx context.Context, p *purse.Platform) error {
	_, err := t.exec(ctx, `INSERT INTO platforms (name, webhook_url, updated_at) VALUES (?,?,?)
		ON CONFLICT (name) DO UPDATE SET webhook_url = excluded.webhook_url, updated_at = excluded.updated_at`,
		p.Name, p.WebhookURL, ts(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("storage: set platform %s: %w", p.Name, err)
	}
	return nil
}

func (t *tx) Platform(ctx context.Context, name string) (*purse.Platform, error) {
	var p purse.Platform
	var updated int64
	err := t.queryRow(ctx, `SELECT name, webhook_url, updated_at FROM platforms WHERE name = ?`, name).
		Scan(&p.Name, &p.WebhookURL, &updated)
	if err != nil {
		return nil, t.notFound(err)
	}
	p.UpdatedAt = tm(updated)
	return &p, nil
}
