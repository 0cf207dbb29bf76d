package main

import (
	"context"
	"crypto/ed25519"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/bank/banktest"
	"github.com/purse-wallet/purse/certificate"
)

// lockedBuffer collects the server's log while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveCmd parses `purse serve` arguments as the binary does.
func serveCmd(t *testing.T, args ...string) *ServeCmd {
	t.Helper()
	var cli CLI
	parser, err := kong.New(&cli)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.Parse(append([]string{"serve"}, args...)); err != nil {
		t.Fatal(err)
	}
	return &cli.Serve
}

// TestServeRefusesDemoDefaultsInProduction: outside --demo, purse serve refuses each thing the
// issue found it faking (issue 13): the sandbox bank, a certificate key that dies at restart,
// messages marked sent to nobody, and an SMTP password in a flag. Each refusal names the flag.
func TestServeRefusesDemoDefaultsInProduction(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PURSE_MASTER_KEY", strings.Repeat("ab", 32))
	t.Setenv("PURSE_BANK_KEY", string(banktest.Key))
	t.Setenv("PURSE_WEBHOOK_SECRET", "")
	t.Setenv("PURSE_SMTP_PASSWORD", "")
	certKey := filepath.Join(dir, "cert.key")
	if _, err := certificate.LoadOrCreate(certKey, true); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "purse.db")
	checkpointArgs := []string{"--audit-checkpoint-key", filepath.Join(dir, "checkpoint.key"), "--audit-checkpoint-sink", "file:" + filepath.Join(dir, "checkpoints")}
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"nothing configured", nil, []string{"--bank http", "--certificate-key", "--base-url", "--audit-checkpoint-key", "--audit-checkpoint-sink", "--smtp-url", "--sms-webhook-url", "PURSE_WEBHOOK_SECRET"}},
		{"the sandbox bank", []string{"--bank", "sandbox", "--certificate-key", certKey, "--dev-outbox"},
			[]string{"--bank sandbox is accepted only with --demo"}},
		{"no audit checkpoint key or sink", []string{"--bank", "http", "--bank-url", "https://bank.example", "--certificate-key", certKey, "--dev-outbox"},
			[]string{"--audit-checkpoint-key", "--audit-checkpoint-sink"}},
		{"no certificate key", []string{"--bank", "http", "--bank-url", "https://bank.example", "--dev-outbox"},
			[]string{"--certificate-key"}},
		{"no providers and no --dev-outbox", []string{"--bank", "http", "--bank-url", "https://bank.example", "--certificate-key", certKey},
			[]string{"--smtp-url", "--sms-webhook-url", "PURSE_WEBHOOK_SECRET"}},
		{"a gateway without its URL", []string{"--bank", "http", "--certificate-key", certKey, "--dev-outbox"},
			[]string{"--bank-url"}},
		{"a gateway over plain HTTP", []string{"--bank", "http", "--bank-url", "http://bank.example", "--certificate-key", certKey, "--dev-outbox"},
			[]string{"https://"}},
		{"an SMTP password in the flag", []string{"--bank", "http", "--bank-url", "https://bank.example", "--certificate-key", certKey,
			"--dev-outbox", "--smtp-url", "smtp://mailer:s3cret@mail.example:587", "--mail-from", "purse <a@example.com>"},
			[]string{"--smtp-url carries a password", "PURSE_SMTP_PASSWORD"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if args != nil { // every case but the first names the public URL and checkpoints, to reach its own refusal
				args = append(args, "--base-url", "https://wallet.example.com")
				if !strings.Contains(c.name, "checkpoint") {
					args = append(args, checkpointArgs...)
				}
			}
			cmd := serveCmd(t, append([]string{"--db", db, "--addr", "127.0.0.1:0"}, args...)...)
			cmd.logOut = &lockedBuffer{}
			err := cmd.run(context.Background())
			if err == nil {
				t.Fatal("started")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the refusal does not name %q: %v", w, err)
				}
			}
		})
	}
}

// TestServeWithDevOutboxSaysSoOnEveryLine starts a production server with a real gateway (the
// simulator) and --dev-outbox: it serves, and every line it logs says nothing is delivered.
func TestServeWithDevOutboxSaysSoOnEveryLine(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PURSE_MASTER_KEY", strings.Repeat("ab", 32))
	t.Setenv("PURSE_BANK_KEY", string(banktest.Key))
	certKey := filepath.Join(dir, "cert.key")
	if _, err := certificate.LoadOrCreate(certKey, true); err != nil {
		t.Fatal(err)
	}
	sim := banktest.New(t, time.Now)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := serveCmd(t, "--db", filepath.Join(dir, "purse.db"), "--addr", addr, "--bank", "http", "--bank-url", sim.URL,
		"--certificate-key", certKey, "--dev-outbox", "--base-url", "https://wallet.example.com",
		"--audit-checkpoint-key", checkpointKey(t, dir), "--audit-checkpoint-sink", "file:"+filepath.Join(dir, "checkpoints"))
	out := &lockedBuffer{}
	cmd.logOut = out
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.run(ctx) }()
	waitFor(t, "http://"+addr+"/readyz", 200)
	// The start's checkpoint is written beside serving, not before it: wait for it (a deadline,
	// not a speed target), so that the shutdown's is a second one even on a loaded machine.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(filepath.Join(dir, "checkpoints")); len(b) > 0 {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Checkpoints at start and at shutdown (issue 16), in the file sink, signed by the key.
	f, err := os.Open(filepath.Join(dir, "checkpoints"))
	if err != nil {
		t.Fatal(err)
	}
	cps, bad, err := audit.ReadCheckpoints(f)
	f.Close()
	key, _ := audit.LoadCheckpointKey(filepath.Join(dir, "checkpoint.key"), false)
	if err != nil || bad != 0 || len(cps) < 2 || !cps[len(cps)-1].Valid(key.Public().(ed25519.PublicKey)) {
		t.Fatalf("checkpoints at start and shutdown: %d, %d bad, %v", len(cps), bad, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3 {
		t.Fatalf("too few log lines to judge: %q", lines)
	}
	for _, l := range lines {
		if !strings.Contains(l, "nothing is delivered") {
			t.Errorf("a log line does not say that nothing is delivered: %s", l)
		}
	}
}

// checkpointKey makes an audit checkpoint key file in dir.
func checkpointKey(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "checkpoint.key")
	if _, err := audit.LoadCheckpointKey(p, true); err != nil {
		t.Fatal(err)
	}
	return p
}
