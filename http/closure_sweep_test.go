package http_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
)

type fakeSweeper struct {
	mu    sync.Mutex
	swept []int64
}

func (f *fakeSweeper) SweepLeftover(_ context.Context, _ purse.Tx, _ string, b purse.BookBalance) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.swept = append(f.swept, b.Amount)
	return nil
}

// TestLeftoverSweptAtReview: with a sweep threshold and the ledger's sweeper, a tiny leftover is a
// warning and is swept in the review's transaction; over the threshold it blocks.
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
		sw := &fakeSweeper{}
		e.App.Closures.Sweeper = sw
		big := e.SignUp("")
		ct.Book(t, e, big.ID, purse.BookMain, "CNY", 100)
		f := start(t, e, big)
		if f = post(t, e, big, f.ID, "agreement", map[string]any{"accept": true}, 200); !slices.Equal(ct.Codes(f.Blockers), []string{"BALANCE_NOT_ZERO"}) {
			t.Fatalf("over the threshold: %v", ct.Codes(f.Blockers))
		}
		u := e.SignUp("")
		ct.Book(t, e, u.ID, purse.BookMain, "CNY", 37)
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
		if !slices.Equal(sw.swept, []int64{37}) {
			t.Fatalf("swept %v", sw.swept)
		}
	}, func(c *app.Config) { c.Policy = p })
}
