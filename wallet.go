package purse

import (
	"context"
	"time"
)

// Book is one of an account's balances (DESIGN.md §1).
type Book string

// Books. credit is the credit line's debt and the only one that may go negative; operator books
// (owner "operator:…") balance the ledger.
const (
	BookMain     Book = "balance" // CNY, the spendable balance
	BookPoints   Book = "points"  // 集分宝/彩贝 (AP-8.1), in PTS
	BookFund     Book = "fund"    // 余额宝 money-market (AP-8.2), in CNY
	BookStored   Book = "stored"  // 宝点 (AP-8.10), in STV
	BookCredit   Book = "credit"  // 花呗 debt (AP-8.5), negative when owed
	BookOperator Book = "operator"
)

// BookBalance is the amount in one book.
type BookBalance struct {
	Book     Book     `json:"book"`
	Currency Currency `json:"currency"`
	Amount   int64    `json:"amount"`
}

// EligibilityFacts is everything the closure checks read about an account, gathered in one
// transaction. The closure package turns facts into blockers; the store only counts.
type EligibilityFacts struct {
	Account *AccountRecord
	Books   []BookBalance // every book with a non-zero amount
	// PendingTransactions counts movements not yet settled (a withdrawal on its way, a fund
	// redemption); RecentWithdrawals those settled after the policy's window start (AP-8.3).
	PendingTransactions int
	RecentWithdrawals   int
	ActiveAutoDebits    int  // AP-8.4
	OpenCreditLine      bool // AP-8.5
	ActiveFlags         int  // AP-8.6
	PendingBusiness     int  // AP-8.7
	OpenDisputes        int  // AP-8.8
	ActiveContracts     int  // AP-8.9, in term at the transaction's time
	LinkedAccounts      int  // AP-4, IM-3
	BoundCards          int  // TP-1
	UnusedCoupons       int  // a warning only
	// SessionDevice is the remembered device the session was opened on, read by
	// EligibilityFactsForSession: its ID, AccountID, RevokedAt and CertificateAt only. Nil when
	// the session has none, or no session was given.
	SessionDevice *Device
}

// EligibilityQueries gather the facts.
type EligibilityQueries interface {
	// EligibilityFacts reads the account's facts; withdrawals settled at or after windowStart count
	// as still in progress (AP-8.3). ErrNotFound for no such account.
	EligibilityFacts(ctx context.Context, accountID string, windowStart time.Time) (*EligibilityFacts, error)
	// EligibilityFactsForSession is EligibilityFacts with the session's device (SessionDevice),
	// in the same statement.
	EligibilityFactsForSession(ctx context.Context, accountID, sessionID string, windowStart time.Time) (*EligibilityFacts, error)
	// InProgressUntil is when the account's movements in progress stop blocking a closure (AP-8.3):
	// the latest expected settlement of its pending movements, and the latest settlement of a
	// withdrawal since windowStart plus window; zero when neither is known.
	InProgressUntil(ctx context.Context, accountID string, windowStart time.Time, window time.Duration) (time.Time, error)
}
