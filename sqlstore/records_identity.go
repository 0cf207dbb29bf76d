package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertRecordsIdentities(ctx context.Context, ids []*purse.RecordsIdentity) error {
	for start := 0; start < len(ids); start += maxBatchRows {
		part := ids[start:min(start+maxBatchRows, len(ids))]
		args := make([]any, 0, 5*len(part))
		for _, r := range part {
			args = append(args, r.AccountID, r.Wrapped, r.Sealed, r.Fields, ts(r.CreatedAt))
		}
		if _, err := t.exec(ctx, `INSERT INTO records_identity (account_id, wrapped, identity_sealed, fields, created_at)
			VALUES `+rowsValues(len(part), 5), args...); err != nil {
			return fmt.Errorf("storage: insert records identities: %w", t.duplicate(err))
		}
	}
	return nil
}

func (t *tx) RecordsIdentity(ctx context.Context, accountID string) (*purse.RecordsIdentity, error) {
	r := purse.RecordsIdentity{AccountID: accountID}
	var created int64
	err := t.queryRow(ctx, `SELECT wrapped, identity_sealed, fields, created_at FROM records_identity
		WHERE account_id = ?`, accountID).Scan(&r.Wrapped, &r.Sealed, &r.Fields, &created)
	if err != nil {
		return nil, fmt.Errorf("storage: records identity: %w", t.notFound(err))
	}
	r.CreatedAt = tm(created)
	return &r, nil
}

// rewrapRecordsKey is RewrapDataKey for a records key ("records:<account id>").
func (t *tx) rewrapRecordsKey(ctx context.Context, owner string, old, new []byte) (bool, error) {
	n, err := t.eraseRows(ctx, `UPDATE records_identity SET wrapped = ? WHERE account_id = ? AND wrapped = ?`,
		new, strings.TrimPrefix(owner, purse.RecordsKeyPrefix), old)
	if err != nil {
		return false, fmt.Errorf("storage: rewrap records key: %w", err)
	}
	return n == 1, nil
}
