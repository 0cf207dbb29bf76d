package audit_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestChainZeroHashUnchanged: an event of chain 0 hashes as every event did before the log had
// chains (the golden value is from the single-chain code), so the events stored then verify
// unchanged; the same event in another chain hashes differently, so it cannot be moved there.
func TestChainZeroHashUnchanged(t *testing.T) {
	t.Parallel()
	e := &purse.AuditEvent{Seq: 7, ID: "ev-7", At: time.Date(2026, 12, 1, 9, 30, 0, 123456000, time.UTC),
		Actor: "operator:op-1", Action: "admin.test", Subject: "acct", Data: map[string]string{"b": "2", "a": "注销"}, PrevHash: "ab"}
	if h := audit.Hash(e); h != "2f6fd45327a21c1bab6d92679ca9c53c7d308640a0755da0399eabeecd330211" {
		t.Fatalf("chain 0's hash changed: %s", h)
	}
	e.Chain = 10
	if audit.Hash(e) == "2f6fd45327a21c1bab6d92679ca9c53c7d308640a0755da0399eabeecd330211" {
		t.Fatal("an event hashes alike in chain 0 and chain 10")
	}
}

// TestAccountStaysInOneChain: an account's events go to its chain, and its history reads in
// order: the events recorded before the log had chains (chain 0) first, then its chain's.
func TestAccountStaysInOneChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		// Two events as the single chain stored them: chain 0, before the migration.
		legacy := []*purse.AuditEvent{{ID: "old-1", At: clk.Now(), Actor: "system", Action: "old", Subject: "acct"},
			{ID: "old-2", At: clk.Now(), Actor: "system", Action: "old", Subject: "acct"}}
		prev := ""
		for i, e := range legacy {
			e.Seq, e.PrevHash = int64(i+1), prev
			e.Hash = audit.Hash(e)
			prev = e.Hash
		}
		if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAudits(ctx, legacy) }); err != nil {
			t.Fatal(err)
		}
		recordAbout(t, db, "acct", 3)
		recordAbout(t, db, "b", 2)
		var es []*purse.AuditEvent
		if err := db.Read(ctx, func(tx purse.Tx) (err error) {
			es, err = tx.AuditEvents(ctx, "acct", purse.AuditPos{}, 100)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, fmt.Sprintf("%d:%d", e.Chain, e.Seq))
		}
		if strings.Join(got, " ") != "0:1 0:2 10:1 10:2 10:3" {
			t.Fatalf("acct's history: %v", got)
		}
		if r := check(t, db); r.FirstBroken != 0 || r.Events != 7 {
			t.Fatalf("chains: %+v", r)
		}
	})
}

// TestRecordAllSplitsByChain: one batch about accounts of three chains appends to each chain in
// one statement and leaves every chain whole.
func TestRecordAllSplitsByChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		subjects := []string{"acct", "b", "acct-e", "acct", "b", "acct"} // chains 10, 5, 0
		entries := make([]audit.Entry, len(subjects))
		for i, s := range subjects {
			entries[i] = audit.Entry{Subject: s, Data: map[string]string{"i": fmt.Sprint(i)}}
		}
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			return audit.RecordAll(ctx, tx, "system", "retention.test", entries)
		}); err != nil {
			t.Fatal(err)
		}
		heads, err := audit.Heads(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if heads[10].Seq != 3 || heads[5].Seq != 2 || heads[0].Seq != 1 {
			t.Fatalf("heads: %v", heads)
		}
		if r := check(t, db); r.FirstBroken != 0 || r.Events != 6 {
			t.Fatalf("chains: %+v", r)
		}
	})
}

// TestCheckpointCatchesACutInAnyChain: one signed checkpoint names every chain's head, so cutting
// the tail of a chain other than the longest (and moving its head back) is reported for that
// chain, though every chain alone still verifies.
func TestCheckpointCatchesACutInAnyChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		recordAbout(t, db, "b", 4) // chain 5
		pub, path := checkpointed(t, db, clk)
		exec(t, db, `DELETE FROM audit_events WHERE chain = 5 AND seq > 2`)
		exec(t, db, `UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE chain = 5 AND seq = 2) WHERE chain = 5`)
		if r := check(t, db); r.FirstBroken != 0 {
			t.Fatalf("the chains alone: %+v", r)
		}
		r := verifyAgainst(t, db, pub, path)
		if len(r.Findings) != 2 || r.Findings[0].Kind != audit.FindTruncated || r.Findings[0].Chain != 5 || r.Findings[0].Seq != 4 {
			t.Fatalf("findings: %+v", r.Findings)
		}
	})
}

// TestCheckpointV1StillVerifies: a checkpoint line written while the log was one chain (version
// 1: one seq and hash) still verifies, as chain 0's head, and still catches chain 0's tail cut.
func TestCheckpointV1StillVerifies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		recordAbout(t, db, "acct-e", 3) // chain 0
		heads, err := audit.Heads(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		_, key, _ := ed25519.GenerateKey(nil)
		v1 := &audit.Checkpoint{Type: audit.CheckpointType, V: 1, Seq: heads[0].Seq, Hash: heads[0].Hash, At: clk.Now(),
			KeyID: audit.CheckpointKeyID(key.Public().(ed25519.PublicKey))}
		v1.Sig = base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, v1.SignedBytes()))
		line := fmt.Sprintf(`{"type":"purse-audit-checkpoint","v":1,"seq":%d,"hash":%q,"at":%q,"kid":%q,"sig":%q}`,
			v1.Seq, v1.Hash, v1.At.Format(time.RFC3339Nano), v1.KeyID, v1.Sig)
		path := filepath.Join(t.TempDir(), "checkpoints.log")
		if err := os.WriteFile(path, []byte(line+"\n"+line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		pub := key.Public().(ed25519.PublicKey)
		if r := verifyAgainst(t, db, pub, path); !r.OK() || r.Checked != 2 {
			t.Fatalf("a v1 checkpoint: %s, %d checked", kinds(r), r.Checked)
		}
		exec(t, db, `DELETE FROM audit_events WHERE chain = 0 AND seq = 3`)
		exec(t, db, `UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE chain = 0 AND seq = 2) WHERE chain = 0`)
		if r := verifyAgainst(t, db, pub, path); kinds(r) != "truncated@3 truncated@3" {
			t.Fatalf("chain 0 cut: %s", kinds(r))
		}
	})
}
