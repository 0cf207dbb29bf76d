package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"

	"github.com/purse-wallet/purse"
)

// DefaultDeadline is how long a transaction may wait on the database when its caller set no
// deadline of its own, once the server turns deadlines on (SetDeadline). A request's transactions
// take milliseconds; one that waits this long waits on a database that is frozen, unreachable
// without an answer (a dead host, a partition) or stuck behind a lock, and its client is better
// told so (503 with Retry-After) than kept waiting with a connection and a pool slot held.
const DefaultDeadline = 5 * time.Second

// outageRetryAfter is the Retry-After of an answer given while the database is away: PostgreSQL
// restarts in seconds, and a client that tries again sooner only adds load to its recovery.
const outageRetryAfter = 2 * time.Second

// conflictRetryAfter is the Retry-After of a conflict between transactions that the store could
// not retry itself (see outage): the other transaction has gone on, so the next try usually passes.
const conflictRetryAfter = time.Second

// fullRetryAfter is the Retry-After of a write refused for a full disk: space comes back when an
// operator frees it, not in a second or two.
const fullRetryAfter = 10 * time.Second

// errDeadline is the cause of a context the store's deadline ended.
var errDeadline = errors.New("storage: the database did not answer within the store's deadline")

// SetDeadline bounds every transaction whose context has no deadline of its own to d (0: none):
// the transaction, each of its statements and the wait for a connection. Callers with longer
// work (background jobs, maintenance commands) give their context a deadline of their own. It is
// set once, before the store is used.
func (db *DB) SetDeadline(d time.Duration) { db.deadline = d }

// bounded gives ctx the store's deadline unless it has one already.
func (db *DB) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if db.deadline <= 0 {
		return ctx, func() {}
	}
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, db.deadline, errDeadline)
}

// outage turns a failure of the connection class into UNAVAILABLE with a Retry-After (503): the
// database refused or dropped the connection, is shutting down or starting up, or did not answer
// within the store's deadline (ctx, the context the transaction ran under). Nothing in such a
// failure is the request's fault or purse's bug, and the client may try again once the database
// is back; the pool replaces broken connections by itself, so purse recovers without a restart.
// A transaction cut off this way is rolled back by the server (its connection is gone) unless its
// COMMIT had already reached it: the client cannot tell, which is what Idempotency-Key is for.
//
// A conflict between transactions that the engine broke (PostgreSQL's deadlock detector, 40P01, or
// a serialization failure; SQLite's busy writer) is retried by the store when it ends a whole
// transaction (retry); inside a savepoint of a bound transaction (a commit group's movement, an
// Idempotency-Key request's step), or after the last retry, it reaches the caller. It is the
// database's conflict of the moment, not the request's fault nor purse's bug: UNAVAILABLE too,
// where it was INTERNAL (500) (TestDeadlockInASavepointIsUnavailable). Its cause stays in the
// chain, so retry still recognises it.
//
// Refusals and other purse errors pass as they are.
func (db *DB) outage(ctx context.Context, err error) error {
	if err == nil || purse.AsError(err) != nil {
		return err
	}
	var detail string
	retry := outageRetryAfter
	switch {
	case db.dialect.IsFull != nil && db.dialect.IsFull(err):
		detail, retry = "the database's disk is full", fullRetryAfter
	case errors.Is(err, errDeadline) || (ctx.Err() != nil && context.Cause(ctx) == errDeadline):
		detail = "the database did not answer in time"
	case errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		(db.dialect.IsLost != nil && db.dialect.IsLost(err)):
		detail = "the database is unreachable"
	case db.dialect.IsRetryable != nil && db.dialect.IsRetryable(err):
		detail, retry = "the database broke a conflict with another transaction", conflictRetryAfter
	default:
		return err
	}
	return &purse.Error{Code: purse.CodeUnavailable, RetryAfter: retry, Detail: detail, Err: err}
}

// newTx starts the bookkeeping of a transaction begun under ctx, for a caller whose context was
// caller (the same, or ctx's parent when the store added its deadline).
func newTx(db *DB, ctx, caller context.Context, st *sql.Tx, q querier, readOnly bool) *tx {
	t := &tx{db: db, ctx: ctx, caller: caller, sql: st, q: q, now: db.clock.Now().UTC(), readOnly: readOnly}
	if d, ok := ctx.Deadline(); ok && caller != ctx {
		t.deadline = d
	}
	return t
}

// bounded gives a statement the transaction's deadline. Statements take the context their caller
// passes, which is usually the one the store was called with, without the deadline the store
// added: a statement on it would wait on a frozen server for ever, the transaction's own
// context notwithstanding (database/sql rolls back only once the statement returns).
func (t *tx) bounded(ctx context.Context) context.Context {
	if t.deadline.IsZero() || ctx == t.ctx {
		return ctx
	}
	if ctx == t.caller {
		return t.ctx
	}
	if d, ok := ctx.Deadline(); ok && !d.After(t.deadline) {
		return ctx
	}
	c, cancel := context.WithDeadlineCause(ctx, t.deadline, errDeadline)
	t.mu.Lock()
	t.cancels = append(t.cancels, cancel)
	t.mu.Unlock()
	return c
}

// release frees the timers of the statements' contexts once the transaction is over.
func (t *tx) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.cancels {
		c()
	}
	t.cancels = nil
}
