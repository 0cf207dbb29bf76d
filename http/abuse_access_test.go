package http_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// victimItems gives the account one of every blocker item and a pending phone change, and
// returns their ids and the change's code.
type victimItems struct {
	autoDebit, contract, link, dispute, flag, coupon, flow, code string
}

func seedVictim(t *testing.T, e *apitest.Env, u *apitest.User, rev []string) victimItems {
	t.Helper()
	base := "/api/v1/admin/accounts/" + u.ID
	var v victimItems
	v.autoDebit = idOf(t, e.Call("POST", base+"/auto-debits", map[string]any{"merchant": "Metro", "kind": "general"}, rev...).Expect(t, 201))
	e.Call("PUT", base+"/kind", map[string]any{"kind": "merchant"}, rev...).Expect(t, 200)
	v.contract = idOf(t, e.Call("POST", base+"/contracts", map[string]any{"title": "Lease",
		"ends_at": e.Clock.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)}, rev...).Expect(t, 201))
	v.dispute = idOf(t, e.Call("POST", base+"/disputes", map[string]any{"reason": "chargeback"}, rev...).Expect(t, 201))
	v.flag = idOf(t, e.Call("POST", base+"/flags", map[string]any{"kind": "terms_not_met", "note": "late"}, rev...).Expect(t, 201))
	v.coupon = idOf(t, e.Call("POST", base+"/coupons", map[string]any{"title": "5 off", "amount": 500,
		"expires_at": e.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339)}, rev...).Expect(t, 201))
	v.link = idOf(t, e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "tb-9"}, u.Header()...).Expect(t, 201))
	newPhone := apitest.NextPhone()
	v.flow = idOf(t, e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": newPhone}, u.Header()...).Expect(t, 201))
	v.code = lastCode(t, e, newPhone)
	return v
}

// servicesOf is the operator's view of every service item of the account, as JSON, to compare
// before and after refused calls.
func servicesOf(t *testing.T, e *apitest.Env, id string, op []string) string {
	t.Helper()
	return string(e.Call("GET", "/api/v1/admin/accounts/"+id+"/services", nil, op...).Expect(t, 200).Body)
}

// DESIGN.md §4.6: one account's credentials never act on another account. Another account's ids
// answer 404 on every user route that takes one, operator routes with a mismatched account answer
// 404, and operators below the role answer 403 without data; nothing changes, and the victim's
// code still works afterwards (nobody spent its tries).
func TestOtherAccountsIdsAreNotFound(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		victim, thief := e.SignUp(""), e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("agent"))
		v := seedVictim(t, e, victim, rev)
		before := servicesOf(t, e, victim.ID, agent)
		flowsBefore := fmt.Sprint(list(t, e, "/api/v1/business", victim.Header()))

		for _, c := range []struct{ method, path string }{
			{"DELETE", "/api/v1/auto-debits/" + v.autoDebit},
			{"DELETE", "/api/v1/linked-accounts/" + v.link},
			{"POST", "/api/v1/business/" + v.flow + "/code"},
			{"DELETE", "/api/v1/business/" + v.flow},
		} {
			res := e.Call(c.method, c.path, nil, thief.Header()...)
			res.ExpectProblem(t, 404, "NOT_FOUND")
			mustNotLeak(t, res, victim, v)
		}
		for i := 0; i < 6; i++ { // more than the tries a code has: none of them counts
			res := e.Call("POST", "/api/v1/business/"+v.flow+"/confirm", map[string]any{"code": v.code}, thief.Header()...)
			res.ExpectProblem(t, 404, "NOT_FOUND")
		}

		// Operator routes: the item id under another account's id is not found.
		thiefBase := "/api/v1/admin/accounts/" + thief.ID
		victimBase := "/api/v1/admin/accounts/" + victim.ID
		crossed := []struct{ method, path string }{
			{"DELETE", "/contracts/" + v.contract},
			{"POST", "/disputes/" + v.dispute + "/resolve"},
			{"DELETE", "/flags/" + v.flag},
		}
		for _, c := range crossed {
			e.Call(c.method, thiefBase+c.path, nil, rev...).ExpectProblem(t, 404, "NOT_FOUND")
			// An agent may not end items at all: 403, and the body carries no data.
			res := e.Call(c.method, victimBase+c.path, nil, agent...)
			res.ExpectProblem(t, 403, "ROLE_REQUIRED")
			mustNotLeak(t, res, victim, v)
			// A user's session opens no operator route, not even for its own account.
			e.Call(c.method, victimBase+c.path, nil, victim.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		}
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/auto-debits", map[string]any{"merchant": "X", "kind": "general"}},
			{"POST", "/coupons", map[string]any{"title": "free", "amount": 1, "expires_at": e.Clock.Now().Add(time.Hour).Format(time.RFC3339)}},
			{"POST", "/disputes", map[string]any{"reason": "x"}},
			{"PUT", "/kind", map[string]any{"kind": "verified"}},
		} {
			res := e.Call(c.method, victimBase+c.path, c.body, agent...)
			res.ExpectProblem(t, 403, "ROLE_REQUIRED")
			mustNotLeak(t, res, victim, v)
		}

		if after := servicesOf(t, e, victim.ID, agent); after != before {
			t.Fatalf("refused calls changed the services:\n%s\n→\n%s", before, after)
		}
		if after := fmt.Sprint(list(t, e, "/api/v1/business", victim.Header())); after != flowsBefore {
			t.Fatalf("refused calls changed the flows: %s → %s", flowsBefore, after)
		}
		// The thief's own flow does not take the victim's code: codes are bound to their flow.
		thiefPhone := apitest.NextPhone()
		own := idOf(t, e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": thiefPhone}, thief.Header()...).Expect(t, 201))
		if v.code != lastCode(t, e, thiefPhone) {
			e.Call("POST", "/api/v1/business/"+own+"/confirm", map[string]any{"code": v.code}, thief.Header()...).ExpectProblem(t, 422, "OTP_INVALID")
		}
		// The victim's code was never spent.
		e.Call("POST", "/api/v1/business/"+v.flow+"/confirm", map[string]any{"code": v.code}, victim.Header()...).Expect(t, 200)
	})
}

