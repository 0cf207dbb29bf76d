package demo_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/demo"
)

// The money demo accounts stand for exactly their blocker, and seeding twice changes nothing.
func TestMoneyDemoAccounts(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		for range 2 {
			if err := demo.Seed(ctx, e.App, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
		facts := func(phone string) *purse.EligibilityFacts {
			hash, _ := e.App.Accounts.LookupLogin(phone)
			var f *purse.EligibilityFacts
			err := e.DB.Read(ctx, func(tx purse.Tx) error {
				rec, err := tx.LiveAccountByLookup(ctx, hash)
				if err != nil {
					return err
				}
				f, err = tx.EligibilityFacts(ctx, rec.ID, tx.Now().Add(-time.Hour))
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", phone, err)
			}
			return f
		}
		books := func(f *purse.EligibilityFacts) map[purse.Book]int64 {
			m := map[purse.Book]int64{}
			for _, b := range f.Books {
				m[b.Book] = b.Amount
			}
			return m
		}
		if b := books(facts("13800000001")); len(b) != 2 || b[purse.BookMain] != 10000 || b[purse.BookPoints] != 500 {
			t.Errorf("01 books = %v", b)
		}
		if b := books(facts("13800000002")); len(b) != 1 || b[purse.BookFund] != 200000 {
			t.Errorf("02 books = %v", b)
		}
		if f := facts("13800000003"); len(f.Books) != 0 || f.RecentWithdrawals != 1 || f.BoundCards != 0 || f.PendingTransactions != 0 {
			t.Errorf("03 facts = %+v", f)
		}
		if f := facts("13800000005"); !f.OpenCreditLine || len(f.Books) != 1 || books(f)[purse.BookCredit] != -30000 {
			t.Errorf("05 facts = %+v", f)
		}
		if b := books(facts("13800000010")); len(b) != 1 || b[purse.BookStored] != 50 {
			t.Errorf("10 books = %v", b)
		}
		err := e.DB.Read(ctx, func(tx purse.Tx) error {
			bal, post, err := tx.BookTotals(ctx)
			for cur := range bal {
				if bal[cur] != 0 || post[cur] != 0 {
					t.Errorf("%s does not sum to zero: %d, %d", cur, bal[cur], post[cur])
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
