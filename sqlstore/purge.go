package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// The personal-data purge's queries. Each claims or changes a whole batch in one statement, and
// every claim reads an index whose entries are the work itself (closed accounts by closure time,
// purge states awaiting erasure), so a batch costs the same however many accounts were purged
// before it and however many notices wait in the outbox.

func (t *tx) ClosedForPurge(ctx context.Context, p purse.PurgeClaimParams) ([]*purse.PurgeCandidate, error) {
	ready, err := t.NoticedForErasure(ctx, p)
	if err != nil || len(ready) >= p.Limit {
		return ready, err
	}
	fresh, err := t.ClosedForNotice(ctx, p.ClosedBefore, p.Limit-len(ready))
	return append(ready, fresh...), err
}

func (t *tx) ClosedForNotice(ctx context.Context, closedBefore time.Time, limit int) ([]*purse.PurgeCandidate, error) {
	cands, err := t.candidates(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE status = 'closed' AND closed_at > 0 AND closed_at <= ? AND legal_hold = ?
		AND NOT EXISTS (SELECT 1 FROM purge_state s WHERE s.account_id = accounts.id)`+skipFailed("accounts.id")+`
		ORDER BY closed_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, ts(closedBefore), false, purse.JobPurgePersonal, ts(t.now), limit)
	if err != nil {
		return nil, err
	}
	// The notice step writes purge_state and the outbox but not the account row. On PostgreSQL
	// (READ COMMITTED) a claim whose snapshot predates another worker's commit can still lock that
	// worker's accounts once it released them, and the NOT EXISTS above was judged on the old
	// snapshot. candidates read the states after the lock, in a statement that sees every commit
	// before it, so an account noticed meanwhile shows its state here and is left out.
	out := cands[:0]
	for _, c := range cands {
		if c.State.NoticedAt.IsZero() && c.State.ErasedAt.IsZero() {
			out = append(out, c)
		}
	}
	return out, nil
}

// noticedForErasure walks purge_state_awaiting (noticed, not erased) in notice order: the outbox
// delivers in about that order, so the ready states come first, and the pending ones it passes
// over are at most the notice backlog the purge allows. CROSS JOIN makes SQLite's planner keep
// purge_state as the outer loop (on its own it walks every due closed account instead, O(N)
// per claim); PostgreSQL treats it as the inner join it is.
//
// Each account is then found by its id: the concatenation on status and the unary plus on
// closed_at (the same tests on both engines) keep the account's conditions out of the planner's
// index choice. With statistics taken while few accounts were closed (an ANALYZE after a bulk
// load, as `purse bench scale` runs and an operator would), SQLite 3.54 judged accounts_status
// the narrower path and, for each purge state it walked, read every due closed account: beside
// 100,000 closed accounts one claim took 35-54 s and the purge ran at 16 accounts/s, against
// 144/s beside 20,000 (issue 19, session 13); PostgreSQL's planner made the same choice on such
// statistics. The join locks the purge state rows as well as the accounts on PostgreSQL; nothing
// else writes them while an account is closed.
var noticedForErasure = `SELECT ` + accountColumns + `, s.notice_id, s.noticed_at
		FROM purge_state s CROSS JOIN accounts
		WHERE accounts.id = s.account_id AND s.erased_at = 0 AND s.noticed_at > 0
		AND (s.notice_id = '' OR s.noticed_at <= ?
			OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = s.notice_id AND ` + pendingByID + `))
		AND accounts.status || '' = 'closed' AND +accounts.closed_at > 0 AND +accounts.closed_at <= ?
		AND accounts.legal_hold = ?` + skipFailed("accounts.id") + `
		ORDER BY s.noticed_at, s.account_id LIMIT ? FOR UPDATE SKIP LOCKED`

