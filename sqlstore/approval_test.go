package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// Four-eyes requests (issue 13) round-trip alike on both stores; a request is decided once (a
// second decision finds it no longer pending); and the table refuses a checker who is the maker,
// whatever code path tries.
func TestApprovalsAreDecidedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a := &purse.Approval{ID: purse.NewID(), Kind: "points.grant", AccountID: purse.NewID(), Amount: 500_000,
			Params: map[string]string{"book": "points"}, Reason: "goodwill", Maker: "operator:m",
			State: purse.ApprovalPending, CreatedAt: clk.Now(), ExpiresAt: clk.Now().Add(24 * time.Hour)}
		older := *a
		older.ID, older.CreatedAt = purse.NewID(), clk.Now().Add(-time.Minute)
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.InsertApproval(ctx, a); err != nil {
				return err
			}
			return tx.InsertApproval(ctx, &older)
		}))
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			got, err := tx.ApprovalForUpdate(ctx, a.ID)
			if err != nil {
				return err
			}
			if got.Kind != a.Kind || got.Amount != a.Amount || got.Params["book"] != "points" || got.Reason != "goodwill" ||
				got.Maker != a.Maker || got.State != purse.ApprovalPending || !got.ExpiresAt.Equal(a.ExpiresAt) || !got.DecidedAt.IsZero() {
				t.Errorf("round trip = %+v", got)
			}
			list, err := tx.Approvals(ctx, purse.ApprovalPending, 10)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].ID != older.ID {
				t.Errorf("pending, oldest first = %+v", list)
			}
			if _, err := tx.ApprovalForUpdate(ctx, purse.NewID()); !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("unknown approval: %v", err)
			}
			return nil
		}))

		self := *a
		self.State, self.Checker, self.DecidedAt = purse.ApprovalApproved, a.Maker, clk.Now()
		if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.DecideApproval(ctx, &self) }); err == nil {
			t.Fatal("the table let the maker be the checker")
		}
		done := *a
		done.State, done.Checker, done.Result, done.DecidedAt = purse.ApprovalApproved, "operator:c", "tx-1", clk.Now()
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.DecideApproval(ctx, &done) }))
		again := done
		again.State = purse.ApprovalRejected
		if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.DecideApproval(ctx, &again) }); !errors.Is(err, purse.ErrNotFound) {
			t.Fatalf("second decision: %v, want ErrNotFound", err)
		}
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			list, err := tx.Approvals(ctx, purse.ApprovalApproved, 10)
			if err == nil && (len(list) != 1 || list[0].Checker != "operator:c" || list[0].Result != "tx-1" || !list[0].DecidedAt.Equal(clk.Now())) {
				t.Errorf("approved = %+v", list)
			}
			return err
		}))
	})
}
