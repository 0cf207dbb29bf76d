package ledger_test

import (
	"context"
	"math"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

func TestBalanced(t *testing.T) {
	t.Parallel()
	leg := func(owner string, amount int64) purse.Posting {
		return ledger.Leg(owner, purse.BookMain, purse.CNY, amount)
	}
	for name, legs := range map[string][]purse.Posting{
		"one leg":    {leg("a", 1)},
		"unbalanced": {leg("a", 1), leg("b", -2)},
		"zero leg":   {leg("a", 0), leg("b", 0)},
		"overflow":   {leg("a", math.MaxInt64), leg("b", 1), leg("c", math.MinInt64)},
		"user in operator book": {{Owner: "a", Book: purse.BookOperator, Currency: purse.CNY, Amount: 1},
			leg("b", -1)},
		"two currencies, each unbalanced": {leg("a", 5), ledger.Leg("b", purse.BookPoints, purse.Points, -5)},
	} {
		if err := ledger.Balanced(legs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := ledger.Balanced([]purse.Posting{leg("a", 7), leg(purse.OwnerBank, -7)}); err != nil {
		t.Errorf("balanced legs refused: %v", err)
	}
}

func account(t *testing.T, db *sqlstore.DB, status purse.AccountStatus) string {
	t.Helper()
	ctx := context.Background()
	rec := &purse.AccountRecord{ID: purse.NewID(), Kind: purse.KindMobile, Status: status, PhoneHash: purse.NewID(),
		Language: "en", Activated: true}
	if err := db.Tx(ctx, func(tx purse.Tx) error {
		rec.CreatedAt, rec.UpdatedAt = tx.Now(), tx.Now()
		return tx.InsertAccount(ctx, rec)
	}); err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

func post(ctx context.Context, db *sqlstore.DB, id string, legs ...purse.Posting) error {
	return db.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		return ledger.Post(ctx, tx, nil, &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxTopup,
			Status: purse.TxSettled, AccountID: id, Amount: 1, Currency: purse.CNY, CreatedAt: now}, legs)
	})
}

func TestPostRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		a := account(t, db, purse.StatusActive)
		in := func(n int64) []purse.Posting {
			return []purse.Posting{ledger.Leg(purse.OwnerBank, "", purse.CNY, -n), ledger.Leg(a, purse.BookMain, purse.CNY, n)}
		}
		if err := post(ctx, db, a, in(100)...); err != nil {
			t.Fatal(err)
		}
		if err := post(ctx, db, a, in(-101)...); purse.ErrorCode(err) != purse.CodeInsufficientFunds {
			t.Fatalf("overdraft: %v", err)
		}
		// The bank book is at -100: a posting that takes it past MinInt64 is refused, not wrapped.
		if err := post(ctx, db, a, in(math.MaxInt64)...); purse.ErrorCode(err) != purse.CodeBalanceLimit {
			t.Fatalf("overflow: %v", err)
		}
		if err := post(ctx, db, a, ledger.Leg(a, purse.BookCredit, purse.CNY, 1), ledger.Leg(a, purse.BookMain, purse.CNY, -1)); purse.ErrorCode(err) != purse.CodeRepaymentExceedsDebt {
			t.Fatalf("positive credit book: %v", err)
		}
		for _, st := range []purse.AccountStatus{purse.StatusClosing, purse.StatusClosed, purse.StatusPurged} {
			closed := account(t, db, st)
			if err := post(ctx, db, closed, ledger.Leg(purse.OwnerBank, "", purse.CNY, -1), ledger.Leg(closed, purse.BookMain, purse.CNY, 1)); purse.ErrorCode(err) != purse.CodeAccountNotActive {
				t.Fatalf("%s account: %v", st, err)
			}
		}
		err := db.Read(ctx, func(tx purse.Tx) error {
			books, err := tx.Balances(ctx, a)
			if err != nil {
				return err
			}
			if len(books) != 1 || books[0].Amount != 100 {
				t.Errorf("books = %+v", books)
			}
			bal, _, err := tx.BookTotals(ctx)
			if bal[purse.CNY] != 0 {
				t.Errorf("CNY sums to %d", bal[purse.CNY])
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
