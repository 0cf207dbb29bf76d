package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
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

var (
	ctx       = context.Background()
	smsSecret = []byte("sms secret for tests")
	hookKey   = []byte("platform secret for tests")
)

type env struct {
	db  *sqlstore.DB
	clk *clock.Fixed
	cat *i18n.Catalog
}

func newEnv(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) *env {
	t.Helper()
	cat, err := i18n.New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, clk: clk, cat: cat}
}

func (e *env) enqueue(t *testing.T, ch purse.Channel, to, lang, note string) *purse.Message {
	t.Helper()
	var m *purse.Message
	err := e.db.Tx(ctx, func(tx purse.Tx) error {
		var err error
		m, err = notify.Enqueue(ctx, tx, e.cat, notify.Notice{AccountID: "acct-1", Channel: ch, To: to,
			Template: "test_notice", Language: lang, Data: map[string]string{"Note": note}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) message(t *testing.T, id string) *purse.Message {
	t.Helper()
	var m *purse.Message
	if err := e.db.Read(ctx, func(tx purse.Tx) error {
		var err error
		m, err = tx.Message(ctx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// sender reads the column the store keeps but purse.Message does not carry. Ids are UUIDs, so
// inlining one is safe.
func (e *env) sender(t *testing.T, id string) string {
	t.Helper()
	var s string
	if err := e.db.SQL().QueryRow(`SELECT sender FROM outbox WHERE id = '` + id + `'`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) worker(senders map[purse.Channel]notify.Sender) *notify.Worker {
	return &notify.Worker{Store: e.db, Senders: senders, MaxAttempts: 3}
}

func run(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMailDelivered sends a Chinese and an English message through a real SMTP server and reads
// what arrived: envelope, headers (encoded subject, Message-ID from the outbox id, language,
// charset) and the decoded body.
func TestMailDelivered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		ms := notifytest.NewMailbox(t)
		zh := e.enqueue(t, purse.ChannelEmail, "li.lei@example.com", i18n.Chinese, "注销申请已提交")
		en := e.enqueue(t, purse.ChannelEmail, "han.meimei@example.com", i18n.English, "closure submitted")
		w := e.worker(map[purse.Channel]notify.Sender{purse.ChannelEmail: ms.Sender(t)})
		if n := run(t, w); n != 2 {
			t.Fatalf("handled %d, want 2", n)
		}
		got := ms.Received()
		if len(got) != 2 {
			t.Fatalf("server received %d messages, want 2", len(got))
		}
		byTo := map[string]notifytest.Received{}
		for _, r := range got {
			if len(r.To) != 1 || r.From != "noreply@purse.example" {
				t.Fatalf("envelope from %q to %v", r.From, r.To)
			}
			byTo[r.To[0]] = r
		}
		cases := []struct {
			m       *purse.Message
			subject string
			body    string
		}{
			{zh, "purse 测试通知", "您好，这是一条来自 purse 的测试通知：注销申请已提交。"},
			{en, "purse test notice", "Hello, this is a test notice from purse: closure submitted."},
		}
		for _, c := range cases {
			r, ok := byTo[c.m.To]
			if !ok {
				t.Fatalf("nothing delivered to %s", c.m.To)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
			if err != nil {
				t.Fatal(err)
			}
			h := msg.Header
			subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
			if err != nil || subject != c.subject {
				t.Errorf("subject %q (%v), want %q", subject, err, c.subject)
			}
			if c.m.Language == i18n.Chinese && !strings.HasPrefix(h.Get("Subject"), "=?UTF-8?") {
				t.Errorf("Chinese subject not encoded: %q", h.Get("Subject"))
			}
			if got, want := h.Get("Message-Id"), "<"+c.m.ID+"@purse.example>"; got != want {
				t.Errorf("Message-ID %q, want %q", got, want)
			}
			if h.Get("Content-Language") != c.m.Language {
				t.Errorf("Content-Language %q, want %q", h.Get("Content-Language"), c.m.Language)
			}
			if ct := h.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=utf-8") ||
				!strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q", ct)
			}
			if from, _ := mail.ParseAddress(h.Get("From")); from == nil || from.Address != "noreply@purse.example" {
				t.Errorf("From %q", h.Get("From"))
			}
			if to, _ := mail.ParseAddress(h.Get("To")); to == nil || to.Address != c.m.To {
				t.Errorf("To %q, want %s", h.Get("To"), c.m.To)
			}
			raw, _ := io.ReadAll(msg.Body)
			if !strings.EqualFold(h.Get("Content-Transfer-Encoding"), "base64") {
				t.Fatalf("Content-Transfer-Encoding %q", h.Get("Content-Transfer-Encoding"))
			}
			body, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
			if err != nil || !strings.Contains(string(body), c.body) {
				t.Errorf("body %q (%v), want it to contain %q", body, err, c.body)
			}
			m := e.message(t, c.m.ID)
			if m.Status != "sent" || m.Attempts != 1 || !m.SentAt.Equal(clk.Now()) || e.sender(t, m.ID) != "smtp" {
				t.Errorf("stored %s after %d attempts at %v by %s", m.Status, m.Attempts, m.SentAt, e.sender(t, m.ID))
			}
		}
		if ms.Auths() != 2 {
			t.Errorf("authenticated %d times, want once per message", ms.Auths())
		}
		if n := run(t, w); n != 0 || len(ms.Received()) != 2 {
			t.Errorf("a second run handled %d and the server holds %d", n, len(ms.Received()))
		}
	})
}

// TestMailRetried: a server that answers 451 gets the message again after the back-off, and it
// arrives exactly once.
func TestMailRetried(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		ms := notifytest.NewMailbox(t)
		ms.FailData(1)
		m := e.enqueue(t, purse.ChannelEmail, "li.lei@example.com", i18n.Chinese, "重试")
		w := e.worker(map[purse.Channel]notify.Sender{purse.ChannelEmail: ms.Sender(t)})
		w.RetryBase = time.Minute
		run(t, w)
		got := e.message(t, m.ID)
		if got.Status != "pending" || got.Attempts != 1 || !strings.Contains(got.LastError, "451") ||
			!got.NextAt.After(clk.Now().Add(47*time.Second)) || got.NextAt.After(clk.Now().Add(73*time.Second)) {
			t.Fatalf("after a 451: %s, %d attempts, next %v (now %v), error %q", got.Status, got.Attempts,
				got.NextAt, clk.Now(), got.LastError)
		}
		if n := run(t, w); n != 0 {
			t.Fatalf("retried %d before the back-off ended", n)
		}
		clk.Advance(2 * time.Minute)
		if n := run(t, w); n != 1 {
			t.Fatalf("handled %d after the back-off, want 1", n)
		}
		clk.Advance(time.Hour)
		run(t, w)
		if n := len(ms.Received()); n != 1 {
			t.Fatalf("delivered %d times, want exactly once", n)
		}
		if got := e.message(t, m.ID); got.Status != "sent" || got.Attempts != 2 || got.LastError != "" {
			t.Fatalf("stored %s after %d attempts, error %q", got.Status, got.Attempts, got.LastError)
		}
	})
}

// TestMailRejected: a 550 to the recipient is permanent, so the message fails without retries.
func TestMailRejected(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		ms := notifytest.NewMailbox(t)
		ms.RejectRecipients()
		m := e.enqueue(t, purse.ChannelEmail, "nobody@example.com", i18n.English, "x")
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelEmail: ms.Sender(t)}))
		got := e.message(t, m.ID)
		if got.Status != "failed" || got.Attempts != 1 || !strings.Contains(got.LastError, "550") {
			t.Fatalf("stored %s after %d attempts, error %q", got.Status, got.Attempts, got.LastError)
		}
		if strings.Contains(got.LastError, "nobody@example.com") {
			t.Errorf("the stored error quotes the address: %q", got.LastError)
		}
	})
}

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
	for range 2 {
		db, err := postgres.Open(ctx, url, clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
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

// TestMailTLSMandatory: under the default policy a server that offers no STARTTLS gets nothing,
// not even the password, and the message waits for a retry instead of going out in clear text.
func TestMailTLSMandatory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		ms := notifytest.NewMailbox(t)
		strict, err := notify.NewMail(ms.URL(), "", notifytest.From)
		if err != nil {
			t.Fatal(err)
		}
		m := e.enqueue(t, purse.ChannelEmail, "li.lei@example.com", i18n.Chinese, "x")
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelEmail: strict}))
		if got := e.message(t, m.ID); got.Status != "pending" || got.Attempts != 1 || !strings.Contains(got.LastError, "STARTTLS") {
			t.Fatalf("stored %s after %d attempts, error %q", got.Status, got.Attempts, got.LastError)
		}
		if len(ms.Received()) != 0 || ms.Auths() != 0 {
			t.Fatalf("the server got %d messages and %d sign-ins", len(ms.Received()), ms.Auths())
		}
	})
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
