package purse

import (
	"context"
	"time"
)

// PurgeState is where an account is in its retention life after closure (DESIGN.md §3). The
// personal-data purge works in two steps, a notice and then the erasure, so that the "data erased"
// notice can be delivered before the address it goes to is erased.
type PurgeState struct {
	AccountID       string
	NoticeID        string    // the outbox message of the data_erased notice, "" when none was sent
	NoticedAt       time.Time // zero until the notice step ran
	ErasedAt        time.Time // zero until the personal data was erased
	RecordsPurgedAt time.Time // zero until the AML records were purged
}

// PurgeCandidate is an account a retention job may act on, with its purge state.
type PurgeCandidate struct {
	Account *AccountRecord
	State   PurgeState
}

// Erasure is one account whose personal rows ErasePersonalRows erases: its id, its last phone and
// e-mail ("" when unknown) and its closure time, up to which messages to those addresses were its.
type Erasure struct {
	AccountID  string
	Addresses  []string
	SentBefore time.Time
}

// PurgeClaimParams select the closed accounts the personal-data purge claims: closed at or
// before ClosedBefore, their notice sent or enqueued at or before NoticedBefore, at most Limit.
// Two times of one type side by side are easily swapped; named fields are not.
type PurgeClaimParams struct {
	ClosedBefore  time.Time
	NoticedBefore time.Time
	Limit         int
}

// RetentionQueries serve the retention jobs (lifecycle package) and the legal hold.
type RetentionQueries interface {
	// ClosedForPurge lists what the personal-data purge would take now, at most limit: first the
	// accounts NoticedForErasure lists, then those ClosedForNotice lists (the dry run and tests).
	ClosedForPurge(ctx context.Context, p PurgeClaimParams) ([]*PurgeCandidate, error)
	// ClosedForNotice lists closed accounts not under legal hold, closed at or before
	// closedBefore, that the purge has not touched yet (no purge state), oldest first, claimed with
	// FOR UPDATE SKIP LOCKED so that two instances take different accounts. An account whose purge
	// state another transaction committed after this claim's snapshot is left out.
	ClosedForNotice(ctx context.Context, closedBefore time.Time, limit int) ([]*PurgeCandidate, error)
	// NoticedForErasure lists closed accounts not under legal hold, closed at or before
	// ClosedBefore, whose notice step ran and whose erasure did not, and whose data_erased notice
	// is no longer pending in the outbox (sent or failed), was never enqueued, or was enqueued at
	// or before NoticedBefore; oldest first, claimed like ClosedForNotice.
	NoticedForErasure(ctx context.Context, p PurgeClaimParams) ([]*PurgeCandidate, error)
	// PendingNotices counts the accounts not yet erased whose data_erased notice was enqueued
	// after noticedAfter and is still pending in the outbox.
	PendingNotices(ctx context.Context, noticedAfter time.Time) (int, error)
	// InsertPurgeStates records the notice step of accounts the purge had not touched. It fails
	// (and so rolls back the batch, its notices included) when one of them has a state already.
	InsertPurgeStates(ctx context.Context, states []*PurgeState) error
	// MarkErased records that the accounts' personal data was erased at at.
	MarkErased(ctx context.Context, accountIDs []string, at time.Time) error
	// DataKeys returns the accounts' data keys by account id; an account without one is absent.
	DataKeys(ctx context.Context, accountIDs []string) (map[string]*DataKey, error)
	// DestroyDataKeys overwrites the accounts' wrapped keys and marks them destroyed.
	DestroyDataKeys(ctx context.Context, accountIDs []string, at time.Time) error
	// ErasePersonalColumns erases the personal data the accounts' own rows hold (lookup hashes,
	// sealed phone, e-mail and name, masked phone, password hashes, certificate id) and marks
	// the closed ones purged at at. It returns how many accounts it purged.
	ErasePersonalColumns(ctx context.Context, accountIDs []string, at time.Time) (int, error)
	// PurgedForRecords lists purged accounts not under legal hold, closed at or before
	// closedBefore, whose records were not purged yet; claimed like ClosedForPurge.
	PurgedForRecords(ctx context.Context, closedBefore time.Time, limit int) ([]*PurgeCandidate, error)
	// SavePurgeState inserts or updates the account's purge state.
	SavePurgeState(ctx context.Context, s *PurgeState) error
	// ErasePersonalRows erases what the accounts' rows other than the accounts themselves hold of
	// their personal data: sealed card numbers and holders, sealed business-flow targets,
	// linked-account ids, flag notes, the outbox's recipients and bodies (pending messages fail),
	// sessions and stored idempotent answers. Messages without an account id sent to one of an
	// erasure's addresses at or before its SentBefore (a code sent before sign-up) are scrubbed
	// too; later ones may be a new owner's, since closure frees the phone and e-mail (TP-7). It
	// returns how many rows it touched, by account id.
	ErasePersonalRows(ctx context.Context, erasures []Erasure) (map[string]int, error)
	// PurgeRecords removes the account's AML records: every ledger transaction whose parties all
	// reached the end of their records period (this account included) is deleted with its
	// postings and replaced by one carried-balance transaction per currency that keeps every
	// owner's balance, so the ledger still sums to zero; and the account's service rows (cards,
	// coupons, agreements, linked accounts, disputes, flags, flows, outbox) are deleted. The
	// account row stays as a pseudonymous tombstone. It returns the number of transactions removed.
	PurgeRecords(ctx context.Context, accountID string, now time.Time) (int, error)
}

