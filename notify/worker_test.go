package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/storetest"
)

// TestDevOutbox: with no provider configured every channel is "delivered" to the dev outbox.
func TestDevOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		var ids []string
		for _, ch := range []purse.Channel{purse.ChannelEmail, purse.ChannelSMS, purse.ChannelWebhook} {
			ids = append(ids, e.enqueue(t, ch, "dev-"+string(ch), i18n.Chinese, "x").ID)
		}
		if n := run(t, e.worker(nil)); n != 3 {
			t.Fatalf("handled %d, want 3", n)
		}
		for _, id := range ids {
			if got := e.message(t, id); got.Status != "sent" || e.sender(t, id) != "dev" {
				t.Fatalf("stored %s by %q", got.Status, e.sender(t, id))
			}
		}
	})
}

// TestCrashRedelivers simulates a worker killed after sending and before marking: its lease keeps
// the message from other workers until it ends; then the message is sent again under the same
// idempotency key, so the provider sees one message twice and can drop the second.
func TestCrashRedelivers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		hs := notifytest.NewReceiver(t, smsSecret)
		ms := notifytest.NewMailbox(t)
		sms, _ := notify.NewSMSHook(hs.URL, smsSecret, clk)
		senders := map[purse.Channel]notify.Sender{purse.ChannelSMS: sms, purse.ChannelEmail: ms.Sender(t)}
		e.enqueue(t, purse.ChannelSMS, "13900000003", i18n.Chinese, "x")
		e.enqueue(t, purse.ChannelEmail, "li.lei@example.com", i18n.Chinese, "x")

		// The worker that dies: it claims, sends, and never marks.
		var claimed []*purse.Message
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			claimed, err = tx.ClaimMessages(ctx, tx.Now().Add(2*time.Minute), 10)
			return err
		}); err != nil || len(claimed) != 2 {
			t.Fatalf("claimed %d (%v)", len(claimed), err)
		}
		for _, m := range claimed {
			if err := senders[m.Channel].Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}

		w := e.worker(senders)
		if n := run(t, w); n != 0 {
			t.Fatalf("another worker took %d leased messages", n)
		}
		clk.Advance(2*time.Minute + time.Second)
		if n := run(t, w); n != 2 {
			t.Fatalf("handled %d after the lease ended, want 2", n)
		}
		for _, m := range claimed {
			got := e.message(t, m.ID)
			if got.Status != "sent" || got.Attempts != 2 {
				t.Errorf("%s: %s after %d attempts", m.Channel, got.Status, got.Attempts)
			}
		}
		byKey, _, requests, _ := hs.Snapshot()
		sms0 := claimed[0]
		if sms0.Channel != purse.ChannelSMS {
			sms0 = claimed[1]
		}
		if requests != 2 || byKey[sms0.ID] != 2 {
			t.Errorf("SMS provider: %d requests, keys %v; want the same key twice", requests, byKey)
		}
		ids := map[string]int{}
		for _, r := range ms.Received() {
			msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
			if err != nil {
				t.Fatal(err)
			}
			ids[msg.Header.Get("Message-Id")]++
		}
		if len(ids) != 1 || len(ms.Received()) != 2 {
			t.Errorf("mail server: Message-IDs %v; want one id twice", ids)
		}
	})
}

