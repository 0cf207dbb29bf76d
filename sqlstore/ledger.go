package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

const ledgerTxColumns = `id, kind, status, account_id, counterparty, card_id, amount, currency, memo,
	created_at, settle_after, settled_at, memo_sealed, memo_counter_sealed`

const (
	insertLedgerTx = `INSERT INTO ledger_transactions (` + ledgerTxColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	insertPosting  = `INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
		VALUES (?,?,?,?,?,?)`
	accountStatusForUpdate = `SELECT status FROM accounts WHERE id = ? FOR UPDATE`
	bookAmount             = `SELECT amount FROM ledger_balances WHERE owner = ? AND book = ? AND currency = ?`
	addBalance             = `INSERT INTO ledger_balances (owner, book, currency, amount, updated_at) VALUES (?,?,?,?,?)
		ON CONFLICT (owner, book, currency) DO UPDATE
		SET amount = ledger_balances.amount + excluded.amount, updated_at = excluded.updated_at
		WHERE ledger_balances.amount >= ? AND ledger_balances.amount <= ?
		RETURNING amount`
)

func (t *tx) AccountStatusForUpdate(ctx context.Context, id string) (purse.AccountStatus, error) {
	var st string
	if err := t.queryRowHot(ctx, accountStatusForUpdate, id).Scan(&st); err != nil {
		return "", t.notFound(err)
	}
	return purse.AccountStatus(st), nil
}

func (t *tx) InsertLedgerTransaction(ctx context.Context, l *purse.LedgerTransaction) error {
	var after, settled time.Time
	if l.SettleAfter != nil {
		after = *l.SettleAfter
	}
	if l.SettledAt != nil {
		settled = *l.SettledAt
	}
	memo, err := t.sealedMemos(ctx, []*purse.LedgerTransaction{l})
	if err != nil {
		return fmt.Errorf("storage: insert ledger transaction: %w", err)
	}
	_, err = t.execHot(ctx, insertLedgerTx,
		l.ID, string(l.Kind), string(l.Status), l.AccountID, l.Counterparty, l.CardID, l.Amount,
		string(l.Currency), memo[0][0], ts(l.CreatedAt), ts(after), ts(settled), memo[0][1], memo[0][2])
	if err := t.duplicate(err); err != nil {
		return fmt.Errorf("storage: insert ledger transaction: %w", err)
	}
	return nil
}

