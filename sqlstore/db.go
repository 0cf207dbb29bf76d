// Package sqlstore implements purse.Store over database/sql for both SQLite and PostgreSQL.
//
// The queries are written once, in the SQL both engines share (RETURNING, ON CONFLICT, partial
// indexes), with "?" placeholders rebound to "$n" for PostgreSQL. A Dialect supplies the few things
// that really differ: error classification, row locks and the migration folder. Writing every query
// twice, once per engine, would double the code without buying a difference. The sqlite and postgres
// subpackages open connections and hold their migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/purse-wallet/purse"
)

// Dialect is what differs between the engines.
type Dialect struct {
	Name        string // "sqlite" or "postgres"
	Goose       goose.Dialect
	Migrations  fs.FS
	Numbered    bool // placeholders are $1, $2 … instead of ?
	RowLocks    bool // SELECT … FOR UPDATE is meaningful
	IsRetryable func(error) bool
	// IsRefused, if set, reports that the server turned a new connection away for now (no free
	// connection slot, starting up or shutting down): nothing ran, and a later try may succeed.
	IsRefused func(error) bool
	// IsLost, if set, reports a failure of the connection class: the server is down, going down,
	// not up yet or out of room, or the connection to it broke or timed out. Such a failure says
	// nothing about the request, only that the database is not there now (see outage).
	IsLost func(error) bool
	// IsFull, if set, reports a write refused because the database's disk is full (SQLite's
	// SQLITE_FULL; PostgreSQL's 53100 is IsLost's). Writes fail, reads go on, and the store comes
	// back by itself once space is freed (see the sqlite package's checkpointer).
	IsFull func(error) bool
	// Room, if set, is asked before every write transaction begins; an error refuses it (the
	// disk too full to take the write and what keeps the store able to recover: see sqlite).
	Room       func() error
	IsUnique   func(error) bool
	IsBadInput func(error) bool // the engine refused a value's form: treated as "no such row"
	// Durable, if set, is called after every write transaction's COMMIT has returned and the
	// connection is free again; it returns once that commit is on disk. SQLite commits without an
	// fsync and syncs here, so the next transaction overlaps the previous one's fsync (see the
	// sqlite package); PostgreSQL's COMMIT is durable when it returns and leaves this nil.
	Durable func() error
	// Scrub removes the older copies of erased rows from the live files (see purse.Store.Scrub):
	// it is given the write pool, the tables an erasure writes and the report of this process's
	// last scrub (how long its rewrites took: the next one's estimate).
	Scrub func(ctx context.Context, write *sql.DB, tables []string, last ScrubReport) (ScrubReport, error)
	// Partition, if set, is the expression a RETURNING clause names a written row's partition by
	// (PostgreSQL's tableoid): the erasures record the partitions they wrote in scrub_pending, and
	// the scrub rewrites those (see scrub.go). Unset where no table is partitioned.
	Partition string
	// BareReads: the read pool's connections refuse writes by themselves and every statement sees
	// the latest commit anyway (PostgreSQL's default_transaction_read_only under READ COMMITTED),
	// so Read needs no BEGIN and COMMIT: two round trips fewer per read.
	BareReads bool
}

// DB is a purse.Store.
type DB struct {
	write     *sql.DB
	read      *sql.DB
	dialect   Dialect
	clock     purse.Clock
	goose     *goose.Provider
	rebound   sync.Map // query text → dialect text
	stmts     sync.Map // query text → *sql.Stmt prepared on the write pool (see Warm)
	readStmts sync.Map // the same for the read pool
	warm      atomic.Bool
	migrated  atomic.Bool                  // Migrate applied every migration this purse has
	closers   []func() error               // run by Close before the pools close (see OnClose)
	feed      feed                         // changes to accounts and sessions, for this process's session cache
	bareReads bool                         // Read runs on a read-only connection without BEGIN (see readConn)
	deadline  time.Duration                // of a transaction whose context has none (see SetDeadline)
	sealer    purse.Sealer                 // seals the outbox and linked ids (see UseSealer)
	trace     atomic.Pointer[func(string)] // see OnStatement
	lastScrub atomic.Pointer[ScrubReport]  // see LastScrub
}

