package sqlstore_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestOperatorNames: the console names the operator behind "operator:ID" in histories.
func TestOperatorNames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		o := &purse.Operator{ID: purse.NewID(), Username: "wang.li", Role: purse.RoleAgent, PasswordHash: "x", CreatedAt: clk.Now()}
		var names map[string]string
		err := db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.InsertOperator(ctx, o); err != nil {
				return err
			}
			var err error
			names, err = tx.OperatorNames(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if names[o.ID] != "wang.li" || len(names) != 1 {
			t.Fatalf("names %v", names)
		}
	})
}
