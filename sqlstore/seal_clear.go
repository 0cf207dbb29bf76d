package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/purse-wallet/purse"
)

// SealClearRows seals what an older purse kept in clear, which the SQL migrations could not (the
// master key is not theirs): the recipients and contents of the outbox's messages, linked
// accounts' external ids and transfer memos (migrations 00220, 00221 and 00223). It runs when purse starts, after UseSealer,
// in transactions of 500 rows, and returns how many rows it sealed; on a store written by this
// purse it finds nothing, at the cost of one scan of the outbox (30 days of messages at most) and
// of linked_accounts. The clear copies it replaces stay in dead row
// versions until the next scrub (Scrub), which it runs when it sealed anything.
func (db *DB) SealClearRows(ctx context.Context) (int, error) {
	if db.sealer == nil {
		return 0, errNoSealer
	}
	total := 0
	for _, step := range []func(context.Context, *tx) (int, error){sealClearMessages, sealClearLinks, sealClearMemos} {
		for {
			var n int
			err := db.Tx(ctx, func(ptx purse.Tx) error {
				var err error
				n, err = step(ctx, ptx.(*tx))
				return err
			})
			if err != nil {
				return total, fmt.Errorf("storage: seal clear rows: %w", err)
			}
			total += n
			if n < sealClearBatch {
				break
			}
		}
	}
	if total > 0 {
		return total, db.Scrub(ctx)
	}
	return total, nil
}

const sealClearBatch = 500

func sealClearMessages(ctx context.Context, t *tx) (int, error) {
	type clear struct {
		id, account, to, subject, body, data string
	}
	rows, err := t.query(ctx, `SELECT id, account_id, recipient, subject, body, data FROM outbox
		WHERE recipient <> '' OR body <> '' LIMIT ?`, sealClearBatch)
	if err != nil {
		return 0, err
	}
	var found []clear
	var accounts []string
	for rows.Next() {
		var c clear
		if err := rows.Scan(&c.id, &c.account, &c.to, &c.subject, &c.body, &c.data); err != nil {
			rows.Close()
			return 0, err
		}
		found, accounts = append(found, c), append(accounts, c.account)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	keys, err := t.keysOf(ctx, accounts)
	if err != nil {
		return 0, err
	}
	for _, c := range found {
		m := &purse.Message{AccountID: c.account, To: c.to, Subject: c.subject, Body: c.body}
		_ = json.Unmarshal([]byte(c.data), &m.Data)
		var to, content []byte
		if w, ok := keys.wrapped[c.account]; !ok || w != nil {
			if to, content, err = sealMessage(keys, m); err != nil {
				return 0, fmt.Errorf("message %s: %w", c.id, err)
			}
		}
		// A message of an account whose key is destroyed is only emptied: nothing may be sealed
		// for it, and the purge wanted it gone.
		_, err := t.exec(ctx, `UPDATE outbox SET recipient_sealed = ?, content_sealed = ?, recipient_hash = ?,
			recipient = '', subject = '', body = '', data = '{}' WHERE id = ?`,
			to, content, keys.sealer.Lookup("recipient", c.to), c.id)
		if err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

func sealClearLinks(ctx context.Context, t *tx) (int, error) {
	type clear struct{ id, account, platform, external string }
	rows, err := t.query(ctx, `SELECT id, account_id, platform, external_id FROM linked_accounts
		WHERE external_id <> '' LIMIT ?`, sealClearBatch)
	if err != nil {
		return 0, err
	}
	var found []clear
	var accounts []string
	for rows.Next() {
		var c clear
		if err := rows.Scan(&c.id, &c.account, &c.platform, &c.external); err != nil {
			rows.Close()
			return 0, err
		}
		found, accounts = append(found, c), append(accounts, c.account)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	keys, err := t.keysOf(ctx, accounts)
	if err != nil {
		return 0, err
	}
	for _, c := range found {
		var sealed []byte
		if w, ok := keys.wrapped[c.account]; !ok || w != nil {
			if sealed, err = keys.seal(c.account, fieldExternal, []byte(c.external)); err != nil {
				return 0, fmt.Errorf("linked account %s: %w", c.id, err)
			}
		}
		_, err := t.exec(ctx, `UPDATE linked_accounts SET external_sealed = ?, external_hash = ?, external_id = ''
			WHERE id = ?`, sealed, keys.sealer.Lookup("linked:"+c.platform, c.external), c.id)
		if err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

// sealClearMemos seals the clear memos of transactions with a person among their parties (one
// with a data key row; a purged party's memo is only emptied), found through the partial index
// ledger_transactions_memo_clear. Memos of no person stay clear, and are not found again.
func sealClearMemos(ctx context.Context, t *tx) (int, error) {
	rows, err := t.query(ctx, `SELECT `+ledgerTxColumns+` FROM ledger_transactions l WHERE memo <> ''
		AND (EXISTS (SELECT 1 FROM data_keys WHERE account_id = l.account_id)
			OR EXISTS (SELECT 1 FROM data_keys WHERE account_id = l.counterparty)) LIMIT ?`, sealClearBatch)
	if err != nil {
		return 0, err
	}
	var found []*purse.LedgerTransaction
	for rows.Next() {
		var memo sealedMemo
		l, err := scanLedgerTx(rows, &memo)
		if err != nil {
			rows.Close()
			return 0, err
		}
		found = append(found, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	memos, err := t.sealedMemos(ctx, found)
	if err != nil {
		return 0, err
	}
	for i, l := range found {
		if _, err := t.exec(ctx, `UPDATE ledger_transactions SET memo = '', memo_sealed = ?, memo_counter_sealed = ?
			WHERE id = ?`, memos[i][1], memos[i][2], l.ID); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}
