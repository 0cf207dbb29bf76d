package http_test

import (
	"testing"

	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/business"
)

// Sign-in brute force: the tries count per account, whichever login form names it (phone, e-mail,
// "+86 …"), so switching forms does not buy more guesses; once locked, the right password is
// refused too, and no session is made.
func TestSignInLockCountsPerAccountAcrossLoginForms(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("brute@example.com")
		logins := []string{u.Phone, "BRUTE@example.com", "+86 " + u.Phone}
		for i := 0; i < account.MaxLoginFailures-1; i++ {
			e.Call("POST", "/api/v1/sessions", map[string]any{"login": logins[i%len(logins)], "password": "guess number x"}).
				ExpectProblem(t, 401, "LOGIN_FAILED")
		}
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": logins[1], "password": "guess number y"}).ExpectProblem(t, 423, "LOGIN_LOCKED")
		for _, l := range logins {
			e.Call("POST", "/api/v1/sessions", map[string]any{"login": l, "password": u.Password}).ExpectProblem(t, 423, "LOGIN_LOCKED")
		}
		// The session made at sign-up still works: a lock stops guessing, not the holder.
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200)
		e.Clock.Advance(account.LoginLock)
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": logins[2], "password": u.Password}).Expect(t, 201)
	})
}

// Recovery-code brute force: five wrong codes end the flow, the sixth try with the right code is
// refused, the password stays, and the sign-in lock an attacker caused is not lifted.
func TestRecoveryCodeBruteForce(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.App.Business.RecoveryFloor = 0
		u, other := e.SignUp(""), e.SignUp("")
		for i := 0; i < account.MaxLoginFailures; i++ {
			e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": "guess number x"})
		}
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}).Expect(t, 202)
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": other.Phone}).Expect(t, 202)
		code, otherCode := lastCode(t, e, u.Phone), lastCode(t, e, other.Phone)
		confirm := func(login, code string) *apitest.Response {
			return e.Call("POST", "/api/v1/business/password-recovery/confirm",
				map[string]any{"login": login, "code": code, "new_password": "attacker's password"})
		}
		// Another account's code is just a wrong code here.
		if otherCode != code {
			confirm(u.Phone, otherCode).ExpectProblem(t, 422, "OTP_INVALID")
		} else {
			confirm(u.Phone, wrong(code)).ExpectProblem(t, 422, "OTP_INVALID")
		}
		for i := 1; i < business.MaxAttempts; i++ {
			confirm(u.Phone, wrong(code)).ExpectProblem(t, 422, "OTP_INVALID")
		}
		confirm(u.Phone, code).ExpectProblem(t, 422, "OTP_INVALID")
		// Nothing changed: still locked, the old password still the one, the other flow untouched.
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).ExpectProblem(t, 423, "LOGIN_LOCKED")
		e.Clock.Advance(account.LoginLock)
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": "attacker's password"}).ExpectProblem(t, 401, "LOGIN_FAILED")
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201)
		if got := list(t, e, "/api/v1/business", other.Header()); len(got) != 1 || got[0]["status"] != "pending" || got[0]["attempts"] != float64(0) {
			t.Fatalf("the other account's flow = %v", got)
		}
	})
}
