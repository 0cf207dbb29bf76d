package http_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/business"
)

// SMS pumping through phone changes (DESIGN.md §7): several accounts aiming codes at one number
// stop at the phone's daily cap together, and a refused start stores and sends nothing.
func TestSMSPumpingStopsAtThePhonesCap(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		users := []*apitest.User{e.SignUp(""), e.SignUp(""), e.SignUp("")}
		victim := apitest.NextPhone()
		for i := 0; i < business.DailySendsPerPhone; i++ {
			u := users[i%len(users)]
			e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": victim}, u.Header()...).Expect(t, 201)
		}
		before := list(t, e, "/api/v1/business", users[1].Header())
		res := e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": victim}, users[1].Header()...)
		res.ExpectProblem(t, 429, "OTP_RATE_LIMITED")
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After on the cap")
		}
		if n := len(messagesTo(t, e, victim)); n != business.DailySendsPerPhone {
			t.Fatalf("%d codes reached the phone, cap %d", n, business.DailySendsPerPhone)
		}
		// The refused start left the account's pending flow as it was (not superseded).
		if after := list(t, e, "/api/v1/business", users[1].Header()); fmt.Sprint(statuses(after)) != fmt.Sprint(statuses(before)) {
			t.Fatalf("flows %v → %v", statuses(before), statuses(after))
		}
		// The cap is the phone's: the same account may still send to another number.
		other := apitest.NextPhone()
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": other}, users[1].Header()...).Expect(t, 201)
		// And a day later the phone may receive again.
		e.Clock.Advance(24 * time.Hour)
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": victim}, users[0].Header()...).Expect(t, 201)
	})
}

// The per-account cap also holds for one account switching between numbers.
func TestSMSPumpingStopsAtTheAccountsCap(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		var targets []string
		for i := 0; i < business.DailySends; i++ {
			targets = append(targets, apitest.NextPhone())
			e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": targets[i]}, u.Header()...).Expect(t, 201)
		}
		last := apitest.NextPhone()
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": last}, u.Header()...).ExpectProblem(t, 429, "OTP_RATE_LIMITED")
		if n := len(messagesTo(t, e, last)); n != 0 {
			t.Fatalf("a refused start sent %d codes", n)
		}
	})
}

// Password recovery is open to anyone, so cycling through logins must stop at the client
// address's daily cap; a forged X-Forwarded-For does not change the address when no proxy is
// trusted, and the refusal looks the same for a known and an unknown login.
func TestSMSPumpingStopsAtTheClientAddressCap(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.App.Business.RecoveryFloor = 0
		u := e.SignUp("")
		for i := 0; i < business.DailyRecoveriesPerIP; i++ {
			e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": apitest.NextPhone()},
				"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)).Expect(t, 202)
		}
		res := e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}, "X-Forwarded-For", "198.51.100.1")
		res.ExpectProblem(t, 429, "RATE_LIMITED")
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": apitest.NextPhone()}).ExpectProblem(t, 429, "RATE_LIMITED")
		if n := len(messagesTo(t, e, u.Phone)); n != 0 {
			t.Fatalf("%d codes sent past the cap", n)
		}
		if got := list(t, e, "/api/v1/business", u.Header()); len(got) != 0 {
			t.Fatalf("a refused recovery stored %v", got)
		}
	})
}

// Behind a trusted proxy the client address comes from X-Forwarded-For, read from the right: a
// client that prepends a forged address is still counted by the address the proxy saw.
func TestClientAddressFromTrustedProxy(t *testing.T) {
	t.Parallel()
	trust := func(c *app.Config) { c.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.App.Business.RecoveryFloor = 0
		u := e.SignUp("")
		for i := 0; i < business.DailyRecoveriesPerIP; i++ {
			e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": apitest.NextPhone()},
				"X-Forwarded-For", "203.0.113.7").Expect(t, 202)
		}
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone},
			"X-Forwarded-For", "198.51.100.1, 203.0.113.7").ExpectProblem(t, 429, "RATE_LIMITED")
		if n := len(messagesTo(t, e, u.Phone)); n != 0 {
			t.Fatalf("%d codes sent past the cap", n)
		}
		// Another client behind the same proxy has its own count.
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone},
			"X-Forwarded-For", "203.0.113.8").Expect(t, 202)
		if n := len(messagesTo(t, e, u.Phone)); n != 1 {
			t.Fatalf("%d codes sent to another client's login, want 1", n)
		}
	}, trust)
}
