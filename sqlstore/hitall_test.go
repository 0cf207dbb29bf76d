package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// HitAll counts several keys in one statement as Hit counts one, and answers in the keys' order
// whatever order the engine returns its rows in.
func TestHitAllCountsEachKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		day := clk.Now().Truncate(24 * 3600e9)
		hit := func(f func(tx purse.Tx) ([]int, error)) []int {
			var out []int
			must(t, db.Tx(ctx, func(tx purse.Tx) (err error) { out, err = f(tx); return err }))
			return out
		}
		if got := hit(func(tx purse.Tx) ([]int, error) { return tx.HitAll(ctx, []string{"k:b", "k:a"}, day) }); !slices.Equal(got, []int{1, 1}) {
			t.Fatalf("first hits = %v", got)
		}
		hit(func(tx purse.Tx) ([]int, error) { n, err := tx.Hit(ctx, "k:a", day); return []int{n}, err })
		if got := hit(func(tx purse.Tx) ([]int, error) { return tx.HitAll(ctx, []string{"k:a", "k:c", "k:b"}, day) }); !slices.Equal(got, []int{3, 1, 2}) {
			t.Fatalf("later hits = %v, want [3 1 2]", got)
		}
	})
}
