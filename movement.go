package purse

import (
	"context"
	"errors"
	"time"
)

// TxKind is what a ledger transaction does.
type TxKind string

// Ledger transaction kinds (the CHECK constraint of ledger_transactions lists the same).
const (
	TxTopup         TxKind = "topup"
	TxWithdrawal    TxKind = "withdrawal"
	TxTransfer      TxKind = "transfer"
	TxFundSubscribe TxKind = "fund_subscribe"
	TxFundRedeem    TxKind = "fund_redeem"
	TxPointsGrant   TxKind = "points_grant"
	TxPointsSpend   TxKind = "points_spend"
	TxPointsConvert TxKind = "points_convert" // points turned into CNY in the balance
	TxStoredGrant   TxKind = "stored_grant"
	TxStoredSpend   TxKind = "stored_spend"
	TxCreditDraw    TxKind = "credit_draw"
	TxCreditRepay   TxKind = "credit_repay"
	TxSweep         TxKind = "sweep" // a leftover swept out at closure, or records carried at purge
)

// TxStatus is where a movement is: pending until its other side (a bank, the fund) settles it.
type TxStatus string

// Ledger transaction statuses.
const (
	TxPending TxStatus = "pending"
	TxSettled TxStatus = "settled"
	TxFailed  TxStatus = "failed"
)

