package web_test

import (
	"net/url"
	"regexp"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

var challengeRe = regexp.MustCompile(`name="challenge" value="([^"]+)"`)

// TestSignInTwoStepOnTheWeb (GE-7, issue 14): with SMS codes on a new device turned on, the web
// sign-in asks for the code after the right password, in Chinese and English, and the browser is
// remembered: its next sign-in needs the password alone.
func TestSignInTwoStepOnTheWeb(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("")
		e.Call("PUT", "/api/v1/security/two-step/sms", map[string]any{"enabled": true}, u.Header()...).Expect(t, 204)
		c := newClient(t, e)
		p := c.post("/signin", "/signin", url.Values{"login": {u.Phone}, "password": {u.Password}})
		p.expect(t, 200, "两步验证", `value="sms"`)
		m := challengeRe.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatal("no challenge on the second step's page")
		}
		code := e.LastSMSCode(u.Phone, "sign_in_code")
		form := url.Values{"challenge": {m[1]}, "methods": {"sms"}, "method": {"sms"}, "code": {"000000"}}
		if code == "000000" {
			form.Set("code", "000001")
		}
		c.post("/signin", "/signin/two-step", form).expect(t, 422, "两步验证")
		form.Set("code", code)
		c.post("/signin", "/signin/two-step", form).expect(t, 200, u.Phone[7:])
		c.post("/settings", "/signout", nil)
		// The remembered browser signs in with its password alone.
		c.post("/signin", "/signin", url.Values{"login": {u.Phone}, "password": {u.Password}}).expect(t, 200, u.Phone[7:])
	})
}