func (t *tx) InsertLedgerTransactions(ctx context.Context, rows []*purse.LedgerTransaction) error {
	memos, err := t.sealedMemos(ctx, rows)
	if err != nil {
		return fmt.Errorf("storage: insert ledger transactions: %w", err)
	}
	if t.arrays() {
		if err := t.insertLedgerTxArrays(ctx, rows, memos); err != nil {
			return fmt.Errorf("storage: insert ledger transactions: %w", t.duplicate(err))
		}
		return nil
	}
	args := make([]any, 0, 14*len(rows))
	for i, l := range rows {
		var after, settled time.Time
		if l.SettleAfter != nil {
			after = *l.SettleAfter
		}
		if l.SettledAt != nil {
			settled = *l.SettledAt
		}
		args = append(args, l.ID, string(l.Kind), string(l.Status), l.AccountID, l.Counterparty, l.CardID, l.Amount,
			string(l.Currency), memos[i][0], ts(l.CreatedAt), ts(after), ts(settled), memos[i][1], memos[i][2])
	}
	if err := t.insertChunked(ctx, insertLedgerTxRows, 14, args); err != nil {
		return fmt.Errorf("storage: insert ledger transactions: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) InsertPostings(ctx context.Context, txIDs []string, ps []purse.Posting) error {
	if t.arrays() {
		if err := t.insertPostingsArrays(ctx, txIDs, ps); err != nil {
			return fmt.Errorf("storage: insert postings: %w", err)
		}
		return nil
	}
	args := make([]any, 0, 6*len(ps))
	for i, p := range ps {
		args = append(args, txIDs[i], p.Owner, string(p.Book), string(p.Currency), p.Amount, ts(t.now))
	}
	if err := t.insertChunked(ctx, insertPostingRows, 6, args); err != nil {
		return fmt.Errorf("storage: insert postings: %w", err)
	}
	return nil
}

// A group commit inserts its rows with multi-row INSERTs. Preparing a statement for each row count
// cost an eighth of a batch's time on SQLite, so the rows go in chunks of a power of two (145 rows:
// 128 + 16 + 1), whose statements Warm prepares once: insertLedgerTxRows[k] inserts 2^k rows.
const maxChunkLog = 8 // chunks of up to 256 rows

var (
	insertLedgerTxRows = chunkInserts(`INSERT INTO ledger_transactions (`+ledgerTxColumns+`) VALUES `, 14)
	insertPostingRows  = chunkInserts(`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at) VALUES `, 6)
)

func chunkInserts(head string, cols int) []string {
	out := make([]string, maxChunkLog+1)
	for k := range out {
		out[k] = head + values(1<<k, cols)
	}
	return out
}

// insertChunked runs the chunked statements over args, cols values per row.
func (t *tx) insertChunked(ctx context.Context, stmts []string, cols int, args []any) error {
	for rows := len(args) / cols; rows > 0; {
		k := min(maxChunkLog, bits.Len(uint(rows))-1) // the largest power of two that fits
		n := 1 << k
		if _, err := t.execHot(ctx, stmts[k], args[:n*cols]...); err != nil {
			return err
		}
		args, rows = args[n*cols:], rows-n
	}
	return nil
}

func (t *tx) BookAmount(ctx context.Context, owner string, book purse.Book, cur purse.Currency) (int64, error) {
	var n int64
	err := t.queryRowHot(ctx, bookAmount, owner, string(book), string(cur)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: book amount: %w", err)
	}
	return n, nil
}

// values returns n groups of k placeholders: "(?,?),(?,?)".
func values(n, k int) string {
	group := "(" + strings.TrimSuffix(strings.Repeat("?,", k), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(group+",", n), ",")
}

func (t *tx) InsertPosting(ctx context.Context, txID string, p purse.Posting) error {
	_, err := t.execHot(ctx, insertPosting, txID, p.Owner, string(p.Book), string(p.Currency), p.Amount, ts(t.now))
	if err != nil {
		return fmt.Errorf("storage: insert posting: %w", err)
	}
	return nil
}

// AddBalance is one upsert: the row is created or updated and locked in one statement, so two
// concurrent postings to one book never lose an update. The WHERE of the update refuses a sum that
// would leave int64 (the bounds are computed in Go, where they cannot overflow): no row comes back.
func (t *tx) AddBalance(ctx context.Context, owner string, book purse.Book, cur purse.Currency, delta int64) (int64, error) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if delta > 0 {
		hi -= delta
	} else {
		lo -= delta
	}
	var amount int64
	err := t.queryRowHot(ctx, addBalance, owner, string(book), string(cur), delta, ts(t.now), lo, hi).Scan(&amount)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("storage: add to %s %s: %w", owner, book, purse.ErrOverflow)
	}
	if err != nil {
		return 0, fmt.Errorf("storage: add to %s %s: %w", owner, book, err)
	}
	return amount, nil
}

func (t *tx) Balances(ctx context.Context, owner string) ([]purse.BookBalance, error) {
	rows, err := t.query(ctx, `SELECT book, currency, amount FROM ledger_balances WHERE owner = ?
		ORDER BY book, currency`, owner)
	if err != nil {
		return nil, fmt.Errorf("storage: balances: %w", err)
	}
	defer rows.Close()
	out := []purse.BookBalance{}
	for rows.Next() {
		var b purse.BookBalance
		var book, cur string
		if err := rows.Scan(&book, &cur, &b.Amount); err != nil {
			return nil, err
		}
		b.Book, b.Currency = purse.Book(book), purse.Currency(cur)
		out = append(out, b)
	}
	return out, rows.Err()
}

func (t *tx) BookTotals(ctx context.Context) (map[purse.Currency]int64, map[purse.Currency]int64, error) {
	sum := func(q string) (map[purse.Currency]int64, error) {
		rows, err := t.query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("storage: book totals: %w", err)
		}
		defer rows.Close()
		out := map[purse.Currency]int64{}
		for rows.Next() {
			var cur string
			var n int64
			if err := rows.Scan(&cur, &n); err != nil {
				return nil, err
			}
			out[purse.Currency(cur)] = n
		}
		return out, rows.Err()
	}
	b, err := sum(`SELECT currency, COALESCE(SUM(amount), 0) FROM ledger_balances GROUP BY currency`)
	if err != nil {
		return nil, nil, err
	}
	p, err := sum(`SELECT currency, COALESCE(SUM(amount), 0) FROM ledger_postings GROUP BY currency`)
	return b, p, err
}

