package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

func hashes(t *testing.T, e *apitest.Env, id string) (string, string) {
	t.Helper()
	var rec *purse.AccountRecord
	err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
		rec, err = tx.Account(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec.PasswordHash, rec.PaymentPasswordHash
}

// The security page is linked from settings, carries the PW-6/GE-7 advice, refuses posts without
// a CSRF token, shows errors next to their field, and changes both passwords.
func TestSecurityPage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.lang = "en"
		phone := c.registerUser("Li Lei")
		id := c.accountID()
		c.get("/settings").expect(t, 200, `href="/settings/security"`)
		c.get("/settings/security").expect(t, 200, "public Wi-Fi", "sign out all other devices",
			`action="/settings/security/password"`, `inputmode="numeric"`)
		pw, pay := hashes(t, e, id)

		for _, action := range []string{"/settings/security/password", "/settings/security/payment-password",
			"/settings/security/others"} {
			c.do("POST", action, url.Values{"current_password": {"correct horse"}, "new_password": {"new horse 1"},
				"new_password2": {"new horse 1"}, "current_payment_password": {"135790"},
				"new_payment_password": {"246801"}}).expect(t, 403)
		}
		if p2, pay2 := hashes(t, e, id); p2 != pw || pay2 != pay {
			t.Fatal("a post without CSRF token changed a password")
		}

		p := c.post("/settings/security", "/settings/security/password", url.Values{"current_password": {"wrong horse"},
			"new_password": {"new horse 1"}, "new_password2": {"new horse 1"}}).expect(t, 422, `id="e-current_password"`)
		if !strings.Contains(p.Body, "current login password is wrong") {
			t.Errorf("no PASSWORD_WRONG message next to the field:\n%s", p.Body)
		}
		c.post("/settings/security", "/settings/security/payment-password", url.Values{
			"current_payment_password": {"135790"}, "new_payment_password": {"123456"}}).
			expect(t, 422, `id="e-new_payment_password"`)
		if p2, pay2 := hashes(t, e, id); p2 != pw || pay2 != pay {
			t.Fatal("a refused form changed a password")
		}

		// An API session of the same account is signed out by the password change; the browser stays.
		var s struct{ Token string }
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": phone, "password": "correct horse"}).
			Expect(t, 201).JSON(t, &s)
		c.post("/settings/security", "/settings/security/password", url.Values{"current_password": {"correct horse"},
			"new_password": {"new horse 1"}, "new_password2": {"new horse 1"}}).
			expect(t, 200, `id="done"`, "other devices were signed out")
		e.Call("GET", "/api/v1/me", nil, apitest.Auth(s.Token)...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		c.get("/settings/security").expect(t, 200, `action="/settings/security/password"`)

		c.post("/settings/security", "/settings/security/payment-password", url.Values{
			"current_payment_password": {"135790"}, "new_payment_password": {"246801"}}).
			expect(t, 200, `id="done"`, "payment password was changed")
		if p2, pay2 := hashes(t, e, id); p2 == pw || pay2 == pay {
			t.Fatal("the passwords did not change")
		}

		e.Call("POST", "/api/v1/sessions", map[string]any{"login": phone, "password": "new horse 1"}).
			Expect(t, 201).JSON(t, &s)
		c.post("/settings/security", "/settings/security/others", url.Values{}).
			expect(t, 200, `id="done"`, "1 other session was signed out")
		e.Call("GET", "/api/v1/me", nil, apitest.Auth(s.Token)...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		c.get("/settings/security").expect(t, 200, `action="/settings/security/others"`)
		// The count comes from the sign-out itself, not from the address: a crafted link shows none.
		page := c.get("/settings/security?done=others&n=999")
		page.expect(t, 200, `action="/settings/security/others"`)
		// (The message's words, not the bare digits: random tokens and ids on the page hold "999"
		// now and then.)
		if strings.Contains(page.Body, "999 other") || strings.Contains(page.Body, `id="done"`) {
			t.Error("a crafted link put a count of signed-out sessions on the page")
		}
	})
}