// NoticedForErasure claims the accounts whose notice left (noticedForErasure).
func (t *tx) NoticedForErasure(ctx context.Context, p purse.PurgeClaimParams) ([]*purse.PurgeCandidate, error) {
	rows, err := t.query(ctx, noticedForErasure,
		ts(p.NoticedBefore), ts(p.ClosedBefore), false, purse.JobPurgePersonal, ts(t.now), p.Limit)
	if err != nil {
		return nil, fmt.Errorf("storage: accounts to erase: %w", err)
	}
	defer rows.Close()
	var out []*purse.PurgeCandidate
	for rows.Next() {
		var noticeID string
		var noticed int64
		a, err := scanAccount(scanWith{rows, []any{&noticeID, &noticed}})
		if err != nil {
			return nil, fmt.Errorf("storage: accounts to erase: %w", err)
		}
		out = append(out, &purse.PurgeCandidate{Account: a,
			State: purse.PurgeState{AccountID: a.ID, NoticeID: noticeID, NoticedAt: tm(noticed)}})
	}
	return out, rows.Err()
}

// pendingByID is the test that a notice, found by its id (outbox o), waits in the outbox. The
// concatenation keeps it out of the planner's index choice, as in noticedForErasure: with
// statistics taken while the outbox was empty, SQLite 3.54 answered PendingNotices' EXISTS by
// walking every pending message through outbox_due for each awaiting purge state, 0.75-1.1 s a
// count with 2,000 notices waiting (issue 19, session 13).
const pendingByID = `o.status || '' = 'pending'`

// pendingNotices counts the notices the purge sent that still wait in the outbox.
const pendingNotices = `SELECT COUNT(*) FROM purge_state s
		WHERE s.erased_at = 0 AND s.noticed_at > ? AND s.notice_id <> ''
		AND EXISTS (SELECT 1 FROM outbox o WHERE o.id = s.notice_id AND ` + pendingByID + `)`

func (t *tx) PendingNotices(ctx context.Context, noticedAfter time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, pendingNotices, ts(noticedAfter)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: pending purge notices: %w", err)
	}
	return n, nil
}