func (t *tx) LedgerTransaction(ctx context.Context, id, accountID string) (*purse.LedgerTransaction, error) {
	if accountID == "" {
		return t.oneLedgerTx(ctx, `SELECT `+ledgerTxColumns+` FROM ledger_transactions WHERE id = ?`, id)
	}
	return t.oneLedgerTx(ctx, `SELECT `+ledgerTxColumns+` FROM ledger_transactions
		WHERE id = ? AND (account_id = ? OR counterparty = ?)`, id, accountID, accountID)
}

func (t *tx) LedgerTransactionForUpdate(ctx context.Context, id string) (*purse.LedgerTransaction, error) {
	return t.oneLedgerTx(ctx, `SELECT `+ledgerTxColumns+` FROM ledger_transactions WHERE id = ? FOR UPDATE`, id)
}

func (t *tx) oneLedgerTx(ctx context.Context, q string, args ...any) (*purse.LedgerTransaction, error) {
	var memo sealedMemo
	l, err := scanLedgerTx(t.queryRow(ctx, q, args...), &memo)
	if err != nil {
		return nil, t.notFound(err)
	}
	return l, t.openMemos(ctx, []*purse.LedgerTransaction{l}, []sealedMemo{memo})
}

func (t *tx) LedgerTransactions(ctx context.Context, f purse.TxFilter) ([]purse.LedgerTransaction, error) {
	// The account's transactions are those with one of its postings: every movement posts to its
	// initiator's books and a transfer to its recipient's (migration 00101 says why there is no
	// index by account_id or counterparty).
	where := []string{"id IN (SELECT transaction_id FROM ledger_postings WHERE owner = ?)"}
	args := []any{f.AccountID}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, string(f.Kind))
	}
	if !f.From.IsZero() {
		where = append(where, "created_at >= ?")
		args = append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "created_at < ?")
		args = append(args, ts(f.To))
	}
	if f.AfterID != "" {
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, ts(f.AfterAt), ts(f.AfterAt), f.AfterID)
	}
	args = append(args, f.Limit)
	rows, err := t.query(ctx, `SELECT `+ledgerTxColumns+` FROM ledger_transactions WHERE `+
		strings.Join(where, " AND ")+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: list ledger transactions: %w", err)
	}
	return t.collectLedgerTx(ctx, rows)
}

func (t *tx) DuePendingTransactions(ctx context.Context, kind purse.TxKind, now time.Time, limit int) ([]purse.LedgerTransaction, error) {
	rows, err := t.query(ctx, `SELECT `+ledgerTxColumns+` FROM ledger_transactions
		WHERE status = 'pending' AND kind = ? AND settle_after <= ? ORDER BY settle_after, id
		LIMIT ?`, string(kind), ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: due transactions: %w", err)
	}
	return t.collectLedgerTx(ctx, rows)
}

