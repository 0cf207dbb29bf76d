package http_test

import (
	"slices"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
)

// Support finds an account by phone or e-mail (through keyed hashes) and sees its overview with
// the count of each service; agents may read, and every look is audited.
func TestAdminOverviewAndSearch(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("Support.Me@example.com")
		e.SignUp("")
		rev, agent := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("agent"))
		base := "/api/v1/admin/accounts/" + u.ID
		e.Call("POST", base+"/auto-debits", map[string]any{"merchant": "Power", "kind": "general"}, rev...).Expect(t, 201)
		e.Call("POST", base+"/flags", map[string]any{"kind": "terms_not_met", "note": "KYC"}, rev...).Expect(t, 201)
		e.Call("POST", base+"/disputes", map[string]any{"reason": "r", "restricts": true}, rev...).Expect(t, 201)
		e.Call("POST", base+"/coupons", map[string]any{"title": "c", "amount": 100, "expires_at": e.Clock.Now().Add(time.Hour)}, rev...).Expect(t, 201)
		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "s1"}, u.Header()...).Expect(t, 201)

		type overview struct {
			ID, Kind, Status string
			PhoneMasked      string `json:"phone_masked"`
			HasEmail         bool   `json:"has_email"`
			Counts           map[string]any
		}
		var o overview
		e.Call("GET", base, nil, agent...).Expect(t, 200).JSON(t, &o)
		want := map[string]float64{"auto_debits": 1, "active_flags": 1, "open_disputes": 1, "unused_coupons": 1,
			"linked_accounts": 1, "contracts_in_term": 0, "pending_business": 0}
		for k, v := range want {
			if o.Counts[k] != v {
				t.Errorf("count %s = %v, want %v", k, o.Counts[k], v)
			}
		}
		if o.Status != "restricted" || o.PhoneMasked != u.Phone[:3]+"****"+u.Phone[7:] || !o.HasEmail {
			t.Fatalf("overview = %+v", o)
		}

		var found struct{ Items []overview }
		e.Call("GET", "/api/v1/admin/accounts?phone="+u.Phone, nil, agent...).Expect(t, 200).JSON(t, &found)
		if len(found.Items) != 1 || found.Items[0].ID != u.ID {
			t.Fatalf("by phone = %+v", found)
		}
		e.Call("GET", "/api/v1/admin/accounts?email=support.me@EXAMPLE.com", nil, agent...).Expect(t, 200).JSON(t, &found)
		if len(found.Items) != 1 || found.Items[0].ID != u.ID {
			t.Fatalf("by e-mail = %+v", found)
		}
		e.Call("GET", "/api/v1/admin/accounts?phone="+apitest.NextPhone(), nil, agent...).Expect(t, 200).JSON(t, &found)
		if len(found.Items) != 0 {
			t.Fatalf("unknown phone found %+v", found)
		}
		e.Call("GET", "/api/v1/admin/accounts", nil, agent...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("GET", "/api/v1/admin/accounts?phone=abc", nil, agent...).ExpectProblem(t, 422, "INVALID_PHONE")
		e.Call("GET", "/api/v1/admin/accounts/0190b7a0-0000-7000-8000-000000000000", nil, agent...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("GET", base, nil, u.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		if acts := auditActions(t, e, u.ID); !slices.Contains(acts, "admin.account.view") {
			t.Fatalf("audit = %v", acts)
		}
		if acts := auditActions(t, e, ""); !slices.Contains(acts, "admin.account.search") {
			t.Fatalf("audit = %v", acts)
		}
	})
}

