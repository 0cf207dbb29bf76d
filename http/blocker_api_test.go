package http_test

import (
	"slices"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/storetest"
)

// AP-8.4: an operator records an auto-debit agreement, the user sees it and cancels it.
func TestAutoDebitCreateSeeCancel(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("reviewer")), apitest.Auth(e.Operator("agent"))
		path := "/api/v1/admin/accounts/" + u.ID + "/auto-debits"

		// Refusals change nothing: agent role, bad kind, empty merchant, unknown account.
		e.Call("POST", path, map[string]any{"merchant": "Metro", "kind": "general"}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path, map[string]any{"merchant": "Metro", "kind": "weekly"}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", path, map[string]any{"merchant": "  ", "kind": "general"}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", "/api/v1/admin/accounts/0190b7a0-0000-7000-8000-000000000000/auto-debits",
			map[string]any{"merchant": "Metro", "kind": "cae"}, rev...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", path, map[string]any{"merchant": "Metro", "kind": "cae"}, u.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		if got := list(t, e, "/api/v1/auto-debits", u.Header()); len(got) != 0 {
			t.Fatalf("refused creations left %v", got)
		}

		id := idOf(t, e.Call("POST", path, map[string]any{"merchant": "Metro", "kind": "travel_credit"}, rev...).Expect(t, 201))
		got := list(t, e, "/api/v1/auto-debits", u.Header())
		if len(got) != 1 || got[0]["id"] != id || got[0]["kind"] != "travel_credit" || got[0]["status"] != "active" {
			t.Fatalf("auto-debits = %v", got)
		}
		// Another account neither sees nor cancels it.
		if got := list(t, e, "/api/v1/auto-debits", other.Header()); len(got) != 0 {
			t.Fatalf("other sees %v", got)
		}
		e.Call("DELETE", "/api/v1/auto-debits/"+id, nil, other.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("DELETE", "/api/v1/auto-debits/not-an-id", nil, u.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		if s := statuses(list(t, e, "/api/v1/auto-debits", u.Header())); !slices.Equal(s, []string{"active"}) {
			t.Fatalf("after refused cancels: %v", s)
		}

		var ended map[string]any
		e.Call("DELETE", "/api/v1/auto-debits/"+id, nil, u.Header()...).Expect(t, 200).JSON(t, &ended)
		if ended["status"] != "cancelled" || ended["ended_at"] == nil {
			t.Fatalf("cancelled = %v", ended)
		}
		// Cancelling again is harmless and answers the same state.
		e.Call("DELETE", "/api/v1/auto-debits/"+id, nil, u.Header()...).Expect(t, 200)
		if s := statuses(list(t, e, "/api/v1/auto-debits", u.Header())); !slices.Equal(s, []string{"cancelled"}) {
			t.Fatalf("after cancel: %v", s)
		}
		acts := auditActions(t, e, u.ID)
		if !slices.Contains(acts, "admin.auto_debit.create") || !slices.Contains(acts, "auto_debit.cancel") {
			t.Fatalf("audit = %v", acts)
		}
	})
}

