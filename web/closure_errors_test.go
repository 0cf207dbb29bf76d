package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// toVerification registers a user and takes a clean account to the verification page.
func toVerification(t *testing.T, c *client) (string, string) {
	t.Helper()
	phone := c.registerUser("周七")
	id, _ := startClosure(t, c)
	from := "/closure/" + id
	c.post(from, from+"/rights", url.Values{"confirm": {"yes"}}).expect(t, 200, `id="verify-h"`)
	return id, phone
}

// GE-1 as the user needs it: a resend too soon says when; a locked payment password says until
// when; nothing moves the request on.
func TestWizardVerificationErrors(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		id, phone := toVerification(t, c)
		from := "/closure/" + id
		c.post(from, from+"/code", url.Values{"channel": {"sms"}}).expect(t, 200, "验证码已发送")
		c.post(from, from+"/code", url.Values{"channel": {"sms"}}).
			expect(t, 429, "获取验证码过于频繁", "后再试", `data-countdown="60"`)
		// An expired code: say so and offer a new one.
		code := ct.Code(t, e, phone)
		e.Clock.Advance(6 * time.Minute)
		c.post(from, from+"/verify", url.Values{"sms_code": {code}}).expect(t, 422, "验证码已过期", `>重新获取<`)
		for i := 0; i < 5; i++ {
			c.post(from, from+"/verify", url.Values{"payment_password": {"000000"}})
		}
		c.post(from, from+"/verify", url.Values{"payment_password": {"135790"}}).expect(t, 423, "已锁定至")
		if s := e.ClosureState(t, id); s != purse.ClosureVerification {
			t.Fatalf("state %s after failed verification", s)
		}
	}, ct.WithPolicy(t, "tenpay"))
}

var captchaID = regexp.MustCompile(`name="captcha_id" value="([0-9a-f-]{36})"`)

// PW-2: the captcha comes as an image inline (the CSP allows data: images only), with a refresh
// link; a wrong answer says so, and the page shows a new picture.
func TestWizardCaptcha(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", ct.WithPolicy(t, "postal"))
	c := newClient(t, e)
	id, _ := toVerification(t, c)
	from := "/closure/" + id
	p := c.get(from).expect(t, 200, `src="data:image/png;base64,`, `id="captcha-refresh"`, `id="send-sms"`)
	first := captchaID.FindStringSubmatch(p.Body)
	if first == nil {
		t.Fatal("no captcha id")
	}
	p = c.post(from, from+"/verify", url.Values{"captcha_id": {first[1]}, "captcha_answer": {"nope"}}).
		expect(t, 422, "图形验证码错误")
	again := captchaID.FindStringSubmatch(p.Body)
	if again == nil || again[1] == first[1] {
		t.Fatal("no new captcha after a wrong answer")
	}
}

var leftKey = regexp.MustCompile(`\b(wc|wr|wa)_[a-z0-9_]+`)

// The wizard, remedy and console pages leave no message id untranslated, in either language.
func TestWizardTranslated(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	newOperator(t, e, "rev9", purse.RoleReviewer)
	for _, lang := range []string{"zh-CN", "en"} {
		c := newClient(t, e)
		c.lang = lang
		c.registerUser("Ada")
		id, _ := startClosure(t, c)
		consoleSignIn(t, c, "rev9")
		paths := []string{"/closure/" + id, "/services/auto-debits", "/settings/linked-accounts", "/help/disputes",
			"/account/business", "/settings/payments", "/wallet/withdraw", "/wallet/fund", "/services/credit",
			"/closure/confirm?token=x", "/admin/closures", "/admin/closures/" + id, "/admin/closures/funnel"}
		for _, path := range paths {
			p := c.get(path)
			if p.Status != 200 {
				t.Errorf("%s: %d", path, p.Status)
			}
			if m := leftKey.FindString(p.Body); m != "" && !strings.Contains(p.Body, "data-"+m) {
				t.Errorf("%s in %s: untranslated %s", path, lang, m)
			}
		}
		from := "/closure/" + id
		c.post(from, from+"/rights", url.Values{"confirm": {"yes"}})
		if m := leftKey.FindString(c.get(from).Body); m != "" {
			t.Errorf("verification in %s: untranslated %s", lang, m)
		}
	}
}
