package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// TestLogsHoldNoPersonalDataOrSecrets drives a full session and greps everything the server logged
// for the phone, e-mail, passwords and token it handled.
func TestLogsHoldNoPersonalDataOrSecrets(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("secret.person@example.com")
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200)
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": "wrong password"}).Expect(t, 401)
		e.Call("POST", "/api/v1/registrations", map[string]any{"phone": u.Phone}).Expect(t, 202)
		e.Call("POST", "/api/v1/accounts", map[string]any{"phone": u.Phone, "password": u.Password, "payment_password": u.PaymentPassword, "code": "000000"}).Expect(t, 422)
		e.Call("GET", "/api/v1/me", nil, "Authorization", "Bearer pst_"+strings.Repeat("x", 43)).Expect(t, 401)
		e.Call("DELETE", "/api/v1/sessions/current", nil, u.Header()...).Expect(t, 204)
		log := e.Log.String()
		if !strings.Contains(log, `"msg":"http"`) {
			t.Fatalf("nothing was logged; the test would prove nothing:\n%s", log)
		}
		for _, secret := range []string{u.Phone, u.Phone[3:], "secret.person", u.Password, "wrong password", u.PaymentPassword, u.Token, u.Token[4:20]} {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
	})
}
