package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/purse-wallet/purse"
)

// readConn runs a Read on one connection of the read pool, without BEGIN and COMMIT. On PostgreSQL
// under READ COMMITTED (purse never raises the level) a transaction gives a read nothing a bare
// statement lacks: each statement takes its own snapshot either way. The pool's connections are
// opened with default_transaction_read_only, so a write slipped into a Read is still refused by the
// server, as in a read-only transaction. The gain is two round trips per Read, on the path of every
// authenticated request and every eligibility check.
func (db *DB) readConn(ctx, caller context.Context, fn func(purse.Tx) error) error {
	var conn *sql.Conn
	err := db.connect(ctx, func() (err error) {
		conn, err = db.read.Conn(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: read connection: %w", err)
	}
	defer conn.Close()
	t := newTx(db, ctx, caller, nil, conn, true)
	defer t.release()
	if err := fn(t); err != nil {
		if kept, ok := committed(err); ok {
			return kept // nothing to commit: a read wrote nothing
		}
		return t.interrupted(ctx, err)
	}
	return nil
}
