package main

import (
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
)

// TestKillDuringSend kills a real purse serve (SIGKILL) while the SMTP server holds a message it
// has received but not yet acknowledged: the crash between sending and marking. The message stays
// claimed; once its lease has ended (set here in the database instead of waiting two minutes) a
// new process sends it again under the same Message-ID, and marks it sent (invariant 5).
func TestKillDuringSend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the purse binary")
	}
	t.Parallel()
	bin := build(t)
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "purse.db")}
	if os.Getenv("PURSE_TEST_POSTGRES") != "" {
		dbs["postgres"] = storetest.PostgresURL(t)
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			killDuringSend(t, bin, db)
		})
	}
}

func killDuringSend(t *testing.T, bin, db string) {
	ctx := context.Background()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
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
	serve := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--smtp-url", mb.URL(),
			"--smtp-tls", "none", "--mail-from", notifytest.From)
		cmd.Env = append(os.Environ(), "PURSE_MASTER_KEY="+hex.EncodeToString(make([]byte, 32)))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s", what)
			}
		}
	}
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

	first := serve()
	waitFor("the message to reach the server", func() bool { return len(mb.Received()) == 1 })
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	if got := stored(); got.Status != "pending" || got.Attempts != 1 {
		t.Fatalf("after the kill: %s after %d attempts", got.Status, got.Attempts)
	}
	mb.Release()

	// The lease ends.
	if _, err := store.SQL().Exec(`UPDATE outbox SET locked_until = 1 WHERE id = '` + m.ID + `'`); err != nil {
		t.Fatal(err)
	}
	second := serve()
	defer func() {
		second.Process.Signal(os.Interrupt)
		second.Wait()
	}()
	waitFor("the message to be marked sent", func() bool { return stored().Status == "sent" })
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

// build compiles the purse binary into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "purse")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
