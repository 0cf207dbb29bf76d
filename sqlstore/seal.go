package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/purse-wallet/purse"
)

// UseSealer gives the store the vault it seals the outbox and linked accounts' external ids with
// (purse.Sealer). It is set once, before the store is used; a store without one refuses to write
// or read those values rather than keep them in clear.
func (db *DB) UseSealer(s purse.Sealer) { db.sealer = s }

var errNoSealer = errors.New("storage: no sealer: personal data is never stored in clear (UseSealer)")

// keyring is the wrapped data keys of the accounts a statement writes or reads sealed values of.
// An account without a data key row (none was ever made for it) seals under the master key's
// outbox key, like a message of no account; a destroyed key (nil) seals nothing and opens nothing.
type keyring struct {
	sealer  purse.Sealer
	wrapped map[string][]byte
}

// keysOf reads the wrapped data keys of the accounts, in one statement.
func (t *tx) keysOf(ctx context.Context, accountIDs []string) (*keyring, error) {
	if t.db.sealer == nil {
		return nil, errNoSealer
	}
	k := &keyring{sealer: t.db.sealer, wrapped: map[string][]byte{}}
	seen := map[string]bool{"": true}
	var ids []string
	for _, id := range accountIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if dk, ok := t.keys[id]; ok {
			if dk != nil {
				k.wrapped[id] = dk.Wrapped
			}
			continue
		}
		ids = append(ids, id)
	}
	err := chunksOf(partitionBatchRows, ids, func(in string, args []any) error {
		rows, err := t.query(ctx, dataKeysIn(in, len(args)), args...)
		if err != nil {
			return fmt.Errorf("storage: data keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			dk := &purse.DataKey{}
			var created, destroyed int64
			if err := rows.Scan(&dk.AccountID, &dk.Wrapped, &created, &destroyed); err != nil {
				return err
			}
			dk.CreatedAt, dk.DestroyedAt = tm(created), tm(destroyed)
			k.wrapped[dk.AccountID] = dk.Wrapped
			t.keep(dk)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, ok := k.wrapped[id]; !ok {
			t.keepNone(id)
		}
	}
	return k, nil
}

// keep remembers a data key row read in this transaction: a step reads an account's key to open
// its contact data and again to seal the message it sends (issue 19: one read instead of two or
// three per step). Every write of data_keys in the transaction forgets them all.
func (t *tx) keep(k *purse.DataKey) {
	if t.keys == nil {
		t.keys = map[string]*purse.DataKey{}
	}
	t.keys[k.AccountID] = k
}

// keepNone remembers that the account has no data key row.
func (t *tx) keepNone(accountID string) {
	if t.keys == nil {
		t.keys = map[string]*purse.DataKey{}
	}
	t.keys[accountID] = nil
}

// owner is the account id a value of the account is sealed for: "" (the master key's outbox key)
// when the account has no data key row.
func (k *keyring) owner(accountID string) string {
	if _, ok := k.wrapped[accountID]; ok {
		return accountID
	}
	return ""
}

func (k *keyring) seal(accountID, field string, plaintext []byte) ([]byte, error) {
	if len(plaintext) == 0 {
		return nil, nil
	}
	owner := k.owner(accountID)
	return k.sealer.SealFor(owner, k.wrapped[owner], field, plaintext)
}

func (k *keyring) open(accountID, field string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	owner := k.owner(accountID)
	b, err := k.sealer.OpenFor(owner, k.wrapped[owner], field, sealed)
	if err != nil && owner != "" {
		// Sealed before the account had a data key, under the master key's outbox key.
		if b, again := k.sealer.OpenFor("", nil, field, sealed); again == nil {
			return b, nil
		}
	}
	return b, err
}

// dataKeysIn reads the data keys of n accounts, in (a placeholder list of n). One row at most per
// id: the limit lets PostgreSQL cache the plan (see oneRow).
func dataKeysIn(in string, n int) string {
	return `SELECT account_id, wrapped, created_at, destroyed_at FROM data_keys WHERE account_id IN ` + in +
		` LIMIT ` + strconv.Itoa(n)
}
