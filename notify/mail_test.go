package notify_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"net/mail"
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
