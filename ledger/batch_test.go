package ledger_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// A batch applies its entries in order against running amounts: a refused entry changes nothing
// and the later ones see the earlier ones' effect.
func TestPostBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		a, b, c := account(t, db, purse.StatusActive), account(t, db, purse.StatusActive), account(t, db, purse.StatusActive)
		closed := account(t, db, purse.StatusClosing)
		if err := post(ctx, db, a, ledger.Leg(purse.OwnerBank, "", purse.CNY, -100), ledger.Leg(a, purse.BookMain, purse.CNY, 100)); err != nil {
			t.Fatal(err)
		}
		move := func(from, to string, n int64) ledger.Entry {
			return ledger.Entry{Tx: &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxTransfer, Status: purse.TxSettled,
				AccountID: from, Counterparty: to, Amount: n, Currency: purse.CNY},
				Legs: []purse.Posting{ledger.Leg(from, purse.BookMain, purse.CNY, -n), ledger.Leg(to, purse.BookMain, purse.CNY, n)}}
		}
		unbalanced := move(a, b, 1)
		unbalanced.Legs[1].Amount = 2
		entries := []ledger.Entry{
			move(a, b, 60),            // ok: a 40, b 60
			move(a, b, 60),            // refused: a has 40
			move(b, c, 50),            // ok thanks to the first: b 10, c 50
			move(a, closed, 1),        // refused: closing
			unbalanced,                // refused
			move(a, purse.NewID(), 1), // refused: no such account
			move(c, a, 50),            // ok: c 0, a 90
		}
		var errs []error
		err := db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			errs, err = ledger.PostBatch(ctx, tx, nil, entries)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []purse.Code{"", purse.CodeInsufficientFunds, "", purse.CodeAccountNotActive, purse.CodeInternal, purse.CodeNotFound, ""}
		for i, w := range want {
			if got := purse.ErrorCode(errs[i]); got != w {
				t.Errorf("entry %d: %v, want %s", i, errs[i], w)
			}
		}
		err = db.Read(ctx, func(tx purse.Tx) error {
			for id, w := range map[string]int64{a: 90, b: 10, c: 0, closed: 0} {
				n, err := tx.BookAmount(ctx, id, purse.BookMain, purse.CNY)
				if err != nil {
					return err
				}
				if n != w {
					t.Errorf("balance %d, want %d", n, w)
				}
			}
			bal, postings, err := tx.BookTotals(ctx)
			if bal[purse.CNY] != 0 || postings[purse.CNY] != 0 {
				t.Errorf("ledger sums to %d / %d", bal[purse.CNY], postings[purse.CNY])
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM ledger_transactions`).Scan(&n); err != nil || n != 4 {
			t.Fatalf("%d transactions (1 top-up + 3 accepted), %v", n, err)
		}
	})
}
