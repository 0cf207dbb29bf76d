package http

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
)

// A failure that a cancellation caused answers 503 UNAVAILABLE, not 500 INTERNAL: whether the
// store put the context's cause in its chain (sqlstore does for a transaction database/sql rolled
// back, see TestTransactionEndedByItsContext), or the request's own context has ended under a bare
// sql.ErrTxDone. With a live context and no cause, sql.ErrTxDone is a bug: INTERNAL.
func TestCancelledRequestIsUnavailable(t *testing.T) {
	s := problemServer(t)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	for _, c := range []struct {
		what   string
		ctx    context.Context
		err    error
		status int
		code   purse.Code
	}{
		{"the store's rolled back transaction", live, fmt.Errorf("storage: %w", errors.Join(context.Canceled, sql.ErrTxDone)), 503, purse.CodeUnavailable},
		{"sql.ErrTxDone after the request ended", done, fmt.Errorf("storage: commit: %w", sql.ErrTxDone), 503, purse.CodeUnavailable},
		{"a deadline", live, context.DeadlineExceeded, 503, purse.CodeUnavailable},
		{"sql.ErrTxDone under a live request", live, sql.ErrTxDone, 500, purse.CodeInternal},
		{"a refusal after the request ended", done, purse.Errorf(purse.CodeNotFound, "no closure"), 404, purse.CodeNotFound},
	} {
		p := s.problem(c.ctx, c.err)
		if p.Status != c.status || p.Code != c.code || p.Detail == string(c.code) {
			t.Errorf("%s: %d %s %q, want %d %s with its message", c.what, p.Status, p.Code, p.Detail, c.status, c.code)
		}
	}
}

// problemServer is a Server with only what problem needs: the catalog and a silent log.
func problemServer(t *testing.T) *Server {
	t.Helper()
	cat, err := i18n.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Server{Catalog: cat, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}
