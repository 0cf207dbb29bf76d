package http_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closuretest"
)

// warm makes the token's lookup cached: the first call looks the session up, the second may be
// answered from the cache. Every refusal below must therefore come from the cache being dropped.
func warm(t *testing.T, e *apitest.Env, header []string) {
	t.Helper()
	for range 2 {
		e.Call("GET", "/api/v1/me", nil, header...).Expect(t, 200)
	}
}

// The session cache never outlives, on the instance that made it, a change that kills a session:
// sign-out, sign-out of the other devices, a password change, the account closing or closed.
func TestSessionCacheDropsAtOnce(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")

		// Sign-out.
		warm(t, e, u.Header())
		e.Call("DELETE", "/api/v1/sessions/current", nil, u.Header()...).Expect(t, 204)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")

		// Sign-out of the other devices: the other token dies, this one lives.
		mine := e.SignIn(u)
		other := e.SignIn(u)
		warm(t, e, mine)
		warm(t, e, other)
		e.Call("DELETE", "/api/v1/sessions/others", nil, mine...).Expect(t, 200)
		e.Call("GET", "/api/v1/me", nil, other...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/api/v1/me", nil, mine...).Expect(t, 200)

		// A password change signs the other devices out.
		other = e.SignIn(u)
		warm(t, e, other)
		e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": u.Password,
			"new_password": "a brand new secret"}, mine...).Expect(t, 204)
		e.Call("GET", "/api/v1/me", nil, other...).ExpectProblem(t, 401, "UNAUTHENTICATED")

		// Closed (set through the store, as the close job does): refused at once.
		warm(t, e, mine)
		e.SetStatus(t, u.ID, purse.StatusClosed)
		e.Call("GET", "/api/v1/me", nil, mine...).ExpectProblem(t, 403, "ACCOUNT_CLOSED")
	})
}

// A closing account is never cached, so the close job's revocation reaches every instance at once.
// Another instance's change is what raw SQL is to this one: no notice reaches this process's cache.
func TestSessionCacheKeepsNoClosingAccount(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		warm(t, e, u.Header())
		e.SetStatus(t, u.ID, purse.StatusClosing)
		warm(t, e, u.Header()) // a closing account may still sign in and follow its request
		closuretest.Exec(t, e, `UPDATE sessions SET revoked_at = ? WHERE account_id = ?`,
			e.Clock.Now().UnixMicro(), u.ID)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
	})
}

// An expired session is refused although its lookup is cached: expiry is checked on every hit
// against the store's clock.
func TestSessionCacheHonoursExpiry(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		warm(t, e, u.Header())
		e.Clock.Advance(8 * 24 * time.Hour)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
	})
}
