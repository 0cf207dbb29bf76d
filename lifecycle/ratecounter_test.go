package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/lifecycle"
)

// Every phone that asked for a code, every account that paid without its password, left a rate
// counter row for ever (issue 15's last audit), some keyed by a full lookup hash of the phone that
// the master key's holder could test guesses against. Counters live for their window (a day at
// most) and are pruned two days after it started; the phone's counters are keyed by a 24-bit
// bucket that confirms no guess.
func TestRateCountersArePruned(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		e.Call("POST", "/api/v1/registrations", map[string]any{"phone": apitest.NextPhone()}).Expect(t, 202)
		if n := count(t, e, `SELECT COUNT(*) FROM rate_counters`); n == 0 {
			t.Fatal("the registration left no rate counter: the test no longer sees what it prunes")
		}
		if n := count(t, e, `SELECT COUNT(*) FROM rate_counters WHERE LENGTH(key) > 40`); n != 0 {
			t.Errorf("%d rate counters keyed by a full lookup hash", n)
		}
		e.Clock.Advance(lifecycle.RateCounterWindow + 25*time.Hour)
		if err := e.DB.Tx(context.Background(), func(tx purse.Tx) error {
			_, err := tx.Hit(context.Background(), "fresh", tx.Now().Truncate(24*time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := lifecycle.LoginLockTask(e.DB).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM rate_counters`); n != 1 {
			t.Fatalf("%d rate counters after the prune, want only today's", n)
		}
	})
}
