package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/sqlstore"
)

// Bulk data for `purse bench scale` (issue 19): accounts with their books and history, generated
// by the database server itself from a series of numbers (INSERT … SELECT), in chunks of
// loadChunk accounts per transaction, which is faster than sending the rows (COPY included) and
// keeps SQLite's write-ahead log to one chunk's size instead of the whole load's.
//
// Each account i has TopupsPerAccount settled top-ups of 10.00 CNY, each a transaction with two
// postings (its balance and a sub-book of the operator's bank book): 2 × TopupsPerAccount postings
// per account, and the books sum to zero. One account in 100 has a cancelled closure request and
// one in 100 an open one waiting for review: the admin queue grows with the data, and its first
// page (50) is full at every size from 5,000 accounts.
const (
	TopupsPerAccount = 5
	loadChunk        = 50_000
	bulkAmount       = 1000 // fen per top-up
)

// series is the numbers from ? to ? (inclusive), as a recursive common table expression both
// engines run; the statement that uses it follows.
const series = `WITH RECURSIVE s(i) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < ?) `

// bulkID is the SQL of bulk account i's id: eight hex digits of a multiplicative hash of i (a
// bijection on 32 bits, so the ids spread over the whole index as random ids do, not all at its
// end), then the number, for uniqueness.
func bulkID(kind string) string {
	scatter := "((i * 2654435761) % 4294967296)"
	hex := "printf('%08x', " + scatter + ")"
	if kind == "postgres" {
		hex = "lpad(to_hex(" + scatter + "), 8, '0')"
	}
	return "(" + hex + " || '-bulk-' || CAST(i AS TEXT))"
}

