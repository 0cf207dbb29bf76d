package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestWalkTenpay closes a new account under the tenpay preset entirely by clicking, in Chinese
// and in English: registration, settings → customer service → close account (TP-2), the
// agreement tick (TP-3), the rights page (AP-4), payment password and SMS code with a wrong code
// first (TP-4, TP-5, GE-1), confirm, the success page (TP-6); signing in again says the account is
// closed, and the same phone registers a new account with a new payment password (TP-7).
//
// Steps: TP-2, TP-3, TP-4, TP-5, TP-6, TP-7, GE-1, GE-2
func TestWalkTenpay(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e := apitest.New(t, "sqlite", ct.WithPolicy(t, "tenpay"))
		b := l.begin(t, e)
		phone := apitest.NextPhone()
		register(b, phone, l.say("王小明", "Ada Wang"))
		l.page(b, "home")

		toAgreement(b)
		l.expect(b, "#agree-h", "注销协议", "Closure agreement")
		l.expect(b, "label[for=f-accept]", "我已阅读并完全同意", "I have read and fully agree")
		l.page(b, "agreement")
		b.Gallery("tenpay-1-start", PhoneAndDesktop)
		id := accept(b)
		l.expect(b, "#rights-h", "放弃", "Rights you give up")
		l.expect(b, "#lost", "个人信息", "Personal information")
		l.page(b, "rights")
		giveUpRights(b)
		l.expect(b, "#verify-h", "验证身份", "Confirm it is you")
		l.page(b, "verification")

		b.Click("#send-sms")
		l.expect(b, "#code-sent", "验证码已发送", "A code was sent to")
		if !b.Has("#send-sms[disabled]") {
			t.Fatal("the send button does not count down")
		}
		l.page(b, "code-sent")
		code := ct.Code(t, e, phone)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		// The payment password field takes the keyboard: focus it and type, as a keyboard or
		// screen-reader user does.
		b.run("focus the payment password", chromedp.Focus(chromedp.CSS("#f-payment_password")))
		b.Keys("135790")
		b.Fill("#f-sms_code", wrong)
		b.Click("#verify-next")
		l.expect(b, "#verify-error", "验证码错误", "The verification code is wrong")
		l.expect(b, "#verify-error", "重新获取", "Send again")
		l.page(b, "wrong-code")
		b.Gallery("tenpay-2-wrong-code", Phone)
		// The payment password passed with the first try; only the code is left.
		if b.Has("#f-payment_password") {
			t.Fatal("the passed payment password is asked again")
		}
		b.Fill("#f-sms_code", code)
		b.Click("#verify-next")
		l.expect(b, "#confirm-h", "确认注销", "Confirm closure")
		l.page(b, "confirm")
		b.Click("#confirm-closure")
		l.expect(b, "#result-h", "账户已注销", "Your account is closed")
		l.page(b, "closed")
		b.Gallery("tenpay-3-closed", Phone)
		if s := e.ClosureState(t, id); s != purse.ClosureClosed {
			t.Fatalf("state %s, want closed", s)
		}

		// TP-6: signing in afterwards says the account is closed; TP-7: register anew.
		b.Open("/signin")
		b.Fill("#f-login", phone)
		b.Fill("#f-password", "correct horse")
		b.Click("form.form button[type=submit]")
		l.expect(b, "#account-closed h2", "该账户已注销", "This account is closed")
		l.page(b, "signin-closed")
		b.Click("#account-closed a.btn")
		b.ExpectPath("/register")
		register(b, phone, l.say("王小明", "Ada Wang"))
		b.Expect("#balances .book-list > div:first-child dd", "¥0.00")
		l.page(b, "registered-again")
	})
}
