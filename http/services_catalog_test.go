package http_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/i18n"
)

// Every code and SMS template of the services has its text in both languages.
func TestServicesCatalogComplete(t *testing.T) {
	t.Parallel()
	cat, err := i18n.New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{string(blocker.CodeNotMerchant), string(blocker.CodeLinkExists), string(business.CodeOTPInvalid),
		string(business.CodeOTPExpired), string(business.CodeOTPRateLimited), string(business.CodeWrongFlow),
		"phone_change.body", "password_recovery.body", "phone_changed.body", "password_recovered.body"}
	for _, lang := range []string{i18n.Chinese, i18n.English} {
		for _, id := range ids {
			if !cat.Has(lang, id) {
				t.Errorf("%s has no %s", lang, id)
			}
		}
	}
}

// An operator's creation retried with the same Idempotency-Key takes effect once.
func TestAdminCreateIdempotent(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		rev := apitest.Auth(e.Operator("reviewer"))
		hdr := append([]string{"Idempotency-Key", "ad-1"}, rev...)
		body := map[string]any{"merchant": "Metro", "kind": "general"}
		first := idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", body, hdr...).Expect(t, 201))
		again := idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", body, hdr...).Expect(t, 201))
		if first != again || len(list(t, e, "/api/v1/auto-debits", u.Header())) != 1 {
			t.Fatalf("retry made a second agreement: %s %s", first, again)
		}
	})
}

// Two operators sending the same key and body each get their own effect: one operator's answer
// is never replayed to another.
func TestIdempotencyScopedPerOperator(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		body := map[string]any{"merchant": "Metro", "kind": "general"}
		a := idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", body,
			append([]string{"Idempotency-Key", "same"}, apitest.Auth(e.Operator("reviewer"))...)...).Expect(t, 201))
		b := idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", body,
			append([]string{"Idempotency-Key", "same"}, apitest.Auth(e.Operator("reviewer"))...)...).Expect(t, 201))
		if a == b {
			t.Fatal("the second operator was replayed the first one's answer")
		}
	})
}
