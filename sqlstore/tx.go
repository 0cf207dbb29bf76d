package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
)

// tx is one transaction. Its time is fixed when it begins, so every row it writes carries the
// same "now" and a test's clock decides it.
type tx struct {
	db         *DB
	ctx        context.Context // the context it was begun with: when it ends, database/sql rolls back
	sql        *sql.Tx         // nil for a PostgreSQL read, which runs on conn without BEGIN (see readConn)
	q          querier         // sql, or conn
	now        time.Time
	savepoints int
	readOnly   bool // begun on the read pool
	changed    changes
	created    string                    // the account this transaction inserted, whose registration answer is its
	keys       map[string]*purse.DataKey // data key rows read so far, nil for none (see keep)

	caller   context.Context      // the context the store was called with (see bounded)
	deadline time.Time            // the store's deadline, when it set one (see bounded)
	mu       sync.Mutex           // guards cancels
	cancels  []context.CancelFunc // of statements' contexts, run by release
}

var _ purse.Tx = (*tx)(nil)

// querier is what a transaction and a bare connection share.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (t *tx) Now() time.Time { return t.now }

// savepoint runs fn inside the bound transaction so that its failure undoes only its own writes.
func (t *tx) savepoint(ctx context.Context, fn func(purse.Tx) error) error {
	if t.sql == nil {
		return errors.New("storage: a write inside a read") // Tx is never bound to a Read's context
	}
	watched := ctx // bounded may hand back the transaction's own context, without the caller's values
	ctx = t.bounded(ctx)
	t.savepoints++
	name := fmt.Sprintf("sp%d", t.savepoints)
	t.db.traced("SAVEPOINT")
	if _, err := t.sql.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return t.interrupted(ctx, fmt.Errorf("storage: savepoint: %w", err))
	}
	// What the caller holds back in memory for later (jobs.Later: a batch item's audit events)
	// belongs to this savepoint: its watchers keep it only once the savepoint is released, and
	// drop it when it rolls back, or fn panics, with the savepoint's own writes.
	released := false
	ended := purse.SavepointOpened(watched)
	defer func() { ended(released) }()
	if err := fn(t); err != nil {
		if kept, ok := committed(err); ok {
			t.db.traced("RELEASE SAVEPOINT")
			if _, relErr := t.sql.ExecContext(ctx, "RELEASE SAVEPOINT "+name); relErr != nil {
				return t.interrupted(ctx, errors.Join(kept, relErr))
			}
			released = true
			return kept
		}
		t.keys = nil // what the undone writes left in it
		t.db.traced("ROLLBACK TO SAVEPOINT")
		if _, rbErr := t.sql.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rbErr != nil {
			return t.interrupted(ctx, errors.Join(err, rbErr))
		}
		return t.interrupted(ctx, err)
	}
	t.db.traced("RELEASE SAVEPOINT")
	_, err := t.sql.ExecContext(ctx, "RELEASE SAVEPOINT "+name)
	released = err == nil
	return t.interrupted(ctx, err)
}

// interrupted gives a failure of a transaction whose context has ended (the caller went away, the
// server is stopping) that context's cause. database/sql rolls such a transaction back on its own,
// and what fails after that says nothing of why: later statements and the commit answer
// sql.ErrTxDone, a statement under way the engine's own interruption error. With the cause in its
// chain (context.Canceled, context.DeadlineExceeded) the failure is classified like any other
// cancellation, UNAVAILABLE (purse.ErrorCode), instead of an internal fault. ctx is the context
// of the failing call, which may differ from the one the transaction began with. Refusals
// (*purse.Error) and failures whose contexts are both live stay as they are: a sql.ErrTxDone
// without an ended context is a use of a finished transaction, a bug.
func (t *tx) interrupted(ctx context.Context, err error) error {
	if err == nil || purse.AsError(err) != nil {
		return err
	}
	for _, c := range []context.Context{ctx, t.ctx} {
		if c == nil || c.Err() == nil {
			continue
		}
		if errors.Is(err, c.Err()) {
			return t.db.outage(c, err)
		}
		return t.db.outage(c, fmt.Errorf("storage: the transaction's context ended: %w", errors.Join(context.Cause(c), err)))
	}
	return t.db.outage(t.ctx, err)
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.bounded(ctx)
	t.db.traced(q)
	return t.q.ExecContext(ctx, t.db.rebind(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.bounded(ctx)
	t.db.traced(q)
	return t.q.QueryContext(ctx, t.db.rebind(q), args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.bounded(ctx)
	t.db.traced(q)
	return t.q.QueryRowContext(ctx, t.db.rebind(q), args...)
}

// notFound turns "no rows" (and an engine's refusal of a malformed value) into purse.ErrNotFound.
func (t *tx) notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) || (err != nil && t.db.dialect.IsBadInput(err)) {
		return purse.ErrNotFound
	}
	return err
}

// duplicate turns a unique-constraint violation into purse.ErrDuplicate.
func (t *tx) duplicate(err error) error {
	if err != nil && t.db.dialect.IsUnique(err) {
		return fmt.Errorf("%w: %v", purse.ErrDuplicate, err)
	}
	return err
}

// ts stores a time as microseconds since the epoch; the zero time stores as 0.
func ts(v time.Time) int64 {
	if v.IsZero() {
		return 0
	}
	return v.UnixMicro()
}

// tm reads what ts stored.
func tm(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// nullable stores "" as NULL, for columns whose uniqueness must ignore absent values.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertUnique runs an INSERT that may meet a unique constraint and returns purse.ErrDuplicate when
// it does, leaving the transaction usable. A plain unique violation would abort a PostgreSQL
// transaction (every later statement fails until rollback); ON CONFLICT DO NOTHING does not, on
// either engine, whichever unique index (partial ones included) the row collides with.
func (t *tx) insertUnique(ctx context.Context, q string, args ...any) error {
	res, err := t.exec(ctx, q+" ON CONFLICT DO NOTHING", args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return purse.ErrDuplicate
	}
	return nil
}
