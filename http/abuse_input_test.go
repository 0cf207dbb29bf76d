package http_test

import (
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
)

// Bad input on the service routes: amounts that are zero, negative, fractional, past int64 or
// past any float, bodies over the limit, deep nesting, wrong content types and invalid UTF-8 all
// answer a clear 4xx problem, and nothing is stored.
func TestBadInputOnServiceRoutesStoresNothing(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		rev := apitest.Auth(e.Operator("admin"))
		coupons := "/api/v1/admin/accounts/" + u.ID + "/coupons"
		expires := e.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
		coupon := func(amount string) string {
			return `{"title":"5 off","amount":` + amount + `,"expires_at":"` + expires + `"}`
		}
		json := "application/json"
		cases := []struct {
			name, method, path, body, contentType string
			hdr                                   []string
			status                                int
			code                                  string
		}{
			{"zero amount", "POST", coupons, coupon("0"), json, rev, 422, "INVALID_REQUEST"},
			{"negative amount", "POST", coupons, coupon("-500"), json, rev, 422, "INVALID_REQUEST"},
			{"fractional amount", "POST", coupons, coupon("1.5"), json, rev, 422, "INVALID_REQUEST"},
			{"amount over the maximum", "POST", coupons, coupon("100000001"), json, rev, 422, "INVALID_REQUEST"},
			{"amount 2^63", "POST", coupons, coupon("9223372036854775808"), json, rev, 422, "INVALID_REQUEST"},
			{"amount -2^63-1", "POST", coupons, coupon("-9223372036854775809"), json, rev, 422, "INVALID_REQUEST"},
			{"amount 1e400", "POST", coupons, coupon("1e400"), json, rev, 400, "MALFORMED_JSON"},
			{"amount as a string", "POST", coupons, coupon(`"500"`), json, rev, 422, "INVALID_REQUEST"},
			{"amount null", "POST", coupons, coupon("null"), json, rev, 422, "INVALID_REQUEST"},
			{"coupon body too large", "POST", coupons, `{"title":"` + strings.Repeat("x", 70<<10) + `"}`, json, rev, 413, "BODY_TOO_LARGE"},
			{"coupon deep nesting", "POST", coupons, strings.Repeat(`{"title":`, 3000) + `"x"` + strings.Repeat("}", 3000), json, rev, 422, "INVALID_REQUEST"},
			{"coupon as a form", "POST", coupons, "title=x&amount=1", "application/x-www-form-urlencoded", rev, 415, "UNSUPPORTED_MEDIA_TYPE"},
			{"coupon as text", "POST", coupons, coupon("500"), "text/plain", rev, 415, "UNSUPPORTED_MEDIA_TYPE"},
			{"invalid UTF-8 title", "POST", coupons, "{\"title\":\"\xff\xfe\",\"amount\":1,\"expires_at\":\"" + expires + "\"}", json, rev, 400, "MALFORMED_JSON"},
			{"phone as a number", "POST", "/api/v1/business/phone-change", `{"new_phone":1e400}`, json, u.Header(), 400, "MALFORMED_JSON"},
			{"phone invalid UTF-8", "POST", "/api/v1/business/phone-change", "{\"new_phone\":\"139\xff\"}", json, u.Header(), 400, "MALFORMED_JSON"},
			{"phone NUL", "POST", "/api/v1/business/phone-change", `{"new_phone":"139\u0000"}`, json, u.Header(), 422, "INVALID_PHONE"},
			{"phone deep nesting", "POST", "/api/v1/business/phone-change", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), json, u.Header(), 422, "INVALID_REQUEST"},
			{"phone unknown field", "POST", "/api/v1/business/phone-change", `{"new_phone":"13900000000","account_id":"x"}`, json, u.Header(), 422, "INVALID_REQUEST"},
			{"link body too large", "POST", "/api/v1/linked-accounts", `{"platform":"shop","external_id":"` + strings.Repeat("a", 65<<10) + `"}`, json, u.Header(), 413, "BODY_TOO_LARGE"},
			{"link malformed", "POST", "/api/v1/linked-accounts", `{"platform":"shop",`, json, u.Header(), 400, "MALFORMED_JSON"},
			{"one-click as a number", "PUT", "/api/v1/settings/one-click-pay", `{"enabled":1}`, json, u.Header(), 422, "INVALID_REQUEST"},
			{"code too long", "POST", "/api/v1/business/password-recovery/confirm", `{"login":"13900000000","code":"1234567","new_password":"long enough"}`, json, nil, 422, "INVALID_REQUEST"},
			{"code with letters", "POST", "/api/v1/business/password-recovery/confirm", `{"login":"13900000000","code":"12345a","new_password":"long enough"}`, json, nil, 422, "INVALID_REQUEST"},
			{"code as a number", "POST", "/api/v1/business/password-recovery/confirm", `{"login":"13900000000","code":123456,"new_password":"long enough"}`, json, nil, 422, "INVALID_REQUEST"},
		}
		before := servicesOf(t, e, u.ID, rev)
		oneClick := string(e.Call("GET", "/api/v1/settings/one-click-pay", nil, u.Header()...).Expect(t, 200).Body)
		for _, c := range cases {
			res := e.Call(c.method, c.path, []byte(c.body), append(append([]string{}, c.hdr...), "Content-Type", c.contentType)...)
			if res.Status >= 500 {
				t.Fatalf("%s: %d %s", c.name, res.Status, res.Body)
			}
			p := res.Problem(t)
			if res.Status != c.status || p.Code != c.code {
				t.Errorf("%s: got %d %s, want %d %s: %s", c.name, res.Status, p.Code, c.status, c.code, res.Body)
			}
		}
		if after := servicesOf(t, e, u.ID, rev); after != before {
			t.Fatalf("refused input changed the services:\n%s\n→\n%s", before, after)
		}
		if got := list(t, e, "/api/v1/business", u.Header()); len(got) != 0 {
			t.Fatalf("refused input started %v", got)
		}
		if got := string(e.Call("GET", "/api/v1/settings/one-click-pay", nil, u.Header()...).Expect(t, 200).Body); got != oneClick {
			t.Fatalf("one-click pay %s → %s", oneClick, got)
		}
		// The limits themselves are accepted: 1, and the maximum, which is above the four-eyes
		// threshold and so waits for a second operator (issue 13).
		e.Call("POST", coupons, []byte(coupon("1")), append(rev, "Content-Type", json)...).Expect(t, 201)
		e.Call("POST", coupons, []byte(coupon("100000000")), append(rev, "Content-Type", json)...).Expect(t, 202)
	})
}