// New wraps open connection pools: write for read-write transactions, read for read-only ones (the
// same pool on PostgreSQL). It does not migrate; call Migrate.
func New(write, read *sql.DB, d Dialect, clock purse.Clock) (*DB, error) {
	sub, err := fs.Sub(d.Migrations, ".")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(d.Goose, write, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	return &DB{write: write, read: read, dialect: d, clock: clock, goose: p, bareReads: d.BareReads}, nil
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.goose.Up(ctx); err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	db.migrated.Store(true)
	return nil
}

// Pending reports whether migrations remain to be applied. Once this store applied them all
// (Migrate), none can be pending again, and it answers without asking: the question went through
// the write pool, and on SQLite /readyz then waited behind whatever held the one write connection
// (a startup job's checkpoint) and answered "context deadline exceeded" (issue 17).
func (db *DB) Pending(ctx context.Context) (bool, error) {
	if db.migrated.Load() {
		return false, nil
	}
	return db.goose.HasPending(ctx)
}

// Dialect names the engine.
func (db *DB) Dialect() string { return db.dialect.Name }

// Ping checks that the database answers, through the read pool: a write pool busy with a long
// job (SQLite has one write connection) is no sign of a database that does not answer.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// OnClose registers fn to run when the store closes, before its pools do: a driver's background
// work, such as SQLite's checkpointer.
func (db *DB) OnClose(fn func() error) { db.closers = append(db.closers, fn) }

// Close stops the background work and closes the pools.
func (db *DB) Close() error {
	var err error
	for _, fn := range db.closers {
		err = errors.Join(err, fn())
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// SQL returns the write pool, for tests that must reach past the store (tampering with a row to
// prove that a check finds it).
func (db *DB) SQL() *sql.DB { return db.write }

type txKey struct{}

// Tx runs fn in a read-write transaction; see purse.Store.
func (db *DB) Tx(ctx context.Context, fn func(purse.Tx) error) error {
	if t, ok := ctx.Value(txKey{}).(*tx); ok {
		return t.savepoint(ctx, fn)
	}
	dctx, cancel := db.bounded(ctx)
	defer cancel()
	return db.outage(dctx, db.retry(dctx, func() error { return db.run(dctx, ctx, db.write, false, fn) }))
}

// Read runs fn in a read-only transaction; see purse.Store.
func (db *DB) Read(ctx context.Context, fn func(purse.Tx) error) error {
	if t, ok := ctx.Value(txKey{}).(*tx); ok {
		return t.interrupted(ctx, fn(t))
	}
	dctx, cancel := db.bounded(ctx)
	defer cancel()
	if db.bareReads {
		return db.outage(dctx, db.retry(dctx, func() error { return db.readConn(dctx, ctx, fn) }))
	}
	return db.outage(dctx, db.retry(dctx, func() error { return db.run(dctx, ctx, db.read, true, fn) }))
}

// Bind begins a transaction carried by the returned context; see purse.Store. The returned
// context carries the store's deadline too (SetDeadline), so that everything the bound request
// runs in the transaction ends with it.
func (db *DB) Bind(ctx context.Context) (context.Context, func(commit bool) error, error) {
	if _, ok := ctx.Value(txKey{}).(*tx); ok {
		return nil, nil, errors.New("storage: bind: a transaction is already bound")
	}
	dctx, cancel := db.bounded(ctx)
	t, err := db.begin(dctx, dctx, db.write, false)
	if err != nil {
		cancel()
		return nil, nil, db.outage(dctx, err)
	}
	end := func(commit bool) error {
		defer cancel()
		defer db.notify(t)
		if commit {
			return t.interrupted(dctx, db.commit(t))
		}
		db.traced("ROLLBACK")
		return t.interrupted(dctx, t.sql.Rollback())
	}
	return context.WithValue(dctx, txKey{}, t), end, nil
}

// Bound reports whether ctx carries a bound transaction; see purse.Store.
func (db *DB) Bound(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*tx)
	return ok
}

func (db *DB) retry(ctx context.Context, once func() error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = once()
		if err == nil || !db.dialect.IsRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(1<<attempt) * time.Millisecond):
		}
	}
	return fmt.Errorf("storage: gave up after repeated serialization failures: %w", err)
}