func (t *tx) SettleLedgerTransaction(ctx context.Context, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE ledger_transactions SET status = 'settled', settled_at = ?
		WHERE id = ? AND status = 'pending'`, ts(at), id)
	if err != nil {
		return fmt.Errorf("storage: settle transaction: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

func (t *tx) FailLedgerTransaction(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `UPDATE ledger_transactions SET status = 'failed' WHERE id = ? AND status = 'pending'`, id)
	if err != nil {
		return fmt.Errorf("storage: fail transaction: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

func (t *tx) PostponeLedgerTransaction(ctx context.Context, id string, after time.Time) error {
	res, err := t.exec(ctx, `UPDATE ledger_transactions SET settle_after = ? WHERE id = ? AND status = 'pending'`, ts(after), id)
	if err != nil {
		return fmt.Errorf("storage: postpone transaction: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

func (t *tx) collectLedgerTx(ctx context.Context, rows *sql.Rows) ([]purse.LedgerTransaction, error) {
	var ls []*purse.LedgerTransaction
	var memos []sealedMemo
	err := func() error {
		defer rows.Close()
		for rows.Next() {
			var memo sealedMemo
			l, err := scanLedgerTx(rows, &memo)
			if err != nil {
				return err
			}
			ls, memos = append(ls, l), append(memos, memo)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, err
	}
	if err := t.openMemos(ctx, ls, memos); err != nil {
		return nil, err
	}
	out := make([]purse.LedgerTransaction, len(ls))
	for i, l := range ls {
		out[i] = *l
	}
	return out, nil
}

// scanLedgerTx reads a transaction; its memo's sealed copies go to memo, for openMemos.
func scanLedgerTx(row interface{ Scan(...any) error }, memo *sealedMemo) (*purse.LedgerTransaction, error) {
	var l purse.LedgerTransaction
	var kind, status, cur string
	var created, after, settled int64
	if err := row.Scan(&l.ID, &kind, &status, &l.AccountID, &l.Counterparty, &l.CardID, &l.Amount, &cur,
		&l.Memo, &created, &after, &settled, &memo.initiator, &memo.counter); err != nil {
		return nil, err
	}
	l.Kind, l.Status, l.Currency, l.CreatedAt = purse.TxKind(kind), purse.TxStatus(status), purse.Currency(cur), tm(created)
	if after != 0 {
		v := tm(after)
		l.SettleAfter = &v
	}
	if settled != 0 {
		v := tm(settled)
		l.SettledAt = &v
	}
	return &l, nil
}

// in returns "(?,?,…)" for n values.
func in(n int) string { return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")" }

func (t *tx) AccountStatusesForUpdate(ctx context.Context, ids []string) (map[string]purse.AccountStatus, error) {
	out := make(map[string]purse.AccountStatus, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// ORDER BY before FOR UPDATE: PostgreSQL locks the rows in the order it returns them.
	q := `SELECT id, status FROM accounts WHERE id IN ` + in(len(ids)) + ` ORDER BY id FOR UPDATE`
	if t.arrays() {
		q, args = statusesForUpdateAny, []any{ids}
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: lock accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		out[id] = purse.AccountStatus(st)
	}
	return out, rows.Err()
}

// AccountsForUpdate locks like AccountStatusesForUpdate and reads the whole records in the same
// statement: a commit group's senders are checked against them (issue 19: one statement per group,
// not one read per transfer).
func (t *tx) AccountsForUpdate(ctx context.Context, ids []string) (map[string]*purse.AccountRecord, error) {
	out := make(map[string]*purse.AccountRecord, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := `SELECT ` + accountColumns + ` FROM accounts WHERE id IN ` + in(len(ids)) + ` ORDER BY id FOR UPDATE`
	if t.arrays() {
		q, args = accountsForUpdateAnyQuery, []any{ids}
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: lock accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: lock accounts: %w", err)
		}
		out[a.ID] = a
	}
	return out, rows.Err()
}

func (t *tx) BookAmounts(ctx context.Context, owners []string) (map[purse.BookKey]int64, error) {
	out := map[purse.BookKey]int64{}
	if len(owners) == 0 {
		return out, nil
	}
	args := make([]any, len(owners))
	for i, o := range owners {
		args[i] = o
	}
	q := `SELECT owner, book, currency, amount FROM ledger_balances WHERE owner IN ` + in(len(owners))
	if t.arrays() {
		q, args = bookAmountsAny, []any{owners}
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: book amounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k purse.BookKey
		var book, cur string
		var n int64
		if err := rows.Scan(&k.Owner, &book, &cur, &n); err != nil {
			return nil, err
		}
		k.Book, k.Currency = purse.Book(book), purse.Currency(cur)
		out[k] = n
	}
	return out, rows.Err()
}

func (t *tx) AddBalances(ctx context.Context, deltas map[purse.BookKey]int64) (map[purse.BookKey]int64, error) {
	out := make(map[purse.BookKey]int64, len(deltas))
	if len(deltas) == 0 {
		return out, nil
	}
	args := make([]any, 0, 5*len(deltas))
	for k, d := range deltas {
		args = append(args, k.Owner, string(k.Book), string(k.Currency), d, ts(t.now))
	}
	q := `INSERT INTO ledger_balances (owner, book, currency, amount, updated_at) VALUES ` +
		values(len(deltas), 5) + ` ON CONFLICT (owner, book, currency) DO UPDATE
		SET amount = ledger_balances.amount + excluded.amount, updated_at = excluded.updated_at
		RETURNING owner, book, currency, amount`
	if t.arrays() {
		q, args = addBalancesUnnest, t.addBalancesArgs(deltas)
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: add balances: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k purse.BookKey
		var book, cur string
		var n int64
		if err := rows.Scan(&k.Owner, &book, &cur, &n); err != nil {
			return nil, err
		}
		k.Book, k.Currency = purse.Book(book), purse.Currency(cur)
		out[k] = n
	}
	return out, rows.Err()
}
