package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// Every refused movement answers its status and code and changes nothing: no book, no transaction.
func TestMovementErrorsChangeNothing(t *testing.T) {
	t.Parallel()
	movementErrors(t)
}

// The same answers when transfers go through group commit's batched posting.
func TestMovementErrorsWithGroupCommit(t *testing.T) {
	t.Parallel()
	movementErrors(t, groupCommit)
}

func movementErrors(t *testing.T, opts ...apitest.Option) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob := e.SignUp(""), e.SignUp("")
		e.SmallPayments(alice)
		e.SmallPayments(bob)
		card := bindCard(t, e, alice)
		bobCard := bindCard(t, e, bob)
		topup(t, e, alice, card, 5000)
		cases := []struct {
			name, path string
			body       map[string]any
			status     int
			code       string
		}{
			{"zero top-up", "/api/v1/topups", map[string]any{"card_id": card, "amount": 0}, 422, "INVALID_REQUEST"},
			{"negative top-up", "/api/v1/topups", map[string]any{"card_id": card, "amount": -5}, 422, "INVALID_REQUEST"},
			{"huge top-up", "/api/v1/topups", map[string]any{"card_id": card, "amount": int64(1) << 62}, 422, "INVALID_REQUEST"},
			{"other currency", "/api/v1/topups", map[string]any{"card_id": card, "amount": 5, "currency": "USD"}, 422, "INVALID_REQUEST"},
			{"another user's card", "/api/v1/topups", map[string]any{"card_id": bobCard, "amount": 100}, 404, "NOT_FOUND"},
			{"unknown card", "/api/v1/withdrawals", map[string]any{"card_id": "nope", "amount": 100, "payment_password": "135790"}, 404, "NOT_FOUND"},
			{"withdraw too much", "/api/v1/withdrawals", map[string]any{"card_id": card, "amount": 5001, "payment_password": "135790"}, 409, "INSUFFICIENT_FUNDS"},
			{"transfer too much", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 5001}, 409, "INSUFFICIENT_FUNDS"},
			{"transfer to self", "/api/v1/transfers", map[string]any{"to": alice.Phone, "amount": 1}, 422, "TRANSFER_TO_SELF"},
			{"unknown recipient", "/api/v1/transfers", map[string]any{"to": "13999999999", "amount": 1}, 404, "RECIPIENT_NOT_FOUND"},
			{"unknown recipient id", "/api/v1/transfers", map[string]any{"to": purse.NewID(), "amount": 1}, 404, "RECIPIENT_NOT_FOUND"},
			{"zero transfer", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 0}, 422, "INVALID_REQUEST"},
			{"no payment password", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100001}, 403, "PAYMENT_PASSWORD_REQUIRED"},
			{"wrong payment password", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100001, "payment_password": "000000"}, 422, "PAYMENT_PASSWORD_WRONG"},
			{"fund over balance", "/api/v1/fund/subscriptions", map[string]any{"amount": 5001}, 409, "INSUFFICIENT_FUNDS"},
			{"redeem without units", "/api/v1/fund/redemptions", map[string]any{"amount": 1}, 409, "INSUFFICIENT_FUNDS"},
			{"spend missing points", "/api/v1/points/spend", map[string]any{"amount": 1}, 409, "INSUFFICIENT_FUNDS"},
			{"spend missing stored value", "/api/v1/stored/spend", map[string]any{"amount": 1}, 409, "INSUFFICIENT_FUNDS"},
			{"draw without a line", "/api/v1/credit/draws", map[string]any{"amount": 1}, 409, "CREDIT_LINE_MISSING"},
			{"repay without a line", "/api/v1/credit/repayments", map[string]any{"amount": 1}, 409, "CREDIT_LINE_MISSING"},
		}
		for _, c := range cases {
			beforeA, beforeB, n := books(t, e, alice), books(t, e, bob), countTx(t, e)
			res := e.Call("POST", c.path, c.body, alice.Header()...)
			if p := res.Problem(t); res.Status != c.status || p.Code != c.code {
				t.Errorf("%s: got %d %s, want %d %s", c.name, res.Status, p.Code, c.status, c.code)
			}
			unchanged(t, e, alice, beforeA)
			unchanged(t, e, bob, beforeB)
			if countTx(t, e) != n {
				t.Errorf("%s: a transaction was recorded", c.name)
			}
		}
		// Amounts in messages read as money.
		p := e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100001},
			append(alice.Header(), "Accept-Language", "en")...).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		if !strings.Contains(p.Detail, "CNY 1000.00") {
			t.Errorf("detail = %q", p.Detail)
		}
		e.Call("DELETE", "/api/v1/credit/line", nil, alice.Header()...).ExpectProblem(t, 409, "CREDIT_LINE_MISSING")
		e.Call("GET", "/api/v1/transactions/"+purse.NewID(), nil, alice.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("GET", "/api/v1/balances", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		sound(t, e)
	}, opts...)
}

