package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// A linked account's external id is the person's id on the other platform: it is sealed under the
// account's data key (external_sealed), so that the purge's key destruction shreds it, and its
// keyed hash (external_hash) keeps a live link unique. The clear column external_id is written
// empty (migration 00221).
const linkColumns = `id, account_id, platform, external_sealed, webhook_url, status, created_at, ended_at`

const fieldExternal = "linked_accounts.external_id"

func (t *tx) InsertLinkedAccount(ctx context.Context, l *purse.LinkedAccount) error {
	keys, err := t.keysOf(ctx, []string{l.AccountID})
	if err != nil {
		return fmt.Errorf("storage: insert linked account: %w", err)
	}
	sealed, err := keys.seal(l.AccountID, fieldExternal, []byte(l.ExternalID))
	if err != nil {
		return fmt.Errorf("storage: insert linked account: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO linked_accounts (`+linkColumns+`, external_hash, external_id)
		VALUES (?,?,?,?,?,?,?,?,?,'')`, l.ID, l.AccountID, l.Platform, sealed, l.WebhookURL, l.Status,
		ts(l.CreatedAt), ts(l.EndedAt), keys.sealer.Lookup("linked:"+l.Platform, l.ExternalID))
	if err != nil {
		return fmt.Errorf("storage: insert linked account: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) LinkedAccounts(ctx context.Context, accountID string) ([]*purse.LinkedAccount, error) {
	rows, err := t.query(ctx, `SELECT `+linkColumns+` FROM linked_accounts WHERE account_id = ?
		ORDER BY created_at DESC, id DESC`, accountID)
	links, err := scanAll(rows, err, "linked accounts", scanLink)
	if err != nil {
		return nil, err
	}
	return links, t.openLinks(ctx, accountID, links)
}

func (t *tx) LinkedAccount(ctx context.Context, accountID, id string) (*purse.LinkedAccount, error) {
	l, err := scanOne(t, t.queryRow(ctx, `SELECT `+linkColumns+` FROM linked_accounts WHERE id = ? AND account_id = ?`,
		id, accountID), scanLink)
	if err != nil {
		return nil, err
	}
	return l, t.openLinks(ctx, accountID, []*purse.LinkedAccount{l})
}

func (t *tx) EndLinkedAccount(ctx context.Context, accountID, id string, now time.Time) error {
	return t.endItem(ctx, linkEnd, accountID, id, now)
}

// scanLink reads a link with its external id still sealed; openLinks opens it.
func scanLink(row interface{ Scan(...any) error }) (*purse.LinkedAccount, error) {
	var l purse.LinkedAccount
	var created, ended int64
	var sealed []byte
	if err := row.Scan(&l.ID, &l.AccountID, &l.Platform, &sealed, &l.WebhookURL, &l.Status, &created, &ended); err != nil {
		return nil, err
	}
	l.ExternalID = string(sealed)
	l.CreatedAt, l.EndedAt = tm(created), tm(ended)
	return &l, nil
}

// openLinks opens the external ids of one account's links; after the purge there is nothing to
// open and they stay empty.
func (t *tx) openLinks(ctx context.Context, accountID string, links []*purse.LinkedAccount) error {
	if len(links) == 0 {
		return nil // no data key to read: the rights page of most accounts lists none (issue 19)
	}
	keys, err := t.keysOf(ctx, []string{accountID})
	if err != nil {
		return err
	}
	for _, l := range links {
		if w, ok := keys.wrapped[accountID]; ok && w == nil {
			l.ExternalID = ""
			continue
		}
		b, err := keys.open(accountID, fieldExternal, []byte(l.ExternalID))
		if err != nil {
			return fmt.Errorf("storage: linked account %s: %w", l.ID, err)
		}
		l.ExternalID = string(b)
	}
	return nil
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
