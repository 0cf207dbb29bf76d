package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestSMSHook: the SMS provider gets signed JSON with the message id as idempotency key.
func TestSMSHook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		hs := notifytest.NewReceiver(t, smsSecret)
		sms, err := notify.NewSMSHook(hs.URL, smsSecret, clk)
		if err != nil {
			t.Fatal(err)
		}
		m := e.enqueue(t, purse.ChannelSMS, "13900000001", i18n.Chinese, "验证码")
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelSMS: sms}))
		byKey, bodies, _, bad := hs.Snapshot()
		if bad != 0 || byKey[m.ID] != 1 || len(bodies) != 1 {
			t.Fatalf("keys %v, bad signatures %d", byKey, bad)
		}
		b := bodies[0]
		if b["to"] != "13900000001" || b["id"] != m.ID || b["language"] != "zh-CN" || b["body"] != m.Body ||
			b["template"] != "test_notice" {
			t.Fatalf("provider got %v", b)
		}
		if got := e.message(t, m.ID); got.Status != "sent" || e.sender(t, m.ID) != "sms-webhook" {
			t.Fatalf("stored %s by %s", got.Status, e.sender(t, m.ID))
		}
	})
}

// TestHookWrongSecretFails: a provider that refuses the signature (401) fails the message at once,
// and a signature made with another secret does not verify.
func TestHookWrongSecretFails(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		hs := notifytest.NewReceiver(t, smsSecret)
		sms, _ := notify.NewSMSHook(hs.URL, []byte("another secret"), clk)
		m := e.enqueue(t, purse.ChannelSMS, "13900000002", i18n.Chinese, "x")
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelSMS: sms}))
		if _, _, _, bad := hs.Snapshot(); bad != 1 {
			t.Fatalf("bad signatures %d, want 1", bad)
		}
		if got := e.message(t, m.ID); got.Status != "failed" || !strings.Contains(got.LastError, "401") {
			t.Fatalf("stored %s, error %q", got.Status, got.LastError)
		}
	})
}

// TestPlatformHookRetries: a linked platform that answers 503 gets the webhook again after the
// back-off, under the same idempotency key, until it accepts; after MaxAttempts it fails.
func TestPlatformHookRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		hs := notifytest.NewReceiver(t, hookKey)
		hs.Fail(1)
		hook, err := notify.NewPlatformHook(hookKey, clk)
		if err != nil {
			t.Fatal(err)
		}
		w := e.worker(map[purse.Channel]notify.Sender{purse.ChannelWebhook: hook})
		m := e.enqueue(t, purse.ChannelWebhook, hs.URL+"/purse/closure", i18n.English, "unbind")
		run(t, w)
		if got := e.message(t, m.ID); got.Status != "pending" || got.Attempts != 1 {
			t.Fatalf("after a 503: %s after %d attempts", got.Status, got.Attempts)
		}
		clk.Advance(2 * time.Hour)
		run(t, w)
		byKey, bodies, requests, bad := hs.Snapshot()
		if requests != 2 || bad != 0 || byKey[m.ID] != 1 || len(byKey) != 1 {
			t.Fatalf("%d requests, keys %v, bad signatures %d", requests, byKey, bad)
		}
		if bodies[0]["event"] != "test_notice" || bodies[0]["data"].(map[string]any)["Note"] != "unbind" {
			t.Fatalf("platform got %v", bodies[0])
		}

		// A platform that never accepts: three attempts, then failed.
		hs.Fail(100)
		dead := e.enqueue(t, purse.ChannelWebhook, hs.URL+"/purse/closure", i18n.English, "never")
		for range 5 {
			run(t, w)
			clk.Advance(2 * time.Hour)
		}
		if got := e.message(t, dead.ID); got.Status != "failed" || got.Attempts != 3 {
			t.Fatalf("after a dead platform: %s after %d attempts", got.Status, got.Attempts)
		}
	})
}

// TestPlatformHookBadURL: a recipient that is not an http(s) URL fails at once.
func TestPlatformHookBadURL(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		hook, _ := notify.NewPlatformHook(hookKey, clk)
		m := e.enqueue(t, purse.ChannelWebhook, "ftp://platform.example/hook", i18n.English, "x")
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelWebhook: hook}))
		if got := e.message(t, m.ID); got.Status != "failed" || got.Attempts != 1 {
			t.Fatalf("stored %s after %d attempts", got.Status, got.Attempts)
		}
	})
}