// AP-8.9: contracts need a merchant account; they count while in term and stop at ends_at; the
// operator can terminate one early.
func TestMerchantContracts(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("reviewer")), apitest.Auth(e.Operator("agent"))
		path := "/api/v1/admin/accounts/" + u.ID + "/contracts"
		ends := e.Clock.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)

		e.Call("POST", path, map[string]any{"title": "Shop lease", "ends_at": ends}, rev...).ExpectProblem(t, 409, "NOT_MERCHANT")
		e.Call("PUT", "/api/v1/admin/accounts/"+u.ID+"/kind", map[string]any{"kind": "merchant"}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("PUT", "/api/v1/admin/accounts/"+u.ID+"/kind", map[string]any{"kind": "boss"}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		if got := list(t, e, "/api/v1/contracts", u.Header()); len(got) != 0 {
			t.Fatalf("contracts = %v", got)
		}
		var ov struct{ Kind string }
		e.Call("PUT", "/api/v1/admin/accounts/"+u.ID+"/kind", map[string]any{"kind": "merchant"}, rev...).Expect(t, 200).JSON(t, &ov)
		if ov.Kind != "merchant" {
			t.Fatalf("kind = %q", ov.Kind)
		}
		past := e.Clock.Now().Add(-time.Hour).Format(time.RFC3339)
		e.Call("POST", path, map[string]any{"title": "Old", "ends_at": past}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", path, map[string]any{"title": "Lease", "ends_at": ends}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if got := list(t, e, "/api/v1/contracts", u.Header()); len(got) != 0 {
			t.Fatalf("contracts = %v", got)
		}

		short := idOf(t, e.Call("POST", path, map[string]any{"title": "Short", "ends_at": e.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339)}, rev...).Expect(t, 201))
		long := idOf(t, e.Call("POST", path, map[string]any{"title": "Long", "ends_at": ends}, rev...).Expect(t, 201))
		inTerm := func() map[string]bool {
			m := map[string]bool{}
			for _, c := range list(t, e, "/api/v1/contracts", u.Header()) {
				m[c["id"].(string)] = c["in_term"].(bool)
			}
			return m
		}
		if m := inTerm(); !m[short] || !m[long] {
			t.Fatalf("in term = %v", m)
		}
		e.Clock.Advance(25 * time.Hour)
		if m := inTerm(); m[short] || !m[long] {
			t.Fatalf("after a day in term = %v", m)
		}
		var o struct {
			Counts struct {
				ContractsInTerm int `json:"contracts_in_term"`
			}
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID, nil, agent...).Expect(t, 200).JSON(t, &o)
		if o.Counts.ContractsInTerm != 1 {
			t.Fatalf("contracts in term = %d", o.Counts.ContractsInTerm)
		}

		e.Call("DELETE", "/api/v1/admin/accounts/"+other.ID+"/contracts/"+long, nil, rev...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("DELETE", path+"/"+long, nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if m := inTerm(); !m[long] {
			t.Fatal("a refused termination ended the contract")
		}
		e.Call("DELETE", path+"/"+long, nil, rev...).Expect(t, 200)
		if m := inTerm(); m[long] {
			t.Fatal("terminated contract still in term")
		}
		if got := list(t, e, "/api/v1/contracts", other.Header()); len(got) != 0 {
			t.Fatalf("other sees %v", got)
		}
	})
}

// AP-4, IM-3: the user links a shop account, sees it and unlinks it; the platform's webhook comes
// from the operator's setting.
func TestLinkedAccounts(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		admin, rev := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("reviewer"))

		e.Call("PUT", "/api/v1/admin/platforms/shop", map[string]any{"webhook_url": "https://shop.example/hook"}, rev...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("PUT", "/api/v1/admin/platforms/shop", map[string]any{"webhook_url": "ftp://x"}, admin...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("PUT", "/api/v1/admin/platforms/shop", map[string]any{"webhook_url": "https://shop.example/hook"}, admin...).Expect(t, 200)

		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "Shop!", "external_id": "x"}, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": ""}, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "tb-1"}).ExpectProblem(t, 401, "UNAUTHENTICATED")
		if got := list(t, e, "/api/v1/linked-accounts", u.Header()); len(got) != 0 {
			t.Fatalf("links = %v", got)
		}
		id := idOf(t, e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "tb-1"}, u.Header()...).Expect(t, 201))
		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "tb-1"}, u.Header()...).ExpectProblem(t, 409, "LINK_EXISTS")
		got := list(t, e, "/api/v1/linked-accounts", u.Header())
		if len(got) != 1 || got[0]["platform"] != "shop" || got[0]["external_id"] != "tb-1" || got[0]["status"] != "linked" {
			t.Fatalf("links = %v", got)
		}
		var items struct {
			LinkedAccounts []map[string]any `json:"linked_accounts"`
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID+"/services", nil, rev...).Expect(t, 200).JSON(t, &items)
		if len(items.LinkedAccounts) != 1 {
			t.Fatalf("admin items = %v", items)
		}
		var stored string
		if err := e.DB.SQL().QueryRow(rebind(e, `SELECT webhook_url FROM linked_accounts WHERE id = ?`), id).Scan(&stored); err != nil || stored != "https://shop.example/hook" {
			t.Fatalf("webhook = %q, %v", stored, err)
		}

		e.Call("DELETE", "/api/v1/linked-accounts/"+id, nil, other.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		if s := statuses(list(t, e, "/api/v1/linked-accounts", u.Header())); !slices.Equal(s, []string{"linked"}) {
			t.Fatalf("after a refused unlink: %v", s)
		}
		e.Call("DELETE", "/api/v1/linked-accounts/"+id, nil, u.Header()...).Expect(t, 200)
		if s := statuses(list(t, e, "/api/v1/linked-accounts", u.Header())); !slices.Equal(s, []string{"unlinked"}) {
			t.Fatalf("after unlink: %v", s)
		}
		// Once unlinked, the same shop account can be linked again.
		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "tb-1"}, u.Header()...).Expect(t, 201)
	})
}

