package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// The pure-Go driver parses every statement it is given anew: a closure step's twenty statements
// spent a tenth of the server's CPU in SQLite's parser, and the ledger's hot ones were prepared
// by hand (sqlstore's Warm) to avoid it. Preparing lazily through database/sql deadlocks on the
// one write connection (Prepare waits for a free connection while the transaction holds it), so
// the cache lives below database/sql, in each connection: a statement with arguments is prepared
// once per connection and kept; one without (PRAGMA, SAVEPOINT, a migration's script) is not,
// since such text is often unique or holds several statements.

// stmtCacheSize bounds each connection's cache: queries built for a number of rows (IN lists,
// multi-row inserts) would otherwise add a statement per size for ever.
const stmtCacheSize = 256

// connector opens the driver's connections wrapped in a statement cache.
type connector struct{ dsn string }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.Driver().Open(c.dsn)
	if err != nil {
		return nil, err
	}
	cn, ok := inner.(innerConn)
	if !ok {
		inner.Close()
		return nil, errors.New("storage: sqlite connection lacks the context methods")
	}
	return &cachingConn{innerConn: cn, stmts: map[string]*cachedStmt{}}, nil
}

func (c connector) Driver() driver.Driver { return &sqlite.Driver{} }

// innerConn is what the driver's connection implements and database/sql uses.
type innerConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type statement interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type cachedStmt struct {
	st   statement
	busy bool // its rows are open: a second use would reset them
}

// cachingConn is one connection and its statements. database/sql calls a connection from one
// goroutine at a time, rows' Close included, so it needs no lock.
type cachingConn struct {
	innerConn
	stmts map[string]*cachedStmt
	order []string // oldest first, for eviction
}

var (
	_ driver.ExecerContext  = (*cachingConn)(nil)
	_ driver.QueryerContext = (*cachingConn)(nil)
)

// cached returns the query's kept statement, preparing it on first use; nil when it is in use.
func (c *cachingConn) cached(ctx context.Context, query string) (*cachedStmt, error) {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil, nil
		}
		return s, nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s, ok := st.(statement)
	if !ok {
		st.Close()
		return nil, nil
	}
	if len(c.order) >= stmtCacheSize {
		c.evict()
	}
	cs := &cachedStmt{st: s}
	c.stmts[query] = cs
	c.order = append(c.order, query)
	return cs, nil
}

// evict drops the oldest statement not in use.
func (c *cachingConn) evict() {
	for i, q := range c.order {
		if s := c.stmts[q]; !s.busy {
			s.st.Close()
			delete(c.stmts, q)
			c.order = append(c.order[:i], c.order[i+1:]...)
			return
		}
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	s, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	return s.st.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	s, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	rows, err := s.st.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, s: s}, nil
}

// Close finalizes the kept statements, then closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for _, s := range c.stmts {
		errs = append(errs, s.st.Close())
	}
	c.stmts, c.order = nil, nil
	return errors.Join(append(errs, c.innerConn.Close())...)
}

// cachedRows frees its statement for the next use when closed.
type cachedRows struct {
	driver.Rows
	s *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	return err
}