// TestTwoWorkersOnePostgres: two workers with their own connection pools and runners drain 200
// messages from one PostgreSQL; each message reaches the provider exactly once.
func TestTwoWorkersOnePostgres(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	clk := clock.NewFixed(storetest.Epoch)
	var dbs []*sqlstore.DB
	sealer := storetest.Sealer(t) // both instances hold the same master key
	for range 2 {
		db, err := postgres.Open(ctx, url, clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.UseSealer(sealer)
		dbs = append(dbs, db)
	}
	e := newEnv(t, dbs[0], clk)
	hs := notifytest.NewReceiver(t, smsSecret)
	sms, _ := notify.NewSMSHook(hs.URL, smsSecret, clk)
	const total = 200
	for i := range total {
		e.enqueue(t, purse.ChannelSMS, fmt.Sprintf("139%08d", i), i18n.Chinese, "x")
	}
	runCtx, cancel := context.WithCancel(ctx)
	var waits []func()
	handled := make([]int, 2)
	for i, db := range dbs {
		w := &notify.Worker{Store: db, Senders: map[purse.Channel]notify.Sender{purse.ChannelSMS: sms},
			Batch: 10, Every: 5 * time.Millisecond}
		task := w.Task()
		run := task.Run
		task.Run = func(ctx context.Context) (int, error) {
			n, err := run(ctx)
			handled[i] += n
			return n, err
		}
		waits = append(waits, (&jobs.Runner{Tasks: []jobs.Task{task}}).Start(runCtx))
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var counts map[string]int
		if err := dbs[0].Read(ctx, func(tx purse.Tx) error {
			var err error
			counts, err = tx.CountMessages(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if counts["sent"] == total || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	for _, wait := range waits {
		wait()
	}
	byKey, _, requests, bad := hs.Snapshot()
	if requests != total || len(byKey) != total || bad != 0 {
		t.Fatalf("provider got %d requests for %d keys (%d bad signatures), want %d once each",
			requests, len(byKey), bad, total)
	}
	for k, n := range byKey {
		if n != 1 {
			t.Fatalf("message %s delivered %d times", k, n)
		}
	}
	t.Logf("worker 1 handled %d, worker 2 handled %d", handled[0], handled[1])
}

// stuck is a provider that answers only when the send is abandoned.
type stuck struct{ started chan struct{} }

func (stuck) Name() string { return "stuck" }
func (s stuck) Send(ctx context.Context, _ *purse.Message) error {
	close(s.started)
	<-ctx.Done()
	return ctx.Err()
}

// TestStopMidSend: a worker stopped while a send is in flight hands the message back at once, so
// the next instance sends it without waiting for the lease to end.
func TestStopMidSend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		m := e.enqueue(t, purse.ChannelSMS, "13900000004", i18n.Chinese, "x")
		s := stuck{started: make(chan struct{})}
		stopping, stop := context.WithCancel(ctx)
		go func() {
			<-s.started
			stop()
		}()
		w := e.worker(map[purse.Channel]notify.Sender{purse.ChannelSMS: s})
		if _, err := w.Run(stopping); err != nil {
			t.Fatal(err)
		}
		if got := e.message(t, m.ID); got.Status != "pending" || !strings.Contains(got.LastError, "stopping") {
			t.Fatalf("after the stop: %s, error %q", got.Status, got.LastError)
		}
		if n := run(t, e.worker(nil)); n != 1 {
			t.Fatalf("the next worker handled %d at once, want 1", n)
		}
		if got := e.message(t, m.ID); got.Status != "sent" {
			t.Fatalf("stored %s", got.Status)
		}
	})
}

// TestSettleOutlastsTheRequestDeadline: the transaction that marks a batch sent runs under a
// deadline of its own, not under the store's deadline for a request, which the job runner never
// applies to a batch. Before, on a loaded machine a settle past 5 s failed after the messages
// had gone out, and they went out again when the lease ended. Here the request deadline is a
// nanosecond: the batch (under its task's deadline) still sends and marks its message.
func TestSettleOutlastsTheRequestDeadline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		id := e.enqueue(t, purse.ChannelSMS, "13900000007", i18n.Chinese, "x").ID
		db.SetDeadline(time.Nanosecond)
		n, err := e.worker(nil).Task().RunBatch(ctx)
		db.SetDeadline(0)
		if err != nil || n != 1 {
			t.Fatalf("batch: %d, %v", n, err)
		}
		if got := e.message(t, id); got.Status != "sent" {
			t.Fatalf("stored %s, want sent", got.Status)
		}
	})
}
