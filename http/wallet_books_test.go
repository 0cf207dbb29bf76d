package http_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

func TestFundRedemptionSettlesNextWorkingDay(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		topup(t, e, u, bindCard(t, e, u), 10000)
		e.Call("POST", "/api/v1/fund/subscriptions", map[string]any{"amount": 8000}, u.Header()...).Expect(t, 201)
		var red txBody
		e.Call("POST", "/api/v1/fund/redemptions", map[string]any{"amount": 3000}, u.Header()...).Expect(t, 201).JSON(t, &red)
		if red.Status != "pending" {
			t.Fatalf("redemption = %+v", red)
		}
		if b := books(t, e, u); b["balance/CNY"] != 2000 || b["fund/CNY"] != 5000 {
			t.Fatalf("books = %v", b)
		}
		// Monday 17:00 in Shanghai: the cash arrives Tuesday 00:00 Shanghai.
		e.Clock.Advance(6 * 3600e9)
		if n, _ := e.App.Wallet.SettleDue(t.Context(), purse.TxFundRedeem); n != 0 {
			t.Fatal("settled before the next working day")
		}
		e.Clock.Advance(3600e9)
		if n, err := e.App.Wallet.SettleDue(t.Context(), purse.TxFundRedeem); n != 1 || err != nil {
			t.Fatalf("settled %d, %v", n, err)
		}
		if b := books(t, e, u); b["balance/CNY"] != 5000 || b["fund/CNY"] != 5000 {
			t.Fatalf("books after settlement = %v", b)
		}
		sound(t, e)
	})
}

func TestPointsAndStoredValue(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		op := e.Operator("admin")
		for _, g := range []struct{ path, spend, key string }{
			{"/api/v1/admin/points/grants", "/api/v1/points/spend", "points/PTS"},
			{"/api/v1/admin/stored/grants", "/api/v1/stored/spend", "stored/STV"},
		} {
			var tx txBody
			e.Call("POST", g.path, map[string]any{"account_id": u.ID, "amount": 500}, apitest.Auth(op)...).Expect(t, 201).JSON(t, &tx)
			// Users cannot grant themselves anything.
			e.Call("POST", g.path, map[string]any{"account_id": u.ID, "amount": 500}, u.Header()...).
				ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
			e.Call("POST", g.path, map[string]any{"account_id": purse.NewID(), "amount": 5}, apitest.Auth(op)...).
				ExpectProblem(t, 404, "NOT_FOUND")
			e.Call("POST", g.spend, map[string]any{"amount": 200}, u.Header()...).Expect(t, 201)
			before := books(t, e, u)
			e.Call("POST", g.spend, map[string]any{"amount": 301}, u.Header()...).ExpectProblem(t, 409, "INSUFFICIENT_FUNDS")
			unchanged(t, e, u, before)
			if before[g.key] != 300 {
				t.Fatalf("%s = %d", g.key, before[g.key])
			}
		}
		var audits int
		if err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action IN ('points_grant','stored_grant')`).Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 2 {
			t.Fatalf("audited grants = %d", audits)
		}
		sound(t, e)
	})
}

func TestCreditLineDrawRepayClose(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		op := e.Operator("admin")
		e.Call("POST", "/api/v1/admin/credit-lines", map[string]any{"account_id": u.ID, "limit": 50000}, apitest.Auth(op)...).Expect(t, 201)
		e.Call("POST", "/api/v1/admin/credit-lines", map[string]any{"account_id": u.ID, "limit": 50000}, apitest.Auth(op)...).
			ExpectProblem(t, 409, "CREDIT_LINE_EXISTS")
		e.Call("POST", "/api/v1/credit/draws", map[string]any{"amount": 30000}, u.Header()...).Expect(t, 201)
		before := books(t, e, u)
		if before["credit/CNY"] != -30000 || before["balance/CNY"] != 30000 {
			t.Fatalf("books = %v", before)
		}
		e.Call("POST", "/api/v1/credit/draws", map[string]any{"amount": 20001}, u.Header()...).ExpectProblem(t, 409, "CREDIT_LIMIT_EXCEEDED")
		e.Call("DELETE", "/api/v1/credit/line", nil, u.Header()...).ExpectProblem(t, 409, "CREDIT_DEBT_OUTSTANDING")
		e.Call("POST", "/api/v1/credit/repayments", map[string]any{"amount": 30001}, u.Header()...).ExpectProblem(t, 409, "INSUFFICIENT_FUNDS")
		unchanged(t, e, u, before)
		var line struct{ Debt, Limit int64 }
		e.Call("GET", "/api/v1/credit/line", nil, u.Header()...).Expect(t, 200).JSON(t, &line)
		if line.Debt != 30000 || line.Limit != 50000 {
			t.Fatalf("line = %+v", line)
		}
		e.Call("POST", "/api/v1/credit/repayments", map[string]any{"amount": 30000}, u.Header()...).Expect(t, 201)
		// Overpaying would turn debt into credit: refused.
		topup(t, e, u, bindCard(t, e, u), 100)
		e.Call("POST", "/api/v1/credit/repayments", map[string]any{"amount": 1}, u.Header()...).ExpectProblem(t, 409, "REPAYMENT_EXCEEDS_DEBT")
		e.Call("DELETE", "/api/v1/credit/line", nil, u.Header()...).Expect(t, 204)
		e.Call("GET", "/api/v1/credit/line", nil, u.Header()...).ExpectProblem(t, 409, "CREDIT_LINE_MISSING")
		e.Call("POST", "/api/v1/credit/draws", map[string]any{"amount": 1}, u.Header()...).ExpectProblem(t, 409, "CREDIT_LINE_MISSING")
		sound(t, e)
	})
}
