package sqlstore_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The set-based ledger queries of group commit: statuses of the accounts that exist, every book of
// the owners, and one upsert that creates and adds.
func TestSetBasedLedgerQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := newAccount("set-a", clk.Now()), newAccount("set-b", clk.Now())
		b.Status = purse.StatusClosing
		unknown := purse.NewID()
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			must(t, tx.InsertAccount(ctx, a))
			return tx.InsertAccount(ctx, b)
		}))
		main := func(id string) purse.BookKey {
			return purse.BookKey{Owner: id, Book: purse.BookMain, Currency: purse.CNY}
		}
		points := purse.BookKey{Owner: a.ID, Book: purse.BookPoints, Currency: purse.CNY}
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			st, err := tx.AccountStatusesForUpdate(ctx, []string{a.ID, b.ID, unknown})
			if err != nil {
				return err
			}
			if len(st) != 2 || st[a.ID] != purse.StatusActive || st[b.ID] != purse.StatusClosing {
				t.Errorf("statuses %v", st)
			}
			got, err := tx.AddBalances(ctx, map[purse.BookKey]int64{main(a.ID): 500, points: 7, main(b.ID): 3})
			if err != nil {
				return err
			}
			if got[main(a.ID)] != 500 || got[points] != 7 || got[main(b.ID)] != 3 {
				t.Errorf("created %v", got)
			}
			got, err = tx.AddBalances(ctx, map[purse.BookKey]int64{main(a.ID): -200})
			if err != nil {
				return err
			}
			if len(got) != 1 || got[main(a.ID)] != 300 {
				t.Errorf("added %v", got)
			}
			return nil
		}))
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			books, err := tx.BookAmounts(ctx, []string{a.ID, unknown})
			if err != nil {
				return err
			}
			if len(books) != 2 || books[main(a.ID)] != 300 || books[points] != 7 {
				t.Errorf("books %v", books)
			}
			empty, err := tx.BookAmounts(ctx, nil)
			if err != nil || len(empty) != 0 {
				t.Errorf("no owners: %v %v", empty, err)
			}
			return nil
		}))
	})
}
