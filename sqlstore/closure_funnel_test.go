package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestClosureFunnel counts requests of the window step by step: an old one is left out, a
// blocker is counted once per request and warnings not at all, verification and submission are
// read from the history.
func TestClosureFunnel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		now := clk.Now()
		mk := func(created time.Time, state purse.ClosureState, bs []purse.Blocker, moves ...[2]purse.ClosureState) {
			t.Helper()
			c := &purse.ClosureRequest{ID: purse.NewID(), AccountID: account(t, db), Policy: "strict", PolicyJSON: []byte(`{}`),
				State: state, Blockers: bs, CreatedAt: created, UpdatedAt: created, ExpiresAt: created.Add(time.Hour), Deadline: created}
			err := db.Tx(ctx, func(tx purse.Tx) error {
				if err := tx.InsertClosure(ctx, c); err != nil {
					return err
				}
				for _, m := range moves {
					if err := tx.InsertClosureEvents(ctx, []*purse.ClosureEvent{{ClosureID: c.ID, At: created, From: m[0], To: m[1], Actor: "test"}}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		block := func(code purse.Code, warning bool) purse.Blocker { return purse.Blocker{Code: code, Warning: warning} }
		verified := [2]purse.ClosureState{purse.ClosureVerification, purse.ClosureReview}
		reviewed := [2]purse.ClosureState{purse.ClosureReview, purse.ClosureCoolingOff}
		failed := [2]purse.ClosureState{purse.ClosureReview, purse.ClosureFailed}
		mk(now.Add(-40*24*time.Hour), purse.ClosureClosed, nil, verified, reviewed) // outside the window
		mk(now, purse.ClosureEligibility, []purse.Blocker{block(purse.CodeAutoDebitActive, false),
			block(purse.CodeAutoDebitActive, false), block(purse.CodeCouponsUnused, true)})
		mk(now, purse.ClosureCancelled, []purse.Blocker{block(purse.CodeCouponsUnused, true)})
		mk(now, purse.ClosureClosed, nil, verified, reviewed)
		mk(now, purse.ClosureFailed, []purse.Blocker{block(purse.CodeBalanceNotZero, false)}, verified, failed)
		var f *purse.ClosureFunnel
		err := db.Read(ctx, func(tx purse.Tx) error {
			var err error
			f, err = tx.ClosureFunnel(ctx, now.Add(-30*24*time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got := [7]int{f.Started, f.Blocked, f.Verified, f.Submitted, f.Closed, f.Cancelled, f.Failed}
		if want := [7]int{4, 2, 2, 2, 1, 1, 1}; got != want {
			t.Fatalf("funnel (started, blocked, verified, submitted, closed, cancelled, failed) %v, want %v", got, want)
		}
		if f.ByCode[purse.CodeAutoDebitActive] != 1 || f.ByCode[purse.CodeBalanceNotZero] != 1 || len(f.ByCode) != 2 {
			t.Fatalf("by code %v", f.ByCode)
		}
	})
}