// An admin creates operators through the API; the new token works; lesser roles are refused.
func TestAdminCreatesOperators(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		admin, rev := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("reviewer"))
		body := map[string]any{"username": "alice.cs", "role": "agent", "password": "a long operator password"}
		e.Call("POST", "/api/v1/admin/operators", body, rev...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", "/api/v1/admin/operators", map[string]any{"username": "alice.cs", "role": "root", "password": "a long operator password"}, admin...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", "/api/v1/admin/operators", map[string]any{"username": "alice.cs", "role": "agent", "password": "short"}, admin...).ExpectProblem(t, 422, "INVALID_REQUEST")
		var out struct {
			Operator struct{ ID, Username, Role string }
			Token    string
		}
		e.Call("POST", "/api/v1/admin/operators", body, admin...).Expect(t, 201).JSON(t, &out)
		if out.Operator.Username != "alice.cs" || out.Operator.Role != "agent" || out.Token == "" {
			t.Fatalf("created = %+v", out)
		}
		e.Call("POST", "/api/v1/admin/operators", body, admin...).ExpectProblem(t, 409, "USERNAME_TAKEN")
		u := e.SignUp("")
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID, nil, apitest.Auth(out.Token)...).Expect(t, 200)
		e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/flags", map[string]any{"kind": "terms_not_met", "note": "x"}, apitest.Auth(out.Token)...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if acts := auditActions(t, e, ""); !slices.Contains(acts, "admin.operator.create") {
			t.Fatalf("audit = %v", acts)
		}
	})
}

// Nothing new can be added to an account that is closing: the closure's last check would miss it.
func TestNoNewServicesWhileClosing(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		rev := apitest.Auth(e.Operator("reviewer"))
		if _, err := e.DB.SQL().Exec(rebind(e, `UPDATE accounts SET status = 'closing' WHERE id = ?`), u.ID); err != nil {
			t.Fatal(err)
		}
		e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", map[string]any{"merchant": "m", "kind": "general"}, rev...).ExpectProblem(t, 409, "ACCOUNT_NOT_ACTIVE")
		e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": "s"}, u.Header()...).ExpectProblem(t, 409, "ACCOUNT_NOT_ACTIVE")
		// Business answers ACCOUNT_CLOSING: the holder must keep the account first (issue 14).
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": apitest.NextPhone()}, u.Header()...).ExpectProblem(t, 409, "ACCOUNT_CLOSING")
		var o struct{ Counts map[string]any }
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID, nil, rev...).Expect(t, 200).JSON(t, &o)
		if o.Counts["auto_debits"] != float64(0) || o.Counts["linked_accounts"] != float64(0) || o.Counts["pending_business"] != float64(0) {
			t.Fatalf("counts = %v", o.Counts)
		}
	})
}

// During cooling-off the operator can still open a dispute or flag: a fraud found late must be
// able to stop a closure. Ending items is always allowed.
func TestOperatorMarksOnClosingAccount(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		rev := apitest.Auth(e.Operator("reviewer"))
		id := idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", map[string]any{"merchant": "m", "kind": "general"}, rev...).Expect(t, 201))
		if _, err := e.DB.SQL().Exec(rebind(e, `UPDATE accounts SET status = 'closing' WHERE id = ?`), u.ID); err != nil {
			t.Fatal(err)
		}
		e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/disputes", map[string]any{"reason": "late fraud report", "restricts": true}, rev...).Expect(t, 201)
		e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/flags", map[string]any{"kind": "terms_not_met", "note": "n"}, rev...).Expect(t, 201)
		e.Call("DELETE", "/api/v1/auto-debits/"+id, nil, u.Header()...).Expect(t, 200)
		e.Call("PUT", "/api/v1/settings/one-click-pay", map[string]any{"enabled": true, "payment_password": "135790"}, u.Header()...).ExpectProblem(t, 409, "ACCOUNT_NOT_ACTIVE")
		var o struct {
			Status string
			Counts map[string]any
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID, nil, rev...).Expect(t, 200).JSON(t, &o)
		if o.Status != "closing" || o.Counts["open_disputes"] != float64(1) || o.Counts["auto_debits"] != float64(0) {
			t.Fatalf("overview = %+v", o)
		}
	})
}
