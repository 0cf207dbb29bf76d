package main

import (
	"bytes"
	"context"
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
	cmd := &AuditVerifyCmd{StoreFlags{DB: path}}
	var out bytes.Buffer
	if err := cmd.run(ctx, &out); err != nil || out.String() != "OK: 3 events, chain intact\n" {
		t.Fatalf("whole chain: %q, %v", out.String(), err)
	}
	if _, err := db.SQL().Exec(`UPDATE audit_events SET subject = 'other' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := cmd.run(ctx, &out); err == nil || !strings.HasPrefix(out.String(), "BROKEN at event 2:") {
		t.Fatalf("edited chain: %q, %v", out.String(), err)
	}
}
