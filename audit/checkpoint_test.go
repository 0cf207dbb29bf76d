package audit_test

import (
	"bytes"
	"crypto/ed25519"
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

// checkpointed records 10 events, writes a checkpoint to a file sink, records 5 more and writes
// another: the chain's head (seq 15) is signed outside the database, as serve does at its interval.
func checkpointed(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) (ed25519.PublicKey, string) {
	t.Helper()
	key, err := audit.LoadCheckpointKey(filepath.Join(t.TempDir(), "checkpoint.key"), true)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "checkpoints.log")
	cp := &audit.Checkpointer{Store: db, Key: key, Sinks: []audit.Sink{&audit.FileSink{Path: path}}, Clock: clk}
	record(t, db, 10)
	if _, err := cp.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Minute)
	record(t, db, 5)
	if _, err := cp.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	return key.Public().(ed25519.PublicKey), path
}

func verifyAgainst(t *testing.T, db *sqlstore.DB, pub ed25519.PublicKey, path string) *audit.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cps, bad, err := audit.ReadCheckpoints(f)
	if err != nil || bad != 0 || len(cps) < 2 {
		t.Fatalf("checkpoints: %d read, %d bad, %v", len(cps), bad, err)
	}
	r, err := audit.VerifyCheckpoints(ctx, db, pub, cps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func kinds(r *audit.Report) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s@%d", f.Kind, f.Seq))
	}
	return strings.Join(out, " ")
}

// events reads the whole chain.
func events(t *testing.T, db *sqlstore.DB) []*purse.AuditEvent {
	t.Helper()
	var es []*purse.AuditEvent
	if err := db.Read(ctx, func(tx purse.Tx) error {
		var err error
		es, err = tx.AuditEvents(ctx, "", purse.AuditPos{}, 1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

// rechain stores es as the whole chain, renumbered from 1 and every hash recomputed with the
// public hash function: what an intruder with write access to the database can do.
func rechain(t *testing.T, db *sqlstore.DB, es []*purse.AuditEvent) {
	t.Helper()
	prev := ""
	for i, e := range es {
		e.Seq, e.PrevHash = int64(i+1), prev
		e.Hash = audit.Hash(e)
		prev = e.Hash
	}
	exec(t, db, `DELETE FROM audit_events`)
	if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAudits(ctx, es) }); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointsCatchTampering (issue 16: "cutting the tail and moving the stored head, or
// deleting an event and recomputing the hashes with the public hash function, both verify as
// intact"): each tampering is done to a checkpointed chain on both stores. The chain's own check
// still passes where the issue says it did; the check against the signed checkpoints reports each.
func TestCheckpointsCatchTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		tamper      func(t *testing.T, db *sqlstore.DB)
		chainIntact bool   // the chain alone still verifies: the attack the checkpoints exist for
		want        string // a finding that must be reported
	}{
		{"cut the tail and move the stored head", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `DELETE FROM audit_events WHERE seq > 12`)
			exec(t, db, fmt.Sprintf(`UPDATE audit_head SET seq = 12, hash = (SELECT hash FROM audit_events WHERE chain = %d AND seq = 12) WHERE chain = %[1]d`, acctChain))
		}, true, "truncated@15"},
		{"delete an event and recompute the hashes", func(t *testing.T, db *sqlstore.DB) {
			es := events(t, db)
			rechain(t, db, append(es[:4], es[5:]...)) // event 5 goes
		}, true, "rehashed@10"},
		{"rewrite an event", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `UPDATE audit_events SET actor = 'system' WHERE seq = 7`)
		}, false, "rewritten@7"},
		{"rewrite an event and recompute the hashes", func(t *testing.T, db *sqlstore.DB) {
			es := events(t, db)
			es[6].Data["note"] = "已删除"
			rechain(t, db, es)
		}, true, "rehashed@10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
				t.Parallel()
				pub, path := checkpointed(t, db, clk)
				if r := verifyAgainst(t, db, pub, path); !r.OK() || r.Checked != 2 || r.Latest.Anchors()[acctChain].Seq != 15 {
					t.Fatalf("before tampering: %s, %d checked", kinds(r), r.Checked)
				}
				c.tamper(t, db)
				if r := check(t, db); (r.FirstBroken == 0) != c.chainIntact {
					t.Fatalf("the chain alone: %+v, want intact=%v", r, c.chainIntact)
				}
				r := verifyAgainst(t, db, pub, path)
				if !strings.Contains(" "+kinds(r)+" ", " "+c.want+" ") {
					t.Fatalf("findings %q, want %s", kinds(r), c.want)
				}
			})
		})
	}
}

// TestCheckpointForgedLine: a checkpoint line signed by another key (an intruder who can append to
// the sink but has not the key) is reported, not believed.
func TestCheckpointForgedLine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		pub, path := checkpointed(t, db, clk)
		_, other, _ := ed25519.GenerateKey(nil)
		heads, _ := audit.Heads(ctx, db)
		line := audit.SignCheckpoint(other, heads, clk.Now()).Line()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(append(line, '\n'))
		f.Close()
		if r := verifyAgainst(t, db, pub, path); kinds(r) != "forged@0" || r.Checked != 2 {
			t.Fatalf("findings %q, %d checked", kinds(r), r.Checked)
		}
		if !bytes.Contains(line, []byte(`"type":"purse-audit-checkpoint"`)) {
			t.Fatalf("line %s", line)
		}
	})
}
