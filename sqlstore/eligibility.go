package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// EligibilityFacts counts, in two statements, everything a closure check looks at. The counting
// is storage's; deciding what blocks is the closure package's.
func (t *tx) EligibilityFacts(ctx context.Context, accountID string, windowStart time.Time) (*purse.EligibilityFacts, error) {
	f := &purse.EligibilityFacts{}
	now, window := ts(t.now), ts(windowStart)
	var openCredit int
	counts := []any{&f.PendingTransactions, &f.RecentWithdrawals, &f.ActiveAutoDebits, &openCredit, &f.ActiveFlags,
		&f.PendingBusiness, &f.OpenDisputes, &f.ActiveContracts, &f.LinkedAccounts, &f.BoundCards, &f.UnusedCoupons}
	// The arguments in the order of eligibilityCounts' placeholders: the counts', then the account's.
	args := []any{accountID, accountID, accountID, window, accountID, accountID, accountID, accountID, now,
		accountID, accountID, now, accountID, accountID, accountID, now, accountID}
	acct, err := scanAccount(spliceScanner{row: t.queryRowHot(ctx, eligibilityCounts, args...), after: counts})
	if err != nil {
		return nil, t.notFound(err)
	}
	f.Account, f.OpenCreditLine = acct, openCredit > 0
	rows, err := t.queryHot(ctx, eligibilityBooks, accountID)
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
	return f, nil
}

const eligibilityBooks = `SELECT book, currency, amount FROM ledger_balances
	WHERE owner = ? AND amount <> 0 ORDER BY book, currency`

// eligibilityCountQueries are the counts of EligibilityFacts, in the order of its destinations.
var eligibilityCountQueries = []string{
	`SELECT COUNT(*) FROM ledger_transactions WHERE (account_id = ? OR counterparty = ?) AND status = 'pending'`,
	`SELECT COUNT(*) FROM ledger_transactions WHERE account_id = ? AND kind = 'withdrawal' AND status = 'settled' AND settled_at >= ?`,
	`SELECT COUNT(*) FROM auto_debits WHERE account_id = ? AND status = 'active'`,
	`SELECT COUNT(*) FROM credit_lines WHERE account_id = ? AND status = 'open'`,
	`SELECT COUNT(*) FROM account_flags WHERE account_id = ? AND status = 'active'`,
	`SELECT COUNT(*) FROM business_flows WHERE account_id = ? AND status = 'pending' AND expires_at > ?`,
	`SELECT COUNT(*) FROM disputes WHERE account_id = ? AND status = 'open'`,
	`SELECT COUNT(*) FROM merchant_contracts WHERE account_id = ? AND status = 'active' AND ends_at > ?`,
	`SELECT COUNT(*) FROM linked_accounts WHERE account_id = ? AND status = 'linked'`,
	`SELECT COUNT(*) FROM cards WHERE account_id = ? AND status = 'bound'`,
	`SELECT COUNT(*) FROM coupons WHERE account_id = ? AND status = 'unused' AND expires_at > ?`,
}

// eligibilityCounts reads the account and every count in one statement of scalar subqueries rather
// than one statement each: the check is on the hot path (every eligibility call and every review);
// on PostgreSQL each statement is a round trip, and on SQLite the one statement is prepared once
// (see Warm). An unknown account gives no row.
var eligibilityCounts = "SELECT " + accountColumns + ", (" + strings.Join(eligibilityCountQueries, "), (") +
	") FROM accounts WHERE id = ?"
