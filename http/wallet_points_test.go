package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// grantPoints grants the user points through the operator API.
func grantPoints(t *testing.T, e *apitest.Env, u *apitest.User, amount int64) {
	t.Helper()
	e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": amount},
		apitest.Auth(e.Operator("admin"))...).Expect(t, 201)
}

// Converting points pays CNY into the balance at the default rate (100 points = 1.00 CNY), as one
// balanced transaction of its own kind against the points issuer's books.
func TestConvertPoints(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		grantPoints(t, e, u, 550)
		var rate struct {
			Unit      int64
			UnitValue int64 `json:"unit_value"`
			Currency  string
		}
		e.Call("GET", "/api/v1/points/rate", nil, u.Header()...).Expect(t, 200).JSON(t, &rate)
		if rate.Unit != 100 || rate.UnitValue != 100 || rate.Currency != "CNY" {
			t.Fatalf("rate = %+v", rate)
		}
		var tx txBody
		e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 500}, u.Header()...).Expect(t, 201).JSON(t, &tx)
		if tx.Kind != "points_convert" || tx.Amount != 500 || tx.Currency != string(purse.Points) || tx.Status != "settled" {
			t.Fatalf("conversion = %+v", tx)
		}
		if b := books(t, e, u); b["points/PTS"] != 50 || b["balance/CNY"] != 500 {
			t.Fatalf("books = %v", b)
		}
		var legs int
		if err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM ledger_postings WHERE transaction_id = '` + tx.ID +
			`' AND owner LIKE 'operator:points_issuer#%'`).Scan(&legs); err != nil || legs != 2 {
			t.Fatalf("issuer legs = %d, %v", legs, err)
		}
		var list struct{ Items []txBody }
		e.Call("GET", "/api/v1/transactions?kind=points_convert", nil, u.Header()...).Expect(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != tx.ID {
			t.Fatalf("listed = %+v", list.Items)
		}
		sound(t, e)
	})
}

// Every refused conversion answers its code, in both languages, and changes nothing.
func TestConvertPointsRefused(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		grantPoints(t, e, u, 250)
		for _, c := range []struct {
			name   string
			amount int64
			status int
			code   string
		}{
			{"zero", 0, 422, "INVALID_REQUEST"},
			{"negative", -100, 422, "INVALID_REQUEST"},
			{"not a whole unit", 150, 422, "POINTS_UNIT"},
			{"below one unit", 99, 422, "POINTS_UNIT"},
			{"more than held", 300, 409, "INSUFFICIENT_FUNDS"},
		} {
			before, n := books(t, e, u), countTx(t, e)
			res := e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": c.amount}, u.Header()...)
			if p := res.Problem(t); res.Status != c.status || p.Code != c.code {
				t.Errorf("%s: got %d %s, want %d %s", c.name, res.Status, p.Code, c.status, c.code)
			}
			unchanged(t, e, u, before)
			if countTx(t, e) != n {
				t.Errorf("%s: a transaction was recorded", c.name)
			}
		}
		// The service itself refuses what the API's schema stops first.
		for _, n := range []int64{0, -100} {
			if _, err := e.App.Wallet.ConvertPoints(t.Context(), u.ID, n); purse.ErrorCode(err) != purse.CodeAmountInvalid {
				t.Errorf("convert %d: %v", n, err)
			}
		}
		for lang, want := range map[string]string{"en": "multiple of 100", "zh-CN": "100 的倍数"} {
			p := e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 150},
				append(u.Header(), "Accept-Language", lang)...).ExpectProblem(t, 422, "POINTS_UNIT")
			if !strings.Contains(p.Detail, want) {
				t.Errorf("%s detail = %q", lang, p.Detail)
			}
		}
		// A closing account converts nothing; a restricted one may, as the value stays its own.
		e.SetStatus(t, u.ID, purse.StatusClosing)
		before := books(t, e, u)
		e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 100}, u.Header()...).
			ExpectProblem(t, 409, "ACCOUNT_NOT_ACTIVE")
		unchanged(t, e, u, before)
		e.SetStatus(t, u.ID, purse.StatusRestricted)
		e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 100}, u.Header()...).Expect(t, 201)
		if b := books(t, e, u); b["points/PTS"] != 150 || b["balance/CNY"] != 100 {
			t.Fatalf("books = %v", b)
		}
		sound(t, e)
	})
}

// A retried conversion with its Idempotency-Key converts once and answers as the first time.
func TestConvertPointsIdempotent(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		grantPoints(t, e, u, 1000)
		h := append(u.Header(), "Idempotency-Key", "convert-1")
		var first, second txBody
		e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 400}, h...).Expect(t, 201).JSON(t, &first)
		res := e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 400}, h...).Expect(t, 201)
		res.JSON(t, &second)
		if first.ID != second.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry answered %+v, first %+v", second, first)
		}
		if b := books(t, e, u); b["points/PTS"] != 600 || b["balance/CNY"] != 400 {
			t.Fatalf("books after retry = %v", b)
		}
		sound(t, e)
	})
}

// The operator's rate: 10 points pay 5 fen.
func TestConvertPointsAtConfiguredRate(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		grantPoints(t, e, u, 100)
		e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 35}, u.Header()...).ExpectProblem(t, 422, "POINTS_UNIT")
		e.Call("POST", "/api/v1/points/conversions", map[string]any{"amount": 30}, u.Header()...).Expect(t, 201)
		if b := books(t, e, u); b["points/PTS"] != 70 || b["balance/CNY"] != 15 {
			t.Fatalf("books = %v", b)
		}
		sound(t, e)
	}, func(c *app.Config) { c.Wallet.PointsUnit, c.Wallet.PointsUnitValue = 10, 5 })
}
