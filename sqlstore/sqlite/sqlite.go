// Package sqlite opens purse's embedded store: one SQLite file through the pure-Go modernc driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating if needed) the SQLite database at path and applies pending migrations.
//
// SQLite has one writer: writes go through a pool of one connection whose transactions begin
// IMMEDIATE, so they queue in Go rather than spin on SQLITE_BUSY; reads use their own pool and run
// beside the writer under WAL. A commit is durable before it is acknowledged, as under
// synchronous=FULL, but its fsync runs after the write connection is released (walSync), so that
// concurrent writers share fsyncs instead of queueing behind each one; and checkpoints run from a
// connection of their own (checkpointer), never inside a writer's COMMIT. secure_delete overwrites
// erased personal data instead of leaving it in free pages.
func Open(ctx context.Context, path string, clock purse.Clock) (*sqlstore.DB, error) {
	pragmas := []string{"journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)", "secure_delete(1)",
		fmt.Sprintf("journal_size_limit(%d)", walSizeLimit)}
	dsn := func(txlock string, extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", txlock)
		return "file:" + uriPath(path) + "?" + q.Encode()
	}
	// Both pools keep each connection's prepared statements (stmtcache.go).
	write := sql.OpenDB(connector{dsn("immediate", "busy_timeout(10000)", "wal_autocheckpoint(0)", "cache_size(-65536)")})
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	read := sql.OpenDB(connector{dsn("deferred", "busy_timeout(10000)", "query_only(1)", "cache_size(-16384)")})
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	read.SetConnMaxIdleTime(0)
	ckpt, err := sql.Open("sqlite", dsn("deferred", fmt.Sprintf("busy_timeout(%d)", checkpointBusy.Milliseconds())))
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("storage: open sqlite %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	sub, _ := fs.Sub(migrations, "migrations")
	cp := newCheckpointer(ckpt, write, path+"-wal")
	db, err := sqlstore.New(write, read, sqlstore.Dialect{
		Name:        "sqlite",
		Goose:       goose.DialectSQLite3,
		Migrations:  sub,
		IsRetryable: isBusy,
		IsUnique:    isUnique,
		IsFull: func(err error) bool {
			if code(err)&0xff != sqlite3.SQLITE_FULL {
				return false
			}
			cp.nudge()
			return true
		},
		Room:       cp.room,
		IsBadInput: func(error) bool { return false },
		Durable:    newWALSync(path + "-wal").wait,
		Scrub:      scrub,
	}, clock)
	if err != nil {
		write.Close()
		read.Close()
		ckpt.Close()
		return nil, err
	}
	db.OnClose(cp.start().Close)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Prepare the hot statements now, while no transaction can hold the one write connection.
	if err := db.Warm(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Commits are made durable by syncing the WAL by its name (walSync), which treats a missing
	// file as nothing to sync. With the connections open the WAL exists; if it is not where walSync
	// looks, commits would be acknowledged unsynced, so refuse to run.
	if _, err := os.Stat(path + "-wal"); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: sqlite %s: no write-ahead log beside it, so commits could not be made durable: %w", path, err)
	}
	return db, nil
}

// uriPath escapes the characters that end or encode a path in an SQLite URI filename. Unescaped,
// "a#1/purse.db" opened the file "a" (the rest read as a fragment), and a "?" started the query.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func isBusy(err error) bool {
	c := code(err) & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

func isUnique(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
