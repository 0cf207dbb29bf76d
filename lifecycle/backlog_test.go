package lifecycle_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/audit"
)

// TestPurgeNoticeBacklog checks that the purge notices no more accounts while NoticeBacklog
// notices wait in the outbox, goes on as they are delivered, and in the end has sent one notice
// to every account and erased each once, with a chain that still verifies.
func TestPurgeNoticeBacklog(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		const accounts = 7
		for i := range accounts {
			e.MarkClosed(t, register(t, e, apitest.NextPhone(), fmt.Sprintf("backlog%d@example.com", i), ""))
		}
		e.Clock.Advance(31 * day)
		drain := func() int {
			total := 0
			for {
				n, err := e.App.Lifecycle.PurgePersonal(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					return total
				}
				total += n
			}
		}
		if n := drain(); n != 3 {
			t.Fatalf("noticed %d accounts with nothing delivered, want the backlog of 3", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM outbox WHERE template = 'data_erased' AND status = 'pending'`); n != 3 {
			t.Fatalf("%d pending notices, want 3", n)
		}
		for rounds := 0; count(t, e, `SELECT COUNT(*) FROM accounts WHERE status = 'purged'`) < accounts; rounds++ {
			if rounds > accounts {
				t.Fatal("the purge stopped before every account was erased")
			}
			exec(t, e, `UPDATE outbox SET status = 'sent' WHERE status = 'pending'`)
			drain()
			if n := count(t, e, `SELECT COUNT(*) FROM outbox WHERE template = 'data_erased' AND status = 'pending'`); n > 3 {
				t.Fatalf("%d notices pending, over the backlog of 3", n)
			}
		}
		if n := count(t, e, `SELECT COUNT(*) FROM outbox WHERE template = 'data_erased'`); n != accounts {
			t.Fatalf("%d notices, want one per account", n)
		}
		if n := count(t, e, `SELECT COUNT(DISTINCT subject) FROM audit_events WHERE action = 'retention.personal_erased'`); n != accounts {
			t.Fatalf("%d accounts with an erasure event, want %d", n, accounts)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE action = 'retention.personal_erased'`); n != accounts {
			t.Fatalf("%d erasure events, want one per account", n)
		}
		if broken, err := audit.Verify(context.Background(), e.DB); err != nil || broken != 0 {
			t.Fatalf("the audit chain after batched events: broken at %d, %v", broken, err)
		}
	}, func(c *app.Config) { c.Retention.Batch, c.Retention.NoticeBacklog = 2, 3 })
}
