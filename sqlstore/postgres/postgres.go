// Package postgres opens purse's production store: PostgreSQL through pgx.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the PostgreSQL URL and applies pending migrations. Several purse instances may
// share one database: migrations take goose's lock, and every query is safe to run concurrently.
func Open(ctx context.Context, url string, clock purse.Clock) (*sqlstore.DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("storage: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("storage: connect to postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlstore.New(pool, pool, sqlstore.Dialect{
		Name:        "postgres",
		Goose:       goose.DialectPostgres,
		Migrations:  sub,
		Numbered:    true,
		RowLocks:    true,
		IsRetryable: func(err error) bool { return state(err) == "40001" || state(err) == "40P01" },
		IsUnique:    func(err error) bool { return state(err) == "23505" },
		// 22P02 invalid text representation, 22021 bad UTF-8, 22003 out of range: a malformed value
		// matches no row; it is not a server failure.
		IsBadInput: func(err error) bool { s := state(err); return s == "22P02" || s == "22021" || s == "22003" },
	}, clock)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func state(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