// LedgerLine is one posting of an account as exported: the movement it belongs to and the amount
// that moved in one of the account's books.
type LedgerLine struct {
	Seq           int64 // the posting's id: the export's cursor
	TransactionID string
	Kind          string
	Status        string
	Initiator     string // the account that started the movement
	Counterparty  string // the receiving account of a transfer; see OtherParty
	Memo          string
	Book          Book
	Amount        int64 // signed: positive into the book
	Currency      Currency
	CreatedAt     time.Time
}

// OtherParty is who the line's movement was with, seen from owner: the receiver of a transfer
// sees the sender, not itself (a transaction names only its receiver as Counterparty).
func (l LedgerLine) OtherParty(owner string) string {
	if l.Counterparty == owner {
		return l.Initiator
	}
	return l.Counterparty
}

// BookSum is what an owner's book held in one currency: the sum of its postings.
type BookSum struct {
	Book     Book
	Currency Currency
	Amount   int64
}

// LedgerLinesParams select one page of an account's ledger lines.
type LedgerLinesParams struct {
	AccountID string
	After     int64     // the last Seq of the previous page, 0 for the first
	From, To  time.Time // created in [From, To); a zero time leaves that end open
	Limit     int
}

// ExportQueries read what an account's exports hold, page by page.
type ExportQueries interface {
	// LedgerLines returns the account's postings with Seq > After and created in [From, To) (zero
	// times leave the range open), in Seq order, at most Limit.
	LedgerLines(ctx context.Context, p LedgerLinesParams) ([]LedgerLine, error)
	// BookSums returns what each of the account's books held just before the instant, by book
	// and currency in that order: a statement's opening and closing balances.
	BookSums(ctx context.Context, accountID string, before time.Time) ([]BookSum, error)
	// AccountRows returns the account's rows of a service table as column → value maps, for the
	// takeout archive. table is one of ExportTables.
	AccountRows(ctx context.Context, table, accountID string) ([]map[string]any, error)
}

// ExportTables are the service tables a takeout archive holds, with the columns it shows: sealed
// columns are left out (the card number is shown masked through last4).
var ExportTables = map[string][]string{
	"cards":              {"id", "bank", "last4", "status", "created_at", "ended_at"},
	"coupons":            {"id", "title", "amount", "currency", "status", "expires_at", "created_at"},
	"auto_debits":        {"id", "merchant", "kind", "status", "created_at", "ended_at"},
	"credit_lines":       {"id", "limit_amount", "currency", "status", "created_at", "ended_at"},
	"merchant_contracts": {"id", "title", "starts_at", "ends_at", "status", "created_at", "ended_at"},
	"linked_accounts":    {"id", "platform", "external_id", "status", "created_at", "ended_at"},
	"account_flags":      {"id", "kind", "note", "status", "created_at", "ended_at"},
	"ledger_balances":    {"book", "currency", "amount", "updated_at"},
}

// Codes of retention and exports.
const (
	CodeLegalHoldUnchanged Code = "LEGAL_HOLD_UNCHANGED"
	CodeExportRange        Code = "EXPORT_RANGE_INVALID"
)

// RecordsIdentity is the identity the AML records keep after the personal-data purge (DESIGN.md
// §3, docs/retention.md): sealed under a records key of its own, wrapped by the master key as
// "records:<account id>", until the records purge deletes it.
type RecordsIdentity struct {
	AccountID string
	Wrapped   []byte // the records key, wrapped
	Sealed    []byte // the identity, sealed under the records key
	Fields    string // which fields it holds, e.g. "name,phone"
	CreatedAt time.Time
}

// RecordsIdentityQueries keep the AML identity records.
type RecordsIdentityQueries interface {
	// InsertRecordsIdentities stores the identities of accounts being erased.
	InsertRecordsIdentities(ctx context.Context, ids []*RecordsIdentity) error
	// RecordsIdentity returns the account's identity record, or ErrNotFound.
	RecordsIdentity(ctx context.Context, accountID string) (*RecordsIdentity, error)
}

// RecordsKeyPrefix is how a records key's owner is named among the data keys a rotation walks
// (LiveDataKeys, RewrapDataKey) and in its wrapping: "records:<account id>".
const RecordsKeyPrefix = "records:"