// candidates runs a claim over accounts and reads the claimed accounts' purge states after it.
func (t *tx) candidates(ctx context.Context, q string, args ...any) ([]*purse.PurgeCandidate, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: purge candidates: %w", err)
	}
	var out []*purse.PurgeCandidate
	byID := map[string]*purse.PurgeCandidate{}
	var ids []string
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		c := &purse.PurgeCandidate{Account: a, State: purse.PurgeState{AccountID: a.ID}}
		out, byID[a.ID], ids = append(out, c), c, append(ids, a.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = chunks(ids, func(in string, args []any) error {
		rows, err := t.query(ctx, `SELECT account_id, notice_id, noticed_at, erased_at, records_purged_at
			FROM purge_state WHERE account_id IN `+in, args...)
		if err != nil {
			return fmt.Errorf("storage: purge states: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, notice string
			var noticed, erased, records int64
			if err := rows.Scan(&id, &notice, &noticed, &erased, &records); err != nil {
				return err
			}
			if c := byID[id]; c != nil {
				c.State.NoticeID = notice
				c.State.NoticedAt, c.State.ErasedAt, c.State.RecordsPurgedAt = tm(noticed), tm(erased), tm(records)
			}
		}
		return rows.Err()
	})
	return out, err
}

func (t *tx) InsertPurgeStates(ctx context.Context, states []*purse.PurgeState) error {
	for start := 0; start < len(states); start += maxBatchRows {
		part := states[start:min(start+maxBatchRows, len(states))]
		args := make([]any, 0, 3*len(part))
		for _, s := range part {
			args = append(args, s.AccountID, s.NoticeID, ts(s.NoticedAt))
		}
		if _, err := t.exec(ctx, `INSERT INTO purge_state (account_id, notice_id, noticed_at) VALUES `+
			rowsValues(len(part), 3), args...); err != nil {
			return fmt.Errorf("storage: insert purge states: %w", t.duplicate(err))
		}
	}
	return nil
}

func (t *tx) MarkErased(ctx context.Context, ids []string, at time.Time) error {
	return chunks(ids, func(in string, args []any) error {
		if _, err := t.exec(ctx, `UPDATE purge_state SET erased_at = ? WHERE account_id IN `+in,
			append([]any{ts(at)}, args...)...); err != nil {
			return fmt.Errorf("storage: mark erased: %w", err)
		}
		return nil
	})
}

func (t *tx) DataKeys(ctx context.Context, ids []string) (map[string]*purse.DataKey, error) {
	out := make(map[string]*purse.DataKey, len(ids))
	err := chunksOf(partitionBatchRows, ids, func(in string, args []any) error {
		rows, err := t.query(ctx, `SELECT account_id, wrapped, created_at, destroyed_at FROM data_keys
			WHERE account_id IN `+in, args...)
		if err != nil {
			return fmt.Errorf("storage: data keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k purse.DataKey
			var created, destroyed int64
			if err := rows.Scan(&k.AccountID, &k.Wrapped, &created, &destroyed); err != nil {
				return err
			}
			k.CreatedAt, k.DestroyedAt = tm(created), tm(destroyed)
			out[k.AccountID] = &k
		}
		return rows.Err()
	})
	return out, err
}

func (t *tx) DestroyDataKeys(ctx context.Context, ids []string, at time.Time) error {
	return chunksOf(partitionBatchRows, ids, func(in string, args []any) error {
		t.keys = nil
		if _, err := t.eraseRows(ctx, `UPDATE data_keys SET wrapped = NULL, destroyed_at = ? WHERE account_id IN `+in,
			append([]any{ts(at)}, args...)...); err != nil {
			return fmt.Errorf("storage: destroy data keys: %w", err)
		}
		return nil
	})
}

// erasePersonalColumns is followed by the batch's id list. The accounts are found by id, one
// primary-key look-up each; "status || ”" keeps the status check out of the planner's index
// choice: without statistics SQLite took "status = 'closed'" for selective and walked every closed
// account through accounts_status for each chunk, so a purge's cost grew with the square of the
// accounts awaiting it (100,000 took 60-89 s here). The concatenation is the same test on both
// engines.
const erasePersonalColumns = `UPDATE accounts SET status = 'purged',
	phone_sealed = NULL, email_sealed = NULL, name_sealed = NULL, password_hash = '',
	payment_password_hash = '', certificate_id = '', purged_at = ?, updated_at = ?
	WHERE status || '' = 'closed' AND id IN `

// eraseLookups and eraseLookupHashes are followed by the id list of the accounts the statement
// before just purged (its RETURNING): an account of the batch found no longer closed keeps its
// own. They name the accounts by id alone, with no join to accounts: the earlier form, "EXISTS
// (SELECT 1 FROM accounts WHERE status is purged)", was planned on PostgreSQL's partitioned
// lookup_hashes (by hash, so every partition is a candidate) as a hash join reading every row of
// accounts and every partition, once per 50-id statement: 9.1 million rows of accounts in 15 s of
// a 300,000-account purge (pg_stat_user_tables), the purge's statements six times slower there
// than at 10,000 accounts (docs/BENCHMARKS.md, session 10).
const (
	eraseLookups      = `DELETE FROM account_lookups WHERE account_id IN `
	eraseLookupHashes = `DELETE FROM lookup_hashes WHERE account_id IN `
)

func (t *tx) ErasePersonalColumns(ctx context.Context, ids []string, at time.Time) (int, error) {
	var purged []string
	err := chunks(ids, func(in string, args []any) error {
		rows, err := t.query(ctx, erasePersonalColumns+in+` RETURNING id`, append([]any{ts(at), ts(at)}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: erase personal columns: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("storage: erase personal columns: %w", err)
			}
			purged = append(purged, id)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	// The lookup hashes go with the row that held them (issue 15); the scrub rewrites the
	// partitions they were in so that no freed space keeps them.
	err = chunksOf(partitionBatchRows, purged, func(in string, args []any) error {
		for _, q := range []string{eraseLookups, eraseLookupHashes} {
			if _, err := t.eraseRows(ctx, q+in, args...); err != nil {
				return fmt.Errorf("storage: erase lookups: %w", err)
			}
		}
		return nil
	})
	return len(purged), err
}

// scanWith scans a row's leading columns into the caller's destinations and its extra trailing
// ones into extra.
type scanWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

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
