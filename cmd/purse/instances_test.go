package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
)

// TestTwoInstancesOnePostgres runs two purse serve processes on one PostgreSQL database with 300
// SMS in the outbox: the provider receives each exactly once, correctly signed.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the purse binary")
	}
	t.Parallel()
	db := storetest.PostgresURL(t)
	bin := build(t)
	ctx := context.Background()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
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
	secret := []byte("two instances")
	rx := notifytest.NewReceiver(t, secret)
	for range 2 {
		cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--sms-webhook-url", rx.URL)
		cmd.Env = append(os.Environ(), "PURSE_MASTER_KEY="+hex.EncodeToString(make([]byte, 32)),
			"PURSE_SMS_WEBHOOK_SECRET="+string(secret))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}()
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var counts map[string]int
		if err := store.Read(ctx, func(tx purse.Tx) error {
			counts, err = tx.CountMessages(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if counts["sent"] == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up with %v", counts)
		}
	}
	byKey, _, requests, bad := rx.Snapshot()
	if requests != total || len(byKey) != total || bad != 0 {
		t.Fatalf("provider got %d requests for %d keys (%d badly signed), want %d once each", requests, len(byKey), bad, total)
	}
}
