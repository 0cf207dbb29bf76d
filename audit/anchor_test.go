package audit_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestAnchors: the anchor job logs the head when it moved; a recorded anchor holds until the
// event it names is rewritten.
func TestAnchors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		var buf bytes.Buffer
		task := audit.AnchorTask(db, slog.New(slog.NewTextHandler(&buf, nil)))
		if n := jobs.RunOnce(ctx, task, nil); n != 0 || buf.Len() != 0 {
			t.Fatalf("an empty chain logged %q", buf.String())
		}
		record(t, db, 3)
		heads, err := audit.Heads(ctx, db)
		if err != nil || len(heads) != audit.Chains {
			t.Fatalf("heads %v, %v", heads, err)
		}
		head := heads[acctChain]
		if head.Seq != 3 || head.Chain != acctChain {
			t.Fatalf("head %v, %v", head, err)
		}
		jobs.RunOnce(ctx, task, nil)
		jobs.RunOnce(ctx, task, nil)
		if strings.Count(buf.String(), "audit anchor") != 1 || !strings.Contains(buf.String(), head.String()) {
			t.Fatalf("log: %q", buf.String())
		}
		parsed, err := audit.ParseAnchor(head.String())
		if err != nil || parsed != head {
			t.Fatalf("parsed %v, %v", parsed, err)
		}
		if ok, err := audit.Holds(ctx, db, head); !ok || err != nil {
			t.Fatalf("fresh anchor: %v, %v", ok, err)
		}
		exec(t, db, `UPDATE audit_events SET hash = '`+strings.Repeat("0", 64)+`' WHERE seq = 3`)
		if ok, _ := audit.Holds(ctx, db, head); ok {
			t.Fatal("the anchor held after its event was rewritten")
		}
		if ok, _ := audit.Holds(ctx, db, audit.Anchor{Chain: acctChain, Seq: 9, Hash: head.Hash}); ok {
			t.Fatal("an anchor past the chain's end held")
		}
	})
}
