package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// On PostgreSQL a commit group's set-based statements bind arrays (= ANY, unnest) instead of IN
// lists and VALUES rows (issue 19): one statement text whatever the group's size, which pgx
// prepares once per connection, and one statement per table per group. With lists, each length
// was a statement of its own for the server to parse and plan and for pgx's per-connection cache
// (512 entries) to hold, and the inserts went in power-of-two chunks (a group of 37 transfers sent
// three inserts of transactions and three of postings). SQLite keeps the lists: in process, a
// statement costs no round trip, and its chunks are prepared once by Warm.

// arrays reports whether this store binds Go slices as arrays.
func (t *tx) arrays() bool { return t.db.dialect.Name == "postgres" }

const (
	accountsForUpdateAny = `SELECT ` + "%s" + ` FROM accounts WHERE id = ANY(?) ORDER BY id FOR UPDATE`
	statusesForUpdateAny = `SELECT id, status FROM accounts WHERE id = ANY(?) ORDER BY id FOR UPDATE`
	bookAmountsAny       = `SELECT owner, book, currency, amount FROM ledger_balances WHERE owner = ANY(?)`
	countersAny          = `SELECT key, count FROM rate_counters WHERE window_start = ? AND key = ANY(?)`
	insertLedgerTxUnnest = `INSERT INTO ledger_transactions (` + ledgerTxColumns + `) SELECT * FROM unnest(
		?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[],
		?::bigint[], ?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[])`
	insertPostingsUnnest = `INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
		SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])`
	addBalancesUnnest = `INSERT INTO ledger_balances (owner, book, currency, amount, updated_at)
		SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])
		ON CONFLICT (owner, book, currency) DO UPDATE
		SET amount = ledger_balances.amount + excluded.amount, updated_at = excluded.updated_at
		RETURNING owner, book, currency, amount`
	addToCountersUnnest = `INSERT INTO rate_counters (key, window_start, count)
		SELECT k, ?, d FROM unnest(?::text[], ?::bigint[]) AS u(k, d)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + excluded.count`
)

var accountsForUpdateAnyQuery = fmt.Sprintf(accountsForUpdateAny, accountColumns)

// insertLedgerTxArrays is InsertLedgerTransactions on PostgreSQL: one statement, a column per array.
func (t *tx) insertLedgerTxArrays(ctx context.Context, rows []*purse.LedgerTransaction, memos [][3]any) error {
	n := len(rows)
	ids, kinds, statuses, accts, parties, cards := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	amounts, created, after, settled := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	curs, clear := make([]string, n), make([]string, n)
	sealed, counter := make([][]byte, n), make([][]byte, n)
	for i, l := range rows {
		ids[i], kinds[i], statuses[i], accts[i], parties[i], cards[i] = l.ID, string(l.Kind), string(l.Status), l.AccountID, l.Counterparty, l.CardID
		amounts[i], curs[i], created[i] = l.Amount, string(l.Currency), ts(l.CreatedAt)
		if l.SettleAfter != nil {
			after[i] = ts(*l.SettleAfter)
		}
		if l.SettledAt != nil {
			settled[i] = ts(*l.SettledAt)
		}
		clear[i], _ = memos[i][0].(string)
		sealed[i], _ = memos[i][1].([]byte)
		counter[i], _ = memos[i][2].([]byte)
	}
	_, err := t.exec(ctx, insertLedgerTxUnnest, ids, kinds, statuses, accts, parties, cards, amounts, curs, clear,
		created, after, settled, sealed, counter)
	return err
}

// insertPostingsArrays is InsertPostings on PostgreSQL.
func (t *tx) insertPostingsArrays(ctx context.Context, txIDs []string, ps []purse.Posting) error {
	n := len(ps)
	owners, books, curs := make([]string, n), make([]string, n), make([]string, n)
	amounts, created := make([]int64, n), make([]int64, n)
	for i, p := range ps {
		owners[i], books[i], curs[i], amounts[i], created[i] = p.Owner, string(p.Book), string(p.Currency), p.Amount, ts(t.now)
	}
	_, err := t.exec(ctx, insertPostingsUnnest, txIDs[:n], owners, books, curs, amounts, created)
	return err
}

// addBalancesArgs is AddBalances' arguments on PostgreSQL: a column per array.
func (t *tx) addBalancesArgs(deltas map[purse.BookKey]int64) []any {
	var owners, books, curs []string
	var amounts, updated []int64
	for k, d := range deltas {
		owners, books, curs = append(owners, k.Owner), append(books, string(k.Book)), append(curs, string(k.Currency))
		amounts, updated = append(amounts, d), append(updated, ts(t.now))
	}
	return []any{owners, books, curs, amounts, updated}
}

// addToCountersArrays is AddToCounters on PostgreSQL, keys in order.
func (t *tx) addToCountersArrays(ctx context.Context, keys []string, deltas map[string]int64, windowStart time.Time) error {
	ds := make([]int64, len(keys))
	for i, k := range keys {
		ds[i] = deltas[k]
	}
	_, err := t.exec(ctx, addToCountersUnnest, ts(windowStart), keys, ds)
	return err
}