// rebind writes a raw test query for the store's dialect.
func rebind(e *apitest.Env, q string) string {
	if e.Dialect != "postgres" {
		return q
	}
	return storetest.Numbered(q)
}

// AP-8.8: a restricting dispute restricts the account until no restricting dispute is open.
func TestDisputesRestrict(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("reviewer")), apitest.Auth(e.Operator("agent"))
		path := "/api/v1/admin/accounts/" + u.ID + "/disputes"

		e.Call("POST", path, map[string]any{"reason": "chargeback", "restricts": true}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path, map[string]any{"reason": "", "restricts": true}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		if accountStatus(t, e, u) != "active" || len(list(t, e, "/api/v1/disputes", u.Header())) != 0 {
			t.Fatal("a refused dispute changed the account")
		}
		soft := idOf(t, e.Call("POST", path, map[string]any{"reason": "buyer complaint"}, rev...).Expect(t, 201))
		if accountStatus(t, e, u) != "active" {
			t.Fatal("a non-restricting dispute restricted the account")
		}
		a := idOf(t, e.Call("POST", path, map[string]any{"reason": "chargeback", "restricts": true}, rev...).Expect(t, 201))
		b := idOf(t, e.Call("POST", path, map[string]any{"reason": "fraud check", "restricts": true}, rev...).Expect(t, 201))
		if accountStatus(t, e, u) != "restricted" {
			t.Fatal("not restricted")
		}
		if got := list(t, e, "/api/v1/disputes", u.Header()); len(got) != 3 {
			t.Fatalf("disputes = %v", got)
		}
		if got := list(t, e, "/api/v1/disputes", other.Header()); len(got) != 0 {
			t.Fatalf("other sees %v", got)
		}
		e.Call("POST", "/api/v1/admin/accounts/"+other.ID+"/disputes/"+a+"/resolve", nil, rev...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", path+"/"+a+"/resolve", nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path+"/"+a+"/resolve", nil, rev...).Expect(t, 200)
		e.Call("POST", path+"/"+soft+"/resolve", nil, rev...).Expect(t, 200)
		if accountStatus(t, e, u) != "restricted" {
			t.Fatal("unrestricted while a restricting dispute is open")
		}
		e.Call("POST", path+"/"+b+"/resolve", nil, rev...).Expect(t, 200)
		if accountStatus(t, e, u) != "active" {
			t.Fatal("still restricted after every dispute was resolved")
		}
		if s := statuses(list(t, e, "/api/v1/disputes", u.Header())); !slices.Equal(s, []string{"resolved", "resolved", "resolved"}) {
			t.Fatalf("statuses = %v", s)
		}
		acts := auditActions(t, e, u.ID)
		if !slices.Contains(acts, "admin.dispute.open") || !slices.Contains(acts, "admin.dispute.resolve") {
			t.Fatalf("audit = %v", acts)
		}
	})
}