// mustNotLeak fails when a refusal carries the victim's phone or any of its ids.
func mustNotLeak(t *testing.T, res *apitest.Response, victim *apitest.User, v victimItems) {
	t.Helper()
	for _, s := range []string{victim.Phone, victim.ID, v.autoDebit, v.contract, v.link, v.dispute, v.flag, v.coupon, v.flow, v.code} {
		if bytes.Contains(res.Body, []byte(s)) {
			t.Fatalf("refusal leaks %q: %s", s, res.Body)
		}
	}
}

// A token after sign-out is refused, and so is the token of an account closed since (TP-6): the
// refusals change nothing.
func TestSessionsAfterSignOutAndClosure(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		second := e.SignUp("")
		rev := apitest.Auth(e.Operator("reviewer"))
		ad := idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", map[string]any{"merchant": "Metro", "kind": "general"}, rev...).Expect(t, 201))

		// Sign-out: the token dies at once.
		e.Call("DELETE", "/api/v1/sessions/current", nil, second.Header()...).Expect(t, 204)
		e.Call("GET", "/api/v1/me", nil, second.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": apitest.NextPhone()}, second.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("DELETE", "/api/v1/sessions/current", nil, second.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		if got := list(t, e, "/api/v1/business", e.SignIn(second)); len(got) != 0 {
			t.Fatalf("a dead token started %v", got)
		}

		// Closure, set through the store as the closure engine will: the live token is refused.
		e.SetStatus(t, u.ID, purse.StatusClosed)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 403, "ACCOUNT_CLOSED")
		e.Call("DELETE", "/api/v1/auto-debits/"+ad, nil, u.Header()...).ExpectProblem(t, 403, "ACCOUNT_CLOSED")
		phone := apitest.NextPhone()
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": phone}, u.Header()...).ExpectProblem(t, 403, "ACCOUNT_CLOSED")
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).ExpectProblem(t, 403, "ACCOUNT_CLOSED")
		var items struct {
			AutoDebits []map[string]any `json:"auto_debits"`
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID+"/services", nil, rev...).Expect(t, 200).JSON(t, &items)
		if len(items.AutoDebits) != 1 || items.AutoDebits[0]["status"] != "active" {
			t.Fatalf("a closed account's token changed its auto-debits: %v", items.AutoDebits)
		}
		if n := len(messagesTo(t, e, phone)); n != 0 {
			t.Fatalf("a closed account's token sent %d codes", n)
		}
	})
}
