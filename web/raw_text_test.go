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

var tagRe = regexp.MustCompile(`(?s)<[^>]*>`)

// visible is the text a reader sees: the page without its tags and attributes.
func visible(body string) string { return tagRe.ReplaceAllString(body, " ") }

// noRaw fails when the page shows an identifier meant for machines.
func noRaw(t *testing.T, p *page, raws ...string) {
	t.Helper()
	text := visible(p.Body)
	for _, raw := range raws {
		if strings.Contains(text, raw) {
			t.Errorf("%s shows %q", p.URL, raw)
		}
	}
}

// A blocker card says what is wrong in words; its code is for machines (issue 18: every card
// showed BALANCE_NOT_ZERO, which wrapped on a phone).
func TestBlockerCardsShowNoCode(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e)
	c.registerUser("李雷")
	ct.Blocker(t, e, c.accountID(), purse.CodeBalanceNotZero)
	_, p := startClosure(t, c)
	p.expect(t, 200, `data-code="BALANCE_NOT_ZERO"`, "余额")
	noRaw(t, p, "BALANCE_NOT_ZERO", "_NOT_")
}

// AP-2 runs before the agreement: a failed environment check is said as such, never as a failed
// review, and without the engine's English note (issue 18).
func TestEnvironmentCheckIsNotAFailedReview(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", ct.WithPolicy(t, "alipay"))
	c := newClient(t, e)
	c.registerUser("韩梅梅")
	ct.Blocker(t, e, c.accountID(), purse.CodeEnvCertificateMissing)
	p := c.post("/closure", "/closure", url.Values{"accept": {"yes"}, "from": {"settings"}})
	p.expect(t, 200, "安全环境检查未通过", `data-code="ENV_CERTIFICATE_MISSING"`)
	noRaw(t, p, "复核", "environment check failed", "ENV_CERTIFICATE_MISSING")
}

// A 7-day cooling-off just begun has 7 days left, and the home page leads back to "keep my
// account" (issue 18: "还有 6 天", and no way back from home).
func TestCoolingOffDaysAndWayBack(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u, id := ct.CoolingOff(t, e)
	e.Clock.Advance(time.Minute) // the user reads the page a moment after the review
	c := newClient(t, e)
	c.post("/signin", "/signin", url.Values{"login": {u.Phone}, "password": {u.Password}, "next": {"/"}}).
		expect(t, 200, `id="go-keep"`, `href="/closure/`+id+`"`, "保留我的账户")
	c.get("/closure/"+id).expect(t, 200, "还有 7 天", `id="keep-account"`)
}
