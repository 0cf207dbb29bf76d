package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
)

func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "purse.db")
	db, err := sqlite.Open(ctx, path, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 3 {
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			return audit.Record(ctx, tx, "system", "test", "acct", nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	heads, err := audit.Heads(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	head := heads[audit.ChainOf("acct")] // chain 10
	cmd := &AuditVerifyCmd{StoreFlags: StoreFlags{DB: path}, Anchor: []string{head.String()}}
	var out bytes.Buffer
	if err := cmd.run(ctx, &out); err != nil || !strings.HasPrefix(out.String(), fmt.Sprintf("OK: 3 events in 16 chains, all intact, 1 anchors hold; heads %s\nWARNING: no checkpoint key", head)) {
		t.Fatalf("whole chain: %q, %v", out.String(), err)
	}

	bad := &AuditVerifyCmd{StoreFlags: StoreFlags{DB: path}, Anchor: []string{"3:nothex"}}
	if err := bad.run(ctx, &out); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Fatalf("a malformed anchor: %v", err)
	}

	// A rewrite that recomputes every hash keeps the chain whole but loses the anchor.
	if _, err := db.SQL().Exec(`DELETE FROM audit_events`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE audit_head SET seq = 0, hash = '' WHERE chain = 10`); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			return audit.Record(ctx, tx, "system", "forged", "acct", nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "BROKEN: anchor 10:3:") {
		t.Fatalf("rewritten chain: %q, %v", out.String(), err)
	}

	if _, err := db.SQL().Exec(`UPDATE audit_events SET subject = 'other' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	cmd.Anchor = nil
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "BROKEN at event 2 of chain 10:") {
		t.Fatalf("edited chain: %q, %v", out.String(), err)
	}
}

// TestAuditVerifyAgainstCheckpoints (issue 16): with the checkpoint flags serve runs with, `purse
// audit verify` reads the file sink by itself and reports a tail cut with the head moved back,
// which the chain alone passes.
func TestAuditVerifyAgainstCheckpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "purse.db")
	db, err := sqlite.Open(ctx, path, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 5 {
		if err := db.Tx(ctx, func(tx purse.Tx) error { return audit.Record(ctx, tx, "system", "test", "acct", nil) }); err != nil {
			t.Fatal(err)
		}
	}
	flags := CheckpointFlags{AuditCheckpointKey: filepath.Join(dir, "checkpoint.key"),
		AuditCheckpointSink: []string{"file:" + filepath.Join(dir, "checkpoints.log")}, AuditCheckpointInterval: time.Minute}
	if _, err := audit.LoadCheckpointKey(flags.AuditCheckpointKey, true); err != nil {
		t.Fatal(err)
	}
	cp, err := flags.checkpointer(db, purse.SystemClock{}, nil, false, path)
	if err != nil || cp == nil {
		t.Fatalf("checkpointer: %v", err)
	}
	if _, err := cp.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	cmd := &AuditVerifyCmd{StoreFlags: StoreFlags{DB: path}, CheckpointFlags: flags}
	var out bytes.Buffer
	if err := cmd.run(ctx, &out); err != nil || !strings.Contains(out.String(), "OK: 1 signed checkpoints hold; the latest") {
		t.Fatalf("intact: %q, %v", out.String(), err)
	}
	for _, q := range []string{`DELETE FROM audit_events WHERE seq > 3`,
		`UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_events WHERE seq = 3) WHERE chain = 10`} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "TRUNCATED: chain 10 ends at event 3, but a checkpoint") {
		t.Fatalf("cut tail: %q, %v", out.String(), err)
	}
	// An emptied sink is not a clean record.
	if err := os.WriteFile(filepath.Join(dir, "checkpoints.log"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "BROKEN: no checkpoint signed by key") {
		t.Fatalf("emptied sink: %q, %v", out.String(), err)
	}
}
