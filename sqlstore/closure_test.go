package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

func account(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	id := purse.NewID()
	err := db.Tx(context.Background(), func(tx purse.Tx) error {
		return tx.InsertAccount(context.Background(), &purse.AccountRecord{ID: id, Kind: purse.KindMobile,
			Status: purse.StatusActive, PhoneHash: id, Activated: true, CreatedAt: tx.Now(), UpdatedAt: tx.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestClosureQueries: one open request per account, optimistic versions, deadline order, due
// cooling-off, and another account's request not found.
func TestClosureQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := account(t, db), account(t, db)
		now := clk.Now()
		mk := func(acct string, deadline time.Time) *purse.ClosureRequest {
			return &purse.ClosureRequest{ID: purse.NewID(), AccountID: acct, Policy: "strict", PolicyJSON: []byte(`{}`),
				State: purse.ClosureAgreement, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour), Deadline: deadline}
		}
		ca, cb := mk(a, now.Add(48*time.Hour)), mk(b, now.Add(24*time.Hour))
		err := db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.InsertClosure(ctx, ca); err != nil {
				return err
			}
			return tx.InsertClosure(ctx, cb)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertClosure(ctx, mk(a, now)) })
		if !errors.Is(err, purse.ErrDuplicate) {
			t.Fatalf("second open request: %v", err)
		}
		err = db.Read(ctx, func(tx purse.Tx) error {
			if _, err := tx.Closure(ctx, ca.ID, b); !errors.Is(err, purse.ErrNotFound) {
				t.Fatalf("another account's request: %v", err)
			}
			open, err := tx.OpenClosures(ctx, closure.Open(), 10)
			if err != nil {
				return err
			}
			if len(open) != 2 || open[0].ID != cb.ID {
				t.Fatalf("not by deadline: %v", open)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx purse.Tx) error {
			c, err := tx.ClosureForUpdate(ctx, ca.ID, a)
			if err != nil {
				return err
			}
			stale := *c
			c.State, c.CoolingEnds, c.Factors = purse.ClosureCoolingOff, now.Add(time.Hour), []string{"sms_code"}
			if err := tx.UpdateClosure(ctx, c); err != nil {
				return err
			}
			if err := tx.UpdateClosure(ctx, &stale); !errors.Is(err, purse.ErrNotFound) {
				t.Fatalf("stale update: %v", err)
			}
			due, err := tx.DueCoolingOff(ctx, now.Add(time.Hour), 10)
			if err != nil || len(due) != 1 || due[0].Factors[0] != "sms_code" {
				t.Fatalf("due %v %v", due, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
