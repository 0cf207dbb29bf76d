package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// A user who switches the pages to English gets English SMS too: the account's language, not the
// one it registered in, writes its messages (issue 18: an English user received Chinese SMS).
func TestLanguageSwitchIsTheAccountsLanguage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		phone := c.registerUser("Ada") // registered in Chinese, the default
		c.post("/settings", "/language", url.Values{"to": {"en"}, "back": {"/settings"}}).expect(t, 200, "Settings")
		id, _ := startClosure(t, c)
		from := "/closure/" + id
		c.post(from, from+"/rights", url.Values{"confirm": {"yes"}}).expect(t, 200, `id="send-sms"`)
		c.post(from, from+"/code", url.Values{"channel": {"sms"}}).expect(t, 200)
		var body string
		for _, m := range ct.Messages(t, e, phone) {
			if m.Template == "closure_otp" {
				body = m.Body
			}
		}
		if body == "" || strings.ContainsAny(body, "验证码您") || !strings.Contains(strings.ToLower(body), "code") {
			t.Fatalf("the closure code went out as %q, want English", body)
		}
	}, ct.WithPolicy(t, "tenpay"))
}

// The console's language switch takes (issue 18: its form was bound to the wrong session, so the
// switch was silently refused).
func TestConsoleLanguageSwitch(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	if _, _, err := e.App.Operators.Create(t.Context(), "admin1", purse.RoleAdmin, opPassword); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, e)
	consoleSignIn(t, c, "admin1")
	c.post("/admin", "/admin/language", url.Values{"to": {"en"}, "back": {"/admin"}}).
		expect(t, 200, `<html lang="en">`)
	c.get("/admin/maintenance").expect(t, 200, `<html lang="en">`)
}
