package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// The candidate queries lock account rows only (no join), so that FOR UPDATE SKIP LOCKED applies
// to one table on PostgreSQL and the clause can be dropped as a whole on SQLite.

func (t *tx) ClosedForPurge(ctx context.Context, closedBefore, noticedAfter time.Time, limit int) ([]*purse.PurgeCandidate, error) {
	cands, err := t.candidates(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE status = 'closed' AND closed_at > 0 AND closed_at <= ? AND legal_hold = ?
		AND NOT EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = accounts.id AND s.noticed_at > ?
			AND EXISTS (SELECT 1 FROM outbox o WHERE o.id = s.notice_id AND o.status = 'pending'))
		ORDER BY closed_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, ts(closedBefore), false, ts(noticedAfter), limit)
	if err != nil {
		return nil, err
	}
	// The notice step writes purge_state and the outbox but not the account row. On PostgreSQL
	// (READ COMMITTED) a claim whose snapshot predates another worker's commit can still lock
	// that worker's accounts once it released them, and the NOT EXISTS above was judged on the old
	// snapshot. The purge states were read after the lock, by statements that see every commit
	// before them, so the check is made again on them.
	out := cands[:0]
	for _, c := range cands {
		if c.State.NoticeID != "" && c.State.ErasedAt.IsZero() && c.State.NoticedAt.After(noticedAfter) {
			status, err := t.MessageStatus(ctx, c.State.NoticeID)
			if err != nil && err != purse.ErrNotFound {
				return nil, err
			}
			if status == "pending" {
				continue
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func (t *tx) PurgedForRecords(ctx context.Context, closedBefore time.Time, limit int) ([]*purse.PurgeCandidate, error) {
	return t.candidates(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE status = 'purged' AND closed_at > 0 AND closed_at <= ? AND legal_hold = ?
		AND NOT EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = accounts.id AND s.records_purged_at > 0)
		ORDER BY closed_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, ts(closedBefore), false, limit)
}

func (t *tx) candidates(ctx context.Context, q string, args ...any) ([]*purse.PurgeCandidate, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: purge candidates: %w", err)
	}
	var out []*purse.PurgeCandidate
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &purse.PurgeCandidate{Account: a, State: purse.PurgeState{AccountID: a.ID}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range out {
		var noticed, erased, records int64
		err := t.queryRow(ctx, `SELECT notice_id, noticed_at, erased_at, records_purged_at FROM purge_state
			WHERE account_id = ?`, c.Account.ID).Scan(&c.State.NoticeID, &noticed, &erased, &records)
		if err != nil {
			if err = t.notFound(err); err == purse.ErrNotFound {
				continue
			}
			return nil, fmt.Errorf("storage: purge state: %w", err)
		}
		c.State.NoticedAt, c.State.ErasedAt, c.State.RecordsPurgedAt = tm(noticed), tm(erased), tm(records)
	}
	return out, nil
}

func (t *tx) SavePurgeState(ctx context.Context, s *purse.PurgeState) error {
	_, err := t.exec(ctx, `INSERT INTO purge_state (account_id, notice_id, noticed_at, erased_at, records_purged_at)
		VALUES (?,?,?,?,?) ON CONFLICT (account_id) DO UPDATE SET notice_id = excluded.notice_id,
		noticed_at = excluded.noticed_at, erased_at = excluded.erased_at, records_purged_at = excluded.records_purged_at`,
		s.AccountID, s.NoticeID, ts(s.NoticedAt), ts(s.ErasedAt), ts(s.RecordsPurgedAt))
	if err != nil {
		return fmt.Errorf("storage: save purge state: %w", err)
	}
	return nil
}

func (t *tx) MessageStatus(ctx context.Context, id string) (string, error) {
	var status string
	if err := t.queryRow(ctx, `SELECT status FROM outbox WHERE id = ?`, id).Scan(&status); err != nil {
		return "", t.notFound(err)
	}
	return status, nil
}

func (t *tx) ErasePersonalRows(ctx context.Context, accountID string, addresses []string, sentBefore time.Time) (int, error) {
	total := 0
	run := func(q string, args ...any) error {
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("storage: erase personal rows of %s: %w", accountID, err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
		return nil
	}
	// A message not yet delivered can no longer be: its address is gone.
	const scrub = `UPDATE outbox SET recipient = '', subject = '', body = '', data = '{}',
		last_error = CASE WHEN status = 'pending' THEN 'erased before delivery' ELSE last_error END,
		status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END WHERE `
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE cards SET number_sealed = NULL, holder_sealed = NULL WHERE account_id = ?`, []any{accountID}},
		{`UPDATE business_flows SET target_sealed = NULL, code_hash = '' WHERE account_id = ?`, []any{accountID}},
		{`UPDATE linked_accounts SET external_id = '', webhook_url = '' WHERE account_id = ?`, []any{accountID}},
		{`UPDATE account_flags SET note = '' WHERE account_id = ?`, []any{accountID}},
		{scrub + `account_id = ?`, []any{accountID}},
		{`DELETE FROM sessions WHERE account_id = ?`, []any{accountID}},
		{`DELETE FROM idempotent_responses WHERE scope = ?`, []any{accountID}},
	}
	for _, a := range addresses {
		if a != "" {
			steps = append(steps, struct {
				q    string
				args []any
			}{scrub + `account_id = '' AND recipient = ? AND created_at <= ?`, []any{a, ts(sentBefore)}})
		}
	}
	t.accountChanged(accountID) // its sessions are deleted
	for _, s := range steps {
		if err := run(s.q, s.args...); err != nil {
			return total, err
		}
	}
	return total, nil
}

// serviceTables hold an account's wallet services; the records purge deletes their rows.
var serviceTables = []string{"cards", "coupons", "auto_debits", "credit_lines", "merchant_contracts",
	"linked_accounts", "disputes", "business_flows", "account_flags", "outbox"}

type netKey struct{ owner, book, currency string }

func (t *tx) PurgeRecords(ctx context.Context, accountID string, now time.Time) (int, error) {
	// A transaction may go only when none of its parties still needs it: every account among its
	// posting owners and its initiator is this account or one whose records were purged already.
	rows, err := t.query(ctx, `SELECT t.id FROM ledger_transactions t
		WHERE t.status <> 'pending'
		AND (t.account_id = ? OR t.id IN (SELECT transaction_id FROM ledger_postings WHERE owner = ?))
		AND (t.account_id = ? OR EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = t.account_id AND s.records_purged_at > 0))
		AND NOT EXISTS (SELECT 1 FROM ledger_postings p JOIN accounts a ON a.id = p.owner
			WHERE p.transaction_id = t.id AND a.id <> ?
			AND NOT EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = a.id AND s.records_purged_at > 0))
		ORDER BY t.id`, accountID, accountID, accountID, accountID)
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
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE account_id = ?`, accountID); err != nil {
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
