package http

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// Every 503 says when to come back (Retry-After), whoever built the error. The crash suite's
// TestPostgresOutagesUnderLoad caught a registration answered 503 with no Retry-After while its
// database was frozen: the idempotency layer wraps a failed final commit as UNAVAILABLE around the
// store's own UNAVAILABLE (which has one), and the outer error, having none, was rendered. The
// same held for a failed group commit, the readiness probe's store checks and a failure under a
// request whose context had ended.
func TestEveryUnavailableSaysWhenToComeBack(t *testing.T) {
	s := problemServer(t)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	outage := &purse.Error{Code: purse.CodeUnavailable, RetryAfter: 2 * time.Second, Detail: "the database did not answer in time"}
	for _, c := range []struct {
		what  string
		ctx   context.Context
		err   error
		retry string
	}{
		{"the store's outage", live, outage, "2"},
		{"a commit failure wrapped around the store's outage", live, &purse.Error{Code: purse.CodeUnavailable, Err: fmt.Errorf("commit: %w", outage)}, "2"},
		{"a group commit's failure of its own", live, &purse.Error{Code: purse.CodeUnavailable, Err: errors.New("group commit: connection reset")}, "2"},
		{"a deadline", live, context.DeadlineExceeded, "2"},
		{"a failure after the request ended", done, errors.New("storage: read"), "2"},
		{"a longer wait of its own", live, &purse.Error{Code: purse.CodeUnavailable, RetryAfter: 10 * time.Second}, "10"},
	} {
		p := s.problem(c.ctx, c.err)
		if p.Status != 503 {
			t.Fatalf("%s: %d, want 503", c.what, p.Status)
		}
		if got := p.GetHeaders().Get("Retry-After"); got != c.retry || fmt.Sprint(p.RetryAfter) != c.retry {
			t.Errorf("%s: Retry-After %q (retry_after %d), want %s", c.what, got, p.RetryAfter, c.retry)
		}
	}
	if h := s.problem(live, purse.Errorf(purse.CodeNotFound, "no closure")).GetHeaders().Get("Retry-After"); h != "" {
		t.Errorf("a 404 says Retry-After %q", h)
	}
}
