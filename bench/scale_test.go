package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/lifecycle"
)

// `purse bench scale` end to end at two tiny sizes, on SQLite and, when PURSE_TEST_POSTGRES is
// set, on PostgreSQL: each size loads the rows it says and every measurement answers without
// errors. It judges no figure.
func TestScaleSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("loads data and runs every measurement twice")
	}
	eachStore(t, func(t *testing.T, name, db string) {
		ctx := context.Background()
		rs, err := RunScale(ctx, ScaleOptions{DB: db, Sizes: []int{120, 240}, Samples: 24, Clients: 2, Purge: 20, Rounds: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range rs {
			if want := int64(sc.Load.Accounts) * (1 + 3*TopupsPerAccount + 1); sc.Load.Rows < want {
				t.Errorf("%d accounts: %d rows loaded, want at least %d", sc.Load.Accounts, sc.Load.Rows, want)
			}
			if len(sc.Ops) != 5 || sc.Purge == nil || sc.Purge.Accounts != 20 {
				t.Fatalf("%d accounts: %d measurements, purge %+v %s", sc.Load.Accounts, len(sc.Ops), sc.Purge, sc.PurgeErr)
			}
			for _, op := range sc.Ops {
				if op.Errors != 0 || op.N < 24 {
					t.Errorf("%d accounts: %s: %d timed, %d errors", sc.Load.Accounts, op.Name, op.N, op.Errors)
				}
			}
		}
		var b strings.Builder
		if err := PrintScale(&b, rs); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "240 ÷ 120") {
			t.Errorf("no ratio rows:\n%s", b.String())
		}
		t.Log("\n" + b.String())
	})
}

// The bulk load leaves a sound ledger: balances and postings each sum to zero, and the operator's
// bank book, summed over its sub-books, is the other side of every top-up.
func TestBulkLoadIsSound(t *testing.T) {
	if testing.Short() {
		t.Skip("loads data")
	}
	ctx := context.Background()
	s, err := Start(ctx, "", lifecycle.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.loadBulk(ctx, 130); err != nil {
		t.Fatal(err)
	}
	err = s.Store.Read(ctx, func(tx purse.Tx) error {
		bal, postings, err := tx.BookTotals(ctx)
		if err != nil {
			return err
		}
		if bal[purse.CNY] != 0 || postings[purse.CNY] != 0 {
			t.Errorf("CNY sums to %d in balances, %d in postings", bal[purse.CNY], postings[purse.CNY])
		}
		rows, err := tx.BookAmounts(ctx, ledger.Rows([]string{purse.OwnerBank}))
		if err != nil {
			return err
		}
		books, err := ledger.Fold(rows)
		if got := books[purse.BookKey{Owner: purse.OwnerBank, Book: purse.BookOperator, Currency: purse.CNY}]; got != -130*TopupsPerAccount*bulkAmount {
			t.Errorf("bank book %d, want %d", got, -130*TopupsPerAccount*bulkAmount)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The bulk load drops the secondary indexes of its tables and builds them again after (issue 19:
// a faster load): afterwards every one is there, made by the same statement as before.
func TestBulkLoadKeepsIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads data")
	}
	eachStore(t, func(t *testing.T, name, db string) {
		ctx := context.Background()
		s, err := Start(ctx, db, lifecycle.Policy{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, before, err := secondaryIndexes(ctx, s.Store.SQL(), s.Kind)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) < 10 {
			t.Fatalf("only %d secondary indexes found on the bulk tables", len(before))
		}
		if _, err := s.loadBulk(ctx, 150); err != nil {
			t.Fatal(err)
		}
		_, after, err := secondaryIndexes(ctx, s.Store.SQL(), s.Kind)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("indexes before the load:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
		}
	})
}
