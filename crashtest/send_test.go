package crashtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
)

// TestKillDuringSend kills a real purse serve (SIGKILL) while the SMTP server holds a message it
// has received but not yet acknowledged: the crash between sending and marking. The message stays
// claimed; once its lease has ended (set here in the database instead of waiting five minutes) a
// new process sends it again under the same Message-ID, and marks it sent (invariant 5).
func TestKillDuringSend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the purse binary")
	}
	t.Parallel() // its proof holds at any speed: see the package comment
	t.Run("sqlite", func(t *testing.T) { killDuringSend(t, filepath.Join(t.TempDir(), "purse.db")) })
	t.Run("postgres", func(t *testing.T) { killDuringSend(t, storetest.PostgresURL(t)) })
}

func killDuringSend(t *testing.T, db string) {
	ctx := context.Background()
	// The outbox is sealed (issue 15): the test writes and reads it with the servers' master key.
	store := sealedStore(t, db)
	var err error
	cat, _ := i18n.New(time.UTC)
	var m *purse.Message
	if err := store.Tx(ctx, func(tx purse.Tx) error {
		m, err = notify.Enqueue(ctx, tx, cat, notify.Notice{Channel: purse.ChannelEmail, To: "li.lei@example.com",
			Template: "test_notice", Language: i18n.Chinese, Data: map[string]string{"Note": "crash"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mb := notifytest.NewMailbox(t)
	mb.Hold()
	srv := newServer(t, db, masterKey)
	srv.args = []string{"--smtp-url", mb.URL(), "--smtp-tls", "none", "--mail-from", notifytest.From}
	stored := func() *purse.Message {
		var got *purse.Message
		if err := store.Read(ctx, func(tx purse.Tx) error {
			got, err = tx.Message(ctx, m.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}

	srv.start()
	waitUntil(t, "the message to reach the server", func() bool { return len(mb.Received()) == 1 })
	srv.kill()
	if got := stored(); got.Status != "pending" || got.Attempts != 1 {
		t.Fatalf("after the kill: %s after %d attempts", got.Status, got.Attempts)
	}
	mb.Release()

	// The lease ends.
	if _, err := store.SQL().Exec(`UPDATE outbox SET locked_until = 1 WHERE id = '` + m.ID + `'`); err != nil {
		t.Fatal(err)
	}
	srv.start()
	waitUntil(t, "the message to be marked sent", func() bool { return stored().Status == "sent" })
	got := mb.Messages(t)
	if len(got) != 2 {
		t.Fatalf("server received %d copies, want 2", len(got))
	}
	want := "<" + m.ID + "@purse.example>"
	for _, g := range got {
		if g.Header.Get("Message-Id") != want || !strings.Contains(g.Body, "crash") {
			t.Fatalf("copy with Message-ID %q, body %q; want %s", g.Header.Get("Message-Id"), g.Body, want)
		}
	}
	if a := stored().Attempts; a != 2 {
		t.Fatalf("%d attempts, want 2", a)
	}
}

// waitUntil polls ok for at most a minute: long enough for a loaded machine, and the test fails
// rather than hangs if the process never gets there.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}
