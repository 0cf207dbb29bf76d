package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

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
	head, err := audit.Head(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	cmd := &AuditVerifyCmd{StoreFlags: StoreFlags{DB: path}, Anchor: []string{head.String()}}
	var out bytes.Buffer
	if err := cmd.run(ctx, &out); err != nil || out.String() != fmt.Sprintf("OK: 3 events, chain intact, 1 anchors hold; head %s\n", head) {
		t.Fatalf("whole chain: %q, %v", out.String(), err)
	}

	bad := &AuditVerifyCmd{StoreFlags: StoreFlags{DB: path}, Anchor: []string{"3:nothex"}}
	if err := bad.run(ctx, &out); err == nil || !strings.Contains(err.Error(), "SEQ:HASH") {
		t.Fatalf("a malformed anchor: %v", err)
	}

	// A rewrite that recomputes every hash keeps the chain whole but loses the anchor.
	if _, err := db.SQL().Exec(`DELETE FROM audit_events`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE audit_head SET seq = 0, hash = ''`); err != nil {
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
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "BROKEN: anchor 3:") {
		t.Fatalf("rewritten chain: %q, %v", out.String(), err)
	}

	if _, err := db.SQL().Exec(`UPDATE audit_events SET subject = 'other' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	cmd.Anchor = nil
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "BROKEN at event 2:") {
		t.Fatalf("edited chain: %q, %v", out.String(), err)
	}
}
