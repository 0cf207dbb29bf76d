package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse"
)

// TestWalkCertificateLifted walks AP-2 with the remedy purse has today, in Chinese and in English:
// the certificate user whose certificate is not on this device (13800000012) is stopped by the
// security-environment check before any condition is looked at; the remedy page explains and names
// support's phone; a reviewer, having checked the identity, lifts the requirement on the console
// with a reason; the user's next closure passes the check and reaches the rights page. (Installing
// the certificate after an SMS check is helper i18a's walk.) The closure's first page also says
// that a taken phone number or a real-name conflict is solved by rebinding, and its link opens
// that answer (AP-9, until the rebind flow lands).
//
// Steps: AP-2, AP-9
func TestWalkCertificateLifted(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e, b := alipayDemo(t, l)
		newOperator(t, e, "rev", purse.RoleReviewer)
		signIn(b, demoUser("13800000012"))
		// AP-2 runs first: the closure's first page says the check failed, before any agreement.
		b.Open("/closure")
		if !b.Has("#env-check [data-code='ENV_CERTIFICATE_MISSING'] a.remedy") {
			b.Shot("unexpected")
			t.Fatal("the missing certificate or its remedy is not shown")
		}
		l.expect(b, "#env-h", "安全环境检查未通过", "Security-environment check not passed")
		l.expect(b, "[data-code='ENV_CERTIFICATE_MISSING']", "数字证书", "certificate")
		if b.Has("#f-accept") {
			t.Fatal("the agreement is offered before the environment check passed")
		}
		l.page(b, "certificate-missing")
		b.Gallery("alipay-6-certificate-missing", Phone)
		b.Click("#fix-ENV_CERTIFICATE_MISSING")
		l.expect(b, "#remedy-h", "数字证书", "certificate")
		b.Expect("#support-phone", "95188")
		l.page(b, "certificate-remedy")

		// Support finds the account by its phone.
		consoleSignIn(b, "rev")
		b.Open("/admin/accounts?q=13800000012")
		b.Click("#results a[href^='/admin/accounts/']")
		b.Fill("#f-cert-reason", l.say("原设备丢失，已回拨绑定手机核实本人", "Device lost; identity checked by calling the bound phone back"))
		b.Click("#lift-certificate-submit")
		l.expect(b, "#main", "已取消数字证书要求", "The certificate requirement was lifted")
		if b.Has("#lift-certificate") {
			b.Shot("unexpected")
			t.Fatal("the certificate requirement is still there")
		}
		l.page(b, "console-lifted")

		// The user's session is still open in this browser: the check passes now, and the first
		// page says that a taken phone number or a real-name conflict needs no closure (AP-9).
		b.Open("/closure")
		l.expect(b, "#before-h ~ .hint:last-of-type", "换绑", "Rebinding")
		b.Click("a[href='/help#rebind']")
		b.ExpectPath("/help")
		b.Click("#rebind summary")
		l.expect(b, "#rebind .answer", "换绑手机号", "rebinding the number")
		l.page(b, "rebind-answer")
		b.Open("/closure")
		accept(b)
		l.expect(b, "#rights-h", "放弃", "Rights you give up")
		l.page(b, "passes-the-check")
	})
}
