package purse

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by store methods when no row matches. Services turn it into the
// CodeNotFound error their callers see.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned by store methods when a unique constraint refuses a row.
var ErrDuplicate = errors.New("duplicate")

// ErrScrubBusy is Store.Scrub's answer while another session (another purse instance's purge, or
// another worker's) scrubs the same database: scrubs take turns, since two at once wait on each
// other's table locks. What this caller's erasures left is still to scrub: it tries again later.
var ErrScrubBusy = errors.New("storage: another scrub of this database is running")

// ErrScrubUnfinished is Store.Scrub's answer when its caller's deadline left no time for the
// rewrites still pending (PostgreSQL: a partition's VACUUM FULL, seconds each on a large store):
// it did what fitted and kept the rest, which the next scrub takes up. Not an outage: the purge
// that asked goes on and scrubs again at its pace.
var ErrScrubUnfinished = errors.New("storage: the scrub ran out of time; what is left is kept for the next")

// Store is the one storage seam. The sqlstore package implements it for SQLite and PostgreSQL.
type Store interface {
	// Tx runs fn in a read-write transaction and commits when fn returns nil. When ctx already
	// carries a transaction (see Store.Bind), fn runs inside it under a savepoint, so that a failing
	// step rolls back alone and the outer work (an idempotent request) still commits atomically.
	// Serialization failures are retried.
	Tx(ctx context.Context, fn func(Tx) error) error
	// Read runs fn read-only; on SQLite in a read transaction (one snapshot) that does not wait for
	// the writer, on PostgreSQL on a read-only connection without BEGIN, each statement seeing the
	// latest commit, as READ COMMITTED transactions did anyway. A write inside fn is refused.
	Read(ctx context.Context, fn func(Tx) error) error
	// Bind begins a transaction and returns a context that carries it: every Tx and Read under that
	// context joins it. commit ends it; commit(false) rolls it back. The idempotency middleware uses
	// it so that a request's effect and its stored answer commit together or not at all.
	Bind(ctx context.Context) (context.Context, func(commit bool) error, error)
	// Bound reports whether ctx carries a transaction from Bind (a Tx under it is a savepoint).
	Bound(ctx context.Context) bool
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Pending reports whether migrations remain to be applied.
	Pending(ctx context.Context) (bool, error)
	// Dialect names the engine: "sqlite" or "postgres".
	Dialect() string
	// Scrub removes from the live database files the older copies of rows that an erasure changed
	// or deleted, which the engine otherwise keeps for a while: SQLite's write-ahead log (checkpointed
	// and truncated; secure_delete zeroes what the checkpoint frees), PostgreSQL's dead row versions
	// and index entries (VACUUM of the tables erasure writes). It runs outside any transaction, after
	// the erasing one committed. An error means older copies may remain; calling it again is safe.
	// ErrScrubBusy means another session of the database is scrubbing and this one did nothing;
	// ErrScrubUnfinished that ctx's deadline cut it short between two rewrites, the rest kept.
	Scrub(ctx context.Context) error
	Close() error
}

// Tx is everything one transaction can do: the union of the per-domain query sets. Each domain adds
// its interface here and its implementation in a file of its own in sqlstore.
type Tx interface {
	AccountQueries
	SessionQueries
	IdempotencyQueries
	SettingQueries
	RateQueries
	LoginLockQueries
	RegistrationQueries
	TwoStepQueries
	RebindQueries
	KeyQueries
	OperatorQueries
	OutboxQueries
	AuditQueries
	EligibilityQueries
	ServiceQueries
	ConsoleQueries
	RetentionQueries
	RecordsIdentityQueries
	ExportQueries
	DeliveryQueries
	AuditReadQueries
	ClosureQueries
	VerifyQueries
	WalletQueries
	ClosureFunnelQueries
	ClosureReasonQueries
	JobFailureQueries
	ConsoleNameQueries
	DocumentQueries
	ApprovalQueries
	// Now is the transaction's fixed time, taken from the store's clock when it began.
	Now() time.Time
}

// AccountQueries store accounts.
type AccountQueries interface {
	// InsertAccount stores a new account; ErrDuplicate when the phone or e-mail hash belongs to a
	// live account.
	InsertAccount(ctx context.Context, a *AccountRecord) error
	// Account returns the account with id, or ErrNotFound.
	Account(ctx context.Context, id string) (*AccountRecord, error)
	// AccountForUpdate returns the account with id and locks its row until the transaction ends
	// (PostgreSQL FOR UPDATE; SQLite's single writer already serializes).
	AccountForUpdate(ctx context.Context, id string) (*AccountRecord, error)
	// LiveAccountByLookup returns the live account whose phone or e-mail hash is hash, or ErrNotFound.
	LiveAccountByLookup(ctx context.Context, hash string) (*AccountRecord, error)
	// LatestAccountByLookup returns the newest account, live or not, whose phone or e-mail hash is
	// hash, so that sign-in can tell a closed account from an unknown one (TP-6).
	LatestAccountByLookup(ctx context.Context, hash string) (*AccountRecord, error)
	// UpdateAccount writes every mutable field of a.
	UpdateAccount(ctx context.Context, a *AccountRecord) error
	// CountAccounts counts accounts by status.
	CountAccounts(ctx context.Context) (map[AccountStatus]int, error)
}

