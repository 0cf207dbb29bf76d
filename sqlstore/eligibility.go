package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// EligibilityFacts reads, in one statement, everything a closure check looks at: the account,
// every count, and the account's non-zero books. The counting is storage's; deciding what blocks
// is the closure package's.
func (t *tx) EligibilityFacts(ctx context.Context, accountID string, windowStart time.Time) (*purse.EligibilityFacts, error) {
	return t.EligibilityFactsForSession(ctx, accountID, "", windowStart)
}

// EligibilityFactsForSession is EligibilityFacts with the device the session was opened on, in the
// same statement: read apart it was a round trip of its own at every check (issue 19 session 15:
// a third of a check's statements on PostgreSQL).
func (t *tx) EligibilityFactsForSession(ctx context.Context, accountID, sessionID string, windowStart time.Time) (*purse.EligibilityFacts, error) {
	f := &purse.EligibilityFacts{}
	now, window := ts(t.now), ts(windowStart)
	var openCredit int
	var books, device sql.NullString
	after := []any{&books, &device, &f.PendingTransactions, &f.RecentWithdrawals, &f.ActiveAutoDebits, &openCredit, &f.ActiveFlags,
		&f.PendingBusiness, &f.OpenDisputes, &f.ActiveContracts, &f.LinkedAccounts, &f.BoundCards, &f.UnusedCoupons}
	// The arguments in the order of eligibilityFacts' placeholders: the lookup row's
	// (accountColumnsByID), the books', the session's device's, the counted rows', then the
	// account's.
	args := []any{accountID, accountID, sessionID, accountID, accountID, accountID, accountID, window, accountID, accountID,
		accountID, accountID, now, accountID, accountID, now, accountID, accountID, accountID, now, accountID}
	acct, err := scanAccount(spliceScanner{row: t.queryRowHot(ctx, eligibilityFacts, args...), after: after})
	if err != nil {
		return nil, t.notFound(err)
	}
	f.Account, f.OpenCreditLine = acct, openCredit > 0
	if f.Books, err = parseBooks(books.String); err != nil {
		return nil, fmt.Errorf("storage: eligibility books of %s: %w", accountID, err)
	}
	if f.SessionDevice, err = parseSessionDevice(device.String); err != nil {
		return nil, fmt.Errorf("storage: eligibility device of %s: %w", accountID, err)
	}
	return f, nil
}

// eligibilitySessionDevice is the device the session was opened on as one column: "id account
// revoked_at certificate_at" (ids are UUIDs, times integers: none holds a space), or NULL.
const eligibilitySessionDevice = `SELECT d.id || ' ' || d.account_id || ' ' || d.revoked_at || ' ' || d.certificate_at
	FROM session_devices s JOIN devices d ON d.id = s.device_id WHERE s.session_id = ?`

// parseSessionDevice reads eligibilitySessionDevice's column; empty is no device.
func parseSessionDevice(s string) (*purse.Device, error) {
	if s == "" {
		return nil, nil
	}
	f := strings.Fields(s)
	if len(f) != 4 {
		return nil, fmt.Errorf("malformed device %q", s)
	}
	revoked, err1 := strconv.ParseInt(f[2], 10, 64)
	certified, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("malformed device %q", s)
	}
	return &purse.Device{ID: f[0], AccountID: f[1], RevokedAt: tm(revoked), CertificateAt: tm(certified)}, nil
}

// eligibilityBooks aggregates the account's non-zero books into one column of "book currency
// amount" entries joined by commas (string_agg: SQLite 3.44 and PostgreSQL alike). On PostgreSQL
// a second statement is a second round trip and a second execution in a backend on the cores the
// API runs on; this one column costs neither. The entries are ordered in Go: an ORDER BY inside
// the aggregate makes SQLite sort through a temporary b-tree. Books and currencies are fixed words
// (purse.Book, purse.Currency), never holding a space or a comma.
const eligibilityBooks = `SELECT string_agg(book || ' ' || currency || ' ' || amount, ',')
	FROM ledger_balances WHERE owner = ? AND amount <> 0`

