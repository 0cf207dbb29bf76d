package crashtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
)

// TestOneOfTwoInstancesKilledRepeatedly runs two purse serve processes on one PostgreSQL database
// delivering 1,500 SMS through a provider that takes 50 ms a message, and SIGKILLs one of them
// three times mid-delivery, restarting it each time (issue 17). While the killed instance's
// leases run, the other never sends what it had claimed: no key reaches the provider twice.
// When those leases end (here: made to end), every message is sent, each key at least once, a
// second time only for a message the killed instance may have sent before dying, and under the
// same key, so the provider can drop it. The rate limits then still hold across both instances.
func TestOneOfTwoInstancesKilledRepeatedly(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and runs real processes")
	}
	t.Parallel() // its proof holds at any speed: see the package comment
	db := storetest.PostgresURL(t)
	ctx := context.Background()
	store := sealedStore(t, db)
	cat, _ := i18n.New(time.UTC)
	const total = 1500
	if err := store.Tx(ctx, func(tx purse.Tx) error {
		for i := range total {
			if _, err := notify.Enqueue(ctx, tx, cat, notify.Notice{Channel: purse.ChannelSMS,
				To: fmt.Sprintf("139%08d", i), Template: "test_notice", Language: i18n.Chinese,
				Data: map[string]string{"Note": "x"}}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rx := notifytest.NewReceiver(t, []byte(smsSecret))
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond)
		rx.Config.Handler.ServeHTTP(w, r)
	}))
	defer slow.Close()
	var both []*server
	for range 2 {
		s := newServer(t, db, masterKey, "PURSE_SMS_WEBHOOK_SECRET="+smsSecret)
		s.args = []string{"--sms-webhook-url", slow.URL}
		s.start()
		both = append(both, s)
	}
	sent := func() int {
		var counts map[string]int
		if err := store.Read(ctx, func(tx purse.Tx) error {
			var err error
			counts, err = tx.CountMessages(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return counts["sent"]
	}
	for kill := range 3 {
		time.Sleep(400 * time.Millisecond)
		both[0].kill()
		byKey, _, requests, _ := rx.Snapshot()
		t.Logf("kill %d: %d sent, %d requests for %d keys", kill+1, sent(), requests, len(byKey))
		both[0].start()
	}
	// The survivor and the restarted instance deliver everything not leased by a killed one.
	time.Sleep(2 * time.Second)
	byKey, _, requests, bad := rx.Snapshot()
	if requests != len(byKey) || bad != 0 {
		t.Fatalf("before the leases ended: %d requests for %d keys (%d badly signed): a message was sent twice", requests, len(byKey), bad)
	}

	// The killed instance's leases end (five minutes in production; made to end here).
	if _, err := store.SQL().ExecContext(ctx, `UPDATE outbox SET locked_until = 0 WHERE status = 'pending'`); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "every message sent", func() bool { return sent() == total })
	byKey, _, requests, bad = rx.Snapshot()
	twice := 0
	for _, n := range byKey {
		if n > 1 {
			twice += n - 1
		}
	}
	t.Logf("%d messages, %d requests; %d sent again after a kill, each under its first key", total, requests, twice)
	// A killed instance had at most its claimed batch (100) sent and not yet marked at each kill:
	// the worker marks a batch once all of it is sent.
	if len(byKey) != total || bad != 0 || twice > 3*100 {
		t.Fatalf("provider got %d keys of %d (%d badly signed), %d sent again: want each once, a few again", len(byKey), total, bad, twice)
	}

	phones := phoneSeq{store: store, sms: rx}
	twoInstanceCodeCaps(t, both, store, &phones)
}