// SessionQueries store sign-in sessions.
type SessionQueries interface {
	InsertSession(ctx context.Context, s *Session) error
	// SessionByTokenHash returns the unrevoked, unexpired session for the hash, or ErrNotFound.
	SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*Session, error)
	// SessionAccount returns the unrevoked, unexpired session for the hash with its account, in
	// one read (every authenticated request runs it), or ErrNotFound.
	SessionAccount(ctx context.Context, hash string, now time.Time) (*Session, *AccountRecord, error)
	RevokeSession(ctx context.Context, id string, now time.Time) error
	// RevokeAccountSessions revokes every session of the account (closure, password change).
	RevokeAccountSessions(ctx context.Context, accountID string, now time.Time) (int, error)
	// RevokeOtherSessions revokes every live session of the account but keepSessionID.
	RevokeOtherSessions(ctx context.Context, accountID, keepSessionID string, now time.Time) (int, error)
}

// IdempotentResponse is the first answer to a request sent with an Idempotency-Key.
type IdempotentResponse struct {
	Scope       string // the account id, or "anon" for unauthenticated calls
	Key         string
	RequestHash string // SHA-256 of method, path and body
	Status      int
	Header      map[string]string
	Body        []byte
	CreatedAt   time.Time
}

// IdempotencyQueries store idempotent answers.
type IdempotencyQueries interface {
	// IdempotentResponse returns the stored answer, or ErrNotFound.
	IdempotentResponse(ctx context.Context, scope, key string) (*IdempotentResponse, error)
	// InsertIdempotentResponse stores an answer; ErrDuplicate when the key was taken meanwhile.
	InsertIdempotentResponse(ctx context.Context, r *IdempotentResponse) error
	// DeleteIdempotentResponses removes the oldest answers created before the time, at most limit,
	// returning how many.
	DeleteIdempotentResponses(ctx context.Context, before time.Time, limit int) (int, error)
}

// SettingQueries store the operator's live switches (maintenance, minimum client version).
type SettingQueries interface {
	// Setting returns the value, or "" when unset.
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string, now time.Time) error
}

// RateQueries count events in fixed windows in the database, so that limits hold across several
// instances of purse.
type RateQueries interface {
	// Hit adds one to the counter for key in the window starting at windowStart and returns the
	// new count.
	Hit(ctx context.Context, key string, windowStart time.Time) (int, error)
	// HitAll is Hit for several distinct keys in one statement; the counts are in the keys' order.
	HitAll(ctx context.Context, keys []string, windowStart time.Time) ([]int, error)
	// AddToCounter adds delta to the counter of key in the window and returns the new total, like
	// Hit for sums (the day's password-free payments).
	AddToCounter(ctx context.Context, key string, windowStart time.Time, delta int64) (int64, error)
	// Counters returns the counters of the keys in the window; a key with none yet is absent.
	Counters(ctx context.Context, keys []string, windowStart time.Time) (map[string]int64, error)
	// AddToCounters adds each delta to its key's counter in the window, in one statement (a
	// commit group's password-free totals).
	AddToCounters(ctx context.Context, deltas map[string]int64, windowStart time.Time) error
	// Hits returns the count without adding.
	Hits(ctx context.Context, key string, windowStart time.Time) (int, error)
}

// LoginLock counts wrong passwords given for a login that names no account, as the account's own
// LoginFailures and LoginLockedUntil do for a known one, so that both answer alike (issue 14).
type LoginLock struct {
	Key         string // the login's keyed hash
	Failures    int
	LockedUntil time.Time
	UpdatedAt   time.Time
}

// LoginLockQueries store the locks of unknown logins.
type LoginLockQueries interface {
	// LoginLock returns the lock of key; a zero lock with the key when there is none.
	LoginLock(ctx context.Context, key string) (*LoginLock, error)
	// LoginLockForUpdate returns the lock of key, locked for the transaction; a zero lock with the
	// key when there is none.
	LoginLockForUpdate(ctx context.Context, key string) (*LoginLock, error)
	// SaveLoginLock inserts or replaces the lock.
	SaveLoginLock(ctx context.Context, l *LoginLock) error
	// DeleteLoginLocks removes locks untouched since the time, returning how many.
	DeleteLoginLocks(ctx context.Context, before time.Time) (int, error)
	// DeleteRateCounters removes the counters of windows that started before the time.
	DeleteRateCounters(ctx context.Context, before time.Time) (int, error)
}

// DataKey is an account's data-encryption key, wrapped by the operator's master key. Destroying it
// crypto-shreds the account's personal data, backups included.
type DataKey struct {
	AccountID   string
	Wrapped     []byte
	CreatedAt   time.Time
	DestroyedAt time.Time
}

// KeyQueries store data keys.
type KeyQueries interface {
	InsertDataKey(ctx context.Context, k *DataKey) error
	// DataKey returns the account's key, or ErrNotFound; a destroyed key has Wrapped == nil.
	DataKey(ctx context.Context, accountID string) (*DataKey, error)
	// DestroyDataKey overwrites the wrapped key and marks it destroyed.
	DestroyDataKey(ctx context.Context, accountID string, now time.Time) error
	// LiveDataKeys returns up to limit keys not destroyed whose account id sorts after the given
	// one, in account id order: a master-key rotation walks them with it.
	LiveDataKeys(ctx context.Context, after string, limit int) ([]*DataKey, error)
	// RewrapDataKey replaces the account's wrapped key old by new and reports whether it did: false
	// when the key is no longer old (destroyed or rewrapped meanwhile).
	RewrapDataKey(ctx context.Context, accountID string, old, new []byte) (bool, error)
}

// FailAfterCommit wraps err so that Store.Tx commits what the transaction wrote and still returns
// err to its caller. It is for failures that must leave a trace: a wrong password's failure count,
// a one-time code's spent attempt, a lock that has just been set.
func FailAfterCommit(err error) error { return &CommittedError{Err: err} }

// CommittedError is the carrier FailAfterCommit returns; stores unwrap it after committing.
type CommittedError struct{ Err error }

func (c *CommittedError) Error() string { return c.Err.Error() }
func (c *CommittedError) Unwrap() error { return c.Err }
