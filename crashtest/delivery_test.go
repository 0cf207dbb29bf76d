package crashtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
)

// TestTwoInstancesDeliverOnce runs two purse serve processes on one PostgreSQL database with 300
// SMS in the outbox: the provider receives each exactly once, correctly signed, although both
// instances' outbox workers claim from the same table at once.
func TestTwoInstancesDeliverOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the purse binary")
	}
	t.Parallel() // its proof holds at any speed: see the package comment
	db := storetest.PostgresURL(t)
	ctx := context.Background()
	store := sealedStore(t, db)
	cat, _ := i18n.New(time.UTC)
	const total = 300
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
	for range 2 {
		s := newServer(t, db, masterKey, "PURSE_SMS_WEBHOOK_SECRET="+smsSecret)
		s.args = []string{"--sms-webhook-url", rx.URL}
		s.start()
	}
	var counts map[string]int
	waitUntil(t, "every message sent", func() bool {
		if err := store.Read(ctx, func(tx purse.Tx) error {
			var err error
			counts, err = tx.CountMessages(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return counts["sent"] == total
	})
	byKey, _, requests, bad := rx.Snapshot()
	if requests != total || len(byKey) != total || bad != 0 {
		t.Fatalf("provider got %d requests for %d keys (%d badly signed), want %d once each", requests, len(byKey), bad, total)
	}
}
