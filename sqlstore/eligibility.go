package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// EligibilityFacts counts, in one transaction, everything a closure check looks at. The counting
// is storage's; deciding what blocks is the closure package's.
func (t *tx) EligibilityFacts(ctx context.Context, accountID string, windowStart time.Time) (*purse.EligibilityFacts, error) {
	acct, err := t.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	f := &purse.EligibilityFacts{Account: acct}
	rows, err := t.query(ctx, `SELECT book, currency, amount FROM ledger_balances
		WHERE owner = ? AND amount <> 0 ORDER BY book, currency`, accountID)
	if err != nil {
		return nil, fmt.Errorf("storage: eligibility books: %w", err)
	}
	for rows.Next() {
		var b purse.BookBalance
		var book, cur string
		if err := rows.Scan(&book, &cur, &b.Amount); err != nil {
			rows.Close()
			return nil, err
		}
		b.Book, b.Currency = purse.Book(book), purse.Currency(cur)
		f.Books = append(f.Books, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := ts(t.now)
	var openCredit int
	counts := []struct {
		dst  *int
		q    string
		args []any
	}{
		{&f.PendingTransactions, `SELECT COUNT(*) FROM ledger_transactions WHERE (account_id = ? OR counterparty = ?) AND status = 'pending'`, []any{accountID, accountID}},
		{&f.RecentWithdrawals, `SELECT COUNT(*) FROM ledger_transactions WHERE account_id = ? AND kind = 'withdrawal' AND status = 'settled' AND settled_at >= ?`, []any{accountID, ts(windowStart)}},
		{&f.ActiveAutoDebits, `SELECT COUNT(*) FROM auto_debits WHERE account_id = ? AND status = 'active'`, []any{accountID}},
		{&openCredit, `SELECT COUNT(*) FROM credit_lines WHERE account_id = ? AND status = 'open'`, []any{accountID}},
		{&f.ActiveFlags, `SELECT COUNT(*) FROM account_flags WHERE account_id = ? AND status = 'active'`, []any{accountID}},
		{&f.PendingBusiness, `SELECT COUNT(*) FROM business_flows WHERE account_id = ? AND status = 'pending' AND expires_at > ?`, []any{accountID, now}},
		{&f.OpenDisputes, `SELECT COUNT(*) FROM disputes WHERE account_id = ? AND status = 'open'`, []any{accountID}},
		{&f.ActiveContracts, `SELECT COUNT(*) FROM merchant_contracts WHERE account_id = ? AND status = 'active' AND ends_at > ?`, []any{accountID, now}},
		{&f.LinkedAccounts, `SELECT COUNT(*) FROM linked_accounts WHERE account_id = ? AND status = 'linked'`, []any{accountID}},
		{&f.BoundCards, `SELECT COUNT(*) FROM cards WHERE account_id = ? AND status = 'bound'`, []any{accountID}},
		{&f.UnusedCoupons, `SELECT COUNT(*) FROM coupons WHERE account_id = ? AND status = 'unused' AND expires_at > ?`, []any{accountID, now}},
	}
	// One statement of scalar subqueries rather than one per count: the check is on the hot path
	// (every eligibility call and every review), and on PostgreSQL each statement is a round trip.
	var sel strings.Builder
	var args []any
	dsts := make([]any, len(counts))
	sel.WriteString("SELECT ")
	for i, c := range counts {
		if i > 0 {
			sel.WriteString(", ")
		}
		sel.WriteString("(" + c.q + ")")
		args = append(args, c.args...)
		dsts[i] = c.dst
	}
	if err := t.queryRow(ctx, sel.String(), args...).Scan(dsts...); err != nil {
		return nil, fmt.Errorf("storage: eligibility counts: %w", err)
	}
	f.OpenCreditLine = openCredit > 0
	return f, nil
}
