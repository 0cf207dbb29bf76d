package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) LedgerLines(ctx context.Context, p purse.LedgerLinesParams) ([]purse.LedgerLine, error) {
	q := `SELECT p.id, t.id, t.kind, t.status, t.account_id, t.counterparty, t.memo, p.book, p.amount, p.currency, p.created_at,
		t.memo_sealed, t.memo_counter_sealed
		FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
		WHERE p.owner = ? AND p.id > ?`
	args := []any{p.AccountID, p.After}
	if !p.From.IsZero() {
		q += ` AND p.created_at >= ?`
		args = append(args, ts(p.From))
	}
	if !p.To.IsZero() {
		q += ` AND p.created_at < ?`
		args = append(args, ts(p.To))
	}
	q += ` ORDER BY p.id LIMIT ?`
	args = append(args, p.Limit)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: ledger lines: %w", err)
	}
	out := make([]purse.LedgerLine, 0, p.Limit)
	var memos []sealedMemo
	var ids []string
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var l purse.LedgerLine
			var book, cur string
			var created int64
			var memo sealedMemo
			if err := rows.Scan(&l.Seq, &l.TransactionID, &l.Kind, &l.Status, &l.Initiator, &l.Counterparty, &l.Memo, &book,
				&l.Amount, &cur, &created, &memo.initiator, &memo.counter); err != nil {
				return err
			}
			l.Book, l.Currency, l.CreatedAt = purse.Book(book), purse.Currency(cur), tm(created)
			out, memos = append(out, l), append(memos, memo)
			if memo.initiator != nil || memo.counter != nil {
				ids = append(ids, l.Initiator, l.Counterparty)
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, err
	}
	keys, err := t.keysOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		l := &out[i]
		if l.Memo, err = openMemo(keys, l.TransactionID, l.Initiator, l.Counterparty, l.Memo, memos[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) BookSums(ctx context.Context, accountID string, before time.Time) ([]purse.BookSum, error) {
	rows, err := t.query(ctx, `SELECT book, currency, SUM(amount) FROM ledger_postings
		WHERE owner = ? AND created_at < ? GROUP BY book, currency ORDER BY book, currency`, accountID, ts(before))
	if err != nil {
		return nil, fmt.Errorf("storage: book sums: %w", err)
	}
	defer rows.Close()
	var out []purse.BookSum
	for rows.Next() {
		var s purse.BookSum
		var book, cur string
		if err := rows.Scan(&book, &cur, &s.Amount); err != nil {
			return nil, err
		}
		s.Book, s.Currency = purse.Book(book), purse.Currency(cur)
		out = append(out, s)
	}
	return out, rows.Err()
}

func (t *tx) AccountRows(ctx context.Context, table, accountID string) ([]map[string]any, error) {
	cols, ok := purse.ExportTables[table]
	if !ok {
		return nil, fmt.Errorf("storage: %q is not an export table", table)
	}
	where := "account_id = ?"
	if table == "ledger_balances" {
		where = "owner = ?"
	}
	selected := strings.Join(cols, ", ")
	if table == "linked_accounts" {
		// The external id is sealed (link.go): read the sealed column, opened below.
		selected = strings.Replace(selected, "external_id", "external_sealed", 1)
	}
	rows, err := t.query(ctx, `SELECT `+selected+` FROM `+table+` WHERE `+where+
		` ORDER BY `+cols[0], accountID)
	if err != nil {
		return nil, fmt.Errorf("storage: rows of %s: %w", table, err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			// Times are stored as microseconds; show them as times.
			if strings.HasSuffix(c, "_at") {
				if n, ok := v.(int64); ok {
					if n == 0 {
						v = nil
					} else {
						v = tm(n)
					}
				}
			}
			m[c] = v
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if table == "linked_accounts" {
		rows.Close()
		return out, t.openExported(ctx, accountID, out)
	}
	return out, nil
}

// openExported opens the sealed external ids of a takeout's linked accounts.
func (t *tx) openExported(ctx context.Context, accountID string, out []map[string]any) error {
	links := make([]*purse.LinkedAccount, len(out))
	for i, m := range out {
		s, _ := m["external_id"].(string)
		links[i] = &purse.LinkedAccount{ID: fmt.Sprint(m["id"]), ExternalID: s}
	}
	if err := t.openLinks(ctx, accountID, links); err != nil {
		return err
	}
	for i, m := range out {
		m["external_id"] = links[i].ExternalID
	}
	return nil
}
