package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/secret"
)

// TestPurgeCommand runs `purse purge --dry-run` and `purse purge` on a SQLite file holding an
// account closed 40 days ago (by the real clock, as the command uses it) and one closed 10 days
// ago: the dry run lists only the first and changes nothing; the run sends its notice.
func TestPurgeCommand(t *testing.T) {
	key := bytes.Repeat([]byte{3}, 32)
	t.Setenv("PURSE_MASTER_KEY", hex.EncodeToString(key))
	db := filepath.Join(t.TempDir(), "purse.db")
	ctx := context.Background()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	params := secret.Params{Memory: 1024, Time: 1, Threads: 1}
	a, err := app.New(ctx, store, app.Config{MasterKey: key, Clock: purse.SystemClock{}, HasherParams: &params,
		Log: slog.New(slog.DiscardHandler), Gateway: bank.Sandbox{}, DevOutbox: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, ago := range []int{40, 10} {
		acct, err := a.Accounts.Register(ctx, registration(i))
		if err != nil {
			t.Fatal(err)
		}
		closed := time.Now().Add(-time.Duration(ago) * 24 * time.Hour).UnixMicro()
		// (The raw status leaves the lookup row live; the purge erases it all the same.)
		if _, err := store.SQL().Exec(`UPDATE accounts SET status = 'closed', closed_at = ? WHERE id = ?`, closed, acct.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, acct.ID)
	}
	store.Close()

	cmd := PurgeCmd{StoreFlags: StoreFlags{DB: db}, TimeZone: "Asia/Shanghai", DryRun: true,
		RetentionFlags: RetentionFlags{RetentionPersonal: "30d", RetentionRecords: "5y"}}
	var out bytes.Buffer
	if err := cmd.run(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), ids[0]+"  notify") || strings.Contains(out.String(), ids[1]) {
		t.Fatalf("dry run:\n%s", out.String())
	}
	out.Reset()
	if err := cmd.run(ctx, &out); err != nil || !strings.Contains(out.String(), ids[0]) {
		t.Fatalf("second dry run changed something: %v\n%s", err, out.String())
	}

	cmd.DryRun = false
	if err := cmd.run(ctx, &out); err == nil || !strings.Contains(err.Error(), "--certificate-key") {
		t.Fatalf("a purge without the certificate key: %v", err)
	}
	cmd.CertificateKey, cmd.BaseURL = filepath.Join(t.TempDir(), "cert.key"), "https://wallet.example.com"
	if _, err := certificate.LoadOrCreate(cmd.CertificateKey, true); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := cmd.run(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "purge-personal: 1 accounts") {
		t.Fatalf("run:\n%s", out.String())
	}

	cmd.RetentionRecords = "10d"
	if err := cmd.run(ctx, &out); err == nil {
		t.Fatal("a records period shorter than the personal-data retention was accepted")
	}
}

func registration(i int) account.Registration {
	return account.Registration{Phone: "1370000000" + string(rune('0'+i)), Password: "correct horse",
		PaymentPassword: "135790", Email: "cli" + string(rune('0'+i)) + "@example.com"}
}
