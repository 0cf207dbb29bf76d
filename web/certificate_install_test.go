package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

var flowRe = regexp.MustCompile(`name="flow" value="([0-9a-f-]{36})"`)

// TestUserInstallsTheCertificateOnThisDevice (AP-2, GE-1, issue 18): the environment check runs
// when the closure's first page opens, before the agreement, and says so without "复核" (it ran
// after the agreement tick and read as a failed review). Its remedy page installs the certificate
// on this browser's device: a code to the bound phone, then the code and the payment password; a
// wrong code says how many tries are left and offers a new code. The closure's first page then
// shows the agreement on this browser, and still the check on another.
func TestUserInstallsTheCertificateOnThisDevice(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		phone := c.registerUser("郑十一")
		acct := c.accountID()
		ct.Exec(t, e, `UPDATE accounts SET certificate_required = ?, certificate_id = 'sha256:old-phone' WHERE id = ?`, true, acct)
		other := newClient(t, e)
		other.post("/signin", "/signin", url.Values{"login": {phone}, "password": {"correct horse"}}).expect(t, 200)

		start := c.get("/closure").expect(t, 200, `id="env-check"`, `data-code="ENV_CERTIFICATE_MISSING"`, `href="/security/certificate"`)
		if strings.Contains(start.Body, `name="accept"`) || strings.Contains(start.Body, "复核") {
			t.Fatalf("the agreement or a review shows before the environment check passed:\n%s", start.Body)
		}

		c.get("/security/certificate").expect(t, 200, `id="send-code"`, phone[:3]+"****")
		p := c.post("/security/certificate", "/security/certificate/code", url.Values{}).expect(t, 200, `id="code-sent"`, `id="resend"`)
		flow := flowRe.FindStringSubmatch(p.Body)[1]
		code := e.LastSMSCode(phone, "certificate_install")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		at := "/security/certificate?flow=" + flow
		c.post(at, "/security/certificate", url.Values{"flow": {flow}, "code": {wrong}, "payment_password": {"135790"}}).
			expect(t, 422, "验证码错误", "4", `id="resend"`)
		c.post(at, "/security/certificate/resend", url.Values{"flow": {flow}}).expect(t, 429) // a minute has not passed
		c.post(at, "/security/certificate", url.Values{"flow": {flow}, "code": {code}, "payment_password": {"135790"}}).
			expect(t, 200, `id="installed"`, "数字证书已安装到本设备")

		c.get("/closure").expect(t, 200, `name="accept"`)
		if strings.Contains(c.get("/closure").Body, `id="env-check"`) {
			t.Fatal("the check still stops this browser")
		}
		other.get("/closure").expect(t, 200, `id="env-check"`)

		// In English too.
		other.lang = "en"
		other.get("/security/certificate").expect(t, 200, "Send a code to", "Digital certificate")
	})
}
