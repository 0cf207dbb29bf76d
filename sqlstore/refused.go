package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/purse-wallet/purse"
)

// refusedTries bounds how often a refused connection is tried again, with waits doubling from
// 2 ms: about half a second in all, long enough for another client's burst to hand its
// connections back, short enough that a client of a full server hears so soon.
const refusedTries = 8

// refusedRetryAfter is the Retry-After of a request whose every connection was refused.
const refusedRetryAfter = time.Second

// connect runs open, which takes a connection from a pool (BeginTx, Conn), and runs it again while
// the server refuses the connection for now (Dialect.IsRefused): PostgreSQL does so once all of
// max_connections are taken, and several purse instances and other clients share them. Nothing
// has run on a refused connection, so trying again is safe. A refusal that outlasts the tries is
// load, not a fault: UNAVAILABLE (503) with a Retry-After, the server's reason in its chain.
func (db *DB) connect(ctx context.Context, open func() error) error {
	for try := 0; ; try++ {
		err := open()
		if err == nil || db.dialect.IsRefused == nil || !db.dialect.IsRefused(err) {
			return err
		}
		if try == refusedTries {
			return unavailable(err)
		}
		select {
		case <-ctx.Done():
			return unavailable(errors.Join(err, context.Cause(ctx)))
		case <-time.After(time.Millisecond << (try + 1)):
		}
	}
}

func unavailable(err error) error {
	return &purse.Error{Code: purse.CodeUnavailable, RetryAfter: refusedRetryAfter,
		Detail: "the database refused a connection", Err: err}
}