// LedgerTransaction is one user-visible movement; its postings are the balanced legs. AccountID
// is the account that started it, Counterparty the receiving account of a transfer.
type LedgerTransaction struct {
	ID           string     `json:"id"`
	Kind         TxKind     `json:"kind"`
	Status       TxStatus   `json:"status"`
	AccountID    string     `json:"account_id"`
	Counterparty string     `json:"counterparty,omitempty"`
	CardID       string     `json:"card_id,omitempty"`
	Amount       int64      `json:"amount"`
	Currency     Currency   `json:"currency"`
	Memo         string     `json:"memo,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	SettleAfter  *time.Time `json:"settle_after,omitempty"`
	SettledAt    *time.Time `json:"settled_at,omitempty"`
}

// Posting is one leg of a ledger transaction: an amount into (positive) or out of (negative) one
// book of one owner. Owner is an account id or an operator book such as "operator:bank".
type Posting struct {
	Owner    string
	Book     Book
	Currency Currency
	Amount   int64
}

// Operator-side owners: they hold the other side of every user book, so the ledger sums to zero.
const (
	OwnerBank              = "operator:bank"
	OwnerFundCustodian     = "operator:fund_custodian"
	OwnerPointsIssuer      = "operator:points_issuer"
	OwnerStoredIssuer      = "operator:stored_issuer"
	OwnerCreditIssuer      = "operator:credit_issuer"
	OwnerWithdrawalsFlight = "operator:withdrawals_in_flight"
	OwnerSweep             = "operator:sweep" // leftovers below a policy's threshold, donated at closure
)

// OperatorOwners are every operator-side owner above: what the operator's books are read over
// (ledger.SubBooks splits each into sub-books).
var OperatorOwners = []string{OwnerBank, OwnerFundCustodian, OwnerPointsIssuer, OwnerStoredIssuer,
	OwnerCreditIssuer, OwnerWithdrawalsFlight, OwnerSweep}

// TxFilter selects an account's transactions, newest first.
type TxFilter struct {
	AccountID string
	Kind      TxKind    // "" for every kind
	From, To  time.Time // created_at in [From, To); zero for open
	// After is the cursor: the created_at and id of the last row of the previous page.
	AfterAt time.Time
	AfterID string
	Limit   int
}

// BookKey names one book: its owner (an account id or an operator book), kind and currency.
type BookKey struct {
	Owner    string
	Book     Book
	Currency Currency
}

// LedgerQueries store the ledger. Postings are append-only; a balance row changes only with the
// postings that explain it, in the same transaction.
type LedgerQueries interface {
	// AccountStatusForUpdate returns the account's status and locks its row until the transaction
	// ends, like AccountForUpdate but reading one column: the ledger's hot path. ErrNotFound.
	AccountStatusForUpdate(ctx context.Context, id string) (AccountStatus, error)
	InsertLedgerTransaction(ctx context.Context, t *LedgerTransaction) error
	// InsertPosting appends one leg of the transaction.
	InsertPosting(ctx context.Context, txID string, p Posting) error
	// AddBalance adds delta to the book (creating its row at zero) and returns the new amount; the
	// row stays locked until the transaction ends. ErrOverflow when the sum leaves int64.
	AddBalance(ctx context.Context, owner string, book Book, cur Currency, delta int64) (int64, error)
	// InsertLedgerTransactions stores several rows in one statement.
	InsertLedgerTransactions(ctx context.Context, ts []*LedgerTransaction) error
	// InsertPostings appends the legs of several transactions in one statement.
	InsertPostings(ctx context.Context, txIDs []string, ps []Posting) error
	// BookAmount returns the amount in one book, 0 when it has no row yet. The caller must hold the
	// owner's account lock for the amount to stay true.
	BookAmount(ctx context.Context, owner string, book Book, cur Currency) (int64, error)
	// The set-based forms below serve group commit (ledger.PostBatch): one statement for a whole
	// group instead of one per account or book, which on PostgreSQL is one round trip instead of
	// hundreds while the group holds its row locks.
	//
	// AccountStatusesForUpdate locks the rows of the accounts that exist, in id order (the ledger's
	// lock order), and returns their status; unknown ids are absent from the map.
	AccountStatusesForUpdate(ctx context.Context, ids []string) (map[string]AccountStatus, error)
	// AccountsForUpdate is AccountStatusesForUpdate returning the whole records (read under the
	// locks it takes): a commit group's senders are checked against them.
	AccountsForUpdate(ctx context.Context, ids []string) (map[string]*AccountRecord, error)
	// BookAmounts returns every book row of the owners. As for BookAmount, the caller holds their
	// account locks.
	BookAmounts(ctx context.Context, owners []string) (map[BookKey]int64, error)
	// AddBalances adds each delta to its book (creating rows at zero) and returns the new amounts.
	// Unlike AddBalance it does not guard against overflow: the caller has read the books under the
	// owners' account locks and checked every sum (ledger.PostBatch does; operator books, which it
	// does not read, go through AddBalance).
	AddBalances(ctx context.Context, deltas map[BookKey]int64) (map[BookKey]int64, error)
	// Balances returns every book row of the owner.
	Balances(ctx context.Context, owner string) ([]BookBalance, error)
	// BookTotals sums every balance row per currency, and every posting per currency; both must be
	// zero in a sound ledger.
	BookTotals(ctx context.Context) (balances, postings map[Currency]int64, err error)
	// LedgerTransaction returns the transaction if the account started or received it, else
	// ErrNotFound. accountID "" matches any.
	LedgerTransaction(ctx context.Context, id, accountID string) (*LedgerTransaction, error)
	// LedgerTransactionForUpdate returns and locks the transaction, or ErrNotFound.
	LedgerTransactionForUpdate(ctx context.Context, id string) (*LedgerTransaction, error)
	// LedgerTransactions lists by filter, newest first.
	LedgerTransactions(ctx context.Context, f TxFilter) ([]LedgerTransaction, error)
	// DuePendingTransactions lists up to limit pending transactions of the kind due at or before
	// now, oldest due first. Callers lock each with LedgerTransactionForUpdate before settling it.
	DuePendingTransactions(ctx context.Context, kind TxKind, now time.Time, limit int) ([]LedgerTransaction, error)
	// SettleLedgerTransaction marks a pending transaction settled at the time.
	SettleLedgerTransaction(ctx context.Context, id string, at time.Time) error
	// FailLedgerTransaction marks a pending transaction failed (the bank refused it); ErrNotFound
	// when it is not pending.
	FailLedgerTransaction(ctx context.Context, id string) error
	// PostponeLedgerTransaction moves a pending transaction's settle_after, when the bank's
	// reconciliation is next due; ErrNotFound when it is not pending.
	PostponeLedgerTransaction(ctx context.Context, id string, after time.Time) error
}

// WalletQueries are the wallet's query sets, embedded in Tx as one.
type WalletQueries interface {
	LedgerQueries
	CardQueries
	CreditQueries
}

// Wallet error codes.
const (
	CodeAmountInvalid         Code = "AMOUNT_INVALID"
	CodeInsufficientFunds     Code = "INSUFFICIENT_FUNDS"
	CodeAccountRestricted     Code = "ACCOUNT_RESTRICTED"
	CodeCardNumberInvalid     Code = "CARD_NUMBER_INVALID"
	CodePaymentPasswordNeeded Code = "PAYMENT_PASSWORD_REQUIRED"
	CodeRecipientNotFound     Code = "RECIPIENT_NOT_FOUND"
	CodeTransferToSelf        Code = "TRANSFER_TO_SELF"
	CodeCreditLimitExceeded   Code = "CREDIT_LIMIT_EXCEEDED"
	CodeCreditDebtOutstanding Code = "CREDIT_DEBT_OUTSTANDING"
	CodeCreditLineMissing     Code = "CREDIT_LINE_MISSING"
	CodeCreditLineExists      Code = "CREDIT_LINE_EXISTS"
	CodeRepaymentExceedsDebt  Code = "REPAYMENT_EXCEEDS_DEBT"
	CodeTransactionNotPending Code = "TRANSACTION_NOT_PENDING"
	CodeBalanceLimit          Code = "BALANCE_LIMIT"
	CodeCurrencyNotSupported  Code = "CURRENCY_NOT_SUPPORTED"
	CodePointsUnit            Code = "POINTS_UNIT"
)

// ErrOverflow is returned by AddBalance when a book would leave the int64 range.
var ErrOverflow = errors.New("balance overflow")