// LoadStats is what loading took.
type LoadStats struct {
	Accounts int     `json:"accounts"`
	Rows     int64   `json:"rows"` // every row inserted: accounts, transactions, postings, balances, closures
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"rows_per_sec"`
}

// loadBulk inserts n bulk accounts with their history, then refreshes the planner's statistics
// (ANALYZE), as an operator does after a bulk load.
func (s *Server) loadBulk(ctx context.Context, n int) (LoadStats, error) {
	st := LoadStats{Accounts: n}
	began := time.Now()
	db := s.Store.SQL()
	p, err := closure.Load(PolicyName)
	if err != nil {
		return st, err
	}
	snap, err := json.Marshal(p)
	if err != nil {
		return st, err
	}
	id := bulkID(s.Kind)
	now := time.Now().UnixMicro()
	day := int64(24 * time.Hour / time.Microsecond)
	topups := "(SELECT 1 AS k"
	for k := 2; k <= TopupsPerAccount; k++ {
		topups += " UNION ALL SELECT " + strconv.Itoa(k)
	}
	topups += ") ks"
	txID := id + " || '-t' || CAST(k AS TEXT)"
	at := "(CAST(? AS BIGINT) - (i * " + strconv.Itoa(TopupsPerAccount) + " + k) * 1000000)"
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO accounts (id, kind, status, language, created_at, updated_at)
			SELECT ` + id + `, 'mobile', 'active', 'zh-CN', ?, ? FROM s`, []any{now, now}},
		// The phone's lookup hash lives beside the account (issue 15, migration 00280).
		{`INSERT INTO account_lookups (account_id, phone_hash, live)
			SELECT ` + id + `, 'bulk:' || CAST(i AS TEXT), TRUE FROM s`, nil},
		// And in lookup_hashes, where sign-in finds it (issue 19, migration 00350).
		{`INSERT INTO lookup_hashes (hash, kind, account_id, live)
			SELECT 'bulk:' || CAST(i AS TEXT), 'phone', ` + id + `, TRUE FROM s`, nil},
		{`INSERT INTO ledger_transactions (id, kind, status, account_id, counterparty, amount, currency, created_at, settled_at)
			SELECT ` + txID + `, 'topup', 'settled', ` + id + `, 'operator:bank', ` + strconv.Itoa(bulkAmount) + `, 'CNY', ` + at + `, ` + at + `
			FROM s, ` + topups, []any{now, now}},
		{`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
			SELECT ` + txID + `, ` + id + `, 'balance', 'CNY', ` + strconv.Itoa(bulkAmount) + `, ` + at + ` FROM s, ` + topups, []any{now}},
		{`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
			SELECT ` + txID + `, 'operator:bank#' || CAST(i % ` + strconv.Itoa(ledger.SubBooks) + ` AS TEXT), 'operator', 'CNY', -` +
			strconv.Itoa(bulkAmount) + `, ` + at + ` FROM s, ` + topups, []any{now}},
		// Every account has its data key, as a registration makes it (the purge's scrub rewrites
		// this table: its size is part of what the purge costs at scale).
		{`INSERT INTO data_keys (account_id, wrapped, created_at)
			SELECT ` + id + `, ` + wrappedKey(s.Kind) + `, ? FROM s`, []any{now}},
		{`INSERT INTO ledger_balances (owner, book, currency, amount, updated_at)
			SELECT ` + id + `, 'balance', 'CNY', ` + strconv.Itoa(TopupsPerAccount*bulkAmount) + `, ? FROM s`, []any{now}},
		{`INSERT INTO closures (id, account_id, policy, policy_json, state, created_at, updated_at, expires_at, deadline)
			SELECT ` + id + ` || '-c', ` + id + `, ?, ?, CASE WHEN i % 100 = 0 THEN 'review' ELSE 'cancelled' END,
				CAST(? AS BIGINT) - i * 1000000, ?, CAST(? AS BIGINT) + 30 * ` + strconv.FormatInt(day, 10) + `,
				CAST(? AS BIGINT) + (i % 15) * ` + strconv.FormatInt(day, 10) + `
			FROM s WHERE i % 50 = 0`, []any{p.Name, string(snap), now, now, now, now}},
	}
	rebuild, err := deferIndexes(ctx, db, s.Kind)
	if err != nil {
		return st, err
	}
	restore, err := loadSettings(ctx, db, s.Kind)
	if err != nil {
		return st, err
	}
	perSub := make([]int64, ledger.SubBooks)
	last := began
	for from := 1; from <= n; from += loadChunk {
		to := min(from+loadChunk-1, n)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return st, err
		}
		for _, q := range stmts {
			res, err := tx.ExecContext(ctx, bind(s.Kind, series+q.q), append([]any{from, to}, q.args...)...)
			if err != nil {
				tx.Rollback()
				return st, fmt.Errorf("bench: bulk load: %w: %.120s", err, strings.Join(strings.Fields(q.q), " "))
			}
			if r, err := res.RowsAffected(); err == nil {
				st.Rows += r
			}
		}
		if err := tx.Commit(); err != nil {
			return st, fmt.Errorf("bench: bulk load: %w", err)
		}
		for i := from; i <= to; i++ {
			perSub[i%ledger.SubBooks] -= TopupsPerAccount * bulkAmount
		}
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "bench: scale: %d of %d accounts loaded after %.0f s\n", to, n, time.Since(began).Seconds())
		}
	}
	if err := restore(ctx); err != nil {
		return st, err
	}
	if err := rebuild(ctx); err != nil {
		return st, err
	}
	// The operator's side of the top-ups, one row per sub-book, so that the ledger sums to zero.
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		for k, amount := range perSub {
			if amount == 0 {
				continue
			}
			if _, err := tx.AddBalance(ctx, "operator:bank#"+strconv.Itoa(k), purse.BookOperator, purse.CNY, amount); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("bench: bulk load: operator books: %w", err)
	}
	if err := analyze(ctx, db, s.Kind); err != nil {
		return st, err
	}
	st.Seconds = time.Since(began).Seconds()
	st.PerSec = float64(st.Rows) / st.Seconds
	return st, nil
}

// analyze refreshes the planner's statistics of the loaded tables, then writes the load's pages
// out (a checkpoint), so that the measurements that follow do not share the disk with the load's
// write-back: on PostgreSQL a checkpoint after a 3-million-row load made every commit wait.
// CHECKPOINT needs a superuser or pg_checkpoint; without, the measurements carry that write-back
// and a line on stderr says so.
func analyze(ctx context.Context, db *sql.DB, kind string) error {
	q, flush := "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"
	if kind == "postgres" {
		// The lookup tables and data keys too: the purge erases them by account id, and a
		// partition never analyzed was read whole for each 50-id statement (session 10).
		q, flush = "ANALYZE accounts, ledger_transactions, ledger_postings, ledger_balances, closures, data_keys, account_lookups, lookup_hashes", "CHECKPOINT"
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	if _, err := db.ExecContext(ctx, flush); err != nil {
		fmt.Fprintf(os.Stderr, "bench: scale: the load's pages were not written out before measuring: %v\n", err)
	}
	return nil
}

// bind numbers the ? placeholders for PostgreSQL.
func bind(kind, q string) string {
	if kind != "postgres" {
		return q
	}
	return sqlstore.Numbered(q)
}