// begin begins a transaction under ctx (which carries the store's deadline); caller is the
// context the store was called with, which its statements are usually given (see tx.bounded).
func (db *DB) begin(ctx, caller context.Context, pool *sql.DB, readOnly bool) (*tx, error) {
	var opts *sql.TxOptions
	if readOnly && db.dialect.Name == "postgres" {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	if !readOnly && db.dialect.Room != nil {
		if err := db.dialect.Room(); err != nil {
			return nil, err
		}
	}
	var st *sql.Tx
	err := db.connect(ctx, func() (err error) {
		st, err = pool.BeginTx(ctx, opts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("storage: begin: %w", err)
	}
	db.traced("BEGIN")
	return newTx(db, ctx, caller, st, st, readOnly), nil
}

func (db *DB) run(ctx, caller context.Context, pool *sql.DB, readOnly bool, fn func(purse.Tx) error) (err error) {
	t, err := db.begin(ctx, caller, pool, readOnly)
	if err != nil {
		return err
	}
	defer db.notify(t) // deferred first, so it runs last: after the commit or rollback
	defer t.release()
	defer func() {
		if p := recover(); p != nil {
			_ = t.sql.Rollback()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		if kept, ok := committed(err); ok {
			if cerr := db.commit(t); cerr != nil {
				return t.interrupted(ctx, cerr)
			}
			return kept
		}
		db.traced("ROLLBACK")
		_ = t.sql.Rollback()
		return t.interrupted(ctx, err)
	}
	if readOnly {
		db.traced("COMMIT")
		return t.interrupted(ctx, wrapCommit(t.sql.Commit()))
	}
	return t.interrupted(ctx, db.commit(t))
}

// commit commits a write transaction and returns once it is durable.
func (db *DB) commit(t *tx) error {
	db.traced("COMMIT")
	if err := t.sql.Commit(); err != nil {
		return wrapCommit(err)
	}
	if db.dialect.Durable != nil {
		return wrapCommit(db.dialect.Durable())
	}
	return nil
}

// committed unwraps a purse.FailAfterCommit error.
func committed(err error) (error, bool) {
	var c *purse.CommittedError
	if errors.As(err, &c) {
		return c.Err, true
	}
	return nil, false
}

func wrapCommit(err error) error {
	if err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	return nil
}

// lockOf is a row-lock clause that names its tables ("FOR UPDATE OF c, a").
var lockOf = regexp.MustCompile(` FOR (UPDATE|SHARE) OF \w+(, \w+)*`)

// rebind turns "?" placeholders into "$n" for PostgreSQL and drops row-lock clauses where the
// engine has none (SQLite's single writer already serializes every write transaction).
func (db *DB) rebind(q string) string {
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	out := q
	if !db.dialect.RowLocks {
		out = strings.ReplaceAll(out, " SKIP LOCKED", "")
		out = lockOf.ReplaceAllString(out, "")
		out = strings.ReplaceAll(out, " FOR UPDATE", "")
		out = strings.ReplaceAll(out, " FOR SHARE", "")
	}
	if db.dialect.Numbered {
		out = Numbered(out)
	}
	db.rebound.Store(q, out)
	return out
}

// Numbered turns a statement's ? placeholders into PostgreSQL's $1, $2, … (the store's rebind, and
// the benches' and tests' own SQL).
func Numbered(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
