package http_test

import (
	"context"
	"slices"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/wallet"
)

// topUp puts real money into an account: a bound card and a top-up through the wallet.
func topUp(t *testing.T, e *apitest.Env, accountID string, amount int64) {
	t.Helper()
	ctx := context.Background()
	card := e.BindCard(accountID)
	if _, err := e.App.Wallet.Topup(ctx, accountID, card, amount); err != nil {
		t.Fatal(err)
	}
}

// TestLeftoverSweptAtReview: with a sweep threshold, a tiny leftover is a warning, not a blocker,
// and the wallet sweeps it to the operator's sweep book in the review's transaction (DESIGN.md §2);
// over the threshold it blocks as BALANCE_NOT_ZERO. The ledger stays balanced.
func TestLeftoverSweptAtReview(t *testing.T) {
	t.Parallel()
	p, err := closure.Load("alipay")
	if err != nil {
		t.Fatal(err)
	}
	p.SweepThreshold = 99
	for k := range p.Verification {
		p.Verification[k] = []string{closure.FactorPaymentPassword}
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		big := e.SignUp("")
		topUp(t, e, big.ID, 100)
		f := start(t, e, big)
		if f = post(t, e, big, f.ID, "agreement", map[string]any{"accept": true}, 200); !slices.Equal(ct.Codes(f.Blockers), []string{"BALANCE_NOT_ZERO"}) {
			t.Fatalf("over the threshold: %v", ct.Codes(f.Blockers))
		}
		u := e.SignUp("")
		topUp(t, e, u.ID, 37)
		f = start(t, e, u)
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		if f.State != "rights" || !slices.Equal(ct.Codes(f.Blockers), []string{"LEFTOVER_TO_SWEEP"}) {
			t.Fatalf("leftover: %+v", f)
		}
		post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword}, 200)
		if f = post(t, e, u, f.ID, "submit", nil, 200); f.State != "closed" {
			t.Fatalf("submit: %+v", f)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_balances WHERE owner = ? AND amount <> 0`, u.ID); n != 0 {
			t.Fatalf("the closed account still holds %d books", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_transactions WHERE account_id = ? AND kind = 'sweep' AND amount = 37`, u.ID); n != 1 {
			t.Fatalf("%d sweep transactions of 37 fen", n)
		}
		books, err := e.App.Wallet.OperatorBooks(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(books, wallet.OperatorBook{Owner: purse.OwnerSweep, Currency: purse.CNY, Amount: 37}) {
			t.Fatalf("the sweep book does not hold the leftover: %+v", books)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM (SELECT currency FROM ledger_balances GROUP BY currency HAVING SUM(amount) <> 0) x WHERE x.currency <> ?`, ""); n != 0 {
			t.Fatal("the ledger no longer sums to zero")
		}
	}, func(c *app.Config) { c.Policy = p })
}
