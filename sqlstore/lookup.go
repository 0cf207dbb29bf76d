package sqlstore

import (
	"context"

	"github.com/purse-wallet/purse"
)

func (t *tx) AccountsByLookup(ctx context.Context, hash string) ([]*purse.AccountRecord, error) {
	rows, err := t.query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE `+byLookup+`
		ORDER BY created_at DESC, id DESC LIMIT 20`, hash)
	return scanAll(rows, err, "accounts", scanAccount)
}
