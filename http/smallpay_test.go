package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// TestSmallPaymentsAreAnOptIn reproduces issue 13: transfers up to 1,000.00 went without the
// payment password for everyone. Now password-free small payments (小额免密) are off until the
// holder switches them on with the payment password (a wrong one counted), go only within the
// operator's per-payment cap, stop while the payment password is locked, and end when switched
// off, which needs nothing.
func TestSmallPaymentsAreAnOptIn(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob := e.SignUp(""), e.SignUp("")
		topup(t, e, alice, bindCard(t, e, alice), 100_000)
		var sp struct {
			Enabled    bool
			PerPayment struct{ Amount int64 } `json:"per_payment"`
			Daily      struct{ Amount int64 }
		}
		e.Call("GET", "/api/v1/settings/small-payments", nil, alice.Header()...).Expect(t, 200).JSON(t, &sp)
		if sp.Enabled || sp.PerPayment.Amount != 1000 || sp.Daily.Amount != 5000 {
			t.Fatalf("settings %+v: on by default, or not the operator's caps", sp)
		}
		pay := func(amount int64, hdr ...string) *apitest.Response {
			return e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": amount}, hdr...)
		}
		for _, lang := range []string{"en", "zh-CN"} {
			p := pay(100, append(alice.Header(), "Accept-Language", lang)...).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
			if lang == "en" && !strings.Contains(p.Detail, "switch them on") || lang == "zh-CN" && !strings.Contains(p.Detail, "开通小额免密") {
				t.Fatalf("%s: %q does not say they are off", lang, p.Detail)
			}
		}
		set := func(body map[string]any) *apitest.Response {
			return e.Call("PUT", "/api/v1/settings/small-payments", body, alice.Header()...)
		}
		set(map[string]any{"enabled": true}).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		set(map[string]any{"enabled": true, "payment_password": "000000"}).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		// The old route is the same switch, and takes the same proof.
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": true}, alice.Header()...).
			ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		pay(100, alice.Header()...).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")

		set(map[string]any{"enabled": true, "payment_password": alice.PaymentPassword}).Expect(t, 200).JSON(t, &sp)
		if !sp.Enabled {
			t.Fatal("not switched on")
		}
		pay(1000, alice.Header()...).Expect(t, 201)
		pay(1001, alice.Header()...).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		// Bob's are still off: the switch is the holder's own.
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": alice.Phone, "amount": 1}, bob.Header()...).
			ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")

		// A locked payment password stops them.
		for i := 0; i < account.MaxPayFailures; i++ {
			e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 1, "payment_password": "000000"}, alice.Header()...)
		}
		pay(100, alice.Header()...).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
		e.Clock.Advance(account.PayLock)
		pay(100, alice.Header()...).Expect(t, 201)

		// Switching off needs nothing, and ends them.
		set(map[string]any{"enabled": false}).Expect(t, 200)
		pay(100, alice.Header()...).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		if got := books(t, e, bob)["balance/CNY"]; got != 1100 {
			t.Fatalf("bob has %d, want 1100", got)
		}
		acts := auditActions(t, e, alice.ID)
		if n := countOf(acts, "settings.one_click_pay"); n != 2 {
			t.Fatalf("switch audited %d times, want 2: %v", n, acts)
		}
	}, func(c *app.Config) { c.Wallet.PasswordAbove, c.Wallet.SmallDaily = 1000, 5000 })
}
