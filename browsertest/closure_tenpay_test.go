package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// TestClosureTenpayChinese closes a clean account under the tenpay preset entirely by clicking,
// in Chinese: settings → customer service → close account (TP-2), the agreement tick (TP-3), the
// rights page (AP-4), payment password and SMS code with a wrong code first (TP-4, TP-5, GE-1),
// confirm, and the success page (TP-6).
func TestClosureTenpayChinese(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", withPolicy(t, "tenpay"))
	b := New(t, e)
	phone := apitest.NextPhone()
	register(b, phone, "王小明")
	id := agree(b)
	b.Expect("#rights-h", "放弃")
	b.Expect("#lost", "个人信息")
	b.Shot("rights")
	b.Click("#f-confirm")
	b.Click("#rights-next")
	b.Expect("#verify-h", "验证身份")
	b.Shot("verification")

	b.Click("#send-sms")
	b.Expect("#code-sent", "验证码已发送")
	if !b.Has("#send-sms[disabled]") {
		t.Fatal("the send button does not count down")
	}
	b.Shot("code-sent")
	code := sixDigits.FindString(lastMessage(t, e, phone))
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
	b.Expect("#verify-error", "验证码错误")
	b.Expect("#verify-error", "重新获取")
	b.Shot("wrong-code")
	// The payment password passed with the first try; only the code is left.
	if b.Has("#f-payment_password") {
		t.Fatal("the passed payment password is asked again")
	}
	b.Fill("#f-sms_code", code)
	b.Click("#verify-next")
	b.Expect("#confirm-h", "确认注销")
	b.Shot("confirm")
	b.Click("#confirm-closure")
	b.Expect("#result-h", "账户已注销")
	b.Shot("closed")
	if s := closureState(t, e, id); s != purse.ClosureClosed {
		t.Fatalf("state %s, want closed", s)
	}
}
