package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// PurgedForRecords locks account rows only (no join), so that FOR UPDATE SKIP LOCKED applies to
// one table on PostgreSQL.

func (t *tx) PurgedForRecords(ctx context.Context, closedBefore time.Time, limit int) ([]*purse.PurgeCandidate, error) {
	return t.candidates(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE status = 'purged' AND closed_at > 0 AND closed_at <= ? AND legal_hold = ?
		AND NOT EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = accounts.id AND s.records_purged_at > 0)`+
		skipFailed("accounts.id")+`
		ORDER BY closed_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, ts(closedBefore), false, purse.JobPurgeRecords, ts(t.now), limit)
}

// serviceTables hold an account's wallet services; the records purge deletes their rows.
var serviceTables = []string{"cards", "coupons", "auto_debits", "credit_lines", "merchant_contracts",
	"linked_accounts", "disputes", "business_flows", "account_flags", "outbox", "records_identity"}

type netKey struct{ owner, book, currency string }

func (t *tx) PurgeRecords(ctx context.Context, accountID string, now time.Time) (int, error) {
	// A transaction may go only when none of its parties still needs it: every account among its
	// posting owners and its initiator is this account or one whose records were purged already.
	// The account's transactions are found through its postings (every movement posts to its
	// initiator's books): there is no index by account_id to find them with (migration 00101).
	rows, err := t.query(ctx, `SELECT t.id FROM ledger_transactions t
		WHERE t.status <> 'pending'
		AND t.id IN (SELECT transaction_id FROM ledger_postings WHERE owner = ?)
		AND (t.account_id = ? OR EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = t.account_id AND s.records_purged_at > 0))
		AND NOT EXISTS (SELECT 1 FROM ledger_postings p JOIN accounts a ON a.id = p.owner
			WHERE p.transaction_id = t.id AND a.id <> ?
			AND NOT EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = a.id AND s.records_purged_at > 0))
		ORDER BY t.id`, accountID, accountID, accountID)
	if err != nil {
		return 0, fmt.Errorf("storage: records of %s: %w", accountID, err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	nets := map[netKey]int64{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",") + ")"
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if err := t.sumPostings(ctx, in, args, nets); err != nil {
			return 0, err
		}
		if _, err := t.exec(ctx, `DELETE FROM ledger_postings WHERE transaction_id IN `+in, args...); err != nil {
			return 0, fmt.Errorf("storage: delete postings: %w", err)
		}
		if _, err := t.exec(ctx, `DELETE FROM ledger_transactions WHERE id IN `+in, args...); err != nil {
			return 0, fmt.Errorf("storage: delete transactions: %w", err)
		}
	}
	if err := t.carry(ctx, accountID, nets, now); err != nil {
		return 0, err
	}
	for _, table := range serviceTables {
		del := t.exec
		if rewrittenTables[table] {
			del = func(ctx context.Context, q string, args ...any) (sql.Result, error) {
				_, err := t.eraseRows(ctx, q, args...)
				return nil, err
			}
		}
		if _, err := del(ctx, `DELETE FROM `+table+` WHERE account_id = ?`, accountID); err != nil {
			return 0, fmt.Errorf("storage: delete %s of %s: %w", table, accountID, err)
		}
	}
	return len(ids), nil
}

func (t *tx) sumPostings(ctx context.Context, in string, args []any, nets map[netKey]int64) error {
	rows, err := t.query(ctx, `SELECT owner, book, currency, SUM(amount) FROM ledger_postings
		WHERE transaction_id IN `+in+` GROUP BY owner, book, currency`, args...)
	if err != nil {
		return fmt.Errorf("storage: sum postings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k netKey
		var sum int64
		if err := rows.Scan(&k.owner, &k.book, &k.currency, &sum); err != nil {
			return err
		}
		nets[k] += sum
	}
	return rows.Err()
}

// carry writes, per currency, one settled transaction whose postings are each owner's net of the
// removed postings: every balance stays what it was and, since each removed transaction summed to
// zero, so does the carried one.
func (t *tx) carry(ctx context.Context, accountID string, nets map[netKey]int64, now time.Time) error {
	byCurrency := map[string][]netKey{}
	for k, v := range nets {
		if v != 0 {
			byCurrency[k.currency] = append(byCurrency[k.currency], k)
		}
	}
	currencies := make([]string, 0, len(byCurrency))
	for c := range byCurrency {
		currencies = append(currencies, c)
	}
	sort.Strings(currencies)
	for _, cur := range currencies {
		keys := byCurrency[cur]
		sort.Slice(keys, func(i, j int) bool {
			return keys[i].owner+"\x00"+keys[i].book < keys[j].owner+"\x00"+keys[j].book
		})
		var in, sum int64
		for _, k := range keys {
			sum += nets[k]
			if nets[k] > 0 {
				in += nets[k]
			}
		}
		if sum != 0 {
			return fmt.Errorf("storage: carried %s of %s sums to %d, not zero", cur, accountID, sum)
		}
		id := purse.NewID()
		if _, err := t.exec(ctx, `INSERT INTO ledger_transactions (id, kind, status, account_id, amount, currency,
			memo, created_at, settled_at) VALUES (?, 'sweep', 'settled', ?, ?, ?, ?, ?, ?)`,
			id, accountID, in, cur, "retention: carried balance of purged records", ts(now), ts(now)); err != nil {
			return fmt.Errorf("storage: insert carried transaction: %w", err)
		}
		for _, k := range keys {
			if _, err := t.exec(ctx, `INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount,
				created_at) VALUES (?,?,?,?,?,?)`, id, k.owner, k.book, k.currency, nets[k], ts(now)); err != nil {
				return fmt.Errorf("storage: insert carried posting: %w", err)
			}
		}
	}
	return nil
}
