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

// A commit group's set-based reads and writes: the accounts it locks read whole, and its senders'
// password-free totals read and added in one statement each.
func TestGroupLocksAndCounters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := newAccount("group-a", clk.Now()), newAccount("group-b", clk.Now())
		a.OneClickPay, b.Status = true, purse.StatusRestricted
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			must(t, tx.InsertAccount(ctx, a))
			return tx.InsertAccount(ctx, b)
		}))
		day := clk.Now().Truncate(24 * time.Hour)
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			recs, err := tx.AccountsForUpdate(ctx, []string{b.ID, a.ID, purse.NewID()})
			if err != nil {
				return err
			}
			if len(recs) != 2 || !recs[a.ID].OneClickPay || recs[a.ID].PhoneHash != "group-a" || recs[b.ID].Status != purse.StatusRestricted {
				t.Errorf("records %+v", recs)
			}
			must(t, tx.AddToCounters(ctx, map[string]int64{"k:" + a.ID: 300, "k:" + b.ID: 0}, day))
			must(t, tx.AddToCounters(ctx, map[string]int64{"k:" + a.ID: 200}, day))
			got, err := tx.Counters(ctx, []string{"k:" + a.ID, "k:" + b.ID}, day)
			if err != nil {
				return err
			}
			if len(got) != 1 || got["k:"+a.ID] != 500 {
				t.Errorf("counters %v, want only a's 500 (b's zero delta writes nothing)", got)
			}
			other, err := tx.Counters(ctx, []string{"k:" + a.ID}, day.Add(24*time.Hour))
			if err != nil || len(other) != 0 {
				t.Errorf("the next day's counters: %v %v", other, err)
			}
			return nil
		}))
	})
}
