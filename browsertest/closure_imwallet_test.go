package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/web"
)

// withSupport runs the server with the operator's customer-service channels (IM-7).
func withSupport(c *app.Config) {
	c.Support = web.Support{Phone: "95188", Chat: "https://chat.wallet.example/"}
}

// TestWalkImwallet closes an account under the imwallet preset, in Chinese and in English: the
// first page asks, optionally, why the user leaves, and a security worry points to the security
// page instead, which its link opens (IM-1); SMS code, then the "check your e-mail" page that says how long the link
// lasts (IM-2, IM-6); the closure is finished by opening the e-mail's link (read from the outbox,
// in the holder's language) and confirming on the page it opens (IM-2); the success page says
// the data goes and a new account means registering again (IM-4); the help centre names the
// phone and chat of customer service (IM-7).
//
// Steps: IM-1, IM-2, IM-4, IM-6, IM-7
func TestWalkImwallet(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e := apitest.New(t, "sqlite", ct.WithPolicy(t, "imwallet"), withSupport)
		u := l.account(t, e, apitest.NextPhone()+"@example.com")
		b := l.begin(t, e)
		signIn(b, u)
		toAgreement(b)
		l.expect(b, "#reasons legend", "为什么要注销", "Why are you closing")
		b.Click("#r-security")
		l.expect(b, "#r-security-tip", "修改密码", "change the password")
		b.Click("#to-security")
		b.ExpectPath("/settings/security")
		l.expect(b, "#pw-h", "登录密码", "password")
		toAgreement(b)
		b.Click("#r-security")
		b.Click("#r-other_wallet")
		l.page(b, "reason")
		id := accept(b)
		giveUpRights(b)
		l.expect(b, "#verify-h", "验证身份", "Confirm it is you")
		if b.Has("#f-payment_password") {
			t.Fatal("imwallet asks no payment password")
		}
		b.Click("#send-sms")
		b.Fill("#f-sms_code", ct.Code(t, e, u.Phone))
		b.Click("#verify-next")
		l.expect(b, "#mail-h", "请查收确认邮件", "Check your e-mail")
		l.expect(b, "#main", "24 小时", "24 hours")
		l.page(b, "check-email")
		b.Gallery("imwallet-1-check-email", Phone)
		l.told(t, e, u.Email, "closure_link")

		// The e-mail's link names the configured public address; open its path on this server.
		b.Open("/closure/confirm?token=" + ct.Link(t, e, u.Email))
		l.expect(b, "#confirm-h", "确认注销账户", "Confirm")
		l.page(b, "email-link")
		if s := e.ClosureState(t, id); s != purse.ClosureEmailConfirm {
			t.Fatalf("opening the link alone moved the request to %s", s)
		}
		b.Click("#confirm-link")
		l.expect(b, "#result-h", "账户已注销", "Your account is closed")
		l.expect(b, "#result", "注册新账户", "register a new account")
		l.page(b, "closed")
		if s := e.ClosureState(t, id); s != purse.ClosureClosed {
			t.Fatalf("state %s, want closed", s)
		}

		b.Open("/help")
		b.Click("#contact summary")
		b.Expect("#support-phone", "95188")
		l.expect(b, "#support-chat", "在线客服", "Chat")
		l.page(b, "help-contact")
	})
}
