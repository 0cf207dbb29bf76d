package http_test

import (
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

func TestRegisterSignInMeSignOut(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("alice@example.com")
		var me struct {
			ID, Phone, Email, Kind, Status string
		}
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200).JSON(t, &me)
		if me.ID != u.ID || me.Phone != u.Phone || me.Email != "alice@example.com" || me.Status != "active" || me.Kind != "mobile" {
			t.Fatalf("me = %+v", me)
		}
		e.Call("DELETE", "/api/v1/sessions/current", nil, u.Header()...).Expect(t, 204)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		// Sign in by e-mail too.
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": "Alice@Example.com", "password": u.Password}).Expect(t, 201)
	})
}
