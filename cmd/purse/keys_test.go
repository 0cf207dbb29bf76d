package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/vault"
)

// TestKeysCommands walks the rotation cycle through the commands on a SQLite file whose master key
// is a key file: add version 2, rotate (with progress), see the status, be refused while the backup
// window lasts, destroy version 1, and find the key file rewritten without it and still working.
func TestKeysCommands(t *testing.T) {
	t.Setenv("PURSE_MASTER_KEY", "")
	one := bytes.Repeat([]byte{5}, 32)
	keyFile := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(one)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "purse.db")
	ctx := context.Background()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	params := secret.Params{Memory: 1024, Time: 1, Threads: 1}
	a, err := app.New(ctx, store, app.Config{MasterKey: one, Clock: purse.SystemClock{}, HasherParams: &params,
		Log: slog.New(slog.DiscardHandler), Gateway: bank.Sandbox{}, DevOutbox: true})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := a.Accounts.Register(ctx, registration(0))
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	// The operator adds version 2: the file becomes a keyring.
	if err := os.WriteFile(keyFile, []byte("1 "+hex.EncodeToString(one)+"\n2 "+strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := keysFlags{StoreFlags: StoreFlags{DB: db}, MasterKeyFile: keyFile}
	var out bytes.Buffer
	if err := (&KeysRotateCmd{flags}).run(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "read 1 of 1 live data keys, rewrapped 1 of 1") {
		t.Fatalf("rotate:\n%s", out.String())
	}
	out.Reset()
	if err := (&KeysStatusCmd{flags}).run(ctx, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("status:\n%s", out.String())
	}
	v1, v2 := strings.Fields(lines[1]), strings.Fields(lines[2])
	// VERSION LIVE-KEYS IN-KEYRING CURRENT RETIRED DESTROYED
	if strings.Join(v1[:4], " ") != "1 0 true false" || v1[4] == "-" || v1[5] != "-" ||
		strings.Join(v2, " ") != "2 1 true true - -" {
		t.Fatalf("status:\n%s", out.String())
	}
	err = (&KeysDestroyCmd{keysFlags: flags, Version: 1, BackupRetention: "35d"}).run(ctx, &out)
	if err == nil || !strings.Contains(err.Error(), "backup retention 35d") {
		t.Fatalf("destroy inside the backup window: %v", err)
	}
	time.Sleep(2 * time.Millisecond) // the window below is 1 ms long
	out.Reset()
	if err := (&KeysDestroyCmd{keysFlags: flags, Version: 1, BackupRetention: "1ms"}).run(ctx, &out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(keyFile)
	if strings.Contains(string(b), hex.EncodeToString(one)) || !strings.Contains(string(b), "lookup ") {
		t.Fatalf("key file after destroying version 1:\n%s", b)
	}
	ring, err := vault.ParseKeyring(string(b))
	if err != nil {
		t.Fatal(err)
	}
	store, err = app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a, err = app.New(ctx, store, app.Config{Keys: &ring, Clock: purse.SystemClock{}, HasherParams: &params,
		Log: slog.New(slog.DiscardHandler), Gateway: bank.Sandbox{}, DevOutbox: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.Accounts.Get(ctx, acct.ID); err != nil || got.Phone == "" {
		t.Fatalf("the account after version 1 was destroyed: %+v, %v", got, err)
	}
}
