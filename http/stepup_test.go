package http_test

import (
	"testing"

	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// TestPaymentPasswordSentIsAlwaysChecked reproduces issue 13: a WRONG payment password sent with a
// small transfer was ignored and not counted, and small transfers went through while the payment
// password was locked and without a daily total. Now the wrong one is refused and counted, the
// fifth locks it, password-free transfers stop while it is locked, and they stop at the
// operator's daily total.
func TestPaymentPasswordSentIsAlwaysChecked(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob := e.SignUp(""), e.SignUp("")
		topup(t, e, alice, bindCard(t, e, alice), 100_000)
		for i := 1; i < account.MaxPayFailures; i++ {
			e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100, "payment_password": "000000"},
				alice.Header()...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		}
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100, "payment_password": "000000"},
			alice.Header()...).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100},
			alice.Header()...).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
		if got := books(t, e, bob)["balance/CNY"]; got != 0 {
			t.Fatalf("money moved with a wrong or locked payment password: %d", got)
		}
	})
}

func TestPasswordFreeTransfersStopAtTheDailyTotal(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob := e.SignUp(""), e.SignUp("")
		topup(t, e, alice, bindCard(t, e, alice), 100_000)
		e.SmallPayments(alice)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 1500}, alice.Header()...).Expect(t, 201)
		p := e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 600}, alice.Header()...).
			ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		if p.Detail == "" {
			t.Fatal("no message")
		}
		// The refused one counted nothing: 500 more still fits the day's 2,000.
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 500}, alice.Header()...).Expect(t, 201)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 600, "payment_password": alice.PaymentPassword},
			alice.Header()...).Expect(t, 201)
		// The next day the allowance is whole again.
		e.Clock.Advance(24 * 3600 * 1e9)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 1500}, alice.Header()...).Expect(t, 201)
		if got := books(t, e, bob)["balance/CNY"]; got != 4100 {
			t.Fatalf("bob has %d", got)
		}
	}, func(c *app.Config) { c.Wallet.SmallDaily = 2000 })
}
