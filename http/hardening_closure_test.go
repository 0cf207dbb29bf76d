package http_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestStrangerCannotFailAClosure is issue 14's attack: anyone who knows the phone number of an
// account in cooling-off starts a password recovery for it (unauthenticated, 202). Before, the
// recovery was business in progress (AP-8.7), so the close job found BUSINESS_IN_PROGRESS at the
// end of cooling-off, failed the closure and made the account active again: one request per
// cooling-off denied the holder's right to close (PIPL Art. 47). Now no business starts on a
// closing account, a stranger's recovery is not the holder's business, and the closure completes.
func TestStrangerCannotFailAClosure(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, id := ct.CoolingOff(t, e)
		// An hour before the end of cooling-off: a recovery lives a day, so it would still be
		// pending when the close job runs.
		e.Clock.Advance(7*24*time.Hour - time.Hour)
		for _, login := range []string{u.Phone, u.Email} {
			e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": login}).Expect(t, 202)
		}

		// The holder, signed in during cooling-off, cannot start business either: a clear refusal.
		r := e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": apitest.NextPhone()}, u.Header()...)
		if p := r.Problem(t); r.Status != 409 || p.Code != "ACCOUNT_CLOSING" || p.Detail == "" {
			t.Errorf("phone change in cooling-off: %d %s", r.Status, r.Body)
		}
		e.Clock.Advance(time.Hour + time.Minute)
		if n, err := e.App.Closures.CloseDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("close job: %d, %v", n, err)
		}
		if st := e.ClosureState(t, id); st != purse.ClosureClosed {
			t.Fatalf("closure %s, want closed", st)
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosed {
			t.Fatalf("account %s, want closed", st)
		}
		// No code went out: nothing started on the closing account.
		for _, m := range ct.Messages(t, e, u.Phone) {
			if m.Template == string(purse.BusinessPasswordRecovery) {
				t.Fatal("a recovery of a closing account sent a code")
			}
		}
	}, ct.WithPolicy(t, "strict"))
}

// TestStrangersRecoveryIsNotBusiness: a recovery somebody started while the account was active
// blocks neither the eligibility check nor the review, and the close job completes the closure
// although the flow is still pending; a phone change the holder started, signed in, still blocks
// (AP-8.7), and only until the holder cancels it.
func TestStrangersRecoveryIsNotBusiness(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}).Expect(t, 202)
		if items := list(t, e, "/api/v1/business", u.Header()); len(items) != 1 || items[0]["status"] != "pending" {
			t.Fatalf("business = %v", items)
		}
		if codes := eligibilityCodes(t, e, u); len(codes) != 0 {
			t.Fatalf("a stranger's recovery blocks: %v", codes)
		}
		var f map[string]any
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": apitest.NextPhone()}, u.Header()...).
			Expect(t, 201).JSON(t, &f)
		if codes := eligibilityCodes(t, e, u); len(codes) != 1 || codes[0] != string(purse.CodeBusinessInProgress) {
			t.Fatalf("the holder's phone change: blockers %v", codes)
		}
		e.Call("DELETE", "/api/v1/business/"+f["id"].(string), nil, u.Header()...).Expect(t, 200)
		if codes := eligibilityCodes(t, e, u); len(codes) != 0 {
			t.Fatalf("after cancelling: %v", codes)
		}
	})
}

// eligibilityCodes are the blocking codes of the account's eligibility check.
func eligibilityCodes(t *testing.T, e *apitest.Env, u *apitest.User) []string {
	t.Helper()
	var out struct {
		Blockers []map[string]any `json:"blockers"`
	}
	e.Call("GET", "/api/v1/closure/eligibility", nil, u.Header()...).Expect(t, 200).JSON(t, &out)
	return ct.Codes(out.Blockers)
}
