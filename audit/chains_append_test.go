package audit_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestAppendAcrossChainsIsTwoStatements: an append about subjects of three chains locks the three
// heads in one statement and stores the events in one more, which moves each head (issue 19: it
// was two statements per chain); past one insert's rows every part moves its chains' heads, and
// every chain stays whole.
func TestAppendAcrossChainsIsTwoStatements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		append3 := func(perSubject int) []string {
			var subjects []string
			for range perSubject {
				subjects = append(subjects, "acct", "b", "acct-e") // chains 10, 5, 0
			}
			entries := make([]audit.Entry, len(subjects))
			for i, s := range subjects {
				entries[i] = audit.Entry{Subject: s, Data: map[string]string{"i": fmt.Sprint(i)}}
			}
			var mu sync.Mutex
			var audits []string
			db.OnStatement(func(q string) {
				if strings.Contains(q, "audit_") {
					mu.Lock()
					audits = append(audits, strings.Fields(q)[0])
					mu.Unlock()
				}
			})
			defer db.OnStatement(nil)
			if err := db.Tx(ctx, func(tx purse.Tx) error {
				return audit.RecordAll(ctx, tx, "system", "append.test", entries)
			}); err != nil {
				t.Fatal(err)
			}
			return audits
		}
		if got := append3(2); len(got) != 2 {
			t.Errorf("an append across three chains sent %d audit statements %v, want 2", len(got), got)
		}
		append3(200) // 600 events: two inserts
		heads, err := audit.Heads(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if heads[10].Seq != 202 || heads[5].Seq != 202 || heads[0].Seq != 202 {
			t.Fatalf("heads: %v", heads)
		}
		if r := check(t, db); r.FirstBroken != 0 || r.Events != 606 {
			t.Fatalf("chains: %+v", r)
		}
	})
}