// AP-8.6: the operator flags and clears; the user sees the flags with their notes.
func TestAgreementFlags(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("reviewer")), apitest.Auth(e.Operator("agent"))
		path := "/api/v1/admin/accounts/" + u.ID + "/flags"
		e.Call("POST", path, map[string]any{"kind": "special_agreement", "note": "n"}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path, map[string]any{"kind": "vip", "note": "n"}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", path, map[string]any{"kind": "terms_not_met"}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		if len(list(t, e, "/api/v1/flags", u.Header())) != 0 {
			t.Fatal("refused flag stored")
		}
		id := idOf(t, e.Call("POST", path, map[string]any{"kind": "special_agreement", "note": "Guarantee until 2027"}, rev...).Expect(t, 201))
		got := list(t, e, "/api/v1/flags", u.Header())
		if len(got) != 1 || got[0]["note"] != "Guarantee until 2027" || got[0]["status"] != "active" {
			t.Fatalf("flags = %v", got)
		}
		e.Call("DELETE", "/api/v1/admin/accounts/"+other.ID+"/flags/"+id, nil, rev...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("DELETE", path+"/"+id, nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if s := statuses(list(t, e, "/api/v1/flags", u.Header())); !slices.Equal(s, []string{"active"}) {
			t.Fatalf("after refused clears: %v", s)
		}
		e.Call("DELETE", path+"/"+id, nil, rev...).Expect(t, 200)
		if s := statuses(list(t, e, "/api/v1/flags", u.Header())); !slices.Equal(s, []string{"cleared"}) {
			t.Fatalf("after clear: %v", s)
		}
		if len(list(t, e, "/api/v1/flags", other.Header())) != 0 {
			t.Fatal("other sees flags")
		}
	})
}

// TP-1: coupons are granted by the operator and listed; past expiry they show as expired.
func TestCoupons(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("agent"))
		path := "/api/v1/admin/accounts/" + u.ID + "/coupons"
		exp := e.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
		e.Call("POST", path, map[string]any{"title": "5 off", "amount": 500, "expires_at": exp}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path, map[string]any{"title": "5 off", "amount": 0, "expires_at": exp}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", path, map[string]any{"title": "5 off", "amount": 500, "expires_at": e.Clock.Now().Format(time.RFC3339)}, rev...).ExpectProblem(t, 422, "INVALID_REQUEST")
		if len(list(t, e, "/api/v1/coupons", u.Header())) != 0 {
			t.Fatal("refused coupon stored")
		}
		e.Call("POST", path, map[string]any{"title": "5 off", "amount": 500, "expires_at": exp}, rev...).Expect(t, 201)
		got := list(t, e, "/api/v1/coupons", u.Header())
		if len(got) != 1 || got[0]["amount"] != float64(500) || got[0]["currency"] != "CNY" || got[0]["status"] != "unused" {
			t.Fatalf("coupons = %v", got)
		}
		e.Clock.Advance(49 * time.Hour)
		if s := statuses(list(t, e, "/api/v1/coupons", u.Header())); !slices.Equal(s, []string{"expired"}) {
			t.Fatalf("after expiry: %v", s)
		}
		if len(list(t, e, "/api/v1/coupons", other.Header())) != 0 {
			t.Fatal("other sees coupons")
		}
	})
}

// TP-1: the one-click-pay switch.
func TestOneClickPay(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		get := func(hdr []string) bool {
			var v struct{ Enabled bool }
			e.Call("GET", "/api/v1/settings/one-click-pay", nil, hdr...).Expect(t, 200).JSON(t, &v)
			return v.Enabled
		}
		if get(u.Header()) {
			t.Fatal("on by default")
		}
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": "yes"}, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": true}).ExpectProblem(t, 401, "UNAUTHENTICATED")
		if get(u.Header()) {
			t.Fatal("a refused switch changed it")
		}
		// Switching on is the holder's, with the payment password (issue 13).
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": true}, u.Header()...).
			ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": true, "payment_password": u.PaymentPassword},
			u.Header()...).Expect(t, 200)
		if !get(u.Header()) || get(other.Header()) {
			t.Fatal("switch on did not take, or took for another account")
		}
		var o struct {
			OneClickPay bool `json:"one_click_pay"`
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID, nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200).JSON(t, &o)
		if !o.OneClickPay {
			t.Fatal("overview does not show one-click pay")
		}
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": false}, u.Header()...).Expect(t, 200)
		if get(u.Header()) {
			t.Fatal("switch off did not take")
		}
	})
}
