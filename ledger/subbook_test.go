package ledger_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The operator books are split into sub-books (issue 19): top-ups posted one by one and in a
// batch spread over several rows of the bank book, none of them the unsplit row, and the book read
// back as the sum of its rows holds exactly the other side of the users' books; the ledger still
// sums to zero. Before the split every top-up added to the one "operator:bank" row.
func TestOperatorBooksSplitIntoSubBooks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		a := account(t, db, purse.StatusActive)
		var want int64
		for n := int64(1); n <= 24; n++ {
			if err := post(ctx, db, a, ledger.Leg(purse.OwnerBank, "", purse.CNY, -n), ledger.Leg(a, purse.BookMain, purse.CNY, n)); err != nil {
				t.Fatal(err)
			}
			want += n
		}
		var entries []ledger.Entry
		for n := int64(1); n <= 8; n++ {
			entries = append(entries, ledger.Entry{Tx: &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxTopup,
				Status: purse.TxSettled, AccountID: a, Amount: n, Currency: purse.CNY},
				Legs: []purse.Posting{ledger.Leg(purse.OwnerBank, "", purse.CNY, -n), ledger.Leg(a, purse.BookMain, purse.CNY, n)}})
			want += n
		}
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			errs, err := ledger.PostBatch(ctx, tx, nil, entries)
			for _, e := range errs {
				if e != nil {
					return e
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		err := db.Read(ctx, func(tx purse.Tx) error {
			rows, err := tx.BookAmounts(ctx, ledger.Rows([]string{purse.OwnerBank}))
			if err != nil {
				return err
			}
			if len(rows) < 2 {
				t.Errorf("32 top-ups added to %d row(s) of the bank book: %v", len(rows), rows)
			}
			for k := range rows {
				if !strings.HasPrefix(k.Owner, purse.OwnerBank+"#") {
					t.Errorf("a top-up added to %q, not a sub-book", k.Owner)
				}
			}
			books, err := ledger.Fold(rows)
			if err != nil {
				return err
			}
			if got := books[purse.BookKey{Owner: purse.OwnerBank, Book: purse.BookOperator, Currency: purse.CNY}]; got != -want || len(books) != 1 {
				t.Errorf("bank book = %v, want %d", books, -want)
			}
			bal, postings, err := tx.BookTotals(ctx)
			if bal[purse.CNY] != 0 || postings[purse.CNY] != 0 {
				t.Errorf("CNY sums to %d in balances, %d in postings", bal[purse.CNY], postings[purse.CNY])
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// A transaction always picks the same sub-book (a withdrawal's settlement appends to the one its
// creation used), rows from before the split count, and the sum never wraps.
func TestSubBookRules(t *testing.T) {
	id := purse.NewID()
	if ledger.SubBook(purse.OwnerBank, id) != ledger.SubBook(purse.OwnerBank, id) {
		t.Fatal("a transaction's sub-book changed")
	}
	if got := ledger.Owner(ledger.SubBook(purse.OwnerSweep, id)); got != purse.OwnerSweep {
		t.Fatalf("Owner of a sweep sub-book = %q", got)
	}
	if got := ledger.Owner("01936f5e-0000-7000-8000-000000000000"); got != "01936f5e-0000-7000-8000-000000000000" {
		t.Fatalf("Owner of an account = %q", got)
	}
	key := func(owner string) purse.BookKey {
		return purse.BookKey{Owner: owner, Book: purse.BookOperator, Currency: purse.CNY}
	}
	books, err := ledger.Fold(map[purse.BookKey]int64{key(purse.OwnerBank): -5, key(purse.OwnerBank + "#3"): -7})
	if err != nil || books[key(purse.OwnerBank)] != -12 {
		t.Fatalf("unsplit and split rows folded to %v, %v", books, err)
	}
	_, err = ledger.Fold(map[purse.BookKey]int64{key(purse.OwnerBank + "#1"): math.MinInt64, key(purse.OwnerBank + "#2"): -1})
	if purse.ErrorCode(err) != purse.CodeBalanceLimit {
		t.Fatalf("a sum past int64: %v", err)
	}
}
