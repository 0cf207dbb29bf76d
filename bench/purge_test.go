package bench

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse/lifecycle"
)

// The purge measurement drives the purge and the outbox batch by batch as purse serve's job
// runner does, each batch under its task's deadline (jobs.Task.RunBatch), not under the store's
// deadline for a request. Session 9's `purse bench scale` on SQLite failed at every size with
// "pending purge notices: context deadline exceeded": on a loaded machine a 500-account batch
// outlasted the request deadline of 5 s, which the job runner never applies to it. Here the
// store's request deadline is a nanosecond, so any batch run without its own fails at once.
func TestPurgeDrainRunsUnderTheJobDeadline(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, "", lifecycle.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.makeAccounts(ctx, 6, spec{prefix: "152", closedAt: time.Now().Add(-31 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Store.SetDeadline(time.Nanosecond)
	out := Purge{Accounts: 6}
	if err := s.drain(ctx, &out); err != nil {
		t.Fatalf("drain under a request deadline of 1 ns: %v", err)
	}
	if out.Scrubs == 0 {
		t.Errorf("the drain never scrubbed: %+v", out)
	}
}