// parseBooks reads eligibilityBooks' column, in book and then currency order; empty means no
// non-zero book.
func parseBooks(s string) ([]purse.BookBalance, error) {
	if s == "" {
		return nil, nil
	}
	entries := strings.Split(s, ",")
	out := make([]purse.BookBalance, 0, len(entries))
	for _, e := range entries {
		book, rest, ok1 := strings.Cut(e, " ")
		cur, amount, ok2 := strings.Cut(rest, " ")
		n, err := strconv.ParseInt(amount, 10, 64)
		if !ok1 || !ok2 || err != nil {
			return nil, fmt.Errorf("malformed book entry %q", e)
		}
		out = append(out, purse.BookBalance{Book: purse.Book(book), Currency: purse.Currency(cur), Amount: n})
	}
	slices.SortFunc(out, func(a, b purse.BookBalance) int {
		return cmp.Or(cmp.Compare(a.Book, b.Book), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// eligibilityCounted are the rows EligibilityFacts counts, each marked with the number of its
// count (1 to 11, in the order of the counts' destinations). They are counted by one aggregate
// over their union rather than by a scalar subquery each: on PostgreSQL every aggregate and
// every subquery is a node the executor sets up at each execution, and setting up the statement's
// plan was a third of the server's CPU per check (issue 19 session 11; perf on the backends).
// Each arm is still the search of one index.
var eligibilityCounted = []string{
	// Two arms for count 1 rather than one with OR: under OR, SQLite (and PostgreSQL on a generic
	// plan) walks every pending transaction of every account; each arm here is a search of its own
	// partial index (migration 00101). A transaction with the account on both sides counts once.
	`SELECT 1 AS n FROM ledger_transactions WHERE account_id = ? AND status = 'pending'`,
	`SELECT 1 FROM ledger_transactions WHERE counterparty = ? AND account_id <> ? AND status = 'pending'`,
	`SELECT 2 FROM ledger_transactions WHERE account_id = ? AND kind = 'withdrawal' AND status = 'settled' AND settled_at >= ?`,
	`SELECT 3 FROM auto_debits WHERE account_id = ? AND status = 'active'`,
	`SELECT 4 FROM credit_lines WHERE account_id = ? AND status = 'open'`,
	`SELECT 5 FROM account_flags WHERE account_id = ? AND status = 'active'`,
	// Only the holder's own business counts (by_holder, migration 00120): a recovery a stranger
	// started must not block or fail a closure.
	`SELECT 6 FROM business_flows WHERE account_id = ? AND status = 'pending' AND expires_at > ? AND by_holder = TRUE`,
	`SELECT 7 FROM disputes WHERE account_id = ? AND status = 'open'`,
	`SELECT 8 FROM merchant_contracts WHERE account_id = ? AND status = 'active' AND ends_at > ?`,
	`SELECT 9 FROM linked_accounts WHERE account_id = ? AND status = 'linked'`,
	`SELECT 10 FROM cards WHERE account_id = ? AND status = 'bound'`,
	`SELECT 11 FROM coupons WHERE account_id = ? AND status = 'unused' AND expires_at > ?`,
}

// eligibilityCounts is eligibilityFacts' tail after the books: the 11 counts' columns, then the
// FROM clause that joins the account to counts, a one-row derived table counting
// eligibilityCounted's rows.
func eligibilityCounts() string {
	var cols, aggs []string
	for i := 1; i <= 11; i++ {
		n := strconv.Itoa(i)
		cols = append(cols, "counts.n"+n)
		aggs = append(aggs, "COUNT(CASE WHEN n = "+n+" THEN 1 END) AS n"+n)
	}
	return strings.Join(cols, ", ") + " FROM accounts, (SELECT " + strings.Join(aggs, ", ") +
		" FROM (" + strings.Join(eligibilityCounted, " UNION ALL ") + ") counted) counts"
}

// eligibilityFacts reads the account, every count and the books in one statement rather than one
// statement each: the check is on the hot path (every eligibility call and every review); on
// PostgreSQL each statement is a round trip, and on SQLite the one statement is prepared once (see
// Warm). An unknown account gives no row.
var eligibilityFacts = "SELECT " + accountColumnsByID + ", (" + eligibilityBooks + "), (" + eligibilitySessionDevice + "), " + eligibilityCounts() +
	" WHERE accounts.id = ?"

// InProgressUntil is read only when the page shows a TRANSACTION_IN_PROGRESS blocker, off the hot
// path: the two maxima use the same partial indexes as the counts.
func (t *tx) InProgressUntil(ctx context.Context, accountID string, windowStart time.Time, window time.Duration) (time.Time, error) {
	var pending, settled int64
	err := t.queryRow(ctx, `SELECT
		COALESCE((SELECT MAX(settle_after) FROM ledger_transactions WHERE account_id = ? AND status = 'pending'), 0),
		COALESCE((SELECT MAX(settled_at) FROM ledger_transactions WHERE account_id = ? AND kind = 'withdrawal'
			AND status = 'settled' AND settled_at >= ?), 0)`, accountID, accountID, ts(windowStart)).Scan(&pending, &settled)
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: in progress until: %w", err)
	}
	until := tm(pending)
	if settled > 0 {
		if end := tm(settled).Add(window); end.After(until) {
			until = end
		}
	}
	return until, nil
}
