package notify_test

import (
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

// A kill between sending and marking re-sent messages when the lease ended, five minutes later,
// one-time codes included that had expired meanwhile (issue 17). A time-bound message now carries
// its expiry: once past it, a message still pending is marked expired and never sent, whether it
// was never sent (a provider down for longer than a code lives) or may have been (the worker died
// after sending). A message without an expiry is still sent again under the same key.
func TestExpiredMessagesAreNotSent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		hs := notifytest.NewReceiver(t, smsSecret)
		sms, _ := notify.NewSMSHook(hs.URL, smsSecret, clk)
		senders := map[purse.Channel]notify.Sender{purse.ChannelSMS: sms}
		enqueue := func(to string, expires time.Time) *purse.Message {
			var m *purse.Message
			if err := db.Tx(ctx, func(tx purse.Tx) error {
				var err error
				m, err = notify.Enqueue(ctx, tx, e.cat, notify.Notice{AccountID: "acct-1", Channel: purse.ChannelSMS,
					To: to, Template: "test_notice", Language: i18n.Chinese, Data: map[string]string{"Note": "123456"},
					Expires: expires})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return m
		}
		code := enqueue("13900000001", clk.Now().Add(5*time.Minute))  // a one-time code
		notice := enqueue("13900000002", time.Time{})                 // "account closed": no expiry
		late := enqueue("13900000003", clk.Now().Add(30*time.Second)) // expires before any send

		// The worker that dies: it claims the code and the notice, sends them, and never marks.
		var claimed []*purse.Message
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			claimed, err = tx.ClaimMessages(ctx, tx.Now().Add(5*time.Minute), 2)
			return err
		}); err != nil || len(claimed) != 2 {
			t.Fatalf("claimed %d (%v)", len(claimed), err)
		}
		for _, m := range claimed {
			if err := sms.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(5*time.Minute + time.Second) // the lease ends, and so does the code
		w := e.worker(senders)
		if n := run(t, w); n != 3 {
			t.Fatalf("handled %d, want 3 (two expired, one sent again)", n)
		}
		for _, c := range []struct {
			m      *purse.Message
			status string
		}{{code, "expired"}, {late, "expired"}, {notice, "sent"}} {
			if got := e.message(t, c.m.ID); got.Status != c.status {
				t.Errorf("%s: %s, want %s", c.m.To, got.Status, c.status)
			}
		}
		byKey, _, requests, _ := hs.Snapshot()
		if requests != 3 || byKey[code.ID] != 1 || byKey[notice.ID] != 2 || byKey[late.ID] != 0 {
			t.Errorf("SMS provider: %d requests by key %v; want the code once, the notice twice under one key, the late code never", requests, byKey)
		}
		if n := run(t, w); n != 0 {
			t.Fatalf("a second run handled %d", n)
		}
	})
}
