package wallet_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/wallet"
)

// A commit group's steps leave their audit events to the group (jobs.RunItem, as closure steps
// do), which appends those of the kept steps at once before its commit: one statement locks the
// heads of every chain they go to and one stores them all (issue 19: two statements per step).
// A step whose savepoint rolled back leaves none; one refused after commit (FailAfterCommit)
// keeps its own. Every chain stays whole.
func TestGroupAppendsItsStepsAuditOnce(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		refused := purse.Errorf(purse.CodeOTPInvalid, "wrong code")
		step := func(subject string, result error) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				return jobs.RunItem(ctx, b.DB, func(ctx context.Context, tx purse.Tx) error {
					p := audit.Defer(tx)
					p.Record("system", "group.test", subject, nil)
					if err := p.Flush(ctx); err != nil {
						return err
					}
					return result
				})
			}
		}
		before, err := audit.Heads(b.ctx, b.DB)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var audits []string
		b.DB.OnStatement(func(q string) {
			if strings.Contains(q, "audit_") {
				mu.Lock()
				audits = append(audits, strings.Fields(q)[0])
				mu.Unlock()
			}
		})
		// Subjects of chains 10, 5, 0 and 10 again; "rolled" rolls its savepoint back.
		errs := wallet.RunGroup(b.ctx, b.DB, step("acct", nil), step("b", nil), step("rolled", errors.New("undone")),
			step("acct-e", purse.FailAfterCommit(refused)), step("acct", nil))
		b.DB.OnStatement(nil)
		if errs[0] != nil || errs[1] != nil || errs[4] != nil || errs[2] == nil || purse.ErrorCode(errs[3]) != purse.CodeOTPInvalid {
			t.Fatalf("answers: %v", errs)
		}
		if len(audits) != 2 {
			t.Errorf("the group sent %d audit statements %v, want 2", len(audits), audits)
		}
		after, err := audit.Heads(b.ctx, b.DB)
		if err != nil {
			t.Fatal(err)
		}
		grew := map[int]int64{}
		for i := range after {
			if d := after[i].Seq - before[i].Seq; d != 0 {
				grew[after[i].Chain] = d
			}
		}
		if len(grew) != 3 || grew[10] != 2 || grew[5] != 1 || grew[0] != 1 {
			t.Errorf("the chains grew by %v, want 2 in chain 10 and 1 in chains 5 and 0", grew)
		}
		r, err := audit.Check(b.ctx, b.DB)
		if err != nil || r.FirstBroken != 0 {
			t.Fatalf("chains: %+v, %v", r, err)
		}
	})
}
