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

// TestClosureAndAccountForUpdate: a closure step's first statement returns the account's request
// and that account, whether the account is locked with it or not, and finds no request of
// another account (issue 19: one statement where a step sent two).
func TestClosureAndAccountForUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := account(t, db), account(t, db)
		now := clk.Now()
		c := &purse.ClosureRequest{ID: purse.NewID(), AccountID: a, Policy: "strict", PolicyJSON: []byte(`{"name":"strict"}`),
			State: purse.ClosureRights, Factors: []string{"sms_code"}, CreatedAt: now, UpdatedAt: now,
			ExpiresAt: now.Add(time.Hour), Deadline: now.Add(48 * time.Hour)}
		if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertClosure(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		for _, lock := range []bool{false, true} {
			err := db.Tx(ctx, func(tx purse.Tx) error {
				got, rec, err := tx.ClosureAndAccountForUpdate(ctx, c.ID, a, lock)
				if err != nil {
					return err
				}
				want, err := tx.Closure(ctx, c.ID, a)
				if err != nil {
					return err
				}
				acct, err := tx.Account(ctx, a)
				if err != nil {
					return err
				}
				if got.ID != want.ID || got.State != want.State || got.Version != want.Version ||
					string(got.PolicyJSON) != string(want.PolicyJSON) || len(got.Factors) != 1 || !got.ExpiresAt.Equal(want.ExpiresAt) {
					t.Errorf("lock %v: request %+v, want %+v", lock, got, want)
				}
				if rec.ID != a || rec.Status != acct.Status || rec.PhoneHash != acct.PhoneHash || rec.Kind != acct.Kind {
					t.Errorf("lock %v: account %+v, want %+v", lock, rec, acct)
				}
				if _, _, err := tx.ClosureAndAccountForUpdate(ctx, c.ID, b, lock); !errors.Is(err, purse.ErrNotFound) {
					t.Errorf("lock %v: another account's request: %v", lock, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}