// A closing or closed account takes part in no posting, on either side (DESIGN.md §4.2); a
// restricted one (AP-8.8) receives but does not send.
func TestPostingsRefusedByAccountStatus(t *testing.T) {
	t.Parallel()
	refusedByStatus(t)
}

func TestPostingsRefusedByAccountStatusWithGroupCommit(t *testing.T) {
	t.Parallel()
	refusedByStatus(t, groupCommit)
}

// groupCommit turns group commit on, as `purse serve` does on SQLite.
func groupCommit(c *app.Config) { c.Wallet.GroupCommit = 8 }

func refusedByStatus(t *testing.T, opts ...apitest.Option) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob := e.SignUp(""), e.SignUp("")
		e.SmallPayments(alice)
		e.SmallPayments(bob)
		card := bindCard(t, e, alice)
		bobCard := bindCard(t, e, bob)
		topup(t, e, alice, card, 5000)
		topup(t, e, bob, bobCard, 5000)

		for _, st := range []purse.AccountStatus{purse.StatusClosing, purse.StatusClosed} {
			e.SetStatus(t, bob.ID, st)
			beforeA, n := books(t, e, alice), countTx(t, e)
			e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.ID, "amount": 100}, alice.Header()...).
				ExpectProblem(t, 409, "ACCOUNT_NOT_ACTIVE")
			unchanged(t, e, alice, beforeA)
			if countTx(t, e) != n {
				t.Fatalf("%s: transaction recorded", st)
			}
		}
		// The closing account's own movements are refused too (its session still works in closing).
		e.SetStatus(t, bob.ID, purse.StatusClosing)
		beforeB, n := books(t, e, bob), countTx(t, e)
		for _, c := range []struct {
			path string
			body map[string]any
		}{
			{"/api/v1/topups", map[string]any{"card_id": bobCard, "amount": 100}},
			{"/api/v1/withdrawals", map[string]any{"card_id": bobCard, "amount": 100, "payment_password": "135790"}},
			{"/api/v1/transfers", map[string]any{"to": alice.Phone, "amount": 100}},
			{"/api/v1/fund/subscriptions", map[string]any{"amount": 100}},
		} {
			res := e.Call("POST", c.path, c.body, bob.Header()...)
			if res.Status == 201 {
				t.Fatalf("%s accepted for a closing account", c.path)
			}
		}
		unchanged(t, e, bob, beforeB)
		if countTx(t, e) != n {
			t.Fatal("a closing account's movement was recorded")
		}
		op := e.Operator("admin")
		e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": bob.ID, "amount": 10}, apitest.Auth(op)...).
			ExpectProblem(t, 409, "ACCOUNT_NOT_ACTIVE")

		// Restricted: receives, does not send.
		e.SetStatus(t, bob.ID, purse.StatusRestricted)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100}, alice.Header()...).Expect(t, 201)
		beforeB = books(t, e, bob)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": alice.Phone, "amount": 100}, bob.Header()...).
			ExpectProblem(t, 403, "ACCOUNT_RESTRICTED")
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": bobCard, "amount": 100, "payment_password": bob.PaymentPassword}, bob.Header()...).
			ExpectProblem(t, 403, "ACCOUNT_RESTRICTED")
		unchanged(t, e, bob, beforeB)
		sound(t, e)
	}, opts...)
}
