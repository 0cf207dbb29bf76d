// Package postgres opens purse's production store: PostgreSQL through pgx.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/sqlstore"
)

// Pool sizes per instance. A connection only helps while PostgreSQL has a core to run its query
// on; past that, more connections queue inside the server instead of in the pool, and p99 grows.
var (
	WritePool = 16
	ReadPool  = 16
)

// IdleTime is how long a pooled connection may sit unused before it is closed. An instance that
// once needed all 32 would otherwise hold them for good on a server whose max_connections other
// instances and tools share; re-opening one costs a connection and its prepared statements, a few
// milliseconds, once the load is back.
const IdleTime = 5 * time.Minute

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the PostgreSQL URL and applies pending migrations. Several purse instances may
// share one database: migrations take goose's lock, and every query is safe to run concurrently.
func Open(ctx context.Context, url string, clock purse.Clock) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("storage: open postgres: %w", err)
	}
	// The server's own limits, beside the store's deadline on each transaction (sqlstore.SetDeadline),
	// for what that deadline does not see: a lock wait inside a job's longer transaction, and a
	// transaction left open by a client that froze (a stopped purse instance holds its row locks
	// until the server ends its session). Both end as 55P03 or 25P03/08xxx: UNAVAILABLE (lost).
	cfg.RuntimeParams["lock_timeout"] = "10s"
	cfg.RuntimeParams["idle_in_transaction_session_timeout"] = "30s"
	// pgx's stdlib driver prepares each distinct statement once per connection and reuses it
	// (QueryExecModeCacheStatement, its default), so the hot reads need no warming here.
	pool := stdlib.OpenDB(*cfg.Copy())
	pool.SetMaxOpenConns(WritePool)
	pool.SetMaxIdleConns(WritePool)
	pool.SetConnMaxIdleTime(IdleTime)
	// Reads get their own pool whose sessions refuse writes, so that a Read needs no BEGIN and
	// COMMIT (sqlstore.Dialect.BareReads).
	readCfg := cfg.Copy()
	readCfg.RuntimeParams["default_transaction_read_only"] = "on"
	read := stdlib.OpenDB(*readCfg)
	read.SetMaxOpenConns(ReadPool)
	read.SetMaxIdleConns(ReadPool)
	read.SetConnMaxIdleTime(IdleTime)
	closeAll := func() { pool.Close(); read.Close() }
	if err := pool.PingContext(ctx); err != nil {
		closeAll()
		return nil, fmt.Errorf("storage: connect to postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlstore.New(pool, read, sqlstore.Dialect{
		Name:        "postgres",
		Goose:       goose.DialectPostgres,
		Migrations:  sub,
		Numbered:    true,
		RowLocks:    true,
		IsRetryable: func(err error) bool { return state(err) == "40001" || state(err) == "40P01" },
		// 53300 too_many_connections: max_connections (or the role's limit) is reached, shared by
		// every instance and client; 57P03 cannot_connect_now: the server is starting or stopping.
		IsRefused: func(err error) bool { s := state(err); return s == "53300" || s == "57P03" },
		IsLost:    lost,
		IsUnique:  func(err error) bool { return state(err) == "23505" },
		// 22P02 invalid text representation, 22021 bad UTF-8, 22003 out of range: a malformed value
		// matches no row; it is not a server failure.
		IsBadInput: func(err error) bool { s := state(err); return s == "22P02" || s == "22021" || s == "22003" },
		BareReads:  true,
		Scrub:      scrub,
		// The partition a row was in, by name (migration 00350: the tables the scrub rewrites).
		Partition: "tableoid::regclass::text",
	}, clock)
	if err != nil {
		closeAll()
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// lost reports a failure of the connection class (sqlstore.Dialect.IsLost): the server could not
// be reached or dropped the connection, is shutting down (57P01 admin_shutdown, 57P02
// crash_shutdown, 57P03 cannot_connect_now), has no room (53xxx: too many connections, disk
// full, out of memory), lost the connection's state (08xxx), or gave up on a statement or a
// lock (57014 query_canceled by statement_timeout, 55P03 lock_not_available by lock_timeout,
// 25P03 idle_in_transaction_session_timeout).
func lost(err error) bool {
	switch s := state(err); {
	case s == "":
	case strings.HasPrefix(s, "08"), strings.HasPrefix(s, "53"),
		s == "57P01", s == "57P02", s == "57P03", s == "57014", s == "55P03", s == "25P03":
		return true
	default:
		return false // the server answered: whatever it said is about the statement
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func state(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
